"""Inventory: stock on hand by product -> lot at a location -> package.

Every level is read in the database (filtered, sorted, paged) on the worker thread.
A scan anywhere on the screen jumps to the scanned package (or lot, or product);
packages picked in the bottom table can be transferred, quarantined, released or
written off, each button enabled only for roles that may do it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMenu, QPushButton, QSpinBox, QSplitter, QTableView, QToolButton, QVBoxLayout,
    QWidget,
)

from core import settings
from core.errors import RxDeskError
from core.permissions import Permission
from core.queries.inventory import HELD, InventoryFilter
from core.queries.locations import LocationRow, list_locations
from core.queries.lookup import ScanMatch, lookup_scan
from core.scanning import Scan, ScanError, parse_scan
from core.vocab import PackageStatus
from desktop.export import FORMATS, write_table
from desktop.screens.base import Screen
from desktop.paged_table import PagedTableModel, pages_until, sort_in_database
from desktop.stock_dialogs import (
    QuarantineDialog, ReleaseDialog, StockDialog, TransferDialog, WriteOffDialog,
)
from desktop.stock_models import (
    LotStockModel, PackageStockModel, ProductStockModel, status_label,
)
from desktop.table_models import ROW_ROLE
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import restyle
from desktop.widgets.scan_input import ScanField, WedgeCatcher

STATUS_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("All statuses", ()),
    ("Available", (PackageStatus.SALEABLE.value,)),
    ("On hold", HELD),
    ("Allocated", (PackageStatus.ALLOCATED.value,)),
    ("Quarantined", (PackageStatus.QUARANTINED.value,)),
    ("Suspect", (PackageStatus.SUSPECT.value,)),
    ("Recalled", (PackageStatus.RECALLED.value,)),
    ("Returned", (PackageStatus.RETURNED.value,)),
)
IN_STOCK = {PackageStatus.SALEABLE.value, PackageStatus.ALLOCATED.value, *HELD}


@dataclass(frozen=True)
class Target:
    """A row to show after a reload or a scan."""

    product_id: int
    lot_id: int | None = None
    location: str = ""
    status: str = ""
    package_ids: tuple[int, ...] = ()


@dataclass
class Located:
    """The rows of each level up to the target, read in one worker task; the models
    take them as their first pages and page on from there."""

    target: Target | None
    products: list
    product_total: int
    products_exhausted: bool
    lots: list = field(default_factory=list)
    lot_total: int = 0
    lots_exhausted: bool = True
    lot_row: int = -1
    packages: list = field(default_factory=list)
    package_total: int = 0
    packages_exhausted: bool = True
    match: ScanMatch | None = None


def _lot_matches(lot, target: Target) -> bool:
    return lot.lot_id == target.lot_id and (
        not target.location or lot.location == target.location) and (
        not target.status or lot.status == target.status)


def _lot_row(lots: Sequence, target: Target) -> int:
    """The target's lot row: the exact location and status, else the lot's first row."""
    rows = [n for n, lot in enumerate(lots) if lot.lot_id == target.lot_id]
    return next((n for n in rows if _lot_matches(lots[n], target)), rows[0] if rows else -1)


def _reached_lot(target: Target) -> Callable[[object], bool]:
    """True at the target's exact lot row, or at the first row after that lot's rows
    (FEFO keeps a lot's rows together), so paging stops either way."""
    seen = False

    def reached(lot) -> bool:
        nonlocal seen
        if lot.lot_id == target.lot_id:
            seen = True
            return _lot_matches(lot, target)
        return seen
    return reached


def locate(flt: InventoryFilter, order_by: str, descending: bool, target: Target | None,
           match: ScanMatch | None = None, size: int = PagedTableModel.page_size) -> Located:
    """Worker thread: the product pages up to `target`, its lot pages up to the target
    lot row and that row's packages up to the target package."""
    count, page = ProductStockModel.pages(flt, order_by, descending)
    want = target.product_id if target else None
    if want is None:
        rows = page(0, size)
        exhausted = len(rows) < size
    else:
        rows, exhausted = pages_until(page, lambda p: p.product_id == want, size)
    result = Located(target, rows, count(), exhausted, match=match)
    if target is None or not any(p.product_id == want for p in rows):
        return result
    count, page = LotStockModel.pages(target.product_id, flt)
    if target.lot_id is None:
        result.lots = page(0, size)
        result.lots_exhausted = len(result.lots) < size
    else:
        result.lots, result.lots_exhausted = pages_until(page, _reached_lot(target), size)
    result.lot_total = count()
    result.lot_row = _lot_row(result.lots, target) if target.lot_id is not None else -1
    if result.lot_row < 0:
        return result
    lot = result.lots[result.lot_row]
    count, page = PackageStockModel.pages(lot.lot_id, lot.location_id, flt.statuses)
    wanted = set(target.package_ids)
    result.packages, result.packages_exhausted = pages_until(
        page, lambda p: p.package_id in wanted, size)
    result.package_total = count()
    return result


def configure_table(table: QTableView, multi: bool = False, stretch: int | None = None) -> None:
    """Rows selected whole, keyboard-friendly; with `stretch`, that column takes the
    spare width and the others fit their contents (the rows loaded so far)."""
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    table.setTabKeyNavigation(False)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    if stretch is None:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        return
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # Rows arriving page by page do not re-fit the columns by themselves.
    model = table.model()
    refit = QTimer(table)
    refit.setSingleShot(True)
    refit.setInterval(0)
    refit.timeout.connect(header.resizeSections)
    model.rowsInserted.connect(lambda *_: refit.start())
    model.modelReset.connect(refit.start)


def titled(title: str, widget: QWidget, extra: QWidget | None = None) -> tuple[QWidget, QLabel]:
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    row = QHBoxLayout()
    label = QLabel(title)
    label.setObjectName("sectionTitle")
    row.addWidget(label)
    row.addStretch()
    note = QLabel()
    note.setObjectName("muted")
    row.addWidget(note)
    column.addLayout(row)
    column.addWidget(widget, 1)
    if extra is not None:
        column.addWidget(extra)
    return box, note


def set_tone(label: QLabel, tone: str) -> None:
    restyle(label, {"danger": "danger", "warning": "warning", "ok": "okBanner"}[tone])


class InventoryScreen(Screen):
    title = "Inventory"
    icon_name = "inventory"
    summary = "Stock by product, lot and package: search or scan, export, move and quarantine."
    areas = frozenset({"stock", "products", "locations"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.locations: list[LocationRow] = []
        self.dialog: StockDialog | None = None
        self._applying = False
        self._query_generation = 0
        self._follow: tuple[str, str] | None = None
        self.last_export: tuple[str, int] | None = None

        self._build_filters()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        self.layout_.addWidget(self.banner)
        self._build_tables()
        self.catcher = WedgeCatcher(self, self.scan_field)
        self.scan_field.scanned.connect(self.scan)
        QShortcut(QKeySequence("Ctrl+F"), self, self._focus_search)
        QShortcut(QKeySequence("F2"), self, self.scan_field.setFocus)
        self._update_actions()

    # -- layout --------------------------------------------------------------------
    def _build_filters(self) -> None:
        scan_row = QHBoxLayout()
        scan_label = QLabel("S&can")
        self.scan_field = ScanField()
        scan_label.setBuddy(self.scan_field)
        self.scan_field.setToolTip("Scan a package, case or product barcode anywhere on this "
                                   "screen to jump to it (F2)")
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan_field, 2)
        scan_row.addSpacing(16)
        search_label = QLabel("&Search")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Name, NDC/GTIN digits, lot or serial  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        search_label.setBuddy(self.search_edit)
        scan_row.addWidget(search_label)
        scan_row.addWidget(self.search_edit, 3)
        self.layout_.addLayout(scan_row)

        filters = QHBoxLayout()
        self.status_combo = QComboBox()
        for label, statuses in STATUS_FILTERS:
            self.status_combo.addItem(label, statuses)
        self.location_combo = QComboBox()
        self.location_combo.addItem("All locations", None)
        self.location_combo.setMinimumContentsLength(14)
        self.expiring_check = QCheckBox("E&xpiring within")
        self.expiring_spin = QSpinBox()
        self.expiring_spin.setRange(1, 3650)
        self.expiring_spin.setValue(90)
        self.expiring_spin.setSuffix(" days")
        self.expiring_spin.setEnabled(False)
        self.expired_check = QCheckBox("Expire&d")
        status_label_ = QLabel("Sta&tus")
        status_label_.setBuddy(self.status_combo)
        location_label = QLabel("&Location")
        location_label.setBuddy(self.location_combo)
        for widget in (status_label_, self.status_combo, location_label, self.location_combo):
            filters.addWidget(widget)
        filters.addSpacing(8)
        filters.addWidget(self.expiring_check)
        filters.addWidget(self.expiring_spin)
        filters.addSpacing(8)
        filters.addWidget(self.expired_check)
        filters.addStretch()
        self.export_button = QToolButton()
        self.export_button.setText("E&xport")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setObjectName("menuButton")
        menu = QMenu(self.export_button)
        for which, label in (("products", "Product summary"), ("lots", "Lots of the product"),
                             ("packages", "Packages of the lot")):
            for fmt, kind in (("csv", "CSV"), ("xlsx", "Excel")):
                action = menu.addAction(f"{label} as {kind}…")
                action.triggered.connect(lambda _=False, w=which, f=fmt: self.choose_export(w, f))
            menu.addSeparator()
        self.export_button.setMenu(menu)
        filters.addWidget(self.export_button)
        self.layout_.addLayout(filters)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.reload_products)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.reload_products)
        self.status_combo.currentIndexChanged.connect(lambda _i: self.reload_products())
        self.location_combo.currentIndexChanged.connect(lambda _i: self.reload_products())
        self.expiring_check.toggled.connect(self._expiry_filter_changed)
        self.expiring_spin.valueChanged.connect(lambda _v: self._expiry_filter_changed())
        self.expired_check.toggled.connect(self._expiry_filter_changed)

    def _build_tables(self) -> None:
        self.products = ProductStockModel(self)
        self.product_table = QTableView()
        self.product_table.setModel(self.products)
        configure_table(self.product_table, stretch=1)
        sort_in_database(self.product_table)
        counted(self.products, self._products_counted)
        self.product_table.selectionModel().selectionChanged.connect(self._product_selected)

        self.lots = LotStockModel(self)
        self.lot_table = QTableView()
        self.lot_table.setModel(self.lots)
        configure_table(self.lot_table, stretch=2)
        self.lot_table.selectionModel().selectionChanged.connect(self._lot_selected)
        counted(self.lots, self._lots_counted)

        self.packages = PackageStockModel(self)
        self.package_table = QTableView()
        self.package_table.setModel(self.packages)
        configure_table(self.package_table, multi=True, stretch=3)
        self.package_table.selectionModel().selectionChanged.connect(self._update_actions)
        counted(self.packages, self._packages_counted)

        actions = QWidget()
        row = QHBoxLayout(actions)
        row.setContentsMargins(0, 4, 0, 0)
        self.transfer_button = QPushButton("&Transfer…")
        self.quarantine_button = QPushButton("&Quarantine…")
        self.release_button = QPushButton("R&elease…")
        self.write_off_button = QPushButton("&Write off…")
        self.transfer_button.clicked.connect(self.transfer)
        self.quarantine_button.clicked.connect(self.quarantine)
        self.release_button.clicked.connect(self.release)
        self.write_off_button.clicked.connect(self.write_off)
        for button in self.action_buttons():
            row.addWidget(button)
        row.addStretch()

        products_box, self.product_count_label = titled("Products in stock", self.product_table)
        lots_box, self.lot_count_label = titled("Lots and locations", self.lot_table)
        packages_box, self.package_count_label = titled("Packages", self.package_table, actions)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(lots_box)
        bottom.addWidget(packages_box)
        bottom.setSizes([520, 480])
        bottom.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(products_box)
        split.addWidget(bottom)
        split.setSizes([330, 300])
        split.setChildrenCollapsible(False)
        self.layout_.addWidget(split, 1)

    def action_buttons(self) -> tuple[QPushButton, ...]:
        return (self.transfer_button, self.quarantine_button, self.release_button,
                self.write_off_button)

    # -- activation and refresh ----------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.scan_field.setFocus()

    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def refresh(self) -> None:
        run_task(self, lambda: list_locations(True), self._show_locations)
        follow, self._follow = self._follow, None
        if follow is not None:
            gtin, serial = follow
            self._locate(lambda: _target_of(lookup_scan(Scan("", "", gtin=gtin, serial=serial))))
        else:
            target = self.current_target()
            self._locate(lambda: target)

    def _show_locations(self, rows: list[LocationRow]) -> None:
        self.locations = rows
        current = self.location_combo.currentData()
        self.location_combo.blockSignals(True)
        self.location_combo.clear()
        self.location_combo.addItem("All locations", None)
        for loc in rows:
            self.location_combo.addItem(loc.code, loc.id)
        index = self.location_combo.findData(current)
        self.location_combo.setCurrentIndex(max(0, index))
        self.location_combo.blockSignals(False)

    def current_filter(self) -> InventoryFilter:
        expired = self.expired_check.isChecked()
        return InventoryFilter(
            text=self.search_edit.text().strip(),
            statuses=tuple(self.status_combo.currentData() or ()),
            location_id=self.location_combo.currentData(),
            expiring_within_days=(self.expiring_spin.value()
                                  if self.expiring_check.isChecked() and not expired else None),
            expired_only=expired,
            today=date.today())

    def _expiry_filter_changed(self, *_args) -> None:
        self.expiring_spin.setEnabled(self.expiring_check.isChecked()
                                      and not self.expired_check.isChecked())
        self.expiring_check.setEnabled(not self.expired_check.isChecked())
        self.reload_products()

    def reload_products(self) -> None:
        """New filter: page 1 of the products, nothing selected below."""
        self._search_timer.stop()
        self._query_generation += 1
        self.products.flt = self.current_filter()
        self.products.reload()
        self._clear_lots()

    def _locate(self, resolve: Callable[[], Target | None],
                match: ScanMatch | None = None) -> None:
        """Reload everything and select `resolve()`'s rows (run on the worker)."""
        self._search_timer.stop()
        self._query_generation += 1
        generation = self._query_generation
        flt = self.current_filter()
        order_by, desc, size = (self.products.order_by, self.products.descending,
                                self.products.page_size)
        run_task(self, lambda: locate(flt, order_by, desc, resolve(), match, size),
                 lambda found: self._apply(generation, flt, found))

    def _apply(self, generation: int, flt: InventoryFilter, found: Located) -> None:
        if generation != self._query_generation:
            return
        self._applying = True
        try:
            self.products.flt = flt
            self.products.set_loaded(found.products, found.product_total,
                                     found.products_exhausted)
            self._clear_lots()
            target = found.target
            row = self.products.row_of(lambda p: p.product_id == target.product_id) \
                if target else -1
            if row >= 0:
                select_rows(self.product_table, [row])
                self.lots.product_id, self.lots.flt = target.product_id, flt
                self.lots.set_loaded(found.lots, found.lot_total, found.lots_exhausted)
                if found.lot_row >= 0:
                    select_rows(self.lot_table, [found.lot_row])
                    self._show_packages_of(self.lots.row_at(found.lot_row))
                    self.packages.set_loaded(found.packages, found.package_total,
                                             found.packages_exhausted)
                    wanted = set(target.package_ids)
                    select_rows(self.package_table, [n for n, p in enumerate(self.packages.rows)
                                                     if p.package_id in wanted])
        finally:
            self._applying = False
        self._update_actions()
        if found.match is not None:
            self._describe_match(found.match)

    # -- drilling down -------------------------------------------------------------
    def selected_product(self):
        rows = self.product_table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def selected_lot(self):
        rows = self.lot_table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def selected_packages(self) -> list:
        rows = sorted(self.package_table.selectionModel().selectedRows(), key=lambda i: i.row())
        return [index.data(ROW_ROLE) for index in rows]

    def current_target(self) -> Target | None:
        product = self.selected_product()
        if product is None:
            return None
        lot = self.selected_lot()
        return Target(product.product_id, lot.lot_id if lot else None,
                      lot.location if lot else "", lot.status if lot else "",
                      tuple(p.package_id for p in self.selected_packages()))

    def _clear_lots(self) -> None:
        self.lots.clear()
        self.packages.clear()
        self._update_actions()

    def _product_selected(self, *_args) -> None:
        if self._applying:
            return
        self._clear_lots()
        product = self.selected_product()
        if product is None:
            return
        # The lots under the filter the product list was read with.
        self.lots.product_id, self.lots.flt = product.product_id, self.products.flt
        self.lots.reload()

    def _lot_selected(self, *_args) -> None:
        if self._applying:
            return
        lot = self.selected_lot()
        if lot is None:
            self.packages.clear()
        else:
            self._show_packages_of(lot)
            self.packages.reload()
        self._update_actions()

    def _show_packages_of(self, lot) -> None:
        """Point the package table at a lot row, in the statuses the filter allows."""
        self.packages.lot_id, self.packages.location_id = lot.lot_id, lot.location_id
        self.packages.statuses = self.lots.flt.statuses

    def _products_counted(self) -> None:
        total, shown = self.products.total, self.products.rowCount()
        if total is None:
            text = "Loading…" if self.products.loading else ""
        elif total == shown:
            text = f"{total:,} product{'s' if total != 1 else ''}"
        else:
            text = f"{shown:,} of {total:,} products shown – scroll for more"
        self.product_count_label.setText(text)

    def _lots_counted(self) -> None:
        product = self.selected_product()
        total, shown = self.lots.total, self.lots.rowCount()
        if product is None or total is None:
            self.lot_count_label.setText("")
            return
        more = "" if shown == total else f" ({shown:,} shown)"
        self.lot_count_label.setText(
            f"{product.name[:40]} · {total:,} row{'s' if total != 1 else ''}{more}")

    def _packages_counted(self) -> None:
        lot, total, shown = self.selected_lot(), self.packages.total, self.packages.rowCount()
        if lot is None:
            self.package_count_label.setText("")
        elif total == 0 and not self.packages.loading:
            self.package_count_label.setText(f"Lot {lot.lot_number} is not serialized: "
                                             f"{lot.quantity:,} units at {lot.location}")
        elif total is not None:
            more = "" if shown == total else f" ({shown:,} shown)"
            self.package_count_label.setText(f"Lot {lot.lot_number} at {lot.location}: "
                                             f"{total:,} package{'s' if total != 1 else ''}"
                                             f"{more}")
        self._update_actions()

    # -- scanning ------------------------------------------------------------------
    def scan(self, raw: str) -> None:
        try:
            scan = parse_scan(raw, settings.load().gs_replacement)
        except ScanError as exc:
            self.show_banner(str(exc), "danger")
            return
        run_task(self, lambda: lookup_scan(scan), self._scan_matched, self._scan_failed)

    def _scan_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RxDeskError):
            self.show_banner(str(exc), "danger")
        else:
            show_error(self, exc)

    def _scan_matched(self, match: ScanMatch) -> None:
        if match.product_id is None:
            sscc = match.scan.sscc
            self.show_banner(f"Case {sscc} {'is' if match.container_id else 'is not'} in "
                             "RxDesk. Scan a package in it to see its product and lot.",
                             "warning")
            return
        for widget, value in ((self.status_combo, 0), (self.location_combo, 0)):
            widget.blockSignals(True)
            widget.setCurrentIndex(value)
            widget.blockSignals(False)
        for check in (self.expiring_check, self.expired_check):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.expiring_check.setEnabled(True)
        self.expiring_spin.setEnabled(False)
        self.search_edit.blockSignals(True)
        self.search_edit.setText(match.ndc)
        self.search_edit.blockSignals(False)
        target = _target_of(match)
        self._locate(lambda: target, match)

    def _describe_match(self, match: ScanMatch) -> None:
        scan, product = match.scan, f"{match.product_name} ({match.ndc})"
        if scan.serial and match.package_id is None:
            self.show_banner(f"Serial {scan.serial} of {product} is not in RxDesk. Set the "
                             "package aside and check it against the supplier's "
                             "transaction data.", "danger")
        elif match.package_id is not None:
            status = match.package_status
            where = f"at {match.location}" if status in IN_STOCK else f"({match.location})"
            tone = "ok" if status == PackageStatus.SALEABLE.value else "warning"
            note = "" if status in IN_STOCK else " It is no longer in stock."
            self.show_banner(f"Serial {scan.serial} · {product} · lot {scan.lot or '-'} · "
                             f"{status_label(status)} {where}.{note}", tone)
        elif scan.lot and match.lot_id is None:
            self.show_banner(f"Lot {scan.lot} of {product} is not in RxDesk.", "warning")
        elif scan.lot:
            self.show_banner(f"{product} · lot {scan.lot}.", "ok")
        else:
            self.show_banner(f"{product}.", "ok")

    def show_banner(self, text: str, tone: str) -> None:
        set_tone(self.banner, tone)
        self.banner.setText(text)
        self.banner.show()

    # -- actions ---------------------------------------------------------------------
    def _quantity_lot(self):
        """The selected lot row when it is a non-serialized, saleable balance."""
        lot = self.selected_lot()
        if (lot is not None and self.packages.total == 0 and not self.packages.loading
                and lot.status == PackageStatus.SALEABLE.value):
            return lot
        return None

    def _update_actions(self, *_args) -> None:
        packages = self.selected_packages()
        actor = self.actor
        rules = (
            (self.transfer_button, Permission.TRANSFER_STOCK,
             bool(packages) or self._quantity_lot() is not None),
            (self.quarantine_button, Permission.QUARANTINE, bool(packages)),
            (self.release_button, Permission.QUARANTINE, bool(packages) and all(
                p.status in (PackageStatus.QUARANTINED.value, PackageStatus.SUSPECT.value)
                for p in packages)),
            (self.write_off_button, Permission.ADJUST_STOCK, bool(packages)),
        )
        for button, permission, ready in rules:
            allowed = actor is not None and actor.may(permission)
            button.setEnabled(allowed and ready)
            button.setToolTip("" if allowed else
                              f"Your role ({actor.role.label if actor else '-'}) may not "
                              f"{permission.value}.")

    def _keys(self) -> list[tuple[str, str]]:
        product = self.selected_product()
        return [(product.gtin, p.serial) for p in self.selected_packages()] if product else []

    def _open(self, dialog: StockDialog, keys: list[tuple[str, str]]) -> None:
        self.dialog = dialog
        follow = keys[0] if keys else None
        dialog.accepted.connect(lambda: self._after_action(follow))
        dialog.open()

    def _after_action(self, follow: tuple[str, str] | None) -> None:
        self._follow = follow
        self.changed.emit({"stock"})

    def transfer(self) -> None:
        product, keys = self.selected_product(), self._keys()
        if product is None:
            return
        if keys:
            self._open(TransferDialog(self.actor, product.name, keys, self.locations, self), keys)
        elif (lot := self._quantity_lot()) is not None:
            self._open(TransferDialog(self.actor, product.name, [], self.locations, self,
                                      quantity_of=(product.gtin, lot.lot_number, lot.location,
                                                   lot.quantity)), [])

    def quarantine(self) -> None:
        if keys := self._keys():
            self._open(QuarantineDialog(self.actor, self.selected_product().name, keys, self),
                       keys)

    def release(self) -> None:
        if keys := self._keys():
            self._open(ReleaseDialog(self.actor, self.selected_product().name, keys,
                                     self.locations, self), keys)

    def write_off(self) -> None:
        if keys := self._keys():
            self._open(WriteOffDialog(self.actor, self.selected_product().name, keys, self), [])

    # -- export ----------------------------------------------------------------------
    def choose_export(self, which: str, fmt: str) -> None:
        name = f"inventory-{which}-{date.today():%Y-%m-%d}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(self, "Export", name, FORMATS[fmt])
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export(which, path)

    def export(self, which: str, path: str) -> None:
        """Write the whole table `which` (products, lots, packages) to `path`, the
        paged ones page by page on the worker thread."""
        model = {"products": self.products, "lots": self.lots, "packages": self.packages}[which]
        headers, rows = model.export_rows()
        title = {"products": "Inventory", "lots": "Lots", "packages": "Packages"}[which]
        run_task(self, lambda: write_table(path, headers, rows(), title),
                 lambda count: self._exported(path, count), self._export_failed)

    def _exported(self, path: str, count: int) -> None:
        self.last_export = (path, count)
        self.show_banner(f"Exported {count:,} row{'s' if count != 1 else ''} to {path}.", "ok")

    def _export_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RxDeskError):
            self.show_banner(str(exc), "danger")
        else:
            show_error(self, exc)


def _target_of(match: ScanMatch) -> Target | None:
    if match.product_id is None:
        return None
    return Target(match.product_id, match.lot_id, match.location if match.package_id else "",
                  match.package_status if match.package_id else "",
                  (match.package_id,) if match.package_id else ())


def counted(model: PagedTableModel, update: Callable[[], None]) -> None:
    """Call `update` whenever the model's rows or total change."""
    model.loaded.connect(update)
    model.rowsInserted.connect(lambda *_: update())
    model.modelReset.connect(update)


def select_rows(table: QTableView, rows: Sequence[int]) -> None:
    model = table.model()
    selection = QItemSelection()
    for row in rows:
        selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
    table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    if rows:
        table.selectionModel().setCurrentIndex(model.index(rows[0], 0),
                                               QItemSelectionModel.SelectionFlag.NoUpdate)
        table.scrollTo(model.index(rows[0], 0))
