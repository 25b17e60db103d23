"""Timings of receiving (issue 4), each next to a raw floor measured in the same run:

- import: a supplier's EPCIS file (cases of 100 packages, linked to a PO) imported by
  `import_epcis` into a fresh database; floor = the same file parsed with lxml iterparse
  (no schema, no checks) and the same expected-package rows inserted with a plain
  sqlite3 / psycopg `executemany` in one transaction into a table equivalent to
  expected_package (same columns and indexes);
- case scans: `record_scan` of every case SSCC of a ship notice (cases of 12), p50 and
  p99 per scan; floor = one indexed UPDATE of the case's expected packages and a commit;
- posting: `post_receipt` of those scans; floor = the same package rows and their two
  moves (supplier -> receiving -> bin) inserted with `executemany` in one transaction.

Every timed run starts from a copy of one prepared database (a file copy on SQLite,
CREATE DATABASE ... TEMPLATE on PostgreSQL), so runs do not see each other's rows.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from biip.checksums import gs1_standard_check_digit
from lxml import etree

from bench.epcis_documents import SUPPLIER_GLN, Line, sscc, supplier_document, write_file
from bench.measure import Result, percentiles
from core import connection
from core.db import close_database, parse_url
from core.demo_data import demo_admin
from core.epcis.reader import epcis_schema
from core.permissions import Actor
from core.services import purchasing, receiving
from core.services.epcis_import import import_epcis
from core.services.locations import add_bin
from core.services.partners import add_evidence, add_partner
from core.services.products import add_product
from core.services.purchasing import PoLineInput
from core.services.setup import build_demo

IMPORT_GOAL, IMPORT_MAX_RATIO, SCAN_GOAL = 10.0, 3.0, 0.020
GTIN = "00312345678906"  # NDC 12345-678-90
EXPIRY = date(2030, 6, 30)
_MDA = "{urn:epcglobal:cbv:mda}"


@dataclass(frozen=True)
class InboundScale:
    name: str
    import_cases: int  # cases of 100 packages in the file imported
    scan_cases: int  # cases of 12 packages scanned and posted
    import_per_case: int = 100
    scan_per_case: int = 12

    @property
    def import_packages(self) -> int:
        return self.import_cases * self.import_per_case

    @property
    def scan_packages(self) -> int:
        return self.scan_cases * self.scan_per_case


SCALES = {
    "full": InboundScale("full", import_cases=1_000, scan_cases=1_000),
    "quick": InboundScale("quick", import_cases=100, scan_cases=100),
}


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------ databases

class _Raw:
    """A plain DB-API connection in autocommit mode; `begin`/`commit` around the floor."""

    def __init__(self, backend: str, conn):
        self.backend, self.conn = backend, conn
        self.mark = "?" if backend == "sqlite" else "%s"

    def sql(self, text: str) -> str:
        return text.replace("?", self.mark)

    def execute(self, text: str, params: tuple = ()) -> list:
        cur = self.conn.cursor()
        cur.execute(self.sql(text), params)
        return cur.fetchall() if cur.description else []

    def executemany(self, text: str, rows: list[tuple]) -> None:
        self.conn.cursor().executemany(self.sql(text), rows)

    def begin(self) -> None:
        self.execute("BEGIN IMMEDIATE" if self.backend == "sqlite" else "BEGIN")

    def commit(self) -> None:
        self.execute("COMMIT")

    def equivalent_table(self, table: str) -> str:
        """floor_<table>: the same columns and indexes (no foreign keys, no triggers)."""
        name = f"floor_{table}"
        if self.backend == "postgresql":
            self.execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING ALL)')
            return name
        for (ddl,) in self.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index')"
                " AND sql IS NOT NULL ORDER BY type DESC", (table,)):
            ddl = ddl.replace(f'"{table}"', f'"{name}"').replace(f'"{table}_', f'"{name}_')
            cut = ddl.find(", FOREIGN KEY")
            self.execute(ddl if cut < 0 else ddl[:cut] + ")")
        return name

    def close(self) -> None:
        self.conn.close()


class _SqliteCopies:
    backend = "sqlite"

    def __init__(self, folder: Path):
        self.folder = folder

    def blank(self, name: str) -> str:
        return f"sqlite:///{self.folder / f'{name}.db'}"

    def copy(self, source: str, name: str) -> str:
        close_database()
        target = self.blank(name)
        shutil.copyfile(parse_url(source).path, parse_url(target).path)
        return target

    def raw(self, url: str) -> _Raw:
        return _Raw("sqlite", sqlite3.connect(parse_url(url).path, isolation_level=None))

    def drop(self, url: str) -> None:
        close_database()
        path = parse_url(url).path
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)

    def drop_all(self) -> None:
        pass  # the folder is the caller's


class _PostgresCopies:
    backend = "postgresql"

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.prefix = f"rxdesk_bench_in_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def _url(self, name: str) -> str:
        admin = parse_url(self.admin_url)
        user = f"{admin.user}@" if admin.user else ""
        return f"postgresql://{user}{admin.host}:{admin.port}/{name}"

    def blank(self, name: str) -> str:
        full = f"{self.prefix}_{name}"
        self._admin(f'CREATE DATABASE "{full}"')
        self.created.append(full)
        return self._url(full)

    def copy(self, source: str, name: str) -> str:
        close_database()  # a template must have no connections
        full = f"{self.prefix}_{name}"
        self._admin(f'CREATE DATABASE "{full}" TEMPLATE "{parse_url(source).name}"')
        self.created.append(full)
        return self._url(full)

    def raw(self, url: str) -> _Raw:
        import psycopg

        return _Raw("postgresql", psycopg.connect(url, autocommit=True))

    def drop(self, url: str) -> None:
        close_database()
        name = parse_url(url).name
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    def drop_all(self) -> None:
        close_database()
        for name in reversed(self.created):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()


# ------------------------------------------------------------------------- the set-up

@dataclass
class _Prepared:
    import_file: Path
    scan_file: Path
    template: str  # the company, a product, a bin, a licensed supplier and two open POs


def _files(scale: InboundScale, folder: Path) -> tuple[Path, Path]:
    big = supplier_document([Line(GTIN, "LOT42A", EXPIRY, scale.import_packages)],
                            per_case=scale.import_per_case, po="PO-000001",
                            document_id="ACME-BENCH-0001")
    small = supplier_document([Line(GTIN, "LOT77B", EXPIRY, scale.scan_packages)],
                              per_case=scale.scan_per_case, po="PO-000002",
                              document_id="ACME-BENCH-0002", case_start=500_000)
    return (write_file(folder, big, f"import-{scale.name}.xml"),
            write_file(folder, small, f"receive-{scale.name}.xml"))


def _prepare(copies, scale: InboundScale, folder: Path) -> _Prepared:
    started = time.perf_counter()
    import_file, scan_file = _files(scale, folder)
    url = copies.blank("template")
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    admin = demo_admin()
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50",
                standard_cost="12.25")
    add_bin(admin, "A-01", zone="A", aisle="A", pick_sequence=10)
    supplier = add_partner(admin, "Acme Pharma Inc.", "supplier", "manufacturer",
                           gln=SUPPLIER_GLN)
    add_evidence(admin, supplier, "fda_registration", "FEI-3001234567", expiry="2030-12-31")
    for units in (scale.import_packages, scale.scan_packages):  # PO-000001, PO-000002
        po_id = purchasing.create_po(admin, supplier, [PoLineInput(GTIN, units, "12.10")])
        purchasing.confirm_po(admin, po_id)
    close_database()
    log(f"  {copies.backend}: files and template ready in "
        f"{time.perf_counter() - started:.1f} s")
    return _Prepared(import_file, scan_file, url)


def _open(url: str) -> Actor:
    connection.connect(url).require_ready()
    return demo_admin()


# ---------------------------------------------------------------------------- floors

def floor_rows(path: Path) -> list[tuple[str, str, str, str, str]]:
    """(company prefix.item reference, serial, lot, expiry, case SSCC) of every package
    commissioned in the file: lxml iterparse, no schema, no checks."""
    packages, case_of = [], {}
    for _, elem in etree.iterparse(str(path), tag=("ObjectEvent", "AggregationEvent")):
        if elem.tag == "ObjectEvent":
            lot = elem.findtext(f".//{_MDA}lotNumber")
            expiry = elem.findtext(f".//{_MDA}itemExpirationDate")
            if lot is not None:
                for epc in elem.iter("epc"):
                    item, serial = epc.text[17:].rsplit(".", 1)
                    packages.append((item, serial, lot, expiry))
        else:
            prefix, reference = elem.findtext("parentID")[16:].split(".")
            body = reference[0] + prefix + reference[1:]  # extension digit first
            parent = body + str(gs1_standard_check_digit(body))
            for epc in elem.iter("epc"):
                case_of[epc.text[17:]] = parent
        elem.clear()
        while elem.getprevious() is not None:
            del elem.getparent()[0]
    return [(item, serial, lot, expiry, case_of.get(f"{item}.{serial}", ""))
            for item, serial, lot, expiry in packages]


def _import_floor(raw: _Raw, path: Path, product_id: int) -> float:
    table = raw.equivalent_table("expected_package")
    asn_id = 1
    start = time.perf_counter()
    rows = [(asn_id, product_id, serial, lot, expiry, case)
            for _, serial, lot, expiry, case in floor_rows(path)]
    raw.begin()
    raw.executemany(f"INSERT INTO {table} (asn_id, product_id, serial, lot_number, expiry, "
                    "case_sscc) VALUES (?, ?, ?, ?, ?, ?)", rows)
    raw.commit()
    return time.perf_counter() - start


def _scan_floor(raw: _Raw, asn_id: int, ssccs: list[str]) -> list[float]:
    table = raw.equivalent_table("expected_package")
    raw.execute(f"INSERT INTO {table} SELECT * FROM expected_package")
    times = []
    for n, case in enumerate(ssccs, 1):
        start = time.perf_counter()
        raw.begin()
        raw.execute(f"UPDATE {table} SET scan_id = ? WHERE asn_id = ? AND case_sscc = ? "
                    "AND scan_id IS NULL", (n, asn_id, case))
        raw.commit()
        times.append(time.perf_counter() - start)
    return times


def _post_floor(raw: _Raw, asn_id: int) -> float:
    packages, moves = raw.equivalent_table("package"), raw.equivalent_table("stock_move")
    (supplier,), (receiving_,) = (raw.execute("SELECT id FROM location WHERE kind = ?", (k,))[0]
                                  for k in ("supplier", "receiving"))
    bin_id, lot_id = raw.execute("SELECT id FROM location WHERE code = 'A-01'")[0][0], 1
    start = time.perf_counter()
    raw.begin()
    expected = raw.execute("SELECT product_id, serial FROM expected_package WHERE asn_id = ?",
                           (asn_id,))
    raw.executemany(f"INSERT INTO {packages} (product_id, lot_id, serial, status, location_id) "
                    "VALUES (?, ?, ?, 'saleable', ?)",
                    [(product, lot_id, serial, bin_id) for product, serial in expected])
    ids = raw.execute(f"SELECT id, product_id FROM {packages}")
    at = "2026-11-20 14:00:00.000000+00:00"
    rows = []
    for package, product in ids:
        rows.append((at, product, lot_id, package, 1, supplier, None, receiving_, "saleable",
                     "receipt", "receipt:1", 1, "admin", ""))
        rows.append((at, product, lot_id, package, 1, receiving_, "saleable", bin_id,
                     "saleable", "putaway", "receipt:1", 1, "admin", ""))
    raw.executemany(f"INSERT INTO {moves} (at, product_id, lot_id, package_id, quantity, "
                    "from_location_id, from_status, to_location_id, to_status, reason, "
                    "document, user_id, username, note) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    raw.commit()
    return time.perf_counter() - start


# ------------------------------------------------------------------------ the timings

def _median_of(runs: int, one: Callable[[int], tuple[float, float]]) -> tuple[float, float]:
    pairs = [one(n) for n in range(runs)]
    return (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs))


def run(copies, scale: InboundScale, runs: int, folder: Path) -> list[Result]:
    backend = copies.backend
    prepared = _prepare(copies, scale, folder)
    epcis_schema()  # loaded once per process, at the first file: not part of a timing
    results = []

    def one_import(n: int) -> tuple[float, float]:
        url = copies.copy(prepared.template, f"import_{n}")
        try:
            actor = _open(url)
            raw = copies.raw(url)
            floor = _import_floor(raw, prepared.import_file, 1)
            raw.close()
            start = time.perf_counter()
            result = import_epcis(actor, prepared.import_file)
            elapsed = time.perf_counter() - start
            assert result.packages == scale.import_packages and result.po_number, result
            log(f"  {backend}: import run {n + 1}: {elapsed:.2f} s (floor {floor:.2f} s)")
            return elapsed, floor
        finally:
            copies.drop(url)

    median, floor = _median_of(runs, one_import)
    results.append(Result(f"import {scale.import_packages:,} packages (EPCIS)", backend,
                          median, floor, IMPORT_GOAL, max_ratio=IMPORT_MAX_RATIO))

    scanned = copies.copy(prepared.template, "scanned")
    try:
        actor = _open(scanned)
        asn_id = import_epcis(actor, prepared.scan_file).asn_id
        ssccs = [sscc(500_000 + n) for n in range(scale.scan_cases)]
        raw = copies.raw(scanned)
        floor_times = _scan_floor(raw, asn_id, ssccs)
        raw.close()
        delivery = receiving.Delivery(asn_id=asn_id)
        p50, p99 = percentiles(
            lambda case: receiving.record_scan(actor, delivery, "00" + case), ssccs)
        floor_times.sort()
        floor50, floor99 = (floor_times[len(floor_times) // 2],
                            floor_times[min(len(floor_times) - 1, int(len(floor_times) * 0.99))])
        results.append(Result(f"case scan of {scale.scan_per_case} (p50; p99 "
                              f"{p99 * 1000:.1f} ms, floor p99 {floor99 * 1000:.1f} ms)",
                              backend, p50, floor50, SCAN_GOAL, p99))

        def one_post(n: int) -> tuple[float, float]:
            url = copies.copy(scanned, f"post_{n}")
            try:
                actor = _open(url)
                raw = copies.raw(url)
                floor = _post_floor(raw, asn_id)
                raw.close()
                start = time.perf_counter()
                posted = receiving.post_receipt(actor, receiving.Delivery(asn_id=asn_id))
                elapsed = time.perf_counter() - start
                assert sum(r[3] for r in posted.received) == scale.scan_packages, posted
                log(f"  {backend}: post run {n + 1}: {elapsed:.2f} s (floor {floor:.2f} s)")
                return elapsed, floor
            finally:
                copies.drop(url)

        median, floor = _median_of(runs, one_post)
        results.append(Result(f"post receipt of {scale.scan_packages:,} packages", backend,
                              median, floor, None))
    finally:
        copies.drop(scanned)
        copies.drop(prepared.template)
    return results


def with_copies(body: Callable, admin_url: str | None, folder: Path) -> list[Result]:
    """`body(copies)` on SQLite files in `folder` (admin_url None) or on throw-away
    PostgreSQL databases, all dropped afterwards."""
    copies = _SqliteCopies(folder) if admin_url is None else _PostgresCopies(admin_url)
    try:
        return body(copies)
    finally:
        copies.drop_all()


def run_sqlite(scale: InboundScale, runs: int, folder: Path) -> list[Result]:
    return with_copies(lambda copies: run(copies, scale, runs, folder), None, folder)


def run_postgres(admin_url: str, scale: InboundScale, runs: int, folder: Path) -> list[Result]:
    return with_copies(lambda copies: run(copies, scale, runs, folder), admin_url, folder)
