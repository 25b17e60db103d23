"""The accounts table on the Users screen."""

from __future__ import annotations

from core.queries.users import UserRow
from desktop.table_models.base import Column, RowTableModel, local_time, sort_time


class UsersTableModel(RowTableModel[UserRow]):
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
