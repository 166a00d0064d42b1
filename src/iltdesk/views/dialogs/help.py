"""Help › User guide and Help › Keyboard shortcuts: offline, from what the app ships and has.

The guide is Markdown shipped with the app (`resources/guide/guide-<language>.md`, the same
text as the README's "Using the app"); the shortcuts list is read from the window's own actions,
so it can never disagree with the keys that work.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QTableWidget
from PySide6.QtWidgets import QTableWidgetItem
from PySide6.QtWidgets import QTextBrowser
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.views.widgets import fit_columns

GUIDES = Path(__file__).resolve().parent.parent.parent / "resources" / "guide"


def guide_text(language: str) -> str:
    """The user guide in `language`, or in English when there is none."""
    for name in (f"guide-{language}.md", "guide-en.md"):
        path = GUIDES / name
        if path.exists():
            return path.read_text(encoding="utf-8")
    return ""


class GuideDialog(QDialog):
    """The user guide, readable offline; modeless."""

    def __init__(self, parent: QWidget | None, language: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("User guide"))
        self.resize(760, 700)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_text(language))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)


# Keys that belong to a view rather than to a menu action (they are handled in key events).
VIEW_KEYS = (
    ("P · L · F · A · E", N_("Attendance grid: present, late, left early, absent, excused")),
    ("Delete", N_("Attendance grid: clear the mark")),
    ("Return", N_("Sessions list: open the session")),
    ("Ctrl+E", N_("Sessions list: edit the session")),
    ("Ctrl+D", N_("Sessions list: duplicate the session")),
)


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, then the views' own keys."""
    rows = []
    seen = set()
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        text = action.text().replace("&", "").rstrip(".…")
        if keys and (keys, text) not in seen:
            seen.add((keys, text))
            rows.append((keys, text))
    rows.sort(key=lambda r: r[1].casefold())
    return rows + [(keys, _(text)) for keys, text in VIEW_KEYS]


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut, as the window's actions define them; modeless."""

    def __init__(self, parent: QWidget | None, actions: list[QAction]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.resize(560, 520)
        rows = shortcut_rows(actions)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([_("Keys"), _("Action")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for index, (keys, text) in enumerate(rows):
            self.table.setItem(index, 0, QTableWidgetItem(keys))
            self.table.setItem(index, 1, QTableWidgetItem(text))
        fit_columns(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
