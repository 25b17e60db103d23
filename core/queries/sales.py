"""Sales orders as screens, documents and the pack station read them, and why stock on
hand cannot be allocated to an order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from peewee import fn

from core.errors import NotFound
from core.models import (Allocation, Carton, CustomerPrice, Location, Lot, Partner,
                         PartnerAddress, Product, SalesOrder, SalesOrderLine,
                         Shipment, ShipmentItem, StockBalance)
from core.ndc import Ndc
from core.queries.atp import AtpStatus, atp_statuses
from core.queries.paging import PAGE, contains
from core.vocab import AddressKind, LocationKind, PackageStatus, ShipmentStatus, SoStatus


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
    line_count: int = 0
    total: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class OrderDetail:
    order: OrderRow
    customer_gln: str
    ship_to: str
    min_shelf_life_days: int
    note: str
    lines: list[OrderLineRow]
    created_by: str = ""
    confirmed_at: datetime | None = None
    confirmed_by: str = ""
    closed_reason: str = ""
    backorder_of: str = ""  # the order number this one backorders
    backorders: tuple[str, ...] = ()  # orders created for what this one shipped short

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def ndc_text(product: Product) -> str:
    return Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
               product.ndc_layout).ndc10


def _row(order: SalesOrder, customer: str, line_count: int = 0,
         total: Decimal = Decimal("0.00")) -> OrderRow:
    return OrderRow(order.id, order.number, order.customer_id, customer,
                    SoStatus(order.status), order.customer_po, order.created_at, line_count,
                    total)


def _filtered(status: SoStatus | None, customer_id: int | None, text: str):
    query = SalesOrder.select(SalesOrder, Partner.name).join(Partner)
    if status:
        query = query.where(SalesOrder.status == status.value)
    if customer_id:
        query = query.where(SalesOrder.customer == customer_id)
    text = (text or "").strip()
    if text:
        query = query.where(contains(SalesOrder.number, text) | contains(Partner.name, text)
                            | contains(SalesOrder.customer_po, text))
    return query


def _totals(order_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """(line count, total) per order in one grouped query; money summed in cents."""
    if not order_ids:
        return {}
    cents = fn.SUM(SalesOrderLine.quantity * SalesOrderLine.unit_price)
    query = (SalesOrderLine.select(SalesOrderLine.order, fn.COUNT(SalesOrderLine.id),
                                   cents.coerce(False))
             .where(SalesOrderLine.order.in_(order_ids)).group_by(SalesOrderLine.order).tuples())
    return {order: (count, Decimal(int(total or 0)).scaleb(-2))
            for order, count, total in query}


def count_orders(status: SoStatus | None = None, customer_id: int | None = None,
                 text: str = "") -> int:
    return _filtered(status, customer_id, text).count()


def list_orders(status: SoStatus | None = None, customer_id: int | None = None,
                offset: int = 0, limit: int = PAGE, text: str = "") -> list[OrderRow]:
    """A page of orders, newest first; `text` matches the order number, the customer's
    name or the customer's PO number."""
    orders = list(_filtered(status, customer_id, text).order_by(SalesOrder.id.desc())
                  .offset(offset).limit(limit))
    totals = _totals([o.id for o in orders])
    return [_row(o, o.customer.name, *totals.get(o.id, (0, Decimal("0.00"))))
            for o in orders]


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
    backorder_of = (SalesOrder.select(SalesOrder.number)
                    .where(SalesOrder.id == order.backorder_of_id).scalar()
                    if order.backorder_of_id else "")
    backorders = tuple(number for (number,) in SalesOrder.select(SalesOrder.number).where(
        SalesOrder.backorder_of == order.id).order_by(SalesOrder.id).tuples())
    total = sum((line.amount for line in rows), Decimal("0.00"))
    return OrderDetail(_row(order, order.customer.name, len(rows), total),
                       order.customer.gln or "", ship_to, order.min_shelf_life_days,
                       order.note, rows, order.created_by, order.confirmed_at,
                       order.confirmed_by, order.closed_reason, backorder_of or "", backorders)


@dataclass(frozen=True)
class OrderShipmentRow:
    """One shipment of an order, as the order's screen lists it with its documents."""

    id: int
    number: str
    status: ShipmentStatus
    created_at: datetime
    shipped_at: datetime | None
    cartons: int
    units: int


def order_shipments(order_id: int) -> list[OrderShipmentRow]:
    """The order's shipments, oldest first, with their carton and unit counts (three
    queries whatever their size)."""
    shipments = list(Shipment.select().where(Shipment.order == order_id)
                     .order_by(Shipment.id))
    ids = [s.id for s in shipments]
    if not ids:
        return []
    cartons = dict(Carton.select(Carton.shipment, fn.COUNT(Carton.id))
                   .where(Carton.shipment.in_(ids)).group_by(Carton.shipment).tuples())
    units = dict(ShipmentItem.select(ShipmentItem.shipment, fn.SUM(ShipmentItem.quantity))
                 .where(ShipmentItem.shipment.in_(ids)).group_by(ShipmentItem.shipment)
                 .tuples())
    return [OrderShipmentRow(s.id, s.number, ShipmentStatus(s.status), s.created_at,
                             s.shipped_at, cartons.get(s.id, 0), int(units.get(s.id) or 0))
            for s in shipments]


