"""The one table model for big lists: it holds the rows scrolled past so far and asks
for the next page only when the view scrolls near the end (Qt's canFetchMore /
fetchMore), so a list of 100,000 products opens as fast as one of ten. Filtering and
sorting happen in the database: a subclass's `query()` binds the current filter and
sort to plain values, and the model starts over when they change.

Every page is read on the database worker thread (desktop.tasks); a result that
arrives after the query changed again is dropped (`generation`). `export_rows` walks
the whole query for CSV/XLSX and `pages_until` finds a scanned row in it, both on the
worker thread too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.table_models import Column, Row, RowTableModel, export_value
from desktop.tasks import run_task, show_error

MAX_COLUMN = 140  # px; a long package text is elided rather than pushing columns away
MIN_MAIN_COLUMN = 300
MAX_LOCATE_PAGES = 100  # how far `pages_until` reads before it gives up
NO_PARENT = QModelIndex()

Page = Callable[[int, int], list]  # (offset, limit) -> rows
Count = Callable[[], int]


@dataclass(frozen=True)
class PagedColumn(Column[Row], Generic[Row]):
    """`order_by` names the database sort for this column ('' = not sortable)."""

    order_by: str = ""


def pages_until(page: Page, found: Callable[[Any], bool], size: int,
                max_pages: int = MAX_LOCATE_PAGES) -> tuple[list, bool]:
    """Worker thread: read pages until one holds a row satisfying `found` (a scanned
    package, the selected product); (rows, exhausted)."""
    rows: list = []
    for _ in range(max_pages):
        chunk = page(len(rows), size)
        rows.extend(chunk)
        if len(chunk) < size:
            return rows, True
        if any(found(row) for row in chunk):
            return rows, False
    return rows, False


class PagedTableModel(RowTableModel[Row]):
    page_size = 200

    loaded = Signal()  # a new query's first page (and total) is in; later pages insert rows

    def __init__(self, owner: QWidget, parent=None):
        super().__init__(parent)
        self.owner = owner  # shows the busy cursor while a page loads
        self.total: int | None = None
        self.generation = 0
        self.loading = False
        self.started = False
        self.exhausted = True
        self.order_by = ""
        self.descending = False
        self._page: Page | None = None

    # Subclasses: (count, page) for the current filter and sort, bound to plain values
    # so both can run on the worker thread.
    def query(self) -> tuple[Count, Page]:
        raise NotImplementedError

    # -- the query -----------------------------------------------------------------
    def reload(self) -> None:
        """Start over from page one (a new filter or sort, or changed data)."""
        count, page = self.query()
        self._reset([], None, False, page)
        generation, size = self.generation, self.page_size
        self.loading = True
        run_task(self.owner, lambda: (count(), page(0, size)),
                 lambda result: self._first_page(generation, result),
                 lambda exc: self._failed(generation, exc))

    def set_loaded(self, rows: list, total: int, exhausted: bool) -> None:
        """Rows of the current query the caller already read (the pages up to a scanned
        package); scrolling goes on from there."""
        self._reset(rows, total, exhausted, self.query()[1])
        self.loaded.emit()

    def clear(self) -> None:
        """No query: an empty table until the next reload (no lot picked, say)."""
        self._reset([], None, True, None)
        self.started = False

    def _reset(self, rows: list, total: int | None, exhausted: bool, page: Page | None) -> None:
        self.generation += 1
        self.started, self.loading, self._page = page is not None, False, page
        self.total, self.exhausted = total, exhausted
        self.set_rows(rows)

    def _first_page(self, generation: int, result: tuple[int, list]) -> None:
        if generation != self.generation:
            return
        self.loading = False
        self.total, rows = result
        self.exhausted = len(rows) < self.page_size or len(rows) >= self.total
        self.set_rows(rows)
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self.generation:
            self.loading, self.exhausted = False, True
            show_error(self.owner if self.owner.isVisible() else None, exc)

    # -- lazy loading ----------------------------------------------------------------
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> bool:
        return (not parent.isValid() and self.started and not self.loading
                and not self.exhausted)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> None:
        if not self.canFetchMore(parent):
            return
        self.loading = True
        generation, page, offset, size = self.generation, self._page, len(self.rows), \
            self.page_size
        run_task(self.owner, lambda: page(offset, size),
                 lambda rows: self._next_page(generation, offset, rows),
                 lambda exc: self._failed(generation, exc))

    def _next_page(self, generation: int, offset: int, rows: list) -> None:
        if generation != self.generation or offset != len(self.rows):
            return
        self.loading = False
        self.append_rows(rows)
        self.exhausted = len(rows) < self.page_size or (
            self.total is not None and len(self.rows) >= self.total)

    # -- the whole query, on the worker thread -------------------------------------
    def export_rows(self) -> tuple[list[str], Callable[[], Iterator[list]]]:
        """Header and a worker-thread generator of typed cells over the full query
        (not just the rows loaded so far)."""
        columns, page, size = list(self.columns), self._page, self.page_size

        def rows() -> Iterator[list]:
            offset = 0
            while page is not None:
                chunk = page(offset, size)
                for row in chunk:
                    yield [export_value(c, row) for c in columns]
                if len(chunk) < size:
                    return
                offset += len(chunk)
        return [c.title for c in columns], rows

    # -- sorting in the database ---------------------------------------------------
    def sortable(self, column: int) -> bool:
        return 0 <= column < len(self.columns) and bool(
            getattr(self.columns[column], "order_by", ""))

    def sort_column(self) -> int:
        """The column showing the current database sort (-1: none)."""
        return next((n for n, c in enumerate(self.columns)
                     if self.order_by and getattr(c, "order_by", "") == self.order_by), -1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not self.sortable(column):
            return
        order_by = self.columns[column].order_by
        descending = order == Qt.SortOrder.DescendingOrder
        if (order_by, descending) == (self.order_by, self.descending):
            return
        self.order_by, self.descending = order_by, descending
        if self.started:
            self.reload()

    # -- the table -------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            # An elided name shows in full.
            return self.columns[index.column()].display(self.rows[index.row()]) or None
        return super().data(index, role)

    def row_of(self, key: Callable[[Row], bool]) -> int:
        return next((n for n, row in enumerate(self.rows) if key(row)), -1)


def sort_in_database(view: QTableView) -> None:
    """A header click sorts the view's PagedTableModel in the database; clicking a
    column the database cannot sort by leaves the indicator where it was."""
    model: PagedTableModel = view.model()
    header = view.horizontalHeader()

    def order() -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if model.descending else Qt.SortOrder.AscendingOrder

    def requested(column: int, new_order: Qt.SortOrder) -> None:
        if model.sortable(column):
            model.sort(column, new_order)
            return
        header.blockSignals(True)
        header.setSortIndicator(model.sort_column(), order())
        header.blockSignals(False)

    header.setSortIndicatorShown(True)
    header.setSectionsClickable(True)
    header.setSortIndicator(model.sort_column(), order())
    header.sortIndicatorChanged.connect(requested)


class PagedTableView(QTableView):
    """Row-selecting, keyboard-friendly view of a PagedTableModel: Enter activates the
    row (`activated_row`), a header click sorts in the database when the column can."""

    activated_row = Signal()

    def __init__(self, model: PagedTableModel, sortable: bool = True, stretch: int = -1,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(30)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(48)
        self.stretch = stretch  # this column takes the width the others leave
        header.setStretchLastSection(True)
        self._sized = False
        if sortable:
            sort_in_database(self)
        model.loaded.connect(self._first_page_shown)
        self.doubleClicked.connect(lambda _index: self.activated_row.emit())

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.horizontalHeader().setSortIndicator(column, order)

    def _first_page_shown(self) -> None:
        if not self._sized and self.model().rowCount():
            self._sized = True
            self.resizeColumnsToContents()
            others = 0
            for column in range(self.model().columnCount()):
                if column != self.stretch:
                    if not self.model().columns[column].tone:  # badges show in full
                        self.setColumnWidth(column, min(self.columnWidth(column), MAX_COLUMN))
                    others += self.columnWidth(column)
            if self.stretch >= 0:
                # The main column takes what the others leave, but never less than a
                # readable width (then the table scrolls sideways).
                room = self.viewport().width() - others
                wanted = self.columnWidth(self.stretch)
                self.setColumnWidth(self.stretch, max(min(wanted, room), MIN_MAIN_COLUMN))

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit()
            return
        super().keyPressEvent(event)

    def selected_row(self):
        rows = self.selectionModel().selectedRows()
        return self.model().row_at(rows[0].row()) if rows else None

    def select_where(self, key: Callable[[Any], bool]) -> bool:
        row = self.model().row_of(key)
        if row >= 0:
            self.selectRow(row)
            self.scrollTo(self.model().index(row, 0))
        return row >= 0
