"""Customers' money (invoices raised from shipments, payments and how they were applied)
and suppliers' (bills matched to purchase orders and receipts, payments of them)."""

import peewee

from core.models.base import BaseModel, MoneyField, UtcDateTimeField
from core.models.accounting import JournalEntry
from core.models.partners import Partner
from core.models.products import Product
from core.models.purchasing import PurchaseOrder, PurchaseOrderLine
from core.models.sales import SalesOrderLine, Shipment


class Invoice(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)  # INV-000123
    customer = peewee.ForeignKeyField(Partner)
    shipment = peewee.ForeignKeyField(Shipment, null=True, unique=True)  # one per shipment
    invoice_date = peewee.DateField()
    due_date = peewee.DateField()
    terms_days = peewee.SmallIntegerField()
    subtotal = MoneyField()
    tax = MoneyField(default=0)
    total = MoneyField()
    entry = peewee.ForeignKeyField(JournalEntry)
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)

    class Meta:
        indexes = ((("customer", "due_date"), False),)


class InvoiceLine(BaseModel):
    invoice = peewee.ForeignKeyField(Invoice, backref="lines")
    line_no = peewee.SmallIntegerField()
    order_line = peewee.ForeignKeyField(SalesOrderLine, null=True)
    product = peewee.ForeignKeyField(Product)
    description = peewee.CharField(max_length=300)
    quantity = peewee.IntegerField()
    unit_price = MoneyField()
    amount = MoneyField()


class Payment(BaseModel):
    number = peewee.CharField(max_length=20, unique=True)  # PAY-000123
    customer = peewee.ForeignKeyField(Partner)
    received_on = peewee.DateField()
    amount = MoneyField()
    method = peewee.CharField(max_length=20, default="check")
    reference = peewee.CharField(max_length=60, default="")
    entry = peewee.ForeignKeyField(JournalEntry)
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)


class PaymentApplication(BaseModel):
    """How much of a payment settles which invoice (the rest is credit on account)."""

    payment = peewee.ForeignKeyField(Payment, backref="applications")
    invoice = peewee.ForeignKeyField(Invoice, backref="applications")
    amount = MoneyField()


class CreditMemo(BaseModel):
    """Money given back on an invoice (a price correction, a short delivery agreed with the
    customer): Sales Returns / Accounts Receivable; it lowers what the invoice is owed."""

    number = peewee.CharField(max_length=20, unique=True)  # CM-000123
    customer = peewee.ForeignKeyField(Partner)
    invoice = peewee.ForeignKeyField(Invoice, backref="credit_memos")
    memo_date = peewee.DateField()
    amount = MoneyField()
    reason = peewee.CharField(max_length=300)
    entry = peewee.ForeignKeyField(JournalEntry)
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)


class SupplierBill(BaseModel):
    """A supplier's invoice, matched to its purchase order and what was received."""

    number = peewee.CharField(max_length=40)  # the supplier's invoice number
    supplier = peewee.ForeignKeyField(Partner)
    po = peewee.ForeignKeyField(PurchaseOrder)
    bill_date = peewee.DateField()
    due_date = peewee.DateField()
    total = MoneyField()
    entry = peewee.ForeignKeyField(JournalEntry)
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)

    class Meta:
        indexes = ((("supplier", "number"), True),)


class SupplierBillLine(BaseModel):
    bill = peewee.ForeignKeyField(SupplierBill, backref="lines")
    po_line = peewee.ForeignKeyField(PurchaseOrderLine)
    quantity = peewee.IntegerField()
    unit_cost = MoneyField()  # as billed
    amount = MoneyField()


class SupplierPayment(BaseModel):
    bill = peewee.ForeignKeyField(SupplierBill, backref="payments")
    paid_on = peewee.DateField()
    amount = MoneyField()
    method = peewee.CharField(max_length=20, default="check")
    reference = peewee.CharField(max_length=60, default="")
    entry = peewee.ForeignKeyField(JournalEntry)
    created_at = UtcDateTimeField()
    created_by = peewee.CharField(max_length=60)
