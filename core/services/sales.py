"""Sales orders: entered once (customer price or list price), confirmed only for an
authorized customer, allocated first-expired-first-out by lot, cancelled with rules.

FEFO allocation reserves saleable units of a lot in a bin (core.models.Allocation); it
never takes expired, quarantined, suspect or recalled stock, stock outside a bin, stock
other orders hold, or stock expiring before the customer's shelf-life minimum. What an
order could not get stays open as a backorder quantity and is allocated again when stock
arrives (`allocate_order`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from peewee import fn

from core.db import is_postgres, write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import (Allocation, CustomerPrice, Location, Lot, Partner, PartnerAddress,
                         Product, SalesOrder, SalesOrderLine, Shipment, ShipmentItem,
                         StockBalance)
from core.models.base import utc_now
from core.money import parse_money
from core.permissions import Actor, Permission
from core.queries.atp import require_authorized
from core.queries.receivables import CreditStatus, credit_status
from core.services import audit
from core.services.access import authorize
from core.vocab import (SO_TRANSITIONS, AddressKind, LocationKind, PackageStatus, Schedule,
                        ShipmentStatus, SoStatus)

OPEN_FOR_ALLOCATION = (SoStatus.CONFIRMED, SoStatus.ALLOCATED)


class InvalidTransition(RxDeskError):
    title = "Not possible now"


@dataclass(frozen=True)
class SoLineInput:
    gtin: str
    quantity: int
    unit_price: str | Decimal | None = None  # None: the customer's price, else list price


@dataclass(frozen=True)
class AllocationResult:
    """Per order line: units wanted, now reserved, and still on backorder."""

    lines: list[tuple[int, str, int, int]]  # (line_no, product name, ordered, allocated)

    @property
    def short(self) -> list[tuple[int, str, int]]:
        return [(n, name, ordered - got) for n, name, ordered, got in self.lines
                if got < ordered]


def default_price(customer_id: int, product: Product) -> tuple[Decimal, str]:
    contract = CustomerPrice.get_or_none((CustomerPrice.customer == customer_id)
                                         & (CustomerPrice.product == product))
    if contract is not None:
        return contract.price, "customer"
    return product.list_price, "list"


def _ship_to(customer: Partner, ship_to_id: int | None) -> PartnerAddress:
    query = PartnerAddress.select().where((PartnerAddress.partner == customer)
                                          & (PartnerAddress.kind == AddressKind.SHIP_TO.value))
    if ship_to_id is not None:
        address = query.where(PartnerAddress.id == ship_to_id).first()
        if address is None:
            raise InvalidInput("ship_to", f"That address is not one of {customer.name}'s "
                               "ship-to addresses.")
        return address
    address = query.order_by(PartnerAddress.is_default.desc(), PartnerAddress.id).first()
    if address is None:
        raise InvalidInput("ship_to", f"{customer.name} has no ship-to address; add one to "
                           "the customer first.")
    return address


def _lines(actor: Actor, customer_id: int, lines: Sequence[SoLineInput]):
    if not lines:
        raise InvalidInput("lines", "A sales order needs at least one line.")
    out = []
    for number, line in enumerate(lines, start=1):
        product = Product.get_or_none(Product.gtin == line.gtin)
        if product is None:
            raise InvalidInput("lines", f"Line {number}: no product has GTIN {line.gtin}.")
        if not product.active:
            raise InvalidInput("lines", f"Line {number}: {product.name} is no longer sold.")
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) \
                or line.quantity <= 0:
            raise InvalidInput("lines", f"Line {number}: the quantity must be a whole number "
                               "above zero.")
        price, source = default_price(customer_id, product)
        if line.unit_price is not None:
            given = parse_money(line.unit_price, "unit_price")
            if given != price:
                if not actor.may(Permission.OVERRIDE_PRICE):
                    raise InvalidInput(
                        "unit_price", f"Line {number}: {product.name} sells to this customer "
                        f"at {price} ({source} price); only a user allowed to override a "
                        "price may enter another.")
                price, source = given, "override"
        out.append((product, line.quantity, price, source))
    return out


def create_order(actor: Actor, customer_id: int, lines: Sequence[SoLineInput],
                 ship_to_id: int | None = None, customer_po: str = "",
                 min_shelf_life_days: int | None = None, note: str = "") -> int:
    """A draft sales order; its number is SO-nnnnnn."""
    if min_shelf_life_days is not None and (not isinstance(min_shelf_life_days, int)
                                            or min_shelf_life_days < 0):
        raise InvalidInput("min_shelf_life_days", "The shelf-life minimum is a whole number "
                           "of days, 0 or more.")
    with write_transaction():
        authorize(actor, Permission.SELL)
        customer = Partner.get_or_none(Partner.id == customer_id)
        if customer is None:
            raise NotFound("trading partner", customer_id)
        if not customer.is_customer:
            raise InvalidInput("customer", f"{customer.name} is not set up as a customer.")
        if not customer.active:
            raise InvalidInput("customer", f"{customer.name} is deactivated.")
        address = _ship_to(customer, ship_to_id)
        checked = _lines(actor, customer.id, lines)
        order = SalesOrder.create(
            number=f"tmp-{uuid.uuid4().hex[:12]}", customer=customer, ship_to=address,
            customer_po=(customer_po or "").strip()[:40],
            min_shelf_life_days=(customer.min_shelf_life_days if min_shelf_life_days is None
                                 else min_shelf_life_days),
            note=(note or "")[:500], created_at=utc_now(), created_by=actor.username)
        order.number = f"SO-{order.id:06d}"
        SalesOrder.update(number=order.number).where(SalesOrder.id == order.id).execute()
        SalesOrderLine.insert_many([
            {"order": order.id, "line_no": n, "product": product.id, "quantity": qty,
             "unit_price": price, "price_source": source}
            for n, (product, qty, price, source) in enumerate(checked, start=1)]).execute()
        overrides = [f"line {n} {price}" for n, (_, _, price, source)
                     in enumerate(checked, start=1) if source == "override"]
        audit.record(actor, "create_order", "sales_order", order.id,
                     f"{order.number} for {customer.name}: {len(checked)} line(s)"
                     + (f"; price override {', '.join(overrides)}" if overrides else ""))
        return order.id


def locked_order(order_id: int) -> SalesOrder:
    query = SalesOrder.select().where(SalesOrder.id == order_id)
    order = (query.for_update() if is_postgres() else query).first()
    if order is None:
        raise NotFound("sales order", order_id)
    return order


def move_order(order: SalesOrder, to: SoStatus) -> None:
    now = SoStatus(order.status)
    if now is to:
        return
    if (now, to) not in SO_TRANSITIONS:
        raise InvalidTransition(f"{order.number} is {now.label.lower()}; it cannot become "
                                f"{to.label.lower()}.")
    SalesOrder.update(status=to.value).where(SalesOrder.id == order.id).execute()
    order.status = to.value


def order_schedules(order: SalesOrder) -> set[Schedule]:
    return {Schedule(s) for (s,) in Product.select(Product.schedule).join(SalesOrderLine)
            .where(SalesOrderLine.order == order).tuples()}


class CreditHold(RxDeskError):
    title = "Credit hold"

    def __init__(self, status: CreditStatus):
        super().__init__(f"{status.customer} is on credit hold: " + "; ".join(status.reasons)
                         + ". A user allowed to override a hold may confirm it with a reason.")
        self.status = status


def confirm_order(actor: Actor, order_id: int,
                  override_hold: str | None = None) -> AllocationResult:
    """Accept the order (the customer must be an authorized trading partner today, with a
    DEA registration covering any controlled product, and not on credit hold) and
    allocate it. A credit hold is overridden only by a permitted user with a reason,
    which goes on the record; a compliance block (ATP) is never overridden."""
    with write_transaction():
        authorize(actor, Permission.SELL)
        order = locked_order(order_id)
        require_authorized(order.customer_id, schedules=order_schedules(order))
        hold_note = _credit_check(actor, order, override_hold)
        move_order(order, SoStatus.CONFIRMED)
        SalesOrder.update(confirmed_at=utc_now(), confirmed_by=actor.username).where(
            SalesOrder.id == order.id).execute()
        result = _allocate(order)
        audit.record(actor, "confirm_order", "sales_order", order.id,
                     f"{order.number}; " + _describe(result) + hold_note)
        return result


def _credit_check(actor: Actor, order: SalesOrder, override: str | None) -> str:
    value = sum((line.unit_price * line.quantity for line in
                 SalesOrderLine.select().where(SalesOrderLine.order == order)), Decimal("0"))
    status = credit_status(order.customer_id, value, excluding_order=order.id)
    if not status.held:
        return ""
    if not (override or "").strip():
        raise CreditHold(status)
    authorize(actor, Permission.OVERRIDE_HOLD)
    return f"; credit hold overridden ({'; '.join(status.reasons)}): {override.strip()}"


def allocate_order(actor: Actor, order_id: int) -> AllocationResult:
    """Allocate what is still unreserved (e.g. after stock arrived for a backorder)."""
    with write_transaction():
        authorize(actor, Permission.SELL)
        order = locked_order(order_id)
        if SoStatus(order.status) not in OPEN_FOR_ALLOCATION:
            raise InvalidTransition(f"{order.number} is {SoStatus(order.status).label.lower()}"
                                    "; only a confirmed order is allocated.")
        result = _allocate(order)
        audit.record(actor, "allocate_order", "sales_order", order.id,
                     f"{order.number}; " + _describe(result))
        return result


def _describe(result: AllocationResult) -> str:
    got = sum(line[3] for line in result.lines)
    wanted = sum(line[2] for line in result.lines)
    text = f"allocated {got} of {wanted}"
    if result.short:
        text += "; backordered " + ", ".join(f"line {n} x{q}" for n, _, q in result.short)
    return text


def eligible_from(order: SalesOrder, today: date | None = None) -> date:
    """The earliest expiry this order may receive: after today, and at least the
    customer's minimum remaining shelf life away."""
    today = today or date.today()
    return today + timedelta(days=max(order.min_shelf_life_days, 1))


