"""A signed-in user changes their own password (also forced after a reset)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from core.errors import InvalidInput
from core.permissions import Actor
from core.services.auth import MIN_PASSWORD_LENGTH, change_password
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm


class ChangePasswordDialog(QDialog):
    def __init__(self, actor: Actor, forced: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle("Change password")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        text = (f"Your password was set by an administrator. Choose your own password "
                f"before you continue, {actor.username}." if forced
                else f"Change the password of {actor.username}.")
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = FieldForm()
        self.current_edit = self.form.add_field("current_password", "&Current password:",
                                                QLineEdit())
        self.new_edit = self.form.add_field(
            "new_password", "&New password:", QLineEdit(),
            hint=f"At least {MIN_PASSWORD_LENGTH} characters.")
        self.repeat_edit = self.form.add_field("repeat_password", "&Repeat new password:",
                                               QLineEdit())
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        layout.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Change password")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        self.form.clear_errors()
        current, new = self.current_edit.text(), self.new_edit.text()
        if new != self.repeat_edit.text():
            self.form.show_error("repeat_password", "The two new passwords differ.")
            return
        actor = self.actor
        self.ok_button.setEnabled(False)
        run_task(self, lambda: change_password(actor, current, new), self._done, self._failed)

    def _done(self, _result: object) -> None:
        self.ok_button.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not (isinstance(exc, InvalidInput) and self.form.show_error(exc.field, str(exc))):
            show_error(self, exc)
