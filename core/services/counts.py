"""Cycle counts: a count sheet for a bin or a product, packages scanned or lot
quantities entered, and on approval the variances become ledger moves.

Variances are computed at approval against the ledger as it is then, so stock must
not move in the counted scope while the count is open (the screen says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.db import write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import CountEntry, CountSheet, Location, Lot, Package, Product, StockBalance
from core.models.base import utc_now
from core.permissions import Actor, Permission
from core.services import audit, ledger
from core.services.access import authorize
from core.services.ledger import MoveLine
from core.services.stock import location as find_location
from core.vocab import CountStatus, LocationKind, MoveReason, PackageStatus

# Statuses a package has while it physically sits on a shelf of ours.
ON_SHELF = (PackageStatus.SALEABLE, PackageStatus.ALLOCATED, PackageStatus.RECALLED,
            PackageStatus.RETURNED, PackageStatus.QUARANTINED, PackageStatus.SUSPECT)


REASON_LIMIT = 200  # the sheet's note column


class CountClosed(RxDeskError):
    """The count was approved or cancelled: nothing more can be recorded on it."""

    title = "Count closed"

    def __init__(self, sheet_id: int, status: str):
        super().__init__(f"Count {sheet_id} is {status}; start a new count.")
        self.sheet_id = sheet_id
        self.status = status


@dataclass
class Variances:
    """What approving the sheet would do, and what it cannot resolve by itself."""

    missing: list[int] = field(default_factory=list)  # package ids expected, not scanned
    misplaced: list[tuple[int, int]] = field(default_factory=list)  # (package, counted loc)
    found: list[tuple[int, int]] = field(default_factory=list)  # missing earlier, now seen
    quantities: list[tuple[int, int, int, int]] = field(default_factory=list)  # lot, loc, product, delta
    exceptions: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.missing or self.misplaced or self.found or self.quantities)


def start_count(actor: Actor, location_code: str = "", gtin: str = "", note: str = "") -> int:
    if bool(location_code) == bool(gtin):
        raise InvalidInput("scope", "Count either one bin or one product.")
    with write_transaction():
        authorize(actor, Permission.TRANSFER_STOCK)
        loc = find_location(location_code) if location_code else None
        if loc is not None and not LocationKind(loc.kind).internal:
            raise InvalidInput("location", f"{loc.code} is not a place in the warehouse.")
        product = Product.get_or_none(Product.gtin == gtin) if gtin else None
        if gtin and product is None:
            raise NotFound("product with GTIN", gtin)
        sheet = CountSheet.create(location=loc, product=product, created_at=utc_now(),
                                  created_by=actor.username, note=note[:200])
        scope = loc.code if loc else f"product {product.gtin}"
        audit.record(actor, "start_count", "count", sheet.id, scope)
        return sheet.id


def _open_sheet(sheet_id: int) -> CountSheet:
    sheet = CountSheet.get_or_none(CountSheet.id == sheet_id)
    if sheet is None:
        raise NotFound("count sheet", sheet_id)
    if sheet.status != CountStatus.OPEN:
        raise CountClosed(sheet_id, sheet.status)
    return sheet


def _in_scope(sheet: CountSheet, loc: Location, product_id: int | None) -> None:
    if sheet.location_id and loc.id != sheet.location_id:
        raise InvalidInput("location", f"This count is for {sheet.location.code}, not {loc.code}.")
    if sheet.product_id and product_id is not None and product_id != sheet.product_id:
        raise InvalidInput("gtin", "That product is not the one being counted.")


def count_package(actor: Actor, sheet_id: int, location_code: str, gtin: str,
                  serial: str) -> str:
    """Record one scanned package; returns what the screen should say about it."""
    with write_transaction():
        authorize(actor, Permission.TRANSFER_STOCK)
        sheet = _open_sheet(sheet_id)
        loc = find_location(location_code)
        product = Product.get_or_none(Product.gtin == gtin)
        if product is None:
            raise NotFound("product with GTIN", gtin)
        _in_scope(sheet, loc, product.id)
        package = Package.get_or_none((Package.product == product) & (Package.serial == serial))
        if package and CountEntry.select().where((CountEntry.sheet == sheet)
                                                 & (CountEntry.package == package)).exists():
            raise InvalidInput("serial", f"Serial {serial} is already counted on this sheet.")
        CountEntry.create(sheet=sheet, location=loc, lot=package.lot_id if package else None,
                          package=package, unknown_gtin="" if package else gtin,
                          unknown_serial="" if package else serial, counted_at=utc_now(),
                          counted_by=actor.username)
        if package is None:
            return f"Serial {serial} is not in RxDesk: set the package aside for investigation."
        if package.location_id != loc.id:
            return f"Serial {serial} is recorded at another location; approval moves it here."
        return f"Serial {serial} counted."


def count_quantity(actor: Actor, sheet_id: int, location_code: str, gtin: str,
                   lot_number: str, quantity: int) -> None:
    """Record the counted units of a non-serialized lot (replaces an earlier entry)."""
    if not isinstance(quantity, int) or quantity < 0:
        raise InvalidInput("quantity", "The counted quantity is a whole number, 0 or more.")
    with write_transaction():
        authorize(actor, Permission.TRANSFER_STOCK)
        sheet = _open_sheet(sheet_id)
        loc = find_location(location_code)
        lot = (Lot.select().join(Product)
               .where((Product.gtin == gtin) & (Lot.lot_number == lot_number)).first())
        if lot is None:
            raise NotFound("lot", f"{lot_number} of GTIN {gtin}")
        if lot.product.serialized:
            raise InvalidInput("quantity", f"{lot.product.name} is serialized: scan each package.")
        _in_scope(sheet, loc, lot.product_id)
        CountEntry.delete().where((CountEntry.sheet == sheet) & (CountEntry.lot == lot)
                                  & (CountEntry.location == loc)
                                  & CountEntry.package.is_null()).execute()
        CountEntry.create(sheet=sheet, location=loc, lot=lot, quantity=quantity,
                          counted_at=utc_now(), counted_by=actor.username)


def variances(sheet_id: int) -> Variances:
    """Compare the sheet with the ledger now (read-only)."""
    sheet = CountSheet.get_or_none(CountSheet.id == sheet_id)
    if sheet is None:
        raise NotFound("count sheet", sheet_id)
    result = Variances()
    scope = Package.select(Package.id, Package.location, Package.status)
    if sheet.location_id:
        scope = scope.where(Package.location == sheet.location_id)
    else:
        internal = Location.select(Location.id).where(
            Location.kind.in_([k.value for k in (LocationKind.BIN, LocationKind.RECEIVING,
                                                 LocationKind.QUARANTINE, LocationKind.PACK)]))
        scope = scope.where((Package.product == sheet.product_id) & Package.location.in_(internal))
    expected = {pid: loc for pid, loc, status in scope.tuples()
                if PackageStatus(status) in ON_SHELF}
    seen: dict[int, int] = {}
    counted_qty: dict[tuple[int, int], int] = {}
    for entry in CountEntry.select().where(CountEntry.sheet == sheet):
        if entry.package_id:
            seen[entry.package_id] = entry.location_id
        elif entry.unknown_serial:
            result.exceptions.append(f"GTIN {entry.unknown_gtin} serial {entry.unknown_serial} "
                                     "is not in RxDesk (product without data: quarantine it)")
        else:
            counted_qty[(entry.lot_id, entry.location_id)] = entry.quantity
    result.missing = sorted(pid for pid in expected if pid not in seen)
    packages = {p.id: p for p in Package.select().where(Package.id.in_(list(seen)))} if seen else {}
    for pid, counted_at in seen.items():
        package = packages[pid]
        status = PackageStatus(package.status)
        if status is PackageStatus.MISSING:
            result.found.append((pid, counted_at))
        elif status not in ON_SHELF:
            result.exceptions.append(f"GTIN-serial {package.product.gtin} {package.serial} is "
                                     f"recorded as {status.value} but was found on the shelf "
                                     "(suspect: quarantine and investigate)")
        elif package.location_id != counted_at:
            result.misplaced.append((pid, counted_at))
    _quantity_variances(sheet, counted_qty, result)
    return result


def _quantity_variances(sheet, counted_qty, result: Variances) -> None:
    query = (StockBalance.select(StockBalance.lot, StockBalance.location, StockBalance.product,
                                 StockBalance.quantity)
             .join(Product, on=(StockBalance.product == Product.id))
             .where(~Product.serialized & (StockBalance.status == PackageStatus.SALEABLE.value)))
    if sheet.location_id:
        query = query.where(StockBalance.location == sheet.location_id)
    else:
        query = query.where(StockBalance.product == sheet.product_id)
    on_hand = {(lot, loc): (product, qty) for lot, loc, product, qty in query.tuples()}
    products = dict(Lot.select(Lot.id, Lot.product).where(
        Lot.id.in_([lot for lot, _ in counted_qty])).tuples()) if counted_qty else {}
    for key in set(on_hand) | set(counted_qty):
        product, expected = on_hand.get(key, (products.get(key[0]), 0))
        delta = counted_qty.get(key, 0) - expected
        if delta:
            result.quantities.append((key[0], key[1], product, delta))


def approve_count(actor: Actor, sheet_id: int, note: str = "") -> Variances:
    """Post the variances as moves (count corrections, found stock, misplaced packages
    moved to where they were counted) and close the sheet."""
    with write_transaction():
        authorize(actor, Permission.ADJUST_STOCK)
        sheet = _open_sheet(sheet_id)
        result = variances(sheet_id)
        document = f"count:{sheet.id}"
        sink = Location.get(Location.kind == LocationKind.ADJUSTMENT.value)
        by_id = {p.id: p for p in Package.select().where(Package.id.in_(
            result.missing + [pid for pid, _ in result.misplaced + result.found]))}
        if result.missing:
            ledger.post(actor, [MoveLine(p.product_id, p.lot_id, 1, p.location_id,
                                         PackageStatus(p.status), sink.id, None, p.id,
                                         PackageStatus.MISSING)
                                for p in (by_id[i] for i in result.missing)],
                        MoveReason.COUNT_CORRECTION, document, note)
        if result.misplaced:
            ledger.post(actor, [MoveLine(by_id[pid].product_id, by_id[pid].lot_id, 1,
                                         by_id[pid].location_id, PackageStatus(by_id[pid].status),
                                         loc, PackageStatus(by_id[pid].status), pid)
                                for pid, loc in result.misplaced],
                        MoveReason.TRANSFER, document, note)
        if result.found:
            ledger.post(actor, [MoveLine(by_id[pid].product_id, by_id[pid].lot_id, 1, sink.id,
                                         None, loc, PackageStatus.SALEABLE, pid)
                                for pid, loc in result.found],
                        MoveReason.FOUND, document, note)
        ups = [MoveLine(product, lot, delta, sink.id, None, loc, PackageStatus.SALEABLE)
               for lot, loc, product, delta in result.quantities if delta > 0]
        downs = [MoveLine(product, lot, -delta, loc, PackageStatus.SALEABLE, sink.id, None)
                 for lot, loc, product, delta in result.quantities if delta < 0]
        ledger.post(actor, ups, MoveReason.FOUND, document, note)
        ledger.post(actor, downs, MoveReason.COUNT_CORRECTION, document, note)
        CountSheet.update(status=CountStatus.APPROVED.value, closed_at=utc_now(),
                          closed_by=actor.username).where(CountSheet.id == sheet.id).execute()
        audit.record(actor, "approve_count", "count", sheet.id,
                     f"{len(result.missing)} missing, {len(result.misplaced)} moved, "
                     f"{len(result.found)} found, {len(result.quantities)} lot quantity "
                     f"change(s), {len(result.exceptions)} exception(s)")
        return result


def cancel_count(actor: Actor, sheet_id: int, reason: str) -> None:
    """Close an open count without posting anything (started in the wrong bin, or
    interrupted and to be done again). What was scanned stays on the sheet; the reason
    becomes the sheet's note (an earlier note goes to the audit entry with it).

    Cancelling needs the same permission as approving: closing a count is the
    supervisor's decision, so a count that found missing stock cannot quietly be
    dropped by the person who counted."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "Say why the count is cancelled.")
    if len(reason) > REASON_LIMIT:
        raise InvalidInput("reason", f"Keep the reason to {REASON_LIMIT} characters; it has "
                                     f"{len(reason)}.")
    with write_transaction():
        authorize(actor, Permission.ADJUST_STOCK)
        sheet = _open_sheet(sheet_id)
        CountSheet.update(status=CountStatus.CANCELLED.value, closed_at=utc_now(),
                          closed_by=actor.username, note=reason
                          ).where(CountSheet.id == sheet.id).execute()
        entries = CountEntry.select().where(CountEntry.sheet == sheet).count()
        audit.record(actor, "cancel_count", "count", sheet.id,
                     f"{entries} entr{'ies' if entries != 1 else 'y'}, nothing posted"
                     + (f" (note was: {sheet.note})" if sheet.note else "") + f": {reason}")
