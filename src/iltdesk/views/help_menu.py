"""The Help menu: the user guide (F1), the keyboard shortcuts (Ctrl+/) and About."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget

from iltdesk.i18n import _
from iltdesk.views.context import AppContext


def about_text(version: str, data_folder: str, database: str) -> str:
    """Help › About: version, data folder, database and licence."""
    return "\n\n".join(
        [
            _("ILT Desk {version}").format(version=version),
            _("Plan, run and record instructor-led training."),
            _("Data folder: {folder}").format(folder=data_folder),
            _("Database: {where}").format(where=database),
            _(
                "Licence: GNU General Public License, version 3 or later. ILT Desk comes with "
                "no warranty. Qt (PySide6) is used under the LGPL 3; fonts: DejaVu (free "
                "licence)."
            ),
        ]
    )


class HelpMenu:
    """Fills the window's Help menu and opens what it offers.

    `shortcut_sources` gives the widgets whose actions the shortcut list shows (the window's
    own and those of screens built lazily).
    """

    def __init__(
        self,
        window: QWidget,
        ctx: AppContext,
        menu: QMenu,
        shortcut_sources: Callable[[], list[QWidget]],
    ) -> None:
        self.window = window
        self.ctx = ctx
        self.shortcut_sources = shortcut_sources
        self.guide_action = QAction(_("&User guide"), window)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.triggered.connect(self.show_guide)
        self.shortcuts_action = QAction(_("&Keyboard shortcuts"), window)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction(_("&About ILT Desk"), window)
        self.about_action.triggered.connect(self.about)
        menu.addAction(self.guide_action)
        menu.addAction(self.shortcuts_action)
        menu.addSeparator()
        menu.addAction(self.about_action)

    def show_guide(self) -> QWidget:
        """The user guide in the chosen language, beside the window."""
        from iltdesk.views.dialogs.help import GuideDialog

        dialog = GuideDialog(self.window, str(self.ctx.prefs.get("language")))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def show_shortcuts(self) -> QWidget:
        """Every action with a shortcut, as a table."""
        from iltdesk.views.dialogs.help import ShortcutsDialog

        actions = [a for w in self.shortcut_sources() for a in w.findChildren(QAction)]
        dialog = ShortcutsDialog(self.window, actions)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def about(self) -> None:
        """Version, data folder, database and licence."""
        from iltdesk import __version__
        from iltdesk import paths

        where = self.ctx.db.path or self.ctx.db.url.render_as_string(hide_password=True)
        QMessageBox.about(
            self.window,
            _("About ILT Desk"),
            about_text(__version__, str(paths.data_dir()), str(where)),
        )
