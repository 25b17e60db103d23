"""Pack and ship: every package that leaves is scanned (or, with `auto_pack`, taken from
the FEFO allocation and verified the same way), put in a carton with our own SSCC, and
shipped in one transaction that writes the stock moves and the outbound DSCSA record.

Packing moves a package from its bin to the pack station with status "allocated" and uses
up one unit of the order line's reservation. A package of another lot may stand in for
the allocated one (a FEFO-equivalent substitute) when it is unreserved stock the customer
may receive; the line's own reservation then shrinks by one, latest expiry first, so the
total held for the order never grows. Nothing is packed from a refused scan, and a case
SSCC packs all of its packages or none.

Concurrency: each scan runs in one write transaction. SQLite serializes writers
(BEGIN IMMEDIATE); on PostgreSQL the order, the packages and the stock balances a
substitute draws on are locked FOR UPDATE, so two pack stations can never pack the same
package, and the one that loses is told the package is already packed.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from peewee import fn

from core import gs1
from core.db import bulk_insert, database, fetch_raw, is_postgres, write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import (Allocation, Carton, Company, Container, DscsaLine, DscsaPackage,
                         DscsaTransaction, Location, Lot, Package, PartnerAddress, Product,
                         SalesOrder, SalesOrderLine, Shipment, ShipmentItem, StockBalance)
from core.models.base import utc_now
from core.models.sales import Counter as NumberSeries
from core.ndc import Ndc
from core.permissions import Actor, Permission
from core.queries.atp import require_authorized
from core.scanning import Scan, parse_scan
from core.services import audit, invoicing, ledger, sales
from core.services.access import authorize
from core.services.ledger import MoveLine
from core.vocab import (TS_LEGAL_NOTICE, LocationKind, MoveReason, PackageStatus,
                        ShipmentStatus, SoStatus)

BATCH = 500
DEFAULT_PER_CARTON = 100


class PackRefused(RxDeskError):
    """A scan the pack station must not accept; `cause` says which rule it broke."""

    title = "Do not pack"

    def __init__(self, message: str, cause: str):
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class PackedUnit:
    gtin: str
    product: str
    serial: str | None
    lot: str
    expiry: date
    quantity: int
    line_no: int
    substitute: bool


@dataclass(frozen=True)
class PackResult:
    """What one scan packed, where, and how far the order is."""

    units: list[PackedUnit]
    carton_sscc: str
    order_status: SoStatus
    remaining: int  # units the order still needs packed

    @property
    def substitutes(self) -> int:
        return sum(u.quantity for u in self.units if u.substitute)


@dataclass(frozen=True)
class ShipResult:
    shipment_id: int
    number: str
    packages: int
    units: int
    cartons: list[str]
    dscsa_transaction_id: int
    backorder_id: int | None
    invoice: str | None = None  # raised on shipment for customers set up so


@dataclass
class _Candidate:
    """A unit a scan or the allocation wants to pack, as loaded from stock."""

    product_id: int
    lot_id: int
    location_id: int
    quantity: int
    package_id: int | None = None
    serial: str | None = None
    status: str = PackageStatus.SALEABLE.value


@dataclass
class _Packing:
    """One pack transaction's view of the order: what each line still needs, what it has
    reserved, and the system locations."""

    shipment: Shipment
    order: SalesOrder
    lines: dict[int, list[SalesOrderLine]] = field(default_factory=dict)  # product -> lines
    need: dict[int, int] = field(default_factory=dict)  # line id -> units to pack
    reserved: dict[tuple[int, int, int], int] = field(default_factory=dict)  # line,lot,loc
    touched: set[tuple[int, int, int]] = field(default_factory=set)  # reservations changed
    products: dict[int, Product] = field(default_factory=dict)  # read along the way
    lots: dict[int, Lot] = field(default_factory=dict)
    system: dict[LocationKind, int] = field(default_factory=dict)


# -- opening a shipment ----------------------------------------------------------------
def start_packing(actor: Actor, order_id: int) -> int:
    """The order's open shipment, created (and the order moved to picking) on first use.
    The customer must still be an authorized trading partner."""
    with write_transaction():
        authorize(actor, Permission.SHIP)
        order = sales.locked_order(order_id)
        return _open_shipment(actor, order).id


def _open_shipment(actor: Actor, order: SalesOrder) -> Shipment:
    existing = (Shipment.select().where((Shipment.order == order)
                                        & (Shipment.status == ShipmentStatus.PACKING.value))
                .first())
    if existing is not None:
        return existing
    status = SoStatus(order.status)
    if status not in (SoStatus.ALLOCATED, SoStatus.CONFIRMED):
        raise sales.InvalidTransition(f"{order.number} is {status.label.lower()}; only a "
                                      "confirmed or allocated order can be packed.")
    require_authorized(order.customer_id, schedules=sales.order_schedules(order))
    shipment = Shipment.create(number=f"tmp-{uuid.uuid4().hex[:12]}", order=order,
                               created_at=utc_now(), created_by=actor.username)
    shipment.number = f"SH-{shipment.id:06d}"
    Shipment.update(number=shipment.number).where(Shipment.id == shipment.id).execute()
    if status is SoStatus.CONFIRMED:
        sales.move_order(order, SoStatus.ALLOCATED)
    sales.move_order(order, SoStatus.PICKING)
    audit.record(actor, "start_packing", "shipment", shipment.id,
                 f"{shipment.number} for {order.number}")
    return shipment


def _packing_shipment(shipment_id: int) -> tuple[Shipment, SalesOrder]:
    """The shipment and its order, the order locked (PostgreSQL: FOR UPDATE, read after
    the lock is granted, so a shipment another station just shipped shows as shipped)."""
    query = (Shipment.select(Shipment, SalesOrder).join(SalesOrder)
             .where(Shipment.id == shipment_id))
    shipment = (query.for_update(of=SalesOrder) if is_postgres() else query).first()
    if shipment is None:
        raise NotFound("shipment", shipment_id)
    order = shipment.order
    # The order row is the one locked and re-read after a wait; shipping or cancelling
    # moves it on together with the shipment, so it tells on PostgreSQL too.
    if shipment.status != ShipmentStatus.PACKING.value or SoStatus(order.status) not in (
            SoStatus.PICKING, SoStatus.PACKED):
        status = (shipment.status if shipment.status != ShipmentStatus.PACKING.value
                  else SoStatus(order.status).label.lower())
        raise sales.InvalidTransition(f"{shipment.number} is {status}; nothing can be "
                                      "packed into it or taken out any more.")
    return shipment, order


# -- cartons ---------------------------------------------------------------------------
def new_carton(actor: Actor, shipment_id: int) -> str:
    """Open the next carton of a shipment; returns its new SSCC."""
    with write_transaction():
        authorize(actor, Permission.SHIP)
        shipment, _ = _packing_shipment(shipment_id)
        carton = _new_carton(shipment)
        sscc = carton.container.sscc
        audit.record(actor, "new_carton", "shipment", shipment.id,
                     f"{shipment.number} carton {carton.seq} SSCC {sscc}")
        return sscc


def _next_ssccs(count: int) -> list[str]:
    """`count` fresh SSCCs from our company prefix (the serial reference series is one
    counter row, bumped under the write lock)."""
    company = Company.get_by_id(1)
    prefix = company.gln[:company.gs1_prefix_length]
    series = f"sscc:{prefix}"
    NumberSeries.insert(name=series, last=0).on_conflict_ignore().execute()
    query = NumberSeries.select().where(NumberSeries.name == series)
    last = (query.for_update() if is_postgres() else query).get().last
    NumberSeries.update(last=last + count).where(NumberSeries.name == series).execute()
    return [gs1.make_sscc(prefix, last + i) for i in range(1, count + 1)]


def _new_cartons(shipment: Shipment, count: int) -> list[Carton]:
    seq = (Carton.select(fn.COALESCE(fn.MAX(Carton.seq), 0))
           .where(Carton.shipment == shipment).scalar())
    ssccs = _next_ssccs(count)
    bulk_insert([Container.sscc, Container.created_at], [(s, utc_now()) for s in ssccs])
    ids = dict(fetch_raw(Container.select(Container.sscc, Container.id)
                         .where(Container.sscc.in_(ssccs))))
    bulk_insert([Carton.shipment, Carton.container, Carton.seq],
                [(shipment.id, ids[s], seq + n) for n, s in enumerate(ssccs, start=1)])
    return list(Carton.select(Carton, Container).join(Container)
                .where((Carton.shipment == shipment) & (Carton.seq > seq))
                .order_by(Carton.seq))


def _new_carton(shipment: Shipment) -> Carton:
    return _new_cartons(shipment, 1)[0]


def _carton_for(shipment: Shipment, carton_sscc: str | None) -> Carton:
    query = (Carton.select(Carton, Container).join(Container)
             .where(Carton.shipment == shipment))
    if carton_sscc:
        carton = query.where(Container.sscc == carton_sscc).first()
        if carton is None:
            raise InvalidInput("carton", f"Carton {carton_sscc} is not one of "
                               f"{shipment.number}'s cartons.")
        return carton
    return query.order_by(Carton.seq.desc()).first() or _new_carton(shipment)


# -- packing ---------------------------------------------------------------------------
def pack_scan(actor: Actor, shipment_id: int, raw: str, carton_sscc: str | None = None,
              gs_replacement: str = "") -> PackResult:
    """Verify and pack what one scan names: a package's DataMatrix, a case SSCC (all of
    its packages), or for a non-serialized product a GTIN + lot (+ count, AI 30)."""
    scan = parse_scan(raw, gs_replacement)
    with write_transaction():
        authorize(actor, Permission.SHIP)
        shipment, order = _packing_shipment(shipment_id)
        state = _state(shipment, order)
        candidates = _candidates_for(scan, state)
        carton = _carton_for(shipment, carton_sscc)
        units = _pack(actor, state, candidates, {None: carton})
        result = _result(state, units, carton.container.sscc)
        audit.record(actor, "pack", "shipment", shipment.id,
                     f"{shipment.number}: {_describe_scan(scan)} -> carton {carton.seq}")
        return result


def auto_pack(actor: Actor, order_id: int, per_carton: int = DEFAULT_PER_CARTON) -> int:
    """Pack the order's whole FEFO allocation (packages taken from each reserved lot and
    bin, lowest serial first, checked exactly as scans are) into cartons of `per_carton`
    units at the pack station; returns the shipment id. Labels and the packing slip can
    then be printed before `ship` (ship_allocation does both steps at once)."""
    if not isinstance(per_carton, int) or per_carton <= 0:
        raise InvalidInput("per_carton", "A carton holds at least one unit.")
    with write_transaction():
        authorize(actor, Permission.SHIP)
        order = sales.locked_order(order_id)
        shipment = _open_shipment(actor, order)
        state = _state(shipment, order)
        candidates, placement = _allocation_in_cartons(state, per_carton)
        packed = _pack(actor, state, candidates, placement)
        cartons = set(placement.values())
        audit.record(actor, "auto_pack", "shipment", shipment.id,
                     f"{shipment.number} for {order.number}: "
                     f"{sum(u.quantity for u in packed)} units in {len(cartons)} carton(s)")
        return shipment.id


def _allocation_in_cartons(state: _Packing, per_carton: int) -> tuple[list, dict]:
    """The allocation's packages (see _allocated_stock) placed into new cartons of
    `per_carton` units, in allocation order; a non-serialized quantity stays in one."""
    candidates = _allocated_stock(state)
    if not candidates:
        raise PackRefused(f"{state.order.number} has no allocated stock to pack; allocate "
                          "it first (stock may have arrived since it was confirmed).",
                          "nothing_allocated")
    slots: list[list[_Candidate]] = []
    fill = per_carton
    for c in candidates:
        if fill >= per_carton or (fill and fill + c.quantity > per_carton):
            slots.append([])
            fill = 0
        slots[-1].append(c)
        fill += c.quantity
    cartons = _new_cartons(state.shipment, len(slots))
    return candidates, {id(c): carton for carton, slot in zip(cartons, slots) for c in slot}


# The order's lines, what each has packed in open shipments and its reservations, in one
# statement: every pack-station scan reads it, and peewee would build three. The packed
# sums are grouped once per line, before the join with the (many) reservation rows.
_STATE_SQL = (
    'SELECT l.id, l.line_no, l.product_id, l.quantity, l.shipped_quantity, '
    'COALESCE(p.packed, 0), a.lot_id, a.location_id, a.quantity '
    'FROM sales_order_line l '
    'LEFT JOIN (SELECT i.line_id, SUM(i.quantity) AS packed FROM shipment_item i '
    ' JOIN shipment s ON s.id = i.shipment_id '
    " WHERE s.order_id = {mark} AND s.status = 'packing' GROUP BY i.line_id) p "
    ' ON p.line_id = l.id '
    'LEFT JOIN allocation a ON a.line_id = l.id '
    'WHERE l.order_id = {mark} ORDER BY l.line_no')


def _state(shipment: Shipment, order: SalesOrder) -> _Packing:
    state = _Packing(shipment, order)
    state.system = {kind: ledger.system_location(kind)
                    for kind in (LocationKind.PACK, LocationKind.CUSTOMER)}
    sql = _STATE_SQL.format(mark="%s" if is_postgres() else "?")
    for (line_id, line_no, product_id, quantity, shipped, packed, lot_id, location_id,
         held) in database.execute_sql(sql, (order.id, order.id)).fetchall():
        if line_id not in state.need:
            line = SalesOrderLine(id=line_id, order=order.id, line_no=line_no,
                                  product=product_id, quantity=quantity,
                                  shipped_quantity=shipped)
            state.lines.setdefault(product_id, []).append(line)
            state.need[line_id] = quantity - shipped - int(packed)
        if lot_id is not None:
            state.reserved[(line_id, lot_id, location_id)] = held
    return state


def _candidates_for(scan: Scan, state: _Packing) -> list[_Candidate]:
    if scan.sscc:
        return _case_contents(scan.sscc, state)
    if not scan.gtin:
        raise InvalidInput("scan", "This barcode names no product or case. Scan the "
                           "package's 2D barcode or the case's SSCC label.")
    if scan.serial:
        # The usual scan: package, its lot and its product in one statement.
        query = (Package.select(Package, Lot, Product).join(Lot)
                 .switch(Package).join(Product)
                 .where((Product.gtin == scan.gtin) & (Package.serial == scan.serial)))
        package = (query.for_update(of=Package) if is_postgres() else query).first()
        if package is not None:
            return [_package_candidate(scan, package, state)]
    product = Product.get_or_none(Product.gtin == scan.gtin)
    if product is None:
        raise PackRefused(f"No product with GTIN {scan.gtin} is in RxDesk; this package was "
                          "never received here. Set it aside and tell the warehouse lead.",
                          "unknown_product")
    if not product.serialized:
        return [_bulk_candidate(scan, product, state)]
    if not scan.serial:
        raise InvalidInput("scan", f"{product.name} is serialized: scan the package's 2D "
                           "barcode (it carries the serial number), not the linear one.")
    raise PackRefused(f"{product.name} serial {scan.serial} was never received here: it is "
                      "not our stock. Set it aside as possibly suspect.", "unknown_package")


def _package_candidate(scan: Scan, package: Package, state: _Packing) -> _Candidate:
    if scan.lot and scan.lot != package.lot.lot_number:
        raise PackRefused(f"The label says lot {scan.lot}, but serial {scan.serial} was "
                          f"received as lot {package.lot.lot_number}. Quarantine the "
                          "package for investigation.", "lot_mismatch")
    state.products[package.product_id] = package.product
    state.lots[package.lot_id] = package.lot
    return _Candidate(package.product_id, package.lot_id, package.location_id, 1,
                      package.id, package.serial, package.status)


def _case_contents(sscc: str, state: _Packing) -> list[_Candidate]:
    if Carton.select().join(Container).where(Container.sscc == sscc).exists():
        raise PackRefused(f"{sscc} is one of our shipping cartons, not a case from stock. "
                          "Scan the packages or a supplier's case.", "own_carton")
    container = Container.get_or_none(Container.sscc == sscc)
    if container is None:
        raise PackRefused(f"No case with SSCC {sscc} was received here. Scan the packages "
                          "one by one.", "unknown_case")
    ids = [container.id]
    frontier = ids
    while frontier:  # a pallet holds cases
        frontier = [i for (i,) in Container.select(Container.id)
                    .where(Container.parent.in_(frontier)).tuples()]
        ids += frontier
    query = Package.select().where(Package.container.in_(ids)).order_by(Package.serial)
    packages = list((query.for_update() if is_postgres() else query))
    if not packages:
        raise PackRefused(f"Case {sscc} holds no packages on record.", "empty_case")
    return [_Candidate(p.product_id, p.lot_id, p.location_id, 1, p.id, p.serial, p.status)
            for p in packages]


def _bulk_candidate(scan: Scan, product: Product, state: _Packing) -> _Candidate:
    if not scan.lot:
        raise InvalidInput("scan", f"{product.name} is not serialized: the scan must carry "
                           "its lot (AI 10) so the right lot is packed.")
    lot = Lot.get_or_none((Lot.product == product) & (Lot.lot_number == scan.lot))
    if lot is None:
        raise PackRefused(f"Lot {scan.lot} of {product.name} was never received here.",
                          "unknown_lot")
    count = dict(scan.elements).get("30", "1")
    quantity = int(count) if count.isdigit() and int(count) > 0 else 1
    rows = list(StockBalance.select(StockBalance.location, StockBalance.quantity)
                .join(Location, on=(StockBalance.location == Location.id))
                .where((StockBalance.lot == lot)
                       & (StockBalance.status == PackageStatus.SALEABLE.value)
                       & (StockBalance.quantity > 0)
                       & (Location.kind == LocationKind.BIN.value))
                .order_by(Location.pick_sequence, Location.code).tuples())
    if not rows:
        raise PackRefused(f"Lot {scan.lot} of {product.name} has no saleable stock in a "
                          "bin.", "no_stock")
    # The bin the order reserved this lot in, else the first bin holding enough.
    reserved = {loc for (_, lot_id, loc), qty in state.reserved.items()
                if lot_id == lot.id and qty >= quantity}
    location = next((loc for loc, qty in rows if qty >= quantity and loc in reserved),
                    next((loc for loc, qty in rows if qty >= quantity), rows[0][0]))
    return _Candidate(product.id, lot.id, location, quantity)


def _allocated_stock(state: _Packing) -> list[_Candidate]:
    """The packages the allocation names: per reservation, that many saleable packages of
    the lot in the bin, lowest serial first."""
    out: list[_Candidate] = []
    serialized = {line.product_id: None for lines in state.lines.values() for line in lines}
    flags = dict(Product.select(Product.id, Product.serialized)
                 .where(Product.id.in_(list(serialized))).tuples())
    product_of = {line.id: line.product_id for lines in state.lines.values() for line in lines}
    for (line_id, lot_id, location_id), qty in sorted(state.reserved.items()):
        product_id = product_of[line_id]
        if not flags[product_id]:
            out.append(_Candidate(product_id, lot_id, location_id, qty))
            continue
        query = (Package.select(Package.id, Package.serial, Package.status)
                 .where((Package.lot == lot_id) & (Package.location == location_id)
                        & (Package.status == PackageStatus.SALEABLE.value))
                 .order_by(Package.serial).limit(qty))
        if is_postgres():
            query = query.for_update()
        out += [_Candidate(product_id, lot_id, location_id, 1, pid, serial, status)
                for pid, serial, status in fetch_raw(query)]
    return out


def _pack(actor: Actor, state: _Packing, candidates: Sequence[_Candidate],
          placement: dict, stage: bool = True) -> list[PackedUnit]:
    """Check every candidate, then write items, reservations and (`stage`) the moves to
    the pack station, in bulk. Any refusal raises before anything is written (the
    caller's transaction rolls back)."""
    lots, products = state.lots, state.products
    lots.update(_lots({c.lot_id for c in candidates} - set(lots)))
    missing = list({c.product_id for c in candidates} - set(products))
    if missing:
        products.update((p.id, p) for p in Product.select().where(Product.id.in_(missing)))
    kinds = ledger.location_kinds()
    earliest = sales.eligible_from(state.order)
    today = date.today()
    free = _FreeStock(state, candidates, lots)
    seen: set[int] = set()
    chosen: list[tuple[_Candidate, SalesOrderLine, bool]] = []
    for c in candidates:
        product, lot = products[c.product_id], lots[c.lot_id]
        _check_stock_state(c, product, lot, kinds, seen)
        if lot.expiry < today:
            raise PackRefused(f"{_what(product, lot, c)} expired on {lot.expiry:%m/%d/%Y}. Do not ship it: "
                              "quarantine it.", "expired")
        line = next((ln for ln in state.lines.get(c.product_id, ())
                     if state.need[ln.id] >= c.quantity), None)
        if line is None:
            if c.product_id not in state.lines:
                raise PackRefused(f"{product.name} is not on {state.order.number}.",
                                  "not_on_order")
            raise PackRefused(f"{state.order.number} needs no more {product.name}: this "
                              f"would pack more than the {_ordered(state, c.product_id)} "
                              "ordered.", "quantity_exceeded")
        substitute = free.take(line, c, product, lot, earliest)
        state.need[line.id] -= c.quantity
        chosen.append((c, line, substitute))
    _write(actor, state, chosen, placement, stage)
    return [PackedUnit(products[c.product_id].gtin, products[c.product_id].name, c.serial,
                       lots[c.lot_id].lot_number, lots[c.lot_id].expiry, c.quantity,
                       line.line_no, substitute) for c, line, substitute in chosen]


def _lots(ids: set[int]) -> dict[int, Lot]:
    wanted = list(ids)
    return {lot.id: lot for start in range(0, len(wanted), BATCH)
            for lot in Lot.select().where(Lot.id.in_(wanted[start:start + BATCH]))}


def _what(product: Product, lot: Lot, c: _Candidate) -> str:
    if c.serial:
        return f"{product.name} serial {c.serial} (lot {lot.lot_number})"
    return f"{c.quantity} x {product.name} lot {lot.lot_number}"


def _ordered(state: _Packing, product_id: int) -> int:
    return sum(line.quantity - line.shipped_quantity for line in state.lines[product_id])


_REFUSED_STATUS = {
    PackageStatus.ALLOCATED.value: ("is already packed in a carton", "already_packed"),
    PackageStatus.QUARANTINED.value: ("is in quarantine", "quarantined"),
    PackageStatus.SUSPECT.value: ("is suspect product under investigation", "suspect"),
    PackageStatus.RECALLED.value: ("is recalled", "recalled"),
    PackageStatus.SHIPPED.value: ("has already been shipped", "already_shipped"),
    PackageStatus.RETURNED.value: ("is a return that has not been verified and released",
                                   "returned"),
    PackageStatus.DESTROYED.value: ("was destroyed", "destroyed"),
    PackageStatus.MISSING.value: ("was written off as missing by a count", "missing"),
}


def _check_stock_state(c: _Candidate, product: Product, lot: Lot, kinds: dict,
                       seen: set[int]) -> None:
    if c.package_id is not None:
        if c.package_id in seen:
            raise PackRefused(f"{_what(product, lot, c)} was scanned twice.",
                              "already_packed")
        seen.add(c.package_id)
    if c.status in _REFUSED_STATUS:
        text, cause = _REFUSED_STATUS[c.status]
        if cause == "already_packed":
            text += f" ({_where_packed(c.package_id)})"
        raise PackRefused(f"{_what(product, lot, c)} {text}. Do not pack it.", cause)
    if kinds[c.location_id] is not LocationKind.BIN:
        raise PackRefused(f"{_what(product, lot, c)} is not in a bin (it is at "
                          f"{Location.get_by_id(c.location_id).code}); put it away first.",
                          "not_in_bin")


def _where_packed(package_id: int | None) -> str:
    if package_id is None:
        return "in another shipment"
    row = (ShipmentItem.select(Shipment.number, SalesOrder.number, Carton.seq)
           .join(Shipment).join(SalesOrder).switch(ShipmentItem).join(Carton)
           .where(ShipmentItem.package == package_id).order_by(ShipmentItem.id.desc())
           .tuples().first())
    return f"{row[0]} for {row[1]}, carton {row[2]}" if row else "in another shipment"


class _FreeStock:
    """Reservations and unreserved saleable units per (lot, bin), for the lots the
    candidates come from; decides whether a unit uses the line's reservation or stands
    in for it."""

    def __init__(self, state: _Packing, candidates: Sequence[_Candidate], lots: dict):
        self.state, self.lots, self.candidates = state, lots, candidates
        self.on_hand: dict[tuple[int, int], int] = {}
        self.held: Counter = Counter()
        self.loaded = False

    def _load(self) -> None:
        """Balances and everyone's reservations of the candidates' lots, read (and on
        PostgreSQL locked) the first time a unit stands in for a reserved one: a scan
        of the allocated lot needs none of it."""
        self.loaded = True
        self.lots.update(_lots({k[1] for k in self.state.reserved} - set(self.lots)))
        lot_ids = list({c.lot_id for c in self.candidates})
        for start in range(0, len(lot_ids), BATCH):
            chunk = lot_ids[start:start + BATCH]
            query = (StockBalance.select(StockBalance.lot, StockBalance.location,
                                         StockBalance.quantity)
                     .where(StockBalance.lot.in_(chunk)
                            & (StockBalance.status == PackageStatus.SALEABLE.value)))
            if is_postgres():
                query = query.for_update()
            for lot, loc, qty in query.tuples():
                self.on_hand[(lot, loc)] = qty
            for lot, loc, qty in (Allocation.select(Allocation.lot, Allocation.location,
                                                    fn.SUM(Allocation.quantity))
                                  .where(Allocation.lot.in_(chunk))
                                  .group_by(Allocation.lot, Allocation.location).tuples()):
                self.held[(lot, loc)] = qty

    def take(self, line: SalesOrderLine, c: _Candidate, product: Product, lot: Lot,
             earliest: date) -> bool:
        """Use the line's reservation of this lot and bin; else stand in for it (True)."""
        key = (line.id, c.lot_id, c.location_id)
        pair = (c.lot_id, c.location_id)
        mine = self.state.reserved.get(key, 0)
        if mine >= c.quantity:
            self._consume(key, c.quantity)
            return False
        if not self.loaded:
            self._load()
        if lot.expiry < earliest:
            raise PackRefused(
                f"{_what(product, lot, c)} expires {lot.expiry:%m/%d/%Y}, before the "
                f"{self.state.order.min_shelf_life_days} days of shelf life "
                f"{self.state.order.customer.name} requires. Pick the allocated lot.",
                "short_dated")
        unreserved = self.on_hand.get(pair, 0) - self.held[pair]
        if unreserved < c.quantity:
            raise PackRefused(f"{_what(product, lot, c)} is reserved for other orders. Pick "
                              f"{self._allocated_lots(line)} instead.", "reserved_elsewhere")
        self.on_hand[pair] -= c.quantity
        # Give back the same number of units of the line's own reservation, latest expiry
        # first, so the order never holds more than it needs.
        left = c.quantity
        for other in sorted((k for k, q in self.state.reserved.items()
                             if k[0] == line.id and q > 0),
                            key=lambda k: self.lots[k[1]].expiry, reverse=True):
            give = min(left, self.state.reserved[other])
            self._consume(other, give)
            self.held[(other[1], other[2])] -= give
            left -= give
            if not left:
                break
        return True

    def _consume(self, key: tuple[int, int, int], quantity: int) -> None:
        self.state.reserved[key] -= quantity
        self.state.touched.add(key)

    def _allocated_lots(self, line: SalesOrderLine) -> str:
        keys = [k for k, q in self.state.reserved.items() if k[0] == line.id and q > 0]
        if not keys:
            return "an unreserved package of a lot the customer may receive"
        names = dict(Lot.select(Lot.id, Lot.lot_number)
                     .where(Lot.id.in_([k[1] for k in keys])).tuples())
        codes = dict(Location.select(Location.id, Location.code)
                     .where(Location.id.in_([k[2] for k in keys])).tuples())
        return " or ".join(f"lot {names[k[1]]} from {codes[k[2]]}" for k in keys)


def _write(actor: Actor, state: _Packing, chosen, placement: dict, stage: bool) -> None:
    now = utc_now()
    pack = state.system[LocationKind.PACK]
    fallback = placement.get(None)
    bulk_insert(
        [ShipmentItem.shipment, ShipmentItem.line, ShipmentItem.lot, ShipmentItem.package,
         ShipmentItem.quantity, ShipmentItem.carton, ShipmentItem.from_location,
         ShipmentItem.packed_at, ShipmentItem.packed_by],
        [(state.shipment.id, line.id, c.lot_id, c.package_id, c.quantity,
          placement.get(id(c), fallback).id, c.location_id, now, actor.username)
         for c, line, _ in chosen])
    if stage:
        ledger.post(actor, [MoveLine(c.product_id, c.lot_id, c.quantity, c.location_id,
                                     PackageStatus.SALEABLE, pack, PackageStatus.ALLOCATED,
                                     c.package_id) for c, _, _ in chosen],
                    MoveReason.ALLOCATION, f"shipment:{state.shipment.id}",
                    note=f"packed for {state.order.number}")
    for line_id, lot_id, location_id in state.touched:
        left = state.reserved[(line_id, lot_id, location_id)]
        if left <= 0:
            Allocation.delete().where((Allocation.line == line_id) & (Allocation.lot == lot_id)
                                      & (Allocation.location == location_id)).execute()
        else:
            Allocation.update(quantity=left).where(
                (Allocation.line == line_id) & (Allocation.lot == lot_id)
                & (Allocation.location == location_id)).execute()
    if stage:
        _settle_order(state)


def _settle_order(state: _Packing) -> None:
    done = all(need <= 0 for need in state.need.values())
    status = SoStatus(state.order.status)
    if done and status is SoStatus.PICKING:
        sales.move_order(state.order, SoStatus.PACKED)
    elif not done and status is SoStatus.PACKED:
        sales.move_order(state.order, SoStatus.PICKING)


def _result(state: _Packing, units: list[PackedUnit], sscc: str) -> PackResult:
    return PackResult(units, sscc, SoStatus(state.order.status),
                      sum(max(n, 0) for n in state.need.values()))


def _describe_scan(scan: Scan) -> str:
    if scan.sscc:
        return f"case {scan.sscc}"
    return f"{scan.gtin} serial {scan.serial}" if scan.serial else f"{scan.gtin} lot {scan.lot}"


# -- taking a package out again --------------------------------------------------------
def remove_packed(actor: Actor, shipment_id: int, raw: str, reason: str,
                  gs_replacement: str = "") -> PackedUnit:
    """Take a scanned package (or a non-serialized lot's units) out of the shipment: it
    goes back to the bin it came from, saleable, and the order line's reservation of it
    is restored. Needs its own permission: a package leaving a carton is a diversion
    risk, so who and why are on record."""
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the package comes out of the carton.")
    scan = parse_scan(raw, gs_replacement)
    with write_transaction():
        authorize(actor, Permission.REMOVE_PACKED)
        shipment, order = _packing_shipment(shipment_id)
        product = Product.get_or_none(Product.gtin == scan.gtin) if scan.gtin else None
        if product is None:
            raise InvalidInput("scan", "Scan the package to take out (its 2D barcode).")
        query = (ShipmentItem.select(ShipmentItem, Lot).join(Lot)
                 .where((ShipmentItem.shipment == shipment) & (Lot.product == product)))
        if product.serialized:
            query = query.join(Package, on=(ShipmentItem.package == Package.id)).where(
                Package.serial == (scan.serial or ""))
        else:
            query = query.where(Lot.lot_number == (scan.lot or ""))
        item = query.order_by(ShipmentItem.id.desc()).first()
        if item is None:
            raise PackRefused(f"That {product.name} is not packed in {shipment.number}.",
                              "not_packed_here")
        pack = ledger.system_location(LocationKind.PACK)
        ledger.post(actor, [MoveLine(product.id, item.lot_id, item.quantity, pack,
                                     PackageStatus.ALLOCATED, item.from_location_id,
                                     PackageStatus.SALEABLE, item.package_id)],
                    MoveReason.ALLOCATION, f"shipment:{shipment.id}",
                    note=f"taken out of {shipment.number}: {reason.strip()}"[:200])
        (Allocation.insert(line=item.line_id, lot=item.lot_id, location=item.from_location_id,
                           quantity=item.quantity)
         .on_conflict(conflict_target=[Allocation.line, Allocation.lot, Allocation.location],
                      update={Allocation.quantity: Allocation.quantity + item.quantity})
         .execute())
        ShipmentItem.delete().where(ShipmentItem.id == item.id).execute()
        if SoStatus(order.status) is SoStatus.PACKED:
            sales.move_order(order, SoStatus.PICKING)
        line = SalesOrderLine.get_by_id(item.line_id)
        audit.record(actor, "remove_packed", "shipment", shipment.id,
                     f"{shipment.number}: {product.gtin} "
                     f"{scan.serial or item.lot.lot_number} x{item.quantity}: {reason.strip()}")
        return PackedUnit(product.gtin, product.name, scan.serial if product.serialized
                          else None, item.lot.lot_number, item.lot.expiry, item.quantity,
                          line.line_no, False)


# -- shipping --------------------------------------------------------------------------
def ship(actor: Actor, shipment_id: int) -> ShipResult:
    """Ship what is packed, in one transaction: moves to the customer, packages shipped,
    the outbound DSCSA transaction (TI per product and lot with the package identifiers,
    the Transaction Statement, both parties as they are today), the order shipped, and a
    backorder for whatever was not packed. The customer's authorization is checked again."""
    with write_transaction():
        authorize(actor, Permission.SHIP)
        shipment, order = _packing_shipment(shipment_id)
        return _ship(actor, shipment, order, staged=True)


def ship_allocation(actor: Actor, order_id: int,
                    per_carton: int = DEFAULT_PER_CARTON) -> ShipResult:
    """Pick, pack and ship the order's FEFO allocation in one step, for automation
    (`rxdesk-admin ship --auto`): every package is checked exactly as a scan is, goes
    into cartons of `per_carton` units with our SSCCs, and moves from its bin straight
    to the customer (one ledger move: it never rests at the pack station). An order
    already being packed at a station is finished there instead."""
    if not isinstance(per_carton, int) or per_carton <= 0:
        raise InvalidInput("per_carton", "A carton holds at least one unit.")
    with write_transaction():
        authorize(actor, Permission.SHIP)
        order = sales.locked_order(order_id)
        busy = (Shipment.select(Shipment.number).join(ShipmentItem)
                .where((Shipment.order == order)
                       & (Shipment.status == ShipmentStatus.PACKING.value)).scalar())
        if busy:
            raise sales.InvalidTransition(f"{order.number} is being packed at the pack "
                                          f"station ({busy}); finish and ship it there.")
        shipment = _open_shipment(actor, order)
        state = _state(shipment, order)
        _pack(actor, state, *_allocation_in_cartons(state, per_carton), stage=False)
        return _ship(actor, shipment, order, staged=False)


def _ship(actor: Actor, shipment: Shipment, order: SalesOrder, staged: bool) -> ShipResult:
    """`staged`: the packages wait at the pack station (allocated); else they are still
    in their bins (saleable), checked and locked by this transaction."""
    require_authorized(order.customer_id, schedules=sales.order_schedules(order))
    items = fetch_raw(ShipmentItem.select(ShipmentItem.line, ShipmentItem.lot,
                                          ShipmentItem.package, ShipmentItem.quantity,
                                          Lot.product, ShipmentItem.from_location)
                      .join(Lot).where(ShipmentItem.shipment == shipment))
    if not items:
        raise PackRefused(f"{shipment.number} is empty: scan packages into it first.",
                          "empty_shipment")
    pack, customer = (ledger.system_location(k)
                      for k in (LocationKind.PACK, LocationKind.CUSTOMER))
    if staged:
        _check_still_packed(shipment, pack)
    document = f"shipment:{shipment.id}"
    ledger.post(actor, [MoveLine(product_id, lot_id, qty, pack if staged else source,
                                 PackageStatus.ALLOCATED if staged else PackageStatus.SALEABLE,
                                 customer, None, package_id, PackageStatus.SHIPPED)
                        for _, lot_id, package_id, qty, product_id, source in items],
                MoveReason.SHIPMENT, document, note=f"{order.number} to customer",
                cache_packages=False)
    Package.update(location=customer, status=PackageStatus.SHIPPED.value).where(
        Package.id.in_(ShipmentItem.select(ShipmentItem.package)
                       .where(ShipmentItem.shipment == shipment))).execute()
    by_line: Counter = Counter()
    for line_id, _, _, qty, _, _ in items:
        by_line[line_id] += qty
    for line_id, qty in by_line.items():
        SalesOrderLine.update(shipped_quantity=SalesOrderLine.shipped_quantity + qty).where(
            SalesOrderLine.id == line_id).execute()
    Carton.delete().where((Carton.shipment == shipment) & ~fn.EXISTS(
        ShipmentItem.select().where(ShipmentItem.carton == Carton.id))).execute()
    Shipment.update(status=ShipmentStatus.SHIPPED.value, shipped_at=utc_now(),
                    shipped_by=actor.username).where(Shipment.id == shipment.id).execute()
    txn_id = _dscsa_record(shipment, order, items)
    invoice = (invoicing.raise_invoice(actor, shipment.id).number
               if order.customer.invoice_on_ship else None)
    sales.move_order(order, SoStatus.SHIPPED)
    backorder_id = _backorder(actor, order)
    cartons = [s for (s,) in Carton.select(Container.sscc).join(Container)
               .where(Carton.shipment == shipment).order_by(Carton.seq).tuples()]
    packages = sum(1 for item in items if item[2] is not None)
    units = sum(item[3] for item in items)
    audit.record(actor, "ship", "shipment", shipment.id,
                 f"{shipment.number} for {order.number}: {units} units in "
                 f"{len(cartons)} carton(s); DSCSA transaction {txn_id}"
                 + (f"; backorder SO-{backorder_id:06d}" if backorder_id else ""))
    return ShipResult(shipment.id, shipment.number, packages, units, cartons, txn_id,
                      backorder_id, invoice)


def _check_still_packed(shipment: Shipment, pack: int) -> None:
    """Every packed package is still at the pack station, allocated (nothing moved it
    since it was scanned): one set-based query, however large the shipment."""
    moved = (Package.select(Package.serial, Package.status)
             .join(ShipmentItem, on=(ShipmentItem.package == Package.id))
             .where((ShipmentItem.shipment == shipment)
                    & ((Package.location != pack)
                       | (Package.status != PackageStatus.ALLOCATED.value)))
             .tuples().first())
    if moved:
        raise PackRefused(f"Serial {moved[0]} in {shipment.number} is now {moved[1]}; "
                          "take it out and scan it again before shipping.", "moved")


def _address(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _dscsa_record(shipment: Shipment, order: SalesOrder, items: list[tuple]) -> int:
    company = Company.get_by_id(1)
    ship_to = PartnerAddress.get_by_id(order.ship_to_id)
    customer = order.customer
    today = shipment_date = utc_now().date()
    txn = DscsaTransaction.create(
        direction="out", partner=customer.id, shipment=shipment.id,
        transaction_date=today, shipment_date=shipment_date,
        seller_name=company.legal_name,
        seller_address=_address(company.street, company.city, company.state,
                                company.postal_code, company.country),
        buyer_name=customer.name,
        buyer_address=_address(ship_to.name, ship_to.street, ship_to.city, ship_to.state,
                               ship_to.postal_code, ship_to.country),
        statement_affirmed=True, legal_notice=TS_LEGAL_NOTICE, created_at=utc_now())
    per_lot: dict[tuple[int, int], list] = defaultdict(list)
    for _, lot_id, package_id, qty, product_id, _ in items:
        per_lot[(product_id, lot_id)].append((package_id, qty))
    products = {p.id: p for p in Product.select().where(
        Product.id.in_(list({k[0] for k in per_lot})))}
    for (product_id, lot_id), units in sorted(per_lot.items()):
        product = products[product_id]
        line = DscsaLine.create(
            transaction=txn, product=product_id, lot=lot_id,
            quantity=sum(q for _, q in units), product_name=product.name,
            strength=product.strength, dosage_form=product.dosage_form,
            ndc=Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
                    product.ndc_layout).ndc10,
            container_size=product.package_description)
        bulk_insert([DscsaPackage.line, DscsaPackage.package],
                    [(line.id, pid) for pid, _ in units if pid is not None])
    return txn.id


def _backorder(actor: Actor, order: SalesOrder) -> int | None:
    """Release what the shipped order still holds; what it did not ship becomes a new
    confirmed order (backorder_of the original) and is allocated again."""
    sales.release_lines(order)
    short = [(line.line_no, line.product_id, line.quantity - line.shipped_quantity,
              line.unit_price, line.price_source)
             for line in SalesOrderLine.select().where(SalesOrderLine.order == order)
             .order_by(SalesOrderLine.line_no)
             if line.quantity > line.shipped_quantity]
    if not short:
        return None
    return sales.create_backorder(actor, order, short)


def shipment_of(order_id: int) -> int | None:
    """The order's shipment being packed, if any (for screens and the CLI)."""
    return (Shipment.select(Shipment.id).where((Shipment.order == order_id)
                                               & (Shipment.status
                                                  == ShipmentStatus.PACKING.value))
            .scalar())
