"""Table models of the warehouse screens (inventory, locations, counts).

The three inventory levels (products -> lots at a location -> packages) page through
the database as the view scrolls (desktop.paged_table): with two million packages no
table ever holds more rows than the user has scrolled past. The small tables (bins,
count sheets, variances) are plain RowTableModels.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from core.queries.counts import CountSheetRow
from core.queries.inventory import (
    InventoryFilter, count_lot_stock, count_packages, count_product_stock, lot_stock,
    package_stock, product_stock,
)
from core.vocab import PackageStatus
from desktop.paged_table import PagedColumn, PagedTableModel
from desktop.table_models import Column, RowTableModel

EXPIRY_WARNING_DAYS = 90


def expiry_tone(expiry: date | None, today: date | None = None) -> str | None:
    if expiry is None:
        return None
    today = today or date.today()
    if expiry < today:
        return "bad"
    if (expiry - today).days <= EXPIRY_WARNING_DAYS:
        return "warn"
    return None


def status_label(status: str) -> str:
    try:
        return PackageStatus(status).label
    except ValueError:
        return status


def status_tone(status: str) -> str | None:
    if status in ("suspect", "recalled", "missing", "destroyed"):
        return "bad"
    if status in ("quarantined", "returned", "allocated"):
        return "warn"
    return None


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else ""


class ProductStockModel(PagedTableModel):
    """Products with stock matching the screen's filter, sorted in the database."""

    columns = (
        PagedColumn("NDC", lambda p: p.ndc, order_by="ndc"),
        PagedColumn("Product", lambda p: p.name, order_by="name"),
        PagedColumn("Available", lambda p: f"{p.saleable:,}", lambda p: p.saleable,
                    align_right=True, order_by="saleable"),
        PagedColumn("Allocated", lambda p: f"{p.allocated:,}", lambda p: p.allocated,
                    align_right=True),
        PagedColumn("On hold", lambda p: f"{p.held:,}" if p.held else "", lambda p: p.held,
                    align_right=True, tone=lambda p: "warn" if p.held else None),
        PagedColumn("Total", lambda p: f"{p.total:,}", lambda p: p.total, align_right=True,
                    order_by="total"),
        PagedColumn("Lots", lambda p: str(p.lots), lambda p: p.lots, align_right=True),
        PagedColumn("Nearest expiry", lambda p: fmt_date(p.nearest_expiry),
                    lambda p: p.nearest_expiry, tone=lambda p: expiry_tone(p.nearest_expiry),
                    order_by="expiry"),
    )

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.flt = InventoryFilter()
        self.order_by = "name"

    def query(self):
        return self.pages(self.flt, self.order_by, self.descending)

    @staticmethod
    def pages(flt: InventoryFilter, order_by: str, descending: bool):
        return (lambda: count_product_stock(flt),
                lambda offset, limit: product_stock(flt, order_by, descending, offset, limit))


class LotStockModel(PagedTableModel):
    """One product's lots by location and status, FEFO (the order is fixed)."""

    columns = (
        PagedColumn("Lot", lambda lot: lot.lot_number),
        PagedColumn("Expiry", lambda lot: fmt_date(lot.expiry), lambda lot: lot.expiry,
                    tone=lambda lot: expiry_tone(lot.expiry)),
        PagedColumn("Location", lambda lot: lot.location),
        PagedColumn("Status", lambda lot: status_label(lot.status),
                    tone=lambda lot: status_tone(lot.status)),
        PagedColumn("Quantity", lambda lot: f"{lot.quantity:,}", lambda lot: lot.quantity,
                    align_right=True),
    )

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.product_id = 0
        self.flt = InventoryFilter()

    def query(self):
        return self.pages(self.product_id, self.flt)

    @staticmethod
    def pages(product_id: int, flt: InventoryFilter):
        return (lambda: count_lot_stock(product_id, flt),
                lambda offset, limit: lot_stock(product_id, flt, offset, limit))


class PackageStockModel(PagedTableModel):
    """The packages of one lot row, in the statuses the screen's filter allows."""

    columns = (
        PagedColumn("Serial", lambda p: p.serial),
        PagedColumn("Status", lambda p: status_label(p.status),
                    tone=lambda p: status_tone(p.status)),
        PagedColumn("Location", lambda p: p.location),
        PagedColumn("Case SSCC", lambda p: p.case_sscc),
    )

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.lot_id = 0
        self.location_id: int | None = None
        self.statuses: tuple[str, ...] = ()

    def query(self):
        return self.pages(self.lot_id, self.location_id, self.statuses)

    @staticmethod
    def pages(lot_id: int, location_id: int | None, statuses: tuple[str, ...]):
        return (lambda: count_packages(lot_id, location_id, statuses),
                lambda offset, limit: package_stock(lot_id, location_id, offset, limit,
                                                    statuses))


class LocationsModel(RowTableModel):
    columns = (
        Column("Code", lambda loc: loc.code),
        Column("Name", lambda loc: loc.name),
        Column("Kind", lambda loc: loc.kind.label),
        Column("Zone", lambda loc: loc.zone),
        Column("Aisle", lambda loc: loc.aisle),
        # Sorting by it walks the bins in pick order, then the system areas.
        Column("Pick sequence", lambda loc: str(loc.pick_sequence),
               lambda loc: (0 if loc.kind.value == "bin" else 1_000_000_000)
               + loc.pick_sequence, align_right=True,
               export=lambda loc: loc.pick_sequence),
        Column("Storage", lambda loc: loc.storage.label),
        Column("Units", lambda loc: f"{loc.units:,}", lambda loc: loc.units,
               align_right=True),
        Column("Active", lambda loc: "Yes" if loc.active else "No",
               tone=lambda loc: None if loc.active else "muted"),
    )

    def row_of(self, code: str) -> int:
        return next((n for n, loc in enumerate(self.rows) if loc.code == code), -1)


def _scope(sheet: CountSheetRow) -> str:
    return f"Bin {sheet.location}" if sheet.location else f"{sheet.product} ({sheet.ndc})"


SHEET_TONES = {"open": "warn", "cancelled": "bad"}


class CountSheetsModel(RowTableModel):
    columns = (
        Column("No.", lambda s: str(s.id), lambda s: s.id, align_right=True),
        Column("Counting", _scope),
        Column("Status", lambda s: s.status.capitalize(),
               tone=lambda s: SHEET_TONES.get(s.status, "muted")),
    )

    def row_of(self, sheet_id: int) -> int:
        return next((n for n, s in enumerate(self.rows) if s.id == sheet_id), -1)


VARIANCE_TONES = {"Missing": "bad", "Exception": "bad", "Misplaced": "warn",
                  "Found": "ok", "Quantity": "warn"}


class VarianceModel(RowTableModel):
    columns = (
        Column("Variance", lambda v: v.kind, tone=lambda v: VARIANCE_TONES.get(v.kind)),
        Column("Product", lambda v: v.product or v.details),
        Column("Lot", lambda v: v.lot),
        Column("Serial", lambda v: v.serial),
        Column("Recorded", lambda v: v.recorded_at),
        Column("Counted", lambda v: v.counted_at),
        Column("Change", lambda v: f"{v.change:+,}" if v.change else "",
               lambda v: v.change, align_right=True),
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self.rows[index.row()].details  # what approval will do
        return super().data(index, role)
