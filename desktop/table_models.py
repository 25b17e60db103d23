"""Table models, one small class per table (Vorta-style): DisplayRole shows text,
SORT_ROLE holds the raw value (number, time) so sorting is by value, not by its text.
A column's `tone` colours its cell (or its badge, with widgets.badges.BadgeDelegate).
Big tables page through the database: desktop.paged_table.PagedTableModel.

One module rather than a desktop/table_models/ package until pyproject lists that
package for installation (tests/test_architecture.py checks the list)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.queries.audit import AuditRow
from core.queries.users import UserRow
from desktop.widgets.badges import TONE_ROLE, TONES

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

Row = TypeVar("Row")


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    display: Callable[[Row], str]
    sort: Callable[[Row], Any] | None = None
    align_right: bool = False
    tone: Callable[[Row], str | None] | None = None  # a key of badges.TONES, or None
    export: Callable[[Row], Any] | None = None  # the value written to CSV/XLSX


def export_value(column: Column, row) -> Any:
    """A number or date stays typed (for XLSX); everything else is the shown text."""
    if column.export is not None:
        return column.export(row)
    if column.sort is not None:
        value = column.sort(row)
        if isinstance(value, int | date) and not isinstance(value, bool):
            return value
    return column.display(row)


def cell_tone(column: Column, row) -> str | None:
    """An empty cell has no tone (no coloured blank under a badge column)."""
    if column.tone is None or not column.display(row):
        return None
    return column.tone(row)


def tone_data(tone: str | None, role) -> QBrush | None:
    """Text in the tone's colour; warnings and problems also tint the cell."""
    if tone not in TONES:
        return None
    background, _border, text = TONES[tone]
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor(text))
    return QBrush(QColor(background)) if tone in ("warn", "bad") else None


def local_time(value: datetime | None) -> str:
    """Aware UTC from core -> this computer's local time."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def sort_time(value: datetime | None) -> float:
    return value.timestamp() if value else 0.0


class RowTableModel(QAbstractTableModel, Generic[Row]):
    columns: Sequence[Column] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def append_rows(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        start = len(self.rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def row_at(self, row: int) -> Row:
        return self.rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == SORT_ROLE:
            return (column.sort or column.display)(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == TONE_ROLE:
            return cell_tone(column, row)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            return tone_data(cell_tone(column, row), role)
        return None


class UsersTableModel(RowTableModel[UserRow]):
    """The accounts table on the Users screen."""

    columns = (
        Column("User name", lambda u: u.username),
        Column("Full name", lambda u: u.full_name),
        Column("Role", lambda u: u.role.label),
        Column("Status", lambda u: u.status),
        Column("Last sign-in", lambda u: local_time(u.last_login_at),
               lambda u: sort_time(u.last_login_at)),
        Column("Next sign-in", lambda u: "Must change password" if u.must_change_password
               else ""),
    )

    def row_of(self, username: str) -> int:
        for number, user in enumerate(self.rows):
            if user.username == username:
                return number
        return -1


class AuditTableModel(RowTableModel[AuditRow]):
    """Audit trail entries, newest first."""

    columns = (
        Column("No.", lambda e: str(e.id), lambda e: e.id, align_right=True),
        Column("Time", lambda e: local_time(e.at), lambda e: sort_time(e.at)),
        Column("User", lambda e: e.username),
        Column("Action", lambda e: e.action.replace("_", " ")),
        Column("Record", lambda e: f"{e.entity} {e.entity_id}".strip()),
        Column("Details", lambda e: e.summary),
    )
