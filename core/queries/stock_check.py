"""Proof that the cached stock state equals the ledger: balances are the sum of moves,
and each package sits where its newest move put it. Run by tests after random move
sequences, and available to administrators as a health check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from core.models import Location, Package, StockBalance, StockMove
from core.vocab import INTERNAL_LOCATIONS


@dataclass(frozen=True)
class Discrepancy:
    what: str
    cached: object
    ledger: object


def ledger_discrepancies() -> list[Discrepancy]:
    internal = {loc for (loc,) in Location.select(Location.id).where(
        Location.kind.in_([k.value for k in INTERNAL_LOCATIONS])).tuples()}
    summed: dict[tuple[int, int, str], int] = defaultdict(int)
    moves = (StockMove.select(StockMove.lot, StockMove.quantity, StockMove.from_location,
                              StockMove.from_status, StockMove.to_location, StockMove.to_status)
             .tuples().iterator())
    for lot, qty, src, src_status, dst, dst_status in moves:
        if src in internal:
            summed[(lot, src, src_status)] -= qty
        if dst in internal:
            summed[(lot, dst, dst_status)] += qty
    cached = {(lot, loc, status): qty for lot, loc, status, qty in StockBalance.select(
        StockBalance.lot, StockBalance.location, StockBalance.status, StockBalance.quantity
    ).tuples()}
    found = [Discrepancy(f"balance lot {k[0]} location {k[1]} {k[2]}", cached.get(k, 0), v)
             for k, v in summed.items() if cached.get(k, 0) != v]
    found += [Discrepancy(f"balance lot {k[0]} location {k[1]} {k[2]}", v, 0)
              for k, v in cached.items() if k not in summed and v != 0]
    last: dict[int, tuple[int, str | None]] = {}
    for package, dst, dst_status in (StockMove.select(StockMove.package, StockMove.to_location,
                                                      StockMove.to_status)
                                     .where(StockMove.package.is_null(False))
                                     .order_by(StockMove.id).tuples().iterator()):
        last[package] = (dst, dst_status)
    for pid, loc, status in Package.select(Package.id, Package.location, Package.status).tuples():
        if pid not in last:
            found.append(Discrepancy(f"package {pid} has no moves", (loc, status), None))
        elif last[pid][0] != loc or (last[pid][1] is not None and last[pid][1] != status):
            found.append(Discrepancy(f"package {pid}", (loc, status), last[pid]))
    return found
