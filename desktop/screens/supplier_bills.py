"""What we owe suppliers: AP aging per supplier, the bills (found by the supplier's
invoice number, the supplier or the PO; open, overdue or paid), one bill's lines beside
the PO costs they were received at and its payments; entering a bill against a received
purchase order and paying one. A screen of its own rather than a Books tab: like the
customers' invoices it is a searchable list with a detail, worked daily by the office,
while the Books tabs are the owner's one-table reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTableView, QWidget

from core.permissions import Actor, Permission
from core.queries.payables import (BillDetail, BillRow, BillShow, PoToBill, SupplierAging,
                                   ap_aging, bill_detail, pos_to_bill)
from desktop.books_models import money
from desktop.payables_dialogs import EnterBillDialog, PayBillDialog
from desktop.payables_models import (STATE_TONES, ApAgingModel, BillLinesModel,
                                     BillPaymentsModel, BillsModel, state_text, variance_text)
from desktop.screens.list_detail import ListDetailScreen, plural
from desktop.table_models import local_time
from desktop.tasks import run_task
from desktop.widgets.badges import BadgeDelegate, set_badge
from desktop.widgets.detail_card import DetailCard, compact_table

AREA = "bills"
CHANGES = frozenset({AREA, "payables", "books"})  # a bill or payment posts to the ledger
ZERO = Decimal("0.00")
ROW_HEIGHT = 28
AGING_ROWS = 4  # rows the aging shows before it scrolls
PAYMENT_ROWS = 3
LINE_ROWS = 4  # a bill's lines shown before the list above gives up height


def fit_rows(table: QTableView, rows: int, most: int) -> None:
    """As tall as its rows (at least one, at most `most`), so the table beside it in
    the column gets the rest of the height."""
    header = table.horizontalHeader().sizeHint().height()
    table.setFixedHeight(header + min(max(rows, 1), most) * ROW_HEIGHT + 4)


def _allow(button: QPushButton, actor: Actor, permission: Permission, tip: str) -> bool:
    allowed = actor.may(permission)
    button.setToolTip(tip if allowed else f"Your role may not {permission.value}.")
    button.setEnabled(allowed)
    return allowed


class BillDetailPanel(DetailCard):
    """One bill: its state and balance, the PO and dates, each line beside its PO cost
    with the variance, and the payments."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Select a bill to see its lines and payments.", parent)
        self.title_label, self.state_badge, self.amounts_label = self.add_title_row()
        self.facts_label = self.add_text(muted=True)
        column = self.column
        self.lines_model = BillLinesModel(self)
        self.lines_table = compact_table(self.lines_model, BillLinesModel.PRODUCT, ROW_HEIGHT,
                                         selectable=False)
        self.lines_table.setItemDelegateForColumn(BillLinesModel.VARIANCE,
                                                  BadgeDelegate(self.lines_table))
        column.addWidget(self.lines_table, 1)
        self.match_label = QLabel()
        self.match_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        column.addWidget(self.match_label)
        self.payments_title = QLabel()
        self.payments_title.setObjectName("sectionTitle")
        column.addWidget(self.payments_title)
        self.payments_model = BillPaymentsModel(self)
        self.payments_table = compact_table(self.payments_model, BillPaymentsModel.HOW,
                                            ROW_HEIGHT, selectable=False)
        column.addWidget(self.payments_table)
        self.show_detail(None)

    def show_detail(self, detail: BillDetail | None, on: date | None = None) -> None:
        if not self.set_detail(detail):
            self.lines_model.set_rows([])
            self.payments_model.set_rows([])
            return
        on = on or date.today()
        bill = detail.bill
        self.title_label.setText(f"Bill {escape(bill.number)} · {escape(bill.supplier)}")
        set_badge(self.state_badge, state_text(bill, on), STATE_TONES[bill.state(on)])
        self.amounts_label.setText(f"Total {money(bill.total)} · paid {money(detail.paid)} · "
                                   f"<b>Balance {money(bill.balance)}</b>")
        self.facts_label.setText(
            f"{escape(bill.po)} · dated {bill.bill_date.isoformat()} · due "
            f"{bill.due_date.isoformat()} · entered {local_time(detail.created_at)} by "
            f"{escape(detail.created_by)} · journal entry #{detail.entry_id}")
        self.lines_model.set_rows(detail.lines)
        header = self.lines_table.horizontalHeader().sizeHint().height()
        self.lines_table.setMinimumHeight(
            header + min(max(len(detail.lines), 1), LINE_ROWS) * ROW_HEIGHT + 4)
        variance = variance_text(detail.variance)
        self.match_label.setText(
            f"Received at PO cost {money(detail.received_value)} · "
            + (f"price variance <b>{variance}</b>" if variance else "no price variance"))
        count = len(detail.payments)
        self.payments_title.setText(f"Payments · {plural(count, 'payment')}" if count
                                    else "Payments · none yet")
        self.payments_model.set_rows(detail.payments)
        self.payments_table.setVisible(bool(count))
        fit_rows(self.payments_table, count, PAYMENT_ROWS)


