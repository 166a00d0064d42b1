"""The certificate register as a CSV and as one static, searchable HTML page.

The page needs no server: the register is embedded as JSON and a few lines of script filter
it; opened as `register.html#K7QX-M2PD-9WRT` it shows that certificate at once, which is what
the verification link (and QR code) printed on certificates points at.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from iltdesk import formatting
from iltdesk.documents.csvfile import csv_bytes
from iltdesk.domain.register import RegisterRow
from iltdesk.i18n import _
from iltdesk.i18n import ngettext


def register_csv(rows: list[RegisterRow]) -> bytes:
    """The certificate register as CSV."""
    return csv_bytes(
        [
            _("Code"),
            _("Learner"),
            _("Email"),
            _("Course code"),
            _("Course"),
            _("Completed"),
            _("Issued"),
            _("Valid until"),
            _("Status"),
            _("Revoked because"),
            _("Replaced by"),
        ],
        [
            [
                r.code,
                r.learner,
                r.email,
                r.course_code,
                r.course,
                r.completed_on.isoformat() if r.completed_on else "",
                r.issued_on.isoformat(),
                r.expires_on.isoformat() if r.expires_on else "",
                r.status.value,
                r.revoke_reason,
                r.replaced_by,
            ]
            for r in rows
        ],
    )


_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; }}
input {{ font-size: 1.1rem; padding: .4rem; width: 22rem; max-width: 100%; }}
table {{ border-collapse: collapse; margin-top: 1rem; width: 100%; }}
th, td {{ text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; }}
.valid {{ color: #1a7f37; }}
.expired, .revoked {{ color: #b42318; }}
.superseded {{ color: #8a5a00; }}
#answer {{ font-size: 1.2rem; margin-top: 1rem; }}
</style></head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
<label for="code">{label}</label><br>
<input id="code" autocomplete="off" placeholder="K7QX-M2PD-9WRT">
<div id="answer" role="status"></div>
<table><thead><tr><th>{code}</th><th>{learner}</th><th>{course}</th><th>{issued}</th>
<th>{until}</th><th>{status}</th></tr></thead><tbody id="rows"></tbody></table>
<p><small>{generated}</small></p>
<script>
const data = {data};
const words = {words};
const input = document.getElementById("code");
function norm(text) {{ return text.toUpperCase().replace(/[^A-Z0-9]/g, ""); }}
function show() {{
  const wanted = norm(input.value);
  const body = document.getElementById("rows");
  body.textContent = "";
  const hits = data.filter(r => !wanted || norm(r.code).startsWith(wanted));
  for (const r of hits.slice(0, 200)) {{
    const tr = document.createElement("tr");
    for (const v of [r.code, r.learner, r.course, r.issued, r.until || "—", words[r.status]]) {{
      const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
    }}
    tr.lastChild.className = r.status;
    body.appendChild(tr);
  }}
  const exact = data.find(r => norm(r.code) === wanted);
  document.getElementById("answer").textContent = wanted.length < 12 ? "" :
    exact ? words[exact.status] + ": " + exact.learner + " — " + exact.course : words.unknown;
}}
input.addEventListener("input", show);
if (location.hash) {{ input.value = decodeURIComponent(location.hash.slice(1)); }}
show();
</script>
</body></html>
"""


def register_html(
    rows: list[RegisterRow], generated: datetime, zone: str, organisation: str = ""
) -> bytes:
    """One page, no server needed: search by code, or open it with `#CODE`."""
    data = [
        {
            "code": r.code,
            "learner": r.learner,
            "course": f"{r.course_code} {r.course}",
            "issued": formatting.format_date(r.issued_on),
            "until": formatting.format_date(r.expires_on) if r.expires_on else "",
            "status": r.status.value,
        }
        for r in rows
    ]
    from iltdesk.domain.enums import CertificateStatus

    words = {s.value: s.label() for s in CertificateStatus}
    words["unknown"] = _("No certificate has this code.")
    title = _("Certificate register") + (f" — {organisation}" if organisation else "")

    def script_json(value: object) -> str:
        # Inside <script>, "</" must not appear: it could end the element early.
        return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")

    page = _PAGE.format(
        lang=formatting.current_locale().language,
        title=escape(title),
        intro=escape(
            _("Type or paste the code printed on a certificate to see whether it is valid.")
        ),
        label=escape(_("Certificate code")),
        code=escape(_("Code")),
        learner=escape(_("Learner")),
        course=escape(_("Course")),
        issued=escape(_("Issued")),
        until=escape(_("Valid until")),
        status=escape(_("Status")),
        generated=escape(
            ngettext(
                "{n} certificate · generated {when}",
                "{n} certificates · generated {when}",
                len(rows),
            ).format(n=len(rows), when=formatting.format_datetime(generated, zone))
        ),
        data=script_json(data),
        words=script_json(words),
    )
    return page.encode("utf-8")
