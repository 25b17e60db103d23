"""Export a table to CSV or Excel (XLSX).

Writers take a header and an iterator of rows, so a paged query can stream its full
result (not just the rows a view has loaded) on the worker thread. XLSX keeps
numbers as numbers and dates as dates; CSV writes what the screen shows, in UTF-8
with a BOM so Excel on Windows opens accented names correctly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt

from core.errors import InvalidInput

XLSX_MAX_ROWS = 1_048_576  # Excel's limit, header included
FORMATS = {"csv": "CSV (*.csv)", "xlsx": "Excel workbook (*.xlsx)"}

Cell = str | int | float | Decimal | date | datetime | None


def export_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InvalidInput("path", f"Save as .csv or .xlsx, not '{Path(path).name}'.")
    return suffix


def write_table(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]],
                title: str = "Export") -> int:
    """Write `rows` to `path` (.csv or .xlsx by its suffix); returns the row count."""
    if export_format(path) == "csv":
        return write_csv(path, headers, rows)
    return write_xlsx(path, headers, rows, title)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(path: str | Path, headers: Sequence[str],
              rows: Iterable[Sequence[Cell]]) -> int:
    count = 0
    tmp = Path(path).with_suffix(".csv.part")
    with open(tmp, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_text(v) for v in row])
            count += 1
    tmp.replace(path)
    return count


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]],
               title: str = "Export") -> int:
    """Streamed (write-only) so a million rows never sit in memory as cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    header_cells = []
    for name in headers:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        count += 1
        if count >= XLSX_MAX_ROWS:
            raise InvalidInput("path", f"Excel holds at most {XLSX_MAX_ROWS - 1:,} rows and this "
                               "table has more. Export it as CSV instead.")
        sheet.append([_xlsx_value(v) for v in row])
    tmp = Path(path).with_suffix(".xlsx.part")
    book.save(tmp)
    tmp.replace(path)
    return count


def _xlsx_value(value: Cell):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)  # Excel has no time zones
    return value


def _sheet_title(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return (cleaned or "Export")[:31]


def model_table(model: QAbstractItemModel, raw_role: int | None = None
                ) -> tuple[list[str], list[list[Cell]]]:
    """Snapshot of a model's header and the rows it holds (GUI thread). With
    `raw_role`, a cell whose raw value is a number or date exports as that value."""
    columns = model.columnCount()
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
    rows = []
    for r in range(model.rowCount(QModelIndex())):
        row: list[Cell] = []
        for c in range(columns):
            index = model.index(r, c)
            raw = index.data(raw_role) if raw_role is not None else None
            row.append(raw if _typed(raw) else index.data() or "")
        rows.append(row)
    return headers, rows


def _typed(value) -> bool:
    return isinstance(value, int | float | Decimal | date) and not isinstance(value, bool)
