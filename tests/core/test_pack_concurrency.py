"""Two pack stations in two processes race for the same lot: no package is packed or
shipped twice, stock never goes negative, and the station that loses is told why."""

import multiprocessing
from datetime import date, timedelta

from core.models import Package, StockBalance, StockMove
from core.permissions import Role
from core.services import sales
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from tests.core.conftest import GTIN, customer
from tests.core.pack_station_worker import pack_and_ship

GS = "\x1d"
EXPIRY = date.today() + timedelta(days=300)
SERIALS = [f"R{i:03d}" for i in range(10)]


def test_two_stations_never_ship_the_same_package(warehouse, seeded_url):
    office, admin = warehouse[Role.OFFICE], warehouse[Role.ADMIN]
    add_opening_stock(admin, GTIN, "RACE", EXPIRY, "A-01", serials=SERIALS)
    orders = []
    for name, gln in (("Main Street Pharmacy", "0614141000029"),
                      ("Elm Pharmacy", "0614141000036")):
        order_id = sales.create_order(office, customer(warehouse, name, gln),
                                      [SoLineInput(GTIN, 5)])
        sales.confirm_order(office, order_id)
        orders.append(order_id)
    scans = [f"01{GTIN}17{EXPIRY:%y%m%d}10RACE{GS}21{s}" for s in SERIALS]

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    stations = [ctx.Process(target=pack_and_ship, args=(seeded_url, order_id, scans, barrier,
                                                        results)) for order_id in orders]
    for station in stations:
        station.start()
    outcomes = [results.get(timeout=120) for _ in stations]
    for station in stations:
        station.join(timeout=60)
        assert station.exitcode == 0

    packed = [serial for _, got, _, _ in outcomes for serial in got]
    assert sorted(packed) == SERIALS  # every package once, none twice
    for _, got, refused, shipped in outcomes:
        assert len(got) == shipped == 5
        assert len(refused) == 5
        # Interleaved, the loser hears "already packed"; if the other station was quicker
        # still, "already been shipped".
        assert all(any(why in m for why in ("already packed", "already been shipped",
                                            "needs no more")) for m in refused), refused
    assert {p.status for p in Package.select().where(Package.serial.in_(SERIALS))} == {
        "shipped"}
    assert StockBalance.select().where(StockBalance.quantity < 0).count() == 0
    shipped_moves = StockMove.select().where((StockMove.reason == "shipment")
                                             & StockMove.package.is_null(False))
    assert shipped_moves.count() == 10
    assert len({m.package_id for m in shipped_moves}) == 10
