"""Step 4: inbound DSCSA records — stored partner files, advance ship notices and their
expected packages, receipts with cost layers, and transaction information/statements.

Frozen copies of the models at this step; do not import core.models here.
"""

import peewee

from core.migrations.m0001_initial import refuse_changes
from core.models.base import MoneyField, UtcDateTimeField

APPEND_ONLY = ("stored_file", "stored_file_chunk", "receipt", "receipt_line", "dscsa_transaction", "dscsa_line",
               "dscsa_package")


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
        class Meta:
            table_name = "purchase_order"

    class Lot(Base):
        class Meta:
            table_name = "lot"

    class Package(Base):
        class Meta:
            table_name = "package"

    class StoredFile(Base):
        kind = peewee.CharField(max_length=20)
        filename = peewee.CharField(max_length=255)
        sha256 = peewee.CharField(max_length=64)
        size = peewee.BigIntegerField()
        stored_at = UtcDateTimeField()
        stored_by = peewee.CharField(max_length=60)

        class Meta:
            indexes = ((("kind", "sha256"), True),)

    class StoredFileChunk(Base):
        file = peewee.ForeignKeyField(StoredFile, backref="chunks")
        seq = peewee.IntegerField()
        data = peewee.BlobField()

        class Meta:
            indexes = ((("file", "seq"), True),)


    class ExpectedReceipt(Base):
        file = peewee.ForeignKeyField(StoredFile, unique=True)
        supplier = peewee.ForeignKeyField(Partner)
        purchase_order = peewee.ForeignKeyField(PurchaseOrder, null=True)
        po_reference = peewee.CharField(max_length=80, default="")
        despatch_reference = peewee.CharField(max_length=80, default="")
        document_id = peewee.CharField(max_length=120, default="")
        shipped_at = UtcDateTimeField(null=True)
        status = peewee.CharField(max_length=20, default="expected")
        warnings = peewee.TextField(default="")
        statement_affirmed = peewee.BooleanField(default=False)
        legal_notice = peewee.TextField(default="")
        created_at = UtcDateTimeField()


    class ExpectedPackage(Base):
        asn = peewee.ForeignKeyField(ExpectedReceipt, backref="packages", on_delete="CASCADE")
        product = peewee.ForeignKeyField(Product)
        serial = peewee.CharField(max_length=20)
        lot_number = peewee.CharField(max_length=20)
        expiry = peewee.DateField()
        case_sscc = peewee.CharField(max_length=18, default="")

        class Meta:
            indexes = ((("asn", "product", "serial"), True), (("case_sscc",), False))


    class Receipt(Base):
        number = peewee.CharField(max_length=20, unique=True)
        asn = peewee.ForeignKeyField(ExpectedReceipt, null=True)
        purchase_order = peewee.ForeignKeyField(PurchaseOrder, null=True)
        supplier = peewee.ForeignKeyField(Partner)
        received_at = UtcDateTimeField()
        received_by = peewee.CharField(max_length=60)
        note = peewee.TextField(default="")


    class ReceiptLine(Base):
        receipt = peewee.ForeignKeyField(Receipt, backref="lines")
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot)
        quantity = peewee.IntegerField()
        unit_cost = MoneyField()
        cost_source = peewee.CharField(max_length=10)


    class DscsaTransaction(Base):
        direction = peewee.CharField(max_length=3)
        partner = peewee.ForeignKeyField(Partner)
        receipt = peewee.ForeignKeyField(Receipt, null=True)
        file = peewee.ForeignKeyField(StoredFile, null=True)
        transaction_date = peewee.DateField()
        shipment_date = peewee.DateField(null=True)
        seller_name = peewee.CharField(max_length=200)
        seller_address = peewee.CharField(max_length=300)
        buyer_name = peewee.CharField(max_length=200)
        buyer_address = peewee.CharField(max_length=300)
        statement_affirmed = peewee.BooleanField()
        legal_notice = peewee.TextField(default="")
        created_at = UtcDateTimeField()


    class DscsaLine(Base):
        transaction = peewee.ForeignKeyField(DscsaTransaction, backref="lines")
        product = peewee.ForeignKeyField(Product)
        lot = peewee.ForeignKeyField(Lot)
        quantity = peewee.IntegerField()
        product_name = peewee.CharField(max_length=200)
        strength = peewee.CharField(max_length=100)
        dosage_form = peewee.CharField(max_length=60)
        ndc = peewee.CharField(max_length=13)
        container_size = peewee.CharField(max_length=120)


    class DscsaPackage(Base):
        line = peewee.ForeignKeyField(DscsaLine, backref="packages")
        package = peewee.ForeignKeyField(Package)

        class Meta:
            indexes = ((("package",), False),)

    db.create_tables([StoredFile, StoredFileChunk, ExpectedReceipt, ExpectedPackage, Receipt, ReceiptLine,
                      DscsaTransaction, DscsaLine, DscsaPackage])
    for table in APPEND_ONLY:
        refuse_changes(db, table)
