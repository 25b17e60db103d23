"""Purchase orders as screens, documents and receiving read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import peewee

from core.errors import NotFound
from core.models import Partner, Product, PurchaseOrder, PurchaseOrderLine
from core.ndc import Ndc
from core.queries.paging import PAGE, contains
from core.vocab import PoStatus, Schedule


@dataclass(frozen=True)
class PoLineRow:
    line_no: int
    product_id: int
    gtin: str
    ndc: str
    product: str
    quantity: int
    unit_cost: Decimal
    received_quantity: int
    # What a supplier reads to pick the right item (DSCSA TI elements B and D).
    strength: str = ""
    dosage_form: str = ""
    package_description: str = ""
    schedule: Schedule = Schedule.NONE

    @property
    def amount(self) -> Decimal:
        return self.unit_cost * self.quantity

    @property
    def open_quantity(self) -> int:
        return max(self.quantity - self.received_quantity, 0)


@dataclass(frozen=True)
class PoRow:
    id: int
    number: str
    supplier_id: int
    supplier: str
    status: PoStatus
    expected_on: date | None
    created_at: datetime
    line_count: int = 0
    total: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class PoDetail:
    order: PoRow
    note: str
    confirmed_by: str
    lines: list[PoLineRow]
    created_by: str = ""
    confirmed_at: datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def _row(po: PurchaseOrder, supplier_name: str, line_count: int = 0,
         total: Decimal = Decimal("0.00")) -> PoRow:
    return PoRow(po.id, po.number, po.supplier_id, supplier_name, PoStatus(po.status),
                 po.expected_on, po.created_at, line_count, total)


def _filtered(status: PoStatus | None, supplier_id: int | None, text: str):
    query = PurchaseOrder.select(PurchaseOrder, Partner.name).join(Partner)
    if status:
        query = query.where(PurchaseOrder.status == status.value)
    if supplier_id:
        query = query.where(PurchaseOrder.supplier == supplier_id)
    text = (text or "").strip()
    if text:
        query = query.where(contains(PurchaseOrder.number, text) | contains(Partner.name, text))
    return query


def _totals(po_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """(line count, total) per order in one grouped query; money summed in cents."""
    if not po_ids:
        return {}
    cents = peewee.fn.SUM(PurchaseOrderLine.quantity * PurchaseOrderLine.unit_cost)
    query = (PurchaseOrderLine.select(PurchaseOrderLine.order, peewee.fn.COUNT(
        PurchaseOrderLine.id), cents.coerce(False)).where(PurchaseOrderLine.order.in_(po_ids))
        .group_by(PurchaseOrderLine.order).tuples())
    return {order: (count, Decimal(int(total or 0)).scaleb(-2))
            for order, count, total in query}


def count_pos(status: PoStatus | None = None, supplier_id: int | None = None,
              text: str = "") -> int:
    return _filtered(status, supplier_id, text).count()


def list_pos(status: PoStatus | None = None, supplier_id: int | None = None, offset: int = 0,
             limit: int = PAGE, text: str = "") -> list[PoRow]:
    """A page of orders, newest first; `text` matches the PO number or supplier name."""
    orders = list(_filtered(status, supplier_id, text).order_by(PurchaseOrder.id.desc())
                  .offset(offset).limit(limit))
    totals = _totals([po.id for po in orders])
    return [_row(po, po.supplier.name, *totals.get(po.id, (0, Decimal("0.00"))))
            for po in orders]


def po_detail(po_id: int) -> PoDetail:
    po = PurchaseOrder.select(PurchaseOrder, Partner).join(Partner).where(
        PurchaseOrder.id == po_id).first()
    if po is None:
        raise NotFound("purchase order", po_id)
    lines = []
    for line in (PurchaseOrderLine.select(PurchaseOrderLine, Product).join(Product)
                 .where(PurchaseOrderLine.order == po).order_by(PurchaseOrderLine.line_no)):
        p = line.product
        lines.append(PoLineRow(
            line.line_no, line.product_id, p.gtin,
            Ndc(p.ndc_labeler, p.ndc_product, p.ndc_package, p.ndc_layout).ndc10, p.name,
            line.quantity, line.unit_cost, line.received_quantity, p.strength, p.dosage_form,
            p.package_description, Schedule(p.schedule)))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return PoDetail(_row(po, po.supplier.name, len(lines), total), po.note, po.confirmed_by,
                    lines, po.created_by, po.confirmed_at)


def po_by_number(number: str) -> PoRow | None:
    po = PurchaseOrder.select(PurchaseOrder, Partner).join(Partner).where(
        PurchaseOrder.number == number.strip().upper()).first()
    return _row(po, po.supplier.name) if po else None
