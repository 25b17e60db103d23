"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.audit_chain import GENESIS_HASH, entry_hash
from core.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    summary: str


def recent_entries(limit: int = 200, offset: int = 0) -> list[AuditRow]:
    query = (AuditEntry.select(AuditEntry.id, AuditEntry.at, AuditEntry.username,
                               AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id,
                               AuditEntry.summary)
             .order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
    return [AuditRow(*row) for row in query.tuples()]


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    first_broken: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify_chain() -> ChainCheck:
    """Recompute every entry's hash in order (streamed, constant memory).

    Finds edited rows (hash mismatch), removed rows (a gap in the numbers or in the
    links) and removed newest rows (the chain head records the last number and hash).
    """
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.user_id, AuditEntry.username,
               AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id,
               AuditEntry.summary, AuditEntry.prev_hash, AuditEntry.hash)
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = AuditEntry.select(*columns).order_by(AuditEntry.id).tuples().iterator()
    for seq, at, user_id, username, action, entity, entity_id, summary, prev, digest in rows:
        if seq != expected_seq:
            return ChainCheck(checked, expected_seq, f"entry {expected_seq} is missing")
        if prev != prev_hash:
            return ChainCheck(checked, seq, f"entry {seq} does not link to entry {seq - 1}: "
                              f"entry {seq - 1} was replaced or entry {seq} was edited")
        recomputed = entry_hash(seq, at, user_id, username, action, entity, entity_id,
                                summary, prev)
        if recomputed != digest:
            return ChainCheck(checked, seq, f"entry {seq} was changed after it was written")
        checked += 1
        prev_hash = digest
        expected_seq += 1
    head = AuditHead.get_or_none(AuditHead.id == 1)
    last = expected_seq - 1
    if head is None:
        return ChainCheck(checked, expected_seq, "the chain head record is missing")
    if head.last_seq != last:
        return ChainCheck(checked, last + 1, f"entries {last + 1} to {head.last_seq} are missing")
    if head.last_hash != prev_hash:
        return ChainCheck(checked, last, f"entry {last} was replaced after it was written")
    return ChainCheck(checked)
