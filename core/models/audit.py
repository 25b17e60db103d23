"""The hash-chained audit trail (append-only; PostgreSQL enforces it with triggers)."""

import peewee

from core.models.base import BaseModel, UtcDateTimeField


class AuditEntry(BaseModel):
    # Assigned as head.last_seq + 1 under the head's lock, so it is part of the hash
    # and a deleted row leaves a visible gap.
    id = peewee.BigIntegerField(primary_key=True)
    at = UtcDateTimeField()
    user_id = peewee.IntegerField(null=True)
    username = peewee.CharField(max_length=60)
    action = peewee.CharField(max_length=60)
    entity = peewee.CharField(max_length=60)
    entity_id = peewee.CharField(max_length=60, default="")
    summary = peewee.TextField(default="")
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class AuditHead(BaseModel):
    """One row: the newest entry's number and hash. Appenders lock it, so the chain is
    written one entry at a time, and removing the newest entries is detectable."""

    id = peewee.IntegerField(primary_key=True)  # always 1
    last_seq = peewee.BigIntegerField(default=0)
    last_hash = peewee.CharField(max_length=64)
