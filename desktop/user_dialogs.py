"""Small dialogs of the Users screen. Each runs its own service call and stays open
with the error under the field when the input is refused."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout,
    QWidget,
)

from core.errors import InvalidInput
from core.permissions import Actor, Role
from core.queries.users import UserRow
from core.services import users as user_service
from core.services.auth import MIN_PASSWORD_LENGTH
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm


def role_combo(current: Role | None = None) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(role.label, role)
    combo.setCurrentIndex(list(Role).index(current or Role.WAREHOUSE))
    return combo


class _ServiceDialog(QDialog):
    """Form + OK/Cancel; OK runs `work()` off-thread; accepted with `result`."""

    ok_text = "OK"

    def __init__(self, title: str, intro: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.result_row: UserRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = FieldForm()
        layout.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def work(self) -> Callable[[], UserRow] | None:
        raise NotImplementedError

    def submit(self) -> None:
        self.form.clear_errors()
        job = self.work()
        if job is None:
            return
        self.ok_button.setEnabled(False)
        run_task(self, job, self._done, self._failed)

    def _done(self, row: UserRow) -> None:
        self.ok_button.setEnabled(True)
        self.result_row = row
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not (isinstance(exc, InvalidInput) and self.form.show_error(exc.field, str(exc))):
            show_error(self, exc)


class AddUserDialog(_ServiceDialog):
    ok_text = "&Add user"

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__("Add user", "", parent)
        self.actor = actor
        self.username_edit = self.form.add_field(
            "username", "&User name:", QLineEdit(),
            hint="Letters, digits, '.', '_' or '-'; used to sign in.")
        self.full_name_edit = self.form.add_field("full_name", "&Full name:", QLineEdit())
        self.role_combo = self.form.add_field("role", "&Role:", role_combo())
        self.password_edit = self.form.add_field(
            "password", "&Temporary password:", QLineEdit(),
            hint=f"At least {MIN_PASSWORD_LENGTH} characters; tell it to the user.")
        self.must_change_check = QCheckBox("User must &choose a new password at first sign-in")
        self.must_change_check.setChecked(True)
        self.form.addRow("", self.must_change_check)

    def work(self):
        actor = self.actor
        username, full_name = self.username_edit.text(), self.full_name_edit.text()
        role, password = self.role_combo.currentData(), self.password_edit.text()
        must_change = self.must_change_check.isChecked()
        return lambda: user_service.add_user(actor, username, full_name, role, password,
                                             must_change_password=must_change)


class ResetPasswordDialog(_ServiceDialog):
    ok_text = "&Reset password"

    def __init__(self, actor: Actor, user: UserRow, parent: QWidget | None = None):
        super().__init__(
            "Reset password",
            f"Set a temporary password for {user.username}. The account is unlocked and "
            "the user must choose a new password at the next sign-in.", parent)
        self.actor, self.user = actor, user
        self.password_edit = self.form.add_field(
            "password", "&Temporary password:", QLineEdit(),
            hint=f"At least {MIN_PASSWORD_LENGTH} characters.")

    def work(self):
        actor, username, password = self.actor, self.user.username, self.password_edit.text()
        return lambda: user_service.reset_password(actor, username, password)


class ChangeRoleDialog(_ServiceDialog):
    ok_text = "&Change role"

    def __init__(self, actor: Actor, user: UserRow, parent: QWidget | None = None):
        super().__init__("Change role", f"What may {user.username} do in RxDesk?", parent)
        self.actor, self.user = actor, user
        self.role_combo = self.form.add_field("role", "&Role:", role_combo(user.role))

    def work(self):
        actor, username, role = self.actor, self.user.username, self.role_combo.currentData()
        if role == self.user.role:
            self.reject()
            return None
        return lambda: user_service.set_role(actor, username, role)
