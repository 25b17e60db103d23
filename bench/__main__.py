"""python -m bench [--quick] [--sqlite-only | --postgresql-only] [--suite S] [--runs N] ...

Builds (or reuses) a database at inventory scale on SQLite and PostgreSQL, times the
inventory screen's questions through core.queries next to a raw-SQL floor; times
receiving (EPCIS import, case scans, posting; bench/inbound.py) the same way; prints
one table. --quick is a small smoke run for CI (no timing assertions anywhere).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from bench import generate, history, inbound, measure, outbound, screens, startup, stations
from core import connection, migrations
from core.db import close_database
from core.demo_data import demo_admin
from core.services.setup import build_demo

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
PG_ADMIN = os.environ.get("RXDESK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cache_key(scale: generate.BenchScale) -> str:
    """Scale + schema version + the sources that shape the data: a change to any of them
    builds a new file."""
    digest = hashlib.sha256()
    core = HERE.parent / "core"
    sources = [HERE / "generate.py", core / "bulk_load.py",
               *sorted((core / "migrations").glob("m*.py"))]
    for path in sources:
        digest.update(path.read_bytes())
    return f"{scale.name}-v{migrations.LATEST}-{digest.hexdigest()[:10]}"


def populate(url: str, scale: generate.BenchScale, today: date) -> generate.Built:
    started = time.perf_counter()
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    built = generate.build(demo_admin(), scale, progress=log, today=today)
    log(f"  built in {time.perf_counter() - started:.0f} s")
    return built


def _save(built: generate.Built, path: Path) -> None:
    data = {**built.__dict__, "scan_samples": [[g, s, lot, e.isoformat()]
                                               for g, s, lot, e in built.scan_samples]}
    path.write_text(json.dumps(data))


def _load(path: Path) -> generate.Built:
    data = json.loads(path.read_text())
    data["scan_samples"] = [(g, s, lot, date.fromisoformat(e))
                            for g, s, lot, e in data["scan_samples"]]
    return generate.Built(**data)


def sqlite_database(scale, today, rebuild: bool, cache_dir: Path) -> tuple[Path, generate.Built]:
    key = f"{cache_key(scale)}-{today.isoformat()}"
    path, meta = cache_dir / f"bench-{key}.db", cache_dir / f"bench-{key}.json"
    if path.exists() and meta.exists() and not rebuild:
        log(f"SQLite: reusing {path}")
        return path, _load(meta)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"bench-{scale.name}-*"):
        old.unlink()
    partial = path.with_suffix(".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    log(f"SQLite: building {scale.products:,} products, {scale.lots:,} lots, "
        f"{scale.packages:,} packages")
    built = populate(f"sqlite:///{partial}", scale, today)
    close_database()  # the last connection checkpoints the WAL into the file
    os.replace(partial, path)
    _save(built, meta)
    return path, built


def sqlite_pack_scans(path: Path, built: generate.Built, scans: int, temp: Path):
    """Pack-station scans timed on a copy of the cached inventory database (they pack
    stock, and the cache must stay as built)."""
    import sqlite3

    copy = temp / "pack-scans.db"
    shutil.copyfile(path, copy)
    connection.connect(f"sqlite:///{copy}").require_ready()
    raw = sqlite3.connect(copy, isolation_level=None)
    try:
        return outbound.pack_scan_timing("sqlite", inbound._Raw("sqlite", raw),
                                         built.busy_product_id, scans)
    finally:
        raw.close()
        close_database()
        copy.unlink()


def check_ledger(label: str) -> None:
    from core.queries.stock_check import ledger_discrepancies

    found = ledger_discrepancies()
    log(f"{label}: ledger_discrepancies() -> {len(found)}")
    if found:
        raise SystemExit(f"the generator is inconsistent: {found[:5]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data set (CI smoke test)")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    only.add_argument("--postgresql-only", action="store_true", help="skip SQLite")
    parser.add_argument("--suite", choices=("all", "inventory", "receiving", "shipping",
                                            "stations", "app", "history"),
                        default="all", help="inventory screen questions and pack-station "
                        "scans, receiving (issue 4), shipping (issue 5), concurrent pack "
                        "stations (PostgreSQL), app start to login, trace and recall on "
                        "six years of history, or all")
    parser.add_argument("--history-db", action="append", default=[], metavar="URL",
                        help="a database built by 'rxdesk-admin demo --scale large' to time "
                        "trace and recall on (one per backend) instead of building one")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL database (name printed)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached SQLite file")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per operation")
    parser.add_argument("--scans", type=int, default=1000, help="scan lookups to time")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL server (admin URL)")
    args = parser.parse_args(argv)
    scale = generate.SCALES["quick" if args.quick else "full"]
    inbound_scale = inbound.SCALES["quick" if args.quick else "full"]
    outbound_scale = outbound.SCALES["quick" if args.quick else "full"]
    runs = args.runs or (3 if args.quick else 7)
    inbound_runs = args.runs or (1 if args.quick else 3)
    scans = min(args.scans, 200) if args.quick else args.scans
    today = date.today()
    backends = [b for b, skip in (("sqlite", args.postgresql_only),
                                  ("postgresql", args.sqlite_only)) if not skip]
    inventory = args.suite in ("all", "inventory")
    receiving = args.suite in ("all", "receiving")
    shipping = args.suite in ("all", "shipping")
    concurrent = args.suite in ("all", "stations") and "postgresql" in backends
    app_start = args.suite in ("all", "app")
    on_history = args.suite in ("all", "history")
    history_scale = "medium" if args.quick else "large"
    stations_scale = stations.SCALES["quick" if args.quick else "full"]
    # Quick runs (CI) build in a temp dir; full runs cache under bench/.data/. The
    # receiving files and databases are always temporary.
    temp = Path(tempfile.mkdtemp(prefix="rxdesk-bench-"))
    log(f"load average before: {_load_average()}")
    results = []
    try:
        if inventory and "sqlite" in backends:
            path, built = sqlite_database(scale, today, args.rebuild or args.quick,
                                          temp if args.quick else DATA)
            url = f"sqlite:///{path}"
            opened = connection.connect(url)
            opened.require_ready()
            if args.quick:
                check_ledger("SQLite")
            results += measure.run("sqlite", str(path), built, runs, scans, today)
            results += screens.run("sqlite", opened.target, str(path), built.name_fragment,
                                   runs)
            close_database()
            results.append(sqlite_pack_scans(path, built, scans, temp))
        if inventory and "postgresql" in backends:
            results += postgres(args, scale, today, runs, scans)
        if receiving and "sqlite" in backends:
            log(f"SQLite: receiving ({inbound_scale.name})")
            results += inbound.run_sqlite(inbound_scale, inbound_runs, temp)
        if receiving and "postgresql" in backends:
            log(f"PostgreSQL: receiving ({inbound_scale.name})")
            results += inbound.run_postgres(args.pg, inbound_scale, inbound_runs, temp)
        if shipping and "sqlite" in backends:
            log(f"SQLite: shipping ({outbound_scale.name})")
            results += outbound.run_sqlite(outbound_scale, inbound_runs, temp)
        if shipping and "postgresql" in backends:
            log(f"PostgreSQL: shipping ({outbound_scale.name})")
            results += outbound.run_postgres(args.pg, outbound_scale, inbound_runs, temp)
        for backend in backends if on_history else []:
            reuse = next((u for u in args.history_db if u.startswith(
                "sqlite" if backend == "sqlite" else "postgres")), None)
            results += history.run_backend(backend, history_scale, runs, args.pg,
                                           temp if args.quick else DATA, log, reuse)
        for backend in backends if app_start else []:
            log(f"{backend}: app start to login dialog")
            results.append(startup.run_backend(backend, args.pg, runs, temp))
        if concurrent:
            log(f"PostgreSQL: {stations_scale.stations} concurrent pack stations")
            results += stations.run_postgres(args.pg, stations_scale, log)
    finally:
        close_database()
        shutil.rmtree(temp, ignore_errors=True)
    log(f"load average after: {_load_average()}")
    if inventory:
        print(f"\nRxDesk benchmark ({scale.name}: {scale.products:,} products, {scale.lots:,} "
              f"lots, {scale.packages:,} packages; median of {runs} runs; scans: {scans})")
    if receiving:
        print(f"\nReceiving ({inbound_scale.name}): import of {inbound_scale.import_cases:,} "
              f"cases of {inbound_scale.import_per_case}, {inbound_scale.scan_cases:,} case "
              f"scans of {inbound_scale.scan_per_case} and their posting; median of "
              f"{inbound_runs} runs")
    if shipping:
        print(f"\nShipping ({outbound_scale.name}): one order of {outbound_scale.packages:,} "
              f"serialized packages packed, shipped and exported; median of {inbound_runs} "
              "runs")
    if on_history:
        print(f"\nHistory ({history_scale}): six years of receipts, shipments and money "
              "(rxdesk-admin demo --scale); trace p50/p99 of 200 shipped serials, recall of "
              f"the lot sold to the most customers; median of {runs} runs")
    if concurrent:
        print(f"\nConcurrent pack stations ({stations_scale.name}): {stations_scale.stations} "
              f"processes of {stations_scale.per_station} scans against one alone; time "
              "per scan of all stations together, floor: plain psycopg transactions")
    print()
    print(measure.table(results))
    return 0


def _load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def postgres(args, scale, today, runs, scans) -> list[measure.Result]:
    import psycopg

    from core.db import parse_url

    admin = parse_url(args.pg)
    name = f"rxdesk_bench_{scale.name}_{uuid.uuid4().hex[:8]}"
    url = f"postgresql://{admin.user + '@' if admin.user else ''}{admin.host}:{admin.port}/{name}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        log(f"PostgreSQL: building {name}")
        built = populate(url, scale, today)
        measure.settle(url)
        if args.quick:
            check_ledger("PostgreSQL")
        results = measure.run("postgresql", url, built, runs, scans, today)
        results += screens.run("postgresql", connection.connect(url).target, url,
                               built.name_fragment, runs)
        raw = psycopg.connect(url, autocommit=True)
        try:  # the database is dropped afterwards: the scans may change it
            results.append(outbound.pack_scan_timing("postgresql", inbound._Raw("postgresql", raw),
                                                     built.busy_product_id, scans))
        finally:
            raw.close()
        close_database()
        return results
    finally:
        close_database()
        if args.keep:
            log(f"PostgreSQL database kept: {url}")
        else:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
