"""How an audit entry's SHA-256 is computed: shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def entry_hash(
    seq: int, at: datetime, user_id: int | None, username: str, action: str,
    entity: str, entity_id: str, summary: str, prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of the entry's content and the previous hash."""
    content = [
        seq, at.astimezone(UTC).isoformat(timespec="microseconds"), user_id, username,
        action, entity, entity_id, summary, prev_hash,
    ]
    payload = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
