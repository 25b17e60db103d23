"""Accounts (administrators only): add, disable/enable, reset password, change role."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView,
)

from core.permissions import Permission
from core.queries.users import UserRow, list_users
from core.services.users import set_active
from desktop.screens.base import Screen
from desktop.table_models import ROW_ROLE, SORT_ROLE, UsersTableModel
from desktop.tasks import run_task
from desktop.user_dialogs import AddUserDialog, ChangeRoleDialog, ResetPasswordDialog


class UsersScreen(Screen):
    title = "Users"
    icon_name = "users"
    summary = "Accounts and roles: add people, disable accounts, reset passwords."
    permission = Permission.MANAGE_USERS
    areas = frozenset({"users"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.model = UsersTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.change_role())

        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add user…")
        self.active_button = QPushButton("&Disable")
        self.reset_button = QPushButton("Reset &password…")
        self.role_button = QPushButton("Change &role…")
        self.add_button.clicked.connect(self.add_user)
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        for button in (self.add_button, self.active_button, self.reset_button,
                       self.role_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.layout_.addLayout(buttons)
        self.layout_.addWidget(self.table, 1)
        self.dialog = None
        self._select_after = ""
        self._update_buttons()

    def refresh(self) -> None:
        run_task(self, list_users, self.show_users)

    def show_users(self, rows: list[UserRow]) -> None:
        keep = self._select_after or (self.selected().username if self.selected() else "")
        self._select_after = ""
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        if keep:
            self.select(keep)
        self._update_buttons()

    def select(self, username: str) -> None:
        row = self.model.row_of(username)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def selected(self) -> UserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.active_button, self.reset_button, self.role_button):
            button.setEnabled(user is not None)
        self.active_button.setText("&Enable" if user and not user.active else "&Disable")

    def _open(self, dialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after(dialog))
        dialog.open()

    def _after(self, dialog) -> None:
        if dialog.result_row is not None:
            self._select_after = dialog.result_row.username
        self.changed.emit({"users"})

    def add_user(self) -> None:
        self._open(AddUserDialog(self.actor, self))

    def reset_password(self) -> None:
        if user := self.selected():
            self._open(ResetPasswordDialog(self.actor, user, self))

    def change_role(self) -> None:
        if user := self.selected():
            self._open(ChangeRoleDialog(self.actor, user, self))

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        actor, username, active = self.actor, user.username, not user.active
        self._select_after = username
        run_task(self, lambda: set_active(actor, username, active),
                 lambda _row: self.changed.emit({"users"}))
