"""Dialogs of the Invoices screen: invoicing shipments that left without an invoice
(ticking the ones to bill, each its own invoice) and a credit memo on one invoice (an
amount up to what is open on it, and the reason). The services are the authority: what
they refuse is shown under the field they name, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from core.errors import RxDeskError
from core.permissions import Actor
from core.queries.invoices import InvoiceRow, UninvoicedShipment, uninvoiced_shipments
from core.services.invoicing import InvoiceResult, invoice_shipment, issue_credit_memo
from desktop.books_models import money
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task
from desktop.widgets.detail_card import compact_table
from desktop.widgets.forms import refusal_label, show_refusal
from desktop.widgets.service_dialog import ServiceDialog, ok_cancel

ZERO = Decimal("0.00")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Invoiced:
    """What became of one ticked shipment: its invoice, or why it was refused."""

    shipment: str
    result: InvoiceResult | None
    refusal: str = ""


def invoice_each(actor: Actor, shipments: list[tuple[int, str]]) -> list[Invoiced]:
    """Worker thread: one invoice per shipment, each its own transaction, so a shipment
    somebody invoiced a moment ago (or that came back whole) is refused by name while
    the others are still billed."""
    done = []
    for shipment_id, number in shipments:
        try:
            done.append(Invoiced(number, invoice_shipment(actor, shipment_id)))
        except RxDeskError as exc:
            done.append(Invoiced(number, None, str(exc)))
    return done


class UninvoicedModel(RowTableModel[UninvoicedShipment]):
    """Shipments waiting for an invoice, each with a tick box."""

    columns = (
        Column("Invoice", lambda s: ""),
        Column("Shipment", lambda s: s.number),
        Column("Customer", lambda s: s.customer),
        Column("Order", lambda s: s.order),
        Column("Customer PO", lambda s: s.customer_po),
        Column("Shipped", lambda s: s.shipped_at.astimezone().date().isoformat(),
               lambda s: s.shipped_at),
        Column("Units", lambda s: f"{s.units:,}", lambda s: s.units, align_right=True),
        Column("Value", lambda s: money(s.value), lambda s: s.value, align_right=True),
    )
    CUSTOMER = 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ticked: set[int] = set()
        self.on_ticked = None  # callback() after a box changes

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            return (Qt.CheckState.Checked if self.rows[index.row()].id in self.ticked
                    else Qt.CheckState.Unchecked)
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column():
            return False
        shipment_id = self.rows[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.ticked.add(shipment_id)
        else:
            self.ticked.discard(shipment_id)
        self.dataChanged.emit(index, index)
        if self.on_ticked is not None:
            self.on_ticked()
        return True

    def tick(self, shipment_ids: set[int]) -> None:
        self.ticked = {s.id for s in self.rows} & set(shipment_ids)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))
        if self.on_ticked is not None:
            self.on_ticked()

    def chosen(self) -> list[UninvoicedShipment]:
        return [s for s in self.rows if s.id in self.ticked]


class InvoiceShipmentsDialog(QDialog):
    """Accepted with `results` (one Invoiced per ticked shipment, in shipping order)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.results: list[Invoiced] = []
        self.setWindowTitle("Invoice shipments")
        self.setMinimumSize(920, 480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        intro = QLabel("Shipments that have left but are not invoiced yet (customers who "
                       "are invoiced by hand rather than on shipping). Each ticked shipment "
                       "gets its own invoice at the order's prices, dated today, with the "
                       "customer's tax and payment terms.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = UninvoicedModel(self)
        self.model.on_ticked = self._update_total
        self.table = compact_table(self.model, UninvoicedModel.CUSTOMER, 28, selectable=False)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.all_button = QPushButton("Tick &all")
        self.all_button.clicked.connect(lambda: self.model.tick({s.id for s in self.model.rows}))
        self.none_button = QPushButton("Tick &none")
        self.none_button.clicked.connect(lambda: self.model.tick(set()))
        row.addWidget(self.all_button)
        row.addWidget(self.none_button)
        self.total_label = QLabel("Loading shipments…")
        row.addWidget(self.total_label, 1, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(row)
        self.error_label = refusal_label()
        layout.addWidget(self.error_label)
        self.buttons, self.ok_button = ok_cancel(self, "&Invoice")
        self.ok_button.setEnabled(False)
        layout.addWidget(self.buttons)
        self.loaded = False
        run_task(self, uninvoiced_shipments, self._loaded)

    def _loaded(self, rows: list[UninvoicedShipment]) -> None:
        self.loaded = True
        self.model.set_rows(rows)
        self.model.tick(set())

    def _update_total(self) -> None:
        chosen = self.model.chosen()
        count = self.model.rowCount()
        self.all_button.setEnabled(count > 0)
        self.none_button.setEnabled(bool(chosen))
        self.ok_button.setEnabled(bool(chosen))
        self.ok_button.setText(f"&Invoice {_plural(len(chosen), 'shipment')}" if chosen
                               else "&Invoice")
        if not count:
            self.total_label.setText("Every shipment that has left is invoiced.")
        elif not chosen:
            self.total_label.setText(f"{_plural(count, 'shipment')} waiting. Tick the ones "
                                     "to invoice.")
        else:
            value = sum((s.value for s in chosen), ZERO)
            self.total_label.setText(f"{_plural(len(chosen), 'shipment')} ticked: "
                                     f"<b>{money(value)}</b> before tax")

    def submit(self) -> None:
        chosen = [(s.id, s.number) for s in self.model.chosen()]
        if not chosen:
            return
        self.error_label.hide()
        self.ok_button.setEnabled(False)
        actor = self.actor
        run_task(self, lambda: invoice_each(actor, chosen), self._done, self._failed)

    def _done(self, results: list[Invoiced]) -> None:
        self.results = results
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        show_refusal(self.error_label, exc)


class CreditMemoDialog(ServiceDialog):
    """Accepted with `result` = the credit memo's number."""

    def __init__(self, actor: Actor, invoice: InvoiceRow, parent: QWidget | None = None):
        super().__init__(f"Credit memo on {invoice.number}", parent)
        self.actor, self.invoice = actor, invoice
        self.setMinimumWidth(520)
        layout = self.layout_
        self.intro_label = QLabel(
            f"Credit <b>{escape(invoice.customer)}</b> part or all of what is open on "
            f"<b>{invoice.number}</b>: <b>{money(invoice.open)}</b> of "
            f"{money(invoice.total)}. The credit lowers what the invoice and the customer "
            "owe (Sales Returns / Accounts Receivable). Goods coming back are received as a "
            "return instead, which credits them at the invoiced price.")
        self.intro_label.setWordWrap(True)
        layout.addWidget(self.intro_label)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(f"At most {money(invoice.open)}")
        self.form.add_field("amount", "&Amount:", self.amount_edit)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(300)
        self.reason_edit.setPlaceholderText("Required, e.g. price agreed lower by phone")
        self.form.add_field("reason", "&Reason:", self.reason_edit)
        layout.addLayout(self.form)
        self.add_buttons("&Issue credit memo")
        self.amount_edit.setFocus()

    def submit(self) -> None:
        actor, number = self.actor, self.invoice.number
        amount, reason = self.amount_edit.text(), self.reason_edit.text()
        self.run(lambda: issue_credit_memo(actor, number, amount, reason))
