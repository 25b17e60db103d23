"""Purchase orders to suppliers: find them by number or supplier, see what was ordered
and what has arrived, create drafts, confirm (only to an authorized supplier), cancel
or close, and print or save the PDF that goes to the supplier."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMessageBox, QPushButton, QWidget

from core.permissions import Permission
from core.queries.atp import PartnerNotAuthorized
from core.queries.purchasing import PoDetail, PoLineRow, PoRow, count_pos, list_pos, po_detail
from core.services import purchasing
from core.vocab import PoStatus
from desktop.paged_table import PagedColumn, PagedTableModel
from desktop.payables_dialogs import EnterBillDialog
from desktop.print_preview import show_pdf
from desktop.purchase_order_dialogs import NewPurchaseOrderDialog, ReasonDialog
from desktop.screens.list_detail import ListDetailScreen, plural
from desktop.screens.supplier_bills import CHANGES as BILL_CHANGES
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task, show_error, show_message
from desktop.widgets.badges import BadgeDelegate, set_badge
from desktop.widgets.detail_card import DetailCard, compact_table
from reports.purchase_order import build_purchase_order, render_purchase_order

STATUS_TONES = {PoStatus.DRAFT: "info", PoStatus.CONFIRMED: "ok",
                PoStatus.PARTIALLY_RECEIVED: "warn", PoStatus.RECEIVED: "ok",
                PoStatus.CLOSED: "info", PoStatus.CANCELLED: "bad"}
AREA = "purchase_orders"


def money_text(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def local_date(value: datetime | None) -> str:
    return value.astimezone().date().isoformat() if value else ""


class PurchaseOrdersModel(PagedTableModel[PoRow]):
    columns = (
        PagedColumn("Number", lambda r: r.number),
        PagedColumn("Supplier", lambda r: r.supplier),
        PagedColumn("Status", lambda r: r.status.label, tone=lambda r: STATUS_TONES[r.status]),
        PagedColumn("Ordered", lambda r: local_date(r.created_at)),
        PagedColumn("Expected", lambda r: r.expected_on.isoformat() if r.expected_on else ""),
        PagedColumn("Lines", lambda r: str(r.line_count), align_right=True),
        PagedColumn("Total", lambda r: money_text(r.total), align_right=True),
    )
    SUPPLIER, STATUS = 1, 2

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.text = ""
        self.status: PoStatus | None = None

    def query(self):
        text, status = self.text, self.status
        return (lambda: count_pos(status, text=text),
                lambda offset, limit: list_pos(status, offset=offset, limit=limit, text=text))


class PoLinesModel(RowTableModel[PoLineRow]):
    columns = (
        Column("#", lambda line: str(line.line_no), align_right=True),
        Column("NDC", lambda line: line.ndc),
        Column("Product", lambda line: " ".join(
            x for x in (line.product, line.strength) if x)),
        Column("Ordered", lambda line: f"{line.quantity:,}", align_right=True),
        Column("Received", lambda line: f"{line.received_quantity:,}", align_right=True),
        Column("Open", lambda line: f"{line.open_quantity:,}", align_right=True),
        Column("Unit cost", lambda line: money_text(line.unit_cost), align_right=True),
        Column("Amount", lambda line: money_text(line.amount), align_right=True),
    )
    PRODUCT = 2


class PoDetailPanel(DetailCard):
    """One order: supplier, dates, who confirmed it, its lines and what has arrived."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Select an order to see its lines and what has arrived.", parent)
        self.title_label, self.status_badge, self.total_label = self.add_title_row()
        self.facts_label = self.add_text(muted=True)
        self.note_label = self.add_text()
        self.lines_model = PoLinesModel(self)
        self.lines_table = compact_table(self.lines_model, PoLinesModel.PRODUCT,
                                         selectable=False)
        self.column.addWidget(self.lines_table, 1)
        self.show_detail(None)

    def show_detail(self, detail: PoDetail | None) -> None:
        if not self.set_detail(detail):
            self.lines_model.set_rows([])
            return
        order = detail.order
        self.title_label.setText(f"{order.number} · {escape(order.supplier)}")
        set_badge(self.status_badge, order.status.label, STATUS_TONES[order.status])
        units = sum(line.quantity for line in detail.lines)
        received = sum(line.received_quantity for line in detail.lines)
        self.total_label.setText(f"{plural(len(detail.lines), 'line')} · "
                                 f"{units:,} ordered · {received:,} received · "
                                 f"<b>Total {money_text(detail.total)}</b>")
        facts = [f"Ordered {local_date(order.created_at)}"
                 + (f" by {detail.created_by}" if detail.created_by else "")]
        facts.append(f"Expected {order.expected_on.isoformat()}" if order.expected_on
                     else "No expected date")
        if detail.confirmed_at:
            facts.append(f"Confirmed {local_date(detail.confirmed_at)}"
                         + (f" by {detail.confirmed_by}" if detail.confirmed_by else ""))
        self.facts_label.setText(" · ".join(facts))
        self.note_label.setText(f"<b>Note:</b> {escape(detail.note)}" if detail.note else "")
        self.note_label.setVisible(bool(detail.note))
        self.lines_model.set_rows(detail.lines)


def _render_po(po_id: int, path: Path) -> int:
    return render_purchase_order(build_purchase_order(po_id), path)


