"""Invoices from shipments and the payments that settle them, posted to the ledger in
the same transaction: an invoice is Accounts Receivable / Sales (and Sales Tax Payable),
a payment Cash / Accounts Receivable.

An invoice bills exactly what one shipment shipped (less anything the customer sent back
before it was invoiced), at the order's prices; a shipment is
invoiced once (automatically when it ships, if the customer is set up so, else with one
click). Invoices and payments are never changed: a mistake is corrected by a credit memo
or a reversing entry. Tax is the customer's rate on the subtotal, rounded half up to the
cent once per invoice (docs/accounting.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from peewee import fn

from core.db import write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import (CreditMemo, Invoice, InvoiceLine, Partner, Payment, PaymentApplication, Product,
                         SalesOrderLine, Shipment, ShipmentItem)
from core.models.base import utc_now
from core.money import parse_money, sales_tax
from core.permissions import Actor, Permission
from core.queries.receivables import open_invoices, plan_payment
from core.queries.returns import returned_quantities
from core.services import audit
from core.services.access import authorize
from core.services.accounting import Posting, post_entry
from core.services.numbering import next_number
from core.vocab import AccountRole, ShipmentStatus

ZERO = Decimal("0.00")
METHODS = ("check", "ach", "wire", "card", "cash")


class AlreadyInvoiced(RxDeskError):
    title = "Already invoiced"


@dataclass(frozen=True)
class InvoiceResult:
    invoice_id: int
    number: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    due_date: date


def invoice_shipment(actor: Actor, shipment_id: int) -> InvoiceResult:
    """Invoice a shipped shipment (one click); refused if it is already invoiced."""
    with write_transaction():
        authorize(actor, Permission.POST_INVOICES)
        return raise_invoice(actor, shipment_id)


def raise_invoice(actor: Actor, shipment_id: int) -> InvoiceResult:
    """The invoice for a shipment, inside the caller's transaction (shipping calls it for
    customers invoiced on shipment: that rule, set on the customer, is the authority)."""
    shipment = Shipment.get_or_none(Shipment.id == shipment_id)
    if shipment is None:
        raise NotFound("shipment", shipment_id)
    if shipment.status != ShipmentStatus.SHIPPED.value:
        raise InvalidInput("shipment", f"{shipment.number} has not shipped yet; only what "
                           "has shipped is invoiced.")
    done = Invoice.get_or_none(Invoice.shipment == shipment)
    if done is not None:
        raise AlreadyInvoiced(f"{shipment.number} is already invoiced on {done.number}.")
    customer = Partner.get_by_id(shipment.order.customer_id)
    rows = (ShipmentItem
            .select(SalesOrderLine.id, SalesOrderLine.line_no, SalesOrderLine.unit_price,
                    Product.id, Product.name, Product.strength,
                    fn.SUM(ShipmentItem.quantity))
            .join(SalesOrderLine).join(Product)
            .where(ShipmentItem.shipment == shipment)
            .group_by(SalesOrderLine.id, SalesOrderLine.line_no, SalesOrderLine.unit_price,
                      Product.id, Product.name, Product.strength)
            .order_by(SalesOrderLine.line_no).tuples())
    returned = returned_quantities(shipment.id)  # sent back before it was invoiced
    kept = [(line_id, price, product_id, name, strength, int(qty) - returned.get(line_id, 0))
            for line_id, _, price, product_id, name, strength, qty in rows]
    lines = [(line_id, product_id, f"{name} {strength}".strip() if strength not in name
              else name, qty, price, price * qty)
             for line_id, price, product_id, name, strength, qty in kept if qty > 0]
    if not lines:
        raise InvalidInput("shipment", f"Everything on {shipment.number} came back before "
                           "it was invoiced; there is nothing to bill.")
    subtotal = sum((amount for *_, amount in lines), ZERO)
    tax = sales_tax(subtotal, customer.tax_rate_bp)
    total = subtotal + tax
    today = date.today()
    number = next_number("INV")
    postings = [Posting(AccountRole.RECEIVABLES, debit=total, partner_id=customer.id,
                        memo=number),
                Posting(AccountRole.SALES, credit=subtotal, memo=number)]
    if tax:
        postings.append(Posting(AccountRole.SALES_TAX, credit=tax, memo=number))
    entry = post_entry(actor, postings, f"invoice:{number}",
                       f"{number} to {customer.name} for {shipment.number}")
    invoice = Invoice.create(
        number=number, customer=customer, shipment=shipment, invoice_date=today,
        due_date=today + timedelta(days=customer.payment_terms_days),
        terms_days=customer.payment_terms_days, subtotal=subtotal, tax=tax, total=total,
        entry=entry, created_at=utc_now(), created_by=actor.username)
    InvoiceLine.insert_many([
        {"invoice": invoice.id, "line_no": n, "order_line": line_id, "product": product_id,
         "description": description[:300], "quantity": qty, "unit_price": price,
         "amount": amount}
        for n, (line_id, product_id, description, qty, price, amount)
        in enumerate(lines, start=1)]).execute()
    audit.record(actor, "invoice", "invoice", invoice.id,
                 f"{number} for {shipment.number} to {customer.name}: {total}")
    return InvoiceResult(invoice.id, number, subtotal, tax, total, invoice.due_date)


def open_balance(invoice_id: int) -> Decimal:
    """The invoice's total less payments applied and credit memos issued on it."""
    invoice = Invoice.get_by_id(invoice_id)
    paid = (PaymentApplication.select(fn.SUM(PaymentApplication.amount).coerce(False))
            .where(PaymentApplication.invoice == invoice_id).scalar())
    credited = (CreditMemo.select(fn.SUM(CreditMemo.amount).coerce(False))
                .where(CreditMemo.invoice == invoice_id).scalar())
    return invoice.total - Decimal((paid or 0) + (credited or 0)).scaleb(-2)


