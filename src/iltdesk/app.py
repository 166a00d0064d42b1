"""Start-up of the desktop app: locale, the database (refusing what it must), Qt, the window.

PySide6 is imported only once the database is open and the first screen's reading has started
(`run_gui`): its ~60 ms of imports, and the window layer's, then overlap with that reading.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from types import TracebackType
from typing import TYPE_CHECKING

# SQLAlchemy loads a dialect when the first engine is made: the default file's, here, with the
# rest, before PySide6 (once loaded, its import hook inspects every later import).
import sqlalchemy.dialects.sqlite  # noqa: F401

from iltdesk import formatting
from iltdesk import i18n
from iltdesk import paths
from iltdesk.collector import release_collector
from iltdesk.db.base import utcnow
from iltdesk.db.engine import Database
from iltdesk.db.engine import database_url
from iltdesk.db.engine import sqlite_path
from iltdesk.db.opening import open_database
from iltdesk.errors import DamagedDatabaseError
from iltdesk.errors import MigrationFailedError
from iltdesk.errors import ServerUpgradeNeededError
from iltdesk.errors import UserError
from iltdesk.i18n import _
from iltdesk.services import dashboard
from iltdesk.settings import Preferences
from iltdesk.tasks.early import Early

if TYPE_CHECKING:  # Qt and the window layer are imported only once the app starts
    from PySide6.QtWidgets import QApplication

    from iltdesk.views.context import AppContext
    from iltdesk.views.main_window import MainWindow

log = logging.getLogger(__name__)

# How long a thread running Python keeps the interpreter from another that asks for it, in the
# desktop app (Python's default is 5 ms). Painting calls into Python for every cell (the
# models' data), and each call waits for a worker running Python to let go: a session window
# painted beside a busy worker stalled 300-460 ms at 5 ms, 140-195 at 1 ms, 50-90 at 0.2 ms.
# bench_gui, interleaved, three rounds a database: the screens step's worst stall 50-69 ms at
# 5 ms, 44-67 at 0.5; the documents step 35-103 and 21-52. Two Python workers share the
# interpreter as fast at 0.5 ms as at 5.
GUI_SWITCH_INTERVAL = 0.0005

NOTICE_VARIABLE = "ILTDESK_STARTUP_NOTICE"  # a sentence the (re)started app shows once


def lighten_pyside_import_check() -> None:
    """Spare every later import PySide6's search of its source.

    Once loaded, PySide6 asks of each module imported after it whether its source mentions
    "PySide6", for its opt-in `__feature__` syntax (snake_case names, true properties): a
    module that does is switched to the features it selects, one that does not is marked
    "ignore". It asks through `inspect.getsource`, which decodes and splits the whole file and
    keeps its lines in `linecache` for good. The window layer, the screens' warm-up and the
    documents import some 310 modules after Qt: ~50 ms of start-up, and 313,000 lines in lists
    that every full collection walks. ILT Desk selects no feature (a test keeps it so), so no
    module needs switching: each is marked "ignore" at once. A PySide6 without the check is
    left as it is.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        setattr(feature, "_mod_uses_pyside", _switches_no_feature)  # noqa: B010 - a private name


def _switches_no_feature(_module: ModuleType) -> bool:
    return False


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with ILT Desk's name, icon and style."""
    from PySide6.QtCore import QCoreApplication

    lighten_pyside_import_check()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL)  # the window gets the interpreter back sooner
    from PySide6.QtWidgets import QApplication
    from PySide6.QtWidgets import QStyleFactory

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName("ILT Desk")
    QCoreApplication.setApplicationName("ILT Desk")
    app = QApplication(argv or sys.argv[:1])
    from iltdesk.views.icons import icon

    app.setWindowIcon(icon("iltdesk"))
    if sys.platform.startswith("linux") and "fusion" in [k.lower() for k in QStyleFactory.keys()]:  # noqa: SIM118 - a Qt list, not a dict
        # Fusion follows the system colour scheme (light/dark) where the native style may not.
        app.setStyle("Fusion")
    return app