@dataclass(frozen=True)
class ShipToChoice:
    id: int
    name: str
    street: str
    city: str
    state: str
    postal_code: str
    is_default: bool

    def one_line(self) -> str:
        return ", ".join(p for p in (self.name, self.street, self.city,
                                     f"{self.state} {self.postal_code}".strip()) if p)


@dataclass(frozen=True)
class CustomerChoice:
    """An active customer as the new-order form offers it: where it ships, the shelf
    life it asks for, and whether it may be sold to today."""

    id: int
    name: str
    gln: str
    min_shelf_life_days: int
    ship_tos: tuple[ShipToChoice, ...]
    atp: AtpStatus


def order_customers(limit: int = 5000) -> list[CustomerChoice]:
    """Active customers by name with their ship-to addresses (default first) and their
    authorization today, in four queries (a small distributor has a few hundred)."""
    customers = list(Partner.select().where(Partner.is_customer & Partner.active)
                     .order_by(Partner.name, Partner.id).limit(limit))
    ids = [c.id for c in customers]
    addresses: dict[int, list[ShipToChoice]] = defaultdict(list)
    for a in (PartnerAddress.select().where(PartnerAddress.partner.in_(ids)
                                            & (PartnerAddress.kind == AddressKind.SHIP_TO.value))
              .order_by(PartnerAddress.is_default.desc(), PartnerAddress.id) if ids else ()):
        addresses[a.partner_id].append(ShipToChoice(a.id, a.name, a.street, a.city, a.state,
                                                    a.postal_code, a.is_default))
    statuses = atp_statuses(ids)
    return [CustomerChoice(c.id, c.name, c.gln or "", c.min_shelf_life_days,
                           tuple(addresses[c.id]), statuses[c.id]) for c in customers]


def default_prices(customer_id: int | None,
                   product_ids: list[int]) -> dict[int, tuple[Decimal, str]]:
    """What each product sells for to this customer when nobody overrides it: the
    customer's contract price, else the list price; (price, 'customer' | 'list')."""
    if not product_ids:
        return {}
    prices = {pid: (price, "list") for pid, price in Product.select(
        Product.id, Product.list_price).where(Product.id.in_(product_ids)).tuples()}
    if customer_id:
        for pid, price in (CustomerPrice.select(CustomerPrice.product, CustomerPrice.price)
                           .where((CustomerPrice.customer == customer_id)
                                  & CustomerPrice.product.in_(product_ids)).tuples()):
            prices[pid] = (price, "customer")
    return prices


@dataclass(frozen=True)
class Availability:
    """A product's stock on hand for one order: what can be allocated, and why the rest
    cannot (each reason with its units), so the office can explain a backorder."""

    product: str
    on_hand: int
    allocatable: int
    blocked: list[tuple[str, int]]


def availability(product_id: int, min_shelf_life_days: int = 0,
                 today: date | None = None, order_id: int | None = None) -> Availability:
    """`order_id`: the order asking; what it already holds is "reserved for this order",
    not "allocated to other orders"."""
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
    reserved: dict[tuple[int, int], int] = defaultdict(int)
    own: dict[tuple[int, int], int] = defaultdict(int)
    for lot, loc, order, qty in (
            Allocation.select(Allocation.lot, Allocation.location, SalesOrderLine.order,
                              fn.SUM(Allocation.quantity))
            .join(Lot).switch(Allocation).join(SalesOrderLine).where(Lot.product == product_id)
            .group_by(Allocation.lot, Allocation.location, SalesOrderLine.order).tuples()):
        (own if order_id is not None and order == order_id else reserved)[(lot, loc)] += qty
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
            mine = min(own.get((lot_id, location_id), 0), quantity)
            held = min(reserved.get((lot_id, location_id), 0), quantity - mine)
            if mine:
                buckets["reserved for this order"] += mine
            if held:
                buckets["allocated to other orders"] += held
            allocatable += quantity - mine - held
    blocked = sorted(((k, v) for k, v in buckets.items() if v), key=lambda kv: -kv[1])
    return Availability(product.name, on_hand, allocatable, blocked)


def order_id_by_number(number: str) -> int | None:
    """The id of the order numbered e.g. SO-000123 (as the pick list's barcode reads)."""
    return (SalesOrder.select(SalesOrder.id)
            .where(SalesOrder.number == (number or "").strip().upper()).scalar())
