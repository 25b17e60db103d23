"""Sales orders as screens, documents and the pack station read them, and why stock on
hand cannot be allocated to an order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from peewee import fn

from core.errors import NotFound
from core.models import (Allocation, Location, Lot, Partner, PartnerAddress, Product,
                         SalesOrder, SalesOrderLine, Shipment, ShipmentItem, StockBalance)
from core.ndc import Ndc
from core.queries.paging import PAGE
from core.vocab import LocationKind, PackageStatus, ShipmentStatus, SoStatus


@dataclass(frozen=True)
class AllocatedLot:
    lot_id: int
    lot_number: str
    expiry: date
    location: str
    pick_sequence: int
    quantity: int


@dataclass(frozen=True)
class OrderLineRow:
    id: int
    line_no: int
    product_id: int
    gtin: str
    ndc: str
    product: str
    serialized: bool
    quantity: int
    unit_price: Decimal
    price_source: str
    allocated: int
    packed: int
    shipped: int
    allocations: tuple[AllocatedLot, ...]

    @property
    def backordered(self) -> int:
        return max(self.quantity - self.shipped - self.packed - self.allocated, 0)

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    customer_id: int
    customer: str
    status: SoStatus
    customer_po: str
    created_at: datetime


@dataclass(frozen=True)
class OrderDetail:
    order: OrderRow
    customer_gln: str
    ship_to: str
    min_shelf_life_days: int
    note: str
    lines: list[OrderLineRow]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def ndc_text(product: Product) -> str:
    return Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
               product.ndc_layout).ndc10


def _row(order: SalesOrder, customer: str) -> OrderRow:
    return OrderRow(order.id, order.number, order.customer_id, customer,
                    SoStatus(order.status), order.customer_po, order.created_at)


def list_orders(status: SoStatus | None = None, customer_id: int | None = None,
                offset: int = 0, limit: int = PAGE) -> list[OrderRow]:
    query = (SalesOrder.select(SalesOrder, Partner.name).join(Partner)
             .order_by(SalesOrder.id.desc()).offset(offset).limit(limit))
    if status:
        query = query.where(SalesOrder.status == status.value)
    if customer_id:
        query = query.where(SalesOrder.customer == customer_id)
    return [_row(o, o.customer.name) for o in query]


def order_detail(order_id: int) -> OrderDetail:
    order = (SalesOrder.select(SalesOrder, Partner, PartnerAddress).join(Partner)
             .switch(SalesOrder).join(PartnerAddress).where(SalesOrder.id == order_id).first())
    if order is None:
        raise NotFound("sales order", order_id)
    lines = list(SalesOrderLine.select(SalesOrderLine, Product).join(Product)
                 .where(SalesOrderLine.order == order).order_by(SalesOrderLine.line_no))
    ids = [line.id for line in lines]
    allocated: dict[int, list[AllocatedLot]] = defaultdict(list)
    for a in (Allocation.select(Allocation, Lot, Location).join(Lot).switch(Allocation)
              .join(Location).where(Allocation.line.in_(ids))
              .order_by(Lot.expiry, Location.pick_sequence, Location.code)):
        allocated[a.line_id].append(AllocatedLot(a.lot_id, a.lot.lot_number, a.lot.expiry,
                                                 a.location.code, a.location.pick_sequence,
                                                 a.quantity))
    packed = dict(ShipmentItem.select(ShipmentItem.line, fn.SUM(ShipmentItem.quantity))
                  .join(Shipment).where(ShipmentItem.line.in_(ids)
                                        & (Shipment.status == ShipmentStatus.PACKING.value))
                  .group_by(ShipmentItem.line).tuples())
    rows = [OrderLineRow(
        line.id, line.line_no, line.product_id, line.product.gtin, ndc_text(line.product),
        line.product.name, line.product.serialized, line.quantity, line.unit_price,
        line.price_source, sum(a.quantity for a in allocated[line.id]),
        packed.get(line.id, 0), line.shipped_quantity, tuple(allocated[line.id]))
        for line in lines]
    a = order.ship_to
    ship_to = ", ".join(p for p in (a.name, a.street, a.city, a.state, a.postal_code) if p)
    return OrderDetail(_row(order, order.customer.name), order.customer.gln or "", ship_to,
                       order.min_shelf_life_days, order.note, rows)


@dataclass(frozen=True)
class Availability:
    """A product's stock on hand for one order: what can be allocated, and why the rest
    cannot (each reason with its units), so the office can explain a backorder."""

    product: str
    on_hand: int
    allocatable: int
    blocked: list[tuple[str, int]]


def availability(product_id: int, min_shelf_life_days: int = 0,
                 today: date | None = None) -> Availability:
    today = today or date.today()
    earliest = today + timedelta(days=max(min_shelf_life_days, 1))
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        raise NotFound("product", product_id)
    rows = (StockBalance.select(StockBalance.lot, StockBalance.location, StockBalance.status,
                                StockBalance.quantity, Lot.expiry, Location.kind)
            .join(Lot, on=(StockBalance.lot == Lot.id)).switch(StockBalance)
            .join(Location, on=(StockBalance.location == Location.id))
            .where((StockBalance.product == product_id) & (StockBalance.quantity > 0))
            .tuples())
    reserved = dict(((lot, loc), qty) for lot, loc, qty in (
        Allocation.select(Allocation.lot, Allocation.location, fn.SUM(Allocation.quantity))
        .join(Lot).where(Lot.product == product_id)
        .group_by(Allocation.lot, Allocation.location).tuples()))
    buckets: dict[str, int] = defaultdict(int)
    on_hand = allocatable = 0
    for lot_id, location_id, status, quantity, expiry, kind in rows:
        on_hand += quantity
        if status != PackageStatus.SALEABLE.value:
            label = {PackageStatus.ALLOCATED.value: "packed for other orders"}.get(
                status, status)
            buckets[label] += quantity
        elif kind != LocationKind.BIN.value:
            buckets["in receiving, not yet put away" if kind == LocationKind.RECEIVING.value
                    else f"at {LocationKind(kind).label.lower()}"] += quantity
        elif expiry < today:
            buckets["expired"] += quantity
        elif expiry < earliest:
            buckets[f"expires before the {min_shelf_life_days}-day shelf-life minimum"
                    if min_shelf_life_days else "expires today"] += quantity
        else:
            held = min(reserved.get((lot_id, location_id), 0), quantity)
            if held:
                buckets["allocated to other orders"] += held
            allocatable += quantity - held
    blocked = sorted(((k, v) for k, v in buckets.items() if v), key=lambda kv: -kv[1])
    return Availability(product.name, on_hand, allocatable, blocked)


def order_id_by_number(number: str) -> int | None:
    """The id of the order numbered e.g. SO-000123 (as the pick list's barcode reads)."""
    return (SalesOrder.select(SalesOrder.id)
            .where(SalesOrder.number == (number or "").strip().upper()).scalar())
