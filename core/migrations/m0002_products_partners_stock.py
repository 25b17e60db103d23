"""Step 2: products, trading partners with their authorization evidence, and the
stock ledger (locations, lots, containers, packages, moves, cached balances).

Frozen copies of the models at this step; do not import core.models here.
"""

import peewee

from core.migrations.m0001_initial import refuse_changes
from core.models.base import MoneyField, UtcDateTimeField

SYSTEM_LOCATIONS = (
    ("SUPPLIER", "Suppliers", "supplier"),
    ("RECEIVING", "Receiving dock", "receiving"),
    ("QUARANTINE", "Quarantine cage", "quarantine"),
    ("PACK", "Pack station", "pack"),
    ("CUSTOMER", "Customers", "customer"),
    ("ADJUSTMENT", "Inventory adjustments", "adjustment"),
)


def up(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Product(Base):
        ndc_labeler = peewee.CharField(max_length=6)
        ndc_product = peewee.CharField(max_length=4)
        ndc_package = peewee.CharField(max_length=2)
        ndc_layout = peewee.CharField(max_length=5)
        gtin = peewee.CharField(max_length=14, unique=True)
        name = peewee.CharField(max_length=200)
        strength = peewee.CharField(max_length=100, default="")
        dosage_form = peewee.CharField(max_length=60, default="")
        package_description = peewee.CharField(max_length=120, default="")
        manufacturer = peewee.CharField(max_length=200, default="")
        schedule = peewee.CharField(max_length=4, default="none")
        storage = peewee.CharField(max_length=12, default="room")
        case_gtin = peewee.CharField(max_length=14, null=True, unique=True)
        units_per_case = peewee.IntegerField(default=1)
        min_shelf_life_days = peewee.IntegerField(default=0)
        list_price = MoneyField(default=0)
        standard_cost = MoneyField(default=0)
        serialized = peewee.BooleanField(default=True)
        needs_review = peewee.BooleanField(default=False)
        active = peewee.BooleanField(default=True)
        created_at = UtcDateTimeField()

        class Meta:
            indexes = (
                (("ndc_labeler", "ndc_product", "ndc_package"), True),
                (("name",), False),
            )

    class Partner(Base):
        name = peewee.CharField(max_length=200)
        gln = peewee.CharField(max_length=13, null=True, unique=True)
        gs1_prefix_length = peewee.SmallIntegerField(default=7)
        is_customer = peewee.BooleanField(default=False)
        is_supplier = peewee.BooleanField(default=False)
        partner_type = peewee.CharField(max_length=20)
        phone = peewee.CharField(max_length=30, default="")
        email = peewee.CharField(max_length=120, default="")
        active = peewee.BooleanField(default=True)
        created_at = UtcDateTimeField()

        class Meta:
            indexes = ((("name",), False),)

    class PartnerAddress(Base):
        partner = peewee.ForeignKeyField(Partner, backref="addresses", on_delete="CASCADE")
        kind = peewee.CharField(max_length=10)
        name = peewee.CharField(max_length=200, default="")
        street = peewee.CharField(max_length=200)
        city = peewee.CharField(max_length=100)
        state = peewee.CharField(max_length=2)
        postal_code = peewee.CharField(max_length=10)
        country = peewee.CharField(max_length=2, default="US")
        gln = peewee.CharField(max_length=13, null=True)
        is_default = peewee.BooleanField(default=False)

    class PartnerEvidence(Base):
        partner = peewee.ForeignKeyField(Partner, backref="evidence", on_delete="CASCADE")
        kind = peewee.CharField(max_length=20)
        state = peewee.CharField(max_length=2, default="")
        number = peewee.CharField(max_length=40, default="")
        license_type = peewee.CharField(max_length=60, default="")
        schedules = peewee.CharField(max_length=40, default="")
        expiry = peewee.DateField(null=True)
        verified_on = peewee.DateField(null=True)
        verified_by = peewee.CharField(max_length=60, default="")

    class Location(Base):
        code = peewee.CharField(max_length=30, unique=True)
        name = peewee.CharField(max_length=100, default="")
        kind = peewee.CharField(max_length=12)
        zone = peewee.CharField(max_length=20, default="")
        aisle = peewee.CharField(max_length=20, default="")
        pick_sequence = peewee.IntegerField(default=0)
        storage = peewee.CharField(max_length=12, default="room")
        active = peewee.BooleanField(default=True)

    class Lot(Base):
        product = peewee.ForeignKeyField(Product, backref="lots")
        lot_number = peewee.CharField(max_length=20)
        expiry = peewee.DateField()

        class Meta:
            # lot_number alone: a lot typed or scanned without its product (filters, recalls).
            indexes = ((("product", "lot_number"), True), (("lot_number",), False),
                       (("expiry",), False))

    class Container(Base):
        sscc = peewee.CharField(max_length=18, unique=True)
        parent = peewee.ForeignKeyField("self", null=True, backref="children")
        created_at = UtcDateTimeField()

    class Package(Base):
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot, backref="packages")
        serial = peewee.CharField(max_length=20)
        status = peewee.CharField(max_length=12)
        location = peewee.ForeignKeyField(Location)
        container = peewee.ForeignKeyField(Container, null=True, backref="packages")

        class Meta:
            indexes = (
                (("product", "serial"), True),
                (("serial",), False),  # a serial typed without its GTIN
                (("lot", "status"), False),
                (("location", "status"), False),
                (("container",), False),
            )

    class StockMove(Base):
        id = peewee.BigAutoField()
        at = UtcDateTimeField()
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot)
        package = peewee.ForeignKeyField(Package, null=True)
        quantity = peewee.IntegerField()
        from_location = peewee.ForeignKeyField(Location)
        from_status = peewee.CharField(max_length=12, null=True)
        to_location = peewee.ForeignKeyField(Location)
        to_status = peewee.CharField(max_length=12, null=True)
        reason = peewee.CharField(max_length=20)
        document = peewee.CharField(max_length=40, default="")
        user_id = peewee.IntegerField(null=True)
        username = peewee.CharField(max_length=60)
        note = peewee.CharField(max_length=200, default="")

        class Meta:
            indexes = (
                (("package",), False),
                (("lot",), False),
                (("document",), False),
            )

    class StockBalance(Base):
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot)
        location = peewee.ForeignKeyField(Location)
        status = peewee.CharField(max_length=12)
        quantity = peewee.IntegerField(default=0)

        class Meta:
            indexes = (
                (("lot", "location", "status"), True),
                (("product", "status"), False),
                (("location",), False),
            )

    class CountSheet(Base):
        location = peewee.ForeignKeyField(Location, null=True)
        product = peewee.ForeignKeyField(Product, null=True)
        status = peewee.CharField(max_length=10, default="open")
        created_at = UtcDateTimeField()
        created_by = peewee.CharField(max_length=60)
        closed_at = UtcDateTimeField(null=True)
        closed_by = peewee.CharField(max_length=60, default="")
        note = peewee.CharField(max_length=200, default="")

    class CountEntry(Base):
        sheet = peewee.ForeignKeyField(CountSheet, backref="entries", on_delete="CASCADE")
        location = peewee.ForeignKeyField(Location)
        lot = peewee.ForeignKeyField(Lot, null=True)
        package = peewee.ForeignKeyField(Package, null=True)
        quantity = peewee.IntegerField(default=1)
        unknown_gtin = peewee.CharField(max_length=14, default="")
        unknown_serial = peewee.CharField(max_length=20, default="")
        counted_at = UtcDateTimeField()
        counted_by = peewee.CharField(max_length=60)

        class Meta:
            indexes = ((("sheet", "package"), False),)

    db.create_tables([Product, Partner, PartnerAddress, PartnerEvidence, Location, Lot,
                      Container, Package, StockMove, StockBalance, CountSheet, CountEntry])
    Location.insert_many(
        [{"code": code, "name": name, "kind": kind} for code, name, kind in SYSTEM_LOCATIONS]
    ).execute()
    refuse_changes(db, "stock_move")
