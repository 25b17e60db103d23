"""Timings of shipping (issue 5), each next to a raw floor measured in the same run:

- ship: one order of N serialized packages picked, packed and shipped from its FEFO
  allocation in one step (`ship_allocation`: every package verified as a scan is, one
  move per package, package states, the outbound DSCSA record) and its outbound EPCIS
  written (`export_shipment`); floor = the same rows (shipment items, one move per
  package, the package state
  updates, the DSCSA package rows) written with a plain sqlite3 / psycopg executemany in
  one transaction into equivalent tables, plus an EPCIS-shaped XML of the same packages
  and cartons written with lxml's incremental writer;
- T3 PDF of a shipment of L lines (product x lot), 20 packages each: the stored DSCSA
  record read (`core.queries.t3`) and drawn (`reports.t3`); floor = the same rows read
  with one plain SQL join;
- pack-station scan (`pack_scan` of one package's DataMatrix into an order, each its
  own transaction) p50 and p99 in the inventory-scale database (2M packages);
  floor = the package looked up by product and serial, its state updated and one move
  row inserted, committed.

Every timed ship run starts from a copy of one prepared database (bench/inbound.py's
copies), so runs do not see each other's rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from bench.inbound import _median_of, _open, _Raw, log, with_copies
from bench.measure import Result, percentiles
from core import connection
from core.db import close_database
from core.demo_data import demo_admin
from core.models import Lot, Package, Product, SalesOrderLine
from core.permissions import Actor
from core.services import sales, shipping
from core.services.epcis_export import export_shipment
from core.services.locations import add_bin
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.services.sales import SoLineInput
from core.services.setup import build_demo
from core.services.stock import add_opening_stock
from core.vocab import AddressKind

SHIP_GOAL, SHIP_MAX_RATIO, SCAN_GOAL = 10.0, 3.0, 0.020
GTIN = "00312345678906"  # NDC 12345-678-90
EXPIRY = date(2030, 6, 30)
CUSTOMER_GLN = "0614141000029"
PER_CARTON = 100
SCANS = 1000


@dataclass(frozen=True)
class OutboundScale:
    name: str
    packages: int
    t3_products: int  # each with T3_LOTS lots of T3_PER_LOT packages
    T3_LOTS = 10
    T3_PER_LOT = 20

    @property
    def t3_lines(self) -> int:
        return self.t3_products * self.T3_LOTS


SCALES = {"full": OutboundScale("full", 90_000, t3_products=50),
          "quick": OutboundScale("quick", 3_000, t3_products=5)}
T3_GOAL = 2.0


def _customer(admin: Actor, name: str = "Main Street Pharmacy",
              gln: str = CUSTOMER_GLN) -> int:
    pid = add_partner(admin, name, "customer", "dispenser", gln=gln, addresses=[
        Address(AddressKind.SHIP_TO, "12 Main Street", "Trenton", "NJ", "08608",
                is_default=True)])
    add_evidence(admin, pid, "state_license", "NJ-RX-1", state="NJ", expiry="2099-12-31")
    return pid


def _prepare(copies, scale: OutboundScale) -> tuple[str, int]:
    """A template database: one product with N packages in bin A-01 and a confirmed
    order for all of them (allocated). Returns (url, order id)."""
    started = time.perf_counter()
    url = copies.blank("ship_template")
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    admin = demo_admin()
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50",
                standard_cost="12.25")
    add_bin(admin, "A-01", zone="A", aisle="A", pick_sequence=10)
    add_opening_stock(admin, GTIN, "LOT42A", EXPIRY, "A-01",
                      serials=[f"S{i:09d}" for i in range(scale.packages)])
    order_id = sales.create_order(admin, _customer(admin), [SoLineInput(GTIN, scale.packages)])
    sales.confirm_order(admin, order_id)
    close_database()
    log(f"  {copies.backend}: shipping template ready in {time.perf_counter() - started:.1f} s")
    return url, order_id


# ---------------------------------------------------------------------------- floors

def _ship_floor(raw: _Raw, scale: OutboundScale, folder: Path) -> float:
    items, moves = raw.equivalent_table("shipment_item"), raw.equivalent_table("stock_move")
    packages, dscsa = raw.equivalent_table("package"), raw.equivalent_table("dscsa_package")
    raw.execute(f"INSERT INTO {packages} SELECT * FROM package")
    (bin_id,), (customer,) = (raw.execute("SELECT id FROM location WHERE code = ?", (code,))[0]
                              for code in ("A-01", "CUSTOMER"))
    at = "2026-11-20 14:00:00.000000+00:00"
    start = time.perf_counter()
    raw.begin()
    found = raw.execute(f"SELECT id, product_id, lot_id, serial FROM {packages} "
                        "WHERE location_id = ? AND status = 'saleable' ORDER BY serial",
                        (bin_id,))
    raw.executemany(f"INSERT INTO {items} (shipment_id, line_id, lot_id, package_id, quantity, "
                    "carton_id, from_location_id, packed_at, packed_by) "
                    "VALUES (?, ?, ?, ?, 1, ?, ?, ?, 'admin')",
                    [(1, 1, lot, pid, 1 + n // PER_CARTON, bin_id, at)
                     for n, (pid, _, lot, _) in enumerate(found)])
    rows = [(at, product, lot, pid, 1, bin_id, "saleable", customer, None, "shipment",
             "shipment:1", 1, "admin", "") for pid, product, lot, _ in found]
    raw.executemany(f"INSERT INTO {moves} (at, product_id, lot_id, package_id, quantity, "
                    "from_location_id, from_status, to_location_id, to_status, reason, "
                    "document, user_id, username, note) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    raw.executemany(f"UPDATE {packages} SET location_id = ?, status = 'shipped' WHERE id = ?",
                    [(customer, pid) for pid, _, _, _ in found])
    raw.executemany(f"INSERT INTO {dscsa} (line_id, package_id) VALUES (?, ?)",
                    [(1, pid) for pid, _, _, _ in found])
    raw.commit()
    _floor_xml(folder / "floor.xml", [(serial, 1 + n // PER_CARTON)
                                      for n, (_, _, _, serial) in enumerate(found)])
    return time.perf_counter() - start


def _floor_xml(path: Path, packages: list[tuple[str, int]]) -> None:
    """The same packages and cartons as an EPCIS-shaped document: one commissioning list,
    one aggregation per carton, one shipping event, written with lxml's xmlfile."""
    base = "urn:epc:id:sgtin:0312345.067890."
    cartons: dict[int, list[str]] = {}
    for serial, carton in packages:
        cartons.setdefault(carton, []).append(serial)
    with path.open("wb") as out, etree.xmlfile(out, encoding="utf-8") as xf:
        with xf.element("EPCISDocument"), xf.element("EPCISBody"), xf.element("EventList"):
            event = etree.Element("ObjectEvent")
            epcs = etree.SubElement(event, "epcList")
            for serial, _ in packages:
                etree.SubElement(epcs, "epc").text = base + serial
            xf.write(event)
            for carton, serials in cartons.items():
                event = etree.Element("AggregationEvent")
                etree.SubElement(event, "parentID").text = f"urn:epc:id:sscc:0614141.0{carton:09d}"
                children = etree.SubElement(event, "childEPCs")
                for serial in serials:
                    etree.SubElement(children, "epc").text = base + serial
                xf.write(event)
            event = etree.Element("ObjectEvent")
            epcs = etree.SubElement(event, "epcList")
            for carton in cartons:
                etree.SubElement(epcs, "epc").text = f"urn:epc:id:sscc:0614141.0{carton:09d}"
            xf.write(event)


