"""Appending to the hash-chained audit trail, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping

from core.audit_chain import entry_hash
from core.db import database, is_postgres
from core.models import AuditEntry, AuditHead
from core.models.base import utc_now
from core.permissions import Actor

SUMMARY_LIMIT = 2000


def record(actor: Actor, action: str, entity: str, entity_id: object, summary: str = "") -> int:
    """Append one entry; returns its number. Call it last in the service's transaction:
    it locks the chain head until commit, which serialises writers on PostgreSQL."""
    if not database.in_transaction():
        raise RuntimeError("audit.record must run inside the service's transaction")
    head_query = AuditHead.select().where(AuditHead.id == 1)
    head = (head_query.for_update() if is_postgres() else head_query).get()
    seq = head.last_seq + 1
    at = utc_now()
    summary = summary[:SUMMARY_LIMIT]
    entity_id = "" if entity_id is None else str(entity_id)
    digest = entry_hash(seq, at, actor.user_id, actor.username, action, entity, entity_id,
                        summary, head.last_hash)
    values = (seq, at, actor.user_id, actor.username, action, entity, entity_id, summary,
              head.last_hash, digest)
    if is_postgres():  # entry and head in one round trip (every scan ends here)
        database.execute_sql(_PG_APPEND, (seq, AuditEntry.at.db_value(at), *values[2:],
                                          seq, digest))
    else:
        AuditEntry.insert(dict(zip(_ENTRY_FIELDS, values))).execute()
        AuditHead.update(last_seq=seq, last_hash=digest).where(AuditHead.id == 1).execute()
    return seq


_ENTRY_FIELDS = (AuditEntry.id, AuditEntry.at, AuditEntry.user_id, AuditEntry.username,
                 AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id,
                 AuditEntry.summary, AuditEntry.prev_hash, AuditEntry.hash)
_PG_APPEND = (
    "WITH entry AS (INSERT INTO audit_entry (id, at, user_id, username, action, entity, "
    "entity_id, summary, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)) "
    "UPDATE audit_head SET last_seq = %s, last_hash = %s WHERE id = 1")


def describe_changes(before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """'phone: '' -> '555-0100'; state: 'NJ' -> 'NY'' for the fields that changed."""
    parts = []
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            parts.append(f"{key}: {_show(old)} -> {_show(new)}")
    return "; ".join(parts) or "no changes"


def _show(value: object) -> str:
    return "''" if value in (None, "") else repr(value) if isinstance(value, str) else str(value)
