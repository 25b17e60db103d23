"""Concurrent pack stations on PostgreSQL (issue 7): N station processes scanning at
once against one station alone, and afterwards proof that no package was lost or
shipped twice.

Set-up (a throw-away database): one product, one bin, 1 + N customers each with a
confirmed order allocated FEFO from the same lots, so every station competes for the
same stock balances and the same audit chain. Each station is a process (spawned, as a
second PC would be) that opens the database, starts packing its order, waits for the
others at a barrier, scans its allocated packages one transaction each, and then one
scan of a package another station holds (it must be refused: "already packed" or
allocated elsewhere). The solo run is the same with one station.

Throughput is scans per second of wall time from the barrier to the last station's
last scan. The floor is the same for plain psycopg transactions doing a package lookup,
a status update and a move insert per scan (N processes), so the ratio shows what the
machine itself allows: with 2 cores a CPU-bound scan cannot scale past ~2x however
many stations run.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from datetime import date, timedelta

from bench.inbound import _PostgresCopies
from bench.measure import Result
from bench.outbound import _customer
from core import connection
from core.db import close_database
from core.demo_data import demo_admin
from core.services import sales
from core.services.locations import add_bin
from core.services.products import add_product
from core.services.sales import SoLineInput
from core.services.setup import build_demo
from core.services.stock import add_opening_stock

GS = "\x1d"
GTIN = "00312345678906"
EXPIRY = date.today() + timedelta(days=400)
GOAL_SPEEDUP = 6.0


@dataclass(frozen=True)
class StationsScale:
    name: str
    stations: int
    per_station: int  # scans each station makes


SCALES = {"full": StationsScale("full", stations=10, per_station=300),
          "quick": StationsScale("quick", stations=3, per_station=30)}


def _scan(lot: str, serial: str) -> str:
    return f"01{GTIN}17{EXPIRY:%y%m%d}10{lot}{GS}21{serial}"


def _prepare(url: str, orders: int, per_order: int) -> list[tuple[int, list[str]]]:
    """The product, its stock in three lots and `orders` confirmed orders; returns each
    order with the scans of the packages allocated to it."""
    from core.models import Allocation, Lot, Package, SalesOrderLine

    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    admin = demo_admin()
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50",
                standard_cost="12.25")
    add_bin(admin, "A-01", zone="A", aisle="A", pick_sequence=10)
    total = orders * per_order
    for n, lot in enumerate(("RACE1", "RACE2", "RACE3")):
        add_opening_stock(admin, GTIN, lot, EXPIRY + timedelta(days=n), "A-01",
                          serials=[f"{lot}-{i:06d}" for i in range(total // 3 + 1)])
    made = []
    for n in range(orders):
        customer = _customer(admin, f"Station Pharmacy {n}", _gln(n))
        order_id = sales.create_order(admin, customer, [SoLineInput(GTIN, per_order)])
        sales.confirm_order(admin, order_id)
        scans = []
        for allocation in (Allocation.select().join(SalesOrderLine)
                           .where(SalesOrderLine.order == order_id)):
            lot = Lot.get_by_id(allocation.lot_id)
            taken = {s for _, ss in made for s in ss}
            free = [_scan(lot.lot_number, serial) for (serial,) in
                    Package.select(Package.serial).where(
                        (Package.lot == lot) & (Package.status == "saleable"))
                    .order_by(Package.serial).tuples()]
            scans += [s for s in free if s not in taken][:allocation.quantity]
        made.append((order_id, scans))
    close_database()
    return made


def _gln(n: int) -> str:
    from biip.checksums import gs1_standard_check_digit

    body = f"061414{n + 200:06d}"
    return body + str(gs1_standard_check_digit(body))


def _station(url: str, order_id: int, scans: list[str], stolen: str, barrier,
             results) -> None:
    """One pack station: its own process and connection, as a second PC would be."""
    from core.errors import RxDeskError
    from core.permissions import Actor, Role
    from core.queries.users import list_users
    from core.services import shipping

    connection.connect(url).require_ready()
    try:
        lead = next(Actor(u.id, u.username, u.role) for u in list_users()
                    if u.role is Role.WAREHOUSE)
        shipment_id = shipping.start_packing(lead, order_id)
        shipping.pack_scan(lead, shipment_id, scans[0])  # warm the caches off the clock
        barrier.wait(timeout=300)
        started = time.perf_counter()
        packed, refused = 1, []
        for raw in scans[1:]:
            try:
                packed += len(shipping.pack_scan(lead, shipment_id, raw).units)
            except RxDeskError as error:
                refused.append(str(error))
        finished = time.perf_counter()
        try:
            shipping.pack_scan(lead, shipment_id, stolen)
            refused_stolen = ""
        except RxDeskError as error:
            refused_stolen = str(error)
        shipped = shipping.ship(lead, shipment_id).packages
        results.put((order_id, started, finished, len(scans) - 1, packed, refused,
                     refused_stolen, shipped))
    finally:
        close_database()


def _race(url: str, work: list[tuple[int, list[str]]]) -> tuple[float, list[tuple]]:
    """Run one station per order at once; (scans per second, each station's outcome)."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(work)), ctx.Queue()
    processes = [ctx.Process(target=_station, args=(
        url, order_id, scans, work[(n + 1) % len(work)][1][-1] if len(work) > 1
        else scans[-1], barrier, results)) for n, (order_id, scans) in enumerate(work)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        if process.exitcode != 0:
            raise SystemExit(f"a pack station failed (exit {process.exitcode})")
    start = min(o[1] for o in outcomes)
    end = max(o[2] for o in outcomes)
    return sum(o[3] for o in outcomes) / (end - start), outcomes


def _verify(url: str, outcomes: list[tuple]) -> None:
    """No package lost or shipped twice, no negative stock, the ledger agrees."""
    from core.models import Package, ShipmentItem, StockBalance, StockMove
    from core.queries.stock_check import ledger_discrepancies

    connection.connect(url).require_ready()
    try:
        shipped_moves = [m for (m,) in StockMove.select(StockMove.package).where(
            (StockMove.reason == "shipment") & StockMove.package.is_null(False)).tuples()]
        items = [p for (p,) in ShipmentItem.select(ShipmentItem.package).tuples()]
        problems = []
        if len(shipped_moves) != len(set(shipped_moves)):
            problems.append("a package was shipped twice")
        if sorted(shipped_moves) != sorted(items):
            problems.append("shipment items and shipment moves differ")
        if sum(o[7] for o in outcomes) != len(shipped_moves):
            problems.append("stations report other counts than the ledger")
        if Package.select().where(Package.status == "shipped").count() != len(shipped_moves):
            problems.append("package states and moves differ")
        if StockBalance.select().where(StockBalance.quantity < 0).count():
            problems.append("a stock balance went negative")
        if ledger_discrepancies():
            problems.append("balances differ from the moves")
        for o in outcomes:
            if o[4] != o[3] + 1 or o[5]:
                problems.append(f"order {o[0]}: {o[5][:1]}")
            if not o[6]:
                problems.append(f"order {o[0]} packed another station's package")
        if problems:
            raise SystemExit("concurrent pack stations: " + "; ".join(problems))
    finally:
        close_database()


def _floor(url: str, stations: int, per_station: int) -> tuple[float, float]:
    """Plain psycopg transactions (lookup, update, insert) per scan: one process, then
    `stations` processes at once; scans per second of each."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE floor_scan (id serial PRIMARY KEY, package_id integer, "
                     "station integer, at timestamptz DEFAULT now())")
    ctx = multiprocessing.get_context("spawn")
    rates = []
    for count in (1, stations):
        barrier, results = ctx.Barrier(count), ctx.Queue()
        processes = [ctx.Process(target=_raw_station, args=(url, n, per_station, barrier,
                                                             results)) for n in range(count)]
        for process in processes:
            process.start()
        spans = [results.get(timeout=600) for _ in processes]
        for process in processes:
            process.join(timeout=60)
        rates.append(count * per_station / (max(e for _, e in spans)
                                            - min(s for s, _ in spans)))
    return rates[0], rates[1]


def _raw_station(url: str, n: int, scans: int, barrier, results) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        ids = [i for (i,) in conn.execute(
            "SELECT id FROM package ORDER BY id LIMIT %s OFFSET %s", (scans, n * scans))]
        barrier.wait(timeout=300)
        started = time.perf_counter()
        for package_id in ids:
            with conn.transaction():
                conn.execute("SELECT id, lot_id, location_id FROM package WHERE id = %s "
                             "FOR UPDATE", (package_id,)).fetchone()
                conn.execute("UPDATE package SET status = status WHERE id = %s",
                             (package_id,))
                conn.execute("INSERT INTO floor_scan (package_id, station) VALUES (%s, %s)",
                             (package_id, n))
        results.put((started, time.perf_counter()))


def run_postgres(admin_url: str, scale: StationsScale, log) -> list[Result]:
    copies = _PostgresCopies(admin_url)
    try:
        url = copies.blank("stations")
        work = _prepare(url, scale.stations + 1, scale.per_station)
        solo, alone = _race(url, work[:1])
        log(f"  postgresql: one pack station {solo:.0f} scans/s")
        together, outcomes = _race(url, work[1:])
        log(f"  postgresql: {scale.stations} pack stations {together:.0f} scans/s "
            f"({together / solo:.1f}x)")
        _verify(url, alone + outcomes)
        log("  postgresql: no package lost or shipped twice; ledger consistent")
        floor_one, floor_many = _floor(url, scale.stations, scale.per_station)
        log(f"  postgresql: floor {floor_one:.0f} scans/s alone, {floor_many:.0f} with "
            f"{scale.stations} processes ({floor_many / floor_one:.1f}x)")
    finally:
        copies.drop_all()
    # Time per scan of all stations together, so median/floor/ratio read as elsewhere;
    # the goal is the speed-up over one station.
    return [Result(f"{scale.stations} pack stations at once ({together / solo:.1f}x one; "
                   f"floor {floor_many / floor_one:.1f}x)", "postgresql", 1 / together,
                   1 / floor_many, None, speedup=together / solo, min_speedup=GOAL_SPEEDUP)]