def _allocate(order: SalesOrder) -> AllocationResult:
    lines = list(SalesOrderLine.select(SalesOrderLine, Product).join(Product)
                 .where(SalesOrderLine.order == order).order_by(SalesOrderLine.line_no))
    earliest = eligible_from(order)
    results = []
    for line in lines:
        held = (Allocation.select(fn.COALESCE(fn.SUM(Allocation.quantity), 0))
                .where(Allocation.line == line).scalar())
        wanted = line.quantity - line.shipped_quantity - held - _packed(line)
        if wanted > 0:
            for lot_id, location_id, free in _free_stock(line.product_id, earliest):
                take = min(free, wanted)
                (Allocation.insert(line=line, lot=lot_id, location=location_id, quantity=take)
                 .on_conflict(conflict_target=[Allocation.line, Allocation.lot,
                                               Allocation.location],
                              update={Allocation.quantity: Allocation.quantity + take})
                 .execute())
                wanted -= take
                if not wanted:
                    break
        got = line.quantity - line.shipped_quantity - max(wanted, 0)
        results.append((line.line_no, line.product.name, line.quantity - line.shipped_quantity,
                        got))
    anything = any(got for _, _, _, got in results)
    if anything and SoStatus(order.status) is SoStatus.CONFIRMED:
        move_order(order, SoStatus.ALLOCATED)
    return AllocationResult(results)


