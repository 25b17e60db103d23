"""Pack station: the warehouse lead scans every package of an order into its carton and
ships it, keyboard and scanner only.

Left, the orders waiting to be packed (allocated, being picked, packed). Scanning the
order number from the pick list (its Code 128 reads "SO-000123") opens the order, as
does picking it in the list. Right, the order: who it goes to, its lines with ordered /
packed / remaining and the lot and bin to pick from, one big scan field that always has
the focus, a big green (packed) or red (refused, with the reason) banner with a sound,
the shipment's cartons (the one being filled highlighted) and a log of this session's
scans. Function keys do the rest: F5 new carton, F6 take a package out, F9 ship, and
F2/F3/F4/F7 print the pick list, carton labels, packing slip and T3.

The shipment is created by the first scan (or F5), not by opening the order, so looking
at an order changes nothing. A scan is one task on the worker thread; its PackResult
updates the lines and cartons at once, and a short debounced reload then brings the
order (reservations, cartons, the list on the left) in line with the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QListView,
    QMessageBox, QSplitter, QVBoxLayout, QWidget,
)

from core import settings
from core.errors import RxDeskError
from core.labels_zpl import shipment_labels
from core.permissions import Permission
from core.queries.atp import PartnerNotAuthorized
from core.queries.packing import (
    OrderToPack, PackCarton, PackingView, count_orders_to_pack, looks_like_order_number,
    order_by_scan, orders_to_pack, packing_view,
)
from core.queries.sales import OrderLineRow
from core.queries.shipping_docs import shipment_docs
from core.services import shipping
from core.services.shipping import PackResult, PackedUnit, ShipResult
from core.vocab import ShipmentStatus, SoStatus
from desktop.pack_station_dialogs import RemovePackageDialog
from desktop.print_preview import PdfDocumentDialog, show_pdf
from desktop.receiving_dialogs import units_phrase
from desktop.screens.inventory import select_rows, titled
from desktop.screens.receiving import escape
from desktop.screens.scan_station import ScanStationScreen
from desktop.table_models import ROW_ROLE, Column, RowTableModel
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import TONES, BadgeDelegate, badge_label, set_badge
from desktop.widgets.scan_feedback import feedback_label
from reports.packing_slip import build_packing_slip, render_packing_slip
from reports.pick_list import build_pick_list, render_pick_list
from reports.sscc_label import build_sscc_labels, render_sscc_labels
from reports.t3 import build_t3, render_t3

AREA = "shipping"
RELOAD_MS = 150  # after the last scan, bring the order in line with the database
LOG_LIMIT = 500

KEY_PICK_LIST, KEY_LABELS, KEY_SLIP, KEY_T3 = "F2", "F3", "F4", "F7"
KEY_NEW_CARTON, KEY_REMOVE, KEY_SHIP = "F5", "F6", "F9"
KEY_PREVIOUS_ORDER, KEY_NEXT_ORDER = "PgUp", "PgDown"

STATUS_TONES = {SoStatus.CONFIRMED: "info", SoStatus.ALLOCATED: "info",
                SoStatus.PICKING: "warn", SoStatus.PACKED: "ok", SoStatus.SHIPPED: "ok",
                SoStatus.CANCELLED: "bad", SoStatus.DRAFT: "muted"}


def order_progress(o: OrderToPack) -> str:
    if o.packed:
        return f"{o.packed:,} of {o.units:,} packed"
    return units_phrase(o.units)


class OrdersModel(RowTableModel[OrderToPack]):
    """Shown in a list: number and customer on the first line, progress on the second."""

    columns = (Column("Order", lambda o: f"{o.number} · {o.status.label}\n{o.customer}\n"
                                         f"{order_progress(o)}"),)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            o = self.rows[index.row()]
            return f"{o.number} · {o.customer}" + (f" · PO {o.customer_po}"
                                                   if o.customer_po else "")
        return super().data(index, role)

    def row_of(self, order_id: int) -> int:
        return next((i for i, o in enumerate(self.rows) if o.id == order_id), -1)


def remaining_of(line: OrderLineRow) -> int:
    return max(line.quantity - line.shipped - line.packed, 0)


def pick_from(line: OrderLineRow) -> str:
    return "\n".join(f"{a.location} · {a.lot_number} · {a.expiry:%m/%Y} × {a.quantity:,}"
                      for a in line.allocations)


class LinesModel(RowTableModel[OrderLineRow]):
    columns = (
        Column("#", lambda r: str(r.line_no), lambda r: r.line_no, align_right=True),
        Column("Product", lambda r: r.product),
        Column("Ordered", lambda r: f"{r.quantity:,}", lambda r: r.quantity,
               align_right=True),
        Column("Packed", lambda r: f"{r.packed + r.shipped:,}",
               lambda r: r.packed + r.shipped, align_right=True,
               tone=lambda r: "ok" if r.packed + r.shipped >= r.quantity else None),
        Column("To go", lambda r: f"{remaining_of(r):,}" if remaining_of(r) else "✓",
               lambda r: remaining_of(r), align_right=True,
               tone=lambda r: "warn" if remaining_of(r) else "ok"),
        Column("Pick from: bin · lot · expiry", lambda r: pick_from(r) or (
            "" if not remaining_of(r) else "nothing reserved")),
    )
    PRODUCT, ORDERED, PACKED, TO_GO, PICK_FROM = range(1, 6)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            r = self.rows[index.row()]
            return f"{r.product}\nNDC {r.ndc} · GTIN {r.gtin}"
        return super().data(index, role)

    def row_of(self, line_no: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.line_no == line_no), -1)

    def add_packed(self, line_no: int, quantity: int) -> OrderLineRow | None:
        number = self.row_of(line_no)
        if number < 0:
            return None
        row = replace(self.rows[number], packed=self.rows[number].packed + quantity)
        self.rows[number] = row
        self.dataChanged.emit(self.index(number, 0),
                              self.index(number, self.columnCount() - 1))
        return row


class CartonsModel(RowTableModel[PackCarton]):
    """The shipment's cartons; the one scans go into is bold on green."""

    columns = (
        Column("Carton", lambda c: str(c.seq), lambda c: c.seq, align_right=True),
        Column("SSCC", lambda c: c.sscc),
        Column("Units", lambda c: f"{c.units:,}", lambda c: c.units, align_right=True),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.current = ""  # the SSCC being filled

    def set_current(self, sscc: str) -> None:
        self.current = sscc
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, self.columnCount() - 1))

    def row_of(self, sscc: str) -> int:
        return next((i for i, c in enumerate(self.rows) if c.sscc == sscc), -1)

    def add_units(self, sscc: str, units: int) -> None:
        number = self.row_of(sscc)
        if number < 0:
            seq = max((c.seq for c in self.rows), default=0) + 1
            self.append_rows([PackCarton(seq, sscc, units)])
            return
        self.rows[number] = replace(self.rows[number], units=self.rows[number].units + units)
        self.dataChanged.emit(self.index(number, 0), self.index(number, self.columnCount() - 1))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and self.rows[index.row()].sscc == self.current:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(TONES["ok"][0]))
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return f"▶ {self.rows[index.row()].seq}"
        return super().data(index, role)


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    tone: str  # "ok", "bad", "info"
    result: str
    text: str


