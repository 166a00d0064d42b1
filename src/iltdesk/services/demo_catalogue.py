"""The fixed material of the demo organisation: courses, people, places, names."""
# ruff: noqa: E501

from __future__ import annotations

from iltdesk.domain.enums import ActivityType as A
from iltdesk.domain.enums import DeliveryFormat as F

# code, title, format, minutes per day, days, validity months, cost, objectives, agenda
COURSES: list[tuple[str, str, F, int, int, int | None, str, list[str], list[tuple[str, int, A]]]] = [
    ("FS-101", "Forklift Safety", F.IN_PERSON, 420, 1, 36, "180.00",
     ["Inspect a forklift before use", "Operate a forklift safely in a warehouse",
      "Respond to a tip-over or collision"],
     [("Welcome and safety briefing", 20, A.PRESENTATION), ("Pre-use inspection", 45, A.DEMONSTRATION),
      ("Inspection practice in pairs", 40, A.EXERCISE), ("Break", 15, A.BREAK),
      ("Load handling", 15, A.PRESENTATION), ("Yard course", 90, A.EXERCISE),
      ("Lunch", 45, A.BREAK), ("Incident scenarios", 60, A.ROLE_PLAY),
      ("Practical assessment", 60, A.ASSESSMENT), ("Wrap-up", 30, A.DISCUSSION)]),
    ("FA-200", "First Aid at Work", F.IN_PERSON, 420, 3, 36, "420.00",
     ["Assess an incident scene", "Give CPR and use an AED", "Treat bleeding and burns",
      "Record an incident"],
     [("Introductions and expectations", 30, A.DISCUSSION), ("Scene assessment", 15, A.PRESENTATION),
      ("Primary survey practice", 60, A.EXERCISE), ("Break", 15, A.BREAK),
      ("CPR demonstration", 15, A.DEMONSTRATION), ("CPR on manikins", 90, A.EXERCISE),
      ("Lunch", 45, A.BREAK), ("Bleeding and burns", 15, A.PRESENTATION),
      ("Casualty role-play", 75, A.ROLE_PLAY), ("Quiz", 30, A.ASSESSMENT),
      ("Incident records", 30, A.EXERCISE)]),
    ("DP-110", "Data Protection Essentials", F.VIRTUAL, 180, 1, 12, "90.00",
     ["Name the principles of data protection", "Spot a personal data breach",
      "Handle a subject access request"],
     [("Why it matters", 15, A.PRESENTATION), ("Poll: what is personal data?", 10, A.POLL),
      ("Principles", 15, A.PRESENTATION), ("Breach scenarios in breakout rooms", 40, A.DISCUSSION),
      ("Break", 10, A.BREAK), ("Subject access requests", 15, A.DEMONSTRATION),
      ("Handle a request", 45, A.EXERCISE), ("Knowledge check", 30, A.ASSESSMENT)]),
    ("LD-300", "Leading Hybrid Teams", F.BLENDED, 390, 2, None, "650.00",
     ["Set team agreements for hybrid work", "Run inclusive hybrid meetings",
      "Give feedback remotely"],
     [("Check-in", 20, A.DISCUSSION), ("What hybrid changes", 15, A.PRESENTATION),
      ("Team agreements workshop", 60, A.EXERCISE), ("Break", 15, A.BREAK),
      ("Inclusive meetings", 15, A.PRESENTATION), ("Meeting simulation", 60, A.ROLE_PLAY),
      ("Lunch", 60, A.BREAK), ("Feedback models", 15, A.PRESENTATION),
      ("Feedback practice", 75, A.ROLE_PLAY), ("Action planning", 55, A.EXERCISE)]),
    ("EX-120", "Excel for Analysts", F.IN_PERSON, 360, 1, None, "240.00",
     ["Clean a data set with formulas", "Summarise data with pivot tables", "Build a chart"],
     [("Tour of the data", 15, A.DEMONSTRATION), ("Cleaning exercise", 60, A.EXERCISE),
      ("Break", 15, A.BREAK), ("Pivot tables", 15, A.DEMONSTRATION),
      ("Pivot practice", 75, A.EXERCISE), ("Lunch", 45, A.BREAK),
      ("Charts", 15, A.DEMONSTRATION), ("Dashboard challenge", 90, A.EXERCISE),
      ("Review", 20, A.DISCUSSION)]),
    ("CS-210", "Customer Service Excellence", F.IN_PERSON, 420, 1, None, "210.00",
     ["Listen actively", "De-escalate a complaint", "Close a conversation well"],
     [("Great service stories", 30, A.DISCUSSION), ("Active listening", 15, A.PRESENTATION),
      ("Listening pairs", 45, A.EXERCISE), ("Break", 15, A.BREAK),
      ("De-escalation", 15, A.PRESENTATION), ("Complaint role-plays", 90, A.ROLE_PLAY),
      ("Lunch", 45, A.BREAK), ("Closing well", 15, A.DEMONSTRATION),
      ("Call simulation", 90, A.ROLE_PLAY), ("Commitments", 30, A.DISCUSSION),
      ("Feedback poll", 5, A.POLL)]),
    ("IS-105", "Information Security Awareness", F.VIRTUAL, 120, 1, 12, "60.00",
     ["Recognise phishing", "Protect passwords and devices"],
     [("Threats today", 15, A.PRESENTATION), ("Spot the phish", 25, A.EXERCISE),
      ("Passwords and MFA", 15, A.DEMONSTRATION), ("Q&A", 20, A.DISCUSSION),
      ("Poll", 5, A.POLL), ("Assessment", 40, A.ASSESSMENT)]),
    ("PM-400", "Project Management Fundamentals", F.IN_PERSON, 420, 2, None, "890.00",
     ["Define scope and objectives", "Plan with a work breakdown structure",
      "Manage risks", "Report progress"],
     [("Project stories", 30, A.DISCUSSION), ("Scope", 15, A.PRESENTATION),
      ("Scope a case project", 60, A.EXERCISE), ("Break", 15, A.BREAK),
      ("Work breakdown", 15, A.DEMONSTRATION), ("Build a WBS", 75, A.EXERCISE),
      ("Lunch", 45, A.BREAK), ("Risk", 15, A.PRESENTATION), ("Risk workshop", 60, A.EXERCISE),
      ("Reporting", 15, A.PRESENTATION), ("Status meeting role-play", 75, A.ROLE_PLAY)]),
    ("DEI-150", "Inclusive Workplace", F.VIRTUAL, 150, 1, None, "75.00",
     ["Recognise unconscious bias", "Act as an ally"],
     [("Opening poll", 10, A.POLL), ("Bias explained", 15, A.PRESENTATION),
      ("Case discussion", 40, A.DISCUSSION), ("Break", 10, A.BREAK),
      ("Allyship in practice", 15, A.PRESENTATION), ("Scenarios", 45, A.ROLE_PLAY),
      ("Reflection", 15, A.DISCUSSION)]),
    ("MH-130", "Mental Health First Aid", F.IN_PERSON, 420, 2, 36, "520.00",
     ["Spot signs of distress", "Start a supportive conversation", "Signpost to help"],
     [("Ground rules", 20, A.DISCUSSION), ("Mental health today", 15, A.PRESENTATION),
      ("Signs and symptoms", 45, A.EXERCISE), ("Break", 15, A.BREAK),
      ("ALGEE model", 15, A.PRESENTATION), ("Conversation practice", 90, A.ROLE_PLAY),
      ("Lunch", 45, A.BREAK), ("Signposting", 15, A.PRESENTATION),
      ("Resource mapping", 60, A.EXERCISE), ("Reflection", 30, A.DISCUSSION),
      ("Assessment", 45, A.ASSESSMENT)]),
    ("SL-220", "Sales Negotiation", F.IN_PERSON, 420, 1, None, "380.00",
     ["Prepare a negotiation", "Trade concessions", "Close the deal"],
     [("Warm-up negotiation", 30, A.EXERCISE), ("Preparation", 15, A.PRESENTATION),
      ("Prepare your case", 45, A.EXERCISE), ("Break", 15, A.BREAK),
      ("Concessions", 15, A.DEMONSTRATION), ("Negotiation rounds", 90, A.ROLE_PLAY),
      ("Lunch", 45, A.BREAK), ("Closing", 15, A.PRESENTATION),
      ("Final negotiation", 90, A.ROLE_PLAY), ("Debrief", 30, A.DISCUSSION),
      ("Poll", 5, A.POLL)]),
    ("ON-001", "New Starter Induction", F.BLENDED, 240, 1, None, "0.00",
     ["Know how the organisation works", "Find help and tools", "Meet the people"],
     [("Welcome", 15, A.PRESENTATION), ("Organisation quiz", 20, A.POLL),
      ("Tools tour", 15, A.DEMONSTRATION), ("Scavenger hunt", 45, A.EXERCISE),
      ("Break", 15, A.BREAK), ("Values", 15, A.PRESENTATION), ("Values discussion", 40, A.DISCUSSION),
      ("Meet the leaders", 60, A.DISCUSSION), ("Close", 15, A.DISCUSSION)]),
]

