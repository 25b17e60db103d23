"""Purchase orders to suppliers: find them by number or supplier, see what was ordered
and what has arrived, create drafts, confirm (only to an authorized supplier), cancel
or close, and print or save the PDF that goes to the supplier."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
    QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from core.permissions import Permission
from core.queries.atp import PartnerNotAuthorized
from core.queries.purchasing import PoDetail, PoLineRow, PoRow, count_pos, list_pos, po_detail
from core.services import purchasing
from core.vocab import PoStatus
from desktop.paged_table import PagedColumn, PagedTableModel, PagedTableView
from desktop.print_preview import PdfDocumentDialog, show_pdf
from desktop.purchase_order_dialogs import NewPurchaseOrderDialog, ReasonDialog
from desktop.screens.base import Screen
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task, show_error, show_message
from desktop.widgets.badges import BadgeDelegate, badge_label, set_badge
from desktop.widgets.search import SearchEdit
from reports.purchase_order import build_purchase_order, render_purchase_order

STATUS_TONES = {PoStatus.DRAFT: "info", PoStatus.CONFIRMED: "ok",
                PoStatus.PARTIALLY_RECEIVED: "warn", PoStatus.RECEIVED: "ok",
                PoStatus.CLOSED: "info", PoStatus.CANCELLED: "bad"}
AREA = "purchase_orders"


def money_text(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def local_date(value: datetime | None) -> str:
    return value.astimezone().date().isoformat() if value else ""


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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


class PoDetailPanel(QFrame):
    """One order: supplier, dates, who confirmed it, its lines and what has arrived."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(6)
        self.placeholder = QLabel("Select an order to see its lines and what has arrived.")
        self.placeholder.setObjectName("muted")
        outer.addWidget(self.placeholder)
        self.body = QWidget()
        column = QVBoxLayout(self.body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        title_row = QHBoxLayout()
        title_row.setSpacing(12)
        self.title_label = QLabel()
        self.title_label.setObjectName("dialogTitle")
        self.status_badge = badge_label()
        title_row.addWidget(self.title_label)
        title_row.addWidget(self.status_badge)
        title_row.addStretch()
        self.total_label = QLabel()
        title_row.addWidget(self.total_label)
        column.addLayout(title_row)
        self.facts_label = QLabel()
        self.facts_label.setObjectName("muted")
        self.facts_label.setWordWrap(True)
        column.addWidget(self.facts_label)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        column.addWidget(self.note_label)
        self.lines_model = PoLinesModel(self)
        self.lines_table = QTableView()
        self.lines_table.setModel(self.lines_model)
        self.lines_table.verticalHeader().hide()
        self.lines_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines_table.setTabKeyNavigation(False)
        self.lines_table.setWordWrap(False)
        self.lines_table.setAlternatingRowColors(True)
        header = self.lines_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PoLinesModel.PRODUCT, QHeaderView.ResizeMode.Stretch)
        column.addWidget(self.lines_table, 1)
        outer.addWidget(self.body, 1)
        self.show_detail(None)

    def show_detail(self, detail: PoDetail | None) -> None:
        self.detail = detail
        self.placeholder.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
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


