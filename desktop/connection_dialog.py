"""Choosing the database: a SQLite file on this PC or a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QRadioButton, QStackedWidget, QVBoxLayout, QWidget,
)

from core import connection, secrets, settings
from core.db import DatabaseTarget, parse_url
from core.errors import PasswordUnavailable, RxDeskError
from desktop.tasks import describe_error, run_task, show_message
from desktop.widgets.forms import FieldForm

POSTGRES_DEFAULT_PORT = 5432


class ConnectionDialog(QDialog):
    """On accept: `url` (no password), `target`, and `session_password` when the
    password must stay in memory because it was not (or could not be) stored.
    """

    def __init__(self, current_url: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Database connection")
        self.setMinimumWidth(520)
        self.url = ""
        self.target: DatabaseTarget | None = None
        self.session_password: str | None = None
        self.keyring_note = ""

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        title = QLabel("Where is the RxDesk database?")
        title.setObjectName("dialogTitle")
        layout.addWidget(title)

        choice = QHBoxLayout()
        self.sqlite_choice = QRadioButton("&SQLite file on this computer")
        self.postgres_choice = QRadioButton("&PostgreSQL server (several computers)")
        choice.addWidget(self.sqlite_choice)
        choice.addWidget(self.postgres_choice)
        choice.addStretch()
        layout.addLayout(choice)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._sqlite_page())
        self.pages.addWidget(self._postgres_page())
        layout.addWidget(self.pages)

        test_row = QHBoxLayout()
        self.test_button = QPushButton("&Test connection")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        test_row.addStretch()
        layout.addLayout(test_row)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)
        layout.addStretch()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.sqlite_choice.toggled.connect(self._switch)
        self._load(current_url)

    # -- pages -------------------------------------------------------------------
    def _sqlite_page(self) -> QWidget:
        page = QWidget()
        form = FieldForm(page)
        form.setContentsMargins(0, 0, 0, 0)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("C:\\RxDesk\\rxdesk.db")
        self.path_edit.textChanged.connect(self._check_share)
        browse = QPushButton("&Browse…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse)
        line.addWidget(self.path_edit)
        line.addWidget(browse)
        form.add_field("path", "&File:", row, input_widget=self.path_edit)
        self.sqlite_form = form
        self.share_warning = QLabel(
            "This file is on a network share. A SQLite database must stay on one "
            "computer's own disk, or it can be damaged. For several computers, use a "
            "PostgreSQL server.")
        self.share_warning.setObjectName("danger")
        self.share_warning.setWordWrap(True)
        self.share_warning.hide()
        form.addRow(self.share_warning)
        return page

    def _postgres_page(self) -> QWidget:
        page = QWidget()
        form = FieldForm(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.host_edit = form.add_field("host", "&Host:", QLineEdit())
        self.host_edit.setPlaceholderText("server name or address")
        self.port_edit = QLineEdit(str(POSTGRES_DEFAULT_PORT))
        self.port_edit.setValidator(QIntValidator(1, 65535, self.port_edit))
        self.port_edit.setMaximumWidth(120)
        form.add_field("port", "P&ort:", self.port_edit)
        self.name_edit = form.add_field("name", "&Database:", QLineEdit())
        self.user_edit = form.add_field("user", "&User:", QLineEdit())
        self.password_edit = form.add_field("password", "Pass&word:", QLineEdit())
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox("&Remember password in the system keyring")
        self.remember_check.setChecked(True)
        form.addRow("", self.remember_check)
        self.postgres_form = form
        return page

    def _load(self, url: str) -> None:
        try:
            target = parse_url(url) if url else None
        except RxDeskError:
            target = None
        if target is not None and target.backend == "postgresql":
            self.postgres_choice.setChecked(True)
            self.host_edit.setText(target.host)
            self.port_edit.setText(str(target.port))
            self.name_edit.setText(target.name)
            self.user_edit.setText(target.user)
            self.password_edit.setText(secrets.get_database_password(target) or "")
        else:
            self.sqlite_choice.setChecked(True)
            if target is not None:
                self.path_edit.setText(str(target.path))
        self._switch()

    def _switch(self) -> None:
        self.pages.setCurrentIndex(0 if self.sqlite_choice.isChecked() else 1)
        self.result_label.clear()

    def _browse(self) -> None:
        start = self.path_edit.text() or str(Path(connection.default_url()[10:]))
        path, _ = QFileDialog.getSaveFileName(
            self, "RxDesk database file", start, "RxDesk database (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.path_edit.setText(path)

    def _check_share(self) -> None:
        try:
            target = parse_url(self._sqlite_url())
            shared = target.on_network_share
        except (RxDeskError, OSError):
            shared = False
        self.share_warning.setVisible(shared)

    # -- values ------------------------------------------------------------------
    def _sqlite_url(self) -> str:
        path = self.path_edit.text().strip()
        if not path:
            return ""
        return f"sqlite:///{Path(path).expanduser().absolute()}"

    def current_url(self) -> str:
        """The address from the form; raises BadDatabaseUrl naming what is wrong."""
        if self.sqlite_choice.isChecked():
            url = self._sqlite_url()
            if not url:
                self.sqlite_form.show_error("path", "Choose the database file.")
                raise _Incomplete
        else:
            host, name = self.host_edit.text().strip(), self.name_edit.text().strip()
            if not host:
                self.postgres_form.show_error("host", "Enter the server's name or address.")
                raise _Incomplete
            if not name:
                self.postgres_form.show_error("name", "Enter the database name.")
                raise _Incomplete
            user = self.user_edit.text().strip()
            port = int(self.port_edit.text() or POSTGRES_DEFAULT_PORT)
            url = DatabaseTarget("postgresql", host=host, port=port,
                                 name=name, user=user).url
        parse_url(url)
        return url

    def _password(self) -> str | None:
        if self.sqlite_choice.isChecked():
            return None
        return self.password_edit.text() or None

    def _read(self) -> str | None:
        self.sqlite_form.clear_errors()
        self.postgres_form.clear_errors()
        try:
            return self.current_url()
        except _Incomplete:
            return None
        except RxDeskError as exc:
            self._show_result(False, str(exc))
            return None

    # -- actions -----------------------------------------------------------------
    def test_connection(self) -> None:
        url = self._read()
        if url is None:
            return
        password = self._password()

        def work() -> str:
            return connection.test_connection(url, password)

        self.test_button.setEnabled(False)
        self.result_label.setObjectName("muted")
        self.result_label.setText("Connecting…")
        self._repolish(self.result_label)
        run_task(self, work, lambda text: self._show_result(True, text),
                 lambda exc: self._show_result(False, describe_error(exc)[1]))

    def _show_result(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setObjectName("okText" if ok else "errorText")
        self.result_label.setText(text)
        self._repolish(self.result_label)

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def save(self) -> None:
        """Save the address in the workstation settings and the password in the
        keyring (or, without a keyring, in memory for this session only)."""
        url = self._read()
        if url is None:
            return
        target = parse_url(url)
        password = self._password()
        self.session_password = None
        self.keyring_note = ""
        if target.backend == "postgresql":
            if password and self.remember_check.isChecked():
                try:
                    secrets.store_database_password(target, password)
                except PasswordUnavailable as exc:
                    self.session_password = password
                    self.keyring_note = str(exc)
            else:
                secrets.forget_database_password(target)
                self.session_password = password
        values = settings.load()
        values.database_url = target.url
        settings.save(values)
        self.url, self.target = target.url, target
        if self.keyring_note:
            box = show_message(self, "Password not remembered", self.keyring_note)
            box.finished.connect(self.accept)
        else:
            self.accept()


class _Incomplete(Exception):
    """A required field is empty; the form already says which."""
