"""Step 8: customers' and suppliers' money — invoices from shipments with their lines,
payments and their application to invoices, credit memos; supplier bills matched to purchase order
lines and their payments; each customer's payment terms, credit limit, credit-hold
threshold and whether a shipment is invoiced automatically.

Frozen copies of the models at this step; do not import core.models here.
"""

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from core.migrations.m0001_initial import refuse_changes
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

    class Shipment(Base):
        class Meta:
            table_name = "shipment"

    class SalesOrderLine(Base):
        class Meta:
            table_name = "sales_order_line"

    class JournalEntry(Base):
        class Meta:
            table_name = "journal_entry"

    class PurchaseOrder(Base):
        class Meta:
            table_name = "purchase_order"

    class PurchaseOrderLine(Base):
        class Meta:
            table_name = "purchase_order_line"

    class Invoice(Base):
        number = peewee.CharField(max_length=20, unique=True)
        customer = peewee.ForeignKeyField(Partner)
        shipment = peewee.ForeignKeyField(Shipment, null=True, unique=True)
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

    class InvoiceLine(Base):
        invoice = peewee.ForeignKeyField(Invoice, backref="lines")
        line_no = peewee.SmallIntegerField()
        order_line = peewee.ForeignKeyField(SalesOrderLine, null=True)
        product = peewee.ForeignKeyField(Product)
        description = peewee.CharField(max_length=300)
        quantity = peewee.IntegerField()
        unit_price = MoneyField()
        amount = MoneyField()

    class Payment(Base):
        number = peewee.CharField(max_length=20, unique=True)
        customer = peewee.ForeignKeyField(Partner)
        received_on = peewee.DateField()
        amount = MoneyField()
        method = peewee.CharField(max_length=20, default="check")
        reference = peewee.CharField(max_length=60, default="")
        entry = peewee.ForeignKeyField(JournalEntry)
        created_at = UtcDateTimeField()
        created_by = peewee.CharField(max_length=60)

    class PaymentApplication(Base):
        payment = peewee.ForeignKeyField(Payment, backref="applications")
        invoice = peewee.ForeignKeyField(Invoice, backref="applications")
        amount = MoneyField()

    class CreditMemo(Base):
        number = peewee.CharField(max_length=20, unique=True)
        customer = peewee.ForeignKeyField(Partner)
        invoice = peewee.ForeignKeyField(Invoice, backref="credit_memos")
        memo_date = peewee.DateField()
        amount = MoneyField()
        reason = peewee.CharField(max_length=300)
        entry = peewee.ForeignKeyField(JournalEntry)
        created_at = UtcDateTimeField()
        created_by = peewee.CharField(max_length=60)

    class SupplierBill(Base):
        number = peewee.CharField(max_length=40)
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

    class SupplierBillLine(Base):
        bill = peewee.ForeignKeyField(SupplierBill, backref="lines")
        po_line = peewee.ForeignKeyField(PurchaseOrderLine)
        quantity = peewee.IntegerField()
        unit_cost = MoneyField()
        amount = MoneyField()

    class SupplierPayment(Base):
        bill = peewee.ForeignKeyField(SupplierBill, backref="payments")
        paid_on = peewee.DateField()
        amount = MoneyField()
        method = peewee.CharField(max_length=20, default="check")
        reference = peewee.CharField(max_length=60, default="")
        entry = peewee.ForeignKeyField(JournalEntry)
        created_at = UtcDateTimeField()
        created_by = peewee.CharField(max_length=60)

    db.create_tables([Invoice, InvoiceLine, Payment, PaymentApplication, CreditMemo,
                      SupplierBill, SupplierBillLine, SupplierPayment])
    for table in ("invoice", "invoice_line", "payment", "payment_application", "credit_memo",
                  "supplier_bill", "supplier_bill_line", "supplier_payment"):
        refuse_changes(db, table)
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("partner", "payment_terms_days", peewee.SmallIntegerField(default=30)),
        migrator.add_column("partner", "credit_limit", MoneyField(default=0)),
        migrator.add_column("partner", "invoice_on_ship", peewee.BooleanField(default=True)),
        # Sales tax in basis points (0: prescription drugs sold for resale are exempt).
        migrator.add_column("partner", "tax_rate_bp", peewee.SmallIntegerField(default=0)),
        # New orders are held once an invoice is this many days past due (0: never).
        migrator.add_column("partner", "hold_past_due_days",
                            peewee.SmallIntegerField(default=30)),
    )
