"""python -m bench [--quick] [--sqlite-only] [--keep] [--runs N] [--rebuild]

Builds (or reuses) a database at inventory scale on SQLite and PostgreSQL, times the
inventory screen's questions through core.queries next to a raw-SQL floor, and prints
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

from bench import generate, measure
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
    sources = [HERE / "generate.py", *sorted((HERE.parent / "core" / "migrations").glob("m*.py"))]
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


def check_ledger(label: str) -> None:
    from core.queries.stock_check import ledger_discrepancies

    found = ledger_discrepancies()
    log(f"{label}: ledger_discrepancies() -> {len(found)}")
    if found:
        raise SystemExit(f"the generator is inconsistent: {found[:5]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data set (CI smoke test)")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--keep", action="store_true",
                        help="keep the PostgreSQL database (name printed)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached SQLite file")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per operation")
    parser.add_argument("--scans", type=int, default=1000, help="scan lookups to time")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL server (admin URL)")
    args = parser.parse_args(argv)
    scale = generate.SCALES["quick" if args.quick else "full"]
    runs = args.runs or (3 if args.quick else 7)
    scans = min(args.scans, 200) if args.quick else args.scans
    today = date.today()
    # Quick runs (CI) build in a temp dir; full runs cache under bench/.data/.
    temp = Path(tempfile.mkdtemp(prefix="rxdesk-bench-")) if args.quick else None
    results = []
    try:
        path, built = sqlite_database(scale, today, args.rebuild or args.quick, temp or DATA)
        url = f"sqlite:///{path}"
        connection.connect(url).require_ready()
        if args.quick:
            check_ledger("SQLite")
        results += measure.run("sqlite", str(path), built, runs, scans, today)
        close_database()
        if not args.sqlite_only:
            results += postgres(args, scale, today, runs, scans)
    finally:
        close_database()
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    print(f"\nRxDesk benchmark ({scale.name}: {scale.products:,} products, {scale.lots:,} lots, "
          f"{scale.packages:,} packages; median of {runs} runs; scans: {scans})\n")
    print(measure.table(results))
    return 0


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
        from core.db import database

        database.execute_sql("ANALYZE")
        if args.quick:
            check_ledger("PostgreSQL")
        results = measure.run("postgresql", url, built, runs, scans, today)
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
