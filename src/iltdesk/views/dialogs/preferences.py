"""Preferences: organisation, language and formats, time zone, paper, completion, data, backups."""

from __future__ import annotations

import zoneinfo
from datetime import UTC
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QFileDialog
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSpinBox
from PySide6.QtWidgets import QWidget

from iltdesk import formatting
from iltdesk import paths
from iltdesk.i18n import _
from iltdesk.services import maintenance
from iltdesk.settings import Preferences
from iltdesk.views.context import AppContext
from iltdesk.views.modal import run_modal
from iltdesk.views.widgets import SAVE_CANCEL
from iltdesk.views.widgets import button_box
from iltdesk.views.widgets import zone_combo

LANGUAGES = (("en", "English"), ("de", "Deutsch"))
RESTART_PROPERTY = "iltdesk_restart"  # set on the application: start again after quitting
RESTART_DATABASE = "database"  # its value when the restart is onto another database
LOCALES = ("en_GB", "en_US", "en_IE", "en_AU", "de_DE", "de_AT", "de_CH")
SAMPLE = datetime(2026, 3, 12, 14, 30, tzinfo=UTC)


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose mnemonic (&x) focuses `buddy` when the field sits in a row layout."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def restart_app(*, database_changed: bool = False) -> None:
    """Quit, and have ILT Desk start again once this one has let go of the database.

    `database_changed`: another database was chosen in the window, so a `--db` the app was
    started with must not win over it in the new start.
    """
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setProperty(RESTART_PROPERTY, RESTART_DATABASE if database_changed else True)
        app.closeAllWindows()
        app.quit()