def apply_color_scheme(app: QApplication, scheme: str) -> None:
    """Light, dark, or (default) whatever the system uses; applied at once.

    Qt 6.8+ asks the platform (`QStyleHints.setColorScheme`); where the platform theme does not
    follow (plain X11, offscreen), a matching palette is set on the Fusion style instead.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor
    from PySide6.QtGui import QPalette

    hints = app.styleHints()
    wanted = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}.get(scheme)
    if wanted is None:
        hints.unsetColorScheme()
        app.setPalette(app.style().standardPalette())
        return
    hints.setColorScheme(wanted)
    if hints.colorScheme() == wanted:
        return
    palette = app.style().standardPalette()
    if wanted == Qt.ColorScheme.Dark:
        role = QPalette.ColorRole
        for name, colour in (
            (role.Window, "#2b2b2b"),
            (role.WindowText, "#e6e6e6"),
            (role.Base, "#1f1f1f"),
            (role.AlternateBase, "#2a2a2a"),
            (role.Text, "#e6e6e6"),
            (role.Button, "#353535"),
            (role.ButtonText, "#e6e6e6"),
            (role.ToolTipBase, "#353535"),
            (role.ToolTipText, "#e6e6e6"),
            (role.Highlight, "#2f6f9f"),
            (role.HighlightedText, "#ffffff"),
            (role.Link, "#7fb3e0"),
            (role.PlaceholderText, "#9a9a9a"),
        ):
            palette.setColor(name, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#7a7a7a"))
        palette.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#7a7a7a"))
    app.setPalette(palette)


def install_language(prefs: Preferences) -> str:
    """Install the user's language for our strings, dates and numbers; returns it."""
    language = str(prefs.get("language"))
    i18n.install(language)
    formatting.set_locale(str(prefs.get("locale")) if language == "en" else language)
    return language


def apply_language(app: QApplication, prefs: Preferences) -> None:
    """Install the user's language for our strings and Qt's own dialogs."""
    translate_qt(app, install_language(prefs))


def translate_qt(app: QApplication, language: str) -> None:
    """Qt's own dialogs and buttons in `language` (our strings: `install_language`)."""
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtCore import QLocale
    from PySide6.QtCore import QTranslator

    QLocale.setDefault(QLocale(language))
    translator = QTranslator(app)
    if translator.load(
        QLocale(language),
        "qtbase",
        "_",
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
    ):
        app.installTranslator(translator)


def restart_arguments(argv: list[str], drop_database: bool) -> list[str]:
    """The command line to start again with, without `--db` when another database was chosen."""
    if not drop_database:
        return list(argv)
    kept: list[str] = []
    skip = False
    for argument in argv:
        if skip:
            skip = False
        elif argument == "--db":
            skip = True
        elif not argument.startswith("--db="):
            kept.append(argument)
    return kept


def app_database(option: str | None) -> str:
    """Which database the window opens.

    `--db`, then `ILTDESK_DATABASE_URL`, then the team database chosen in the window (File ›
    Connect to team database…), then the own file.
    """
    if option or os.environ.get("ILTDESK_DATABASE_URL"):
        return paths.resolve_database(option)
    chosen = str(Preferences().get("database"))
    return chosen or paths.resolve_database(None)


def open_app_database(option: str | None, *, upgrade_server: bool = False) -> Database:
    """Open (and migrate) the database the window will use."""
    from iltdesk.credentials import with_database_password

    url = with_database_password(database_url(app_database(option)))
    path = sqlite_path(url)
    return open_database(
        url,
        backup_dir=paths.backup_dir_for(path) if path else None,
        upgrade_server=upgrade_server,
    )


def open_database_file(path: Path) -> Database:
    """Open (creating) a database file without start-up backups (screenshots, tools)."""
    return open_database(database_url(path))


