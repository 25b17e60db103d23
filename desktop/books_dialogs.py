"""Dialogs of the Books screen: recording a customer's payment (ticking the open
invoices it settles, oldest due first, with what stays on account shown as you type)
and reversing a journal entry (with the reason). The service is the authority: what it
refuses is shown in the dialog, under the field it names or above the buttons."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHeaderView, QLabel, QLineEdit, QTableView, QWidget,
)

from core.errors import InvalidInput
from core.money import parse_money
from core.permissions import Actor
from core.queries.journal import EntryDetail, JournalLineRow
from core.queries.partners import PartnerRow, search_partners
from core.queries.receivables import (OpenInvoice, PaymentPlan, oldest_first, open_invoices,
                                      plan_payment)
from core.services.accounting import reverse_entry
from core.services.invoicing import record_payment
from desktop.books_models import OpenInvoicesModel, money, money_or_blank
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task
from desktop.widgets.payment_fields import add_payment_fields
from desktop.widgets.service_dialog import ServiceDialog

ZERO = Decimal("0.00")
MAX_CUSTOMERS = 5000


class ApplyInvoicesModel(OpenInvoicesModel):
    """The customer's open invoices with a tick box each and what the payment applies."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        self.ticked: set[str] = set()
        self.plan = PaymentPlan({}, ZERO, [])
        base = {c.title: c for c in self.columns}
        self.columns = (
            Column("Apply", lambda i: ""),
            base["Invoice"], base["Due"], base["Past due"], base["Open"],
            Column("Applied", lambda i: money_or_blank(self.plan.applied.get(i.number, ZERO)),
                   align_right=True,
                   tone=lambda i: "bad" if i.number in self.plan.starved else "ok"),
        )
        self.user_ticked = None  # callback(number, ticked) when a box is clicked

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            ticked = self.rows[index.row()].number in self.ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column():
            return False
        number = self.rows[index.row()].number
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        if self.user_ticked is not None:
            self.user_ticked(number, ticked)
        return True

    def show_plan(self, ticked: set[str], plan: PaymentPlan) -> None:
        self.ticked, self.plan = set(ticked), plan
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, len(self.columns) - 1))


