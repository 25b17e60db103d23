"""Step 7: the general ledger — chart of accounts (the default chart for a distributor),
fiscal periods, append-only journal entries and lines, and the stock's cost layers.

Stock already on hand when a database reaches this step enters the books once: one cost
layer per lot at the product's standard cost, and one opening entry Inventory / Opening
Balance Equity, so valuation and the ledger agree from the first day.

Frozen copies of the models at this step; do not import core.models here.
"""

from datetime import UTC, datetime
from decimal import Decimal

import peewee

from core.migrations.m0001_initial import refuse_changes
from core.models.base import MoneyField, UtcDateTimeField

# (code, name, kind, role), frozen: core.vocab.DEFAULT_CHART may change later.
CHART = (
    ("1000", "Cash", "asset", "cash"),
    ("1100", "Accounts Receivable", "asset", "receivables"),
    ("1200", "Inventory", "asset", "inventory"),
    ("2000", "Accounts Payable", "liability", "payables"),
    ("2100", "Goods Received Not Invoiced", "liability", "grni"),
    ("2200", "Sales Tax Payable", "liability", "sales_tax"),
    ("3000", "Opening Balance Equity", "equity", "opening_equity"),
    ("4000", "Sales", "income", "sales"),
    ("4100", "Sales Returns", "income", "sales_returns"),
    ("5000", "Cost of Goods Sold", "expense", "cogs"),
    ("5100", "Inventory Write-offs", "expense", "write_offs"),
    ("5200", "Purchase Price Variance", "expense", "price_variance"),
)
INTERNAL = ("bin", "receiving", "quarantine", "pack")


def up(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Partner(Base):
        class Meta:
            table_name = "partner"

    class Product(Base):
        class Meta:
            table_name = "product"

    class Lot(Base):
        class Meta:
            table_name = "lot"

    class Account(Base):
        code = peewee.CharField(max_length=10, unique=True)
        name = peewee.CharField(max_length=100)
        kind = peewee.CharField(max_length=10)
        role = peewee.CharField(max_length=20, null=True, unique=True)
        active = peewee.BooleanField(default=True)

    class FiscalPeriod(Base):
        year = peewee.SmallIntegerField()
        month = peewee.SmallIntegerField()
        closed_at = UtcDateTimeField(null=True)
        closed_by = peewee.CharField(max_length=60, default="")

        class Meta:
            indexes = ((("year", "month"), True),)

    class JournalEntry(Base):
        entry_date = peewee.DateField()
        period = peewee.ForeignKeyField(FiscalPeriod)
        source = peewee.CharField(max_length=40, default="")
        memo = peewee.CharField(max_length=200, default="")
        reverses = peewee.ForeignKeyField("self", null=True, unique=True)
        posted_at = UtcDateTimeField()
        posted_by = peewee.CharField(max_length=60)

        class Meta:
            indexes = ((("source",), False), (("entry_date",), False))

    class JournalLine(Base):
        entry = peewee.ForeignKeyField(JournalEntry, backref="lines")
        account = peewee.ForeignKeyField(Account)
        debit = MoneyField(default=0)
        credit = MoneyField(default=0)
        partner = peewee.ForeignKeyField(Partner, null=True)
        memo = peewee.CharField(max_length=200, default="")

    class CostLayer(Base):
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot)
        source = peewee.CharField(max_length=40)
        created_at = UtcDateTimeField()
        quantity = peewee.IntegerField()
        remaining = peewee.IntegerField()
        unit_cost = MoneyField()

        class Meta:
            indexes = ((("lot", "remaining"), False),)

    db.create_tables([Account, FiscalPeriod, JournalEntry, JournalLine, CostLayer])
    for table in ("journal_entry", "journal_line"):
        refuse_changes(db, table)
    Account.insert_many([{"code": c, "name": n, "kind": k, "role": r}
                         for c, n, k, r in CHART]).execute()
    _opening_stock(db, Account, FiscalPeriod, JournalEntry, JournalLine, CostLayer)


def _opening_stock(db, Account, FiscalPeriod, JournalEntry, JournalLine, CostLayer) -> None:
    marks = ", ".join(["%s" if isinstance(db, peewee.PostgresqlDatabase) else "?"]
                      * len(INTERNAL))
    rows = db.execute_sql(
        "SELECT b.product_id, b.lot_id, SUM(b.quantity), MIN(p.standard_cost) "
        "FROM stock_balance b JOIN location l ON l.id = b.location_id "
        "JOIN product p ON p.id = b.product_id "
        f"WHERE l.kind IN ({marks}) GROUP BY b.product_id, b.lot_id "
        "HAVING SUM(b.quantity) > 0", INTERNAL).fetchall()
    if not rows:
        return
    now = datetime.now(UTC)
    total = Decimal("0.00")
    for product_id, lot_id, quantity, cost_cents in rows:
        cost = Decimal(cost_cents).scaleb(-2)
        CostLayer.create(product=product_id, lot=lot_id, source="opening", created_at=now,
                         quantity=quantity, remaining=quantity, unit_cost=cost)
        total += cost * quantity
    if not total:
        return
    period = FiscalPeriod.create(year=now.year, month=now.month)
    entry = JournalEntry.create(entry_date=now.date(), period=period, source="opening",
                                memo="Stock on hand when the ledger started, at standard cost",
                                posted_at=now, posted_by="migration")
    inventory = Account.get(Account.role == "inventory")
    equity = Account.get(Account.role == "opening_equity")
    JournalLine.insert_many([
        {"entry": entry, "account": inventory, "debit": total, "credit": 0},
        {"entry": entry, "account": equity, "debit": 0, "credit": total}]).execute()
