"""The stock ledger engine: append moves and keep the cached state in step.

Every stock change in RxDesk, whatever the screen, ends here: one batch of StockMove
rows, the StockBalance deltas for internal locations, and the cached location and
status of each serialized package. No internal balance may go below zero. Callers
(services) have already checked permissions and hold the write transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.db import bulk_insert, database, is_postgres
from core.errors import RxDeskError
from core.models import Location, Lot, StockMove
from core.models.base import utc_now
from core.permissions import Actor
from core.services import valuation
from core.vocab import INTERNAL_LOCATIONS, LocationKind, MoveReason, PackageStatus

BATCH = 500


class InsufficientStock(RxDeskError):
    title = "Not enough stock"

    def __init__(self, lot_number: str, location: str, status: str, short_by: int):
        super().__init__(
            f"Lot {lot_number} has {short_by} fewer {status} units at {location} than this "
            "would move. Count the bin, or pick another lot or location."
        )
        self.short_by = short_by


@dataclass(frozen=True)
class MoveLine:
    """`quantity` of a lot from (location, status) to (location, status); a
    serialized package moves alone with quantity 1. Status is None outside our walls."""

    product_id: int
    lot_id: int
    quantity: int
    from_location_id: int
    from_status: PackageStatus | None
    to_location_id: int
    to_status: PackageStatus | None
    package_id: int | None = None
    # What the package's cached status becomes; defaults to to_status (shipped,
    # destroyed and missing packages sit outside our walls with no stock status).
    package_status: PackageStatus | None = None


_MOVE_FIELDS = [StockMove.at, StockMove.product, StockMove.lot, StockMove.package,
                StockMove.quantity, StockMove.from_location, StockMove.from_status,
                StockMove.to_location, StockMove.to_status, StockMove.reason,
                StockMove.document, StockMove.user_id, StockMove.username, StockMove.note]


class _LocationKinds(dict):
    """Location id -> kind. A location's kind is fixed when it is created, so the map is
    kept per database and reloaded only when an id is missing (a bin added since)."""

    def __init__(self, database_name: str):
        super().__init__()
        self.database_name = database_name

    def reload(self) -> None:
        self.update((loc_id, LocationKind(kind)) for loc_id, kind in
                    Location.select(Location.id, Location.kind).tuples())

    def __missing__(self, location_id: int) -> LocationKind:
        self.reload()
        if location_id not in self:
            raise KeyError(location_id)
        return self[location_id]


_kinds: _LocationKinds | None = None


def system_location(kind: LocationKind) -> int:
    """The id of the one location of a system kind (pack station, customers, ...)."""
    kinds = location_kinds()
    if not kinds:
        kinds.reload()
    return next(i for i, k in kinds.items() if k is kind)


def location_kinds() -> dict[int, LocationKind]:
    global _kinds
    name = f"{type(database.obj).__name__}:{database.obj.database}"
    if _kinds is None or _kinds.database_name != name:
        _kinds = _LocationKinds(name)
    return _kinds


def post(actor: Actor, lines: Sequence[MoveLine], reason: MoveReason, document: str = "",
         note: str = "", cache_packages: bool = True,
         unit_costs: Mapping[int, Decimal] | None = None) -> int:
    """Append `lines` as moves; returns how many. Raises InsufficientStock (and the
    caller's transaction rolls back) if an internal balance would go negative.
    Units entering or leaving our books are valued in the same transaction
    (core.services.valuation): `unit_costs` by lot id for units coming in, e.g. the PO
    cost on a receipt (else the product's standard cost).
    `cache_packages=False`: the caller has just written the packages already where
    (and in the status) these moves leave them, e.g. a receipt inserting its packages."""
    if not lines:
        return 0
    kinds = location_kinds()
    at = utc_now()
    deltas: dict[tuple[int, int, int, str], int] = defaultdict(int)
    rows = []
    package_updates: dict[tuple[int, str], list[int]] = defaultdict(list)
    reason_value, note = reason.value, note[:200]
    for line in lines:
        if line.quantity <= 0 or (line.package_id is not None and line.quantity != 1):
            raise ValueError(f"bad move quantity {line.quantity}")
        for loc, status, sign in ((line.from_location_id, line.from_status, -1),
                                  (line.to_location_id, line.to_status, +1)):
            if kinds[loc] in INTERNAL_LOCATIONS:
                if status is None:
                    raise ValueError("stock inside the warehouse needs a status")
                deltas[(line.product_id, line.lot_id, loc, status.value)] += sign * line.quantity
        rows.append((at, line.product_id, line.lot_id, line.package_id, line.quantity,
                     line.from_location_id, line.from_status and line.from_status.value,
                     line.to_location_id, line.to_status and line.to_status.value,
                     reason_value, document, actor.user_id, actor.username, note))
        if cache_packages and line.package_id is not None:
            status = line.package_status or line.to_status
            package_updates[(line.to_location_id, status.value)].append(line.package_id)
    bulk_insert(_MOVE_FIELDS, rows)
    _apply_deltas(deltas)
    for (location_id, status), ids in package_updates.items():
        _cache_package_state(location_id, status, ids)
    valuation.book(actor, lines, kinds, reason, document, unit_costs)
    return len(rows)


def _cache_package_state(location_id: int, status: str, ids: list[int]) -> None:
    """UPDATE package ... WHERE id IN (...) in chunks, as plain SQL: peewee builds an IN
    list of 500 ids one expression node at a time (~20 ms a chunk), the driver does not."""
    mark = "%s" if is_postgres() else "?"
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        database.execute_sql(
            f'UPDATE "package" SET "location_id" = {mark}, "status" = {mark} '
            f'WHERE "id" IN ({", ".join([mark] * len(chunk))})',
            (location_id, status, *chunk))


def _apply_deltas(deltas: dict[tuple[int, int, int, str], int]) -> None:
    """One upsert per changed balance that returns the new quantity (plain SQL: this runs
    for every scan at the pack station, where peewee's statement building showed)."""
    mark = "%s" if is_postgres() else "?"
    upsert = (f'INSERT INTO "stock_balance" ("product_id", "lot_id", "location_id", "status", '
              f'"quantity") VALUES ({mark}, {mark}, {mark}, {mark}, {mark}) '
              'ON CONFLICT ("lot_id", "location_id", "status") DO UPDATE SET '
              '"quantity" = "stock_balance"."quantity" + EXCLUDED."quantity" '
              'RETURNING "quantity"')
    for (product_id, lot_id, location_id, status), delta in deltas.items():
        if delta == 0:
            continue
        (left,) = database.execute_sql(
            upsert, (product_id, lot_id, location_id, status, delta)).fetchone()
        if left < 0:
            lot = Lot.get_by_id(lot_id)
            raise InsufficientStock(lot.lot_number, Location.get_by_id(location_id).code,
                                    status, -left)
