"""Supplier bills, matched three ways (purchase order, receipt, bill) before they are
owed, and paid.

A bill line names a PO line and may bill no more than was received on it and not billed
yet. Posting clears Goods Received Not Invoiced at the cost the receipt was booked at
(the PO line's unit cost, see core.services.valuation) and credits Accounts Payable with
what the supplier billed; the difference is Purchase Price Variance. Paying a bill is
Accounts Payable / Cash. Bills and payments are append-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from peewee import fn

from core.db import is_postgres, write_transaction
from core.errors import InvalidInput, NotFound
from core.models import (Partner, PurchaseOrder, PurchaseOrderLine, SupplierBill,
                         SupplierBillLine, SupplierPayment)
from core.models.base import utc_now
from core.money import parse_money
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.services.accounting import Posting, post_entry
from core.services.invoicing import payment_amount
from core.vocab import AccountRole

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BillLineInput:
    po_line_no: int
    quantity: int
    unit_cost: str | Decimal


def billed_quantity(po_line_id: int) -> int:
    return (SupplierBillLine.select(fn.COALESCE(fn.SUM(SupplierBillLine.quantity), 0))
            .where(SupplierBillLine.po_line == po_line_id).scalar())


def enter_bill(actor: Actor, po_number: str, supplier_invoice: str,
               lines: Sequence[BillLineInput], bill_date: date | None = None,
               terms_days: int | None = None) -> int:
    """Record a supplier's invoice against a PO; returns the bill id. It falls due
    `terms_days` after its date: by default the supplier's payment terms (Net 30 unless
    set on the partner), since most bills simply follow them."""
    number = (supplier_invoice or "").strip()
    if not number:
        raise InvalidInput("number", "Enter the supplier's invoice number.")
    if not lines:
        raise InvalidInput("lines", "A bill needs at least one line.")
    if terms_days is not None and (not isinstance(terms_days, int)
                                   or not 0 <= terms_days <= 365):
        raise InvalidInput("terms_days", "Payment terms are 0 to 365 days.")
    with write_transaction():
        authorize(actor, Permission.POST_INVOICES)
        query = PurchaseOrder.select().where(
            PurchaseOrder.number == (po_number or "").strip().upper())
        # Locked so two clerks billing the same receipt cannot both pass the check.
        po = (query.for_update() if is_postgres() else query).first()
        if po is None:
            raise NotFound("purchase order", po_number)
        if SupplierBill.select().where((SupplierBill.supplier == po.supplier_id)
                                       & (SupplierBill.number == number[:40])).exists():
            raise InvalidInput("number", f"Bill {number} from this supplier is already "
                               "entered.")
        po_lines = {line.line_no: line for line in
                    PurchaseOrderLine.select().where(PurchaseOrderLine.order == po)}
        matched, grni, owed = [], ZERO, ZERO
        named: set[int] = set()
        for entry in lines:
            line = po_lines.get(entry.po_line_no)
            if line is None:
                raise InvalidInput("lines", f"{po.number} has no line {entry.po_line_no}.")
            if entry.po_line_no in named:
                raise InvalidInput("lines", f"Line {entry.po_line_no} is named twice; bill "
                                   "its whole quantity on one line.")
            named.add(entry.po_line_no)
            if not isinstance(entry.quantity, int) or entry.quantity <= 0:
                raise InvalidInput("lines", f"Line {entry.po_line_no}: the quantity billed "
                                   "is a whole number above zero.")
            open_units = line.received_quantity - billed_quantity(line.id)
            if entry.quantity > open_units:
                raise InvalidInput("lines", f"Line {entry.po_line_no}: {entry.quantity} "
                                   f"billed, but only {max(open_units, 0)} received and not "
                                   "yet billed. Receive the goods first, or ask the supplier "
                                   "for a corrected bill.")
            cost = parse_money(entry.unit_cost, "unit_cost")
            matched.append((line, entry.quantity, cost))
            grni += line.unit_cost * entry.quantity
            owed += cost * entry.quantity
        day = bill_date or date.today()
        terms = (terms_days if terms_days is not None
                 else Partner.get_by_id(po.supplier_id).payment_terms_days)
        postings = [Posting(AccountRole.GRNI, debit=grni, memo=f"bill {number}"),
                    Posting(AccountRole.PAYABLES, credit=owed, partner_id=po.supplier_id,
                            memo=f"bill {number}")]
        if owed > grni:
            postings.append(Posting(AccountRole.PRICE_VARIANCE, debit=owed - grni))
        elif grni > owed:
            postings.append(Posting(AccountRole.PRICE_VARIANCE, credit=grni - owed))
        entry_id = post_entry(actor, postings, f"bill:{po.number}",
                              f"Bill {number} for {po.number}", entry_date=day)
        bill = SupplierBill.create(number=number[:40], supplier=po.supplier_id, po=po,
                                   bill_date=day, due_date=day + timedelta(days=terms),
                                   total=owed, entry=entry_id, created_at=utc_now(),
                                   created_by=actor.username)
        SupplierBillLine.insert_many([
            {"bill": bill.id, "po_line": line.id, "quantity": qty, "unit_cost": cost,
             "amount": cost * qty} for line, qty, cost in matched]).execute()
        audit.record(actor, "enter_bill", "supplier_bill", bill.id,
                     f"{number} for {po.number}: {owed} (received value {grni})")
        return bill.id


def bill_balance(bill_id: int) -> Decimal:
    bill = SupplierBill.get_by_id(bill_id)
    paid = sum((p.amount for p in SupplierPayment.select().where(
        SupplierPayment.bill == bill_id)), ZERO)
    return bill.total - paid


def pay_bill(actor: Actor, bill_id: int, amount: str | Decimal, paid_on: date | None = None,
             method: str = "check", reference: str = "") -> int:
    value = payment_amount(amount, method)
    with write_transaction():
        authorize(actor, Permission.RECORD_PAYMENTS)
        query = SupplierBill.select().where(SupplierBill.id == bill_id)
        # Locked so two payments entered at once cannot both fit the same balance.
        bill = (query.for_update() if is_postgres() else query).first()
        if bill is None:
            raise NotFound("supplier bill", bill_id)
        owed = bill_balance(bill.id)
        if value > owed:
            raise InvalidInput("amount", f"Bill {bill.number} has {owed} left to pay; "
                               f"{value} is more.")
        entry = post_entry(actor, [
            Posting(AccountRole.PAYABLES, debit=value, partner_id=bill.supplier_id,
                    memo=f"bill {bill.number}"),
            Posting(AccountRole.CASH, credit=value, memo=f"bill {bill.number}")],
            f"bill-payment:{bill.id}", f"Paid bill {bill.number}", entry_date=paid_on)
        payment = SupplierPayment.create(bill=bill, paid_on=paid_on or date.today(),
                                         amount=value, method=method,
                                         reference=(reference or "")[:60], entry=entry,
                                         created_at=utc_now(), created_by=actor.username)
        audit.record(actor, "pay_bill", "supplier_bill", bill.id,
                     f"{bill.number}: paid {value} ({method} {reference})".strip())
        return payment.id
