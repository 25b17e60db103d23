"""peewee models, one module per aggregate: constraints here, business rules in services."""

from core.models.accounting import Account, CostLayer, FiscalPeriod, JournalEntry, JournalLine
from core.models.audit import AuditEntry, AuditHead
from core.models.company import Company
from core.models.invoicing import (CreditMemo, Invoice, InvoiceLine, Payment,
                                   PaymentApplication, SupplierBill, SupplierBillLine,
                                   SupplierPayment)
from core.models.partners import Partner, PartnerAddress, PartnerEvidence
from core.models.products import Product
from core.models.purchasing import PurchaseOrder, PurchaseOrderLine
from core.models.returns import CustomerReturn, CustomerReturnLine
from core.models.receiving import (DscsaLine, DscsaPackage, DscsaTransaction, ExpectedContainer,
                                   ExpectedPackage, ReceiptException, ReceivingScan,
                                   ExpectedReceipt, Receipt, ReceiptLine, StoredFile,
                                   StoredFileChunk)
from core.models.sales import (Allocation, Carton, Counter, CustomerPrice, SalesOrder,
                               SalesOrderLine, Shipment, ShipmentItem)
from core.models.schema import SchemaVersion
from core.models.stock import (Container, CountEntry, CountSheet, Location, Lot, Package,
                               StockBalance, StockMove)
from core.models.users import User

__all__ = [
    "CreditMemo", "Invoice", "InvoiceLine", "Payment", "PaymentApplication", "SupplierBill",
    "SupplierBillLine", "SupplierPayment",
    "Account", "CostLayer", "FiscalPeriod", "JournalEntry", "JournalLine",
    "DscsaLine", "DscsaPackage", "DscsaTransaction", "ExpectedPackage", "ExpectedReceipt",
    "Receipt", "ReceiptLine", "StoredFile", "StoredFileChunk", "ExpectedContainer",
    "ReceiptException", "ReceivingScan",
    "AuditEntry", "AuditHead", "Company", "Container", "CountEntry", "CountSheet", "Location", "Lot", "Package",
    "Partner", "PartnerAddress", "PartnerEvidence", "Product", "PurchaseOrder",
    "PurchaseOrderLine", "SchemaVersion",
    "StockBalance", "StockMove", "User",
    "Allocation", "Carton", "Counter", "CustomerPrice", "SalesOrder", "SalesOrderLine",
    "Shipment", "ShipmentItem", "CustomerReturn", "CustomerReturnLine",
]
