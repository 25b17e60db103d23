"""What we owe suppliers, as the office works it: a page of bills found by the supplier's
invoice number, the supplier or the PO, filtered to open, overdue or paid, each with what
is left to pay; one bill in full (each line beside the PO cost it was received at, and the
payments); the purchase orders with received goods not billed yet, and per line what a
bill may still claim, so a bill form starts from what actually arrived; AP aging.

What is left to pay is computed in the database (total less payments), so filtering and
paging stay in SQL however many bills there are; core.services.payables.bill_balance is
the same rule for one bill."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from peewee import JOIN, fn

from core.errors import NotFound
from core.models import (Partner, Product, PurchaseOrder, PurchaseOrderLine, SupplierBill,
                         SupplierBillLine, SupplierPayment)
from core.money import from_cents
from core.queries.billing_docs import PAYMENT_METHODS
from core.queries.paging import PAGE, contains
from core.queries.receivables import BUCKETS, bucket
from core.queries.sales import ndc_text
from core.vocab import PoStatus

ZERO = Decimal("0.00")
MAX_POS_TO_BILL = 500



class BillShow(StrEnum):
    """Which bills a list shows. Open includes overdue; paid means nothing is left."""

    ALL = "all"
    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"

    @property
    def label(self) -> str:
        return {"all": "All bills", "open": "Open", "overdue": "Overdue",
                "paid": "Paid"}[self.value]


@dataclass(frozen=True)
class BillRow:
    id: int
    number: str  # the supplier's invoice number
    supplier_id: int
    supplier: str
    po_id: int
    po: str  # PO-000012
    bill_date: date
    due_date: date
    total: Decimal
    balance: Decimal  # total less payments

    def days_overdue(self, on: date) -> int:
        """Days past the due date while something is left to pay; 0 otherwise."""
        return max((on - self.due_date).days, 0) if self.balance > 0 else 0

    def state(self, on: date) -> BillShow:
        if self.balance <= 0:
            return BillShow.PAID
        return BillShow.OVERDUE if self.days_overdue(on) else BillShow.OPEN

    def as_json(self, on: date) -> dict[str, object]:
        return {"bill": self.id, "number": self.number, "supplier": self.supplier,
                "po": self.po, "bill_date": self.bill_date.isoformat(),
                "due_date": self.due_date.isoformat(), "total": str(self.total),
                "balance": str(self.balance), "status": self.state(on).value}


def _filtered(show: BillShow, text: str, on: date, supplier_id: int | None):
    paid = (SupplierPayment
            .select(SupplierPayment.bill.alias("bill_id"),
                    fn.SUM(SupplierPayment.amount).coerce(False).alias("cents"))
            .group_by(SupplierPayment.bill).alias("paid"))
    balance_cents = SupplierBill.total - fn.COALESCE(paid.c.cents, 0)
    query = (SupplierBill
             .select(SupplierBill.id, SupplierBill.number, SupplierBill.supplier, Partner.name,
                     SupplierBill.po, PurchaseOrder.number, SupplierBill.bill_date,
                     SupplierBill.due_date, SupplierBill.total,
                     balance_cents.alias("balance_cents"))
             .join(Partner, on=(SupplierBill.supplier == Partner.id))
             .switch(SupplierBill).join(PurchaseOrder, on=(SupplierBill.po == PurchaseOrder.id))
             .switch(SupplierBill)
             .join(paid, JOIN.LEFT_OUTER, on=(paid.c.bill_id == SupplierBill.id)))
    if show is BillShow.OPEN:
        query = query.where(balance_cents > 0)
    elif show is BillShow.OVERDUE:
        query = query.where((balance_cents > 0) & (SupplierBill.due_date < on))
    elif show is BillShow.PAID:
        query = query.where(balance_cents <= 0)
    if supplier_id is not None:
        query = query.where(SupplierBill.supplier == supplier_id)
    text = (text or "").strip()
    if text:
        query = query.where(contains(SupplierBill.number, text) | contains(Partner.name, text)
                            | contains(PurchaseOrder.number, text))
    return query


def _rows(query) -> list[BillRow]:
    return [BillRow(bill_id, number, supplier_id, supplier, po_id, po, bill_date, due_date,
                    total, from_cents(balance_cents))
            for (bill_id, number, supplier_id, supplier, po_id, po, bill_date, due_date, total,
                 balance_cents) in query.tuples()]


def count_bills(show: BillShow = BillShow.ALL, text: str = "", on: date | None = None,
                supplier_id: int | None = None) -> int:
    return _filtered(show, text, on or date.today(), supplier_id).count()


def list_bills(show: BillShow = BillShow.ALL, text: str = "", offset: int = 0,
               limit: int = PAGE, on: date | None = None,
               supplier_id: int | None = None) -> list[BillRow]:
    """A page of bills, newest first; overdue ones longest overdue first, the order they
    are paid in. `on` is the day "overdue" is judged on."""
    query = _filtered(show, text, on or date.today(), supplier_id)
    order = ((SupplierBill.due_date, SupplierBill.id) if show is BillShow.OVERDUE
             else (SupplierBill.id.desc(),))
    return _rows(query.order_by(*order).offset(offset).limit(limit))


def bill_row(bill_id: int) -> BillRow | None:
    """The list's row of one bill (a screen refreshes the row it shows after a payment)."""
    rows = _rows(_filtered(BillShow.ALL, "", date.today(), None)
                 .where(SupplierBill.id == bill_id))
    return rows[0] if rows else None


