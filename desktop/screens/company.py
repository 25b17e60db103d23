"""Our company profile: everyone may read it; owners and admins may edit it."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QScrollArea, QVBoxLayout, QWidget,
)

from core.errors import InvalidInput
from core.permissions import Permission
from core.queries.company import CompanyProfile, company_profile
from core.services.company import REMIT_TO_LINES, update_company
from desktop.screens.base import Screen
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm

# (field, label, hint) in the order the form shows them, grouped.
GROUPS = (
    ("Company", (
        ("legal_name", "&Legal name:", ""),
        ("street", "S&treet:", ""),
        ("city", "C&ity:", ""),
        ("state", "St&ate:", "Two letters, e.g. NJ."),
        ("postal_code", "&ZIP code:", ""),
        ("country", "Co&untry:", ""),
        ("phone", "Phon&e:", ""),
    )),
    ("GS1 identifiers", (
        ("gln", "&GLN:", "13-digit Global Location Number of this site."),
        ("gs1_prefix_length", "GS1 &prefix length:", "Digits in your GS1 company prefix."),
    )),
    ("Licenses", (
        ("license_state", "Li&cense state:", ""),
        ("license_number", "License &number:", ""),
        ("license_expiry", "License e&xpires:", "YYYY-MM-DD"),
        ("dea_number", "&DEA number:", ""),
        ("dea_expiry", "DEA expi&res:", "YYYY-MM-DD"),
    )),
    ("Billing", (
        ("billing_email", "&Billing email:", "Printed on invoices and statements for "
         "billing questions."),
        ("remit_to", "Re&mit to:", f"Where customers send payment, up to {REMIT_TO_LINES} "
         "lines as invoices and statements print them. Empty: our address above."),
    )),
)


LABEL_WIDTH = 170  # one label column across the groups


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class CompanyScreen(Screen):
    title = "Company profile"
    icon_name = "company"
    summary = ("Name, address, GLN and licenses printed on every T3 document; where "
               "customers pay, on invoices and statements.")
    areas = frozenset({"company"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.editable = self.actor.may(Permission.EDIT_COMPANY)
        self.profile: CompanyProfile | None = None
        if not self.editable:
            note = QLabel("Only an owner or administrator can change the company profile.")
            note.setObjectName("muted")
            self.layout_.addWidget(note)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(12)
        self.form_fields: dict[str, QWidget] = {}
        self.forms: list[FieldForm] = []
        for group_title, fields in GROUPS:
            box = QGroupBox(group_title)
            form = FieldForm(box)
            form.label_width = LABEL_WIDTH
            for name, label, hint in fields:
                if name == "gs1_prefix_length":
                    widget = QComboBox()
                    widget.addItems([str(n) for n in range(6, 13)])
                    widget.setMaximumWidth(120)
                    widget.setEnabled(self.editable)
                elif name == "remit_to":
                    widget = QPlainTextEdit()
                    widget.setTabChangesFocus(True)
                    widget.setReadOnly(not self.editable)
                    lines = widget.fontMetrics().lineSpacing()
                    widget.setFixedHeight(5 * lines + 14)  # a few lines; it scrolls
                    widget.setPlaceholderText("Acme Rx Wholesale\nPO Box 7731\n"
                                              "Newark, NJ 07101-7731")
                else:
                    widget = QLineEdit()
                    widget.setReadOnly(not self.editable)
                    if hint == "YYYY-MM-DD":
                        widget.setPlaceholderText(hint)
                        hint = ""
                form.add_field(name, label if self.editable else label.replace("&", ""),
                               widget, hint if self.editable else "")
                self.form_fields[name] = widget
            self.forms.append(form)
            column.addWidget(box)
        column.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        self.layout_.addWidget(scroll, 1)

        actions = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("okText")
        actions.addWidget(self.status_label, 1)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.clicked.connect(self.refresh)
        self.save_button = QPushButton("&Save changes")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
        self.revert_button.setVisible(self.editable)
        self.save_button.setVisible(self.editable)
        self.layout_.addLayout(actions)

    def refresh(self) -> None:
        run_task(self, company_profile, self.show_profile)

    def show_profile(self, profile: CompanyProfile | None) -> None:
        self.profile = profile
        self.clear_errors()
        if profile is None:
            return
        for name, widget in self.form_fields.items():
            value = getattr(profile, name)
            if isinstance(widget, QComboBox):
                widget.setCurrentText(str(value or 7))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            else:
                widget.setText(_text(value))
                widget.setCursorPosition(0)

    def clear_errors(self) -> None:
        for form in self.forms:
            form.clear_errors()

    def field_error(self, name: str) -> str:
        for form in self.forms:
            if name in form.errors:
                return form.error_text(name)
        return ""

    def value(self, name: str) -> object:
        widget = self.form_fields[name]
        if isinstance(widget, QComboBox):
            return int(widget.currentText())
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        return widget.text().strip()

    def changes(self) -> dict[str, object]:
        """Only the fields the user changed (the audit entry then lists just those)."""
        if self.profile is None:
            return {}
        out = {}
        for name, widget in self.form_fields.items():
            new = self.value(name)
            old = getattr(self.profile, name)
            if new != (old if isinstance(widget, QComboBox) else _text(old)):
                out[name] = new
        return out

    def save(self) -> None:
        self.clear_errors()
        self.status_label.clear()
        changes = self.changes()
        if not changes:
            self.status_label.setText("Nothing changed.")
            return
        actor = self.actor
        self.save_button.setEnabled(False)
        run_task(self, lambda: update_company(actor, **changes), self._saved, self._failed)

    def _saved(self, profile: CompanyProfile) -> None:
        self.save_button.setEnabled(True)
        self.show_profile(profile)
        self.status_label.setText("Saved.")
        self.changed.emit({"company"})

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            for form in self.forms:
                if form.show_error(exc.field, str(exc)):
                    return
        show_error(self, exc)