def issue_credit_memo(actor: Actor, invoice_number: str, amount: str | Decimal,
                      reason: str) -> str:
    """Credit part or all of an invoice's open balance (Sales Returns / AR); returns the
    memo's number. Returned goods come back through receiving; this is the money."""
    value = parse_money(amount, "amount")
    if not value:
        raise InvalidInput("amount", "A credit memo is more than zero.")
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the customer is credited.")
    with write_transaction():
        authorize(actor, Permission.POST_INVOICES)
        invoice = Invoice.get_or_none(Invoice.number == (invoice_number or "").strip().upper())
        if invoice is None:
            raise NotFound("invoice", invoice_number)
        owed = open_balance(invoice.id)
        if value > owed:
            raise InvalidInput("amount", f"{invoice.number} has {owed} open; a credit of "
                               f"{value} is more. Credit at most the open balance.")
        number = next_number("CM")
        entry = post_entry(actor, [
            Posting(AccountRole.SALES_RETURNS, debit=value, memo=number),
            Posting(AccountRole.RECEIVABLES, credit=value, partner_id=invoice.customer_id,
                    memo=number)], f"credit:{number}",
            f"{number} on {invoice.number}: {reason.strip()}")
        memo = CreditMemo.create(number=number, customer=invoice.customer_id, invoice=invoice,
                                 memo_date=date.today(), amount=value,
                                 reason=reason.strip()[:300], entry=entry,
                                 created_at=utc_now(), created_by=actor.username)
        audit.record(actor, "credit_memo", "credit_memo", memo.id,
                     f"{number} {value} on {invoice.number}: {reason.strip()}")
        return number


def payment_amount(amount: str | Decimal, method: str) -> Decimal:
    """A payment's amount (more than zero, whole cents) once its method is one we know."""
    value = parse_money(amount, "amount")
    if not value:
        raise InvalidInput("amount", "A payment is more than zero.")
    if method not in METHODS:
        raise InvalidInput("method", f"Payment method is one of {', '.join(METHODS)}.")
    return value


def record_payment(actor: Actor, customer_id: int, amount: str | Decimal,
                   apply_to: Sequence[str] = (), received_on: date | None = None,
                   method: str = "check", reference: str = "") -> int:
    """A customer's payment, applied to the invoices named (oldest due first, each up to
    its open balance: core.queries.receivables.plan_payment, which screens preview); what
    is left is credit on the customer's account. One transaction."""
    value = payment_amount(amount, method)
    with write_transaction():
        authorize(actor, Permission.RECORD_PAYMENTS)
        customer = Partner.get_or_none(Partner.id == customer_id)
        if customer is None or not customer.is_customer:
            raise NotFound("customer", customer_id)
        owed = {i.number: i for i in open_invoices(customer.id).get(customer.id, [])}
        named: dict[str, Invoice] = {}
        for text in apply_to:
            invoice = Invoice.get_or_none(Invoice.number == text.strip().upper())
            if invoice is None:
                raise NotFound("invoice", text)
            if invoice.customer_id != customer.id:
                raise InvalidInput("apply", f"{invoice.number} is not {customer.name}'s "
                                   "invoice.")
            if invoice.number not in owed:
                raise InvalidInput("apply", f"{invoice.number} is already paid.")
            named[invoice.number] = invoice
        plan = plan_payment(list(owed.values()), set(named), value)
        if plan.starved:
            raise InvalidInput("apply", f"The payment of {value} is used up before "
                               f"{plan.starved[0]}; apply it to fewer invoices.")
        applications = [(named[n], amount) for n, amount in plan.applied.items()]
        left = plan.left
        number = next_number("PAY")
        entry = post_entry(actor, [
            Posting(AccountRole.CASH, debit=value, memo=number),
            Posting(AccountRole.RECEIVABLES, credit=value, partner_id=customer.id,
                    memo=number)], f"payment:{number}",
            f"{number} from {customer.name}" + (f" ({reference})" if reference else ""),
            entry_date=received_on)
        payment = Payment.create(number=number, customer=customer,
                                 received_on=received_on or date.today(), amount=value,
                                 method=method, reference=(reference or "")[:60], entry=entry,
                                 created_at=utc_now(), created_by=actor.username)
        if applications:
            PaymentApplication.insert_many([
                {"payment": payment.id, "invoice": invoice.id, "amount": take}
                for invoice, take in applications]).execute()
        audit.record(actor, "payment", "payment", payment.id,
                     f"{number} {value} from {customer.name}: "
                     + (", ".join(f"{i.number} {t}" for i, t in applications) or "on account")
                     + (f"; {left} on account" if applications and left else ""))
        return payment.id
