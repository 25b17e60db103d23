"""A database ready to sell from, for the command-line tests of orders, shipping and
returns: ten packages of one lot in A-01, an authorized customer and a lapsed one."""

from datetime import date, timedelta

import pytest

from core.permissions import Actor
from core.queries.users import list_users
from core.services.locations import add_bin
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.services.stock import add_opening_stock
from core.vocab import AddressKind

GS = "\x1d"
GTIN = "00312345678906"
CUSTOMER_GLN = "0614141000029"
EXPIRY = date.today() + timedelta(days=300)


def scan(serial: str) -> str:
    return f"01{GTIN}17{EXPIRY:%y%m%d}10LOT7{GS}21{serial}"


@pytest.fixture
def ready(seeded_url, open_db):
    """Ten packages of lot LOT7 in A-01, an authorized customer and a lapsed one."""
    open_db(seeded_url)
    admin = next(Actor(u.id, u.username, u.role) for u in list_users() if u.username == "admin")
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                standard_cost="12.25", list_price="41.50")
    add_bin(admin, "A-01")
    add_opening_stock(admin, GTIN, "LOT7", EXPIRY, "A-01",
                      serials=[f"P{i:03d}" for i in range(10)])
    for name, gln, expiry in (("Main Street Pharmacy", CUSTOMER_GLN, "2030-06-30"),
                              ("Lapsed Pharmacy", "0614141000036", "2020-01-31")):
        pid = add_partner(admin, name, "customer", "dispenser", gln=gln, addresses=[
            Address(AddressKind.SHIP_TO, "12 Main Street", "Trenton", "NJ", "08608",
                    is_default=True)])
        add_evidence(admin, pid, "state_license", "NJ-RX-1", state="NJ", expiry=expiry)
    return seeded_url
