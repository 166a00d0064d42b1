"""Message templates: a subject and a body per kind and language, with named placeholders.

A template may use only the placeholders in `PLACEHOLDERS`; anything else (a typo such as
`{frist_name}`, a stray brace) is reported when the template is edited, not when mail goes out.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from iltdesk.domain.enums import MessageKind
from iltdesk.i18n import _

PLACEHOLDERS = (
    "first_name",
    "last_name",
    "full_name",
    "course",
    "course_code",
    "session_dates",
    "first_date",
    "location_or_link",
    "instructors",
    "meeting_link",
    "backup_contact",
    "tech_checklist",
    "prework",
    "waitlist_position",
    "certificate_code",
    "verify_link",
    "survey_link",
    "organisation",
    "reason",
    "removed_dates",
    "requirement",
    "due_date",
    "people",
)


@dataclass(frozen=True)
class Template:
    """A message template's subject and body, with placeholders."""

    subject: str
    body: str


def template_errors(template: Template) -> list[str]:
    """Sentences saying what is wrong with a template (empty when it is fine)."""
    errors = []
    for part, text in ((_("subject"), template.subject), (_("message"), template.body)):
        try:
            names = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
        except ValueError:
            errors.append(
                _(
                    "The {part} has a brace that opens or closes nothing. Write placeholders as "
                    "{{first_name}}; for a literal brace write it twice."
                ).format(part=part)
            )
            continue
        for name in names:
            if name not in PLACEHOLDERS:
                errors.append(
                    _("The {part} uses {{{name}}}, which ILT Desk does not know.").format(
                        part=part, name=name
                    )
                    + " "
                    + _("Known placeholders: {names}.").format(
                        names=", ".join("{" + p + "}" for p in PLACEHOLDERS)
                    )
                )
    return errors


def render(template: Template, values: Mapping[str, str]) -> tuple[str, str]:
    """(subject, body) with the placeholders filled; unknown ones were refused at editing."""
    filled = {name: values.get(name, "") for name in PLACEHOLDERS}
    subject = template.subject.format_map(filled)
    return " ".join(subject.split()), template.body.format_map(filled)