def _packed(line: SalesOrderLine) -> int:
    return (ShipmentItem.select(fn.COALESCE(fn.SUM(ShipmentItem.quantity), 0))
            .join(Shipment).where((ShipmentItem.line == line)
                                  & (Shipment.status == ShipmentStatus.PACKING.value))
            .scalar())


def _free_stock(product_id: int, earliest: date) -> list[tuple[int, int, int]]:
    """(lot, bin, unreserved units) of saleable stock expiring no earlier than `earliest`,
    first expiry first, then pick sequence. Balance rows are locked on PostgreSQL so two
    confirmations cannot both take the same units."""
    query = (StockBalance
             .select(StockBalance.id, StockBalance.lot, StockBalance.location,
                     StockBalance.quantity)
             .join(Lot, on=(StockBalance.lot == Lot.id))
             .switch(StockBalance).join(Location, on=(StockBalance.location == Location.id))
             .where((StockBalance.product == product_id)
                    & (StockBalance.status == PackageStatus.SALEABLE.value)
                    & (StockBalance.quantity > 0)
                    & (Location.kind == LocationKind.BIN.value)
                    & (Lot.expiry >= earliest))
             .order_by(Lot.expiry, Location.pick_sequence, Location.code, Lot.id))
    if is_postgres():
        query = query.for_update(of=StockBalance)
    rows = list(query.tuples())
    if not rows:
        return []
    reserved = dict(((lot, loc), qty) for lot, loc, qty in (
        Allocation.select(Allocation.lot, Allocation.location, fn.SUM(Allocation.quantity))
        .where(Allocation.lot.in_({r[1] for r in rows}))
        .group_by(Allocation.lot, Allocation.location).tuples()))
    free = []
    for _, lot_id, location_id, quantity in rows:
        left = quantity - reserved.get((lot_id, location_id), 0)
        if left > 0:
            free.append((lot_id, location_id, left))
    return free


