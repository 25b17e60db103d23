"""Inbound DSCSA records: the supplier's file kept byte for byte, the advance ship
notice it describes, our receipts, and the transaction information we hold."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField
from core.models.partners import Partner
from core.models.products import Product
from core.models.purchasing import PurchaseOrder
from core.models.sales import Shipment
from core.models.stock import Lot, Package


class StoredFile(BaseModel):
    """A document exchanged with a trading partner (a 6-year DSCSA record): immutable."""

    kind = peewee.CharField(max_length=20)  # epcis_in | epcis_out
    filename = peewee.CharField(max_length=255)
    sha256 = peewee.CharField(max_length=64)
    size = peewee.BigIntegerField()
    stored_at = UtcDateTimeField()
    stored_by = peewee.CharField(max_length=60)

    class Meta:
        indexes = ((("kind", "sha256"), True),)


class StoredFileChunk(BaseModel):
    """The bytes, in pieces, so a 1 GB file never has to sit in memory at once."""

    file = peewee.ForeignKeyField(StoredFile, backref="chunks")
    seq = peewee.IntegerField()
    data = peewee.BlobField()

    class Meta:
        indexes = ((("file", "seq"), True),)


class ExpectedReceipt(BaseModel):
    """An advance ship notice: what a supplier's EPCIS file says is on its way.

    The seller's name and address are kept as the file stated them: they are part of the
    transaction information we must be able to show for six years."""

    file = peewee.ForeignKeyField(StoredFile, unique=True)
    supplier = peewee.ForeignKeyField(Partner)
    purchase_order = peewee.ForeignKeyField(PurchaseOrder, null=True)
    po_reference = peewee.CharField(max_length=80, default="")
    despatch_reference = peewee.CharField(max_length=80, default="")
    document_id = peewee.CharField(max_length=120, default="")
    seller_name = peewee.CharField(max_length=200, default="")
    seller_address = peewee.CharField(max_length=300, default="")
    shipped_at = UtcDateTimeField(null=True)
    status = peewee.CharField(max_length=20, default="expected")  # core.vocab.AsnStatus
    warnings = peewee.TextField(default="")
    statement_affirmed = peewee.BooleanField(default=False)
    legal_notice = peewee.TextField(default="")
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60, default="")

    class Meta:
        indexes = ((("supplier", "document_id"), False), (("status",), False))


class ExpectedContainer(BaseModel):
    """A case or pallet in the file, with the pallet it sits on: scanning a pallet's SSCC
    receives every case on it."""

    asn = peewee.ForeignKeyField(ExpectedReceipt, backref="containers")
    sscc = peewee.CharField(max_length=18)
    parent_sscc = peewee.CharField(max_length=18, default="")

    class Meta:
        indexes = ((("asn", "sscc"), True),)


class Receipt(BaseModel):
    """One posted delivery: immutable once written."""

    number = peewee.CharField(max_length=20, unique=True)
    asn = peewee.ForeignKeyField(ExpectedReceipt, null=True)
    purchase_order = peewee.ForeignKeyField(PurchaseOrder, null=True)
    supplier = peewee.ForeignKeyField(Partner)
    received_at = UtcDateTimeField()
    received_by = peewee.CharField(max_length=60)
    note = peewee.TextField(default="")


class ReceivingScan(BaseModel):
    """One scan at the receiving dock, with the outcome it was given. Open scans (no
    receipt yet) survive a crash or a lunch break; posting stamps them with the receipt."""

    asn = peewee.ForeignKeyField(ExpectedReceipt, null=True)
    purchase_order = peewee.ForeignKeyField(PurchaseOrder, null=True)
    supplier = peewee.ForeignKeyField(Partner)
    raw = peewee.CharField(max_length=200, default="")
    sscc = peewee.CharField(max_length=18, default="")
    product = peewee.ForeignKeyField(Product, null=True)
    serial = peewee.CharField(max_length=20, default="")
    lot_number = peewee.CharField(max_length=20, default="")
    expiry = peewee.DateField(null=True)
    units = peewee.IntegerField(default=1)
    outcome = peewee.CharField(max_length=24)  # core.vocab.ReceiveOutcome
    detail = peewee.CharField(max_length=300, default="")
    note = peewee.CharField(max_length=200, default="")
    scanned_at = UtcDateTimeField()
    scanned_by = peewee.CharField(max_length=60)
    receipt = peewee.ForeignKeyField(Receipt, null=True, backref="scans")

    class Meta:
        indexes = ((("asn", "receipt"), False), (("purchase_order", "receipt"), False))


class ExpectedPackage(BaseModel):
    """A package the supplier's file says is coming; `scan` is set when it is scanned
    in (directly, or through its case or pallet)."""

    asn = peewee.ForeignKeyField(ExpectedReceipt, backref="packages")
    product = peewee.ForeignKeyField(Product)
    serial = peewee.CharField(max_length=20)
    lot_number = peewee.CharField(max_length=20)
    expiry = peewee.DateField()
    case_sscc = peewee.CharField(max_length=18, default="")
    scan = peewee.ForeignKeyField(ReceivingScan, null=True)

    class Meta:
        indexes = ((("asn", "product", "serial"), True), (("asn", "case_sscc"), False),
                   (("product", "serial"), False), (("scan",), False))


class ReceiptException(BaseModel):
    """An exception case met on a receipt and what was done about it (a DSCSA record)."""

    receipt = peewee.ForeignKeyField(Receipt, backref="exceptions")
    outcome = peewee.CharField(max_length=24)  # core.vocab.ReceiveOutcome
    product = peewee.ForeignKeyField(Product, null=True)
    serial = peewee.CharField(max_length=20, default="")
    lot_number = peewee.CharField(max_length=20, default="")
    expiry = peewee.DateField(null=True)
    sscc = peewee.CharField(max_length=18, default="")
    quantity = peewee.IntegerField(default=1)
    package = peewee.ForeignKeyField(Package, null=True)
    detail = peewee.CharField(max_length=300, default="")


class ReceiptLine(BaseModel):
    """Units of a lot received and their cost: the FIFO cost layer of that lot."""

    receipt = peewee.ForeignKeyField(Receipt, backref="lines")
    product = peewee.ForeignKeyField(Product)
    lot = peewee.ForeignKeyField(Lot)
    quantity = peewee.IntegerField()
    unit_cost = MoneyField()
    cost_source = peewee.CharField(max_length=10)  # po | standard

    class Meta:
        indexes = ((("lot",), False),)


class DscsaTransaction(BaseModel):
    """Transaction Information + Statement for one change of ownership (in or out),
    with both parties as they were at the time."""

    direction = peewee.CharField(max_length=3)  # in | out
    partner = peewee.ForeignKeyField(Partner)
    receipt = peewee.ForeignKeyField(Receipt, null=True)
    shipment = peewee.ForeignKeyField(Shipment, null=True)
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

    class Meta:
        indexes = ((("partner", "direction"), False), (("receipt",), False),
                   (("shipment",), False))


class DscsaLine(BaseModel):
    """TI per product and lot (elements A-F of the statute), frozen as sent/received."""

    transaction = peewee.ForeignKeyField(DscsaTransaction, backref="lines")
    product = peewee.ForeignKeyField(Product)
    lot = peewee.ForeignKeyField(Lot)
    quantity = peewee.IntegerField()
    product_name = peewee.CharField(max_length=200)
    strength = peewee.CharField(max_length=100)
    dosage_form = peewee.CharField(max_length=60)
    ndc = peewee.CharField(max_length=13)
    container_size = peewee.CharField(max_length=120)

    class Meta:
        indexes = ((("lot",), False),)


class DscsaPackage(BaseModel):
    line = peewee.ForeignKeyField(DscsaLine, backref="packages")
    package = peewee.ForeignKeyField(Package)

    class Meta:
        indexes = ((("package",), False),)
