"""What the billing documents print: the invoice (what one shipment billed, where to pay,
what has been paid or credited on it and what is still due) and the customer statement
(an account's activity over a period with a running balance, and what is owed by age).

An invoice reads what was frozen when it was raised (its lines, prices, dates and terms);
the parties (our profile, the customer's bill-to) are read as they are today, because a
reprint is sent to where the customer is now and asks for payment where we are now.

A fixed handful of queries whatever the size: a 300-line invoice reads all its lines in
one statement and all their lots in another; a statement reads each kind of transaction
once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from peewee import JOIN, fn

from core.errors import InvalidInput, NotFound
from core.models import (CreditMemo, Invoice, InvoiceLine, Lot, Partner, PartnerAddress,
                         Payment, PaymentApplication, Product, SalesOrder, Shipment,
                         ShipmentItem)
from core.money import sales_tax
from core.queries.company import CompanyProfile, company_profile
from core.queries.picking import Address, address_of
from core.queries.receivables import ZERO, CustomerAging, bucket
from core.queries.sales import ndc_text
from core.queries.shipping_docs import find_numbered
from core.vocab import AddressKind

PAYMENT_METHODS = {"check": "Check", "ach": "ACH", "wire": "Wire transfer",
                   "card": "Card", "cash": "Cash"}
STATEMENT_DAYS = 90  # a statement's default look-back (see _default_from)


def terms_text(days: int) -> str:
    """Payment terms as US invoices print them: "Net 30", or "Due on receipt"."""
    return f"Net {days}" if days else "Due on receipt"


def remit_lines(company: CompanyProfile) -> tuple[str, ...]:
    """The profile's remit-to block, one printed line each (blank lines dropped);
    empty when none is set, and the documents then send payment to our address."""
    return tuple(line.strip() for line in (company.remit_to or "").splitlines()
                 if line.strip())


@dataclass(frozen=True)
class LotShipped:
    lot: str
    expiry: date
    quantity: int


@dataclass(frozen=True)
class InvoiceLineDoc:
    line_no: int
    description: str  # as billed: "Atorvastatin 20 mg tablets, 90 count"
    ndc: str
    lots: tuple[LotShipped, ...]  # from the shipment, earliest expiry first
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Settlement:
    """A payment applied to the invoice or a credit memo issued on it."""

    on: date
    number: str  # PAY-000012 / CM-000003
    kind: str  # "Payment" / "Credit memo"
    detail: str  # "Check CHK 1042" / the memo's reason
    amount: Decimal


@dataclass(frozen=True)
class InvoiceDoc:
    invoice_id: int
    number: str  # INV-000123
    invoice_date: date
    due_date: date
    terms_days: int
    company: CompanyProfile
    remit_to: tuple[str, ...]  # empty: pay to our address
    customer: str
    customer_gln: str
    bill_to: Address
    ship_to: Address | None  # None: an invoice without a shipment
    customer_po: str
    order_number: str
    shipment_number: str
    shipped_at: datetime | None
    lines: list[InvoiceLineDoc]
    subtotal: Decimal
    tax: Decimal
    tax_rate_bp: Decimal | None  # None: the customer's rate has changed since (not printed)
    total: Decimal
    settlements: list[Settlement]

    @property
    def terms(self) -> str:
        return terms_text(self.terms_days)

    @property
    def paid(self) -> Decimal:
        return sum((s.amount for s in self.settlements if s.kind == "Payment"), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((s.amount for s in self.settlements if s.kind != "Payment"), ZERO)

    @property
    def balance_due(self) -> Decimal:
        """Never below zero: a return credited beyond what was open is credit on the
        customer's account (the statement shows it), not a refund on this invoice."""
        return max(self.total - self.paid - self.credited, ZERO)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def find_invoice(text: str) -> int:
    """An invoice id from what a person typed: 12 or INV-000012."""
    return find_numbered(text, "INV-", Invoice, "invoice")