class LogModel(RowTableModel[LogEntry]):
    """This session's scans and actions, newest first."""

    columns = (
        Column("Time", lambda e: e.at.strftime("%H:%M:%S")),
        Column("Result", lambda e: e.result, tone=lambda e: e.tone),
        Column("Scan", lambda e: e.text, tone=lambda e: e.tone if e.tone == "bad" else None),
    )
    RESULT = 1

    def add(self, tone: str, result: str, text: str) -> None:
        self.beginInsertRows(self.index(0, 0).parent(), 0, 0)
        self.rows.insert(0, LogEntry(datetime.now(), tone, result, text))
        self.endInsertRows()
        if len(self.rows) > LOG_LIMIT:
            self.beginRemoveRows(self.index(0, 0).parent(), LOG_LIMIT, len(self.rows) - 1)
            del self.rows[LOG_LIMIT:]
            self.endRemoveRows()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self.rows[index.row()].text
        return super().data(index, role)


def describe_units(units: list[PackedUnit]) -> str:
    """What one scan packed, as the lead reads it off the banner."""
    if len(units) == 1:
        u = units[0]
        what = f"{u.product} · lot {u.lot}"
        what += f" · serial {u.serial}" if u.serial else f" · {u.quantity:,} units"
        return what + (" (stands in for the allocated lot)" if u.substitute else "")
    groups: dict[tuple[str, str], int] = {}
    for u in units:
        groups[(u.product, u.lot)] = groups.get((u.product, u.lot), 0) + u.quantity
    parts = [f"{n:,} × {product} · lot {lot}" for (product, lot), n in groups.items()]
    subs = sum(u.quantity for u in units if u.substitute)
    return "Case: " + "; ".join(parts) + (f" ({subs:,} stand in for the allocated lot)"
                                          if subs else "")


def write_zpl_labels(shipment_id: int, path: Path) -> int:
    """Every carton's ZPL label into `path` (written aside, then renamed); the count."""
    docs = shipment_docs(shipment_id)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(shipment_labels(docs), encoding="ascii")
    partial.replace(path)
    return len(docs.cartons)