def open_with_recovery(
    db_option: str | None, zone: str, failed: UserError | None = None
) -> Database | None:
    """Open the database; when it is damaged or its upgrade failed, offer the way back.

    `failed`: what opening it before Qt was loaded said (`run_gui`), answered here.
    Returns None when the user chose to quit (or nothing could be opened, already said).
    """
    from PySide6.QtWidgets import QMessageBox

    from iltdesk.services import backups
    from iltdesk.views.dialogs import recovery

    try:
        if failed is not None:
            raise failed
        return open_app_database(db_option)
    except ServerUpgradeNeededError as error:
        if not recovery.ask_upgrade_server(None, str(error)):
            return None
        try:
            return open_app_database(db_option, upgrade_server=True)
        except UserError as again:
            QMessageBox.critical(None, _("ILT Desk"), str(again))
            return None
    except DamagedDatabaseError as error:
        path = error.path or sqlite_path(database_url(paths.resolve_database(db_option)))
        if path is None:
            QMessageBox.critical(None, _("ILT Desk"), str(error))
            return None
        newest = backups.newest_sound(path)
        choice = recovery.ask_recovery(None, str(error), newest, zone)
        if choice is recovery.Recovery.QUIT:
            return None
        try:
            if choice is recovery.Recovery.RESTORE and newest is not None:
                moved = backups.restore(path, newest.path, why="damaged")
                notice = _(
                    "Restored from the backup of {when}; the damaged file is kept as {moved}."
                )
                when = formatting.format_datetime(newest.taken_at, zone)
                os.environ[NOTICE_VARIABLE] = notice.format(when=when, moved=moved)
            else:
                moved = backups.set_aside(path)
                os.environ[NOTICE_VARIABLE] = _(
                    "A new, empty database was started; the damaged file is kept as {moved}."
                ).format(moved=moved)
            return open_app_database(db_option)
        except UserError as again:
            QMessageBox.critical(None, _("ILT Desk"), str(again))
            return None
    except MigrationFailedError as error:
        path = sqlite_path(database_url(paths.resolve_database(db_option)))
        backup = error.backup
        if (
            recovery.ask_restore_before_upgrade(None, str(error), backup is not None)
            and backup is not None
            and path is not None
        ):
            try:
                moved = backups.restore(path, backup, why="failed-upgrade")
            except UserError as again:
                QMessageBox.critical(None, _("ILT Desk"), str(again))
                return None
            QMessageBox.information(
                None,
                _("ILT Desk"),
                _(
                    "The backup from before the upgrade is restored; the file that failed to "
                    "upgrade is kept as {moved}. Use the previous version of ILT Desk with it."
                ).format(moved=moved),
            )
        return None
    except UserError as error:
        QMessageBox.critical(None, _("ILT Desk"), str(error))
        return None


def restore_after_quit(app: QApplication, database: Path | None, zone: str) -> bool:
    """Restore the backup chosen in File › Backups… now that the database is closed.

    Returns True when ILT Desk should start again (it says what happened when it does).
    """
    from PySide6.QtWidgets import QMessageBox

    from iltdesk.services import backups
    from iltdesk.views.dialogs.backups_dialog import RESTORE_PROPERTY

    chosen = app.property(RESTORE_PROPERTY)
    if not chosen or database is None:
        return False
    source = Path(str(chosen))
    try:
        moved = backups.restore(database, source)
    except UserError as error:
        QMessageBox.critical(None, _("ILT Desk"), str(error))
        return True
    when = formatting.format_datetime(backups.find_backup(database, str(source)).taken_at, zone)
    text = _("Restored from the backup of {when}.").format(when=when)
    if moved is not None:
        text += " " + _("The file it replaced is kept as {moved}.").format(moved=moved)
    os.environ[NOTICE_VARIABLE] = text
    return True


def start_warm_up(ctx: AppContext) -> None:
    """Prepare the screens opened later on a worker thread (see views/warmup)."""
    from iltdesk.tasks.runner import in_background
    from iltdesk.views.warmup import warm_up

    in_background(lambda progress: warm_up(ctx, progress))


