"""Customer returns: packages a customer sent back, each verified against our own
shipment to that customer (DSCSA saleable-returns verification), where each went
(back to stock or to quarantine) and the credit memo that refunded them."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField
from core.models.invoicing import CreditMemo
from core.models.partners import Partner
from core.models.products import Product
from core.models.sales import Shipment
from core.models.stock import Location, Lot, Package


class CustomerReturn(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)  # RET-000123
    customer = peewee.ForeignKeyField(Partner)
    shipment = peewee.ForeignKeyField(Shipment)  # the shipment the packages left on
    reason = peewee.CharField(max_length=300)
    credit_memo = peewee.ForeignKeyField(CreditMemo, null=True)  # none: not yet invoiced
    received_at = UtcDateTimeField()
    received_by = peewee.CharField(max_length=60)


class CustomerReturnLine(BaseModel):
    customer_return = peewee.ForeignKeyField(CustomerReturn, backref="lines")
    package = peewee.ForeignKeyField(Package)
    product = peewee.ForeignKeyField(Product)
    lot = peewee.ForeignKeyField(Lot)
    to_location = peewee.ForeignKeyField(Location)
    disposition = peewee.CharField(max_length=12)  # core.vocab.ReturnDisposition
    unit_price = MoneyField()  # what the invoice charged; credited back
