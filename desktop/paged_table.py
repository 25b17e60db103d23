"""A table model that holds one page of rows at a time and asks for the next page
only when the view scrolls near the end (Qt's canFetchMore/fetchMore), so a list of
100,000 products opens as fast as one of ten. Filtering and sorting happen in the
database: the model keeps the current query and starts over when it changes.

Every page is read on the database worker thread (desktop.tasks); a result that
arrives after the query changed again is dropped (`generation`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from desktop.table_models import Column, Row, RowTableModel
from desktop.tasks import run_task, show_error

TONE_ROLE = Qt.ItemDataRole.UserRole + 10  # "ok" | "warn" | "bad" | "" (badge colour)

MAX_COLUMN = 140  # px; a long package text is elided rather than pushing columns away
MIN_MAIN_COLUMN = 300
Page = Callable[[int, int], list]  # (offset, limit) -> rows


@dataclass(frozen=True)
class PagedColumn(Column[Row], Generic[Row]):
    """`order_by` names the database sort for this column ('' = not sortable);
    `tone` gives the badge colour when the column is drawn as a badge."""

    order_by: str = ""
    tone: Callable[[Row], str] | None = None


class PagedTableModel(RowTableModel[Row]):
    page_size = 200

    loaded = Signal()  # a new query's first page (and total) arrived

    def __init__(self, owner: QWidget, parent=None):
        super().__init__(parent)
        self.owner = owner  # shows the busy cursor while a page loads
        self.total = 0
        self.generation = 0
        self.loading = False
        self.started = False
        self.order_by = ""
        self.descending = False

    # Subclasses: a query for the current filter and sort, bound to plain values so
    # it can run on the worker thread.
    def query(self) -> tuple[Callable[[], int], Page]:
        raise NotImplementedError

    def reload(self) -> None:
        self.started = True
        self.generation += 1
        generation, (count, page), size = self.generation, self.query(), self.page_size
        self.loading = True
        run_task(self.owner, lambda: (count(), page(0, size)),
                 lambda result: self._first_page(generation, result, page),
                 lambda exc: self._failed(generation, exc))

    def _first_page(self, generation: int, result: tuple[int, list], page: Page) -> None:
        if generation != self.generation:
            return
        self.loading = False
        self.page = page
        self.total, rows = result
        self.set_rows(rows)
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self.generation:
            self.loading = False
            show_error(self.owner if self.owner.isVisible() else None, exc)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return (not parent.isValid() and self.started and not self.loading
                and len(self.rows) < self.total)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self.loading = True
        generation, page, offset, size = self.generation, self.page, len(self.rows), self.page_size
        run_task(self.owner, lambda: page(offset, size),
                 lambda rows: self._next_page(generation, rows),
                 lambda exc: self._failed(generation, exc))

    def _next_page(self, generation: int, rows: list) -> None:
        if generation != self.generation:
            return
        self.loading = False
        self.append_rows(rows)

    def sortable(self, column: int) -> bool:
        return bool(self.columns[column].order_by)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)) or not self.sortable(column):
            return
        self.order_by = self.columns[column].order_by
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self.started:
            self.reload()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if role == TONE_ROLE and index.isValid():
            column = self.columns[index.column()]
            tone = getattr(column, "tone", None)
            return tone(self.rows[index.row()]) if tone else None
        return super().data(index, role)

    def row_of(self, key: Callable[[Row], bool]) -> int:
        return next((n for n, row in enumerate(self.rows) if key(row)), -1)


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
        self._sort = (-1, Qt.SortOrder.AscendingOrder)
        if sortable:
            header.setSortIndicatorShown(True)
            header.setSectionsClickable(True)
            header.sortIndicatorChanged.connect(self._sort_requested)
        model.loaded.connect(self._first_page_shown)
        self.doubleClicked.connect(lambda _index: self.activated_row.emit())

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.horizontalHeader().setSortIndicator(column, order)

    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        model: PagedTableModel = self.model()
        if not model.sortable(column):
            header = self.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sort)
            header.blockSignals(False)
            return
        self._sort = (column, order)
        model.sort(column, order)

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