class PurchaseOrdersScreen(ListDetailScreen):
    title = "Purchase orders"
    icon_name = "purchase-orders"
    summary = "Orders to suppliers: draft, confirm, print for the supplier, track arrivals."
    permission = Permission.PURCHASE
    areas = frozenset({AREA, "partners", "products", "receiving"})
    count_noun = "order"
    changes = frozenset({AREA})
    read_detail = staticmethod(po_detail)
    blank_while_loading = False

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        # Supplier names are short: the supplier column, not Total, takes the spare width.
        self._list_table(PurchaseOrdersModel(self, self), PurchaseOrdersModel.SUPPLIER)
        self.table.setItemDelegateForColumn(PurchaseOrdersModel.STATUS,
                                            BadgeDelegate(self.table))
        self.table.activated_row.connect(self.print_po)

        self.status_combo = QComboBox()
        self.status_combo.addItem("All orders", "")
        for status in PoStatus:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        bar = self._search_bar("PO number or supplier", 180, self.status_combo)
        self.new_button = QPushButton("&New purchase order…")
        self.new_button.clicked.connect(self.new_po)
        bar.addWidget(self.new_button)
        self.layout_.addLayout(bar)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.confirm_button = QPushButton("&Confirm")
        self.confirm_button.setToolTip("Checks that the supplier is authorized today.")
        self.confirm_button.clicked.connect(self.confirm_po)
        self.cancel_button = QPushButton("C&ancel order…")
        self.cancel_button.clicked.connect(self.cancel_po)
        self.close_button = QPushButton("C&lose order…")
        self.close_button.setToolTip("Stop expecting the rest of a partly received order.")
        self.close_button.clicked.connect(self.close_po)
        self.bill_button = QPushButton("Enter &bill…")
        self.may_bill = self.actor.may(Permission.POST_INVOICES)
        self.bill_button.setToolTip(
            "Enter the supplier's invoice for what this order delivered." if self.may_bill
            else f"Your role may not {Permission.POST_INVOICES.value}.")
        self.bill_button.clicked.connect(self.enter_bill)
        self.print_button = QPushButton("&Print / Save PDF…")
        self.print_button.clicked.connect(self.print_po)
        for button in (self.confirm_button, self.cancel_button, self.close_button,
                       self.bill_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.print_button)

        self.detail_panel = PoDetailPanel()
        self._list_over(actions, self.detail_panel, stretch=(1, 1), sizes=(280, 320))
        self.message: QMessageBox | None = None
        self._update_buttons()

    # -- the list ----------------------------------------------------------------------

    def _status_changed(self) -> None:
        value = self.status_combo.currentData()
        self.model.status = PoStatus(value) if value else None
        if self.model.started:
            self.model.reload()

    def selected(self) -> PoRow | None:
        return self.table.selected_row()

    def _update_buttons(self) -> None:
        status = row.status if (row := self.selected()) else None
        self.confirm_button.setEnabled(status is PoStatus.DRAFT)
        self.cancel_button.setEnabled(status in (PoStatus.DRAFT, PoStatus.CONFIRMED))
        self.close_button.setEnabled(status in (PoStatus.PARTIALLY_RECEIVED,
                                                PoStatus.RECEIVED))
        self.bill_button.setEnabled(self.may_bill and status in (
            PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED, PoStatus.CLOSED))
        self.print_button.setEnabled(status is not None)

    # -- actions -----------------------------------------------------------------------

    def new_po(self) -> None:
        dialog = NewPurchaseOrderDialog(self.actor, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(dialog.result))
        dialog.open()

    def confirm_po(self) -> None:
        row = self.selected()
        if row is None or row.status is not PoStatus.DRAFT:
            return
        actor, po_id = self.actor, row.id
        run_task(self, lambda: purchasing.confirm_po(actor, po_id),
                 lambda _r: self._changed(po_id), lambda exc: self._confirm_failed(row, exc))

    def _confirm_failed(self, row: PoRow, exc: BaseException) -> None:
        if isinstance(exc, PartnerNotAuthorized):
            reasons = "".join(f"<li>{escape(r[:1].upper() + r[1:])}.</li>"
                              for r in exc.status.reasons)
            self.message = show_message(
                self, "Supplier not authorized",
                f"<b>{row.number} was not confirmed.</b> {escape(row.supplier)} is not an "
                f"authorized trading partner today:<ul>{reasons}</ul>"
                "Record the current license or registration on the Partners screen, "
                "then confirm again. The order stays a draft.", QMessageBox.Icon.Warning)
        else:
            self.message = show_error(self, exc)

    def cancel_po(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, po_id = self.actor, row.id
        self._open_reason(ReasonDialog(
            f"Cancel {row.number}", f"Cancel purchase order <b>{row.number}</b> to "
            f"{escape(row.supplier)}? Nothing has been received on it. If it was already "
            "sent, tell the supplier too.", "C&ancel order",
            lambda reason: lambda: purchasing.cancel_po(actor, po_id, reason), True, self),
            po_id)

    def close_po(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, po_id = self.actor, row.id
        self._open_reason(ReasonDialog(
            f"Close {row.number}", f"Close purchase order <b>{row.number}</b>? RxDesk stops "
            "expecting the quantities still open on it.", "C&lose order",
            lambda reason: lambda: purchasing.close_po(actor, po_id, reason), False, self),
            po_id)

    def _open_reason(self, dialog: ReasonDialog, po_id: int) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(po_id))
        dialog.open()

    def enter_bill(self) -> None:
        """The supplier's bill for this order, in the Supplier bills screen's dialog with
        the order already chosen."""
        row = self.selected()
        if row is None or not self.bill_button.isEnabled():
            return
        dialog = EnterBillDialog(self.actor, self, po_id=row.id)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._billed(row.id))
        dialog.open()

    def _billed(self, po_id: int) -> None:
        self._select_id = po_id
        self.changed.emit(set(self.changes) | BILL_CHANGES)  # the bills and the books too

    def print_po(self) -> None:
        row = self.selected()
        if row is None:
            return
        po_id = row.id
        show_pdf(self, f"Purchase order {row.number}", f"{row.number}.pdf",
                 lambda path: _render_po(po_id, path), self._pdf_ready)
