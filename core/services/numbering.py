"""Document numbers for append-only records (invoices, payments), which cannot be
numbered from their row id after the insert: one counter row per series, bumped under
the write lock (locked FOR UPDATE on PostgreSQL), so two PCs never take the same number."""

from __future__ import annotations

from core.db import is_postgres
from core.models import Counter


def next_number(prefix: str) -> str:
    """The next number of the series, e.g. INV-000124 (caller holds the transaction)."""
    Counter.insert(name=prefix, last=0).on_conflict_ignore().execute()
    query = Counter.select().where(Counter.name == prefix)
    last = (query.for_update() if is_postgres() else query).get().last + 1
    Counter.update(last=last).where(Counter.name == prefix).execute()
    return f"{prefix}-{last:06d}"
