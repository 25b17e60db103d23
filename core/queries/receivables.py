"""What customers owe: open invoices, balances and the AR aging buckets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from peewee import fn

from core.models import Invoice, Partner, Payment, PaymentApplication

ZERO = Decimal("0.00")
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


def _cents(value) -> Decimal:
    return Decimal(value or 0).scaleb(-2).quantize(ZERO)


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    invoice_date: date
    due_date: date
    total: Decimal
    open: Decimal

    def days_past_due(self, on: date) -> int:
        return max((on - self.due_date).days, 0)


@dataclass
class CustomerAging:
    customer_id: int
    customer: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    unapplied: Decimal = ZERO  # payments not applied to an invoice (credit on account)

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO) - self.unapplied

    def as_json(self) -> dict[str, object]:
        return {"customer_id": self.customer_id, "customer": self.customer,
                **{k: str(v) for k, v in self.buckets.items()},
                "unapplied": str(self.unapplied), "balance": str(self.balance)}


def bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    return "61-90" if days_past_due <= 90 else "90+"


def open_invoices(customer_id: int | None = None) -> dict[int, list[OpenInvoice]]:
    """Invoices with something left to pay, per customer, oldest due first."""
    paid = dict(PaymentApplication.select(PaymentApplication.invoice,
                                          fn.SUM(PaymentApplication.amount).coerce(False))
                .group_by(PaymentApplication.invoice).tuples())
    query = Invoice.select().order_by(Invoice.due_date, Invoice.id)
    if customer_id is not None:
        query = query.where(Invoice.customer == customer_id)
    found: dict[int, list[OpenInvoice]] = defaultdict(list)
    for invoice in query:
        left = invoice.total - _cents(paid.get(invoice.id))
        if left > 0:
            found[invoice.customer_id].append(OpenInvoice(
                invoice.number, invoice.invoice_date, invoice.due_date, invoice.total, left))
    return found


def ar_aging(on: date | None = None) -> list[CustomerAging]:
    """Per customer: open invoice amounts by days past due, and unapplied payments."""
    on = on or date.today()
    names = dict(Partner.select(Partner.id, Partner.name).tuples())
    rows: dict[int, CustomerAging] = {}
    for customer_id, invoices in open_invoices().items():
        aging = rows.setdefault(customer_id, CustomerAging(customer_id, names[customer_id]))
        for invoice in invoices:
            aging.buckets[bucket(invoice.days_past_due(on))] += invoice.open
    applied = dict(PaymentApplication.select(PaymentApplication.payment,
                                             fn.SUM(PaymentApplication.amount).coerce(False))
                   .group_by(PaymentApplication.payment).tuples())
    for payment in Payment.select():
        left = payment.amount - _cents(applied.get(payment.id))
        if left > 0:
            aging = rows.setdefault(payment.customer_id,
                                    CustomerAging(payment.customer_id,
                                                  names[payment.customer_id]))
            aging.unapplied += left
    return sorted(rows.values(), key=lambda a: a.customer)
