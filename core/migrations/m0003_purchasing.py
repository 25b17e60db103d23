"""Step 3: purchase orders and their lines.

Frozen copies of the models at this step; do not import core.models here.
"""

import peewee

from core.models.base import MoneyField, UtcDateTimeField


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

    class PurchaseOrder(Base):
        number = peewee.CharField(max_length=20, unique=True)
        supplier = peewee.ForeignKeyField(Partner)
        status = peewee.CharField(max_length=20, default="draft")
        expected_on = peewee.DateField(null=True)
        note = peewee.CharField(max_length=500, default="")
        created_at = UtcDateTimeField()
        created_by = peewee.CharField(max_length=60)
        confirmed_at = UtcDateTimeField(null=True)
        confirmed_by = peewee.CharField(max_length=60, default="")

        class Meta:
            indexes = ((("supplier", "status"), False),)

    class PurchaseOrderLine(Base):
        order = peewee.ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
        line_no = peewee.SmallIntegerField()
        product = peewee.ForeignKeyField(Product)
        quantity = peewee.IntegerField()
        unit_cost = MoneyField()
        received_quantity = peewee.IntegerField(default=0)

        class Meta:
            indexes = ((("order", "line_no"), True),)

    db.create_tables([PurchaseOrder, PurchaseOrderLine])