class PreferencesDialog(QDialog):
    """The dialog; use `ask`."""

    def __init__(self, parent: QWidget | None, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Preferences"))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        self._identity_rows(form, ctx.prefs)
        self._display_rows(form, ctx.prefs)
        self._data_rows(form)
        buttons = button_box(self, SAVE_CANCEL, self._save)
        form.addRow(buttons)
        self._update_preview()
        self._show_last_backup()

    def _identity_rows(self, form: QFormLayout, prefs: Preferences) -> None:
        """Who prints the documents: organisation, coordinator, logo, signature, verify link."""
        self.organisation = QLineEdit(str(prefs.get("organisation_name")))
        self.coordinator = QLineEdit(str(prefs.get("coordinator_name")))
        self.coordinator.setPlaceholderText(_("Your name, as the audit trail shows who did what"))
        self.logo = QLineEdit(str(prefs.get("organisation_logo")))
        self.signature = QLineEdit(str(prefs.get("signature_image")))
        self.verify_pattern = QLineEdit(str(prefs.get("certificate_verify_pattern")))
        self.verify_pattern.setPlaceholderText(
            "https://intranet.example.com/certificates/register.html#{code}"
        )
        self.verify_pattern.setToolTip(
            _(
                "Where the certificate register page is published (Tools › Certificate "
                "register… › Export web page); {code} is replaced by each certificate's code"
            )
        )
        form.addRow(_("Organisation &name"), self.organisation)
        form.addRow(_("Your na&me"), self.coordinator)
        form.addRow(buddy_label(_("Organisation &logo"), self.logo), self._image_row(self.logo))
        form.addRow(
            buddy_label(_("Signature on &certificates"), self.signature),
            self._image_row(self.signature),
        )
        form.addRow(_("Certificate &verification link"), self.verify_pattern)

    def _image_row(self, target: QLineEdit) -> QHBoxLayout:
        choose = QPushButton(_("Choose…"))
        choose.clicked.connect(lambda: self._choose_image(target))
        row = QHBoxLayout()
        row.addWidget(target)
        row.addWidget(choose)
        return row

    def _display_rows(self, form: QFormLayout, prefs: Preferences) -> None:
        """Language, colours, formats, zone, paper and the completion threshold."""
        self.language = QComboBox()
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.get("language"))))
        self.language_note = QLabel(_("A new language takes effect when ILT Desk starts again."))
        self.language_note.setWordWrap(True)
        self.restart_button = QPushButton(_("&Restart now"))
        self.restart_button.setToolTip(_("Save the preferences and start ILT Desk again"))
        self.restart_button.setEnabled(False)
        self.restart_button.clicked.connect(self._restart)
        self.language.currentIndexChanged.connect(self._language_changed)
        language_row = QHBoxLayout()
        language_row.addWidget(self.language, 1)
        language_row.addWidget(self.restart_button)
        self.colours = QComboBox()
        for code, label in (
            ("system", _("As the system")),
            ("light", _("Light")),
            ("dark", _("Dark")),
        ):
            self.colours.addItem(label, code)
        self.colours.setCurrentIndex(max(0, self.colours.findData(prefs.get("color_scheme"))))
        self.colours.currentIndexChanged.connect(self._preview_colours)
        self.format_locale = QComboBox()
        for code in LOCALES:
            self.format_locale.addItem(code, code)
        self.format_locale.setCurrentIndex(max(0, self.format_locale.findData(prefs.get("locale"))))
        self.preview = QLabel()
        self.format_locale.currentIndexChanged.connect(self._update_preview)
        self.zone = zone_combo(str(prefs.get("default_timezone")))
        self.paper = QComboBox()
        self.paper.addItems(["A4", "Letter"])
        self.paper.setCurrentText(str(prefs.get("paper_size")))
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(int(prefs.get("completion_threshold")))
        form.addRow(buddy_label(_("&Language"), self.language), language_row)
        form.addRow("", self.language_note)
        form.addRow(_("Colo&urs"), self.colours)
        form.addRow(_("Date and number &format"), self.format_locale)
        form.addRow(_("Preview"), self.preview)
        form.addRow(_("Default &time zone"), self.zone)
        form.addRow(_("&Paper size"), self.paper)
        form.addRow(_("Default &completion threshold"), self.threshold)

    def _data_rows(self, form: QFormLayout) -> None:
        """Where the data lives and its last backup, and the line for problems."""
        data_row = QHBoxLayout()
        data_row.addWidget(QLabel(str(paths.data_dir())))
        open_folder = QPushButton(_("Open folder"))
        open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.data_dir())))
        )
        data_row.addWidget(open_folder)
        self.last_backup = QLabel()
        back_up = QPushButton(_("Back up now"))
        back_up.clicked.connect(self._back_up)
        backup_row = QHBoxLayout()
        backup_row.addWidget(self.last_backup)
        backup_row.addWidget(back_up)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        form.addRow(_("Data folder"), data_row)
        form.addRow(_("Last backup"), backup_row)
        form.addRow(self.problem)

    def _choose_image(self, target: QLineEdit) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose an image"), "", _("Images (*.png *.jpg *.jpeg)")
        )
        if name:
            target.setText(name)

    def _update_preview(self) -> None:
        previous = formatting.current_locale()
        formatting.set_locale(self.format_locale.currentData())
        try:
            self.preview.setText(
                formatting.format_datetime(SAMPLE, "Europe/Berlin")
                + " · "
                + formatting.format_number(1234.5)
            )
        finally:
            formatting.set_locale(str(previous))

    def _show_last_backup(self) -> None:
        info = maintenance.last_backup(self.ctx.db)
        self.last_backup.setText(
            formatting.format_datetime(info.taken_at, str(self.ctx.prefs.get("default_timezone")))
            if info
            else _("None yet")
        )

    def _back_up(self) -> None:
        if self.ctx.attempt(self, lambda: maintenance.back_up_now(self.ctx.db)):
            self._show_last_backup()

    def _language_changed(self) -> None:
        changed = self.language.currentData() != self.ctx.prefs.get("language")
        self.restart_button.setEnabled(changed)
        self.language_note.setStyleSheet("font-weight: bold;" if changed else "")

    def _preview_colours(self) -> None:
        from PySide6.QtWidgets import QApplication

        from iltdesk.app import apply_color_scheme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_color_scheme(app, str(self.colours.currentData()))

    def reject(self) -> None:
        self.colours.setCurrentIndex(self.colours.findData(self.ctx.prefs.get("color_scheme")))
        super().reject()

    def _restart(self) -> None:
        """Save, then start a new ILT Desk and close this one (the language applies)."""
        if not self._store():
            return
        self.accept()
        restart_app()

    def _save(self) -> None:
        if self._store():
            self.accept()

    def _store(self) -> bool:
        """Check and save every field; False (with the reason shown) when one is wrong."""
        prefs = self.ctx.prefs
        zone = self.zone.currentText().strip()
        if zone not in zoneinfo.available_timezones():
            from iltdesk.domain.localtime import unknown_zone_message

            self.problem.setText(unknown_zone_message(zone))
            return False
        logo = self.logo.text().strip()
        if logo and not Path(logo).is_file():
            self.problem.setText(_("The logo file {path} does not exist.").format(path=logo))
            return False
        signature = self.signature.text().strip()
        if signature and not Path(signature).is_file():
            self.problem.setText(
                _("The signature file {path} does not exist.").format(path=signature)
            )
            return False
        pattern = self.verify_pattern.text().strip()
        if pattern and "{code}" not in pattern:
            self.problem.setText(_("The verification link must contain {code}."))
            return False
        prefs.set("organisation_name", self.organisation.text().strip())
        prefs.set("coordinator_name", self.coordinator.text().strip())
        self.ctx.db.actor = prefs.actor() or self.ctx.db.actor
        prefs.set("organisation_logo", logo)
        prefs.set("signature_image", signature)
        prefs.set("certificate_verify_pattern", pattern)
        prefs.set("language", self.language.currentData())
        prefs.set("color_scheme", self.colours.currentData())
        prefs.set("locale", self.format_locale.currentData())
        prefs.set("default_timezone", zone)
        prefs.set("paper_size", self.paper.currentText())
        prefs.set("completion_threshold", self.threshold.value())
        try:
            prefs.save()
        except OSError as error:
            self.problem.setText(
                _("Preferences could not be saved: {reason}.").format(
                    reason=error.strerror or error
                )
            )
            return False
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, ctx: AppContext) -> bool:
        return run_modal(cls(parent, ctx)) == QDialog.DialogCode.Accepted