# ------------------------------------------------------------------------ the timings

def run(copies, scale: OutboundScale, runs: int, folder: Path) -> list[Result]:
    backend = copies.backend
    template, order_id = _prepare(copies, scale)

    def one_ship(n: int) -> tuple[float, float]:
        url = copies.copy(template, f"ship_{n}")
        try:
            raw = copies.raw(url)
            floor = _ship_floor(raw, scale, folder)
            raw.close()
            actor = _open(url)
            target = folder / f"shipment-{n}.xml"
            start = time.perf_counter()
            shipped = shipping.ship_allocation(actor, order_id, PER_CARTON)
            with target.open("wb") as out:
                exported = export_shipment(actor, shipped.shipment_id, out)
            elapsed = time.perf_counter() - start
            assert shipped.packages == exported.packages == scale.packages, shipped
            log(f"  {backend}: ship run {n + 1}: {elapsed:.2f} s (floor {floor:.2f} s)")
            target.unlink()
            return elapsed, floor
        finally:
            copies.drop(url)

    try:
        median, floor = _median_of(runs, one_ship)
    finally:
        copies.drop(template)
    return [Result(f"ship {scale.packages:,} packages (pack, post, EPCIS)", backend, median,
                   floor, SHIP_GOAL, max_ratio=SHIP_MAX_RATIO),
            t3_timing(copies, scale, max(runs, 3), folder)]


