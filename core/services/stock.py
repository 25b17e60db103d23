"""Warehouse stock services: opening stock, transfers, adjustments, quarantine.

Each is one transaction through the ledger engine (core.services.ledger) plus an
audit entry. Packages are named the way a scanner names them: GTIN + serial.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from core.db import write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.gs1 import validate_sscc
from core.models import Container, Location, Lot, Package, Product
from core.models.base import utc_now
from core.permissions import Actor, Permission
from core.services import audit, ledger
from core.services.access import authorize
from core.services.ledger import MoveLine
from core.vocab import ADJUSTMENT_REASONS, LocationKind, MoveReason, PackageStatus

SERIAL_MAX = 20
# Where each status may sit; a move that breaks this is refused.
QUARANTINE_STATUSES = (PackageStatus.QUARANTINED, PackageStatus.SUSPECT)


class PackageNotMovable(RxDeskError):
    title = "Package cannot move"


def location(code: str) -> Location:
    found = Location.get_or_none(Location.code == (code or "").strip().upper())
    if found is None:
        raise NotFound("location", code)
    return found


def _product(gtin: str) -> Product:
    product = Product.get_or_none(Product.gtin == gtin)
    if product is None:
        raise NotFound("product with GTIN", gtin)
    return product


def _status_for(loc: Location) -> PackageStatus:
    return (PackageStatus.QUARANTINED if loc.kind == LocationKind.QUARANTINE.value
            else PackageStatus.SALEABLE)


def _system(kind: LocationKind) -> Location:
    return Location.get(Location.kind == kind.value)


def add_opening_stock(actor: Actor, gtin: str, lot_number: str, expiry: date,
                      location_code: str, serials: Sequence[str] = (), quantity: int = 0,
                      note: str = "", case_sscc: str = "") -> int:
    """Stock that is on the shelf when RxDesk starts (or is found): the lot is created
    when new, serialized packages are created with their serials, inside the sealed
    case `case_sscc` when given. Returns units added."""
    lot_number = (lot_number or "").strip()
    case_sscc = validate_sscc(case_sscc, "case_sscc") if case_sscc else ""
    if not lot_number or len(lot_number) > 20:
        raise InvalidInput("lot_number", "A lot number of 1 to 20 characters is required.")
    with write_transaction():
        authorize(actor, Permission.ADJUST_STOCK)
        product = _product(gtin)
        dest = location(location_code)
        if not LocationKind(dest.kind).internal:
            raise InvalidInput("location", f"{dest.code} is not a place in the warehouse.")
        if product.serialized:
            if quantity or not serials:
                raise InvalidInput("serials", f"{product.name} is serialized: give one serial "
                                   "per package, not a quantity.")
            _check_serials(product, serials)
        elif serials or quantity <= 0:
            raise InvalidInput("quantity", f"{product.name} is not serialized: give a quantity "
                               "greater than zero, not serials.")
        lot = _lot(product, lot_number, expiry)
        status = _status_for(dest)
        source = _system(LocationKind.ADJUSTMENT)
        if case_sscc and not product.serialized:
            raise InvalidInput("case_sscc", "Only serialized packages are aggregated into cases.")
        if product.serialized:
            case = _case(case_sscc) if case_sscc else None
            package_ids = _create_packages(product, lot, serials, status, dest, case)
            lines = [MoveLine(product.id, lot.id, 1, source.id, None, dest.id, status, pid)
                     for pid in package_ids]
        else:
            lines = [MoveLine(product.id, lot.id, quantity, source.id, None, dest.id, status)]
        units = len(serials) or quantity
        ledger.post(actor, lines, MoveReason.OPENING_BALANCE, note=note)
        audit.record(actor, "opening_stock", "lot", lot.id,
                     f"{units} x {product.gtin} lot {lot.lot_number} into {dest.code}")
        return units


def _lot(product: Product, lot_number: str, expiry: date) -> Lot:
    lot = Lot.get_or_none((Lot.product == product) & (Lot.lot_number == lot_number))
    if lot is None:
        return Lot.create(product=product, lot_number=lot_number, expiry=expiry)
    if lot.expiry != expiry:
        raise InvalidInput("expiry", f"Lot {lot_number} of {product.name} expires {lot.expiry}, "
                           f"not {expiry}. Check the label.")
    return lot


def _check_serials(product: Product, serials: Sequence[str]) -> None:
    seen = set()
    for serial in serials:
        if not serial or len(serial) > SERIAL_MAX:
            raise InvalidInput("serials", f"Serial '{serial}' must be 1 to {SERIAL_MAX} characters.")
        if serial in seen:
            raise InvalidInput("serials", f"Serial {serial} is listed twice.")
        seen.add(serial)
    listed = sorted(seen)
    for start in range(0, len(listed), 10_000):  # PostgreSQL takes at most 65,535 parameters
        existing = (Package.select(Package.serial)
                    .where((Package.product == product)
                           & Package.serial.in_(listed[start:start + 10_000])).first())
        if existing is not None:
            raise InvalidInput("serials", f"Package {product.gtin} serial {existing.serial} is "
                               "already in RxDesk; a serial can exist only once.")


def _case(sscc: str) -> Container:
    case = Container.get_or_none(Container.sscc == sscc)
    if case is None:
        return Container.create(sscc=sscc, created_at=utc_now())
    if Package.select().where(Package.container == case).exists():
        raise InvalidInput("case_sscc", f"Case {sscc} already holds packages; a sealed case is "
                           "recorded once.")
    return case


def _create_packages(product, lot, serials, status, dest, case) -> list[int]:
    rows = [{"product": product.id, "lot": lot.id, "serial": s, "status": status.value,
             "location": dest.id, "container": case.id if case else None} for s in serials]
    for start in range(0, len(rows), ledger.BATCH):
        Package.insert_many(rows[start:start + ledger.BATCH]).execute()
    serials = list(serials)
    return [pid for start in range(0, len(serials), 10_000)  # PostgreSQL's parameter limit
            for (pid,) in Package.select(Package.id).where(
                (Package.product == product) & (Package.lot == lot)
                & Package.serial.in_(serials[start:start + 10_000])).tuples()]


def _packages(keys: Sequence[tuple[str, str]]) -> list[Package]:
    """The packages named by (GTIN, serial), in the given order; unknown ones refused."""
    if not keys:
        raise InvalidInput("packages", "Scan at least one package.")
    found = []
    for gtin, serial in keys:
        package = (Package.select(Package, Product).join(Product)
                   .where((Product.gtin == gtin) & (Package.serial == serial)).first())
        if package is None:
            raise NotFound("package", f"GTIN {gtin} serial {serial}")
        found.append(package)
    return found


def _require_here(packages: Sequence[Package], allowed: Sequence[PackageStatus], action: str):
    kinds = ledger.location_kinds()
    for p in packages:
        if not kinds[p.location_id].internal or PackageStatus(p.status) not in allowed:
            raise PackageNotMovable(
                f"Package {p.product.gtin} serial {p.serial} is {p.status}"
                f"{'' if kinds[p.location_id].internal else ' (not in the warehouse)'}; "
                f"it cannot be {action}."
            )


def transfer_packages(actor: Actor, keys: Sequence[tuple[str, str]], to_code: str) -> int:
    """Move scanned packages to another bin; their status does not change."""
    with write_transaction():
        authorize(actor, Permission.TRANSFER_STOCK)
        dest = location(to_code)
        if dest.kind not in (LocationKind.BIN.value, LocationKind.PACK.value,
                             LocationKind.RECEIVING.value):
            raise InvalidInput("location", f"Use quarantine, not a transfer, to move stock to "
                               f"{dest.code}." if dest.kind == "quarantine" else
                               f"{dest.code} is not a bin.")
        packages = _packages(keys)
        _require_here(packages, (PackageStatus.SALEABLE, PackageStatus.ALLOCATED,
                                 PackageStatus.RECALLED, PackageStatus.RETURNED), "transferred")
        lines = [MoveLine(p.product_id, p.lot_id, 1, p.location_id, PackageStatus(p.status),
                          dest.id, PackageStatus(p.status), p.id)
                 for p in packages if p.location_id != dest.id]
        ledger.post(actor, lines, MoveReason.TRANSFER)
        audit.record(actor, "transfer", "location", dest.id,
                     f"{len(lines)} package(s) to {dest.code}")
        return len(lines)


def transfer_quantity(actor: Actor, gtin: str, lot_number: str, quantity: int,
                      from_code: str, to_code: str) -> int:
    """Move units of a non-serialized lot between bins."""
    with write_transaction():
        authorize(actor, Permission.TRANSFER_STOCK)
        lot, source, dest = _lot_at(gtin, lot_number, quantity, from_code), location(from_code), location(to_code)
        if dest.kind != LocationKind.BIN.value:
            raise InvalidInput("location", f"{dest.code} is not a bin.")
        line = MoveLine(lot.product_id, lot.id, quantity, source.id, PackageStatus.SALEABLE,
                        dest.id, PackageStatus.SALEABLE)
        ledger.post(actor, [line], MoveReason.TRANSFER)
        audit.record(actor, "transfer", "lot", lot.id,
                     f"{quantity} x lot {lot_number} {source.code} -> {dest.code}")
        return quantity


def _lot_at(gtin: str, lot_number: str, quantity: int, from_code: str) -> Lot:
    product = _product(gtin)
    if product.serialized:
        raise InvalidInput("quantity", f"{product.name} is serialized: scan the packages.")
    if quantity <= 0:
        raise InvalidInput("quantity", "The quantity must be a whole number above zero.")
    lot = Lot.get_or_none((Lot.product == product) & (Lot.lot_number == lot_number))
    if lot is None:
        raise NotFound("lot", f"{lot_number} of {product.name}")
    return lot


def adjust_packages(actor: Actor, keys: Sequence[tuple[str, str]], reason: MoveReason,
                    note: str) -> int:
    """Write packages off (damaged, expired, destroyed, count correction); needs a note."""
    if reason not in ADJUSTMENT_REASONS or reason is MoveReason.FOUND:
        raise InvalidInput("reason", f"'{reason}' is not a reason to write stock off.")
    if not (note or "").strip():
        raise InvalidInput("note", "Say why in the note: it is part of the record.")
    status_after = (PackageStatus.MISSING if reason is MoveReason.COUNT_CORRECTION
                    else PackageStatus.DESTROYED)
    with write_transaction():
        authorize(actor, Permission.ADJUST_STOCK)
        packages = _packages(keys)
        _require_here(packages, tuple(PackageStatus), "written off")
        sink = _system(LocationKind.ADJUSTMENT)
        lines = [MoveLine(p.product_id, p.lot_id, 1, p.location_id, PackageStatus(p.status),
                          sink.id, None, p.id, status_after) for p in packages]
        ledger.post(actor, lines, reason, note=note)
        audit.record(actor, "adjust", "package", packages[0].id,
                     f"{len(lines)} package(s) written off: {reason.value}; {note.strip()}")
        return len(lines)


def quarantine_packages(actor: Actor, keys: Sequence[tuple[str, str]], reason: str,
                        suspect: bool = False) -> int:
    """Pull packages out of saleable stock into the quarantine location. `suspect`
    marks possible illegitimate product (DSCSA investigation)."""
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the stock is quarantined.")
    to_status = PackageStatus.SUSPECT if suspect else PackageStatus.QUARANTINED
    with write_transaction():
        authorize(actor, Permission.QUARANTINE)
        packages = _packages(keys)
        _require_here(packages, (PackageStatus.SALEABLE, PackageStatus.ALLOCATED,
                                 PackageStatus.RECALLED, PackageStatus.RETURNED,
                                 PackageStatus.QUARANTINED), "quarantined")
        cage = _system(LocationKind.QUARANTINE)
        lines = [MoveLine(p.product_id, p.lot_id, 1, p.location_id, PackageStatus(p.status),
                          cage.id, to_status, p.id) for p in packages]
        ledger.post(actor, lines, MoveReason.QUARANTINE, note=reason)
        audit.record(actor, "quarantine", "package", packages[0].id,
                     f"{len(lines)} package(s) -> {to_status.value}: {reason.strip()}")
        return len(lines)


def release_packages(actor: Actor, keys: Sequence[tuple[str, str]], to_code: str,
                     reason: str) -> int:
    """Return cleared packages from quarantine to a bin as saleable, with why. Suspect
    product (possible illegitimate product under DSCSA) needs an owner or admin."""
    if not (reason or "").strip():
        raise InvalidInput("reason", "Record why the stock was cleared.")
    with write_transaction():
        authorize(actor, Permission.QUARANTINE)
        dest = location(to_code)
        if dest.kind != LocationKind.BIN.value:
            raise InvalidInput("location", f"{dest.code} is not a bin.")
        packages = _packages(keys)
        _require_here(packages, QUARANTINE_STATUSES, "released")
        if any(p.status == PackageStatus.SUSPECT.value for p in packages):
            authorize(actor, Permission.CLEAR_SUSPECT)
        lines = [MoveLine(p.product_id, p.lot_id, 1, p.location_id, PackageStatus(p.status),
                          dest.id, PackageStatus.SALEABLE, p.id) for p in packages]
        ledger.post(actor, lines, MoveReason.RELEASE, note=reason)
        audit.record(actor, "release", "package", packages[0].id,
                     f"{len(lines)} package(s) -> {dest.code}: {reason.strip()}")
        return len(lines)
