"""The model base class and the field types every aggregate shares."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

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


class MoneyField(peewee.BigIntegerField):
    """US dollars stored as integer cents; Python sees an exact Decimal. Floats and
    fractions of a cent are refused: rounding is a business rule, not a storage one."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError(f"{self.name}: money must be Decimal, not float ({value!r})")
        cents = Decimal(value) * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"{self.name}: {value} has fractions of a cent")
        return int(cents)

    def python_value(self, value):
        return None if value is None else Decimal(value).scaleb(-2)


class BasisPointsField(peewee.SmallIntegerField):
    """A rate in basis points (1 bp = 0.01%) to a tenth of a point, stored as integer
    tenths so it is exact on every backend; Python sees a Decimal (662.5 for 6.625%).
    Tenths because US sales tax rates are set to a thousandth of a percent (New Jersey
    6.625%, New York City 8.875%); 20% is 20000 tenths, well inside a small integer."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError(f"{self.name}: a rate must be Decimal or int, not float ({value!r})")
        tenths = Decimal(value) * 10
        if tenths != tenths.to_integral_value():
            raise ValueError(f"{self.name}: {value} bp is finer than a tenth of a basis point")
        return int(tenths)

    def python_value(self, value):
        return None if value is None else Decimal(value).scaleb(-1)


def utc_now() -> datetime:
    return datetime.now(UTC)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False
