"""Warehouse locations for pickers, screens and putaway."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Location, StockBalance
from core.vocab import LocationKind, Storage


@dataclass(frozen=True)
class LocationRow:
    id: int
    code: str
    name: str
    kind: LocationKind
    zone: str
    aisle: str
    pick_sequence: int
    storage: Storage
    active: bool
    units: int


def list_locations(internal_only: bool = True) -> list[LocationRow]:
    """Every location in pick order, with the units on hand in each (hundreds of rows)."""
    from peewee import fn

    units = dict(StockBalance.select(StockBalance.location, fn.SUM(StockBalance.quantity))
                 .group_by(StockBalance.location).tuples())
    query = Location.select().order_by(Location.kind != LocationKind.BIN.value,
                                       Location.pick_sequence, Location.code)
    rows = [LocationRow(loc.id, loc.code, loc.name, LocationKind(loc.kind), loc.zone, loc.aisle,
                        loc.pick_sequence, Storage(loc.storage), loc.active,
                        int(units.get(loc.id) or 0)) for loc in query]
    return [r for r in rows if r.kind.internal] if internal_only else rows
