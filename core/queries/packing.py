"""What the pack station shows: the orders waiting to be packed, and one order as it is
being packed (its lines with what is packed and where to pick the rest, the shipment's
cartons with their units, and whether the customer may still receive).

Read in a fixed handful of queries whatever the order's size; the order list is one
query with two aggregate subqueries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, Case, fn

from core.models import (Carton, Container, Partner, Product, SalesOrder, SalesOrderLine,
                         Shipment, ShipmentItem)
from core.queries.atp import atp_status
from core.queries.paging import PAGE
from core.queries.sales import OrderDetail, order_detail, order_id_by_number
from core.vocab import Schedule, ShipmentStatus, SoStatus

# Allocated: ready to pick; picking: packing has started; packed: waiting to ship.
TO_PACK = (SoStatus.ALLOCATED, SoStatus.PICKING, SoStatus.PACKED)


@dataclass(frozen=True)
class OrderToPack:
    id: int
    number: str
    customer: str
    status: SoStatus
    customer_po: str
    created_at: datetime
    units: int  # still to ship (ordered less shipped)
    packed: int  # in the shipment being packed


@dataclass(frozen=True)
class PackCarton:
    seq: int
    sscc: str
    units: int


@dataclass(frozen=True)
class PackingView:
    """One order at the pack station. `shipment_id` is the shipment being packed, else
    the one shipped last (for reprinting its documents), else None."""

    detail: OrderDetail
    shipment_id: int | None
    shipment_number: str
    shipment_status: ShipmentStatus | None
    cartons: list[PackCarton]
    blocked: str  # why the customer may not receive this order today; "" when it may

    @property
    def packable(self) -> bool:
        return self.detail.order.status in TO_PACK + (SoStatus.CONFIRMED,) and (
            self.shipment_status in (None, ShipmentStatus.PACKING))

    @property
    def packed(self) -> int:
        return sum(line.packed for line in self.detail.lines)

    @property
    def remaining(self) -> int:
        return sum(max(line.quantity - line.shipped - line.packed, 0)
                   for line in self.detail.lines)


def orders_to_pack(limit: int = PAGE) -> list[OrderToPack]:
    """Orders being packed first (picking, packed), then allocated ones; oldest first."""
    units = (SalesOrderLine.select(fn.COALESCE(fn.SUM(SalesOrderLine.quantity
                                                      - SalesOrderLine.shipped_quantity), 0))
             .where(SalesOrderLine.order == SalesOrder.id))
    packed = (ShipmentItem.select(fn.COALESCE(fn.SUM(ShipmentItem.quantity), 0))
              .join(Shipment)
              .where((Shipment.order == SalesOrder.id)
                     & (Shipment.status == ShipmentStatus.PACKING.value)))
    waiting = SalesOrder.status == SoStatus.ALLOCATED.value
    query = (SalesOrder.select(SalesOrder.id, SalesOrder.number, Partner.name,
                               SalesOrder.status, SalesOrder.customer_po,
                               SalesOrder.created_at, units.alias("units"),
                               packed.alias("packed"))
             .join(Partner)
             .where(SalesOrder.status.in_([s.value for s in TO_PACK]))
             .order_by(Case(None, [(waiting, 1)], 0), SalesOrder.id)
             .limit(limit))
    return [OrderToPack(o.id, o.number, o.customer.name, SoStatus(o.status), o.customer_po,
                        o.created_at, int(o.units or 0), int(o.packed or 0))
            for o in query]


def count_orders_to_pack() -> int:
    return (SalesOrder.select()
            .where(SalesOrder.status.in_([s.value for s in TO_PACK])).count())


def packing_view(order_id: int) -> PackingView:
    """Raises NotFound for an unknown order."""
    detail = order_detail(order_id)
    packing_first = Case(None, [(Shipment.status == ShipmentStatus.PACKING.value, 0)], 1)
    shipment = (Shipment.select(Shipment.id, Shipment.number, Shipment.status)
                .where(Shipment.order == order_id)
                .order_by(packing_first, Shipment.id.desc()).first())
    cartons: list[PackCarton] = []
    if shipment is not None:
        cartons = [PackCarton(seq, sscc, int(units)) for seq, sscc, units in (
            Carton.select(Carton.seq, Container.sscc,
                          fn.COALESCE(fn.SUM(ShipmentItem.quantity), 0))
            .join(Container).switch(Carton)
            .join(ShipmentItem, JOIN.LEFT_OUTER, on=(ShipmentItem.carton == Carton.id))
            .where(Carton.shipment == shipment.id)
            .group_by(Carton.seq, Container.sscc).order_by(Carton.seq).tuples())]
    blocked = ""
    if detail.order.status in TO_PACK + (SoStatus.CONFIRMED,):
        schedules = {Schedule(s) for (s,) in Product.select(Product.schedule)
                     .join(SalesOrderLine).where(SalesOrderLine.order == order_id).tuples()}
        status = atp_status(detail.order.customer_id, schedules=schedules)
        if not status.authorized:
            blocked = (f"{status.partner_name} is not an authorized trading partner: "
                       + "; ".join(status.reasons) + ".")
    return PackingView(detail, shipment.id if shipment else None,
                       shipment.number if shipment else "",
                       ShipmentStatus(shipment.status) if shipment else None, cartons, blocked)


def order_by_scan(text: str) -> int | None:
    """The order a scanned or typed order number names ("SO-000123", as the pick list's
    Code 128 reads, with or without the scanner's "]C0" prefix), or None."""
    value = (text or "").strip().upper()
    if value.startswith("]C0"):
        value = value[3:]
    return order_id_by_number(value) if looks_like_order_number(value) else None


def looks_like_order_number(text: str) -> bool:
    value = (text or "").strip().upper()
    if value.startswith("]C0"):
        value = value[3:]
    return value.startswith("SO-") and value[3:].isdigit()
