"""Dialogs of the Supplier bills screen: entering a supplier's bill against a purchase
order (its lines start from what was received and not billed yet, at the PO cost; the
billed cost is edited as the supplier's invoice says, and the price variance shows as
you type), and paying a bill. The service is the authority: what it refuses (more than
received, an invoice number already entered, an amount above the balance) is shown in
the dialog, under the field it names or above the buttons."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QSpinBox,
    QTableView, QWidget,
)

from core.errors import InvalidInput
from core.money import parse_money
from core.permissions import Actor
from core.queries.payables import (BillableLine, BillablePo, BillRow, PoToBill, billable_po,
                                   pos_to_bill)
from core.services.payables import BillLineInput, enter_bill, pay_bill
from desktop.books_models import money
from desktop.payables_models import variance_text, variance_tone
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task
from desktop.widgets.forms import date_edit, qdate
from desktop.widgets.payment_fields import add_payment_fields
from desktop.widgets.service_dialog import ServiceDialog

ZERO = Decimal("0.00")


# -- entering a bill -----------------------------------------------------------------------

@dataclass(frozen=True)
class DraftBillLine:
    """A PO line as the bill form holds it: the quantity billed (0 = not on this bill)
    and the billed unit cost as typed."""

    line: BillableLine
    quantity: int
    cost_text: str

    @property
    def cost(self) -> Decimal | None:
        try:
            return parse_money(self.cost_text, "unit_cost") if self.cost_text.strip() else None
        except InvalidInput:
            return None

    @property
    def amount(self) -> Decimal | None:
        return None if self.cost is None else self.cost * self.quantity

    @property
    def variance(self) -> Decimal | None:
        return None if self.cost is None else (self.cost - self.line.unit_cost) * self.quantity

    @property
    def over(self) -> bool:
        return self.quantity > self.line.unbilled


def _money_or_dash(amount: Decimal | None) -> str:
    return "—" if amount is None else money(amount)


class BillLinesEditModel(RowTableModel[DraftBillLine]):
    """The PO's lines with the quantity and billed cost editable in place."""

    columns = (
        Column("Line", lambda d: str(d.line.po_line_no), align_right=True),
        Column("NDC", lambda d: d.line.ndc),
        Column("Product", lambda d: d.line.product),
        Column("Unbilled", lambda d: f"{d.line.unbilled:,}", align_right=True),
        Column("Qty billed", lambda d: f"{d.quantity:,}", align_right=True,
               tone=lambda d: "bad" if d.over else None),
        Column("PO cost", lambda d: money(d.line.unit_cost), align_right=True),
        Column("Billed cost", lambda d: d.cost_text if d.cost is None else money(d.cost),
               align_right=True,
               tone=lambda d: "bad" if d.cost is None else None),
        Column("Variance", lambda d: "" if d.variance is None else variance_text(d.variance),
               align_right=True, tone=lambda d: variance_tone(d.variance or ZERO)),
        Column("Amount", lambda d: _money_or_dash(d.amount) if d.quantity else "",
               align_right=True),
    )
    PRODUCT, QUANTITY, COST = 2, 4, 6

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edited = None  # callback() after a cell is changed

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() in (self.QUANTITY, self.COST):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            draft = self.rows[index.row()]
            if index.column() == self.QUANTITY:
                return draft.quantity
            if index.column() == self.COST:
                return draft.cost_text
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            draft = self.rows[index.row()]
            if index.column() == self.QUANTITY and draft.over:
                return (f"Only {draft.line.unbilled:,} received and not billed yet "
                        f"({draft.line.received:,} received, {draft.line.billed:,} billed).")
            if index.column() == self.COST and draft.cost is None:
                return "Type the unit cost on the supplier's invoice, e.g. 12.35."
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        draft = self.rows[index.row()]
        if index.column() == self.QUANTITY:
            try:
                quantity = int(value)
            except (TypeError, ValueError):
                return False
            if quantity < 0:
                return False
            draft = replace(draft, quantity=quantity)
        elif index.column() == self.COST:
            draft = replace(draft, cost_text=str(value).strip())
        else:
            return False
        self.rows[index.row()] = draft
        self.dataChanged.emit(self.index(index.row(), 0),
                              self.index(index.row(), len(self.columns) - 1))
        if self.edited is not None:
            self.edited()
        return True

    def billed(self) -> list[DraftBillLine]:
        return [d for d in self.rows if d.quantity]


