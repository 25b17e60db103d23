"""A small warehouse for the shipping documents: two products (one serialized, one not)
in bins whose pick path differs from FEFO order, an authorized customer with a ship-to
and a confirmed, allocated order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.permissions import Role
from core.services import sales, shipping
from core.services.partners import Address, add_evidence, add_partner
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from core.vocab import AddressKind
from tests.core.conftest import BULK_GTIN, GTIN, supplier, warehouse  # noqa: F401 - fixtures

GS = "\x1d"
TODAY = date.today()
SOON = TODAY + timedelta(days=200)
LATE = TODAY + timedelta(days=500)
CUSTOMER = "Main Street Pharmacy"
CUSTOMER_GLN = "0614141000029"


def serials(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(n)]


@pytest.fixture
def stock(warehouse):  # noqa: F811 - the fixture imported above
    """Atorvastatin lot SOON (5) in B-01, the last bin on the pick path, and lot LATE
    (5) in A-01, the first; sterile water lot W1 (40 units) in A-02."""
    admin = warehouse[Role.ADMIN]
    add_opening_stock(admin, GTIN, "SOON", SOON, "B-01", serials=serials("S", 5))
    add_opening_stock(admin, GTIN, "LATE", LATE, "A-01", serials=serials("L", 5))
    add_opening_stock(admin, BULK_GTIN, "W1", LATE, "A-02", quantity=40)
    return warehouse


def add_customer(actors, name: str = CUSTOMER, gln: str = CUSTOMER_GLN) -> int:
    office = actors[Role.OFFICE]
    pid = add_partner(office, name, "customer", "dispenser", gln=gln, addresses=[
        Address(AddressKind.SHIP_TO, "12 Main Street", "Trenton", "NJ", "08608",
                is_default=True),
        Address(AddressKind.BILL_TO, "1 Billing Plaza", "Princeton", "NJ", "08540")])
    add_evidence(office, pid, "state_license", "NJ-RX-1", state="NJ", expiry="2030-06-30")
    return pid


@pytest.fixture
def customer(stock) -> int:
    return add_customer(stock)


@pytest.fixture
def allocated_order(stock, customer) -> int:
    """7 atorvastatin (FEFO: 5 SOON from B-01, 2 LATE from A-01) and 12 sterile water."""
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer, [SoLineInput(GTIN, 7),
                                                     SoLineInput(BULK_GTIN, 12)],
                                  customer_po="MS-4471")
    assert sales.confirm_order(office, order_id).short == []
    return order_id



def package_scan(serial: str, lot: str, expiry: date, gtin: str = GTIN) -> str:
    return f"01{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


@pytest.fixture
def packed_shipment(stock, allocated_order) -> int:
    """The allocated order scanned at the pack station: carton 1 holds the five SOON
    packages, carton 2 the two LATE ones and the 12 vials of sterile water."""
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.start_packing(lead, allocated_order)
    for serial in serials("S", 5):
        shipping.pack_scan(lead, shipment_id, package_scan(serial, "SOON", SOON))
    second = shipping.new_carton(lead, shipment_id)
    for serial in serials("L", 2):
        shipping.pack_scan(lead, shipment_id, package_scan(serial, "LATE", LATE), second)
    shipping.pack_scan(lead, shipment_id, f"01{BULK_GTIN}10W1{GS}3012", second)
    return shipment_id


@pytest.fixture
def shipped_shipment(stock, packed_shipment) -> int:
    shipping.ship(stock[Role.WAREHOUSE], packed_shipment)
    return packed_shipment
