"""Sales orders for the office: find an order by number, customer or customer PO; enter
one at the customer's prices; confirm it (only for an authorized customer, not on
credit hold), which reserves stock first-expiry-first-out; see per line what is
reserved (lot, expiry, bin), packed, shipped and on backorder, and why a backorder
cannot be filled; allocate again when stock arrives, release or cancel; print the pick
list; and for its shipments the packing slip, T3, carton labels and the EPCIS file."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QMessageBox,
    QPushButton, QVBoxLayout, QWidget,
)

from core.permissions import Permission
from core.queries.atp import PartnerNotAuthorized
from core.queries.sales import (OrderDetail, OrderLineRow, OrderRow, OrderShipmentRow,
                                availability, count_orders, list_orders, order_detail,
                                order_shipments)
from core.services import sales
from core.services.epcis_export import ExportResult, export_shipment
from core.services.sales import AllocationResult, CreditHold
from core.vocab import ShipmentStatus, SoStatus
from desktop.paged_table import PagedColumn, PagedTableModel
from desktop.print_preview import show_pdf
from desktop.purchase_order_dialogs import ReasonDialog
from desktop.sales_order_dialogs import AvailabilityDialog, NewSalesOrderDialog
from desktop.screens.list_detail import ListDetailScreen, plural
from desktop.table_models import Column, RowTableModel, local_time, tone_data
from desktop.tasks import run_task, show_error, show_message
from desktop.widgets.badges import BadgeDelegate, set_badge
from desktop.widgets.detail_card import DetailCard, compact_table
from reports.packing_slip import build_packing_slip, render_packing_slip
from reports.pick_list import build_pick_list, render_pick_list
from reports.sscc_label import build_sscc_labels, render_sscc_labels
from reports.t3 import build_t3, render_t3

STATUS_TONES = {SoStatus.DRAFT: "muted", SoStatus.CONFIRMED: "warn",
                SoStatus.ALLOCATED: "info", SoStatus.PICKING: "info", SoStatus.PACKED: "info",
                SoStatus.SHIPPED: "ok", SoStatus.CANCELLED: "bad"}
SHIPMENT_TONES = {ShipmentStatus.PACKING: "info", ShipmentStatus.SHIPPED: "ok",
                  ShipmentStatus.CANCELLED: "bad"}
AREA = "sales"
OPEN = (SoStatus.CONFIRMED, SoStatus.ALLOCATED)
PICKABLE = (SoStatus.ALLOCATED, SoStatus.PICKING)
CANCELLABLE = (SoStatus.DRAFT, SoStatus.CONFIRMED, SoStatus.ALLOCATED, SoStatus.PICKING)
# A draft has reserved nothing yet: its lines are not "on backorder".
BACKORDER_SHOWN = (SoStatus.CONFIRMED, SoStatus.ALLOCATED, SoStatus.PICKING, SoStatus.PACKED,
                   SoStatus.SHIPPED)


def money_text(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def local_date(value: datetime | None) -> str:
    return value.astimezone().date().isoformat() if value else ""


def quantity_text(value: int) -> str:
    return f"{value:,}" if value else "–"


def allocated_from(line: OrderLineRow) -> str:
    """Where the reserved units are: one "lot · expiry · bin ×qty" per lot and bin."""
    return "\n".join(f"{a.lot_number} · {a.expiry.isoformat()} · {a.location} ×{a.quantity:,}"
                     for a in line.allocations)


class SalesOrdersModel(PagedTableModel[OrderRow]):
    columns = (
        PagedColumn("Number", lambda r: r.number),
        PagedColumn("Customer", lambda r: r.customer),
        PagedColumn("Status", lambda r: r.status.label, tone=lambda r: STATUS_TONES[r.status]),
        PagedColumn("Customer PO", lambda r: r.customer_po),
        PagedColumn("Created", lambda r: local_date(r.created_at)),
        PagedColumn("Lines", lambda r: str(r.line_count), align_right=True),
        PagedColumn("Total", lambda r: money_text(r.total), align_right=True),
    )
    CUSTOMER, STATUS = 1, 2

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.text = ""
        self.status: SoStatus | None = None

    def query(self):
        text, status = self.text, self.status
        return (lambda: count_orders(status, text=text),
                lambda offset, limit: list_orders(status, offset=offset, limit=limit,
                                                  text=text))


class OrderLinesModel(RowTableModel[OrderLineRow]):
    columns = (
        Column("#", lambda line: str(line.line_no), align_right=True),
        Column("Product", lambda line: f"{line.product}\nNDC {line.ndc}"),
        Column("Ordered", lambda line: f"{line.quantity:,}", align_right=True),
        Column("Allocated", lambda line: quantity_text(line.allocated), align_right=True),
        Column("Lot · expiry · bin", allocated_from),
        Column("Packed", lambda line: quantity_text(line.packed), align_right=True),
        Column("Shipped", lambda line: quantity_text(line.shipped), align_right=True),
        Column("Backorder", lambda line: "", align_right=True),  # set per order below
        Column("Amount", lambda line: f"{money_text(line.amount)}\n@ "
               f"{money_text(line.unit_price)}"
               + (" override" if line.price_source == "override" else ""),
               align_right=True),
    )
    PRODUCT, LOTS, PACKED, SHIPPED, BACKORDERED, PRICE = 1, 4, 5, 6, 7, 8

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_backorders = False

    def backordered(self, line: OrderLineRow) -> int:
        return line.backordered if self.show_backorders else 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.rows[index.row()]
        if index.column() == self.BACKORDERED:
            short = self.backordered(line)
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{short:,}" if short else "–"
            if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
                return tone_data("warn" if short else None, role)
            if role == Qt.ItemDataRole.ToolTipRole and short:
                return "Select the line and use Why not allocatable? to see what holds it."
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.PRICE:
                return (f"{line.quantity:,} × {money_text(line.unit_price)} "
                        f"({line.price_source} price)")
            if index.column() == self.LOTS and line.allocations:
                return allocated_from(line)
            if index.column() == self.PRODUCT:
                return f"{line.product}\nNDC {line.ndc} · GTIN {line.gtin}"
        return super().data(index, role)


class ShipmentsModel(RowTableModel[OrderShipmentRow]):
    columns = (
        Column("Shipment", lambda s: s.number),
        Column("Status", lambda s: s.status.label, tone=lambda s: SHIPMENT_TONES[s.status]),
        Column("Shipped", lambda s: local_time(s.shipped_at)),
        Column("Cartons", lambda s: f"{s.cartons:,}", align_right=True),
        Column("Units", lambda s: f"{s.units:,}", align_right=True),
    )
    STATUS = 1


class OrderDetailPanel(DetailCard):
    """One order: customer, ship-to, dates, its lines with what is reserved where, and
    its shipments."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Select an order to see its lines, what is reserved for it and "
                         "what has shipped.", parent)
        self.title_label, self.status_badge, self.total_label = self.add_title_row()
        column = self.column
        self.counts_label = QLabel()
        column.addWidget(self.counts_label)
        self.facts_label = self.add_text(muted=True)
        self.note_label = self.add_text()
        self.lines_model = OrderLinesModel(self)
        self.lines_table = compact_table(self.lines_model, OrderLinesModel.PRODUCT)
        self.lines_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.lines_table.setWordWrap(True)  # a narrow window wraps the product's name
        self.lines_table.setTextElideMode(Qt.TextElideMode.ElideNone)
        column.addWidget(self.lines_table, 1)
        self.why_button = QPushButton("&Why not allocatable?")
        self.why_button.setToolTip("For the selected backordered line: the stock on hand "
                                   "and what holds it.")
        why_row = QHBoxLayout()
        why_row.addWidget(self.why_button)
        why_row.addStretch()
        column.addLayout(why_row)
        self.shipments_box = QWidget()
        shipments_column = QVBoxLayout(self.shipments_box)
        shipments_column.setContentsMargins(0, 4, 0, 0)
        shipments_column.setSpacing(4)
        caption = QLabel("Shipments")
        caption.setObjectName("sectionTitle")
        shipments_column.addWidget(caption)
        shipments_row = QHBoxLayout()
        shipments_row.setSpacing(12)
        shipments_column.addLayout(shipments_row)
        self.shipments_model = ShipmentsModel(self)
        self.shipments_table = compact_table(self.shipments_model, 2)
        self.shipments_table.setItemDelegateForColumn(ShipmentsModel.STATUS,
                                                      BadgeDelegate(self.shipments_table))
        self.shipments_table.setMaximumHeight(96)
        shipments_row.addWidget(self.shipments_table, 3)
        self.slip_button = QPushButton("Packing &slip…")
        self.t3_button = QPushButton("&T3…")
        self.t3_button.setToolTip("The DSCSA transaction information, history and "
                                  "statement of the shipment.")
        self.labels_button = QPushButton("Carton la&bels…")
        self.epcis_button = QPushButton("Export &EPCIS…")
        self.epcis_button.setToolTip("Save the shipment's EPCIS 1.2 file for the customer.")
        documents = QGridLayout()
        documents.setSpacing(6)
        documents.addWidget(self.slip_button, 0, 0)
        documents.addWidget(self.t3_button, 0, 1)
        documents.addWidget(self.labels_button, 1, 0)
        documents.addWidget(self.epcis_button, 1, 1)
        documents.setRowStretch(2, 1)
        shipments_row.addLayout(documents, 2)
        column.addWidget(self.shipments_box)
        self.show_detail(None, [])

    def show_detail(self, detail: OrderDetail | None,
                    shipments: list[OrderShipmentRow]) -> None:
        if not self.set_detail(detail):
            self.lines_model.set_rows([])
            self.shipments_model.set_rows([])
            return
        order = detail.order
        self.title_label.setText(f"{order.number} · {escape(order.customer)}")
        set_badge(self.status_badge, order.status.label, STATUS_TONES[order.status])
        self.lines_model.show_backorders = order.status in BACKORDER_SHOWN
        lines = detail.lines
        ordered = sum(line.quantity for line in lines)
        allocated = sum(line.allocated for line in lines)
        shipped = sum(line.shipped for line in lines)
        short = sum(self.lines_model.backordered(line) for line in lines)
        self.total_label.setText(f"<b>Total {money_text(detail.total)}</b>")
        counts = [plural(len(lines), "line"), f"{ordered:,} ordered"]
        if allocated:
            counts.append(f"{allocated:,} allocated")
        if shipped:
            counts.append(f"{shipped:,} shipped")
        if short:
            counts.append(f"<span style='color:#8c1d18'>{short:,} on backorder</span>")
        self.counts_label.setText(" · ".join(counts))
        facts = [f"Created {local_date(order.created_at)}"
                 + (f" by {escape(detail.created_by)}" if detail.created_by else "")]
        if detail.confirmed_at:
            facts.append(f"confirmed {local_date(detail.confirmed_at)}"
                         + (f" by {escape(detail.confirmed_by)}" if detail.confirmed_by
                            else ""))
        if order.customer_po:
            facts.append(f"customer PO {escape(order.customer_po)}")
        if detail.backorder_of:
            facts.append(f"backorder of {escape(detail.backorder_of)}")
        if detail.backorders:
            facts.append("the rest is on backorder as " + ", ".join(detail.backorders))
        shipping = [f"Ship to {escape(detail.ship_to)}",
                    f"shelf life at least {detail.min_shelf_life_days} days"
                    if detail.min_shelf_life_days else "no shelf-life minimum"]
        self.facts_label.setText(" · ".join(facts) + "<br>" + " · ".join(shipping))
        notes = []
        if order.status is SoStatus.CANCELLED and detail.closed_reason:
            notes.append(f"<b>Cancelled:</b> {escape(detail.closed_reason)}")
        if detail.note:
            notes.append(f"<b>Note:</b> {escape(detail.note)}")
        self.note_label.setText("<br>".join(notes))
        self.note_label.setVisible(bool(notes))
        self.lines_model.set_rows(lines)
        # Only the stages this order has reached: room for the product on a laptop.
        for number, hidden in (
                (OrderLinesModel.LOTS, not any(line.allocations for line in lines)),
                (OrderLinesModel.PACKED, not any(line.packed for line in lines)),
                (OrderLinesModel.SHIPPED, not any(line.shipped for line in lines)),
                (OrderLinesModel.BACKORDERED, not self.lines_model.show_backorders)):
            self.lines_table.setColumnHidden(number, hidden)
        self.shipments_model.set_rows(shipments)
        self.shipments_box.setVisible(bool(shipments))
        if shipments:
            self.shipments_table.selectRow(len(shipments) - 1)

    def selected_line(self) -> OrderLineRow | None:
        rows = self.lines_table.selectionModel().selectedRows()
        return self.lines_model.row_at(rows[0].row()) if rows else None

    def selected_shipment(self) -> OrderShipmentRow | None:
        rows = self.shipments_table.selectionModel().selectedRows()
        return self.shipments_model.row_at(rows[0].row()) if rows else None


