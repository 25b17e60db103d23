"""The general ledger: chart of accounts, fiscal periods, immutable journal entries, and
the cost layers that value the stock (so the Inventory account always equals the
warehouse)."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField
from core.models.partners import Partner
from core.models.products import Product
from core.models.stock import Lot


class Account(BaseModel):
    code = peewee.CharField(max_length=10, unique=True)
    name = peewee.CharField(max_length=100)
    kind = peewee.CharField(max_length=10)  # core.vocab.AccountKind
    # The account an automatic posting uses (core.vocab.AccountRole); one per role.
    role = peewee.CharField(max_length=20, null=True, unique=True)
    active = peewee.BooleanField(default=True)


class FiscalPeriod(BaseModel):
    """A calendar month; once closed nothing more is posted into it."""

    year = peewee.SmallIntegerField()
    month = peewee.SmallIntegerField()
    closed_at = UtcDateTimeField(null=True)
    closed_by = peewee.CharField(max_length=60, default="")

    class Meta:
        indexes = ((("year", "month"), True),)


class JournalEntry(BaseModel):
    """Posted once, never changed: a correction is a new entry that `reverses` it."""

    entry_date = peewee.DateField()
    period = peewee.ForeignKeyField(FiscalPeriod)
    source = peewee.CharField(max_length=40, default="")  # "shipment:12", "manual"
    memo = peewee.CharField(max_length=200, default="")
    reverses = peewee.ForeignKeyField("self", null=True, unique=True)
    posted_at = UtcDateTimeField()
    posted_by = peewee.CharField(max_length=60)

    class Meta:
        indexes = ((("source",), False), (("entry_date",), False))


class JournalLine(BaseModel):
    entry = peewee.ForeignKeyField(JournalEntry, backref="lines")
    account = peewee.ForeignKeyField(Account)
    debit = MoneyField(default=0)
    credit = MoneyField(default=0)
    partner = peewee.ForeignKeyField(Partner, null=True)
    memo = peewee.CharField(max_length=200, default="")


class CostLayer(BaseModel):
    """Units of a lot that entered our books at one unit cost; shipping and writing off
    consume the oldest layer of the lot first (FIFO). Valuation = remaining x cost."""

    product = peewee.ForeignKeyField(Product)
    lot = peewee.ForeignKeyField(Lot)
    source = peewee.CharField(max_length=40)  # the document that brought the units in
    created_at = UtcDateTimeField()
    quantity = peewee.IntegerField()
    remaining = peewee.IntegerField()
    unit_cost = MoneyField()

    class Meta:
        indexes = ((("lot", "remaining"), False),)
