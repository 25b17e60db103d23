"""A small warehouse for the shipping documents: two products (one serialized, one not)
in bins whose pick path differs from FEFO order, an authorized customer with a ship-to
and a confirmed, allocated order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.permissions import Role
from core.services import sales
from core.services.partners import Address, add_evidence, add_partner
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from core.vocab import AddressKind
from tests.core.conftest import BULK_GTIN, GTIN, supplier, warehouse  # noqa: F401 - fixtures

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

