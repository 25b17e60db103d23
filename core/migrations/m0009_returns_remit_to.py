"""Step 9: customer returns (the packages a customer sent back, verified against our own
shipment to them, and the credit memo that refunded them) and the company's remit-to
block and billing email, printed on invoices and statements.

Frozen copies of the models at this step; do not import core.models here.
"""

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from core.migrations.m0001_initial import refuse_changes
from core.models.base import MoneyField, UtcDateTimeField


def up(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Partner(Base):
        class Meta:
            table_name = "partner"

    class Shipment(Base):
        class Meta:
            table_name = "shipment"

    class Package(Base):
        class Meta:
            table_name = "package"

    class Lot(Base):
        class Meta:
            table_name = "lot"

    class Product(Base):
        class Meta:
            table_name = "product"

    class Location(Base):
        class Meta:
            table_name = "location"

    class CreditMemo(Base):
        class Meta:
            table_name = "credit_memo"

    class CustomerReturn(Base):
        number = peewee.CharField(max_length=20, unique=True)
        customer = peewee.ForeignKeyField(Partner)
        shipment = peewee.ForeignKeyField(Shipment)
        reason = peewee.CharField(max_length=300)
        credit_memo = peewee.ForeignKeyField(CreditMemo, null=True)
        received_at = UtcDateTimeField()
        received_by = peewee.CharField(max_length=60)

    class CustomerReturnLine(Base):
        customer_return = peewee.ForeignKeyField(CustomerReturn, backref="lines")
        package = peewee.ForeignKeyField(Package)
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot)
        to_location = peewee.ForeignKeyField(Location)
        disposition = peewee.CharField(max_length=12)
        unit_price = MoneyField()

    db.create_tables([CustomerReturn, CustomerReturnLine])
    for table in ("customer_return", "customer_return_line"):
        refuse_changes(db, table)
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("company", "remit_to", peewee.TextField(default="")),
        migrator.add_column("company", "billing_email", peewee.CharField(max_length=120,
                                                                         default="")),
    )
