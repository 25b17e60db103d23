"""The dialog whose OK button runs one service call (record a payment, issue a credit
memo, enter a bill...). The service is the authority: the dialog checks nothing it
would not, runs the call off the GUI thread with OK disabled (no double posting), and
shows a refusal in place, under the field an InvalidInput names or above the buttons,
so the user fixes the input and tries again; on success it is accepted with `result`
= what the service returned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from core.errors import InvalidInput
from desktop.tasks import run_task
from desktop.widgets.forms import FieldForm, refusal_label, show_refusal


def ok_cancel(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    """OK (named for what it does) runs `dialog.submit`; Cancel rejects."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.accepted.connect(dialog.submit)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class ServiceDialog(QDialog):
    """A subclass lays out `layout_` (adding `form` where it belongs), ends with
    `add_buttons`, and its `submit` calls `run` with the service call."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.result: Any = None
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 20, 20, 16)
        self.layout_.setSpacing(12)
        self.form = FieldForm()
        self.error_label = refusal_label()

    def add_buttons(self, ok_text: str) -> None:
        """The refusal line, then OK and Cancel."""
        self.layout_.addWidget(self.error_label)
        self.buttons, self.ok_button = ok_cancel(self, ok_text)
        self.layout_.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, call: Callable[[], Any]) -> None:
        """Worker thread: `call` (a service call bound to plain values)."""
        self.form.clear_errors()
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        run_task(self, call, self._done, self._failed)

    def _done(self, result: Any) -> None:
        self.ok_button.setEnabled(True)
        self.result = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not self.refused_in_form(exc):
            self.refuse(exc)

    def refused_in_form(self, exc: BaseException) -> bool:
        """Shown under the field the refusal names, if the form has it."""
        return isinstance(exc, InvalidInput) and self.form.show_error(exc.field, str(exc))

    def refuse(self, exc: BaseException) -> None:
        show_refusal(self.error_label, exc)

    def field_error(self, name: str) -> str:
        return self.form.error_text(name) if name in self.form.errors else ""