class RecordPaymentDialog(ServiceDialog):
    """Accepted with `result` = the new payment's id. Opened from one invoice (the
    Invoices screen), that invoice alone is ticked and its open balance offered as the
    amount, since a customer paying one invoice is the usual case there."""

    def __init__(self, actor: Actor, customer_id: int | None = None,
                 parent: QWidget | None = None, invoice: str | None = None):
        super().__init__("Record payment", parent)
        self.actor = actor
        self.invoices: list[OpenInvoice] = []
        self.auto = True  # tick oldest due first as the amount changes, until a box is clicked
        self._wanted_customer = customer_id
        self._wanted_invoice = invoice
        self._invoices_for: int | None = None
        self.setMinimumSize(760, 600)
        layout = self.layout_
        intro = QLabel("The payment is applied to the ticked invoices, oldest due first, "
                       "each up to what is open on it. Whatever is left stays on the "
                       "customer's account as a credit.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.form.label_width = 96
        self.customer_combo = QComboBox()
        self.customer_combo.setPlaceholderText("Loading customers…")
        self.customer_combo.setEnabled(False)
        self.customer_combo.currentIndexChanged.connect(self._customer_changed)
        self.form.add_field("customer", "&Customer:", self.customer_combo)
        self.payment = add_payment_fields(self.form, "received_on", "&Received on:")
        self.amount_edit, self.date_edit, self.method_combo, self.reference_edit = self.payment
        self.amount_edit.textChanged.connect(self._amount_changed)
        layout.addLayout(self.form)

        caption = QLabel("Open invoices")
        caption.setObjectName("sectionTitle")
        layout.addWidget(caption)
        self.invoices_model = ApplyInvoicesModel(self)
        self.invoices_model.user_ticked = self._user_ticked
        self.invoices_table = QTableView()
        self.invoices_table.setModel(self.invoices_model)
        self.invoices_table.verticalHeader().hide()
        self.invoices_table.verticalHeader().setDefaultSectionSize(28)
        self.invoices_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.invoices_table.setTabKeyNavigation(False)
        self.invoices_table.setAlternatingRowColors(True)
        header = self.invoices_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.invoices_table, 1)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        layout.addWidget(self.plan_label)
        self.apply_error = QLabel()
        self.apply_error.setObjectName("fieldError")
        self.apply_error.setWordWrap(True)
        self.apply_error.hide()
        layout.addWidget(self.apply_error)
        self.add_buttons("&Record payment")
        self._show_plan()
        run_task(self, _customers, self._customers_loaded)

    # -- customer and invoices -------------------------------------------------------

    def _customers_loaded(self, rows: list[PartnerRow]) -> None:
        self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        for row in rows:
            self.customer_combo.addItem(row.name, row.id)
        self.customer_combo.setCurrentIndex(-1)
        self.customer_combo.blockSignals(False)
        self.customer_combo.setPlaceholderText(
            "Choose the customer who paid" if rows else "No customers yet")
        self.customer_combo.setEnabled(bool(rows))
        if self._wanted_customer is not None:
            self.choose_customer(self._wanted_customer)

    def choose_customer(self, customer_id: int) -> bool:
        index = self.customer_combo.findData(customer_id)
        self.customer_combo.setCurrentIndex(index)
        return index >= 0

    def _customer_changed(self) -> None:
        self.form.clear_errors()
        self.error_label.hide()
        customer_id = self.customer_combo.currentData()
        self.invoices, self.auto = [], True
        self.invoices_model.set_rows([])
        self._show_plan()
        self._invoices_for = customer_id
        if customer_id is None:
            return
        run_task(self, lambda: open_invoices(customer_id).get(customer_id, []),
                 lambda rows: self._invoices_loaded(customer_id, rows))

    def _invoices_loaded(self, customer_id: int, rows: list[OpenInvoice]) -> None:
        if customer_id != self._invoices_for:
            return  # another customer was chosen since
        self.invoices = rows
        self.invoices_model.set_rows(rows)
        wanted, self._wanted_invoice = self._wanted_invoice, None
        chosen = next((i for i in rows if i.number == wanted), None)
        if chosen is None:
            self._show_plan()
            return
        self.auto = False
        self._show_plan({chosen.number})
        self.amount_edit.setText(f"{chosen.open:,.2f}")
        self.amount_edit.selectAll()  # typing a part payment replaces it
        self.amount_edit.setFocus()

    # -- the plan ----------------------------------------------------------------------

    def amount(self) -> Decimal | None:
        try:
            return parse_money(self.amount_edit.text(), "amount")
        except InvalidInput:
            return None

    def _amount_changed(self) -> None:
        self.form.clear_errors()
        self._show_plan()

    def _user_ticked(self, number: str, ticked: bool) -> None:
        self.auto = False
        wanted = set(self.invoices_model.ticked)
        (wanted.add if ticked else wanted.discard)(number)
        self._show_plan(wanted)

    def ticked(self) -> set[str]:
        return set(self.invoices_model.ticked)

    def _show_plan(self, ticked: set[str] | None = None) -> None:
        self.apply_error.hide()
        amount = self.amount() or ZERO
        if ticked is None:
            ticked = (oldest_first(self.invoices, amount) if self.auto
                      else self.ticked() & {i.number for i in self.invoices})
        plan = plan_payment(self.invoices, ticked, amount)
        self.invoices_model.show_plan(ticked, plan)
        self.plan = plan
        if self._invoices_for is None:
            text = "Choose the customer to see their open invoices."
        elif not self.invoices:
            text = "No open invoices: the whole payment stays on account as a credit."
        elif not amount:
            owed = sum((i.open for i in self.invoices), ZERO)
            text = (f"{len(self.invoices)} open invoice{'s' if len(self.invoices) != 1 else ''}"
                    f", {money(owed)} in all. Enter the amount received.")
        else:
            applied = sum(plan.applied.values(), ZERO)
            text = (f"Applies <b>{money(applied)}</b> to "
                    f"{', '.join(plan.applied) or 'no invoice'}; "
                    + (f"<b>{money(plan.left)}</b> stays on account as a credit."
                       if plan.left else "nothing stays on account."))
            partly = [(i.number, i.open - plan.applied[i.number]) for i in self.invoices
                      if i.number in plan.applied and plan.applied[i.number] < i.open]
            if partly:
                text += " " + " ".join(f"{number} keeps {money(rest)} open."
                                       for number, rest in partly)
            if plan.starved:
                text += (f"<br><span style='color:#b3261e'>The payment is used up before "
                         f"{', '.join(plan.starved)}: untick "
                         f"{'it' if len(plan.starved) == 1 else 'them'}.</span>")
        self.plan_label.setText(text)

    # -- saving ------------------------------------------------------------------------

    def field_error(self, name: str) -> str:
        if name == "apply":
            return self.apply_error.text() if not self.apply_error.isHidden() else ""
        return super().field_error(name)

    def submit(self) -> None:
        self.form.clear_errors()
        self.apply_error.hide()
        self.error_label.hide()
        customer_id = self.customer_combo.currentData()
        if customer_id is None:
            self.form.show_error("customer", "Choose the customer who paid.")
            return
        actor = self.actor
        numbers = [i.number for i in sorted(self.invoices, key=lambda i: i.due_date)
                   if i.number in self.invoices_model.ticked]
        amount, received, method, reference = self.payment.values()
        self.run(lambda: record_payment(actor, customer_id, amount, numbers, received, method,
                                        reference))

    def refused_in_form(self, exc: BaseException) -> bool:
        """Which invoices it applies to is said under the invoices."""
        if isinstance(exc, InvalidInput) and exc.field == "apply":
            self.apply_error.setText(str(exc))
            self.apply_error.show()
            return True
        return super().refused_in_form(exc)


