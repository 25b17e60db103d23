"""Signing in: user name and password, the database in use, and for a demo database
the demo accounts (a real database never lists any)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from core.db import DatabaseTarget
from core.permissions import Actor
from core.queries.users import DemoLogin, UserRow, demo_logins, user_row
from core.services.auth import sign_in
from desktop import theme
from desktop.tasks import describe_error, run_task
from desktop.widgets.forms import FieldForm


def _sign_in(username: str, password: str) -> tuple[Actor, UserRow]:
    actor = sign_in(username, password)
    return actor, user_row(actor.user_id)


class LoginDialog(QDialog):
    """Accepted with `actor` and `user` set. `change_connection_requested` asks the
    shell for the connection dialog (this dialog then closes)."""

    change_connection_requested = Signal()

    def __init__(self, target: DatabaseTarget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sign in – RxDesk")
        self.setMinimumWidth(500)
        self.actor: Actor | None = None
        self.user: UserRow | None = None
        self.demo_accounts: tuple[DemoLogin, ...] = ()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 16)
        layout.setSpacing(12)

        header = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(theme.icon("rxdesk").pixmap(QSize(48, 48)))
        header.addWidget(logo)
        title = QLabel("Sign in to RxDesk")
        title.setObjectName("dialogTitle")
        header.addWidget(title, 1)
        layout.addLayout(header)

        form = FieldForm()
        self.username_edit = form.add_field("username", "&User name:", QLineEdit())
        self.password_edit = form.add_field("password", "&Password:", QLineEdit())
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addLayout(form)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        db_row = QHBoxLayout()
        self.database_label = QLabel(f"Database: {target.display_name}")
        self.database_label.setObjectName("muted")
        self.database_label.setToolTip(target.url)
        self.change_button = QPushButton("C&hange…")
        self.change_button.setObjectName("linkButton")
        self.change_button.setAutoDefault(False)
        self.change_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.change_button.clicked.connect(self._change_connection)
        db_row.addWidget(self.database_label)
        db_row.addWidget(self.change_button)
        db_row.addStretch()
        layout.addLayout(db_row)

        self.demo_box = QWidget()
        demo_layout = QVBoxLayout(self.demo_box)
        demo_layout.setContentsMargins(0, 4, 0, 0)
        demo_layout.setSpacing(6)
        note = QLabel("<b>Demo database.</b> Sign in with one of these accounts "
                      "(select a row to fill in the form):")
        note.setWordWrap(True)
        demo_layout.addWidget(note)
        self.demo_table = QTableWidget(0, 3)
        self.demo_table.setHorizontalHeaderLabels(["User name", "Password", "Role"])
        self.demo_table.verticalHeader().hide()
        header = self.demo_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.demo_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.demo_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.demo_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.demo_table.setAlternatingRowColors(True)
        self.demo_table.itemSelectionChanged.connect(self._use_demo_account)
        demo_layout.addWidget(self.demo_table)
        self.demo_box.hide()
        layout.addWidget(self.demo_box)

        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton(
            "&Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.quit_button = self.buttons.addButton(
            "&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.setTabOrder(self.username_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.sign_in_button)
        self.username_edit.setFocus()
        run_task(self, demo_logins, self._show_demo_accounts, lambda exc: None)

    def _show_demo_accounts(self, logins: tuple[DemoLogin, ...]) -> None:
        self.demo_accounts = tuple(logins)
        self.demo_table.setRowCount(len(logins))
        for row, login in enumerate(logins):
            for column, text in enumerate((login.username, login.password, login.role.label)):
                self.demo_table.setItem(row, column, QTableWidgetItem(text))
        height = (self.demo_table.horizontalHeader().sizeHint().height()
                  + 2 * self.demo_table.frameWidth() + 2
                  + sum(self.demo_table.rowHeight(r) for r in range(len(logins))))
        self.demo_table.setFixedHeight(height)
        self.demo_box.setVisible(bool(logins))
        self.adjustSize()

    def _use_demo_account(self) -> None:
        rows = self.demo_table.selectionModel().selectedRows()
        if rows:
            login = self.demo_accounts[rows[0].row()]
            self.username_edit.setText(login.username)
            self.password_edit.setText(login.password)
            self.sign_in_button.setFocus()

    def _change_connection(self) -> None:
        self.change_connection_requested.emit()

    def submit(self) -> None:
        username, password = self.username_edit.text(), self.password_edit.text()
        if not username.strip():
            self.show_error("Enter your user name.")
            self.username_edit.setFocus()
            return
        self.error_label.hide()
        self.sign_in_button.setEnabled(False)
        run_task(self, lambda: _sign_in(username, password), self._signed_in, self._failed)

    def _signed_in(self, result: tuple[Actor, UserRow]) -> None:
        self.actor, self.user = result
        self.sign_in_button.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self.show_error(describe_error(exc)[1])
        self.password_edit.clear()
        self.password_edit.setFocus()

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()
