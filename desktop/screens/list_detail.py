"""What the office's list-and-detail screens share (invoices, sales orders, purchase
orders, supplier bills): a paged list found by a search and a Show filter, with its
count above it; the selected record's detail read off the GUI thread into a card
below, a late answer for an earlier selection dropped; and, after a change made here
or a refresh, the same record selected again so the user keeps their place."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QHeaderView, QLabel, QLayout, QSplitter, QVBoxLayout, QWidget,
)

from desktop.paged_table import PagedTableModel, PagedTableView
from desktop.screens.base import Screen
from desktop.tasks import run_task
from desktop.widgets.badges import restyle
from desktop.widgets.search import SearchEdit

RESULT_STYLES = {"ok": "okBanner", "warn": "warning"}  # any other tone: "danger"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class ListDetailScreen(Screen):
    """A subclass builds its widgets with `_list_table`, `_search_bar` and
    `_list_over`, and says how to read and show one record (`read_detail`,
    `show_detail`); rows are told apart by their `id`."""

    count_noun = "record"  # the count reads "12 invoices" ("12 invoices found" searching)
    changes: frozenset[str] = frozenset()  # the areas a change made here touches
    # Show the placeholder while another record's detail loads, rather than the
    # previous record's detail until the new one arrives.
    blank_while_loading = True
    # When the record to select again is gone from the list (paid off under an Open
    # filter, say), select the first row rather than none.
    first_when_gone = False

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.dialog: QWidget | None = None
        self._select_id: int | None = None  # selected again when the list has loaded
        self._detail_for: int | None = None  # the record whose detail is wanted

    # -- what a screen says ----------------------------------------------------------
    @staticmethod
    def read_detail(key: int) -> Any:
        """Worker thread: one record's detail (a plain function of the id)."""
        raise NotImplementedError

    def show_detail(self, detail: Any) -> None:
        """The detail card shows `detail`, or its placeholder for None."""
        self.detail_panel.show_detail(detail)

    def _update_buttons(self) -> None:
        """Enable what the selected record allows."""

    # -- building --------------------------------------------------------------------
    def _list_table(self, model: PagedTableModel, stretch: int) -> PagedTableView:
        """The paged list. The `stretch` column (a name) takes the spare width rather
        than the last one (an amount)."""
        self.model = model
        self.table = PagedTableView(model, sortable=False, stretch=stretch)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        model.loaded.connect(self._loaded)
        model.rowsInserted.connect(self._update_count)
        return self.table

    def _search_bar(self, placeholder: str, min_width: int, show_combo: QComboBox,
                    *extra: QWidget) -> QHBoxLayout:
        """Find (Down goes into the list), Show (the filter), the count and `extra`;
        the caller adds its buttons on the right."""
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.search_edit = SearchEdit(placeholder)
        self.search_edit.setMinimumWidth(min_width)
        self.search_edit.search.connect(self.search)
        self.search_edit.down.connect(self._into_table)
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.search_edit)
        show_label = QLabel("S&how:")
        show_label.setBuddy(show_combo)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        bar.addWidget(find_label)
        bar.addWidget(self.search_edit, 1)
        for widget in (show_label, show_combo, self.count_label, *extra):
            bar.addWidget(widget)
        bar.addStretch()
        return bar

    def _list_over(self, *below: QLayout | QWidget, stretch: tuple[int, int],
                   sizes: tuple[int, int]) -> None:
        """The list above and `below` stacked under it (the last part, the detail
        card, takes the height), in a splitter neither side collapses."""
        if len(below) == 1 and isinstance(below[0], QWidget):
            lower = below[0]
        else:
            lower = QWidget()
            column = QVBoxLayout(lower)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(8)
            for n, part in enumerate(below):
                if isinstance(part, QLayout):
                    column.addLayout(part)
                else:
                    column.addWidget(part, 1 if n == len(below) - 1 else 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
        splitter.setSizes(list(sizes))
        self.layout_.addWidget(splitter, 1)

    def _result_line(self) -> QLabel:
        """Where the outcome of an action is said (hidden until there is one)."""
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        return self.result_label

    def _show_result(self, tone: str, text: str) -> None:
        restyle(self.result_label, RESULT_STYLES.get(tone, "danger"))
        self.result_label.setText(text)
        self.result_label.show()

    # -- the list --------------------------------------------------------------------
    def refresh(self) -> None:
        self._keep_selection()
        self.model.reload()

    def _keep_selection(self) -> None:
        if self._select_id is None and (row := self.selected()):
            self._select_id = row.id

    def search(self, text: str) -> None:
        self.model.text = text
        self.model.reload()

    def _loaded(self) -> None:
        self._update_count()
        wanted, self._select_id = self._select_id, None
        if wanted is None or not self.table.select_where(lambda r: r.id == wanted):
            if self.model.rowCount() and (wanted is None or self.first_when_gone):
                self.table.selectRow(0)
            else:
                self._selection_changed()
        self._update_buttons()

    def count_text(self) -> str:
        text = plural(self.model.total or 0, self.count_noun)
        return f"{text} found" if self.model.text else text

    def _update_count(self) -> None:
        self.count_label.setText(self.count_text())

    def _into_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> Any:
        return self.table.selected_row()

    # -- the detail ------------------------------------------------------------------
    def _selection_changed(self) -> None:
        row = self.selected()
        if row is None or (self.blank_while_loading and row.id != self._detail_for):
            self.show_detail(None)
        self._detail_for = row.id if row is not None else None
        self._update_buttons()
        if row is not None:
            key, read = row.id, self.read_detail
            run_task(self, lambda: read(key), lambda detail: self._detail_read(key, detail))

    def _detail_read(self, key: int, detail: Any) -> None:
        if key == self._detail_for:  # a later selection wins
            self.show_detail(detail)
            self._update_buttons()

    # -- after a change ----------------------------------------------------------------
    def _changed(self, key: int | None) -> None:
        """Tell the other screens; this one reloads and selects `key` again."""
        self._select_id = key
        self.changed.emit(set(self.changes))

    def _pdf_ready(self, dialog: QWidget) -> None:
        self.dialog = dialog

