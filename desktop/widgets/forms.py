"""Form rows with an error line under each field, so InvalidInput.field can point at
the exact input that needs fixing, and the line above a dialog's buttons for any
other refusal."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit, QFormLayout, QLabel, QVBoxLayout, QWidget,
)

from core.errors import RxDeskError
from desktop.tasks import show_error


class FieldForm(QFormLayout):
    """A QFormLayout whose rows are addressed by field name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setHorizontalSpacing(12)
        self.setVerticalSpacing(8)
        self.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.label_width = 0  # >0 lines up the label columns of several forms
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

    def add_field(self, name: str, label: str, widget: QWidget, hint: str = "",
                  input_widget: QWidget | None = None) -> QWidget:
        """`label` may carry a mnemonic (&): it then focuses `input_widget` (default
        `widget`; pass it when `widget` is a row holding the input and buttons)."""
        target = input_widget or widget
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            note = QLabel(hint)
            note.setObjectName("muted")
            note.setWordWrap(True)
            column.addWidget(note)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(target)
        if self.label_width:
            caption.setMinimumWidth(self.label_width)
        self.addRow(caption, box)
        self.fields[name] = target
        self.errors[name] = error
        return widget

    def clear_errors(self) -> None:
        for name, label in self.errors.items():
            label.clear()
            label.hide()
            self._mark(self.fields[name], False)

    def show_error(self, name: str, message: str) -> bool:
        """Show `message` under field `name`; False when the form has no such field."""
        if name not in self.errors:
            return False
        self.errors[name].setText(message)
        self.errors[name].show()
        widget = self.fields[name]
        self._mark(widget, True)
        widget.setFocus()
        return True

    def error_text(self, name: str) -> str:
        label = self.errors[name]
        return label.text() if label.isVisibleTo(label.parentWidget()) else ""

    @staticmethod
    def _mark(widget: QWidget, invalid: bool) -> None:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(day: date | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(day or date.today()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def refusal_label() -> QLabel:
    """Where a dialog says, above its buttons, why the service refused (hidden until it
    does)."""
    label = QLabel()
    label.setObjectName("danger")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.hide()
    return label


def show_refusal(label: QLabel, exc: BaseException) -> None:
    """A named refusal in the dialog itself, where the user can fix the input and try
    again; anything unexpected in a message box."""
    if isinstance(exc, RxDeskError):
        label.setText(f"<b>{escape(exc.title)}.</b> {escape(str(exc))}")
        label.show()
    else:
        show_error(label.window(), exc)
