"""A virtual session's readiness checklist: ticked in the window, kept, printed in the guide."""

from __future__ import annotations

from iltdesk.documents.guide import build_guide_pdf
from iltdesk.domain.enums import DeliveryMode
from iltdesk.services import printing
from iltdesk.services import readiness
from iltdesk.views.session_detail import SessionDetailDialog
from tests.fixtures.builders import make_session


def test_checks_are_ticked_kept_and_printed(qtbot, ctx, tmp_path):
    import pdfplumber

    session = make_session(ctx.db, mode=DeliveryMode.VIRTUAL)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    assert not detail.readiness_box.isHidden()  # (on the Agenda tab)
    detail.readiness_checks["breakouts"].setChecked(True)
    detail.readiness_checks["audio"].setChecked(True)
    kept = {i.key: i.done for i in readiness.readiness(ctx.db, session.id)}
    assert (kept["breakouts"], kept["audio"], kept["backup_channel"]) == (True, True, False)
    detail.readiness_checks["audio"].setChecked(False)
    again = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(again)
    assert again.readiness_checks["breakouts"].isChecked()
    assert not again.readiness_checks["audio"].isChecked()
    guide = printing.facilitator_guide(ctx.db, session.id)
    assert ("Breakout rooms pre-assigned", True) in guide.readiness
    path = tmp_path / "guide.pdf"
    path.write_bytes(build_guide_pdf(guide))
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Ready to go live" in text
    assert "☑ Breakout rooms pre-assigned" in text
    assert "☐ Backup channel" in text


def test_an_in_person_session_has_no_checklist(qtbot, ctx):
    session = make_session(ctx.db)
    detail = SessionDetailDialog(None, ctx, session.id)
    qtbot.addWidget(detail)
    assert detail.readiness_box.isHidden()
    assert printing.facilitator_guide(ctx.db, session.id).readiness == ()
