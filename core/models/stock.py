"""The stock ledger: locations, lots, containers, serialized packages and the moves
between locations from which every on-hand figure is derived."""

import peewee

from core.models.base import BaseModel, UtcDateTimeField
from core.models.products import Product


class Location(BaseModel):
    code = peewee.CharField(max_length=30, unique=True)
    name = peewee.CharField(max_length=100, default="")
    kind = peewee.CharField(max_length=12)  # core.vocab.LocationKind
    zone = peewee.CharField(max_length=20, default="")
    aisle = peewee.CharField(max_length=20, default="")
    pick_sequence = peewee.IntegerField(default=0)
    storage = peewee.CharField(max_length=12, default="room")
    active = peewee.BooleanField(default=True)


class Lot(BaseModel):
    product = peewee.ForeignKeyField(Product, backref="lots")
    lot_number = peewee.CharField(max_length=20)
    expiry = peewee.DateField()

    class Meta:
        # lot_number alone: a lot typed or scanned without its product (filters, recalls).
        indexes = ((("product", "lot_number"), True), (("lot_number",), False),
                   (("expiry",), False))


class Container(BaseModel):
    """A case or pallet identified by an SSCC; its contents are known by aggregation."""

    sscc = peewee.CharField(max_length=18, unique=True)
    parent = peewee.ForeignKeyField("self", null=True, backref="children")
    created_at = UtcDateTimeField()


class Package(BaseModel):
    """One serialized saleable unit: GTIN (via product) + serial is unique."""

    # Product, lot and location are found through the composite indexes below.
    product = peewee.ForeignKeyField(Product, index=False)
    lot = peewee.ForeignKeyField(Lot, backref="packages", index=False)
    serial = peewee.CharField(max_length=20)
    # Cached from the package's newest move; tests check it against the ledger.
    status = peewee.CharField(max_length=12)
    location = peewee.ForeignKeyField(Location, index=False)
    container = peewee.ForeignKeyField(Container, null=True, backref="packages")

    class Meta:
        indexes = (
            (("product", "serial"), True),
            (("serial",), False),  # a serial typed without its GTIN
            (("lot", "status"), False),
            (("location", "status"), False),
            (("container",), False),
        )


class StockMove(BaseModel):
    """One append-only ledger line: `quantity` of a lot (one package, when serialized)
    from a (location, status) to a (location, status), with why, who and which document."""

    id = peewee.BigAutoField()
    at = UtcDateTimeField()
    # Moves are found by package, lot or document (indexes below), never by product or
    # location: a bin's contents come from StockBalance and Package.
    product = peewee.ForeignKeyField(Product, index=False)
    lot = peewee.ForeignKeyField(Lot)
    package = peewee.ForeignKeyField(Package, null=True)
    quantity = peewee.IntegerField()
    from_location = peewee.ForeignKeyField(Location, index=False)
    from_status = peewee.CharField(max_length=12, null=True)  # null outside our walls
    to_location = peewee.ForeignKeyField(Location, index=False)
    to_status = peewee.CharField(max_length=12, null=True)
    reason = peewee.CharField(max_length=20)
    document = peewee.CharField(max_length=40, default="")  # e.g. "receipt:12", "count:3"
    user_id = peewee.IntegerField(null=True)
    username = peewee.CharField(max_length=60)
    note = peewee.CharField(max_length=200, default="")

    class Meta:
        indexes = (
            (("package",), False),
            (("lot",), False),
            (("document",), False),
        )


class StockBalance(BaseModel):
    """Cached on-hand per lot, internal location and status (the sum of the moves)."""

    product = peewee.ForeignKeyField(Product, index=False)  # (product, status) below
    lot = peewee.ForeignKeyField(Lot, index=False)  # (lot, location, status) below
    location = peewee.ForeignKeyField(Location)
    status = peewee.CharField(max_length=12)
    quantity = peewee.IntegerField(default=0)

    class Meta:
        indexes = (
            (("lot", "location", "status"), True),
            (("product", "status"), False),
            (("location",), False),
        )


class CountSheet(BaseModel):
    """A cycle count of one bin or one product; approved variances become moves."""

    location = peewee.ForeignKeyField(Location, null=True)
    product = peewee.ForeignKeyField(Product, null=True)
    status = peewee.CharField(max_length=10, default="open")  # open | approved | cancelled
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)
    closed_at = UtcDateTimeField(null=True)
    closed_by = peewee.CharField(max_length=60, default="")
    note = peewee.CharField(max_length=200, default="")


class CountEntry(BaseModel):
    """What the counter saw: a scanned package, or a counted quantity of a lot."""

    sheet = peewee.ForeignKeyField(CountSheet, backref="entries", on_delete="CASCADE")
    location = peewee.ForeignKeyField(Location)
    lot = peewee.ForeignKeyField(Lot, null=True)
    package = peewee.ForeignKeyField(Package, null=True)
    quantity = peewee.IntegerField(default=1)
    # A serial we have never had: reported as an exception, never created silently.
    unknown_gtin = peewee.CharField(max_length=14, default="")
    unknown_serial = peewee.CharField(max_length=20, default="")
    counted_at = UtcDateTimeField()
    counted_by = peewee.CharField(max_length=60)

    class Meta:
        indexes = ((("sheet", "package"), False),)
