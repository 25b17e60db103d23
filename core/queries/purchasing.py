"""Purchase orders as screens, documents and receiving read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from core.errors import NotFound
from core.models import Partner, Product, PurchaseOrder, PurchaseOrderLine
from core.ndc import Ndc
from core.queries.paging import PAGE
from core.vocab import PoStatus


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


@dataclass(frozen=True)
class PoDetail:
    order: PoRow
    note: str
    confirmed_by: str
    lines: list[PoLineRow]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def _row(po: PurchaseOrder, supplier_name: str) -> PoRow:
    return PoRow(po.id, po.number, po.supplier_id, supplier_name, PoStatus(po.status),
                 po.expected_on, po.created_at)


def list_pos(status: PoStatus | None = None, supplier_id: int | None = None, offset: int = 0,
             limit: int = PAGE) -> list[PoRow]:
    query = (PurchaseOrder.select(PurchaseOrder, Partner.name).join(Partner)
             .order_by(PurchaseOrder.id.desc()).offset(offset).limit(limit))
    if status:
        query = query.where(PurchaseOrder.status == status.value)
    if supplier_id:
        query = query.where(PurchaseOrder.supplier == supplier_id)
    return [_row(po, po.supplier.name) for po in query]


def po_detail(po_id: int) -> PoDetail:
    po = PurchaseOrder.select(PurchaseOrder, Partner).join(Partner).where(
        PurchaseOrder.id == po_id).first()
    if po is None:
        raise NotFound("purchase order", po_id)
    lines = [PoLineRow(line.line_no, line.product_id, line.product.gtin,
                       Ndc(line.product.ndc_labeler, line.product.ndc_product,
                           line.product.ndc_package, line.product.ndc_layout).ndc10,
                       line.product.name, line.quantity, line.unit_cost, line.received_quantity)
             for line in PurchaseOrderLine.select(PurchaseOrderLine, Product).join(Product)
             .where(PurchaseOrderLine.order == po).order_by(PurchaseOrderLine.line_no)]
    return PoDetail(_row(po, po.supplier.name), po.note, po.confirmed_by, lines)


def po_by_number(number: str) -> PoRow | None:
    po = PurchaseOrder.select(PurchaseOrder, Partner).join(Partner).where(
        PurchaseOrder.number == number.strip().upper()).first()
    return _row(po, po.supplier.name) if po else None