INSTRUCTORS = [
    ("Maria Rossi", False), ("James O’Connor", False), ("Aisha Rahman", False),
    ("Jürgen Weiß", False), ("Chloé Martin", True), ("Daniel Kim", False),
    ("Priya Nair", True), ("Tomasz Nowak", False),
]

# name, address, capacity, IANA zone
ROOMS = [
    ("London — Training Room A", "1 Bishopsgate, London EC2N 3AR", 20, "Europe/London"),
    ("Manchester — Suite 3", "40 Spring Gardens, Manchester M2 1EN", 16, "Europe/London"),
    ("Berlin — Seminarraum 2", "Friedrichstraße 76, 10117 Berlin", 18, "Europe/Berlin"),
    ("New York — 12F Conference", "350 Fifth Avenue, New York, NY 10118", 24, "America/New_York"),
    ("Chicago — Learning Lab", "233 S Wacker Dr, Chicago, IL 60606", 14, "America/Chicago"),
]

CANCEL_REASONS = [
    "Trainer unavailable",
    "Too few enrolments",
    "Venue unavailable",
    "Rescheduled at the business's request",
]

VIRTUAL_ZONES = ["Europe/London", "America/New_York", "Asia/Singapore", "Europe/Berlin"]

FIRST_NAMES = [
    "Anna", "Ben", "Chloé", "David", "Elif", "Fatima", "George", "Hannah", "Ivan", "Julia",
    "Kenji", "Laura", "Mohammed", "Nora", "Oliver", "Paula", "Quentin", "Rosa", "Sven", "Tara",
    "Umar", "Valentina", "William", "Xu", "Yusuf", "Zoë", "Łukasz", "Søren", "José", "Björn",
    "Siobhán", "Ngozi", "Aarav", "Mei", "Dmitri", "Ines", "Mateo", "Amara", "Noah", "Leila",
]
LAST_NAMES = [
    "Müller", "O’Brien", "Smith", "García", "Nguyen", "Kowalski", "Jensen", "Rossi", "Dubois",
    "Schmidt", "Okafor", "Patel", "Tanaka", "Ivanova", "Fernández", "Brown", "Wilson", "Khan",
    "Lefèvre", "Novák", "Andersson", "Murphy", "Costa", "Yılmaz", "Haddad", "Chen", "Silva",
    "Becker", "MacDonald", "Zhang", "Popescu", "Hoffmann", "Eriksen", "Gallagher", "Moreau",
    "Santos", "Weber", "Kaur", "Nakamura", "Van der Berg",
]
DEPARTMENTS = [
    "Operations", "Finance", "Sales", "Customer Service", "Human Resources", "IT",
    "Logistics", "Marketing", "Legal", "Facilities",
]
LOCATIONS = ["London", "Manchester", "Berlin", "New York", "Chicago", "Singapore", "Remote"]
JOB_TITLES = [
    "Analyst", "Team Leader", "Coordinator", "Specialist", "Manager", "Associate",
    "Engineer", "Advisor", "Administrator", "Supervisor",
]
