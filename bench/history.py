"""Questions asked of six years of history (issue 7, at the large scale): trace one
serial through its full chain (<= 50 ms) and the recall query, every customer who
received a lot (<= 1 s).

The history is `rxdesk-admin demo --scale large` (core.scale_data; --quick: medium): on
SQLite a file cached under bench/.data until the generator or the schema changes, on
PostgreSQL a throw-away database; or databases built before, given with --history-db.

Samples come from the open database: serials that were received and shipped, and the
lots that went to the most customers (the worst case for a recall). Floors: the same
rows read with plain indexed selects (the package's moves with their locations; the
lot's outbound transaction lines grouped by customer).
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.measure import Raw, Result, median_time, settle
from core import connection, migrations
from core.db import close_database, database, is_postgres, parse_url
from core.queries.recall import lot_recipients
from core.queries.trace import trace_package

TRACE_GOAL, RECALL_GOAL = 0.050, 1.0


def _samples(count: int, seed: int = 7) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(GTIN, serial) of shipped packages picked at random by id, and (GTIN, lot) of the
    lots sold to the most customers."""
    low, high = database.execute_sql("SELECT MIN(id), MAX(id) FROM package").fetchone()
    mark = "%s" if is_postgres() else "?"
    rng = random.Random(seed)
    serials: list[tuple[str, str]] = []
    tries = 0
    while len(serials) < count and tries < count * 50:
        tries += 1
        row = database.execute_sql(
            "SELECT pr.gtin, p.serial FROM package p JOIN product pr ON pr.id = p.product_id "
            f"WHERE p.id >= {mark} AND p.status = 'shipped' ORDER BY p.id LIMIT 1",
            (rng.randint(low, high),)).fetchone()
        if row and tuple(row) not in serials:
            serials.append(tuple(row))
    lots = database.execute_sql(
        "SELECT pr.gtin, l.lot_number FROM lot l JOIN product pr ON pr.id = l.product_id "
        "JOIN (SELECT dl.lot_id, COUNT(DISTINCT t.partner_id) AS n FROM dscsa_line dl "
        "JOIN dscsa_transaction t ON t.id = dl.transaction_id WHERE t.direction = 'out' "
        "GROUP BY dl.lot_id ORDER BY n DESC LIMIT 5) busy ON busy.lot_id = l.id").fetchall()
    return serials, [tuple(lot) for lot in lots]


def run(backend: str, dsn: str, runs: int, traces: int = 200) -> list[Result]:
    serials, lots = _samples(traces)
    if not serials or not lots:
        raise SystemExit("no shipped history to trace: build it with rxdesk-admin demo "
                         "--scale large (or medium)")
    raw = Raw(backend, dsn)
    mark = "?" if backend == "sqlite" else "%s"

    def raw_trace(gtin: str, serial: str) -> None:
        raw.all("SELECT m.at, m.reason, m.document, f.code, t.code FROM stock_move m "
                "JOIN location f ON f.id = m.from_location_id JOIN location t ON "
                "t.id = m.to_location_id WHERE m.package_id = (SELECT p.id FROM package p "
                f"JOIN product pr ON pr.id = p.product_id WHERE pr.gtin = {mark} AND "
                f"p.serial = {mark}) ORDER BY m.at, m.id", (gtin, serial))

    def raw_recall(gtin: str, lot: str) -> None:
        raw.all("SELECT t.partner_id, SUM(dl.quantity), MIN(t.transaction_date), "
                "MAX(t.transaction_date) FROM dscsa_line dl JOIN dscsa_transaction t ON "
                "t.id = dl.transaction_id WHERE t.direction = 'out' AND dl.lot_id = (SELECT "
                f"l.id FROM lot l JOIN product pr ON pr.id = l.product_id WHERE pr.gtin = {mark} "
                f"AND l.lot_number = {mark}) GROUP BY t.partner_id", (gtin, lot))

    def spread(fn, samples) -> tuple[float, float]:
        for sample in samples[:5]:
            fn(*sample)  # warm the caches
        times = []
        for sample in samples:
            started = time.perf_counter()
            fn(*sample)
            times.append(time.perf_counter() - started)
        times.sort()
        return statistics.median(times), times[min(len(times) - 1, int(len(times) * .99))]

    p50, p99 = spread(trace_package, serials)
    floor50, _ = spread(raw_trace, serials)
    busiest = lots[0]
    customers = len(lot_recipients(*busiest).recipients)
    return [
        Result(f"trace one serial, full chain (p50; p99 {p99 * 1000:.1f} ms)", backend, p50,
               floor50, TRACE_GOAL, p99),
        Result(f"recall: customers who received a lot ({customers:,})", backend,
               median_time(lambda: lot_recipients(*busiest), runs),
               median_time(lambda: raw_recall(*busiest), runs), RECALL_GOAL),
    ]


def _cache_name(scale: str) -> str:
    core = Path(__file__).resolve().parents[1] / "core"
    digest = hashlib.sha256()
    for path in [core / "scale_data.py", core / "bulk_load.py",
                 *sorted((core / "migrations").glob("m*.py"))]:
        digest.update(path.read_bytes())
    return f"history-{scale}-v{migrations.LATEST}-{digest.hexdigest()[:10]}.db"


def run_backend(backend: str, scale: str, runs: int, admin_url: str, cache_dir: Path,
                log: Callable[[str], None], reuse: str | None = None) -> list[Result]:
    """Build (or reuse) the history on `backend` and time the questions."""
    drop = None
    if reuse:
        url = reuse
    elif backend == "sqlite":
        path = cache_dir / _cache_name(scale)
        url = f"sqlite:///{path}"
        if not path.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob(f"history-{scale}-*.db"):
                old.unlink()
            partial = path.with_suffix(".building")
            log(f"SQLite: building six years of history ({scale}) in {partial}")
            started = time.perf_counter()
            connection.open_demo(f"sqlite:///{partial}", scale=scale)
            close_database()
            partial.replace(path)
            log(f"  built in {time.perf_counter() - started:.0f} s")
    else:
        import psycopg

        admin = parse_url(admin_url)
        name = f"rxdesk_bench_history_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        user = f"{admin.user}@" if admin.user else ""
        url = f"postgresql://{user}{admin.host}:{admin.port}/{name}"
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        log(f"PostgreSQL: building six years of history ({scale}) in {name}")
        started = time.perf_counter()
        connection.open_demo(url, scale=scale)
        close_database()
        settle(url)
        log(f"  built in {time.perf_counter() - started:.0f} s")
    try:
        connection.connect(url).require_ready()
        target = parse_url(url)
        return run(backend, str(target.path) if backend == "sqlite" else url, runs)
    finally:
        close_database()
        if drop:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(drop)
