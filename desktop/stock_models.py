"""Table models of the warehouse screens (inventory, locations, counts).

`PagedTableModel` fetches a query page by page as the view scrolls (canFetchMore /
fetchMore), each page on the worker thread, and sorts in the database: with two
million packages no table ever holds more rows than the user has scrolled past.
Small tables (a product's lots, the bins) use `table_models.RowTableModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from core.queries.counts import CountSheetRow
from core.vocab import PackageStatus
from desktop.table_models import ROW_ROLE, SORT_ROLE, Column, RowTableModel
from desktop.tasks import run_task, show_error

PAGE = 200
NO_PARENT = QModelIndex()
EXPIRY_WARNING_DAYS = 90

# Text and background per tone, matching the QLabel#danger / #warning banners.
TONES = {
    "danger": (QColor("#9b1c14"), QColor("#fde8e6")),
    "warning": (QColor("#7a5300"), QColor("#fff4d6")),
    "ok": (QColor("#1e6b30"), None),
    "muted": (QColor("#5b6b7a"), None),
}

Fetch = Callable[[int, int], list]
Count = Callable[[], int]
Source = Callable[[str, bool], tuple[Fetch, Count | None]]


@dataclass(frozen=True)
class StockColumn(Column):
    """A column with an optional tone (colour) per row and a database sort key."""

    tone: Callable[[Any], str | None] | None = None
    sort_key: str = ""
    export: Callable[[Any], Any] | None = None  # the value written to CSV/XLSX


def expiry_tone(expiry: date | None, today: date | None = None) -> str | None:
    if expiry is None:
        return None
    today = today or date.today()
    if expiry < today:
        return "danger"
    if (expiry - today).days <= EXPIRY_WARNING_DAYS:
        return "warning"
    return None


def status_label(status: str) -> str:
    try:
        return PackageStatus(status).label
    except ValueError:
        return status


def status_tone(status: str) -> str | None:
    if status in ("suspect", "recalled", "missing", "destroyed"):
        return "danger"
    if status in ("quarantined", "returned", "allocated"):
        return "warning"
    return None


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def _tone_data(column, row, role):
    if not isinstance(column, StockColumn) or column.tone is None:
        return None
    tone = column.tone(row)
    if tone is None:
        return None
    foreground, background = TONES[tone]
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(foreground)
    return QBrush(background) if background is not None else None


class ToneTableModel(RowTableModel):
    """RowTableModel plus per-cell tones."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role in (Qt.ItemDataRole.ForegroundRole,
                                        Qt.ItemDataRole.BackgroundRole):
            return _tone_data(self.columns[index.column()], self.rows[index.row()], role)
        return super().data(index, role)