def t3_timing(copies, scale: OutboundScale, runs: int, folder: Path) -> Result:
    """Ship one order of scale.t3_lines lines (product x lot) and time its T3 PDF."""
    from core.queries.t3 import t3
    from reports.t3 import render_t3

    url = copies.blank("t3")
    try:
        opened = connection.connect(url)
        connection.upgrade(opened)
        build_demo(opened.target.display_name)
        admin = demo_admin()
        add_bin(admin, "A-01", zone="A", aisle="A", pick_sequence=10)
        lines = []
        for p in range(scale.t3_products):
            ndc = f"12345-{p:03d}-01"
            product_id = add_product(admin, ndc, f"Benchmarkol {p + 1} mg tablets, 30 count",
                                     strength=f"{p + 1} mg", dosage_form="tablet",
                                     list_price="10.00", standard_cost="4.00")
            gtin = Product.get_by_id(product_id).gtin
            for n in range(scale.T3_LOTS):
                add_opening_stock(admin, gtin, f"L{p:03d}{n:02d}", EXPIRY, "A-01",
                                  serials=[f"{p:03d}{n:02d}{i:05d}"
                                           for i in range(scale.T3_PER_LOT)])
            lines.append(SoLineInput(gtin, scale.T3_LOTS * scale.T3_PER_LOT))
        order_id = sales.create_order(admin, _customer(admin), lines)
        sales.confirm_order(admin, order_id)
        shipment_id = shipping.ship(admin, shipping.auto_pack(admin, order_id)).shipment_id
        raw = copies.raw(url)
        start = time.perf_counter()
        raw.execute("SELECT l.product_name, l.strength, l.dosage_form, l.ndc, l.container_size, "
                    "l.quantity, t.lot_number, t.expiry, p.serial FROM dscsa_line l "
                    "JOIN dscsa_transaction x ON x.id = l.transaction_id "
                    "JOIN lot t ON t.id = l.lot_id JOIN dscsa_package d ON d.line_id = l.id "
                    "JOIN package p ON p.id = d.package_id WHERE x.shipment_id = ? "
                    "ORDER BY l.id, p.serial", (shipment_id,))
        floor = time.perf_counter() - start
        raw.close()
        times = []
        for n in range(runs):
            target = folder / f"t3-{n}.pdf"
            start = time.perf_counter()
            render_t3(t3(shipment_id), target)
            times.append(time.perf_counter() - start)
            target.unlink()
        median = sorted(times)[len(times) // 2]
        log(f"  {copies.backend}: T3 of {scale.t3_lines} lines: {median:.2f} s")
        return Result(f"T3 PDF of {scale.t3_lines} lines", copies.backend, median, floor,
                      T3_GOAL)
    finally:
        copies.drop(url)


def run_sqlite(scale: OutboundScale, runs: int, folder: Path) -> list[Result]:
    return with_copies(lambda copies: run(copies, scale, runs, folder), None, folder)


def run_postgres(admin_url: str, scale: OutboundScale, runs: int, folder: Path) -> list[Result]:
    return with_copies(lambda copies: run(copies, scale, runs, folder), admin_url, folder)


# ------------------------------------------------- pack-station scans at inventory scale

def pack_scan_timing(backend: str, raw: _Raw, product_id: int, scans: int) -> Result:
    """Pack `scans` packages of the busiest product, one scan each, into an order in the
    open (inventory-scale) database; the caller's database is changed (use a copy)."""
    admin = demo_admin()
    customer = _customer(admin, "Bench Scan Pharmacy", "0614141000036")
    product = Product.get_by_id(product_id)
    order_id = sales.create_order(admin, customer, [SoLineInput(product.gtin, scans)])
    sales.confirm_order(admin, order_id)
    shipment_id = shipping.start_packing(admin, order_id)
    line = SalesOrderLine.get(SalesOrderLine.order == order_id)
    samples = []
    for allocation in line.allocations:
        lot = Lot.get_by_id(allocation.lot_id)
        for (serial,) in (Package.select(Package.serial)
                          .where((Package.lot == lot) & (Package.location == allocation.location_id)
                                 & (Package.status == "saleable"))
                          .order_by(Package.serial).limit(allocation.quantity).tuples()):
            samples.append(f"01{product.gtin}17{lot.expiry:%y%m%d}10{lot.lot_number}\x1d21{serial}")
    if not samples:
        raise SystemExit("the busiest product has no allocatable stock to scan")
    p50, p99 = percentiles(lambda scan: shipping.pack_scan(admin, shipment_id, scan), samples)
    floor = _scan_floor(raw, product_id, len(samples))
    floor50, floor99 = floor[len(floor) // 2], floor[min(len(floor) - 1, int(len(floor) * .99))]
    return Result(f"pack-station scan (p50; p99 {p99 * 1000:.1f} ms, floor p99 "
                  f"{floor99 * 1000:.1f} ms)", backend, p50, floor50, SCAN_GOAL, p99)


def _scan_floor(raw: _Raw, product_id: int, count: int) -> list[float]:
    moves = raw.equivalent_table("stock_move")
    serials = [s for (s,) in raw.execute(
        "SELECT serial FROM package WHERE product_id = ? AND status = 'saleable' "
        "ORDER BY serial DESC LIMIT ?", (product_id, count))]
    at = "2026-11-20 14:00:00.000000+00:00"
    times = []
    for serial in serials:
        start = time.perf_counter()
        raw.begin()
        pid, lot, location = raw.execute(
            "SELECT id, lot_id, location_id FROM package WHERE product_id = ? AND serial = ?",
            (product_id, serial))[0]
        raw.execute("UPDATE package SET status = 'saleable' WHERE id = ?", (pid,))
        raw.execute(f"INSERT INTO {moves} (at, product_id, lot_id, package_id, quantity, "
                    "from_location_id, from_status, to_location_id, to_status, reason, "
                    "document, user_id, username, note) VALUES "
                    "(?, ?, ?, ?, 1, ?, 'saleable', ?, 'allocated', 'allocation', '', 1, "
                    "'admin', '')", (at, product_id, lot, pid, location, location))
        raw.commit()
        times.append(time.perf_counter() - start)
    times.sort()
    return times
