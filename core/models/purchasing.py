"""Purchase orders to suppliers."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField
from core.models.partners import Partner
from core.models.products import Product


class PurchaseOrder(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)  # PO-000123, printed and in EPCIS
    supplier = peewee.ForeignKeyField(Partner)
    status = peewee.CharField(max_length=20, default="draft")  # core.vocab.PoStatus
    expected_on = peewee.DateField(null=True)
    note = peewee.CharField(max_length=500, default="")
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)
    confirmed_at = UtcDateTimeField(null=True)
    confirmed_by = peewee.CharField(max_length=60, default="")

    class Meta:
        indexes = ((("supplier", "status"), False),)


class PurchaseOrderLine(BaseModel):
    order = peewee.ForeignKeyField(PurchaseOrder, backref="lines", on_delete="CASCADE")
    line_no = peewee.SmallIntegerField()
    product = peewee.ForeignKeyField(Product)
    quantity = peewee.IntegerField()
    unit_cost = MoneyField()
    # Cached from posted receipts (the receipts are the record).
    received_quantity = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("order", "line_no"), True),)
