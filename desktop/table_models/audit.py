"""Audit trail entries, newest first."""

from __future__ import annotations

from core.queries.audit import AuditRow
from desktop.table_models.base import Column, RowTableModel, local_time, sort_time


class AuditTableModel(RowTableModel[AuditRow]):
    columns = (
        Column("No.", lambda e: str(e.id), lambda e: e.id, align_right=True),
        Column("Time", lambda e: local_time(e.at), lambda e: sort_time(e.at)),
        Column("User", lambda e: e.username),
        Column("Action", lambda e: e.action.replace("_", " ")),
        Column("Record", lambda e: f"{e.entity} {e.entity_id}".strip()),
        Column("Details", lambda e: e.summary),
    )