def start_first_reading(db: Database, prefs: Preferences) -> Early[dashboard.Overview]:
    """Start reading the home screen's lists (this week, what needs attention) on a thread.

    Called as soon as the database is open, before Qt and the window layer are imported and
    the window is built: the reading is mostly SQLite, which lets go of the interpreter, so
    they overlap. On 2,000 sessions the window showed ~25-40 ms before its lists when the
    reading started with the window.
    """
    zone = str(prefs.get("default_timezone"))
    return Early(lambda: dashboard.overview(db, now=utcnow(), zone=zone))


def open_window(
    db: Database, prefs: Preferences, first: Early[dashboard.Overview] | None = None
) -> MainWindow:
    """The main window on `db`; its home screen takes over `first` (started now if not yet)."""
    if first is None:
        first = start_first_reading(db, prefs)
    from iltdesk.services.material_store import MaterialStore
    from iltdesk.views.context import AppContext
    from iltdesk.views.main_window import MainWindow

    return MainWindow(AppContext(db, prefs, MaterialStore(paths.materials_dir()), first))


def run_gui(db_option: str | None) -> int:
    """Start the window on the database chosen; returns the exit status."""
    prefs = Preferences()
    language = install_language(prefs)
    zone = str(prefs.get("default_timezone"))
    # The database opens, and the home screen's reading starts, before Qt is loaded; one that
    # needs a dialog (damaged, a failed upgrade) is answered once the window layer is up.
    failed: UserError | None = None
    try:
        opened: Database | None = open_app_database(db_option)
    except UserError as error:
        opened, failed = None, error
    first = start_first_reading(opened, prefs) if opened is not None else None
    app = make_application()
    translate_qt(app, language)
    apply_color_scheme(app, str(prefs.get("color_scheme")))
    found = opened or open_with_recovery(db_option, zone, failed)
    if found is None:
        return 1
    db = found
    restart = False
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from PySide6.QtWidgets import QMessageBox

    def excepthook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        log.error("unhandled error", exc_info=(kind, error, tb))
        from iltdesk.views.errors import show_error

        show_error(QApplication.activeWindow(), error)

    sys.excepthook = excepthook
    try:
        db.actor = prefs.actor() or db.actor
        window = open_window(db, prefs, first)
        window.show()
        release_collector()
        notice = os.environ.pop(NOTICE_VARIABLE, "")
        if notice:  # what happened before this start (a restore), said once
            window.statusBar().showMessage(notice)
            QMessageBox.information(window, _("ILT Desk"), notice)
        from iltdesk.services import journal

        interrupted = journal.left_over(db, zone)
        for text in [*db.notices, *([interrupted] if interrupted else [])]:
            window.statusBar().showMessage(text)
        if interrupted:
            QMessageBox.information(window, _("ILT Desk"), interrupted)
        from iltdesk.views.first_run import offer_demo_if_empty

        offer_demo_if_empty(window)
        # After the first paint: the outbox check imports the mail layer (~0.1 s).
        QTimer.singleShot(800, window.check_outbox_at_start)
        # Then the screens opened later are prepared off the GUI thread (imports, queries).
        QTimer.singleShot(1500, lambda: start_warm_up(window.ctx))
        return app.exec()
    finally:
        # Work still running (mail going out) is cancelled between messages and waited for,
        # so no worker uses the database after it is closed.
        from iltdesk.tasks.runner import shutdown

        if not shutdown():
            log.warning("background work did not stop within the wait; closing anyway")
        db.close()
        from iltdesk.views.dialogs.preferences import RESTART_DATABASE
        from iltdesk.views.dialogs.preferences import RESTART_PROPERTY

        reason = app.property(RESTART_PROPERTY)
        restart = restore_after_quit(app, db.path, zone) or bool(reason)
        if restart:  # a new language, a restored backup or another database: start again
            from PySide6.QtCore import QProcess

            switching = reason == RESTART_DATABASE
            if switching:  # the database chosen in the window, not the one started with
                os.environ.pop("ILTDESK_DATABASE_URL", None)
            QProcess.startDetached(sys.executable, restart_arguments(sys.argv, switching))
