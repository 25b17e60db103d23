"""A database at inventory scale (10,000 products, 200,000 lots, 2,000,000 packages) in
minutes rather than the hours per-call services would take.

Products go through the same checks the product service applies (parse_ndc,
clean_product_fields), bins through the bin service, lot numbers and serials through
the stock service's limits; then the rows are written with large executemany batches
(SQLite) or COPY (PostgreSQL) straight into product, lot, package, stock_move and
stock_balance. Every package gets its opening-balance move and every balance is the
sum of those moves, so core.queries.stock_check.ledger_discrepancies() finds nothing.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from core.db import database, is_postgres, write_transaction
from core.errors import InvalidInput
from core.models import Location, Lot, Package, Product, StockBalance, StockMove
from core.models.base import UtcDateTimeField, utc_now
from core.ndc import parse_ndc
from core.permissions import Actor
from core.services import audit, locations
from core.services.products import clean_product_fields
from core.services.stock import SERIAL_MAX
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
NON_SERIALIZED_EVERY = 97  # about 1% of products are IV fluids and the like

_STEMS = ["ator", "rosu", "simva", "prava", "lisino", "enala", "losar", "valsar", "olmesar",
          "amlo", "nife", "metfor", "glipi", "sita", "empagli", "dapagli", "pio", "levo",
          "sertra", "escita", "fluoxe", "parox", "bupro", "venla", "dulox", "gaba", "prega",
          "topira", "lamo", "levetira", "omepra", "pantopra", "esomepra", "famo", "ondanse",
          "predni", "methylpredni", "cipro", "levoflo", "azithro", "clarithro", "doxy",
          "cefa", "ceftri", "amoxi", "clopido", "apixa", "rivaroxa", "warfa", "furose"]
_ENDINGS = ["statin", "pril", "sartan", "dipine", "formin", "zide", "gliptin", "flozin",
            "xetine", "pram", "lol", "pentin", "mide", "prazole", "tidine", "setron", "sone",
            "floxacin", "mycin", "cycline", "xone", "cillin", "grel", "xaban", "semide"]
_FORMS = [("tablets", "tablet"), ("capsules", "capsule"), ("extended-release tablets",
          "tablet, extended release"), ("oral solution", "solution"),
          ("injection, vials", "injection, solution")]
_STRENGTHS = ["1 mg", "2.5 mg", "5 mg", "10 mg", "20 mg", "25 mg", "40 mg", "50 mg", "100 mg",
              "250 mg", "500 mg", "1 g"]
_COUNTS = [30, 60, 90, 100, 500, 1000]
_ALPHABET = string.ascii_uppercase + string.digits
_B36 = string.digits + string.ascii_uppercase


@dataclass
class Built:
    """What the timings need to know about the generated data."""

    busy_product_id: int
    big_lot_id: int
    name_fragment: str
    scan_samples: list[tuple[str, str, str, date]]  # gtin, serial, lot, expiry


def _b36(number: int, width: int) -> str:
    out = []
    for _ in range(width):
        number, digit = divmod(number, 36)
        out.append(_B36[digit])
    return "".join(reversed(out))


def _split(total: int, parts: int, rng: random.Random, alpha: float) -> list[int]:
    """`total` split into `parts` positive integers with a long tail (a few busy ones)."""
    weights = [rng.paretovariate(alpha) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    counts[max(range(parts), key=counts.__getitem__)] += total - sum(counts)
    return counts


class _Writer:
    """Bulk rows into one table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, table: str, columns: tuple[str, ...]):
        self.table, self.columns = table, columns

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        conn = database.connection()
        cols = ", ".join(self.columns)
        if is_postgres():
            with conn.cursor() as cur, cur.copy(f"COPY {self.table} ({cols}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
        else:
            marks = ", ".join("?" * len(self.columns))
            conn.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", rows)


def _next_id(model) -> int:
    return (model.select(model.id).order_by(model.id.desc()).scalar() or 0) + 1


def _make_products(scale: BenchScale, rng: random.Random) -> list[dict]:
    rows, seen_gtins = [], set()
    labelers = ([(f"0{n:03d}", "4-4-2") for n in range(100, 400)]
                + [(f"{n}", "5-3-2") for n in range(50_000, 50_300)]
                + [(f"{n}", "5-4-1") for n in range(60_000, 60_300)])
    used: Counter = Counter()
    for i in range(scale.products):
        labeler, layout = labelers[i % len(labelers)]
        a, b = {"4-4-2": (4, 2), "5-3-2": (3, 2), "5-4-1": (4, 1)}[layout]
        used[labeler] += 1
        product = f"{used[labeler] * 7 % 10 ** a:0{a}d}"
        package = f"{rng.randrange(1, 10 ** b):0{b}d}"
        code = parse_ndc(f"{labeler}-{product}-{package}")
        gtin = code.gtin14()
        if gtin in seen_gtins:
            raise AssertionError(f"duplicate GTIN {gtin}")
        seen_gtins.add(gtin)
        molecule = (rng.choice(_STEMS) + rng.choice(_ENDINGS)).capitalize()
        form_text, form = rng.choice(_FORMS)
        strength, count = rng.choice(_STRENGTHS), rng.choice(_COUNTS)
        serialized = i % NON_SERIALIZED_EVERY != NON_SERIALIZED_EVERY - 1
        values = clean_product_fields({
            "name": f"{molecule} {strength} {form_text}, {count} count", "strength": strength,
            "dosage_form": form, "package_description": f"bottle of {count}",
            "manufacturer": f"Labeler {labeler} Pharmaceuticals", "schedule": "none",
            "storage": "refrigerated" if i % 25 == 0 else "room", "serialized": serialized,
            "list_price": f"{rng.randrange(200, 90_000) / 100:.2f}",
            "standard_cost": f"{rng.randrange(100, 50_000) / 100:.2f}",
        })
        rows.append({"ndc_labeler": code.labeler, "ndc_product": code.product,
                     "ndc_package": code.package, "ndc_layout": code.layout, "gtin": gtin,
                     **values})
    return rows


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
        bins = _add_bins(actor, scale)
        quarantine = Location.get(Location.kind == LocationKind.QUARANTINE.value).id
        adjustment = Location.get(Location.kind == LocationKind.ADJUSTMENT.value).id
        product_rows = _make_products(scale, rng)
        first_product = _next_id(Product)
        now = utc_now()
        for n, row in enumerate(product_rows):
            row["id"] = first_product + n
            row["created_at"] = now
        for start in range(0, len(product_rows), 500):
            Product.insert_many(product_rows[start:start + 500]).execute()
        progress(f"  {len(product_rows):,} products")

        lots_per_product = _split(scale.lots, scale.products, rng, 1.3)
        first_lot = _next_id(Lot)
        lots = []  # (lot id, product row, lot number, expiry, bin)
        lot_id = first_lot
        for row, count in zip(product_rows, lots_per_product):
            home = rng.choice(bins)
            for k in range(count):
                number = f"{rng.choice(string.ascii_uppercase)}{_b36(lot_id, 6)}"
                if len(number) > 20:
                    raise InvalidInput("lot_number", number)
                where = home if k % 4 else rng.choice(bins)
                lots.append((lot_id, row, number, _expiry(rng, today), where))
                lot_id += 1
        lot_writer = _Writer("lot", ("id", "product_id", "lot_number", "expiry"))
        for start in range(0, len(lots), CHUNK):
            lot_writer.write([(lid, row["id"], number, expiry)
                              for lid, row, number, expiry, _ in lots[start:start + CHUNK]])
        progress(f"  {len(lots):,} lots")

        serialized_lots = [lot for lot in lots if lot[1]["serialized"]]
        per_lot = _split(scale.packages, len(serialized_lots), rng, 1.2)
        stats = _write_stock(actor, rng, serialized_lots, per_lot, lots, quarantine,
                             adjustment, now, progress)
        busy = max(Counter(lot[1]["id"] for lot in lots).items(), key=lambda kv: kv[1])[0]
        big = serialized_lots[max(range(len(per_lot)), key=per_lot.__getitem__)][0]
        audit.record(actor, "bulk_load", "database", "",
                     f"benchmark data: {scale.products} products, {len(lots)} lots, "
                     f"{scale.packages} packages (opening balances)")
        _fix_sequences()
    fragment = product_rows[len(product_rows) // 2]["name"].split()[0][2:8].lower()
    return Built(busy, big, fragment, stats)


def _add_bins(actor: Actor, scale: BenchScale) -> list[int]:
    ids = []
    for n in range(scale.bins):
        zone = "AB"[n * 2 // scale.bins]
        aisle, bay = divmod(n % (scale.bins // 2), 20)
        ids.append(locations.add_bin(actor, f"{zone}{aisle + 1:02d}-{bay + 1:02d}", zone=zone,
                                     aisle=f"{zone}{aisle + 1:02d}", pick_sequence=(n + 1) * 10))
    return ids


def _serials(rng: random.Random, first_id: int, count: int) -> Iterator[str]:
    """10-12 characters: a random head and the package id in base 36, so unique by
    construction (same length => same head length => same tail => same id)."""
    choices, randrange = rng.choices, rng.randrange
    for pid in range(first_id, first_id + count):
        serial = "".join(choices(_ALPHABET, k=randrange(5, 8))) + _b36(pid, 5)
        if len(serial) > SERIAL_MAX:
            raise InvalidInput("serials", serial)
        yield serial


def _write_stock(actor, rng, serialized_lots, per_lot, lots, quarantine, adjustment, now,
                 progress) -> list[tuple[str, str, str, date]]:
    at = now if is_postgres() else UtcDateTimeField().db_value(now)
    reason, document = MoveReason.OPENING_BALANCE.value, "bench:bulk-load"
    packages = _Writer("package", ("id", "product_id", "lot_id", "serial", "status",
                                   "location_id", "container_id"))
    moves = _Writer("stock_move", (
        "at", "product_id", "lot_id", "package_id", "quantity", "from_location_id",
        "from_status", "to_location_id", "to_status", "reason", "document", "user_id",
        "username", "note"))
    balances: Counter = Counter()
    samples = []
    package_id = _next_id(Package)
    package_rows, move_rows, written = [], [], 0
    saleable, held = PackageStatus.SALEABLE.value, PackageStatus.QUARANTINED.value

    def flush():
        nonlocal package_rows, move_rows
        packages.write(package_rows)
        moves.write(move_rows)
        package_rows, move_rows = [], []

    for (lot_id, row, number, expiry, where), count in zip(serialized_lots, per_lot):
        for serial in _serials(rng, package_id, count):
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
    _Writer("stock_balance", ("product_id", "lot_id", "location_id", "status", "quantity")).write(
        [(*key, qty) for key, qty in balances.items()])
    progress(f"  {len(balances):,} balances")
    return samples


def _fix_sequences() -> None:
    """COPY with explicit ids leaves PostgreSQL's sequences behind."""
    if not is_postgres():
        return
    for model in (Product, Lot, Package, StockMove, StockBalance):
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
