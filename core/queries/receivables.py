"""What customers owe: open invoices, balances and the AR aging buckets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from peewee import fn

from core.models import CreditMemo, Invoice, Partner, Payment, PaymentApplication
from core.money import from_cents

ZERO = Decimal("0.00")
BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")



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
    unapplied: Decimal = ZERO  # credit on account: unapplied payments, return credits

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


def _left_on_invoice():
    """An invoice's total less the payments applied to it and the credit memos on it,
    in cents (SQL, per row: the sums use the invoice foreign-key indexes)."""
    applied = (PaymentApplication.select(fn.COALESCE(fn.SUM(PaymentApplication.amount), 0))
               .where(PaymentApplication.invoice == Invoice.id))
    credited = (CreditMemo.select(fn.COALESCE(fn.SUM(CreditMemo.amount), 0))
                .where(CreditMemo.invoice == Invoice.id))
    return Invoice.total - applied - credited


def _invoice_balances(customer_id: int | None) -> list[tuple[Invoice, Decimal]]:
    """Invoices not settled exactly (oldest due first) with what is left on each; below
    zero when a return credited more than was still open. Paid invoices, nearly all
    of six years of them, stay in the database."""
    left = _left_on_invoice()
    query = (Invoice.select(Invoice, left.alias("left_cents"))
             .where(left != 0).order_by(Invoice.due_date, Invoice.id))
    if customer_id is not None:
        query = query.where(Invoice.customer == customer_id)
    return [(invoice, from_cents(invoice.left_cents)) for invoice in query]


def open_invoices(customer_id: int | None = None) -> dict[int, list[OpenInvoice]]:
    """Invoices with something left to pay (after payments and credit memos), per
    customer, oldest due first."""
    found: dict[int, list[OpenInvoice]] = defaultdict(list)
    for invoice, left in _invoice_balances(customer_id):
        if left > 0:
            found[invoice.customer_id].append(OpenInvoice(
                invoice.number, invoice.invoice_date, invoice.due_date, invoice.total, left))
    return found


def unapplied_credit(customer_id: int | None = None) -> dict[int, Decimal]:
    """Credit on each customer's account: payments not applied to an invoice, and
    return credits beyond what their invoice still owed."""
    credit: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice, left in _invoice_balances(customer_id):
        if left < 0:
            credit[invoice.customer_id] -= left
    applied = (PaymentApplication.select(fn.COALESCE(fn.SUM(PaymentApplication.amount), 0))
               .where(PaymentApplication.payment == Payment.id))
    left = Payment.amount - applied
    payments = Payment.select(Payment.customer, left.alias("left_cents")).where(left > 0)
    if customer_id is not None:
        payments = payments.where(Payment.customer == customer_id)
    for customer, cents in payments.tuples():
        credit[customer] += from_cents(cents)
    return dict(credit)


def ar_aging(on: date | None = None) -> list[CustomerAging]:
    """Per customer: open invoice amounts by days past due, and credit on account."""
    on = on or date.today()
    names = dict(Partner.select(Partner.id, Partner.name).tuples())
    rows: dict[int, CustomerAging] = {}
    for customer_id, invoices in open_invoices().items():
        aging = rows.setdefault(customer_id, CustomerAging(customer_id, names[customer_id]))
        for invoice in invoices:
            aging.buckets[bucket(invoice.days_past_due(on))] += invoice.open
    for customer_id, credit in unapplied_credit().items():
        aging = rows.setdefault(customer_id, CustomerAging(customer_id, names[customer_id]))
        aging.unapplied += credit
    return sorted(rows.values(), key=lambda a: a.customer)


@dataclass(frozen=True)
class CreditStatus:
    """Why new orders for a customer would be held (empty reasons: not held)."""

    customer: str
    balance: Decimal  # open invoices less unapplied payments
    open_orders: Decimal  # confirmed, not yet shipped
    credit_limit: Decimal  # 0: none
    oldest_past_due_days: int
    reasons: list[str]

    @property
    def held(self) -> bool:
        return bool(self.reasons)


def credit_status(customer_id: int, adding: Decimal = ZERO, on: date | None = None,
                  excluding_order: int | None = None) -> CreditStatus:
    """The credit check for an order worth `adding`: the customer's balance plus open
    orders plus this one against the credit limit, and invoices past due beyond the
    customer's hold threshold."""
    from core.models import SalesOrder, SalesOrderLine
    from core.vocab import SoStatus

    on = on or date.today()
    customer = Partner.get_by_id(customer_id)
    invoices = open_invoices(customer_id).get(customer_id, [])
    unapplied = unapplied_credit(customer_id).get(customer_id, ZERO)
    balance = sum((i.open for i in invoices), ZERO) - unapplied
    open_statuses = [s.value for s in (SoStatus.CONFIRMED, SoStatus.ALLOCATED,
                                       SoStatus.PICKING, SoStatus.PACKED)]
    lines = (SalesOrderLine.select(SalesOrderLine.quantity, SalesOrderLine.shipped_quantity,
                                   SalesOrderLine.unit_price)
             .join(SalesOrder).where((SalesOrder.customer == customer_id)
                                     & SalesOrder.status.in_(open_statuses)))
    if excluding_order is not None:
        lines = lines.where(SalesOrder.id != excluding_order)
    open_orders = sum(((q - s) * price for q, s, price in lines.tuples()), ZERO)
    oldest = max((i.days_past_due(on) for i in invoices), default=0)
    reasons = []
    limit = customer.credit_limit
    if limit and balance + open_orders + adding > limit:
        reasons.append(f"over the credit limit of {limit}: owes {balance}, open orders "
                       f"{open_orders}, this order {adding}")
    if customer.hold_past_due_days and oldest > customer.hold_past_due_days:
        reasons.append(f"an invoice is {oldest} days past due (hold after "
                       f"{customer.hold_past_due_days})")
    return CreditStatus(customer.name, balance, open_orders, limit, oldest, reasons)


@dataclass(frozen=True)
class PaymentPlan:
    """How a payment would be applied: each ticked invoice (oldest due first) up to its
    open balance; `starved` are ticked invoices the money runs out before (the service
    refuses those); `left` stays on the customer's account as credit."""

    applied: dict[str, Decimal]
    left: Decimal
    starved: list[str]


def plan_payment(invoices: list[OpenInvoice], ticked: set[str],
                 amount: Decimal) -> PaymentPlan:
    """The rule `record_payment` applies, for a screen to preview it as the user types."""
    applied, starved, left = {}, [], amount
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if invoice.number not in ticked:
            continue
        take = min(invoice.open, left)
        if take <= 0:
            starved.append(invoice.number)
        else:
            applied[invoice.number] = take
            left -= take
    return PaymentPlan(applied, left, starved)


def oldest_first(invoices: list[OpenInvoice], amount: Decimal) -> set[str]:
    """The invoices a payment of `amount` reaches, oldest due first."""
    ticked, left = set(), amount
    for invoice in sorted(invoices, key=lambda i: (i.due_date, i.number)):
        if left <= 0:
            break
        ticked.add(invoice.number)
        left -= min(invoice.open, left)
    return ticked
