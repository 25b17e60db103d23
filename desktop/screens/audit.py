"""The audit trail: recent entries (newest first, paged) and a chain check."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView,
)

from core.permissions import Permission
from core.queries.audit import AuditRow, ChainCheck, recent_entries, verify_chain
from desktop.screens.base import Screen
from desktop.table_models import SORT_ROLE, AuditTableModel
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import restyle

PAGE = 200


def describe_check(check: ChainCheck) -> str:
    if check.intact:
        return (f"The audit trail is intact: {check.checked} entries checked, "
                "none changed or removed.")
    return (f"The audit trail is broken at entry {check.first_broken}: {check.problem}. "
            f"{check.checked} entries before it are intact.")


class AuditScreen(Screen):
    title = "Audit trail"
    icon_name = "audit"
    summary = "Who did what and when, with a tamper check of the whole trail."
    permission = Permission.VIEW_AUDIT
    # Nearly every change writes an audit entry.
    areas = frozenset({"company", "users", "audit"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        actions = QHBoxLayout()
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.clicked.connect(self.verify)
        self.reload_button = QPushButton("Re&load")
        self.reload_button.clicked.connect(self.refresh)
        actions.addWidget(self.verify_button)
        actions.addWidget(self.reload_button)
        actions.addStretch()
        self.layout_.addLayout(actions)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.check_label.hide()
        self.layout_.addWidget(self.check_label)

        self.model = AuditTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.layout_.addWidget(self.table, 1)

        more = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.more_button = QPushButton("Show &older entries")
        self.more_button.clicked.connect(self.load_more)
        more.addWidget(self.count_label, 1)
        more.addWidget(self.more_button)
        self.layout_.addLayout(more)

    def refresh(self) -> None:
        run_task(self, lambda: recent_entries(PAGE, 0), self._show_first)

    def load_more(self) -> None:
        offset = self.model.rowCount()
        run_task(self, lambda: recent_entries(PAGE, offset), self._show_more)

    def _show_first(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self._after_load(rows)

    def _show_more(self, rows: list[AuditRow]) -> None:
        self.model.append_rows(rows)
        self._after_load(rows)

    def _after_load(self, rows: list[AuditRow]) -> None:
        self.more_button.setEnabled(len(rows) == PAGE)
        self.count_label.setText(f"Showing the newest {self.model.rowCount()} entries.")

    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        run_task(self, verify_chain, self._show_check, self._check_failed)

    def _show_check(self, check: ChainCheck) -> None:
        self.verify_button.setEnabled(True)
        restyle(self.check_label, "okText" if check.intact else "danger")
        self.check_label.setText(describe_check(check))
        self.check_label.show()

    def _check_failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        show_error(self, exc)