def release_allocation(actor: Actor, order_id: int) -> None:
    """Give an allocated (not yet picked) order's reserved stock back."""
    with write_transaction():
        authorize(actor, Permission.SELL)
        order = locked_order(order_id)
        if SoStatus(order.status) is not SoStatus.ALLOCATED:
            raise InvalidTransition(f"{order.number} is {SoStatus(order.status).label.lower()}"
                                    "; only an allocated order can be released.")
        release_lines(order)
        move_order(order, SoStatus.CONFIRMED)
        audit.record(actor, "release_allocation", "sales_order", order.id, order.number)


def release_lines(order: SalesOrder) -> None:
    """Drop every reservation the order's lines hold (caller holds the transaction)."""
    Allocation.delete().where(Allocation.line.in_(
        SalesOrderLine.select(SalesOrderLine.id).where(SalesOrderLine.order == order))
    ).execute()


def create_backorder(actor: Actor, order: SalesOrder,
                     short: Sequence[tuple[int, int, int, Decimal, str]]) -> int:
    """A confirmed order for what `order` shipped short, at the same prices, allocated
    at once from stock that is free now. `short`: (line_no, product id, units, unit
    price, price source). Caller holds the transaction."""
    backorder = SalesOrder.create(
        number=f"tmp-{uuid.uuid4().hex[:12]}", customer=order.customer_id,
        ship_to=order.ship_to_id, customer_po=order.customer_po,
        min_shelf_life_days=order.min_shelf_life_days, backorder_of=order.id,
        note=f"Backorder of {order.number}", created_at=utc_now(),
        created_by=actor.username, status=SoStatus.CONFIRMED.value,
        confirmed_at=utc_now(), confirmed_by=actor.username)
    backorder.number = f"SO-{backorder.id:06d}"
    SalesOrder.update(number=backorder.number).where(SalesOrder.id == backorder.id).execute()
    SalesOrderLine.insert_many([
        {"order": backorder.id, "line_no": n, "product": product_id, "quantity": qty,
         "unit_price": price, "price_source": source}
        for n, (_, product_id, qty, price, source) in enumerate(short, start=1)]).execute()
    result = _allocate(backorder)
    audit.record(actor, "create_backorder", "sales_order", backorder.id,
                 f"{backorder.number} backorders {order.number}; " + _describe(result))
    return backorder.id


def cancel_order(actor: Actor, order_id: int, reason: str) -> None:
    """Cancel before anything is packed: allocations are released. A picking order with
    packed packages must have them taken out first (they go back to their bins)."""
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the order is cancelled.")
    with write_transaction():
        authorize(actor, Permission.SELL)
        order = locked_order(order_id)
        lines = SalesOrderLine.select().where(SalesOrderLine.order == order)
        if any(_packed(line) for line in lines):
            raise InvalidTransition(f"{order.number} has packed packages; take them out of "
                                    "the cartons at the pack station first.")
        move_order(order, SoStatus.CANCELLED)
        release_lines(order)
        Shipment.update(status=ShipmentStatus.CANCELLED.value).where(
            (Shipment.order == order) & (Shipment.status == ShipmentStatus.PACKING.value)
        ).execute()
        SalesOrder.update(closed_reason=reason.strip()[:300]).where(
            SalesOrder.id == order.id).execute()
        audit.record(actor, "cancel_order", "sales_order", order.id,
                     f"{order.number}: {reason.strip()}")


def set_customer_price(actor: Actor, customer_id: int, gtin: str,
                       price: str | Decimal | None) -> None:
    """Set (or with None remove) a customer's contract price for a product."""
    with write_transaction():
        authorize(actor, Permission.OVERRIDE_PRICE)
        customer = Partner.get_or_none(Partner.id == customer_id)
        if customer is None or not customer.is_customer:
            raise NotFound("customer", customer_id)
        product = Product.get_or_none(Product.gtin == gtin)
        if product is None:
            raise NotFound("product with GTIN", gtin)
        before = CustomerPrice.get_or_none((CustomerPrice.customer == customer)
                                           & (CustomerPrice.product == product))
        if price is None:
            CustomerPrice.delete().where(CustomerPrice.customer == customer,
                                         CustomerPrice.product == product).execute()
            after = "list price"
        else:
            value = parse_money(price, "price")
            (CustomerPrice.insert(customer=customer, product=product, price=value)
             .on_conflict(conflict_target=[CustomerPrice.customer, CustomerPrice.product],
                          update={CustomerPrice.price: value}).execute())
            after = str(value)
        audit.record(actor, "set_customer_price", "partner", customer.id,
                     f"{product.gtin} {product.name}: "
                     f"{before.price if before else 'list price'} -> {after}")
