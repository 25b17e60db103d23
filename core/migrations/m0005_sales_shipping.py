"""Step 5: sales orders with customer prices and shelf-life minimums, FEFO allocations,
shipments with SSCC cartons and packed items, outbound DSCSA transactions.

Frozen copies of the models at this step; do not import core.models here.
"""

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from core.models.base import MoneyField, UtcDateTimeField


def up(db: peewee.Database) -> None:
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Partner(Base):
        class Meta:
            table_name = "partner"

    class PartnerAddress(Base):
        class Meta:
            table_name = "partner_address"

    class Product(Base):
        class Meta:
            table_name = "product"

    class Lot(Base):
        class Meta:
            table_name = "lot"

    class Location(Base):
        class Meta:
            table_name = "location"

    class Package(Base):
        class Meta:
            table_name = "package"

    class Container(Base):
        class Meta:
            table_name = "container"

    class CustomerPrice(Base):
        customer = peewee.ForeignKeyField(Partner)
        product = peewee.ForeignKeyField(Product)
        price = MoneyField()

        class Meta:
            indexes = ((("customer", "product"), True),)

    class SalesOrder(Base):
        number = peewee.CharField(max_length=20, unique=True)
        customer = peewee.ForeignKeyField(Partner)
        ship_to = peewee.ForeignKeyField(PartnerAddress)
        status = peewee.CharField(max_length=20, default="draft")
        customer_po = peewee.CharField(max_length=40, default="")
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

    class SalesOrderLine(Base):
        order = peewee.ForeignKeyField(SalesOrder, backref="lines", on_delete="CASCADE")
        line_no = peewee.SmallIntegerField()
        product = peewee.ForeignKeyField(Product)
        quantity = peewee.IntegerField()
        unit_price = MoneyField()
        price_source = peewee.CharField(max_length=10)
        shipped_quantity = peewee.IntegerField(default=0)

        class Meta:
            indexes = ((("order", "line_no"), True), (("product",), False))

    class Allocation(Base):
        line = peewee.ForeignKeyField(SalesOrderLine, backref="allocations",
                                      on_delete="CASCADE")
        lot = peewee.ForeignKeyField(Lot)
        location = peewee.ForeignKeyField(Location)
        quantity = peewee.IntegerField()

        class Meta:
            indexes = ((("line", "lot", "location"), True), (("lot", "location"), False))

    class Shipment(Base):
        number = peewee.CharField(max_length=20, unique=True)
        order = peewee.ForeignKeyField(SalesOrder, backref="shipments")
        status = peewee.CharField(max_length=12, default="packing")
        created_at = UtcDateTimeField()
        created_by = peewee.CharField(max_length=60)
        shipped_at = UtcDateTimeField(null=True)
        shipped_by = peewee.CharField(max_length=60, default="")

        class Meta:
            indexes = ((("order",), False), (("status",), False))

    class Carton(Base):
        shipment = peewee.ForeignKeyField(Shipment, backref="cartons")
        container = peewee.ForeignKeyField(Container, unique=True)
        seq = peewee.SmallIntegerField()

        class Meta:
            indexes = ((("shipment", "seq"), True),)

    class ShipmentItem(Base):
        shipment = peewee.ForeignKeyField(Shipment, backref="items")
        line = peewee.ForeignKeyField(SalesOrderLine)
        lot = peewee.ForeignKeyField(Lot)
        package = peewee.ForeignKeyField(Package, null=True)
        quantity = peewee.IntegerField(default=1)
        carton = peewee.ForeignKeyField(Carton, backref="items")
        from_location = peewee.ForeignKeyField(Location)
        packed_at = UtcDateTimeField()
        packed_by = peewee.CharField(max_length=60)

        class Meta:
            indexes = ((("shipment", "package"), False), (("package",), False),
                       (("shipment", "line"), False))

    class Counter(Base):
        name = peewee.CharField(max_length=30, primary_key=True)
        last = peewee.BigIntegerField(default=0)

    db.create_tables([CustomerPrice, SalesOrder, SalesOrderLine, Allocation, Shipment, Carton,
                      ShipmentItem, Counter])
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("partner", "min_shelf_life_days", peewee.IntegerField(default=0)),
        migrator.add_column("dscsa_transaction", "shipment_id",
                            peewee.ForeignKeyField(Shipment, null=True, field=Shipment.id)),
    )  # add_column indexes a foreign key itself