def _overview() -> tuple[list[SupplierAging], list[PoToBill]]:
    return ap_aging(), pos_to_bill()


class SupplierBillsScreen(ListDetailScreen):
    title = "Supplier bills"
    icon_name = "supplier-bills"
    summary = ("What we owe suppliers: bills matched to purchase orders and receipts, "
               "AP aging, paying a bill.")
    areas = CHANGES | {"purchase_orders", "receiving", "partners", "products"}
    count_noun = "bill"
    changes = CHANGES
    read_detail = staticmethod(bill_detail)
    blank_while_loading = False
    first_when_gone = True  # paid off under the Open filter: on to the next bill

    @classmethod
    def available_to(cls, actor: Actor) -> bool:
        return any(actor.may(p) for p in (Permission.POST_INVOICES, Permission.RECORD_PAYMENTS,
                                          Permission.VIEW_REPORTS))

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        top.addWidget(self.summary_label, 1)
        self.enter_button = QPushButton("&Enter bill…")
        self.may_enter = _allow(self.enter_button, self.actor, Permission.POST_INVOICES,
                                "A supplier's invoice, matched to its purchase order and to "
                                "what was received.")
        self.enter_button.clicked.connect(self.enter_bill)
        top.addWidget(self.enter_button)
        self.layout_.addLayout(top)

        self.aging_model = ApAgingModel(self)
        self.aging_table = compact_table(self.aging_model, ApAgingModel.SUPPLIER, ROW_HEIGHT)
        self.aging_table.horizontalHeader().setMinimumSectionSize(96)
        self.aging_table.setToolTip("Select a supplier to list only their bills.")
        self.aging_table.selectionModel().selectionChanged.connect(self._supplier_chosen)
        self.layout_.addWidget(self.aging_table)

        self.show_combo = QComboBox()
        for show in BillShow:
            self.show_combo.addItem(show.label, show.value)
        self.show_combo.setCurrentIndex(self.show_combo.findData(BillShow.OPEN.value))
        self.show_combo.currentIndexChanged.connect(self._show_changed)
        self.all_button = QPushButton("&All suppliers")
        self.all_button.setToolTip("List every supplier's bills again.")
        self.all_button.clicked.connect(self.all_suppliers)
        self.pay_button = QPushButton("&Pay bill…")
        self.may_pay = _allow(self.pay_button, self.actor, Permission.RECORD_PAYMENTS,
                              "Record a payment of the selected bill (Accounts Payable / "
                              "Cash).")
        self.pay_button.clicked.connect(self.pay_bill)
        bar = self._search_bar("Supplier's invoice number, supplier or PO", 220,
                               self.show_combo, self.all_button)
        bar.addWidget(self.pay_button)
        self.layout_.addLayout(bar)

        # Supplier names are short: the supplier column, not Balance, takes the spare width.
        self._list_table(BillsModel(self, self), BillsModel.SUPPLIER)
        self.table.setItemDelegateForColumn(BillsModel.STATUS, BadgeDelegate(self.table))
        self.table.activated_row.connect(self.pay_bill)
        self.detail_panel = BillDetailPanel()
        self._list_over(self.detail_panel, stretch=(2, 3), sizes=(220, 330))
        self._fit_aging()
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        self._keep_selection()
        today = self.model.on = date.today()
        run_task(self, _overview, lambda result: self._overview_loaded(today, result))

    def _overview_loaded(self, today: date, result) -> None:
        aging, waiting = result
        supplier = self.model.supplier_id
        self.aging_table.selectionModel().blockSignals(True)
        self.aging_model.set_rows(aging)
        row = self.aging_model.row_of(supplier) if supplier is not None else -1
        if row >= 0:
            self.aging_table.selectRow(row)
        else:
            self.model.supplier_id = None  # nothing is owed to them any more
        self.aging_table.selectionModel().blockSignals(False)
        self._fit_aging()
        owed = sum((a.balance for a in aging), ZERO)
        past_due = sum((a.balance - a.buckets["current"] for a in aging), ZERO)
        if aging:
            text = (f"{plural(len(aging), 'supplier')} · owed <b>{money(owed)}</b>"
                    + (f" · past due <span style='color:#8c1d18'><b>{money(past_due)}</b>"
                       "</span>" if past_due else " · nothing past due"))
        else:
            text = "Nothing is owed to any supplier."
        if waiting:
            value = sum((po.value for po in waiting), ZERO)
            text += (f" · {plural(len(waiting), 'purchase order')} received and not billed "
                     f"({money(value)} at PO cost)")
        self.summary_label.setText(text)
        self.model.reload()

    def _fit_aging(self) -> None:
        fit_rows(self.aging_table, self.aging_model.rowCount(), AGING_ROWS)

    def count_text(self) -> str:
        text = super().count_text()
        if self.model.supplier_id is not None and (aging := self.chosen_supplier()):
            text += f" from {aging.supplier}"
        return text

    def _update_count(self) -> None:
        super()._update_count()
        self.all_button.setVisible(self.model.supplier_id is not None)

    # -- filters ---------------------------------------------------------------------------

    def search(self, text: str) -> None:
        self.model.text = text
        if self.loaded:
            self.model.reload()

    def _show_changed(self) -> None:
        self.model.showing = BillShow(self.show_combo.currentData())
        if self.loaded:
            self.model.reload()

    def chosen_supplier(self) -> SupplierAging | None:
        rows = self.aging_table.selectionModel().selectedRows()
        return self.aging_model.row_at(rows[0].row()) if rows else None

    def _supplier_chosen(self) -> None:
        aging = self.chosen_supplier()
        self.model.supplier_id = aging.supplier_id if aging else None
        self.model.reload()

    def all_suppliers(self) -> None:
        self.aging_table.clearSelection()  # -> _supplier_chosen

    # -- the selected bill -------------------------------------------------------------------

    def selected(self) -> BillRow | None:
        return self.table.selected_row()

    def show_detail(self, detail: BillDetail | None) -> None:
        self.detail_panel.show_detail(detail, self.model.on)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.pay_button.setEnabled(self.may_pay and row is not None and row.balance > 0)

    # -- actions ---------------------------------------------------------------------------

    def enter_bill(self) -> None:
        if not self.may_enter:
            return
        dialog = EnterBillDialog(self.actor, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(dialog.result))
        dialog.open()

    def pay_bill(self) -> None:
        row = self.selected()
        if row is None or not self.pay_button.isEnabled():
            return
        dialog = PayBillDialog(self.actor, row, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(row.id))
        dialog.open()
