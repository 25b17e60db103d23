"""A database at inventory scale (10,000 products, 200,000 lots, 2,000,000 packages) in
minutes rather than the hours per-call services would take.

Products, bins, lot numbers and serials come from core.bulk_load (checked as the
services check them) and the rows are written through it (large executemany batches on
SQLite, COPY on PostgreSQL) straight into product, lot, package, stock_move and
stock_balance. Every package gets its opening-balance move and every balance is the
sum of those moves, so core.queries.stock_check.ledger_discrepancies() finds nothing.
(The six-year history of the large demo is core.scale_data.)
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from core import bulk_load
from core.bulk_load import RowWriter
from core.db import database, is_postgres, write_transaction
from core.models import Location, Lot, Package, Product, StockBalance, StockMove
from core.models.base import UtcDateTimeField, utc_now
from core.permissions import Actor
from core.services import audit
from core.vocab import LocationKind, MoveReason, PackageStatus


@dataclass(frozen=True)
class BenchScale:
    name: str
    products: int
    lots: int
    packages: int
    bins: int


SCALES = {
    "full": BenchScale("full", products=10_000, lots=200_000, packages=2_000_000, bins=400),
    "quick": BenchScale("quick", products=500, lots=5_000, packages=50_000, bins=60),
}
SEED = 581  # FD&C Act section 581
CHUNK = 50_000


@dataclass
class Built:
    """What the timings need to know about the generated data."""

    busy_product_id: int
    big_lot_id: int
    name_fragment: str
    scan_samples: list[tuple[str, str, str, date]]  # gtin, serial, lot, expiry


def _expiry(rng: random.Random, today: date) -> date:
    roll = rng.random()
    if roll < 0.04:
        return today - timedelta(days=rng.randrange(1, 240))
    if roll < 0.14:
        return today + timedelta(days=rng.randrange(0, 90))
    return today + timedelta(days=rng.randrange(365, 1095))


def build(actor: Actor, scale: BenchScale, progress: Callable[[str], None] = print,
          today: date | None = None) -> Built:
    """Fill a set-up (company + users) database. One transaction: all or nothing."""
    rng = random.Random(SEED)
    today = today or date.today()
    with write_transaction():
        if not is_postgres():
            database.execute_sql("PRAGMA cache_size = -400000")
        bins = bulk_load.add_bins(actor, scale.bins).all
        quarantine = Location.get(Location.kind == LocationKind.QUARANTINE.value).id
        adjustment = Location.get(Location.kind == LocationKind.ADJUSTMENT.value).id
        product_rows = bulk_load.make_products(scale.products, rng)
        bulk_load.insert_products(product_rows)
        now = utc_now()
        progress(f"  {len(product_rows):,} products")

        lots_per_product = bulk_load.split(scale.lots, scale.products, rng, 1.3)
        first_lot = bulk_load.next_id(Lot)
        lots = []  # (lot id, product row, lot number, expiry, bin)
        lot_id = first_lot
        for row, count in zip(product_rows, lots_per_product):
            home = rng.choice(bins)
            for k in range(count):
                number = bulk_load.lot_number(rng, lot_id)
                where = home if k % 4 else rng.choice(bins)
                lots.append((lot_id, row, number, _expiry(rng, today), where))
                lot_id += 1
        lot_writer = RowWriter([Lot.id, Lot.product, Lot.lot_number, Lot.expiry])
        for start in range(0, len(lots), CHUNK):
            lot_writer.write([(lid, row["id"], number, expiry)
                              for lid, row, number, expiry, _ in lots[start:start + CHUNK]])
        progress(f"  {len(lots):,} lots")

        serialized_lots = [lot for lot in lots if lot[1]["serialized"]]
        per_lot = bulk_load.split(scale.packages, len(serialized_lots), rng, 1.2)
        stats = _write_stock(actor, rng, serialized_lots, per_lot, lots, quarantine,
                             adjustment, now, progress)
        busy = max(Counter(lot[1]["id"] for lot in lots).items(), key=lambda kv: kv[1])[0]
        big = serialized_lots[max(range(len(per_lot)), key=per_lot.__getitem__)][0]
        audit.record(actor, "bulk_load", "database", "",
                     f"benchmark data: {scale.products} products, {len(lots)} lots, "
                     f"{scale.packages} packages (opening balances)")
        bulk_load.fix_sequences((Product, Lot, Package, StockMove, StockBalance))
    fragment = product_rows[len(product_rows) // 2]["name"].split()[0][2:8].lower()
    return Built(busy, big, fragment, stats)


def _write_stock(actor, rng, serialized_lots, per_lot, lots, quarantine, adjustment, now,
                 progress) -> list[tuple[str, str, str, date]]:
    at = now if is_postgres() else UtcDateTimeField().db_value(now)
    reason, document = MoveReason.OPENING_BALANCE.value, "bench:bulk-load"
    packages = RowWriter([Package.id, Package.product, Package.lot, Package.serial,
                          Package.status, Package.location, Package.container])
    moves = RowWriter([StockMove.at, StockMove.product, StockMove.lot, StockMove.package,
                       StockMove.quantity, StockMove.from_location, StockMove.from_status,
                       StockMove.to_location, StockMove.to_status, StockMove.reason,
                       StockMove.document, StockMove.user_id, StockMove.username,
                       StockMove.note])
    balances: Counter = Counter()
    samples = []
    package_id = bulk_load.next_id(Package)
    package_rows, move_rows, written = [], [], 0
    saleable, held = PackageStatus.SALEABLE.value, PackageStatus.QUARANTINED.value

    def flush():
        nonlocal package_rows, move_rows
        packages.write(package_rows)
        moves.write(move_rows)
        package_rows, move_rows = [], []

    for (lot_id, row, number, expiry, where), count in zip(serialized_lots, per_lot):
        for serial in bulk_load.serials(rng, package_id, count):
            on_hold = rng.random() < 0.005
            loc, status = (quarantine, held) if on_hold else (where, saleable)
            package_rows.append((package_id, row["id"], lot_id, serial, status, loc, None))
            move_rows.append((at, row["id"], lot_id, package_id, 1, adjustment, None, loc,
                              status, reason, document, actor.user_id, actor.username, ""))
            balances[(row["id"], lot_id, loc, status)] += 1
            if rng.random() < 0.001:
                samples.append((row["gtin"], serial, number, expiry))
            package_id += 1
        if len(package_rows) >= CHUNK:
            written += len(package_rows)
            flush()
            if written % (CHUNK * 8) < CHUNK:
                progress(f"  {written:,} packages")
    written += len(package_rows)
    flush()
    progress(f"  {written:,} packages and their moves")
    counted = []
    for lot_id, row, number, expiry, where in lots:
        if not row["serialized"]:
            quantity = rng.randrange(10, 500)
            counted.append((at, row["id"], lot_id, None, quantity, adjustment, None, where,
                            saleable, reason, document, actor.user_id, actor.username, ""))
            balances[(row["id"], lot_id, where, saleable)] += quantity
    moves.write(counted)
    RowWriter([StockBalance.product, StockBalance.lot, StockBalance.location,
               StockBalance.status, StockBalance.quantity]).write(
        [(*key, qty) for key, qty in balances.items()])
    progress(f"  {len(balances):,} balances")
    return samples
