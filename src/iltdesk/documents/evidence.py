"""The evidence pack: one ZIP an auditor can check, the same bytes every time it is rebuilt.

Generated documents are made reproducible: reportlab in "invariant" mode (no creation time, a
fixed document id), the workbook's own ZIP and properties stamped with the session's first day,
every pack entry stamped with that day too, in a fixed order.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph
from reportlab.platypus import Table
from reportlab.platypus import TableStyle

from iltdesk.documents.files import safe_file_name
from iltdesk.documents.fonts import markup
from iltdesk.documents.fonts import register_fonts
from iltdesk.documents.pages import Cell
from iltdesk.documents.pages import pdf_document
from iltdesk.domain.evidence import EvidenceData
from iltdesk.domain.jsontypes import JsonObject
from iltdesk.i18n import _

_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


@contextmanager
def reproducible_pdfs() -> Iterator[None]:
    """Reportlab without timestamps or random ids while the block runs."""
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    try:
        yield
    finally:
        rl_config.invariant = before


def _stamp(day: str) -> tuple[int, int, int, int, int, int]:
    when = date.fromisoformat(day) if day else date(1980, 1, 1)
    return (max(1980, when.year), when.month, when.day, 0, 0, 0)


def normalise_zip(data: bytes, day: str) -> bytes:
    """Rewrite a ZIP-based file (xlsx) with fixed entry times and fixed document times."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = _stamp(day)
    iso = f"{day or '1980-01-01'}T00:00:00Z".encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def audit_csv(data: EvidenceData) -> bytes:
    """The session's audit trail as CSV."""
    from iltdesk.documents.csvfile import csv_bytes

    return csv_bytes(
        [_("Entry"), _("When (UTC)"), _("Who"), _("What"), _("Why"), _("Chain hash")],
        [
            [line.id, line.at.isoformat(), line.actor, line.text, line.reason, line.hash]
            for line in data.audit
        ],
    )


def audit_pdf(data: EvidenceData) -> bytes:
    """The session's audit trail as a readable PDF."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=body, fontName=bold)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=14, leading=18)
    buffer = io.BytesIO()
    document = pdf_document(buffer, data.paper, _("Audit trail"), wide=True)
    rows: list[list[Cell]] = [
        [Paragraph(markup(t), head) for t in (_("When (UTC)"), _("Who"), _("What"), _("Why"))]
    ]
    for line in data.audit:
        rows.append(
            [
                Paragraph(markup(line.at.strftime("%Y-%m-%d %H:%M:%S")), body),
                Paragraph(markup(line.actor), body),
                Paragraph(markup(line.text), body),
                Paragraph(markup(line.reason), body),
            ]
        )
    width = document.width
    story: list[Flowable] = [
        Paragraph(markup(_("Audit trail — {session}").format(session=data.session_label)), title),
        Paragraph(
            markup(_("Last entry's chain hash: {hash}").format(hash=data.last_hash or "—")), body
        ),
        Table(
            rows,
            colWidths=[width * 0.16, width * 0.14, width * 0.5, width * 0.2],
            repeatRows=1,
            style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        ),
    ]
    document.build(story)
    return buffer.getvalue()


def pack_files(data: EvidenceData) -> list[tuple[str, bytes]]:
    """The pack's files in order, every one reproducible from the same session."""
    from iltdesk.documents.certificates import build_certificates_pdf
    from iltdesk.documents.guide import build_guide_pdf
    from iltdesk.documents.workbook import build_workbook
    from iltdesk.domain.printing import CertificateDesign

    files: list[tuple[str, bytes]] = []
    for row, content in data.prints:
        when = row.printed_at.strftime("%Y-%m-%d %H%M%S")
        name = safe_file_name(f"{when} {row.kind} {row.label}", suffix=".pdf")
        files.append((f"printed/{name}", content))
    for scan, content in data.scans:
        day = f"day-{scan.day_number}" if scan.day_number else "session"
        files.append((f"scans/{day} {safe_file_name(scan.file_name)}", content))
    with reproducible_pdfs():
        workbook = build_workbook(data.workbook)
        files.append(("attendance.xlsx", normalise_zip(workbook, data.first_day)))
        if data.certificates:
            pdf = build_certificates_pdf(
                list(data.certificates),
                CertificateDesign.CLASSIC,
                data.paper,
            )
            files.append(("certificates.pdf", pdf))
        files.append(("facilitator-guide.pdf", build_guide_pdf(data.guide)))
        files.append(("audit.pdf", audit_pdf(data)))
    files.append(("audit.csv", audit_csv(data)))
    return files


def build_evidence_pack(data: EvidenceData) -> bytes:
    """The ZIP: the files above and `manifest.json` listing each with its SHA-256."""
    files = pack_files(data)
    notes = []
    if not data.prints:
        notes.append(
            _("No sign-in sheet or other document was printed from ILT Desk for this session.")
        )
    if not data.scans:
        notes.append(_("No scanned signed sheet is attached to this session."))
    manifest = {
        "session": {"id": data.session_id, "title": data.session_label, "course": data.course_code},
        "first_day": data.first_day,
        "timezone": data.timezone,
        "files": [
            {"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            for name, content in files
        ],
        "audit_last_hash": data.last_hash,
        "audit_entries": len(data.audit),
        "notes": notes,
    }
    buffer = io.BytesIO()
    stamp = _stamp(data.first_day)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*files, ("manifest.json", _manifest_bytes(manifest))]:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, content)
    return buffer.getvalue()


def _manifest_bytes(manifest: JsonObject) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def read_manifest(pack: bytes) -> tuple[JsonObject, dict[str, bytes]]:
    """The manifest and files of a pack (for checking one, and for the tests)."""
    archive = zipfile.ZipFile(io.BytesIO(pack))
    files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("manifest.json")), files
