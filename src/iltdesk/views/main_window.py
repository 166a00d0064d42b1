"""The main window: navigation between screens, standard menus, toolbar and status bar."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from iltdesk import __version__
from iltdesk.domain.changes import Changes
from iltdesk.i18n import _
from iltdesk.services import health, maintenance, scheduling
from iltdesk.services.demo import load_demo
from iltdesk.views.catalogue_views import CoursesPage, InstructorsPage, LearnersPage, RoomsPage
from iltdesk.views.context import AppContext
from iltdesk.views.dialogs.preferences import PreferencesDialog
from iltdesk.views.sessions_view import SessionsPage


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(_("ILT Desk"))
        self.resize(1180, 720)
        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setMaximumWidth(220)
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        self.sessions = SessionsPage(ctx)
        self.courses = CoursesPage(ctx)
        self.learners = LearnersPage(ctx)
        self.instructors = InstructorsPage(ctx)
        self.rooms = RoomsPage(ctx)
        for key, label, page in (
            ("sessions", _("Sessions"), self.sessions),
            ("courses", _("Courses"), self.courses),
            ("learners", _("Learners"), self.learners),
            ("instructors", _("Instructors"), self.instructors),
            ("rooms", _("Rooms"), self.rooms),
        ):
            self.nav.addItem(label)
            self.stack.addWidget(page)
            self.pages[key] = page
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self._build_actions()
        path = ctx.db.path
        self.statusBar().showMessage(
            _("Database: {where}").format(
                where=path if path else ctx.db.url.render_as_string(hide_password=True)
            )
        )
        ctx.changes_applied.connect(self._on_changes)
        self._restore()
        self.nav.setCurrentRow(0)

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        edit_menu = self.menuBar().addMenu(_("&Edit"))
        help_menu = self.menuBar().addMenu(_("&Help"))
        toolbar = self.addToolBar(_("Main"))
        toolbar.setObjectName("mainToolbar")

        self.new_action = QAction(_("&New session…"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.sessions.new_session)
        self.open_action = QAction(_("&Open session"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.sessions.open_selected)
        self.backup_action = QAction(_("&Back up now"), self)
        self.backup_action.triggered.connect(self.back_up_now)
        self.check_action = QAction(_("&Check database"), self)
        self.check_action.triggered.connect(self.check_database)
        self.quit_action = QAction(_("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (self.new_action, self.open_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.check_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        self.undo_action = self.ctx.undo_stack.createUndoAction(self, _("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.ctx.undo_stack.createRedoAction(self, _("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.find_action = QAction(_("&Find learner"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.find_learner)
        self.preferences_action = QAction(_("&Preferences…"), self)
        self.preferences_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(lambda: PreferencesDialog.ask(self, self.ctx))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)

        self.about_action = QAction(_("&About ILT Desk"), self)
        self.about_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.about_action.triggered.connect(self.about)
        help_menu.addAction(self.about_action)

        toolbar.addAction(self.new_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.find_action)

    # --- actions ---
    def find_learner(self) -> None:
        self.nav.setCurrentRow(2)
        self.learners.search.setFocus()
        self.learners.search.selectAll()

    def back_up_now(self) -> None:
        info = self.ctx.attempt(self, lambda: maintenance.back_up_before(self.ctx.db, "manual"))
        if info is not None:
            self.statusBar().showMessage(
                _("Backup written to {path} and verified.").format(path=info.path), 8000
            )

    def check_database(self) -> None:
        problems = self.ctx.attempt(self, lambda: health.check_database(self.ctx.db))
        if problems is None:
            return
        if problems:
            QMessageBox.warning(
                self, _("Check database"), "\n".join(p.message for p in problems[:20])
            )
        else:
            QMessageBox.information(self, _("Check database"), _("No problems found."))

    def about(self) -> None:
        QMessageBox.about(
            self,
            _("About ILT Desk"),
            _("ILT Desk {version}\nPlan, run and record instructor-led training.").format(
                version=__version__
            ),
        )

    def offer_demo_if_empty(self) -> None:
        """First run on an empty database: offer demo data or an empty start."""
        if scheduling.list_sessions(self.ctx.db, limit=1) or self.courses.model.rowCount():
            return
        if ask_load_demo(self):
            outcome = self.ctx.attempt(self, lambda: load_demo(self.ctx.db))
            if outcome is not None:
                self.ctx.apply(outcome)

    def _on_changes(self, changes: Changes) -> None:
        self.statusBar().clearMessage()

    # --- window state ---
    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        for key, page in self.pages.items():
            header = settings.value(f"columns/{key}")
            table = getattr(page, "table", None)
            if isinstance(header, QByteArray) and table is not None:
                table.horizontalHeader().restoreState(header)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        for key, page in self.pages.items():
            table = getattr(page, "table", None)
            if table is not None:
                settings.setValue(f"columns/{key}", table.horizontalHeader().saveState())
        super().closeEvent(event)


def ask_load_demo(parent: QWidget) -> bool:
    """First run: load the demo organisation (True) or start empty (False)."""
    box = QMessageBox(parent)
    box.setWindowTitle(_("Welcome to ILT Desk"))
    box.setText(
        _(
            "This database is empty. Load a demo organisation to look around, "
            "or start with an empty catalogue?"
        )
    )
    demo = box.addButton(_("Load &demo data"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Start &empty"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is demo