_EN: dict[MessageKind, Template] = {
    MessageKind.CONFIRMATION: Template(
        "Confirmed: {course} — {first_date}",
        "Dear {first_name},\n\n"
        "you are enrolled in {course}.\n\n"
        "When: {session_dates}\n"
        "Where: {location_or_link}\n"
        "Trainer: {instructors}\n\n"
        "{prework}{tech_checklist}"
        "The calendar invitation is attached.\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.WAITLIST: Template(
        "Waitlist: {course} — {first_date}",
        "Dear {first_name},\n\n{course} on {session_dates} is full. You are number "
        "{waitlist_position} on the waitlist; we will write as soon as a seat is free.\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.PROMOTED: Template(
        "A seat for you: {course} — {first_date}",
        "Dear {first_name},\n\na seat has become free: you are now enrolled in {course}.\n\n"
        "When: {session_dates}\nWhere: {location_or_link}\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.REMINDER: Template(
        "Reminder: {course} — {first_date}",
        "Dear {first_name},\n\na reminder that {course} starts soon.\n\n"
        "When: {session_dates}\nWhere: {location_or_link}\nTrainer: {instructors}\n\n"
        "{prework}{tech_checklist}Kind regards,\n{organisation}\n",
    ),
    MessageKind.CHANGED: Template(
        "Changed: {course} — {first_date}",
        "Dear {first_name},\n\n{course} has changed. The new details:\n\n"
        "When: {session_dates}\nWhere: {location_or_link}\n\n"
        "The attached invitation updates your calendar.\n\nKind regards,\n{organisation}\n",
    ),
    MessageKind.DAYS_REMOVED: Template(
        "Days removed: {course} — {removed_dates}",
        "Dear {first_name},\n\n{course} no longer meets on {removed_dates}. The session now "
        "runs on: {session_dates}.\n\nThe attached message removes the dropped days from your "
        "calendar.\n\nKind regards,\n{organisation}\n",
    ),
    MessageKind.CANCELLED: Template(
        "Cancelled: {course} — {first_date}",
        "Dear {first_name},\n\nwe are sorry: {course} on {session_dates} is cancelled. "
        "{reason}\n\nThe attached message removes it from your calendar.\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.CERTIFICATE: Template(
        "Your certificate: {course}",
        "Dear {first_name},\n\ncongratulations on completing {course}. Your certificate is "
        "attached (code {certificate_code}). {verify_link}\n\nKind regards,\n{organisation}\n",
    ),
    MessageKind.FEEDBACK: Template(
        "How was {course}?",
        "Dear {first_name},\n\nthank you for taking part in {course}. Please tell us what you "
        "thought — it takes three minutes: {survey_link}\n\nKind regards,\n{organisation}\n",
    ),
    MessageKind.PREWORK_REMINDER: Template(
        "Before {course}: your pre-work",
        "Dear {first_name},\n\n{course} starts on {first_date}, and your pre-work is not "
        "done yet.\n\n{prework}Kind regards,\n{organisation}\n",
    ),
    MessageKind.REQUIREMENT_DUE: Template(
        "Training due: {requirement} — {due_date}",
        "Dear {first_name},\n\nyour {requirement} training ({course}) is due by {due_date}. "
        "{reason}Please book a place in one of the next sessions, or talk to your manager.\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.MANAGER_SUMMARY: Template(
        "Training due in your team",
        "Dear {first_name},\n\nthese people in your team have required training due or "
        "overdue:\n\n{people}\n\nPlease help them book a place.\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.INTEREST_OFFER: Template(
        "A date for {course}: {first_date}",
        "Dear {first_name},\n\nyou asked to be told when {course} is scheduled. A session has "
        "seats: {session_dates}, {location_or_link}.\n\nReply to this message if you would "
        "like one of them; seats are given in the order you joined the list.\n\n"
        "Kind regards,\n{organisation}\n",
    ),
    MessageKind.TEST: Template(
        "ILT Desk test message",
        "This is a test message from ILT Desk. If you can read it, the mail settings work.\n",
    ),
}

