"""Invoices as the office works them: a page of invoices found by number, customer,
shipment, order or the customer's PO, filtered to what is open, overdue or paid, each
with what is still open on it; one invoice in full (its lines, the payments and credit
memos that settled it, the shipment and order it billed, its journal entry); and the
shipments that have shipped but are not invoiced yet, with what they would bill.

What is open on an invoice is computed in the database (total less payments applied
and credit memos issued), so filtering and paging stay in SQL however many invoices
there are; core.services.invoicing.open_balance is the same rule for one invoice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from peewee import JOIN, fn

from core.errors import NotFound
from core.models import (CreditMemo, CustomerReturn, CustomerReturnLine, Invoice, InvoiceLine,
                         Partner, Payment, PaymentApplication, Product, SalesOrder,
                         SalesOrderLine, Shipment, ShipmentItem)
from core.money import from_cents
from core.queries.billing_docs import PAYMENT_METHODS
from core.queries.paging import PAGE, contains
from core.queries.sales import ndc_text
from core.vocab import ShipmentStatus

ZERO = Decimal("0.00")



class InvoiceShow(StrEnum):
    """Which invoices a list shows. Open includes overdue; paid means nothing is left
    to pay, whether payments or credit memos settled it."""

    ALL = "all"
    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"

    @property
    def label(self) -> str:
        return {"all": "All invoices", "open": "Open", "overdue": "Overdue",
                "paid": "Paid"}[self.value]


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    customer_id: int
    customer: str
    invoice_date: date
    due_date: date
    total: Decimal
    open: Decimal  # total less payments applied and credit memos; below 0: over-credited
    shipment: str  # SH-000045, "" for an invoice without a shipment
    order: str
    customer_po: str

    def days_overdue(self, on: date) -> int:
        """Days past the due date while something is still open; 0 otherwise."""
        return max((on - self.due_date).days, 0) if self.open > 0 else 0

    def state(self, on: date) -> InvoiceShow:
        if self.open <= 0:
            return InvoiceShow.PAID
        return InvoiceShow.OVERDUE if self.days_overdue(on) else InvoiceShow.OPEN


def _settled_subqueries():
    """Cents paid and credited per invoice, as two grouped subqueries to left-join."""
    paid = (PaymentApplication
            .select(PaymentApplication.invoice.alias("invoice_id"),
                    fn.SUM(PaymentApplication.amount).coerce(False).alias("cents"))
            .group_by(PaymentApplication.invoice).alias("paid"))
    credited = (CreditMemo
                .select(CreditMemo.invoice.alias("invoice_id"),
                        fn.SUM(CreditMemo.amount).coerce(False).alias("cents"))
                .group_by(CreditMemo.invoice).alias("credited"))
    return paid, credited


def _filtered(show: InvoiceShow, text: str, on: date, customer_id: int | None):
    paid, credited = _settled_subqueries()
    open_cents = (Invoice.total - fn.COALESCE(paid.c.cents, 0)
                  - fn.COALESCE(credited.c.cents, 0))
    query = (Invoice
             .select(Invoice.id, Invoice.number, Invoice.customer, Partner.name,
                     Invoice.invoice_date, Invoice.due_date, Invoice.total,
                     open_cents.alias("open_cents"), Shipment.number, SalesOrder.number,
                     SalesOrder.customer_po)
             .join(Partner, on=(Invoice.customer == Partner.id))
             .switch(Invoice).join(Shipment, JOIN.LEFT_OUTER)
             .join(SalesOrder, JOIN.LEFT_OUTER)
             .switch(Invoice)
             .join(paid, JOIN.LEFT_OUTER, on=(paid.c.invoice_id == Invoice.id))
             .switch(Invoice)
             .join(credited, JOIN.LEFT_OUTER, on=(credited.c.invoice_id == Invoice.id)))
    if show is InvoiceShow.OPEN:
        query = query.where(open_cents > 0)
    elif show is InvoiceShow.OVERDUE:
        query = query.where((open_cents > 0) & (Invoice.due_date < on))
    elif show is InvoiceShow.PAID:
        query = query.where(open_cents <= 0)
    if customer_id is not None:
        query = query.where(Invoice.customer == customer_id)
    text = (text or "").strip()
    if text:
        query = query.where(contains(Invoice.number, text) | contains(Partner.name, text)
                            | contains(Shipment.number, text)
                            | contains(SalesOrder.number, text)
                            | contains(SalesOrder.customer_po, text))
    return query


def count_invoices(show: InvoiceShow = InvoiceShow.ALL, text: str = "",
                   on: date | None = None, customer_id: int | None = None) -> int:
    return _filtered(show, text, on or date.today(), customer_id).count()


def list_invoices(show: InvoiceShow = InvoiceShow.ALL, text: str = "", offset: int = 0,
                  limit: int = PAGE, on: date | None = None,
                  customer_id: int | None = None) -> list[InvoiceRow]:
    """A page of invoices, newest first (overdue ones: longest overdue first, the order
    a collections call goes in); `on` is the day "overdue" is judged on."""
    query = _filtered(show, text, on or date.today(), customer_id)
    order = ((Invoice.due_date, Invoice.id) if show is InvoiceShow.OVERDUE
             else (Invoice.id.desc(),))
    return _rows(query.order_by(*order).offset(offset).limit(limit))


def _rows(query) -> list[InvoiceRow]:
    return [InvoiceRow(invoice_id, number, customer_id, customer, invoice_date, due_date,
                       total, from_cents(open_cents), shipment or "", order or "", po or "")
            for (invoice_id, number, customer_id, customer, invoice_date, due_date, total,
                 open_cents, shipment, order, po) in query.tuples()]


def invoice_row(invoice_id: int) -> InvoiceRow | None:
    """The list's row of one invoice (a screen refreshes the row it shows after a
    payment or a credit memo)."""
    rows = _rows(_filtered(InvoiceShow.ALL, "", date.today(), None)
                 .where(Invoice.id == invoice_id))
    return rows[0] if rows else None


@dataclass(frozen=True)
class InvoiceLineRow:
    line_no: int
    description: str
    ndc: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class SettlementRow:
    """A payment applied to the invoice (its part of the payment) or a credit memo on it."""

    on: date
    kind: str  # "Payment" / "Credit memo"
    number: str  # PAY-000012 / CM-000003
    detail: str  # "Check 1042" / the memo's reason
    amount: Decimal
    entry_id: int  # the journal entry that posted it
    by: str


@dataclass(frozen=True)
class InvoiceDetail:
    invoice: InvoiceRow
    terms_days: int
    subtotal: Decimal
    tax: Decimal
    entry_id: int  # the journal entry that posted the invoice
    created_at: datetime
    created_by: str
    shipment_id: int | None
    order_id: int | None
    shipped_at: datetime | None
    lines: list[InvoiceLineRow]
    settlements: list[SettlementRow]

    @property
    def paid(self) -> Decimal:
        return sum((s.amount for s in self.settlements if s.kind == "Payment"), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((s.amount for s in self.settlements if s.kind != "Payment"), ZERO)


def invoice_detail(invoice_id: int) -> InvoiceDetail:
    """One invoice with its lines and settlements (five queries whatever its size)."""
    found = invoice_row(invoice_id)
    invoice = (Invoice.select(Invoice, Shipment).join(Shipment, JOIN.LEFT_OUTER)
               .where(Invoice.id == invoice_id).first())
    if found is None or invoice is None:
        raise NotFound("invoice", invoice_id)
    lines = [InvoiceLineRow(line.line_no, line.description, ndc_text(line.product),
                            line.quantity, line.unit_price, line.amount)
             for line in (InvoiceLine.select(InvoiceLine, Product).join(Product)
                          .where(InvoiceLine.invoice == invoice_id)
                          .order_by(InvoiceLine.line_no))]
    settled: list[tuple[datetime, SettlementRow]] = []
    for applied in (PaymentApplication.select(PaymentApplication, Payment).join(Payment)
                    .where(PaymentApplication.invoice == invoice_id)):
        p = applied.payment
        how = " ".join(x for x in (PAYMENT_METHODS.get(p.method, p.method), p.reference) if x)
        settled.append((p.created_at, SettlementRow(p.received_on, "Payment", p.number, how,
                                                    applied.amount, p.entry_id,
                                                    p.created_by)))
    for m in CreditMemo.select().where(CreditMemo.invoice == invoice_id):
        settled.append((m.created_at, SettlementRow(m.memo_date, "Credit memo", m.number,
                                                    m.reason, m.amount, m.entry_id,
                                                    m.created_by)))
    settled.sort(key=lambda s: (s[1].on, s[0]))  # by date, then as entered
    shipment = invoice.shipment if invoice.shipment_id is not None else None
    return InvoiceDetail(
        found, invoice.terms_days, invoice.subtotal, invoice.tax, invoice.entry_id,
        invoice.created_at, invoice.created_by, invoice.shipment_id,
        shipment.order_id if shipment else None, shipment.shipped_at if shipment else None,
        lines, [row for _, row in settled])


@dataclass(frozen=True)
class UninvoicedShipment:
    """A shipment that left but is not billed yet, and what its invoice would total
    before tax (the order's prices, less what came back before invoicing)."""

    id: int
    number: str
    order: str
    customer_id: int
    customer: str
    customer_po: str
    shipped_at: datetime
    units: int
    value: Decimal


def uninvoiced_shipments(limit: int = 1000) -> list[UninvoicedShipment]:
    """Shipped, not invoiced, oldest first (three queries). Customers invoiced on
    shipping never appear unless their setting changed; a shipment that came back whole
    before it was invoiced has nothing to bill and is left out."""
    shipments = list(Shipment.select(Shipment, SalesOrder, Partner)
                     .join(SalesOrder).join(Partner)
                     .switch(Shipment).join(Invoice, JOIN.LEFT_OUTER,
                                            on=(Invoice.shipment == Shipment.id))
                     .where((Shipment.status == ShipmentStatus.SHIPPED.value)
                            & Invoice.id.is_null())
                     .order_by(Shipment.shipped_at, Shipment.id).limit(limit))
    ids = [s.id for s in shipments]
    if not ids:
        return []
    shipped = {sid: (int(units or 0), cents) for sid, units, cents in (
        ShipmentItem.select(ShipmentItem.shipment, fn.SUM(ShipmentItem.quantity),
                            fn.SUM(ShipmentItem.quantity * SalesOrderLine.unit_price)
                            .coerce(False))
        .join(SalesOrderLine).where(ShipmentItem.shipment.in_(ids))
        .group_by(ShipmentItem.shipment).tuples())}
    returned = {sid: (int(units or 0), cents) for sid, units, cents in (
        CustomerReturnLine.select(CustomerReturn.shipment, fn.COUNT(CustomerReturnLine.id),
                                  fn.SUM(SalesOrderLine.unit_price).coerce(False))
        .join(CustomerReturn).switch(CustomerReturnLine)
        .join(ShipmentItem, on=((ShipmentItem.package == CustomerReturnLine.package)
                                & (ShipmentItem.shipment == CustomerReturn.shipment)))
        .join(SalesOrderLine).where(CustomerReturn.shipment.in_(ids))
        .group_by(CustomerReturn.shipment).tuples())}
    rows = []
    for s in shipments:
        units, cents = shipped.get(s.id, (0, 0))
        back_units, back_cents = returned.get(s.id, (0, 0))
        if units - back_units > 0:
            order = s.order
            rows.append(UninvoicedShipment(
                s.id, s.number, order.number, order.customer_id, order.customer.name,
                order.customer_po, s.shipped_at, units - back_units,
                from_cents(int(cents or 0) - int(back_cents or 0))))
    return rows