def find_customer(gln: str) -> int:
    """A customer's id from their GLN (how the command line names trading partners)."""
    value = (gln or "").strip()
    customer = Partner.get_or_none((Partner.gln == value) & Partner.is_customer)
    if customer is None:
        raise NotFound("customer with GLN", value)
    return customer.id


def bill_to_address(customer: Partner, ship_to: PartnerAddress | None = None) -> Address:
    """Where invoices go: the customer's default bill-to (else their first), else the
    ship-to the goods went to, else their default ship-to. A customer may have no
    address at all (an import in progress): the document then prints the name alone."""
    rows = list(PartnerAddress.select().where(PartnerAddress.partner == customer)
                .order_by(PartnerAddress.id))
    bills, ships = ([a for a in rows if a.kind == kind.value]
                    for kind in (AddressKind.BILL_TO, AddressKind.SHIP_TO))
    ranked = sorted(bills, key=lambda a: not a.is_default) or (
        [ship_to] if ship_to is not None else sorted(ships, key=lambda a: not a.is_default))
    if not ranked:
        return Address(customer.name, "", "", "", "", "", "")
    return address_of(ranked[0], customer.name)


def _company() -> CompanyProfile:
    company = company_profile()
    if company is None:
        raise NotFound("company profile", 1)
    return company


def _tax_rate(invoice: Invoice, rate_bp: Decimal) -> Decimal | None:
    """The rate to print beside the tax: the customer's, if it is the one the invoice
    was taxed at (the invoice keeps the amount, not the rate)."""
    return rate_bp if sales_tax(invoice.subtotal, rate_bp) == invoice.tax else None


def invoice_doc(invoice_id: int) -> InvoiceDoc:
    invoice = (Invoice.select(Invoice, Partner).join(Partner)
               .where(Invoice.id == invoice_id).first())
    if invoice is None:
        raise NotFound("invoice", invoice_id)
    customer = invoice.customer
    shipment = order = ship_to = None
    if invoice.shipment_id is not None:
        shipment = (Shipment.select(Shipment, SalesOrder, PartnerAddress).join(SalesOrder)
                    .join(PartnerAddress).where(Shipment.id == invoice.shipment_id).get())
        order = shipment.order
        ship_to = order.ship_to
    lots: dict[int, list[LotShipped]] = defaultdict(list)
    if shipment is not None:
        for line_id, lot, expiry, units in (
                ShipmentItem.select(ShipmentItem.line, Lot.lot_number, Lot.expiry,
                                    fn.SUM(ShipmentItem.quantity))
                .join(Lot).where(ShipmentItem.shipment == shipment.id)
                .group_by(ShipmentItem.line, Lot.lot_number, Lot.expiry)
                .order_by(Lot.expiry, Lot.lot_number).tuples()):
            lots[line_id].append(LotShipped(lot, expiry, int(units)))
    lines = [InvoiceLineDoc(line.line_no, line.description, ndc_text(line.product),
                            tuple(lots.get(line.order_line_id, ())), line.quantity,
                            line.unit_price, line.amount)
             for line in (InvoiceLine.select(InvoiceLine, Product).join(Product)
                          .where(InvoiceLine.invoice == invoice.id)
                          .order_by(InvoiceLine.line_no))]
    company = _company()
    return InvoiceDoc(
        invoice.id, invoice.number, invoice.invoice_date, invoice.due_date,
        invoice.terms_days, company, remit_lines(company), customer.name,
        customer.gln or "", bill_to_address(customer, ship_to),
        address_of(ship_to, customer.name) if ship_to is not None else None,
        order.customer_po if order else "", order.number if order else "",
        shipment.number if shipment else "", shipment.shipped_at if shipment else None,
        lines, invoice.subtotal, invoice.tax, _tax_rate(invoice, customer.tax_rate_bp),
        invoice.total,
        _settlements(invoice.id))


def _payment_detail(method: str, reference: str) -> str:
    return " ".join(x for x in (PAYMENT_METHODS.get(method, method), reference) if x)


