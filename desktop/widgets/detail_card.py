"""The card a list screen shows its selected record in (an invoice, an order, a bill),
and the short tables inside it. One look for every list-and-detail screen, so the
office finds the same thing in the same place: a muted hint until a record is chosen,
then a title row (what the record is, its state as a badge and, on the right, the
figure looked for first: what is open, the total), its facts, its tables."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QTableView, QVBoxLayout,
    QWidget,
)

from desktop.widgets.badges import badge_label


def compact_table(model: QAbstractItemModel, stretch: int, row_height: int | None = None,
                  selectable: bool = True) -> QTableView:
    """A short table inside a card or beside a form (a record's lines, its payments):
    every column fits its contents and `stretch` takes the rest; Tab leaves it rather
    than walking its cells. `selectable=False` for a table that is only read; with
    `row_height` None rows keep the style's height."""
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    if row_height is not None:
        table.verticalHeader().setDefaultSectionSize(row_height)
    if selectable:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    else:
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setHighlightSections(False)
    return table


class DetailCard(QFrame):
    """`placeholder` shows until `set_detail` gets a record; then `body` does, whose
    layout `column` a subclass fills: `add_title_row()` first, then its own rows."""

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.detail: Any = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(6)
        self.placeholder = QLabel(placeholder)
        self.placeholder.setObjectName("muted")
        outer.addWidget(self.placeholder)
        self.body = QWidget()
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(6)
        outer.addWidget(self.body, 1)

    def add_title_row(self) -> tuple[QLabel, QLabel, QLabel]:
        """(title, state badge, right-hand figure), in one row."""
        row = QHBoxLayout()
        row.setSpacing(12)
        title = QLabel()
        title.setObjectName("dialogTitle")
        badge = badge_label()
        aside = QLabel()
        row.addWidget(title)
        row.addWidget(badge)
        row.addStretch()
        row.addWidget(aside)
        self.column.addLayout(row)
        return title, badge, aside

    def add_text(self, muted: bool = False) -> QLabel:
        """A word-wrapped label under what the card holds so far (muted for the facts:
        dates, who did what, what it refers to)."""
        label = QLabel()
        if muted:
            label.setObjectName("muted")
        label.setWordWrap(True)
        self.column.addWidget(label)
        return label

    def set_detail(self, detail: Any) -> bool:
        """Keep `detail` and show the body for it, or the placeholder for None; True
        when there is a record to fill in."""
        self.detail = detail
        self.placeholder.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        return detail is not None