def _render(build: Callable, render: Callable, key: int) -> Callable[[Path], int]:
    return lambda path: render(build(key), path)


def _load_detail(order_id: int) -> tuple[OrderDetail, list[OrderShipmentRow]]:
    return order_detail(order_id), order_shipments(order_id)


def _export_epcis(actor, shipment_id: int, target: Path) -> ExportResult:
    """Written beside the target and renamed into place: a refused or failed export
    leaves no half file a customer could receive."""
    partial = target.with_name(target.name + ".part")
    try:
        with partial.open("wb") as out:
            result = export_shipment(actor, shipment_id, out)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return result


def allocation_text(number: str, verb: str, result: AllocationResult) -> tuple[str, str]:
    """(tone, text) for what a confirmation or re-allocation reserved."""
    got = sum(line[3] for line in result.lines)
    wanted = sum(line[2] for line in result.lines)
    text = f"{number} {verb}: {got:,} of {wanted:,} units allocated."
    if not result.short:
        return "ok", text
    short = "; ".join(f"line {n} {escape(name)} ×{q:,}" for n, name, q in result.short)
    return "warn", (f"{text} On backorder: {short}. Select a line and use "
                    "<i>Why not allocatable?</i> to see what holds the stock.")


class SalesOrdersScreen(ListDetailScreen):
    title = "Sales orders"
    icon_name = "sales-orders"
    summary = "Orders from customers: enter, confirm (reserves stock), pick list, documents."
    permission = Permission.SELL
    areas = frozenset({AREA, "shipping", "stock", "receiving", "partners", "products"})
    count_noun = "order"
    changes = frozenset({AREA})
    read_detail = staticmethod(_load_detail)

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self._list_table(SalesOrdersModel(self, self), SalesOrdersModel.CUSTOMER)
        self.table.setItemDelegateForColumn(SalesOrdersModel.STATUS, BadgeDelegate(self.table))

        self.status_combo = QComboBox()
        self.status_combo.addItem("All orders", "")
        for status in SoStatus:
            self.status_combo.addItem(status.label, status.value)
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        bar = self._search_bar("Order number, customer or customer PO", 220, self.status_combo)
        self.new_button = QPushButton("&New sales order…")
        self.new_button.clicked.connect(self.new_order)
        bar.addWidget(self.new_button)
        self.layout_.addLayout(bar)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.confirm_button = QPushButton("&Confirm")
        self.confirm_button.setToolTip("Checks the customer's licenses and credit, then "
                                       "reserves stock first-expiry-first-out.")
        self.confirm_button.clicked.connect(self.confirm_order)
        self.allocate_button = QPushButton("A&llocate again")
        self.allocate_button.setToolTip("Reserve stock for what is on backorder (after "
                                        "stock arrived).")
        self.allocate_button.clicked.connect(self.allocate_order)
        self.release_button = QPushButton("&Release allocation")
        self.release_button.setToolTip("Give the reserved stock back; the order stays "
                                       "confirmed.")
        self.release_button.clicked.connect(self.release_allocation)
        self.cancel_button = QPushButton("C&ancel order…")
        self.cancel_button.clicked.connect(self.cancel_order)
        self.pick_list_button = QPushButton("&Pick list…")
        self.pick_list_button.setToolTip("Print or save the pick list of the reserved lots, "
                                         "bin by bin.")
        self.pick_list_button.clicked.connect(self.print_pick_list)
        for button in (self.confirm_button, self.allocate_button, self.release_button,
                       self.cancel_button):
            actions.addWidget(button)
        actions.addStretch()
        actions.addWidget(self.pick_list_button)

        self.detail_panel = OrderDetailPanel()
        panel = self.detail_panel
        panel.lines_table.selectionModel().selectionChanged.connect(self._update_buttons)
        panel.lines_table.doubleClicked.connect(lambda _i: self.why_not_allocatable())
        panel.shipments_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.why_button = panel.why_button
        self.why_button.clicked.connect(self.why_not_allocatable)
        panel.lines_table.setMinimumHeight(90)
        self.slip_button, self.t3_button = panel.slip_button, panel.t3_button
        self.labels_button, self.epcis_button = panel.labels_button, panel.epcis_button
        self.slip_button.clicked.connect(self.print_packing_slip)
        self.t3_button.clicked.connect(self.print_t3)
        self.labels_button.clicked.connect(self.print_labels)
        self.epcis_button.clicked.connect(self.export_epcis)

        self._list_over(actions, self._result_line(), self.detail_panel, stretch=(2, 3),
                        sizes=(240, 400))
        self.message: QMessageBox | None = None
        self._update_buttons()

    # -- the list ----------------------------------------------------------------------

    def _status_changed(self) -> None:
        value = self.status_combo.currentData()
        self.model.status = SoStatus(value) if value else None
        if self.model.started:
            self.model.reload()

    def selected(self) -> OrderRow | None:
        return self.table.selected_row()

    def _selection_changed(self) -> None:
        """What an action said about one order is not left beside another."""
        row = self.selected()
        if row is None or (self._detail_for is not None and row.id != self._detail_for):
            self.result_label.hide()
        super()._selection_changed()

    def show_detail(self, found: tuple[OrderDetail, list[OrderShipmentRow]] | None) -> None:
        self.detail_panel.show_detail(*(found or (None, [])))

    def _detail(self) -> OrderDetail | None:
        detail = self.detail_panel.detail
        row = self.selected()
        return detail if detail is not None and row is not None \
            and detail.order.id == row.id else None

    def _update_buttons(self) -> None:
        row = self.selected()
        status = row.status if row else None
        detail = self._detail()
        self.confirm_button.setEnabled(status is SoStatus.DRAFT)
        short = detail is not None and any(line.backordered for line in detail.lines)
        self.allocate_button.setEnabled(status in OPEN and short)
        self.release_button.setEnabled(status is SoStatus.ALLOCATED)
        self.cancel_button.setEnabled(status in CANCELLABLE)
        self.pick_list_button.setEnabled(status in PICKABLE)
        line = self.detail_panel.selected_line() if detail else None
        self.why_button.setVisible(status in (*OPEN, SoStatus.PICKING))
        self.why_button.setEnabled(line is not None and status in (*OPEN, SoStatus.PICKING)
                                   and line.backordered > 0)
        shipment = self.detail_panel.selected_shipment() if detail else None
        packed = shipment is not None and shipment.cartons > 0 \
            and shipment.status is not ShipmentStatus.CANCELLED
        shipped = shipment is not None and shipment.status is ShipmentStatus.SHIPPED
        self.slip_button.setEnabled(packed)
        self.labels_button.setEnabled(packed)
        self.t3_button.setEnabled(shipped)
        self.epcis_button.setEnabled(shipped)

    # -- actions -----------------------------------------------------------------------

    def new_order(self) -> None:
        dialog = NewSalesOrderDialog(self.actor, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._created(dialog))
        dialog.open()

    def _created(self, dialog: NewSalesOrderDialog) -> None:
        order_id = dialog.result
        if order_id is None:
            return
        self._changed(order_id)
        if dialog.confirm_after:
            self._confirm(order_id, f"SO-{order_id:06d}")
        else:
            self._show_result("ok", f"SO-{order_id:06d} saved as a draft. Confirm it to "
                                    "reserve stock.")

    def confirm_order(self) -> None:
        row = self.selected()
        if row is not None and row.status is SoStatus.DRAFT:
            self._confirm(row.id, row.number)

    def _confirm(self, order_id: int, number: str, override_hold: str | None = None) -> None:
        actor = self.actor
        run_task(self, lambda: sales.confirm_order(actor, order_id, override_hold),
                 lambda result: self._allocated(order_id, number, "confirmed", result),
                 lambda exc: self._confirm_failed(order_id, number, exc))

    def _allocated(self, order_id: int, number: str, verb: str,
                   result: AllocationResult) -> None:
        self._show_result(*allocation_text(number, verb, result))
        self._changed(order_id)

    def _confirm_failed(self, order_id: int, number: str, exc: BaseException) -> None:
        if isinstance(exc, PartnerNotAuthorized):
            reasons = "".join(f"<li>{escape(r[:1].upper() + r[1:])}.</li>"
                              for r in exc.status.reasons)
            self.message = show_message(
                self, "Customer not authorized",
                f"<b>{number} was not confirmed.</b> {escape(exc.status.partner_name)} is "
                f"not an authorized trading partner today:<ul>{reasons}</ul>"
                "Record the current license or registration on the Partners screen, then "
                "confirm again. The order stays a draft.", QMessageBox.Icon.Warning)
            self._show_result("bad", f"{number} stays a draft: "
                                     f"{escape(exc.status.partner_name)} is not authorized "
                                     "(" + escape("; ".join(exc.status.reasons)) + ").")
        elif isinstance(exc, CreditHold) and self.actor.may(Permission.OVERRIDE_HOLD):
            box = show_message(self, exc.title, escape(str(exc)), QMessageBox.Icon.Warning)
            override = box.addButton("Confirm &anyway…", QMessageBox.ButtonRole.ActionRole)
            override.clicked.connect(lambda: self._override_hold(order_id, number))
            self.message = box
        else:
            self.message = show_error(self, exc)

    def _override_hold(self, order_id: int, number: str) -> None:
        actor = self.actor
        dialog = ReasonDialog(
            f"Override the credit hold on {number}",
            f"Confirm <b>{number}</b> although the customer is on credit hold? Your reason "
            "goes on the record with your name.", "C&onfirm order",
            lambda reason: lambda: sales.confirm_order(actor, order_id, reason), True, self)
        dialog.reason_edit.setPlaceholderText("Required, e.g. payment promised by phone")
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(order_id))
        dialog.open()

    def allocate_order(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, order_id, number = self.actor, row.id, row.number
        run_task(self, lambda: sales.allocate_order(actor, order_id),
                 lambda result: self._allocated(order_id, number, "allocated again", result),
                 lambda exc: self._action_failed(exc))

    def _action_failed(self, exc: BaseException) -> None:
        self.message = show_error(self, exc)

    def release_allocation(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, order_id, number = self.actor, row.id, row.number

        def released(_result) -> None:
            self._show_result("ok", f"{number}: the reserved stock was given back; the order "
                                    "stays confirmed. Allocate again to reserve it anew.")
            self._changed(order_id)

        run_task(self, lambda: sales.release_allocation(actor, order_id), released,
                 self._action_failed)

    def cancel_order(self) -> None:
        row = self.selected()
        if row is None:
            return
        actor, order_id = self.actor, row.id
        dialog = ReasonDialog(
            f"Cancel {row.number}", f"Cancel sales order <b>{row.number}</b> for "
            f"{escape(row.customer)}? Any stock reserved for it is given back.",
            "C&ancel order",
            lambda reason: lambda: sales.cancel_order(actor, order_id, reason), True, self)
        dialog.reason_edit.setPlaceholderText("Required, e.g. customer ordered elsewhere")
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(order_id))
        dialog.open()

    def why_not_allocatable(self) -> None:
        detail = self._detail()
        line = self.detail_panel.selected_line()
        if detail is None or line is None or not self.why_button.isEnabled():
            return
        days, number = detail.min_shelf_life_days, detail.order.number
        product_id, order_id = line.product_id, detail.order.id

        def show(found) -> None:
            dialog = AvailabilityDialog(number, line, days, found, self)
            self.dialog = dialog
            dialog.open()

        run_task(self, lambda: availability(product_id, days, order_id=order_id), show,
                 self._action_failed)

    # -- documents ---------------------------------------------------------------------

    def print_pick_list(self) -> None:
        row = self.selected()
        if row is None:
            return
        show_pdf(self, f"Pick list {row.number}", f"pick-list-{row.number}.pdf",
                 _render(build_pick_list, render_pick_list, row.id), self._pdf_ready)

    def _shipment_document(self, what: str, file_stem: str, build: Callable,
                           render: Callable) -> None:
        shipment = self.detail_panel.selected_shipment()
        if shipment is None:
            return
        show_pdf(self, f"{what} {shipment.number}", f"{file_stem}-{shipment.number}.pdf",
                 _render(build, render, shipment.id), self._pdf_ready)

    def print_packing_slip(self) -> None:
        self._shipment_document("Packing slip", "packing-slip", build_packing_slip,
                                render_packing_slip)

    def print_t3(self) -> None:
        self._shipment_document("T3", "T3", build_t3, render_t3)

    def print_labels(self) -> None:
        self._shipment_document("Carton labels", "labels", build_sscc_labels,
                                render_sscc_labels)

    def export_epcis(self) -> None:
        shipment = self.detail_panel.selected_shipment()
        if shipment is None or shipment.status is not ShipmentStatus.SHIPPED:
            return
        start = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        target, _filter = QFileDialog.getSaveFileName(
            self, f"Export EPCIS for {shipment.number}",
            str(Path(start) / f"{shipment.number}.xml"), "EPCIS documents (*.xml)")
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() != ".xml":
            path = path.with_name(path.name + ".xml")
        actor, shipment_id = self.actor, shipment.id
        run_task(self, lambda: _export_epcis(actor, shipment_id, path),
                 lambda result: self._exported(result, path), self._action_failed)

    def _exported(self, result: ExportResult, path: Path) -> None:
        self.exported_to = path
        self.message = show_message(
            self, "EPCIS file saved",
            f"<b>{result.shipment}</b> for {escape(result.customer)} (GLN "
            f"{result.customer_gln}): {plural(result.packages, 'package')} in "
            f"{plural(result.cartons, 'carton')}, saved to {escape(str(path))}.<br><br>"
            f"<span style='color:#5b6b7a'>SHA-256 {result.sha256}</span>")
