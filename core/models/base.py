"""The model base class and the field types every aggregate shares."""

from __future__ import annotations

from datetime import UTC, datetime

import peewee

from core.db import database


class UtcDateTimeField(peewee.Field):
    """A timezone-aware UTC instant.

    PostgreSQL stores `timestamptz`; SQLite stores fixed-width ISO-8601 text ending in
    +00:00, so text order is time order. Naive datetimes are refused: a time without a
    zone is a bug waiting to happen across a DST change.
    """

    field_type = "TIMESTAMPTZ"

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError(f"{self.name}: naive datetime {value!r}; use an aware UTC time")
        value = value.astimezone(UTC)
        if isinstance(database.obj, peewee.PostgresqlDatabase):
            return value
        return value.isoformat(sep=" ", timespec="microseconds")

    def python_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False
