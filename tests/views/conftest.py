"""View tests: real widgets on a real temporary database, driven with qtbot."""

from __future__ import annotations

import pytest

from iltdesk.services.catalogue import MaterialStore
from iltdesk.settings import Preferences


@pytest.fixture
def ctx(db, tmp_path, qapp):
    from iltdesk.views.context import AppContext

    prefs = Preferences(tmp_path / "prefs.json")
    context = AppContext(db, prefs, MaterialStore(tmp_path / "materials"))
    yield context
    context.undo_stack.clear()