@dataclass(frozen=True)
class BillLineRow:
    po_line_no: int
    ndc: str
    product: str
    quantity: int
    unit_cost: Decimal  # as the supplier billed it
    po_unit_cost: Decimal  # as ordered, and as the receipt was booked
    amount: Decimal

    @property
    def variance(self) -> Decimal:
        """Billed above (> 0) or below the PO cost, for this line's quantity: what went
        to Purchase Price Variance."""
        return (self.unit_cost - self.po_unit_cost) * self.quantity


@dataclass(frozen=True)
class BillPaymentRow:
    id: int
    paid_on: date
    amount: Decimal
    method: str  # "Check", "ACH"
    reference: str
    entry_id: int  # the journal entry that posted it
    by: str


@dataclass(frozen=True)
class BillDetail:
    bill: BillRow
    entry_id: int  # the journal entry that posted the bill
    created_at: datetime
    created_by: str
    lines: list[BillLineRow]
    payments: list[BillPaymentRow]

    @property
    def received_value(self) -> Decimal:
        """The billed units at the PO cost: what the bill cleared from GRNI."""
        return sum((line.po_unit_cost * line.quantity for line in self.lines), ZERO)

    @property
    def variance(self) -> Decimal:
        return self.bill.total - self.received_value

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), ZERO)


def bill_detail(bill_id: int) -> BillDetail:
    """One bill with its lines and payments (four queries whatever its size)."""
    found = bill_row(bill_id)
    bill = SupplierBill.get_or_none(SupplierBill.id == bill_id)
    if found is None or bill is None:
        raise NotFound("supplier bill", bill_id)
    lines = [BillLineRow(line.po_line.line_no, ndc_text(line.po_line.product),
                         line.po_line.product.name, line.quantity, line.unit_cost,
                         line.po_line.unit_cost, line.amount)
             for line in (SupplierBillLine.select(SupplierBillLine, PurchaseOrderLine, Product)
                          .join(PurchaseOrderLine).join(Product)
                          .where(SupplierBillLine.bill == bill_id)
                          .order_by(PurchaseOrderLine.line_no))]
    payments = [BillPaymentRow(p.id, p.paid_on, p.amount, PAYMENT_METHODS.get(p.method,
                                                                             p.method),
                               p.reference, p.entry_id, p.created_by)
                for p in (SupplierPayment.select().where(SupplierPayment.bill == bill_id)
                          .order_by(SupplierPayment.paid_on, SupplierPayment.id))]
    return BillDetail(found, bill.entry_id, bill.created_at, bill.created_by, lines, payments)


# -- what can still be billed -----------------------------------------------------------

def _billed_per_line():
    return (SupplierBillLine
            .select(SupplierBillLine.po_line.alias("po_line_id"),
                    fn.SUM(SupplierBillLine.quantity).alias("units"))
            .group_by(SupplierBillLine.po_line).alias("billed"))


@dataclass(frozen=True)
class PoToBill:
    """A purchase order with goods received and not billed yet."""

    id: int
    number: str
    supplier_id: int
    supplier: str
    status: PoStatus
    units: int  # received, not billed
    value: Decimal  # those units at the PO cost: what waits in GRNI for this PO


def pos_to_bill(supplier_id: int | None = None, limit: int = MAX_POS_TO_BILL
                ) -> list[PoToBill]:
    """Orders with unbilled receipts, oldest first (the bills that should come first)."""
    billed = _billed_per_line()
    units = PurchaseOrderLine.received_quantity - fn.COALESCE(billed.c.units, 0)
    query = (PurchaseOrderLine
             .select(PurchaseOrder.id, PurchaseOrder.number, Partner.id, Partner.name,
                     PurchaseOrder.status, fn.SUM(units),
                     fn.SUM(units * PurchaseOrderLine.unit_cost).coerce(False))
             .join(PurchaseOrder).join(Partner)
             .switch(PurchaseOrderLine)
             .join(billed, JOIN.LEFT_OUTER, on=(billed.c.po_line_id == PurchaseOrderLine.id))
             .group_by(PurchaseOrder.id, PurchaseOrder.number, Partner.id, Partner.name,
                       PurchaseOrder.status)
             .having(fn.SUM(units) > 0)
             .order_by(PurchaseOrder.id).limit(limit))
    if supplier_id is not None:
        query = query.where(PurchaseOrder.supplier == supplier_id)
    return [PoToBill(po_id, number, sid, name, PoStatus(status), int(open_units),
                     from_cents(cents))
            for po_id, number, sid, name, status, open_units, cents in query.tuples()]


@dataclass(frozen=True)
class BillableLine:
    po_line_no: int
    gtin: str
    ndc: str
    product: str
    ordered: int
    received: int
    billed: int
    unit_cost: Decimal  # the PO cost, what the receipt was booked at

    @property
    def unbilled(self) -> int:
        return max(self.received - self.billed, 0)


@dataclass(frozen=True)
class BillablePo:
    id: int
    number: str
    supplier_id: int
    supplier: str
    terms_days: int  # the supplier's payment terms: a new bill's default
    lines: list[BillableLine]

    @property
    def unbilled_value(self) -> Decimal:
        return sum((line.unit_cost * line.unbilled for line in self.lines), ZERO)


def billable_po(po: int | str) -> BillablePo:
    """Every line of a PO (by id or number) with what was received and already billed,
    so a bill form can offer the rest at the PO cost (three queries)."""
    query = PurchaseOrder.select(PurchaseOrder, Partner).join(Partner)
    if isinstance(po, int):
        query = query.where(PurchaseOrder.id == po)
    else:
        query = query.where(PurchaseOrder.number == po.strip().upper())
    order = query.first()
    if order is None:
        raise NotFound("purchase order", po)
    billed = dict(SupplierBillLine
                  .select(SupplierBillLine.po_line, fn.SUM(SupplierBillLine.quantity))
                  .join(PurchaseOrderLine).where(PurchaseOrderLine.order == order.id)
                  .group_by(SupplierBillLine.po_line).tuples())
    lines = [BillableLine(line.line_no, line.product.gtin, ndc_text(line.product),
                          line.product.name, line.quantity, line.received_quantity,
                          int(billed.get(line.id) or 0), line.unit_cost)
             for line in (PurchaseOrderLine.select(PurchaseOrderLine, Product).join(Product)
                          .where(PurchaseOrderLine.order == order.id)
                          .order_by(PurchaseOrderLine.line_no))]
    return BillablePo(order.id, order.number, order.supplier_id, order.supplier.name,
                      order.supplier.payment_terms_days, lines)


# -- AP aging -----------------------------------------------------------------------------

@dataclass
class SupplierAging:
    supplier_id: int
    supplier: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    open_bills: int = 0

    @property
    def balance(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)

    def as_json(self) -> dict[str, object]:
        return {"supplier_id": self.supplier_id, "supplier": self.supplier,
                **{k: str(v) for k, v in self.buckets.items()}, "balance": str(self.balance),
                "open_bills": self.open_bills}


def ap_aging(on: date | None = None) -> list[SupplierAging]:
    """Per supplier: what is left to pay on each open bill, by days past its due date."""
    on = on or date.today()
    rows: dict[int, SupplierAging] = {}
    for bill in _rows(_filtered(BillShow.OPEN, "", on, None)):
        aging = rows.setdefault(bill.supplier_id, SupplierAging(bill.supplier_id, bill.supplier))
        aging.buckets[bucket(max((on - bill.due_date).days, 0))] += bill.balance
        aging.open_bills += 1
    return sorted(rows.values(), key=lambda a: a.supplier)
