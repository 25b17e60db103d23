"""Locations: the bins in pick order and the system areas (receiving, quarantine,
pack), with the units in each; a new bin for roles that set up the warehouse."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableView,
)

from core.errors import RxDeskError
from core.permissions import Permission
from core.queries.locations import LocationRow, list_locations
from desktop.export import FORMATS, write_table
from desktop.screens.base import Screen
from desktop.screens.inventory import configure_table, set_tone
from desktop.stock_dialogs import NewBinDialog
from desktop.stock_models import LocationsModel
from desktop.table_models import ROW_ROLE, SORT_ROLE, export_value
from desktop.tasks import run_task, show_error


class LocationsScreen(Screen):
    title = "Locations"
    icon_name = "locations"
    summary = "Bins in pick order and the receiving, quarantine and pack areas."
    areas = frozenset({"locations", "stock"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        actions = QHBoxLayout()
        self.new_button = QPushButton("&New bin…")
        self.new_button.clicked.connect(self.new_bin)
        may = self.actor is not None and self.actor.may(Permission.MANAGE_LOCATIONS)
        self.new_button.setEnabled(may)
        if not may:
            self.new_button.setToolTip(f"Your role may not {Permission.MANAGE_LOCATIONS.value}.")
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by code, zone or aisle")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(280)
        self.export_csv_button = QPushButton("Export C&SV…")
        self.export_xlsx_button = QPushButton("Export E&xcel…")
        self.export_csv_button.clicked.connect(lambda: self.choose_export("csv"))
        self.export_xlsx_button.clicked.connect(lambda: self.choose_export("xlsx"))
        actions.addWidget(self.new_button)
        actions.addSpacing(12)
        actions.addWidget(self.filter_edit)
        actions.addStretch()
        actions.addWidget(self.export_csv_button)
        actions.addWidget(self.export_xlsx_button)
        self.layout_.addLayout(actions)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.layout_.addWidget(self.banner)

        self.model = LocationsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        configure_table(self.table, stretch=1)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
        self.layout_.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.layout_.addWidget(self.count_label)
        self.dialog = None
        self._select_after = ""

    def refresh(self) -> None:
        run_task(self, lambda: list_locations(True), self.show_locations)

    def show_locations(self, rows: list[LocationRow]) -> None:
        keep = self._select_after or (self.selected().code if self.selected() else "")
        self._select_after = ""
        self.model.set_rows(rows)
        bins = sum(1 for r in rows if r.kind.value == "bin")
        units = sum(r.units for r in rows)
        self.count_label.setText(f"{bins} bin{'s' if bins != 1 else ''} and "
                                 f"{len(rows) - bins} system areas · {units:,} units on hand")
        if keep:
            self.select(keep)

    def select(self, code: str) -> None:
        row = self.model.row_of(code)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def selected(self) -> LocationRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def codes(self) -> list[str]:
        return [self.proxy.index(r, 0).data() for r in range(self.proxy.rowCount())]

    def new_bin(self) -> None:
        dialog = NewBinDialog(self.actor, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._added(dialog.result_value))
        dialog.open()

    def _added(self, code: str) -> None:
        self._select_after = code
        self.changed.emit({"locations"})

    def choose_export(self, fmt: str) -> None:
        name = f"locations-{date.today():%Y-%m-%d}.{fmt}"
        path, _ = QFileDialog.getSaveFileName(self, "Export locations", name, FORMATS[fmt])
        if path:
            self.export(path if path.lower().endswith(f".{fmt}") else f"{path}.{fmt}")

    def export(self, path: str) -> None:
        """The rows as shown (filter and sort applied)."""
        columns = self.model.columns
        rows = [[export_value(c, self.proxy.index(r, 0).data(ROW_ROLE)) for c in columns]
                for r in range(self.proxy.rowCount())]
        headers = [c.title for c in columns]
        run_task(self, lambda: write_table(path, headers, rows, "Locations"),
                 self._exported, self._failed)

    def _exported(self, count: int) -> None:
        set_tone(self.banner, "ok")
        self.banner.setText(f"Exported {count} locations.")
        self.banner.show()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, RxDeskError):
            set_tone(self.banner, "danger")
            self.banner.setText(str(exc))
            self.banner.show()
        else:
            show_error(self, exc)
