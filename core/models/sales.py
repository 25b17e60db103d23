"""Sales orders to customers, the stock reserved for them, and the shipments that fulfil
them (cartons with SSCCs, the packages packed into each)."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField
from core.models.partners import Partner, PartnerAddress
from core.models.products import Product
from core.models.stock import Container, Location, Lot, Package


class CustomerPrice(BaseModel):
    """A customer's contract price for a product (else the list price applies)."""

    customer = peewee.ForeignKeyField(Partner)
    product = peewee.ForeignKeyField(Product)
    price = MoneyField()

    class Meta:
        indexes = ((("customer", "product"), True),)


class SalesOrder(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)  # SO-000123
    customer = peewee.ForeignKeyField(Partner)
    ship_to = peewee.ForeignKeyField(PartnerAddress)
    status = peewee.CharField(max_length=20, default="draft")  # core.vocab.SoStatus
    customer_po = peewee.CharField(max_length=40, default="")
    # Least remaining shelf life the customer accepts, copied from the customer at entry.
    min_shelf_life_days = peewee.IntegerField(default=0)
    backorder_of = peewee.ForeignKeyField("self", null=True, backref="backorders")
    note = peewee.CharField(max_length=500, default="")
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)
    confirmed_at = UtcDateTimeField(null=True)
    confirmed_by = peewee.CharField(max_length=60, default="")
    closed_reason = peewee.CharField(max_length=300, default="")

    class Meta:
        indexes = ((("customer", "status"), False), (("status",), False))


class SalesOrderLine(BaseModel):
    order = peewee.ForeignKeyField(SalesOrder, backref="lines", on_delete="CASCADE")
    line_no = peewee.SmallIntegerField()
    product = peewee.ForeignKeyField(Product)
    quantity = peewee.IntegerField()
    unit_price = MoneyField()
    price_source = peewee.CharField(max_length=10)  # customer | list | override
    shipped_quantity = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("order", "line_no"), True), (("product",), False))


class Allocation(BaseModel):
    """Saleable units of a lot in a bin reserved for an order line (FEFO). Packing a
    package from it uses the reservation up; shipping or cancelling ends it."""

    line = peewee.ForeignKeyField(SalesOrderLine, backref="allocations", on_delete="CASCADE")
    lot = peewee.ForeignKeyField(Lot)
    location = peewee.ForeignKeyField(Location)
    quantity = peewee.IntegerField()

    class Meta:
        indexes = ((("line", "lot", "location"), True), (("lot", "location"), False))


class Shipment(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)  # SH-000123
    order = peewee.ForeignKeyField(SalesOrder, backref="shipments")
    status = peewee.CharField(max_length=12, default="packing")  # core.vocab.ShipmentStatus
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)
    shipped_at = UtcDateTimeField(null=True)
    shipped_by = peewee.CharField(max_length=60, default="")

    class Meta:
        indexes = ((("order",), False), (("status",), False))


class Carton(BaseModel):
    """A shipping carton we pack: its SSCC comes from our GS1 company prefix."""

    shipment = peewee.ForeignKeyField(Shipment, backref="cartons")
    container = peewee.ForeignKeyField(Container, unique=True)
    seq = peewee.SmallIntegerField()

    class Meta:
        indexes = ((("shipment", "seq"), True),)


class ShipmentItem(BaseModel):
    """A package (or, for a non-serialized product, a quantity of a lot) packed into a
    carton for an order line."""

    shipment = peewee.ForeignKeyField(Shipment, backref="items", index=False)  # composites
    line = peewee.ForeignKeyField(SalesOrderLine)
    lot = peewee.ForeignKeyField(Lot, index=False)
    package = peewee.ForeignKeyField(Package, null=True)
    quantity = peewee.IntegerField(default=1)
    carton = peewee.ForeignKeyField(Carton, backref="items")
    from_location = peewee.ForeignKeyField(Location, index=False)
    packed_at = UtcDateTimeField()
    packed_by = peewee.CharField(max_length=60)

    class Meta:
        indexes = ((("shipment", "package"), False), (("package",), False),
                   (("shipment", "line"), False))


class Counter(BaseModel):
    """Named number series that cannot be taken from a row id (e.g. SSCC serial
    references); bumped under the write lock."""

    name = peewee.CharField(max_length=30, primary_key=True)
    last = peewee.BigIntegerField(default=0)