def _customers() -> list[PartnerRow]:
    return [r for r in search_partners(role="customer", limit=MAX_CUSTOMERS) if r.active]


class EntryLinesModel(RowTableModel[JournalLineRow]):
    columns = (
        Column("Account", lambda r: r.account),
        Column("Debit", lambda r: money_or_blank(r.debit), align_right=True),
        Column("Credit", lambda r: money_or_blank(r.credit), align_right=True),
    )


class ReverseEntryDialog(ServiceDialog):
    """Posts the mirror image of an entry, dated today; accepted with `result` = the
    reversing entry's id."""

    def __init__(self, actor: Actor, entry: EntryDetail, parent: QWidget | None = None):
        super().__init__(f"Reverse entry #{entry.entry_id}", parent)
        self.actor, self.entry = actor, entry
        self.setMinimumWidth(620)
        layout = self.layout_
        intro = QLabel(
            f"Entry <b>#{entry.entry_id}</b> of {entry.entry_date.isoformat()} "
            f"({escape(entry.source)}): {escape(entry.memo)}<br>"
            "A posted entry is never changed. RxDesk posts its mirror image today, in the "
            "open month, naming this entry; both stay in the journal.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.lines_model = EntryLinesModel(self)
        self.lines_model.set_rows(entry.lines)
        table = QTableView()
        table.setModel(self.lines_model)
        table.verticalHeader().hide()
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setMaximumHeight(40 + 30 * min(len(entry.lines), 6))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(table)
        self.reason_edit = self.form.add_field("reason", "&Reason:", QLineEdit())
        self.reason_edit.setMaxLength(150)
        self.reason_edit.setPlaceholderText("Required, e.g. posted to the wrong customer")
        layout.addLayout(self.form)
        self.add_buttons("&Post reversing entry")
        self.reason_edit.setFocus()

    def submit(self) -> None:
        self.form.clear_errors()
        self.error_label.hide()
        reason = self.reason_edit.text().strip()
        if not reason:
            self.form.show_error("reason", "Say why the entry is reversed; the reason is "
                                           "kept with the reversing entry.")
            return
        actor, entry_id = self.actor, self.entry.entry_id
        self.run(lambda: reverse_entry(actor, entry_id, reason))