_DE: dict[MessageKind, Template] = {
    MessageKind.CONFIRMATION: Template(
        "Bestätigt: {course} — {first_date}",
        "Guten Tag {first_name} {last_name},\n\n"
        "Sie sind für {course} angemeldet.\n\n"
        "Wann: {session_dates}\n"
        "Wo: {location_or_link}\n"
        "Trainer/in: {instructors}\n\n"
        "{prework}{tech_checklist}"
        "Die Kalendereinladung ist angehängt.\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.WAITLIST: Template(
        "Warteliste: {course} — {first_date}",
        "Guten Tag {first_name} {last_name},\n\n{course} am {session_dates} ist ausgebucht. "
        "Sie stehen auf Platz {waitlist_position} der Warteliste; wir melden uns, sobald ein "
        "Platz frei wird.\n\nFreundliche Grüße\n{organisation}\n",
    ),
    MessageKind.PROMOTED: Template(
        "Ein Platz für Sie: {course} — {first_date}",
        "Guten Tag {first_name} {last_name},\n\nein Platz ist frei geworden: Sie sind jetzt "
        "für {course} angemeldet.\n\nWann: {session_dates}\nWo: {location_or_link}\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.REMINDER: Template(
        "Erinnerung: {course} — {first_date}",
        "Guten Tag {first_name} {last_name},\n\n{course} beginnt bald.\n\n"
        "Wann: {session_dates}\nWo: {location_or_link}\nTrainer/in: {instructors}\n\n"
        "{prework}{tech_checklist}Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.CHANGED: Template(
        "Geändert: {course} — {first_date}",
        "Guten Tag {first_name} {last_name},\n\n{course} wurde geändert. Die neuen Angaben:\n\n"
        "Wann: {session_dates}\nWo: {location_or_link}\n\n"
        "Die angehängte Einladung aktualisiert Ihren Kalender.\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.DAYS_REMOVED: Template(
        "Termine entfallen: {course} — {removed_dates}",
        "Guten Tag {first_name} {last_name},\n\n{course} findet am {removed_dates} nicht mehr "
        "statt. Die verbleibenden Termine: {session_dates}.\n\nDie angehängte Nachricht "
        "entfernt die entfallenen Termine aus Ihrem Kalender.\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.CANCELLED: Template(
        "Abgesagt: {course} — {first_date}",
        "Guten Tag {first_name} {last_name},\n\nleider fällt {course} am {session_dates} aus. "
        "{reason}\n\nDie angehängte Nachricht entfernt den Termin aus Ihrem Kalender.\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.CERTIFICATE: Template(
        "Ihr Zertifikat: {course}",
        "Guten Tag {first_name} {last_name},\n\nherzlichen Glückwunsch zum Abschluss von "
        "{course}. Ihr Zertifikat ist angehängt (Code {certificate_code}). {verify_link}\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.FEEDBACK: Template(
        "Wie war {course}?",
        "Guten Tag {first_name} {last_name},\n\ndanke für Ihre Teilnahme an {course}. Bitte "
        "sagen Sie uns Ihre Meinung – es dauert drei Minuten: {survey_link}\n\n"
        "Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.PREWORK_REMINDER: Template(
        "Vor {course}: Ihre Vorbereitung",
        "Guten Tag {first_name} {last_name},\n\n{course} beginnt am {first_date}, und Ihre "
        "Vorbereitung ist noch nicht erledigt.\n\n{prework}Freundliche Grüße\n{organisation}\n",
    ),
    MessageKind.REQUIREMENT_DUE: Template(
        "Schulung fällig: {requirement} — {due_date}",
        "Guten Tag {first_name},\n\nIhre Pflichtschulung {requirement} ({course}) ist bis "
        "{due_date} fällig. {reason}Bitte buchen Sie einen Platz in einem der nächsten Termine "
        "oder sprechen Sie mit Ihrer Führungskraft.\n\nFreundliche Grüße\n{organisation}\n",
    ),
    MessageKind.MANAGER_SUMMARY: Template(
        "Fällige Schulungen in Ihrem Team",
        "Guten Tag {first_name},\n\nfür diese Personen in Ihrem Team sind Pflichtschulungen "
        "fällig oder überfällig:\n\n{people}\n\nBitte unterstützen Sie sie bei der Buchung."
        "\n\nFreundliche Grüße\n{organisation}\n",
    ),
    MessageKind.INTEREST_OFFER: Template(
        "Ein Termin für {course}: {first_date}",
        "Guten Tag {first_name} {last_name},\n\nSie wollten erfahren, wann {course} stattfindet. "
        "Ein Termin hat freie Plätze: {session_dates}, {location_or_link}.\n\nAntworten Sie "
        "auf diese Nachricht, wenn Sie einen Platz möchten; die Plätze werden in der Reihenfolge "
        "der Anmeldung zur Liste vergeben.\n\nFreundliche Grüße\n{organisation}\n",
    ),
    MessageKind.TEST: Template(
        "ILT Desk – Testnachricht",
        "Dies ist eine Testnachricht von ILT Desk. Wenn Sie sie lesen können, funktionieren "
        "die E-Mail-Einstellungen.\n",
    ),
}

DEFAULT_TEMPLATES: dict[str, dict[MessageKind, Template]] = {"en": _EN, "de": _DE}
TEMPLATE_LANGUAGES = tuple(DEFAULT_TEMPLATES)

DEFAULT_TECH_CHECKLIST = {
    "en": "Before the session, please check: audio (headset or speakers and microphone), "
    "camera, screen sharing, and a quiet place to join from.",
    "de": "Bitte prüfen Sie vorab: Ton (Headset oder Lautsprecher und Mikrofon), Kamera, "
    "Bildschirmfreigabe und einen ruhigen Ort für die Teilnahme.",
}


def default_template(kind: MessageKind, language: str) -> Template:
    """The built-in template for a kind of message in a language."""
    return DEFAULT_TEMPLATES.get(language, _EN).get(kind) or _EN[kind]
