"""File › Connect to team database…: a shared PostgreSQL server instead of the own file.

Host, port, database, user and TLS mode, with the password kept in the system keyring (as the
mail password is); the connection is tried on a worker thread before anything is kept; recent
connections come back from a list. ILT Desk then starts again on the team database.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from iltdesk.errors import UserError
from iltdesk.i18n import N_
from iltdesk.i18n import _
from iltdesk.services import team
from iltdesk.settings import Preferences
from iltdesk.tasks.runner import Progress
from iltdesk.tasks.runner import TaskRunner
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import error_label

TLS_MODES = (
    ("prefer", N_("Prefer encryption")),
    ("require", N_("Require encryption")),
    ("verify-full", N_("Require encryption and check the server's certificate")),
    ("disable", N_("No encryption (only on a trusted network)")),
)


class ConnectDialog(QDialog):
    """The dialog; use `ask`. `chosen` holds the URL (without password) once connected."""

    def __init__(self, parent: QWidget | None, prefs: Preferences) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.chosen: str | None = None
        self.setWindowTitle(_("Connect to team database"))
        self.recent = QComboBox()
        self.recent.addItem(_("(new connection)"), "")
        for url in prefs.get("recent_databases"):
            if isinstance(url, str):
                self.recent.addItem(team.ServerDetails.from_text(url).label(), url)
        self.recent.currentIndexChanged.connect(self._recent_chosen)
        self.host = QLineEdit()
        self.host.setPlaceholderText(_("for example db.example.org"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("iltdesk")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(_("&Remember the password in the system keyring"))
        self.remember.setChecked(True)
        self.tls = QComboBox()
        for value, label in TLS_MODES:
            self.tls.addItem(_(label), value)
        form = QFormLayout()
        form.addRow(_("Re&cent"), self.recent)
        form.addRow(_("&Server"), self.host)
        form.addRow(_("&Port"), self.port)
        form.addRow(_("&Database"), self.database)
        form.addRow(_("&User"), self.user)
        form.addRow(_("Pass&word"), self.password)
        form.addRow("", self.remember)
        form.addRow(_("&Encryption"), self.tls)
        self.status = QLabel()
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = QPushButton(_("C&onnect"))
        self.connect_button.setDefault(True)
        self.buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.own_file_button = QPushButton(_("Use my own database &file"))
        self.own_file_button.setEnabled(bool(prefs.get("database")))
        self.buttons.addButton(self.own_file_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.rejected.connect(self.reject)
        self.connect_button.clicked.connect(self.try_connect)
        self.own_file_button.clicked.connect(self._use_own_file)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Several coordinators can share one database on a PostgreSQL server. Ask its "
                "administrator for these details."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.tasks = TaskRunner(self)

    def details(self) -> team.ServerDetails:
        """Where the form points (without the password)."""
        return team.ServerDetails(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            tls=str(self.tls.currentData()),
        )

    def _recent_chosen(self, _index: int) -> None:
        text = str(self.recent.currentData() or "")
        if not text:
            return
        details = team.ServerDetails.from_text(text)
        self.host.setText(details.host)
        self.port.setValue(details.port)
        self.database.setText(details.database)
        self.user.setText(details.user)
        self.tls.setCurrentIndex(max(0, self.tls.findData(details.tls)))

    def try_connect(self) -> None:
        """Check the details, then try them on a worker; keep them only when they work."""
        if not self.host.text().strip() or not self.database.text().strip():
            self.error.setText(_("Give the server's name and the database."))
            return
        details, password = self.details(), self.password.text()
        self.error.setText("")
        self.status.setText(_("Connecting to {server}…").format(server=details.host))
        self.connect_button.setEnabled(False)

        def work(_progress: Progress) -> str:
            return team.try_connection(details, password)

        self.tasks.run(
            work,
            title=_("Connecting…"),
            on_done=lambda _label: self._connected(details, password),
            on_error=self._failed,
        )

    def _connected(self, details: team.ServerDetails, password: str) -> None:
        if password:
            team.keep_password(details, password, remember=self.remember.isChecked())
        self.chosen = details.text()
        self.prefs.remember_database(self.chosen)
        self.prefs.save()
        self.status.setText(_("Connected."))
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.connect_button.setEnabled(True)
        self.status.setText("")
        if isinstance(error, UserError):
            self.error.setText(str(error))
        else:
            from iltdesk.views.errors import show_error

            show_error(self, error)

    def _use_own_file(self) -> None:
        self.prefs.remember_database("")
        self.prefs.save()
        self.chosen = ""
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, prefs: Preferences) -> str | None:
        """The database chosen (a URL, or "" for the own file), or None when cancelled."""
        dialog = cls(parent, prefs)
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen
