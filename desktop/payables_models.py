"""Table models of the Supplier bills screen: AP aging per supplier, the bills list
(paged from the database), a bill's lines beside their PO costs and its payments. Money
cells show dollars and sort by the Decimal; a price variance shows its sign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.queries.payables import (BillLineRow, BillPaymentRow, BillRow, BillShow,
                                   SupplierAging, count_bills, list_bills)
from desktop.books_models import BUCKET_TONES, money, money_or_blank
from desktop.paged_table import PagedColumn, PagedTableModel
from desktop.table_models import Column, RowTableModel

STATE_TONES = {BillShow.OPEN: "info", BillShow.OVERDUE: "bad", BillShow.PAID: "ok"}


def variance_text(amount: Decimal) -> str:
    """+$3.00 billed above the PO cost, -$0.60 below, blank when equal."""
    if not amount:
        return ""
    return f"+{money(amount)}" if amount > 0 else money(amount)


def variance_tone(amount: Decimal) -> str | None:
    """Paying more than ordered is what a buyer chases; less is good news."""
    if not amount:
        return None
    return "warn" if amount > 0 else "ok"


def state_text(bill: BillRow, on: date) -> str:
    state = bill.state(on)
    if state is BillShow.OVERDUE:
        days = bill.days_overdue(on)
        return f"Overdue {days} day{'s' if days != 1 else ''}"
    return state.label


class ApAgingModel(RowTableModel[SupplierAging]):
    columns = (
        Column("Supplier", lambda a: a.supplier),
        Column("Open bills", lambda a: f"{a.open_bills:,}", lambda a: a.open_bills,
               align_right=True),
        *(Column(name.capitalize() if name == "current" else name,
                 lambda a, n=name: money_or_blank(a.buckets[n]), lambda a, n=name: a.buckets[n],
                 align_right=True, tone=lambda a, n=name: BUCKET_TONES[n])
          for name in ("current", "1-30", "31-60", "61-90", "90+")),
        Column("Balance", lambda a: money(a.balance), lambda a: a.balance, align_right=True),
    )
    SUPPLIER = 0

    def row_of(self, supplier_id: int) -> int:
        return next((n for n, a in enumerate(self.rows) if a.supplier_id == supplier_id), -1)


class BillsModel(PagedTableModel[BillRow]):
    """Bills found by the screen's search, state filter and chosen supplier."""

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.text = ""
        self.showing = BillShow.OPEN
        self.supplier_id: int | None = None
        self.on = date.today()
        self.columns = (
            PagedColumn("Bill", lambda b: b.number),
            PagedColumn("Supplier", lambda b: b.supplier),
            PagedColumn("PO", lambda b: b.po),
            PagedColumn("Bill date", lambda b: b.bill_date.isoformat(), lambda b: b.bill_date),
            PagedColumn("Due", lambda b: b.due_date.isoformat(), lambda b: b.due_date),
            PagedColumn("Status", lambda b: state_text(b, self.on),
                        tone=lambda b: STATE_TONES[b.state(self.on)]),
            PagedColumn("Total", lambda b: money(b.total), lambda b: b.total,
                        align_right=True),
            PagedColumn("Balance", lambda b: money(b.balance), lambda b: b.balance,
                        align_right=True),
        )

    SUPPLIER, STATUS = 1, 5

    def query(self):
        show, text, on, supplier = self.showing, self.text, self.on, self.supplier_id
        return (lambda: count_bills(show, text, on, supplier),
                lambda offset, limit: list_bills(show, text, offset, limit, on, supplier))


class BillLinesModel(RowTableModel[BillLineRow]):
    columns = (
        Column("PO line", lambda line: str(line.po_line_no), lambda line: line.po_line_no,
               align_right=True),
        Column("NDC", lambda line: line.ndc),
        Column("Product", lambda line: line.product),
        Column("Qty", lambda line: f"{line.quantity:,}", lambda line: line.quantity,
               align_right=True),
        Column("Billed cost", lambda line: money(line.unit_cost), lambda line: line.unit_cost,
               align_right=True),
        Column("PO cost", lambda line: money(line.po_unit_cost),
               lambda line: line.po_unit_cost, align_right=True),
        Column("Variance", lambda line: variance_text(line.variance),
               lambda line: line.variance, align_right=True,
               tone=lambda line: variance_tone(line.variance)),
        Column("Amount", lambda line: money(line.amount), lambda line: line.amount,
               align_right=True),
    )
    PRODUCT, VARIANCE = 2, 6


class BillPaymentsModel(RowTableModel[BillPaymentRow]):
    columns = (
        Column("Paid on", lambda p: p.paid_on.isoformat(), lambda p: p.paid_on),
        Column("How", lambda p: " ".join(x for x in (p.method, p.reference) if x)),
        Column("Entry", lambda p: f"#{p.entry_id}", lambda p: p.entry_id, align_right=True),
        Column("By", lambda p: p.by),
        Column("Amount", lambda p: money(p.amount), lambda p: p.amount, align_right=True),
    )
    HOW = 1