class PurchaseOrdersScreen(Screen):
    title = "Purchase orders"
    icon_name = "purchase-orders"
    summary = "Orders to suppliers: draft, confirm, print for the supplier, track arrivals."
    permission = Permission.PURCHASE
    areas = frozenset({AREA, "partners", "products", "receiving"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.model = PurchaseOrdersModel(self, self)
        self.table = PagedTableView(self.model, sortable=False,
                                    stretch=PurchaseOrdersModel.SUPPLIER)
        self.table.setItemDelegateForColumn(PurchaseOrdersModel.STATUS,
                                            BadgeDelegate(self.table))
        # Supplier names are short: the supplier column, not Total, takes the spare width.
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(PurchaseOrdersModel.SUPPLIER, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated_row.connect(self.print_po)
        self.model.loaded.connect(self._loaded)
        self.model.rowsInserted.connect(self._update_count)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.search_edit = SearchEdit("PO number or supplier")
        self.search_edit.setMinimumWidth(180)
        self.search_edit.search.connect(self.search)
        self.search_edit.down.connect(self._into_table)
        search_label = QLabel("&Find:")
        search_label.setBuddy(self.search_edit)
        self.status_combo = QComboBox()
        self.status_combo.addItem("All orders", "")
        for status in PoStatus:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        status_label = QLabel("S&how:")
        status_label.setBuddy(self.status_combo)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(status_label)
        bar.addWidget(self.status_combo)
        bar.addWidget(self.count_label)
        bar.addStretch()
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
        self.print_button = QPushButton("&Print / Save PDF…")
        self.print_button.clicked.connect(self.print_po)
        for button in (self.confirm_button, self.cancel_button, self.close_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.print_button)

        self.detail_panel = PoDetailPanel()
        lower = QWidget()
        lower_column = QVBoxLayout(lower)
        lower_column.setContentsMargins(0, 0, 0, 0)
        lower_column.setSpacing(8)
        lower_column.addLayout(actions)
        lower_column.addWidget(self.detail_panel, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([280, 320])
        self.layout_.addWidget(splitter, 1)
        self.dialog = None
        self.message: QMessageBox | None = None
        self._select_id: int | None = None
        self._detail_for: int | None = None
        self._update_buttons()

    # -- the list ----------------------------------------------------------------------

    def refresh(self) -> None:
        if self._select_id is None and (row := self.selected()):
            self._select_id = row.id
        self.model.reload()

    def search(self, text: str) -> None:
        self.model.text = text
        self.model.reload()

    def _status_changed(self) -> None:
        value = self.status_combo.currentData()
        self.model.status = PoStatus(value) if value else None
        if self.model.started:
            self.model.reload()

    def _loaded(self) -> None:
        self._update_count()
        wanted, self._select_id = self._select_id, None
        if wanted is None or not self.table.select_where(lambda r: r.id == wanted):
            if self.model.rowCount() and wanted is None:
                self.table.selectRow(0)
            else:
                self._selection_changed()
        self._update_buttons()

    def _update_count(self) -> None:
        text = plural(self.model.total, "order")
        self.count_label.setText(f"{text} found" if self.model.text else text)

    def _into_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> PoRow | None:
        return self.table.selected_row()

    def _selection_changed(self) -> None:
        self._update_buttons()
        row = self.selected()
        if row is None:
            self._detail_for = None
            self.detail_panel.show_detail(None)
            return
        self._detail_for = po_id = row.id
        run_task(self, lambda: po_detail(po_id), lambda d: self._show_detail(po_id, d))

    def _show_detail(self, po_id: int, detail: PoDetail) -> None:
        if po_id == self._detail_for:  # a later selection wins
            self.detail_panel.show_detail(detail)

    def _update_buttons(self) -> None:
        status = row.status if (row := self.selected()) else None
        self.confirm_button.setEnabled(status is PoStatus.DRAFT)
        self.cancel_button.setEnabled(status in (PoStatus.DRAFT, PoStatus.CONFIRMED))
        self.close_button.setEnabled(status in (PoStatus.PARTIALLY_RECEIVED,
                                                PoStatus.RECEIVED))
        self.print_button.setEnabled(status is not None)

    # -- actions -----------------------------------------------------------------------

    def _changed(self, po_id: int) -> None:
        self._select_id = po_id
        self.changed.emit({AREA})

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

    def print_po(self) -> None:
        row = self.selected()
        if row is None:
            return
        po_id = row.id
        show_pdf(self, f"Purchase order {row.number}", f"{row.number}.pdf",
                 lambda path: _render_po(po_id, path), self._pdf_ready)

    def _pdf_ready(self, dialog: PdfDocumentDialog) -> None:
        self.dialog = dialog