class EnterBillDialog(ServiceDialog):
    """Accepted with `result` = the new bill's id. `po_id`: the purchase order to bill,
    chosen as soon as the list of orders waiting for a bill arrives (the Purchase orders
    screen opens it so)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None,
                 po_id: int | None = None):
        super().__init__("Enter supplier bill", parent)
        self.actor = actor
        self.wanted_po = po_id
        self.po: BillablePo | None = None
        self._po_for: int | None = None
        self.setMinimumSize(1080, 580)
        layout = self.layout_
        intro = QLabel("A bill is matched to its purchase order and to what was received: "
                       "each line may bill no more than arrived and was not billed yet. "
                       "Type the costs the supplier's invoice shows; a difference from the "
                       "PO cost is posted to Purchase Price Variance.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.form.label_width = 120
        self.po_combo = QComboBox()
        self.po_combo.setPlaceholderText("Loading purchase orders…")
        self.po_combo.setEnabled(False)
        self.po_combo.currentIndexChanged.connect(self._po_changed)
        self.form.add_field("po", "&Purchase order:", self.po_combo)
        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(40)
        self.number_edit.setPlaceholderText("The invoice number printed on the supplier's bill")
        self.form.add_field("number", "Supplier &invoice:", self.number_edit)
        dates = QWidget()
        row = QHBoxLayout(dates)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        self.date_edit = date_edit()
        self.date_edit.setMaximumDate(qdate(date.today()))
        self.date_edit.dateChanged.connect(lambda _d: self._show_due())
        row.addWidget(self.date_edit)
        terms_label = QLabel("&Terms:")
        row.addWidget(terms_label)
        self.terms_spin = QSpinBox()
        self.terms_spin.setRange(0, 365)
        self.terms_spin.setValue(30)
        self.terms_spin.setSuffix(" days")
        self.terms_spin.setToolTip("Starts at the supplier's payment terms.")
        self.terms_spin.valueChanged.connect(lambda _v: self._show_due())
        terms_label.setBuddy(self.terms_spin)
        row.addWidget(self.terms_spin)
        self.due_label = QLabel()
        row.addWidget(self.due_label)
        row.addStretch()
        self.form.add_field("bill_date", "Bill &date:", dates, input_widget=self.date_edit)
        layout.addLayout(self.form)

        caption = QLabel("Lines")
        caption.setObjectName("sectionTitle")
        layout.addWidget(caption)
        self.lines_model = BillLinesEditModel(self)
        self.lines_model.edited = self._show_totals
        self.lines_table = QTableView()
        self.lines_table.setModel(self.lines_model)
        self.lines_table.verticalHeader().hide()
        self.lines_table.verticalHeader().setDefaultSectionSize(28)
        self.lines_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.lines_table.setWordWrap(False)
        self.lines_table.setAlternatingRowColors(True)
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BillLinesEditModel.PRODUCT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(80)
        layout.addWidget(self.lines_table, 1)
        self.lines_hint = QLabel("Double-click (or type over) a quantity or a billed cost to "
                                 "change it; a quantity of 0 leaves the line off this bill.")
        self.lines_hint.setObjectName("muted")
        self.lines_hint.setWordWrap(True)
        layout.addWidget(self.lines_hint)
        self.lines_error = QLabel()
        self.lines_error.setObjectName("fieldError")
        self.lines_error.setWordWrap(True)
        self.lines_error.hide()
        layout.addWidget(self.lines_error)
        self.totals_label = QLabel()
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.totals_label.setWordWrap(True)
        layout.addWidget(self.totals_label)
        self.add_buttons("&Enter bill")
        self.ok_button.setAutoDefault(False)  # Enter in a cell commits the cell, not the bill
        self._show_due()
        self._show_totals()
        run_task(self, pos_to_bill, self._pos_loaded)

    # -- the purchase order ---------------------------------------------------------------

    def _pos_loaded(self, rows: list[PoToBill]) -> None:
        self.po_combo.blockSignals(True)
        self.po_combo.clear()
        for po in rows:
            self.po_combo.addItem(f"{po.number} · {po.supplier} — {po.units:,} unbilled, "
                                  f"{money(po.value)} at PO cost", po.id)
        self.po_combo.setCurrentIndex(-1)
        self.po_combo.blockSignals(False)
        self.po_combo.setPlaceholderText(
            "Choose the purchase order the bill is for" if rows
            else "Nothing to bill: every receipt is billed already")
        self.po_combo.setEnabled(bool(rows))
        wanted = self.po_combo.findData(self.wanted_po) if self.wanted_po else -1
        if wanted >= 0:
            self.po_combo.setCurrentIndex(wanted)
        elif len(rows) == 1:  # the only order waiting for a bill
            self.po_combo.setCurrentIndex(0)

    def _po_changed(self) -> None:
        self.form.clear_errors()
        self.error_label.hide()
        po_id = self._po_for = self.po_combo.currentData()
        self.po = None
        self.lines_model.set_rows([])
        self._show_totals()
        if po_id is not None:
            run_task(self, lambda: billable_po(po_id), lambda po: self._po_loaded(po_id, po))

    def _po_loaded(self, po_id: int, po: BillablePo) -> None:
        if po_id != self._po_for:
            return  # another order was chosen since
        self.po = po
        self.terms_spin.setValue(po.terms_days)
        self.lines_model.set_rows([DraftBillLine(line, line.unbilled, f"{line.unit_cost:.2f}")
                                   for line in po.lines if line.unbilled])
        self._show_totals()
        self.number_edit.setFocus()

    # -- what the bill comes to -------------------------------------------------------------

    def _show_due(self) -> None:
        due = self.date_edit.date().toPython() + timedelta(days=self.terms_spin.value())
        self.due_label.setText(f"due <b>{due.isoformat()}</b>")

    def _show_totals(self) -> None:
        self.lines_error.hide()
        billed = self.lines_model.billed()
        if self.po is None:
            self.totals_label.setText("Choose the purchase order to see what can be billed.")
            return
        if not billed:
            self.totals_label.setText("No line is billed: enter a quantity on at least one.")
            return
        units = sum(d.quantity for d in billed)
        received = sum((d.line.unit_cost * d.quantity for d in billed), ZERO)
        problems = []
        if any(d.cost is None for d in billed):
            problems.append("a billed cost is not an amount")
        over = [d for d in billed if d.over]
        if over:
            problems.append("; ".join(
                f"line {d.line.po_line_no} bills {d.quantity:,}, only {d.line.unbilled:,} "
                "received and not billed" for d in over))
        text = (f"{len(billed)} line{'s' if len(billed) != 1 else ''} · {units:,} units · "
                f"received at PO cost {money(received)}")
        if all(d.cost is not None for d in billed):
            total = sum((d.amount for d in billed), ZERO)
            variance = total - received
            text += (f" · price variance <b>{variance_text(variance) or '$0.00'}</b>"
                     f" · <b>Bill total {money(total)}</b>")
        if problems:
            text += ("<br><span style='color:#b3261e'>Check: "
                     f"{escape('; '.join(problems))}.</span>")
        self.totals_label.setText(text)

    # -- saving ---------------------------------------------------------------------------

    def field_error(self, name: str) -> str:
        if name == "lines":
            return self.lines_error.text() if not self.lines_error.isHidden() else ""
        return super().field_error(name)

    def _lines_error(self, message: str) -> None:
        self.lines_error.setText(message)
        self.lines_error.show()
        self.lines_table.setFocus()

    def submit(self) -> None:
        self.form.clear_errors()
        self.lines_error.hide()
        self.error_label.hide()
        if self.po is None:
            self.form.show_error("po", "Choose the purchase order the bill is for.")
            return
        if not self.number_edit.text().strip():
            self.form.show_error("number", "Type the supplier's invoice number: it tells "
                                           "this bill from their others.")
            return
        billed = self.lines_model.billed()
        if not billed:
            self._lines_error("Bill at least one line: enter its quantity.")
            return
        unreadable = next((d for d in billed if d.cost is None), None)
        if unreadable is not None:
            self._lines_error(f"Line {unreadable.line.po_line_no}: '{unreadable.cost_text}' is "
                              "not a unit cost; type it as on the invoice, e.g. 12.35.")
            return
        actor, number, po = self.actor, self.number_edit.text().strip(), self.po.number
        lines = [BillLineInput(d.line.po_line_no, d.quantity, d.cost) for d in billed]
        day, terms = self.date_edit.date().toPython(), self.terms_spin.value()
        self.run(lambda: enter_bill(actor, po, number, lines, day, terms))

    def refused_in_form(self, exc: BaseException) -> bool:
        """The lines' refusals under the lines; the terms share the bill date's row."""
        if isinstance(exc, InvalidInput):
            if exc.field in ("lines", "unit_cost"):
                self._lines_error(str(exc))
                return True
            if exc.field == "terms_days" and self.form.show_error("bill_date", str(exc)):
                return True
        return super().refused_in_form(exc)


# -- paying a bill --------------------------------------------------------------------------

class PayBillDialog(ServiceDialog):
    """Pays one bill, up to its balance. Accepted with `result` = the payment's id."""

    def __init__(self, actor: Actor, bill: BillRow, parent: QWidget | None = None):
        super().__init__(f"Pay bill {bill.number}", parent)
        self.actor = actor
        self.bill = bill
        self.setMinimumWidth(600)
        layout = self.layout_
        facts = QLabel(f"<b>Bill {escape(bill.number)}</b> from {escape(bill.supplier)} · "
                       f"{escape(bill.po)}<br>Dated {bill.bill_date.isoformat()}, due "
                       f"{bill.due_date.isoformat()} · total {money(bill.total)} · "
                       f"<b>{money(bill.balance)} left to pay</b>")
        facts.setWordWrap(True)
        layout.addWidget(facts)
        note = QLabel("Posted Accounts Payable / Cash on the day paid.")
        note.setObjectName("muted")
        layout.addWidget(note)
        self.form.label_width = 96
        self.payment = add_payment_fields(self.form, "paid_on", "&Paid on:",
                                          f"{bill.balance:,.2f}")
        self.amount_edit, self.date_edit, self.method_combo, self.reference_edit = self.payment
        self.amount_edit.textChanged.connect(self._show_effect)
        layout.addLayout(self.form)
        self.effect_label = QLabel()
        self.effect_label.setWordWrap(True)
        layout.addWidget(self.effect_label)
        self.add_buttons("&Record payment")
        self._show_effect()
        self.amount_edit.selectAll()  # typing a part payment replaces the balance
        self.amount_edit.setFocus()

    def _show_effect(self) -> None:
        self.form.clear_errors()
        try:
            amount = parse_money(self.amount_edit.text(), "amount")
        except InvalidInput:
            self.effect_label.setText("Type the amount paid, e.g. 1,250.00.")
            return
        left = self.bill.balance - amount
        if not amount:
            text = "Type the amount paid."
        elif left == 0:
            text = "Pays the bill in full."
        elif left > 0:
            text = f"Leaves <b>{money(left)}</b> to pay on this bill."
        else:
            text = (f"<span style='color:#b3261e'>That is {money(-left)} more than is left "
                    "to pay; a bill is paid at most its balance.</span>")
        self.effect_label.setText(text)

    def submit(self) -> None:
        actor, bill_id = self.actor, self.bill.id
        amount, paid_on, method, reference = self.payment.values()
        self.run(lambda: pay_bill(actor, bill_id, amount, paid_on, method, reference))
