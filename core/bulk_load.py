"""Millions of rows in minutes without skipping the rules: the machinery the large demo
(core.scale_data) and the benchmarks (bench/generate.py) share.

A service call per package would take hours at this scale, so values are checked by the
same functions the services use (parse_ndc and clean_product_fields for products, the bin
service for bins, the stock service's limits for lot numbers and serials) and the rows
are then written straight into their tables: large executemany batches on SQLite (with
the app's pragmas, foreign keys on), COPY on PostgreSQL. Secondary indexes (and, on
PostgreSQL, foreign keys) can be set aside for the load and are put back from their own
definitions, which checks every row against them at the end.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import peewee

from core.db import database, is_postgres
from core.errors import InvalidInput
from core.models import Product
from core.models.base import utc_now
from core.ndc import parse_ndc
from core.permissions import Actor
from core.services import locations
from core.services.products import clean_product_fields
from core.services.stock import SERIAL_MAX
from core.vocab import Schedule, Storage

NON_SERIALIZED_EVERY = 97  # about 1% of products are IV fluids and the like
LOT_NUMBER_MAX = 20
_ALPHABET = string.ascii_uppercase + string.digits
_B36 = string.digits + string.ascii_uppercase

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
_MARKUPS = [112, 118, 125, 135, 150]  # list price as a percentage of cost


class RowWriter:
    """Bulk rows into one table's `fields` (values already as the database stores them:
    ids, text, integer cents, dates, UTC times as the field's db_value gives them)."""

    def __init__(self, fields: Sequence[peewee.Field]):
        self.table = fields[0].model._meta.table_name
        self.columns = ", ".join(f'"{f.column_name}"' for f in fields)
        self.width = len(fields)

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        conn = database.connection()
        if is_postgres():
            with conn.cursor() as cur, cur.copy(
                    f'COPY "{self.table}" ({self.columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * self.width)
            conn.executemany(f'INSERT INTO "{self.table}" ({self.columns}) VALUES ({marks})',
                             rows)


def next_id(model: type[peewee.Model]) -> int:
    return (model.select(model._meta.primary_key).order_by(model._meta.primary_key.desc())
            .scalar() or 0) + 1


def fix_sequences(models: Iterable[type[peewee.Model]]) -> None:
    """Rows written with explicit ids leave PostgreSQL's sequences behind (SQLite takes
    the next rowid from the table itself)."""
    if not is_postgres():
        return
    for model in models:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")


def b36(number: int, width: int) -> str:
    out = []
    for _ in range(width):
        number, digit = divmod(number, 36)
        out.append(_B36[digit])
    return "".join(reversed(out))


def split(total: int, parts: int, rng: random.Random, alpha: float) -> list[int]:
    """`total` split into `parts` positive integers with a long tail (a few busy ones)."""
    if parts > total:
        raise ValueError(f"cannot split {total} into {parts} positive parts")
    weights = [rng.paretovariate(alpha) for _ in range(parts)]
    scale = (total - parts) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    counts[max(range(parts), key=counts.__getitem__)] += total - sum(counts)
    return counts


def lot_number(rng: random.Random, lot_id: int) -> str:
    """A letter and the lot id in base 36: unique by construction, checked against the
    stock service's limit."""
    number = f"{rng.choice(string.ascii_uppercase)}{b36(lot_id, 6)}"
    if len(number) > LOT_NUMBER_MAX:
        raise InvalidInput("lot_number", number)
    return number


def serials(rng: random.Random, first_id: int, count: int) -> Iterator[str]:
    """10-12 characters: a random head and the package id in base 36, so unique by
    construction (same length => same head length => same tail => same id)."""
    choices, randrange = rng.choices, rng.randrange
    for pid in range(first_id, first_id + count):
        serial = "".join(choices(_ALPHABET, k=randrange(5, 8))) + b36(pid, 5)
        if len(serial) > SERIAL_MAX:
            raise InvalidInput("serials", serial)
        yield serial


def _schedule(i: int) -> Schedule:
    """A few controlled products (chosen by position, so the random draws, and with them
    the benchmark data, do not depend on it)."""
    if i % 53 == 7:
        return Schedule.CII
    if i % 101 == 3:
        return Schedule.CIII
    if i % 37 == 5:
        return Schedule.CIV
    if i % 89 == 11:
        return Schedule.CV
    return Schedule.NONE


def make_products(count: int, rng: random.Random) -> list[dict]:
    """`count` product rows with NDCs in all three layouts, checked as the product
    service checks them; about 1% not serialized, 4% refrigerated, 6% controlled."""
    rows, seen_gtins = [], set()
    labelers = ([(f"0{n:03d}", "4-4-2") for n in range(100, 400)]
                + [(f"{n}", "5-3-2") for n in range(50_000, 50_300)]
                + [(f"{n}", "5-4-1") for n in range(60_000, 60_300)])
    used: Counter = Counter()
    for i in range(count):
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
        strength, units = rng.choice(_STRENGTHS), rng.choice(_COUNTS)
        serialized = i % NON_SERIALIZED_EVERY != NON_SERIALIZED_EVERY - 1
        cost = rng.randrange(100, 50_000)
        values = clean_product_fields({
            "name": f"{molecule} {strength} {form_text}, {units} count", "strength": strength,
            "dosage_form": form, "package_description": f"bottle of {units}",
            "manufacturer": f"Labeler {labeler} Pharmaceuticals", "schedule": _schedule(i),
            "storage": "refrigerated" if i % 25 == 0 else "room", "serialized": serialized,
            "standard_cost": f"{cost / 100:.2f}",
            "list_price": f"{cost * rng.choice(_MARKUPS) // 100 / 100:.2f}",
        })
        rows.append({"ndc_labeler": code.labeler, "ndc_product": code.product,
                     "ndc_package": code.package, "ndc_layout": code.layout, "gtin": gtin,
                     **values})
    return rows


def insert_products(rows: list[dict]) -> None:
    """Give `rows` their ids (in order) and write them."""
    first, now = next_id(Product), utc_now()
    for n, row in enumerate(rows):
        row["id"] = first + n
        row["created_at"] = now
    for start in range(0, len(rows), 500):
        Product.insert_many(rows[start:start + 500]).execute()


@dataclass(frozen=True)
class Bins:
    """Bin ids by what they may hold: room-temperature stock, the walk-in fridge, and
    the vault for schedule II."""

    room: list[int]
    cold: list[int]
    vault: list[int]

    @property
    def all(self) -> list[int]:
        return self.room + self.cold + self.vault

    def for_product(self, storage: str, schedule: str) -> list[int]:
        if storage == Storage.REFRIGERATED.value:
            return self.cold
        return self.vault if schedule == Schedule.CII.value else self.room


def add_bins(actor: Actor, count: int) -> Bins:
    """`count` bins through the bin service: room zones A and B, about 6% in the fridge
    (zone F) and 3% in the vault (zone V)."""
    cold, vault = max(2, count * 6 // 100), max(1, count * 3 // 100)
    room = count - cold - vault
    made, half = Bins([], [], []), (room + 1) // 2
    plan = ([("A", n, Storage.ROOM, made.room) for n in range(half)]
            + [("B", n, Storage.ROOM, made.room) for n in range(room - half)]
            + [("F", n, Storage.REFRIGERATED, made.cold) for n in range(cold)]
            + [("V", n, Storage.ROOM, made.vault) for n in range(vault)])
    for seq, (zone, n, storage, into) in enumerate(plan, start=1):
        aisle, bay = divmod(n, 20)
        into.append(locations.add_bin(
            actor, f"{zone}{aisle + 1:02d}-{bay + 1:02d}", zone=zone,
            aisle=f"{zone}{aisle + 1:02d}", pick_sequence=seq * 10, storage=storage,
            name={"F": "Walk-in fridge", "V": "CII vault"}.get(zone, "")))
    return made


@dataclass(frozen=True)
class _Definition:
    table: str
    name: str
    sql: str
    constraint: bool  # a PostgreSQL foreign key (ALTER TABLE), else an index


def set_aside_indexes(tables: Iterable[str]) -> list[_Definition]:
    """Drop the secondary indexes of `tables` (on PostgreSQL also their foreign keys),
    inside the caller's transaction, and return their definitions for restore_indexes.
    Building an index once over the loaded rows is several times faster than keeping it
    up to date row by row; on PostgreSQL each foreign key costs a trigger call per row."""
    saved: list[_Definition] = []
    for table in tables:
        if is_postgres():
            keys = database.execute_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                (f'"{table}"',)).fetchall()
            indexes = database.execute_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                "current_schema() AND tablename = %s AND indexname NOT IN (SELECT conname "
                "FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexname",
                (table, f'"{table}"')).fetchall()
            saved += [_Definition(table, name, sql, True) for name, sql in keys]
        else:
            indexes = database.execute_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL ORDER BY name", (table,)).fetchall()
        saved += [_Definition(table, name, sql, False) for name, sql in indexes]
    for d in saved:
        database.execute_sql(f'ALTER TABLE "{d.table}" DROP CONSTRAINT "{d.name}"'
                             if d.constraint else f'DROP INDEX "{d.name}"')
    return saved


def restore_indexes(saved: list[_Definition],
                    progress: Callable[[int], None] = lambda done: None) -> None:
    """Recreate what set_aside_indexes dropped, exactly as it was: indexes first (a
    unique one refuses the load if two rows clash), then foreign keys, which PostgreSQL
    checks against every row as it adds them. `progress(done)` after each."""
    if is_postgres():
        database.execute_sql("SET LOCAL maintenance_work_mem = '512MB'")
    for done, d in enumerate(sorted(saved, key=lambda d: d.constraint), start=1):
        database.execute_sql(f'ALTER TABLE "{d.table}" ADD CONSTRAINT "{d.name}" {d.sql}'
                             if d.constraint else d.sql)
        progress(done)
