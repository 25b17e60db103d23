"""Timings of the inventory screen's questions through core.queries, each next to its
raw floor: the same question asked with plain sqlite3 / psycopg and hand-written SQL
that uses the indexes well. The ratio says how much the ORM and query shape cost."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bench.generate import Built
from core.queries.inventory import (InventoryFilter, count_packages, count_product_stock,
                                    lot_stock, package_stock, product_stock)
from core.queries.lookup import lookup_scan
from core.scanning import parse_scan

FIRST_ROWS, FILTER, SCAN = 0.300, 0.200, 0.005
PAGE = 200


@dataclass(frozen=True)
class Result:
    operation: str
    backend: str
    median: float
    floor: float
    goal: float | None  # seconds; None: no goal set (the row is for information)
    p99: float | None = None
    max_ratio: float | None = None  # a goal relative to the floor, when the issue gives one
    # A goal as a speed-up over a single worker (concurrent pack stations): the measured
    # speed-up and the least the issue asks for.
    speedup: float | None = None
    min_speedup: float | None = None

    @property
    def ratio(self) -> float:
        return self.median / self.floor if self.floor else float("inf")

    @property
    def met(self) -> bool | None:
        if self.min_speedup is not None:
            return self.speedup >= self.min_speedup
        if self.goal is None:
            return None
        within = (self.p99 if self.p99 is not None else self.median) <= self.goal
        return within and (self.max_ratio is None or self.ratio <= self.max_ratio)

    @property
    def goal_text(self) -> str:
        if self.min_speedup is not None:
            return f">= {self.min_speedup:g}x one station"
        if self.goal is None:
            return "-"
        text = f"<= {self.goal:g} s" if self.goal >= 1 else f"<= {self.goal * 1000:g} ms"
        return text + (f", <= {self.max_ratio:g}x floor" if self.max_ratio else "")


def settle(url: str) -> None:
    """VACUUM ANALYZE a freshly loaded PostgreSQL database: statistics for the planner,
    and no autovacuum of millions of new rows running into the timings (it made the
    pack-station scans three times slower in some runs)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def median_time(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm the page cache and the statement cache once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentiles(fn: Callable[[object], object], samples: list, ) -> tuple[float, float]:
    times = []
    for sample in samples:
        start = time.perf_counter()
        fn(sample)
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


class Raw:
    """A plain DB-API connection and hand-written SQL (the floor)."""

    def __init__(self, backend: str, dsn: str):
        self.backend = backend
        if backend == "sqlite":
            self.conn = sqlite3.connect(dsn)
            self.mark = "?"
        else:
            import psycopg

            self.conn = psycopg.connect(dsn, autocommit=True)
            self.mark = "%s"

    def all(self, sql: str, params: tuple = ()) -> list:
        cur = self.conn.cursor()
        cur.execute(sql.replace("?", self.mark), params)
        return cur.fetchall()

    def like(self) -> str:
        return "LIKE" if self.backend == "sqlite" else "ILIKE"

    # The product page: walk products in name order (index on name) and sum each one's
    # balances through the (product, status) index; stop after one page.
    def product_page(self, where: str = "", params: tuple = ()) -> list:
        return self.all(
            "SELECT p.id, p.name, agg.saleable, agg.total, agg.lots, agg.nearest FROM product p "
            "JOIN (SELECT b.product_id, SUM(CASE WHEN b.status = 'saleable' THEN b.quantity "
            "ELSE 0 END) AS saleable, SUM(b.quantity) AS total, COUNT(DISTINCT b.lot_id) AS lots,"
            " MIN(l.expiry) AS nearest FROM stock_balance b JOIN lot l ON l.id = b.lot_id "
            f"WHERE b.quantity > 0 {where} GROUP BY b.product_id) agg ON agg.product_id = p.id "
            f"ORDER BY p.name, p.id LIMIT {PAGE}", params)

    def first_page(self) -> None:
        self.all(
            "SELECT p.id, p.name, (SELECT SUM(b.quantity) FROM stock_balance b "
            "WHERE b.product_id = p.id) FROM product p WHERE EXISTS (SELECT 1 FROM stock_balance b"
            f" WHERE b.product_id = p.id AND b.quantity > 0) ORDER BY p.name, p.id LIMIT {PAGE}")
        self.all("SELECT COUNT(DISTINCT product_id) FROM stock_balance WHERE quantity > 0")

    def name_filter(self, fragment: str) -> None:
        pattern = f"%{fragment}%"
        self.all(
            "SELECT p.id, p.name, SUM(b.quantity) FROM product p JOIN stock_balance b "
            f"ON b.product_id = p.id WHERE p.name {self.like()} ? AND b.quantity > 0 "
            f"GROUP BY p.id, p.name ORDER BY p.name, p.id LIMIT {PAGE}", (pattern,))
        self.all("SELECT COUNT(*) FROM product p WHERE p.name "
                 f"{self.like()} ? AND EXISTS (SELECT 1 FROM stock_balance b WHERE "
                 "b.product_id = p.id AND b.quantity > 0)", (pattern,))

    def expiring(self, until: date) -> None:
        exists = ("EXISTS (SELECT 1 FROM stock_balance b JOIN lot l ON l.id = b.lot_id "
                  "WHERE b.product_id = p.id AND b.quantity > 0 AND l.expiry <= ?)")
        ids = [row[0] for row in self.all(
            f"SELECT p.id FROM product p WHERE {exists} ORDER BY p.name, p.id LIMIT {PAGE}",
            (until,))]
        marks = ", ".join("?" * len(ids))
        self.all("SELECT b.product_id, SUM(b.quantity), COUNT(DISTINCT b.lot_id), MIN(l.expiry) "
                 "FROM stock_balance b JOIN lot l ON l.id = b.lot_id WHERE b.quantity > 0 AND "
                 f"l.expiry <= ? AND b.product_id IN ({marks}) GROUP BY b.product_id",
                 (until, *ids))
        self.all(f"SELECT COUNT(*) FROM product p WHERE {exists}", (until,))

    def lots(self, product_id: int) -> None:
        self.all("SELECT l.id, l.lot_number, l.expiry, b.location_id, loc.code, b.status, "
                 "b.quantity FROM stock_balance b JOIN lot l ON l.id = b.lot_id JOIN location loc"
                 " ON loc.id = b.location_id WHERE b.product_id = ? AND b.quantity > 0 "
                 "ORDER BY l.expiry, l.lot_number, loc.pick_sequence", (product_id,))

    def packages(self, lot_id: int) -> None:
        self.all("SELECT p.id, p.serial, p.status, loc.code FROM package p JOIN location loc "
                 "ON loc.id = p.location_id WHERE p.lot_id = ? AND loc.kind IN "
                 f"('bin', 'receiving', 'quarantine', 'pack') ORDER BY p.serial LIMIT {PAGE}",
                 (lot_id,))
        self.all("SELECT COUNT(*) FROM package WHERE lot_id = ?", (lot_id,))

    def scan(self, sample: tuple[str, str, str, date]) -> None:
        gtin, serial, _, _ = sample
        self.all("SELECT p.id, p.status, p.lot_id, loc.code, pr.name FROM product pr "
                 "JOIN package p ON p.product_id = pr.id JOIN location loc ON loc.id = "
                 "p.location_id WHERE pr.gtin = ? AND p.serial = ?", (gtin, serial))


def element_string(sample: tuple[str, str, str, date]) -> str:
    gtin, serial, lot, expiry = sample
    return f"]d201{gtin}17{expiry:%y%m%d}10{lot}\x1d21{serial}"


def run(backend: str, dsn: str, built: Built, runs: int, scans: int,
        today: date | None = None) -> list[Result]:
    today = today or date.today()
    raw = Raw(backend, dsn)
    everything = InventoryFilter(today=today)
    by_name = InventoryFilter(text=built.name_fragment, today=today)
    expiring = InventoryFilter(expiring_within_days=90, today=today)
    rng = random.Random(5)
    samples = [rng.choice(built.scan_samples) for _ in range(scans)]
    scan_texts = [element_string(s) for s in samples]

    def page_and_count(flt):
        return lambda: (product_stock(flt), count_product_stock(flt))

    results = []

    def add(name, goal, fn, floor):
        results.append(Result(name, backend, median_time(fn, runs), median_time(floor, runs),
                              goal))

    add("inventory: first page + count", FIRST_ROWS, page_and_count(everything), raw.first_page)
    add(f"filter: name '{built.name_fragment}'", FILTER, page_and_count(by_name),
        lambda: raw.name_filter(built.name_fragment))
    add("filter: expiring within 90 days", FILTER, page_and_count(expiring),
        lambda: raw.expiring(today + timedelta(days=90)))
    add("lots of the busiest product", FIRST_ROWS, lambda: lot_stock(built.busy_product_id),
        lambda: raw.lots(built.busy_product_id))
    add("packages of the biggest lot", FIRST_ROWS,
        lambda: (package_stock(built.big_lot_id), count_packages(built.big_lot_id)),
        lambda: raw.packages(built.big_lot_id))
    for sample in samples:  # the same warm cache for both: a pass of the floor first
        raw.scan(sample)
    p50, p99 = percentiles(lambda text: lookup_scan(parse_scan(text)), scan_texts)
    floor50, _ = percentiles(raw.scan, samples)
    results.append(Result(f"scan lookup (p50; p99 {p99 * 1000:.2f} ms)", backend, p50, floor50,
                          SCAN, p99))
    return results


def table(results: list[Result]) -> str:
    head = ("operation", "backend", "median", "floor", "ratio", "goal", "met")
    rows = [(r.operation, r.backend, _ms(r.median), _ms(r.floor), f"{r.ratio:.1f}x",
             r.goal_text, {True: "yes", False: "NO", None: "-"}[r.met]) for r in results]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *map(line, rows)])


def _ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.01 else f"{seconds * 1000:.2f} ms"
