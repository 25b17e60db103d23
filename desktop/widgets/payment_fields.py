"""The rows every payment form asks for (a customer's payment on the Books and
Invoices screens, paying a supplier's bill): one order, one set of hints and limits, so
money in and money out are entered the same way."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit

from core.queries.billing_docs import PAYMENT_METHODS
from core.services.invoicing import METHODS
from desktop.widgets.forms import FieldForm, date_edit, qdate


class PaymentFields(NamedTuple):
    """A payment's amount, day, method and reference (check number, bank reference)."""

    amount_edit: QLineEdit
    date_edit: QDateEdit
    method_combo: QComboBox
    reference_edit: QLineEdit

    def values(self) -> tuple[str, date, str, str]:
        """(amount as typed, day, method, reference): the service parses the amount,
        so what it refuses names the field."""
        return (self.amount_edit.text(), self.date_edit.date().toPython(),
                self.method_combo.currentData(), self.reference_edit.text().strip())


def add_payment_fields(form: FieldForm, date_field: str, date_label: str,
                       amount: str = "") -> PaymentFields:
    """The same four rows, hints and limits wherever money is paid or received (a day
    no later than today); `date_field` is the name the service's refusals use."""
    amount_edit = QLineEdit(amount)
    amount_edit.setPlaceholderText("e.g. 1,250.00")
    form.add_field("amount", "&Amount:", amount_edit)
    day_edit = date_edit()
    day_edit.setMaximumDate(qdate(date.today()))
    form.add_field(date_field, date_label, day_edit)
    method_combo = QComboBox()
    for method in METHODS:
        method_combo.addItem(PAYMENT_METHODS.get(method, method.capitalize()), method)
    form.add_field("method", "&Method:", method_combo)
    reference_edit = QLineEdit()
    reference_edit.setMaxLength(60)
    reference_edit.setPlaceholderText("Check number or bank reference (optional)")
    form.add_field("reference", "R&eference:", reference_edit)
    return PaymentFields(amount_edit, day_edit, method_combo, reference_edit)