def _render(build: Callable, render: Callable, key: int) -> Callable[[Path], int]:
    return lambda path: render(build(key), path)


class PackStationScreen(ScanStationScreen):
    title = "Pack station"
    icon_name = "pack-station"
    summary = "Scan each package of an order into its carton, then ship it."
    permission = Permission.SHIP
    areas = frozenset({AREA, "sales", "stock", "partners", "products"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.order_id: int | None = None
        self.view: PackingView | None = None
        self.shipment_id: int | None = None  # the shipment being packed
        self.current_carton: str | None = None  # None: the newest carton
        self.last_ship: ShipResult | None = None
        self.dialog = None
        self._generation = 0  # bumps when another order is opened
        self._select_after: int | None = None
        self.may_remove = self.actor is not None and self.actor.may(Permission.REMOVE_PACKED)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_left())
        split.addWidget(self._build_right())
        split.setStretchFactor(1, 1)
        split.setSizes([215, 845])
        self.layout_.addWidget(split, 1)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_MS)
        self._reload_timer.timeout.connect(self._reload_after_scans)
        self._listen(((KEY_PICK_LIST, self.print_pick_list), (KEY_LABELS, self.print_labels),
                      (KEY_SLIP, self.print_packing_slip), (KEY_T3, self.print_t3),
                      (KEY_NEW_CARTON, self.new_carton), (KEY_REMOVE, self.remove_package),
                      (KEY_SHIP, self.ship),
                      (KEY_PREVIOUS_ORDER, lambda: self.step_order(-1)),
                      (KEY_NEXT_ORDER, lambda: self.step_order(1))))
        self._show_view()
        self._feedback("info", "Ready", "Scan the order number on the pick list, or choose "
                       "an order on the left.")

    # -- layout ----------------------------------------------------------------------
    def _build_left(self) -> QWidget:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(8)
        self.orders = OrdersModel(self)
        self.order_list = QListView()
        self.order_list.setObjectName("orderList")
        self.order_list.setModel(self.orders)
        self.order_list.setSpacing(2)
        self.order_list.setAlternatingRowColors(True)
        self.order_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.order_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.order_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.order_list.setStyleSheet(
            "QListView { background: #ffffff; alternate-background-color: #f4f7f9; "
            "border: 1px solid #d5dde5; selection-background-color: #cfe5ee; "
            "selection-color: #1d2733; } QListView::item { padding: 4px 6px; }")
        self.order_list.selectionModel().selectionChanged.connect(self._order_chosen)
        box, self.order_count_label = titled("Orders to pack", self.order_list)
        column.addWidget(box, 1)
        hint = QLabel("Scan the order barcode on the pick list to open its order, or "
                      "choose one with PgUp / PgDn.")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        column.addWidget(hint)
        caption = QLabel("Print")
        caption.setObjectName("sectionTitle")
        column.addWidget(caption)
        self.pick_list_button = self._button(f"Pick list  {KEY_PICK_LIST}",
                                             "The order's pick list (what is still "
                                             "reserved, bin by bin)", self.print_pick_list)
        self.labels_button = self._button(f"Carton labels  {KEY_LABELS}",
                                          "A GS1 label (SSCC) for every carton",
                                          self.print_labels)
        self.zpl_button = self._button("Labels for Zebra (ZPL)…", "The same carton labels "
                                       "as ZPL, saved for a Zebra label printer",
                                       self.save_zpl)
        self.slip_button = self._button(f"Packing slip  {KEY_SLIP}",
                                        "The packing slip that goes in carton 1",
                                        self.print_packing_slip)
        self.t3_button = self._button(f"T3  {KEY_T3}", "The DSCSA transaction information, "
                                      "statement and history (once shipped)", self.print_t3)
        for button in (self.pick_list_button, self.labels_button, self.zpl_button,
                       self.slip_button, self.t3_button):
            column.addWidget(button)
        left.setMinimumWidth(200)
        return left

    def _build_right(self) -> QWidget:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.setSpacing(8)
        title_row = QHBoxLayout()
        title_row.setSpacing(12)
        self.order_label = QLabel()
        self.order_label.setObjectName("dialogTitle")
        self.status_badge = badge_label()
        title_row.addWidget(self.order_label)
        title_row.addWidget(self.status_badge)
        title_row.addStretch()
        self.shipment_label = QLabel()
        self.shipment_label.setObjectName("muted")
        title_row.addWidget(self.shipment_label)
        column.addLayout(title_row)
        self.order_info = QLabel()
        self.order_info.setWordWrap(True)
        self.order_info.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.order_info)
        self.blocked_label = QLabel()
        self.blocked_label.setObjectName("danger")
        self.blocked_label.setWordWrap(True)
        self.blocked_label.hide()
        column.addWidget(self.blocked_label)

        column.addLayout(self._scan_row("Scan a package, a case label or the order number"))

        self.feedback = feedback_label()
        column.addWidget(self.feedback)

        tables = QSplitter(Qt.Orientation.Vertical)
        tables.setChildrenCollapsible(False)
        self.lines_model = LinesModel(self)
        self.lines_table = self._table(self.lines_model, LinesModel.PRODUCT, 30)
        big = self.lines_table.font()
        big.setPointSize(big.pointSize() + 1)
        self.lines_table.setFont(big)
        self.lines_table.setWordWrap(True)  # one line per lot and bin to pick from
        self.lines_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.lines_table.verticalHeader().setMinimumSectionSize(32)
        lines_box, self.lines_note = titled("Order lines", self.lines_table)
        tables.addWidget(lines_box)

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.setChildrenCollapsible(False)
        self.cartons_model = CartonsModel(self)
        self.cartons_table = self._table(self.cartons_model, 1, 28)
        self.cartons_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cartons_table.clicked.connect(self._carton_clicked)
        cartons_box, self.cartons_note = titled("Cartons", self.cartons_table)
        cartons_box.layout().setContentsMargins(0, 0, 6, 0)
        bottom.addWidget(cartons_box)
        self.log_model = LogModel(self)
        self.log_table = self._table(self.log_model, 2, 26)
        self.log_table.setItemDelegateForColumn(LogModel.RESULT, BadgeDelegate(self.log_table))
        log_box, log_note = titled("Scans", self.log_table)
        log_note.setText("this session, newest first")
        bottom.addWidget(log_box)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([350, 460])
        tables.addWidget(bottom)
        tables.setStretchFactor(0, 1)
        tables.setStretchFactor(1, 1)
        column.addWidget(tables, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("font-size: 13pt;")
        actions.addWidget(self.summary_label)
        actions.addStretch()
        self.new_carton_button = self._button(f"New carton  {KEY_NEW_CARTON}",
                                              "Close this carton: scans go into a new one "
                                              "with its own SSCC", self.new_carton)
        self.remove_button = self._button(f"Take out…  {KEY_REMOVE}",
                                          "Take a packed package out again (needs a "
                                          "supervisor: owner or admin)", self.remove_package)
        self.ship_button = self._button(f"Ship…  {KEY_SHIP}", "Ship what is packed: stock "
                                        "to the customer, the DSCSA record, a backorder for "
                                        "the rest", self.ship)
        self.ship_button.setDefault(True)  # the look only: Enter belongs to the scan field
        for button in (self.new_carton_button, self.remove_button, self.ship_button):
            actions.addWidget(button)
        column.addLayout(actions)
        return right

    # -- screen life -------------------------------------------------------------------
    def _dialog_closed(self) -> None:
        """Back to the station window and its scan field (a window manager may leave
        no window active when a dialog closes)."""
        if self.isVisible() and QApplication.activeModalWidget() is None:
            self.window().activateWindow()
            self.refocus()

    def refresh(self) -> None:
        run_task(self, lambda: (orders_to_pack(), count_orders_to_pack()), self._show_orders)
        self.load_order()

    def _show_orders(self, result: tuple[list[OrderToPack], int]) -> None:
        orders, total = result
        keep = self._select_after or self.order_id
        self._select_after = None
        self.orders.set_rows(orders)
        shown = f"{len(orders)} of {total:,}" if total > len(orders) else f"{total:,}"
        self.order_count_label.setText(f"{shown} open")
        row = self.orders.row_of(keep) if keep else -1
        if row >= 0:
            select_rows(self.order_list, [row])  # opens it unless it is open already
        else:
            self.order_list.clearSelection()

    def step_order(self, delta: int) -> None:
        """The previous or next order in the list, without the mouse (the scan field
        keeps the focus, so the list's own arrow keys never get there)."""
        count = self.orders.rowCount()
        if not count:
            return
        rows = self.order_list.selectionModel().selectedRows()
        current = rows[0].row() if rows else (-1 if delta > 0 else count)
        select_rows(self.order_list, [min(max(current + delta, 0), count - 1)])

    def _order_chosen(self, *_args) -> None:
        rows = self.order_list.selectionModel().selectedRows()
        if rows:
            order = rows[0].data(ROW_ROLE)
            if order.id != self.order_id:
                self.open_order(order.id)
        self.refocus()

    # -- the order ---------------------------------------------------------------------
    def open_order(self, order_id: int) -> None:
        self._generation += 1
        self.order_id, self.view, self.shipment_id = order_id, None, None
        self.current_carton, self.last_ship = None, None
        self.lines_model.set_rows([])
        self.cartons_model.set_rows([])
        self._feedback("info", "Opening order", "One moment…")
        self._show_view()
        self.load_order(opened=True)
        self.refocus()

    def load_order(self, opened: bool = False) -> None:
        if self.order_id is None:
            return
        generation, order_id = self._generation, self.order_id
        run_task(self, lambda: packing_view(order_id),
                 lambda view: self._loaded(generation, view, opened),
                 lambda exc: self._load_failed(generation, exc))

    def _loaded(self, generation: int, view: PackingView, opened: bool) -> None:
        if generation != self._generation:
            return
        self.view = view
        packing = view.shipment_status is ShipmentStatus.PACKING
        self.shipment_id = view.shipment_id if packing else None
        self.lines_model.set_rows(view.detail.lines)
        self.cartons_model.set_rows(view.cartons)
        if self.current_carton and self.cartons_model.row_of(self.current_carton) < 0:
            self.current_carton = None
        self.cartons_model.set_current(self.filling_carton())
        if opened:
            self._opened_feedback(view)
        self._show_view()

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if not isinstance(exc, RxDeskError):
            show_error(self, exc)
            return
        self.order_id = None
        self._refused_feedback(exc.title, str(exc))
        self._show_view()

    def _opened_feedback(self, view: PackingView) -> None:
        order = view.detail.order
        if view.blocked:
            self._refused_feedback("Do not pack", view.blocked)
        elif not view.packable:
            docs = (f" Reprint its documents: labels {KEY_LABELS}, packing slip {KEY_SLIP}, "
                    f"T3 {KEY_T3}." if view.shipment_status is ShipmentStatus.SHIPPED else "")
            self._feedback("info", f"{order.number} is {order.status.label.lower()}",
                           "Nothing can be packed for it." + docs)
        elif view.remaining == 0 and view.packed:
            self._feedback("ok", "All packed", f"Ship it with {KEY_SHIP}.")
        else:
            self._feedback("info", f"{order.number} open",
                           "Scan each package's 2D barcode, or a case label; "
                           f"{KEY_NEW_CARTON} starts a new carton.")

    def filling_carton(self) -> str:
        """The carton scans go into: the chosen one, else the newest."""
        if self.current_carton:
            return self.current_carton
        return self.cartons_model.rows[-1].sscc if self.cartons_model.rows else ""

    def _show_view(self) -> None:
        view = self.view
        self.blocked_label.hide()
        if self.order_id is None:
            self.order_label.setText("No order open")
            self.status_badge.hide()
            self.shipment_label.setText("")
            self.order_info.setText("Scan the order number on the pick list (SO-…), or "
                                    "choose an order on the left.")
        elif view is None:
            self.order_label.setText("Loading…")
            self.status_badge.hide()
        else:
            order, detail = view.detail.order, view.detail
            self.order_label.setText(f"{escape(order.number)} · {escape(order.customer)}")
            set_badge(self.status_badge, order.status.label, STATUS_TONES[order.status])
            self.status_badge.show()
            self.shipment_label.setText(
                f"Shipment {view.shipment_number} · {view.shipment_status.label.lower()}"
                if view.shipment_number else "No shipment yet: the first scan starts one")
            shelf = (f"at least <b>{detail.min_shelf_life_days} days</b> of shelf life"
                     if detail.min_shelf_life_days else "no shelf-life minimum")
            po = f"<b>{escape(order.customer_po)}</b>" if order.customer_po else "none"
            self.order_info.setText(f"Ship to {escape(detail.ship_to)}<br>Customer PO {po}"
                                    f" · {shelf}"
                                    + (f"<br>Note: {escape(detail.note)}" if detail.note
                                       else ""))
            if view.blocked:
                self.blocked_label.setText(f"Do not pack or ship: {view.blocked}")
                self.blocked_label.show()
        self._update_summary()
        self._update_actions()

    def _update_summary(self) -> None:
        rows = self.lines_model.rows
        if not rows:
            self.summary_label.setText("")
            self.lines_note.setText("")
            self.cartons_note.setText("")
            return
        ordered = sum(r.quantity for r in rows)
        packed = sum(r.packed + r.shipped for r in rows)
        left = sum(remaining_of(r) for r in rows)
        self.lines_note.setText(f"{len(rows)} line{'s' if len(rows) != 1 else ''}")
        cartons = len(self.cartons_model.rows)
        self.cartons_note.setText(units_phrase(cartons, "carton") if cartons else "none yet")
        self.summary_label.setText(f"<b>{packed:,} of {ordered:,}</b> packed"
                                   + (f" · {left:,} to go" if left else " · complete"))

    def is_packable(self) -> bool:
        return self.view is not None and self.view.packable and not self.view.blocked

    def _update_actions(self) -> None:
        view = self.view
        packable = self.is_packable()
        packed = sum(r.packed for r in self.lines_model.rows)
        self.new_carton_button.setEnabled(packable)
        self.remove_button.setEnabled(packable and packed > 0 and self.may_remove)
        self.ship_button.setEnabled(packable and packed > 0)
        has_cartons = view is not None and bool(self.cartons_model.rows)
        self.pick_list_button.setEnabled(view is not None and any(
            r.allocations for r in self.lines_model.rows))
        self.labels_button.setEnabled(has_cartons and view.shipment_id is not None)
        self.zpl_button.setEnabled(self.labels_button.isEnabled())
        self.slip_button.setEnabled(has_cartons and view.shipment_id is not None)
        self.t3_button.setEnabled(view is not None
                                  and view.shipment_status is ShipmentStatus.SHIPPED)
        if not self.may_remove:
            self.remove_button.setToolTip("Taking a package out needs a supervisor: the "
                                          "owner or admin role.")

    # -- scanning ----------------------------------------------------------------------
    def scan(self, raw: str) -> None:
        self.refocus()
        if looks_like_order_number(raw):
            self.open_by_number(raw)
            return
        if not self._can_pack("Not packed"):
            return
        actor, order_id, shipment_id = self.actor, self.order_id, self.shipment_id
        carton, generation = self.current_carton, self._generation
        replacement = settings.load().gs_replacement

        def job():
            sid = shipment_id or shipping.start_packing(actor, order_id)
            return sid, shipping.pack_scan(actor, sid, raw, carton, replacement)
        run_task(self, job, lambda result: self._packed(generation, result),
                 lambda exc: self._action_failed(generation, exc, raw))

    def _can_pack(self, headline: str) -> bool:
        """Refuse on the spot (red, with the reason) what the service would refuse."""
        if self.order_id is None:
            why = ("Open the order first: scan the order number on the pick list (SO-…), "
                   "or choose it on the left.")
        elif self.view is None:
            why = "The order is still loading; scan again in a moment."
        elif self.view.blocked:
            why = self.view.blocked
        elif not self.view.packable:
            order = self.view.detail.order
            why = f"{order.number} is {order.status.label.lower()}: nothing can be packed for it."
        else:
            return True
        self._refused_feedback(headline, why)
        return False

    def _packed(self, generation: int, result: tuple[int, PackResult]) -> None:
        if generation != self._generation:
            return
        self.shipment_id, packed = result
        lines = {}
        for unit in packed.units:
            row = self.lines_model.add_packed(unit.line_no, unit.quantity)
            if row is not None:
                lines[row.line_no] = row
        units = sum(u.quantity for u in packed.units)
        self.cartons_model.add_units(packed.carton_sscc, units)
        self.cartons_model.set_current(packed.carton_sscc)
        seq = self.cartons_model.rows[self.cartons_model.row_of(packed.carton_sscc)].seq
        counts = " · ".join(f"{r.packed + r.shipped:,} of {r.quantity:,}"
                            for r in lines.values())
        headline = f"Packed {counts}" if counts else "Packed"
        done = packed.remaining == 0
        text = f"{describe_units(packed.units)} → carton {seq}"
        if done:
            text += f". The order is complete: ship it with {KEY_SHIP}."
        self._feedback("ok", headline, text)
        self.log_model.add("ok", "Packed" if units == 1 else f"Packed {units:,}",
                           f"{describe_units(packed.units)} → carton {seq}")
        self._sound(True)
        self._show_view()
        self._reload_timer.start()

    def _action_failed(self, generation: int, exc: BaseException, raw: str = "") -> None:
        if generation != self._generation:
            return
        self.refocus()
        if not isinstance(exc, RxDeskError):
            self._refused_feedback("Unexpected error", "The scan was not packed; see the "
                                   "message.", raw)
            show_error(self, exc)
            return
        self._refused_feedback(exc.title, str(exc), raw)
        if isinstance(exc, PartnerNotAuthorized):
            self.load_order()  # the header says so from now on
        elif self.shipment_id is None:
            self._reload_timer.start()  # a shipment may have been started all the same

    def _reload_after_scans(self) -> None:
        self.refresh()

    def open_by_number(self, raw: str) -> None:
        text = raw.strip().upper()
        run_task(self, lambda: order_by_scan(text),
                 lambda order_id: self._found_order(text, order_id))

    def _found_order(self, text: str, order_id: int | None) -> None:
        if order_id is None:
            self._refused_feedback("No such order", f"No order {text.removeprefix(']C0')} "
                                   "is in RxDesk. Check the number on the pick list.")
            return
        self.log_model.add("info", "Order", text.removeprefix("]C0"))
        row = self.orders.row_of(order_id)
        if order_id != self.order_id:
            self.open_order(order_id)
        else:
            self.load_order(opened=True)  # scanned again: read it afresh
        if row >= 0:
            select_rows(self.order_list, [row])
        else:
            self.order_list.clearSelection()

    # -- feedback ----------------------------------------------------------------------
    def _refused_feedback(self, headline: str, text: str, raw: str = "") -> None:
        self._feedback("bad", headline, text)
        self.log_model.add("bad", "Refused", text if not raw else f"{text} [{_shown(raw)}]")
        self._sound(False)

    # -- cartons -----------------------------------------------------------------------
    def _carton_clicked(self, index) -> None:
        carton = index.data(ROW_ROLE)
        if carton is not None and self.is_packable():
            self.current_carton = carton.sscc
            self.cartons_model.set_current(carton.sscc)
            self._feedback("info", f"Packing into carton {carton.seq}",
                           f"SSCC {carton.sscc}: the next scans go into it.")
        self.cartons_table.clearSelection()
        self.refocus()

    def new_carton(self) -> None:
        self.refocus()
        if not self._can_pack("No new carton"):
            return
        actor, order_id, shipment_id = self.actor, self.order_id, self.shipment_id
        generation = self._generation

        def job():
            sid = shipment_id or shipping.start_packing(actor, order_id)
            return sid, shipping.new_carton(actor, sid)
        run_task(self, job, lambda result: self._carton_opened(generation, result),
                 lambda exc: self._action_failed(generation, exc))

    def _carton_opened(self, generation: int, result: tuple[int, str]) -> None:
        if generation != self._generation:
            return
        self.shipment_id, sscc = result
        self.cartons_model.add_units(sscc, 0)
        self.current_carton = sscc
        self.cartons_model.set_current(sscc)
        seq = self.cartons_model.rows[self.cartons_model.row_of(sscc)].seq
        self._feedback("info", f"New carton {seq}", f"SSCC {sscc}: the next scans go into it.")
        self.log_model.add("info", "New carton", f"Carton {seq} · SSCC {sscc}")
        self._show_view()
        self._reload_timer.start()

    # -- taking out and shipping -------------------------------------------------------
    def remove_package(self) -> None:
        self.refocus()
        if not self.may_remove:
            self._refused_feedback(
                "Not allowed", f"Taking a package out of a carton needs a supervisor "
                f"(owner or admin); {self.actor.username} is signed in as "
                f"{self.actor.role.label.lower()}. Set the package aside and call them.")
            return
        if not self._can_pack("Nothing taken out"):
            return
        if self.shipment_id is None or not any(r.packed for r in self.lines_model.rows):
            self._refused_feedback("Nothing taken out", "Nothing is packed yet.")
            return
        dialog = RemovePackageDialog(self.actor, self.shipment_id, self.view.shipment_number
                                     or "the shipment", self)
        self.dialog = dialog
        generation = self._generation
        dialog.accepted.connect(lambda: self._removed(generation, dialog.result_value))
        dialog.finished.connect(lambda _code: self._dialog_closed())
        dialog.open()

    def _removed(self, generation: int, unit: PackedUnit) -> None:
        if generation != self._generation:
            return
        what = f"{unit.product} · lot {unit.lot}" + (f" · serial {unit.serial}" if unit.serial
                                                     else f" · {unit.quantity:,} units")
        self._feedback("info", "Taken out", f"{what} is back in its bin. Scan the "
                       "replacement.")
        self.log_model.add("info", "Taken out", what)
        self.changed.emit({AREA, "stock"})  # this screen reloads too (areas)

    def ship(self) -> None:
        self.refocus()
        if not self._can_pack("Not shipped"):
            return
        packed = sum(r.packed for r in self.lines_model.rows)
        if self.shipment_id is None or not packed:
            self._refused_feedback("Not shipped", "Nothing is packed yet: scan the packages "
                                   "first.")
            return
        left = sum(remaining_of(r) for r in self.lines_model.rows)
        order = self.view.detail.order
        cartons = sum(1 for c in self.cartons_model.rows if c.units)
        text = (f"Ship {self.view.shipment_number} to {order.customer}: "
                f"{units_phrase(packed, 'unit')} in {units_phrase(cartons, 'carton')}.")
        if left:
            text += (f"\n\n{units_phrase(left, 'unit')} not packed: they go on a backorder "
                     "for later.")
        text += "\n\nThe stock leaves the warehouse and the DSCSA record is written; this " \
                "cannot be undone."
        box = QMessageBox(QMessageBox.Icon.Question, "Ship", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("rxdeskMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Yes).setText("&Ship")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        generation, shipment_id = self._generation, self.shipment_id
        box.accepted.connect(lambda: self._ship(generation, shipment_id))
        box.finished.connect(lambda _code: self._dialog_closed())
        self.dialog = box
        box.open()

    def _ship(self, generation: int, shipment_id: int) -> None:
        actor = self.actor
        run_task(self, lambda: shipping.ship(actor, shipment_id),
                 lambda result: self._shipped(generation, result),
                 lambda exc: self._action_failed(generation, exc))

    def _shipped(self, generation: int, result: ShipResult) -> None:
        self.last_ship = result
        back = (f" The rest is on backorder SO-{result.backorder_id:06d}."
                if result.backorder_id else "")
        if generation == self._generation:  # still the order on screen
            self._feedback("ok", f"Shipped {result.number}",
                           f"{units_phrase(result.units, 'unit')} in "
                           f"{units_phrase(len(result.cartons), 'carton')}; DSCSA record "
                           f"written.{back} Print labels {KEY_LABELS}, packing slip "
                           f"{KEY_SLIP}, T3 {KEY_T3}.")
        self.log_model.add("ok", "Shipped", f"{result.number}: "
                           f"{units_phrase(result.units, 'unit')}" + back)
        self._sound(True)
        self.changed.emit({AREA, "stock", "sales"})  # this screen reloads too (areas)

    # -- documents ---------------------------------------------------------------------
    def _print(self, what: str, enabled: bool, why: str, title: str, file_name: str,
               render: Callable[[Path], int]) -> None:
        self.refocus()
        if not enabled:
            self._refused_feedback(f"No {what}", why)
            return
        show_pdf(self, title, file_name, render, self._pdf_ready)

    def _pdf_ready(self, dialog: PdfDocumentDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _code: self._dialog_closed())

    def print_pick_list(self) -> None:
        order = self.view.detail.order if self.view else None
        self._print("pick list", self.pick_list_button.isEnabled(),
                    "Open an order with stock still reserved first.",
                    f"Pick list {order.number if order else ''}",
                    f"pick-list-{order.number if order else ''}.pdf",
                    _render(build_pick_list, render_pick_list, self.order_id or 0))

    def print_labels(self) -> None:
        view = self.view
        self._print("labels", self.labels_button.isEnabled(),
                    "There are no cartons yet: pack something first.",
                    f"Carton labels {view.shipment_number if view else ''}",
                    f"labels-{view.shipment_number if view else ''}.pdf",
                    _render(build_sscc_labels, render_sscc_labels,
                            view.shipment_id if view else 0))

    def save_zpl(self) -> None:
        """The carton labels as ZPL in a file the Zebra printer's driver or utility
        sends as it is (the PDF labels print on any printer)."""
        self.refocus()
        view = self.view
        if view is None or not self.zpl_button.isEnabled():
            self._refused_feedback("No labels", "There are no cartons yet: pack something "
                                   "first.")
            return
        start = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        target, _filter = QFileDialog.getSaveFileName(
            self, "Save labels for a Zebra printer",
            str(start / f"labels-{view.shipment_number}.zpl"), "ZPL labels (*.zpl)")
        if not target:
            return
        path = Path(target) if target.lower().endswith(".zpl") else Path(target + ".zpl")
        run_task(self, lambda: write_zpl_labels(view.shipment_id, path),
                 lambda cartons: self._feedback(
                     "ok", "Labels saved", f"{cartons} ZPL label(s) for "
                     f"{view.shipment_number} in {path}."),
                 lambda exc: show_error(self, exc))

    def print_packing_slip(self) -> None:
        view = self.view
        self._print("packing slip", self.slip_button.isEnabled(),
                    "There are no cartons yet: pack something first.",
                    f"Packing slip {view.shipment_number if view else ''}",
                    f"packing-slip-{view.shipment_number if view else ''}.pdf",
                    _render(build_packing_slip, render_packing_slip,
                            view.shipment_id if view else 0))

    def print_t3(self) -> None:
        view = self.view
        self._print("T3", self.t3_button.isEnabled(),
                    "The T3 is printed once the shipment has shipped.",
                    f"T3 {view.shipment_number if view else ''}",
                    f"T3-{view.shipment_number if view else ''}.pdf",
                    _render(build_t3, render_t3, view.shipment_id if view else 0))


def _shown(raw: str) -> str:
    return raw.replace("\x1d", "␝")