class PagedTableModel(QAbstractTableModel):
    """Rows of a paged query, fetched on demand. `set_source(source)` gives a
    function (sort_key, descending) -> (fetch(offset, limit), count() or None)."""

    columns: Sequence[StockColumn] = ()
    page_loaded = Signal()
    default_sort = ""

    def __init__(self, owner: QWidget, parent=None):
        super().__init__(parent)
        self.owner = owner  # the widget that shows the busy cursor
        self.rows: list = []
        self.total: int | None = None
        self.exhausted = True
        self.loading = False
        self.sort_key, self.descending = self.default_sort, False
        self._source: Source | None = None
        self._fetch: Fetch | None = None
        self._count: Count | None = None
        self._generation = 0

    # -- the query ---------------------------------------------------------------
    def set_source(self, source: Source | None, load: bool = True) -> None:
        self._source = source
        self._fetch, self._count = source(self.sort_key, self.descending) if source else (None, None)
        if load:
            self.reload()

    def reload(self) -> None:
        self._reset([], None, self._fetch is None)
        if self._fetch is not None:
            self._load_page(with_count=True)

    def clear(self) -> None:
        self.set_source(None)

    def set_loaded(self, rows: list, total: int | None, exhausted: bool) -> None:
        """Rows already fetched by the caller (e.g. pages up to a scanned package)."""
        self._reset(rows, total, exhausted)

    def _reset(self, rows: list, total: int | None, exhausted: bool) -> None:
        self._generation += 1
        self.loading = False
        self.beginResetModel()
        self.rows, self.total, self.exhausted = list(rows), total, exhausted
        self.endResetModel()

    def pages_until(self, found: Callable[[Any], bool], max_pages: int = 100
                    ) -> tuple[list, bool, bool]:
        """Worker thread: fetch pages until a row satisfies `found`; (rows, found, exhausted)."""
        fetch, rows = self._fetch, []
        if fetch is None:
            return rows, False, True
        for _ in range(max_pages):
            page = fetch(len(rows), PAGE)
            rows.extend(page)
            if any(found(r) for r in page):
                return rows, True, len(page) < PAGE
            if len(page) < PAGE:
                return rows, False, True
        return rows, False, False

    def all_rows(self) -> Iterator:
        """Worker thread: every row of the current query, page by page (for export)."""
        fetch, offset = self._fetch, 0
        if fetch is None:
            return
        while True:
            page = fetch(offset, PAGE)
            yield from page
            if len(page) < PAGE:
                return
            offset += len(page)

    def export_rows(self) -> tuple[list[str], Callable[[], Iterator[list]]]:
        """Header and a worker-thread generator of typed cells over the full query."""
        columns = list(self.columns)
        headers = [c.title for c in columns]

        def rows() -> Iterator[list]:
            for row in self.all_rows():
                yield [export_value(c, row) for c in columns]
        return headers, rows

    # -- lazy loading --------------------------------------------------------------
    def canFetchMore(self, parent=NO_PARENT) -> bool:
        return (not parent.isValid() and self._fetch is not None and not self.exhausted
                and not self.loading)

    def fetchMore(self, parent=NO_PARENT) -> None:
        if self.canFetchMore(parent):
            self._load_page(with_count=False)

    def _load_page(self, with_count: bool) -> None:
        generation, offset = self._generation, len(self.rows)
        fetch, count = self._fetch, (self._count if with_count else None)
        self.loading = True
        run_task(self.owner, lambda: (fetch(offset, PAGE), count() if count else None),
                 lambda result: self._arrived(generation, offset, result),
                 lambda exc: self._failed(generation, exc))

    def _arrived(self, generation: int, offset: int, result) -> None:
        if generation != self._generation or offset != len(self.rows):
            return
        page, total = result
        self.loading = False
        if total is not None:
            self.total = total
        self.exhausted = len(page) < PAGE
        if page:
            self.beginInsertRows(QModelIndex(), offset, offset + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        self.page_loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading, self.exhausted = False, True
        show_error(self.owner if self.owner.isVisible() else None, exc)

    # -- sorting in the database ------------------------------------------------
    def sortable(self, column: int) -> bool:
        return bool(self.columns[column].sort_key)

    def sort_column(self) -> int:
        for number, column in enumerate(self.columns):
            if column.sort_key == self.sort_key:
                return number
        return 0

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not self.sortable(column):
            return
        key = self.columns[column].sort_key
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self.rows:
            return
        self.sort_key, self.descending = key, descending
        if self._source is not None:
            self.set_source(self._source)

    # -- the table -------------------------------------------------------------------
    def row_at(self, row: int):
        return self.rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.display(row)  # the tooltip shows an elided name in full
        if role == SORT_ROLE:
            return (column.sort or column.display)(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            return _tone_data(column, row, role)
        return None


def export_value(column: Column, row):
    """A number or date stays typed (for XLSX); everything else is the shown text."""
    if isinstance(column, StockColumn) and column.export is not None:
        return column.export(row)
    if column.sort is not None:
        value = column.sort(row)
        if isinstance(value, int | date) and not isinstance(value, bool):
            return value
    return column.display(row)


def keep_sort_indicator_on_sortable(view: QTableView, model: PagedTableModel) -> None:
    """Clicking a column the database cannot sort by leaves the indicator where it was."""
    header: QHeaderView = view.horizontalHeader()
    order = Qt.SortOrder.DescendingOrder if model.descending else Qt.SortOrder.AscendingOrder

    def changed(column: int, new_order) -> None:
        if not model.sortable(column):
            header.blockSignals(True)
            header.setSortIndicator(model.sort_column(), Qt.SortOrder.DescendingOrder
                                    if model.descending else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)

    header.setSortIndicator(model.sort_column(), order)
    header.sortIndicatorChanged.connect(changed)


def _int(attr: str) -> StockColumn:
    return StockColumn(attr.replace("_", " ").capitalize(), lambda r: f"{getattr(r, attr):,}",
                       lambda r: getattr(r, attr), align_right=True)


class ProductStockModel(PagedTableModel):
    default_sort = "name"
    columns = (
        StockColumn("NDC", lambda p: p.ndc, sort_key="ndc"),
        StockColumn("Product", lambda p: p.name, sort_key="name"),
        StockColumn("Available", lambda p: f"{p.saleable:,}", lambda p: p.saleable,
                    align_right=True, sort_key="saleable"),
        StockColumn("Allocated", lambda p: f"{p.allocated:,}", lambda p: p.allocated,
                    align_right=True),
        StockColumn("On hold", lambda p: f"{p.held:,}" if p.held else "", lambda p: p.held,
                    align_right=True, tone=lambda p: "warning" if p.held else None),
        StockColumn("Total", lambda p: f"{p.total:,}", lambda p: p.total, align_right=True,
                    sort_key="total"),
        StockColumn("Lots", lambda p: str(p.lots), lambda p: p.lots, align_right=True),
        StockColumn("Nearest expiry", lambda p: fmt_date(p.nearest_expiry),
                    lambda p: p.nearest_expiry, tone=lambda p: expiry_tone(p.nearest_expiry),
                    sort_key="expiry"),
    )

    def row_of(self, product_id: int) -> int:
        return next((n for n, p in enumerate(self.rows) if p.product_id == product_id), -1)



class LotStockModel(ToneTableModel):
    columns = (
        StockColumn("Lot", lambda lot: lot.lot_number),
        StockColumn("Expiry", lambda lot: fmt_date(lot.expiry), lambda lot: lot.expiry,
                    tone=lambda lot: expiry_tone(lot.expiry)),
        StockColumn("Location", lambda lot: lot.location),
        StockColumn("Status", lambda lot: status_label(lot.status),
                    tone=lambda lot: status_tone(lot.status)),
        StockColumn("Quantity", lambda lot: f"{lot.quantity:,}", lambda lot: lot.quantity,
                    align_right=True),
    )

    def row_of(self, lot_id: int, location: str = "", status: str = "") -> int:
        best = -1
        for n, lot in enumerate(self.rows):
            if lot.lot_id != lot_id:
                continue
            if (not location or lot.location == location) and (not status or lot.status == status):
                return n
            best = n if best < 0 else best
        return best



class PackageStockModel(PagedTableModel):
    columns = (
        StockColumn("Serial", lambda p: p.serial),
        StockColumn("Status", lambda p: status_label(p.status),
                    tone=lambda p: status_tone(p.status)),
        StockColumn("Location", lambda p: p.location),
        StockColumn("Case SSCC", lambda p: p.case_sscc),
    )

    def row_of(self, package_id: int) -> int:
        return next((n for n, p in enumerate(self.rows) if p.package_id == package_id), -1)



class LocationsModel(ToneTableModel):
    columns = (
        StockColumn("Code", lambda loc: loc.code),
        StockColumn("Name", lambda loc: loc.name),
        StockColumn("Kind", lambda loc: loc.kind.label),
        StockColumn("Zone", lambda loc: loc.zone),
        StockColumn("Aisle", lambda loc: loc.aisle),
        # Sorting by it walks the bins in pick order, then the system areas.
        StockColumn("Pick sequence", lambda loc: str(loc.pick_sequence),
                    lambda loc: (0 if loc.kind.value == "bin" else 1_000_000_000)
                    + loc.pick_sequence, align_right=True,
                    export=lambda loc: loc.pick_sequence),
        StockColumn("Storage", lambda loc: loc.storage.label),
        StockColumn("Units", lambda loc: f"{loc.units:,}", lambda loc: loc.units,
                    align_right=True),
        StockColumn("Active", lambda loc: "Yes" if loc.active else "No",
                    tone=lambda loc: None if loc.active else "muted"),
    )

    def row_of(self, code: str) -> int:
        return next((n for n, loc in enumerate(self.rows) if loc.code == code), -1)



def _scope(sheet: CountSheetRow) -> str:
    return f"Bin {sheet.location}" if sheet.location else f"{sheet.product} ({sheet.ndc})"


class CountSheetsModel(ToneTableModel):
    columns = (
        StockColumn("No.", lambda s: str(s.id), lambda s: s.id, align_right=True),
        StockColumn("Counting", _scope),
        StockColumn("Status", lambda s: s.status.capitalize(),
                    tone=lambda s: "warning" if s.status == "open" else "muted"),
    )

    def row_of(self, sheet_id: int) -> int:
        return next((n for n, s in enumerate(self.rows) if s.id == sheet_id), -1)


VARIANCE_TONES = {"Missing": "danger", "Exception": "danger", "Misplaced": "warning",
                  "Found": "ok", "Quantity": "warning"}


class VarianceModel(ToneTableModel):
    columns = (
        StockColumn("Variance", lambda v: v.kind, tone=lambda v: VARIANCE_TONES.get(v.kind)),
        StockColumn("Product", lambda v: v.product or v.details),
        StockColumn("Lot", lambda v: v.lot),
        StockColumn("Serial", lambda v: v.serial),
        StockColumn("Recorded", lambda v: v.recorded_at),
        StockColumn("Counted", lambda v: v.counted_at),
        StockColumn("Change", lambda v: f"{v.change:+,}" if v.change else "",
                    lambda v: v.change, align_right=True),
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return self.rows[index.row()].details  # what approval will do
        return super().data(index, role)