def _settlements(invoice_id: int) -> list[Settlement]:
    paid = [Settlement(p.received_on, p.number, "Payment",
                       _payment_detail(p.method, p.reference), amount)
            for p, amount in (
                (a.payment, a.amount) for a in
                PaymentApplication.select(PaymentApplication, Payment).join(Payment)
                .where(PaymentApplication.invoice == invoice_id))]
    credited = [Settlement(m.memo_date, m.number, "Credit memo", m.reason, m.amount)
                for m in CreditMemo.select().where(CreditMemo.invoice == invoice_id)]
    return sorted(paid + credited, key=lambda s: (s.on, s.number))


# -- the statement ---------------------------------------------------------------------


@dataclass(frozen=True)
class StatementEntry:
    """One transaction on the account, with the balance after it."""

    on: date
    kind: str  # "Invoice" / "Payment" / "Credit memo"
    number: str
    reference: str  # the customer's PO, the check number, the invoice credited
    due_date: date | None  # invoices only
    charge: Decimal  # what it added to the balance
    credit: Decimal  # what it took off
    balance: Decimal  # running, after this entry
    open: Decimal | None  # invoices: still unpaid on the statement date


@dataclass(frozen=True)
class StatementDoc:
    customer_id: int
    customer: str
    customer_gln: str
    bill_to: Address
    terms_days: int
    company: CompanyProfile
    remit_to: tuple[str, ...]
    statement_date: date  # the period's last day; balances and aging are as of it
    period_from: date
    period_to: date
    opening_balance: Decimal
    entries: list[StatementEntry]
    aging: CustomerAging  # as of the statement date

    @property
    def closing_balance(self) -> Decimal:
        return self.entries[-1].balance if self.entries else self.opening_balance

    @property
    def amount_due(self) -> Decimal:
        return max(self.closing_balance, ZERO)

    @property
    def terms(self) -> str:
        return terms_text(self.terms_days)

    @property
    def charges(self) -> Decimal:
        return sum((e.charge for e in self.entries), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((e.credit for e in self.entries), ZERO)


@dataclass(frozen=True)
class _Activity:
    """Everything on one customer's account up to a day: each invoice with what was
    paid and credited on it by then, and each payment with what of it was applied."""

    invoices: list[Invoice]
    applied_to: dict[int, Decimal]  # invoice id -> paid + credited by the day
    payments: list[Payment]
    applied_from: dict[int, Decimal]  # payment id -> applied to invoices by the day
    memos: list[CreditMemo]

    def aging(self, customer_id: int, name: str, on: date) -> CustomerAging:
        """The AR aging rule of core.queries.receivables, as the account stood at the
        end of `on`: an invoice's open amount by days past due; payments not applied,
        and credits beyond what their invoice still owed, are credit on account."""
        aging = CustomerAging(customer_id, name)
        for invoice in self.invoices:
            left = invoice.total - self.applied_to.get(invoice.id, ZERO)
            if left > 0:
                aging.buckets[bucket(max((on - invoice.due_date).days, 0))] += left
            else:
                aging.unapplied -= left
        for payment in self.payments:
            aging.unapplied += payment.amount - self.applied_from.get(payment.id, ZERO)
        return aging

    def open_on(self, invoice: Invoice) -> Decimal:
        return max(invoice.total - self.applied_to.get(invoice.id, ZERO), ZERO)


def _activity(customer_id: int, through: date) -> _Activity:
    """A payment counts as applied to an invoice from the day both exist on the books
    (received, invoiced), so a backdated payment applied to a later invoice was credit
    on account until then."""
    invoices = list(Invoice.select(Invoice, SalesOrder.customer_po)
                    .join(Shipment, JOIN.LEFT_OUTER).join(SalesOrder, JOIN.LEFT_OUTER)
                    .where((Invoice.customer == customer_id)
                           & (Invoice.invoice_date <= through))
                    .order_by(Invoice.invoice_date, Invoice.id).objects())
    payments = list(Payment.select().where((Payment.customer == customer_id)
                                           & (Payment.received_on <= through))
                    .order_by(Payment.received_on, Payment.id))
    memos = list(CreditMemo.select(CreditMemo, Invoice.id, Invoice.number).join(Invoice)
                 .where((CreditMemo.customer == customer_id)
                        & (CreditMemo.memo_date <= through))
                 .order_by(CreditMemo.memo_date, CreditMemo.id))
    applied_to: dict[int, Decimal] = defaultdict(lambda: ZERO)
    applied_from: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for payment_id, invoice_id, amount in (
            PaymentApplication.select(PaymentApplication.payment, PaymentApplication.invoice,
                                      PaymentApplication.amount)
            .join(Payment).switch(PaymentApplication).join(Invoice)
            .where((Payment.customer == customer_id) & (Payment.received_on <= through)
                   & (Invoice.invoice_date <= through)).tuples()):
        applied_to[invoice_id] += amount
        applied_from[payment_id] += amount
    for memo in memos:
        applied_to[memo.invoice_id] += memo.amount
    return _Activity(invoices, applied_to, payments, applied_from, memos)


def _default_from(activity: _Activity, through: date) -> date:
    """The first day a statement covers when none is asked for: the last
    STATEMENT_DAYS days, reaching further back to the oldest invoice still open on
    `through`, so every invoice the customer is asked to pay is listed on it with its
    due date, and what came before is one balance brought forward."""
    start = through - timedelta(days=STATEMENT_DAYS - 1)
    open_dates = [i.invoice_date for i in activity.invoices if activity.open_on(i) > 0]
    return min([start, *open_dates])


def statement_doc(customer_id: int, period_from: date | None = None,
                  period_to: date | None = None) -> StatementDoc:
    """A balance-forward statement: what was owed before the period, every invoice,
    payment and credit memo dated in it (by date, then as entered) with the running
    balance, and the aging as of its last day. The closing balance equals the aging's
    balance on that day (and, dated today, the customer's row of ar_aging)."""
    customer = Partner.get_or_none((Partner.id == customer_id) & Partner.is_customer)
    if customer is None:
        raise NotFound("customer", customer_id)
    period_to = period_to or date.today()
    activity = _activity(customer.id, period_to)
    period_from = period_from or _default_from(activity, period_to)
    if period_from > period_to:
        raise InvalidInput("period_from", f"The statement period starts on {period_from}, "
                           f"after it ends ({period_to}); give --from before --to.")
    before = [(i.total, ZERO) for i in activity.invoices if i.invoice_date < period_from]
    before += [(ZERO, p.amount) for p in activity.payments if p.received_on < period_from]
    before += [(ZERO, m.amount) for m in activity.memos if m.memo_date < period_from]
    opening = sum((charge - credit for charge, credit in before), ZERO)
    rows = [(i.invoice_date, i.created_at, "Invoice", i.number,
             f"PO {i.customer_po}" if i.customer_po else "",
             i.due_date, i.total, ZERO, activity.open_on(i))
            for i in activity.invoices if i.invoice_date >= period_from]
    rows += [(p.received_on, p.created_at, "Payment", p.number,
              _payment_detail(p.method, p.reference), None, ZERO, p.amount, None)
             for p in activity.payments if p.received_on >= period_from]
    rows += [(m.memo_date, m.created_at, "Credit memo", m.number,
              f"On {m.invoice.number}: {m.reason}", None, ZERO, m.amount, None)
             for m in activity.memos if m.memo_date >= period_from]
    balance, entries = opening, []
    for on, _, kind, number, reference, due, charge, credit, still_open in sorted(
            rows, key=lambda r: r[:2]):
        balance += charge - credit
        entries.append(StatementEntry(on, kind, number, reference, due, charge, credit,
                                      balance, still_open))
    company = _company()
    return StatementDoc(
        customer.id, customer.name, customer.gln or "", bill_to_address(customer),
        customer.payment_terms_days, company, remit_lines(company), period_to,
        period_from, period_to, opening, entries,
        activity.aging(customer.id, customer.name, period_to))
