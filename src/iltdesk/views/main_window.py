"""The main window: navigation between screens, standard menus, toolbar and status bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from typing import TypeVar

from PySide6.QtCore import QByteArray
from PySide6.QtCore import QSettings
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import QCloseEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QListWidgetItem
from PySide6.QtWidgets import QMainWindow
from PySide6.QtWidgets import QMenu
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QStackedWidget
from PySide6.QtWidgets import QWidget

from iltdesk.domain.attention import Target
from iltdesk.domain.changes import Changes
from iltdesk.i18n import _
from iltdesk.i18n import ngettext
from iltdesk.tasks.runner import TaskRunner
from iltdesk.tasks.runner import after_building
from iltdesk.views.context import AppContext
from iltdesk.views.drops import RosterDropTarget
from iltdesk.views.icons import icon
from iltdesk.views.screens import KEYS
from iltdesk.views.screens import SCREENS
from iltdesk.views.screens import Sidebar
from iltdesk.views.screens import shortcut
from iltdesk.views.widgets import open_dialog

if TYPE_CHECKING:
    from types import ModuleType

    from PySide6.QtWidgets import QDialog

    from iltdesk.views.catalogue_views import CoursesPage
    from iltdesk.views.catalogue_views import LearnersPage
    from iltdesk.views.catalogue_views import RoomsPage
    from iltdesk.views.dialogs.import_history import ImportHistoryDialog
    from iltdesk.views.dialogs.import_wizard import ImportWizard
    from iltdesk.views.file_actions import FileActions
    from iltdesk.views.instructors_view import InstructorsPage
    from iltdesk.views.reports_view import ReportsPage
    from iltdesk.views.session_detail import SessionDetailDialog
    from iltdesk.views.sessions_view import SessionsPage

Page = TypeVar("Page", bound=QWidget)


class MainWindow(RosterDropTarget, QMainWindow):
    """The main window: sidebar of screens, menus, toolbar and status bar."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskRunner(self, ctx)
        self._files: FileActions | None = None
        self.setWindowTitle(_("ILT Desk"))
        self.resize(1180, 720)
        self.setAcceptDrops(True)  # a roster file dropped here opens the import wizard
        self.nav = Sidebar()
        self.nav.setAccessibleName(_("Navigation"))
        self.nav.setMaximumWidth(220)
        self.nav.setMinimumWidth(140)
        self.stack = QStackedWidget()
        self._keys = list(KEYS)
        self.pages: dict[str, QWidget] = {}
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        for screen in SCREENS:
            self.nav.addItem(QListWidgetItem(icon(screen.key), _(screen.label)))
            self.stack.addWidget(QWidget())  # placeholder until the screen is first shown
        self.nav.setMinimumWidth(self.nav.sizeHint().width())  # every name whole, always
        self.nav.currentRowChanged.connect(self._show_page)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        self.setCentralWidget(self.splitter)
        self._build_actions()
        self._show_database()
        ctx.changes_applied.connect(self._on_changes)
        from iltdesk.views.live_updates import LiveUpdates

        self.live = LiveUpdates(ctx, self)
        self.live.arrived.connect(self._others_changed)
        self.live.start()
        self._restore()
        self.nav.setCurrentRow(0)

    @property
    def files(self) -> FileActions:
        """The File menu's actions (backups, checks, printing), made when first used.

        Their modules (maintenance, health, the team server) stay out of start-up.
        """
        if self._files is None:
            from iltdesk.views.file_actions import FileActions

            self._files = FileActions(self, self.ctx)
        return self._files

    def _build_actions(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        edit_menu = self.menuBar().addMenu(_("&Edit"))
        view_menu = self.menuBar().addMenu(_("&View"))
        help_menu = self.menuBar().addMenu(_("&Help"))
        from iltdesk.views.tools_menu import ToolsMenu

        self.tools = ToolsMenu(self, self.ctx, help_menu.menuAction())
        self._build_view_menu(view_menu)
        self._build_file_menu(file_menu)
        self._build_edit_menu(edit_menu)
        from iltdesk.views.help_menu import HelpMenu

        self.help = HelpMenu(self, self.ctx, help_menu, lambda: [self, self.sessions])
        toolbar = self.addToolBar(_("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.addAction(self.new_action)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.find_action)
        toolbar.addAction(self.print_action)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

    def _build_view_menu(self, view_menu: QMenu) -> None:
        """One action per screen, Ctrl+1 onwards."""
        self.screen_actions: dict[str, QAction] = {}
        for index, screen in enumerate(SCREENS):
            action = QAction(_(screen.label), self)
            keys = [QKeySequence(shortcut(index))]
            if screen.extra_shortcut:
                keys.append(QKeySequence(screen.extra_shortcut))
            action.setShortcuts(keys)
            action.triggered.connect(lambda _c=False, key=screen.key: self.show_screen(key))
            view_menu.addAction(action)
            self.screen_actions[screen.key] = action

    def _build_file_menu(self, file_menu: QMenu) -> None:
        self.new_action = QAction(icon("new-session"), _("&New session…"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.sessions.new_session())
        self.open_action = QAction(icon("open"), _("&Open session"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(lambda: self.sessions.open_selected())
        self.backup_action = QAction(_("&Back up now"), self)
        self.backup_action.triggered.connect(lambda: self.files.back_up_now())
        self.backups_action = QAction(_("Back&ups…"), self)
        self.backups_action.triggered.connect(lambda: self.files.show_backups())
        self.check_action = QAction(_("&Check database"), self)
        self.check_action.triggered.connect(lambda: self.files.check_database())
        self.connect_action = QAction(_("Connect to &team database…"), self)
        self.connect_action.triggered.connect(lambda: self.files.connect_team_database())
        self.local_copy_action = QAction(_("Save a &local copy…"), self)
        self.local_copy_action.triggered.connect(lambda: self.files.save_local_copy())
        self.quit_action = QAction(_("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.print_action = QAction(icon("print"), _("&Print list…"), self)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(lambda: self.files.print_current_list())
        self.today_action = QAction(_("Print &today's sign-in sheets…"), self)
        self.today_action.triggered.connect(lambda: self.files.print_todays_sheets())
        self.import_action = QAction(icon("open"), _("&Import roster…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(lambda: self.import_roster())
        self.import_history_action = QAction(_("Import &history…"), self)
        self.import_history_action.triggered.connect(self.show_import_history)
        for action in (self.new_action, self.open_action, self.print_action, self.today_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_history_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.backups_action)
        file_menu.addAction(self.check_action)
        file_menu.addSeparator()
        file_menu.addAction(self.connect_action)
        file_menu.addAction(self.local_copy_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

    def _build_edit_menu(self, edit_menu: QMenu) -> None:
        self.undo_action = self.ctx.undo_stack.createUndoAction(self, _("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.ctx.undo_stack.createRedoAction(self, _("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.find_action = QAction(icon("find"), _("&Find learner"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.find_learner)
        self.mail_settings_action = QAction(_("&Mail settings…"), self)
        self.mail_settings_action.triggered.connect(self.show_mail_settings)
        self.templates_action = QAction(_("Email &templates…"), self)
        self.templates_action.triggered.connect(self.show_templates)
        self.preferences_action = QAction(_("&Preferences…"), self)
        self.preferences_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.preferences_action.triggered.connect(self.show_preferences)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.mail_settings_action)
        edit_menu.addAction(self.templates_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)

    # --- screens ---
    def page(self, key: str) -> QWidget:
        """The screen `key`, built on first use."""
        if key not in self.pages:
            index = self._keys.index(key)
            with after_building():  # its first reads start once it is shown
                widget = SCREENS[index].build(self.ctx)
            self._connect_page(key, widget)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            if placeholder is not None:
                self.stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.pages[key] = widget
            header = window_settings().value(f"columns/{key}")
            table = getattr(widget, "table", None)
            if isinstance(header, QByteArray) and table is not None:
                table.horizontalHeader().restoreState(header)
                restored = getattr(widget, "columns_restored", None)
                if restored is not None:
                    restored()
        return self.pages[key]

    def _show_page(self, row: int) -> None:
        if 0 <= row < len(self._keys):
            self.page(self._keys[row])
            self.stack.setCurrentIndex(row)

    def show_screen(self, key: str) -> QWidget:
        """Switch to screen `key` (as the sidebar or View › … would) and return it."""
        self.nav.setCurrentRow(self._keys.index(key))
        return self.page(key)

    def _screen(self, key: str, kind: type[Page], *, show: bool = False) -> Page:
        """Screen `key` as the class it is built as (shown first when `show`)."""
        page = self.show_screen(key) if show else self.page(key)
        if not isinstance(page, kind):
            raise TypeError(f"screen {key} is a {type(page).__name__}, not a {kind.__name__}")
        return page

    def _connect_page(self, key: str, widget: QWidget) -> None:
        # Each screen's module is imported here only once that screen is built.
        if key == "home":
            from iltdesk.views.dashboard import DashboardPage

            if isinstance(widget, DashboardPage):
                widget.attention_changed.connect(self._attention_counted)
                widget.target_requested.connect(self.open_target)
        elif key == "learners":
            from iltdesk.views.catalogue_views import LearnersPage

            if isinstance(widget, LearnersPage):
                widget.transcript_requested.connect(self.show_transcript)

    def _attention_counted(self, count: int) -> None:
        item = self.nav.item(self._keys.index("home"))
        label = _("Home")
        item.setText(f"{label} ({count})" if count else label)
        item.setToolTip(
            ngettext("{n} thing needs attention", "{n} things need attention", count).format(
                n=count
            )
        )

    def open_target(self, target: Target, target_id: int | None) -> QWidget | None:
        """Open the place a dashboard item points at: the screen it showed.

        A session's window opens once its data is read (`sessions.detail` then finds it).
        """
        if target is Target.OUTBOX:
            return self.show_screen("outbox")
        if target is Target.COURSE_SESSIONS and target_id is not None:
            self.show_screen("sessions")
            self.sessions.show_course(target_id)
            return self.sessions
        if target_id is None:
            return None
        if target is Target.DUPLICATE:
            self.sessions.session_actions.duplicate(target_id)
            return None

        def point(dialog: SessionDetailDialog) -> None:
            if target is Target.ATTENDANCE:
                dialog.tabs.setCurrentIndex(1)
            elif target is Target.CERTIFICATES:
                dialog.email_note.setText(
                    _("To issue and email the certificates: Email › Certificates.")
                )

        self.sessions.open_session(target_id, then=point)  # the window opens once read
        return None

    def show_transcript(self, learner_id: int) -> ReportsPage:
        """The Reports screen, showing one learner's transcript."""
        from iltdesk.views.reports_view import ReportsPage

        page = self._screen("reports", ReportsPage, show=True)
        page.show_transcript(learner_id)
        return page

    @property
    def sessions(self) -> SessionsPage:
        from iltdesk.views.sessions_view import SessionsPage

        return self._screen("sessions", SessionsPage)

    @property
    def courses(self) -> CoursesPage:
        from iltdesk.views.catalogue_views import CoursesPage

        return self._screen("courses", CoursesPage)

    @property
    def learners(self) -> LearnersPage:
        from iltdesk.views.catalogue_views import LearnersPage

        return self._screen("learners", LearnersPage)

    @property
    def instructors(self) -> InstructorsPage:
        from iltdesk.views.instructors_view import InstructorsPage

        return self._screen("instructors", InstructorsPage)

    @property
    def rooms(self) -> RoomsPage:
        from iltdesk.views.catalogue_views import RoomsPage

        return self._screen("rooms", RoomsPage)

    # --- actions ---
    def show_mail_settings(self) -> QDialog:
        from iltdesk.views.dialogs.mail_settings import MailSettingsDialog

        return open_dialog(MailSettingsDialog(self, self.ctx))

    def show_templates(self) -> QDialog:
        from iltdesk.views.dialogs.mail_settings import TemplatesDialog

        return open_dialog(TemplatesDialog(self, self.ctx))

    def check_outbox_at_start(self) -> None:
        """After a crash: rows caught mid-send become uncertain; say what waits, send nothing."""
        from iltdesk.domain.enums import OutboxStatus
        from iltdesk.services import outbox

        self.ctx.apply(outbox.recover_interrupted(self.ctx.db))
        counts = outbox.outbox_counts(self.ctx.db)
        waiting = counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.UNCERTAIN, 0)
        if waiting:
            self.statusBar().showMessage(
                ngettext(
                    "{n} email waits in the Outbox: open it to send or check it.",
                    "{n} emails wait in the Outbox: open them to send or check them.",
                    waiting,
                ).format(n=waiting)
            )
        views = mail_views()
        self.mailer = views.Mailer(self.ctx, self, self.tasks)
        self.reminders = views.ReminderWatch(self.ctx, self, self.mailer)
        self.reminders.start()

    def import_roster(self, path: Path | None = None) -> ImportWizard:
        """Open the import wizard (on `path`, e.g. a file dropped on the window)."""
        from iltdesk.views.dialogs.import_wizard import open_import_wizard

        return open_import_wizard(self.ctx, self, path=path)

    def show_import_history(self) -> ImportHistoryDialog:
        from iltdesk.views.dialogs.import_history import open_import_history

        return open_import_history(self.ctx, self)

    def roster_dropped(self, path: Path) -> None:
        self.import_roster(path)

    def show_preferences(self) -> None:
        from iltdesk.views.dialogs.preferences import PreferencesDialog

        PreferencesDialog.ask(self, self.ctx)

    def find_learner(self) -> None:
        self.show_screen("learners")
        self.learners.search.setFocus()
        self.learners.search.selectAll()

    def _on_changes(self, _changes: Changes) -> None:
        self.statusBar().clearMessage()

    # --- window state ---
    def _restore(self) -> None:
        settings = window_settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        nav, screen = self.splitter.sizes()
        widest = self.nav.maximumWidth()
        if nav > widest:  # kept by an older version: the sidebar cannot fill it
            self.splitter.setSizes([widest, screen + nav - widest])

    def _show_database(self) -> None:
        """The status bar names the database and, on a server, who you are there."""
        db = self.ctx.db
        if db.is_server:
            from iltdesk import formatting
            from iltdesk.services import maintenance

            last = maintenance.last_backup(db)
            backed_up = (
                _("last backup {when}").format(
                    when=formatting.format_datetime(
                        last.taken_at, str(self.ctx.prefs.get("default_timezone"))
                    )
                )
                if last is not None
                else _("no backup taken yet")
            )
            where = _("Team database {where} — you are {who} — {backup}").format(
                where=db.label, who=db.actor or _("unnamed"), backup=backed_up
            )
            self.database_label = QLabel(where)
            self.database_label.setToolTip(db.backup_note)  # why: the server's backups
            self.statusBar().addPermanentWidget(self.database_label)
        else:
            self.statusBar().showMessage(_("Database: {where}").format(where=db.label))

    def _others_changed(self, who: str, _changes: object) -> None:
        self.statusBar().showMessage(
            _("Updated with changes by {who}.").format(who=who or _("another coordinator")), 8000
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.live.stop()
        settings = window_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        for key, page in self.pages.items():
            table = getattr(page, "table", None)
            if table is not None:
                settings.setValue(f"columns/{key}", table.horizontalHeader().saveState())
        super().closeEvent(event)


def window_settings() -> QSettings:
    """Window geometry and column widths, in a file in the per-user config folder.

    Tests and a second profile (their own ILTDESK_HOME) never share them.
    """
    from iltdesk import paths

    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


def mail_views() -> ModuleType:
    """The mail screens, imported when first needed."""
    from iltdesk.views import mail

    return mail
