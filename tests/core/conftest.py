"""Shared set-up for core tests: a small warehouse with two products and three bins."""

from datetime import date, timedelta

import pytest

from core.models import Partner
from core.permissions import Role
from core.services.locations import add_bin
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.services.stock import add_opening_stock, quarantine_packages
from core.vocab import AddressKind

GTIN = "00312345678906"  # NDC 12345-678-90
BULK_GTIN = "00312345111113"
SUPPLIER_GLN = "0312345000004"  # the sender of the supplier files in tests/epcis_documents.py


@pytest.fixture
def warehouse(db, actors):
    admin = actors[Role.ADMIN]
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50",
                standard_cost="12.25")
    add_product(admin, "12345-111-11", "Sterile water 10 mL vial", serialized=False)
    for code, seq in (("A-01", 10), ("A-02", 20), ("B-01", 30)):
        add_bin(admin, code, zone="A", aisle=code[:1], pick_sequence=seq)
    return actors


def on_hand(location_code: str, status: str = "saleable") -> int:
    from core.models import Location, StockBalance

    loc = Location.get(Location.code == location_code)
    return sum(b.quantity for b in StockBalance.select().where(
        (StockBalance.location == loc) & (StockBalance.status == status)))



@pytest.fixture
def supplier(warehouse):
    """Acme Pharma, an authorized supplier (FDA-registered manufacturer)."""
    office = warehouse[Role.OFFICE]
    pid = add_partner(office, "Acme Pharma Inc.", "supplier", "manufacturer", gln=SUPPLIER_GLN)
    add_evidence(office, pid, "fda_registration", "FEI-3001234567", expiry="2030-12-31")
    return pid


def serials(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:04d}" for i in range(n)]


@pytest.fixture
def stock(warehouse):
    """Atorvastatin: 5 expiring in 100 days (A-01), 5 in 400 days (A-02), 2 expired
    (B-01), 3 quarantined."""
    today = date.today()
    admin = warehouse[Role.ADMIN]
    add_opening_stock(admin, GTIN, "SOON", today + timedelta(days=100), "A-01",
                      serials=serials("S", 5))
    add_opening_stock(admin, GTIN, "LATE", today + timedelta(days=400), "A-02",
                      serials=serials("L", 5))
    add_opening_stock(admin, GTIN, "OLD", today - timedelta(days=3), "B-01",
                      serials=serials("O", 2))
    add_opening_stock(admin, GTIN, "HOLD", today + timedelta(days=300), "B-01",
                      serials=serials("Q", 3))
    quarantine_packages(admin, [(GTIN, s) for s in serials("Q", 3)], "label smudged")
    return warehouse


def customer(actors, name="Main Street Pharmacy", gln="0614141000029",
             license_expiry="2030-06-30", min_shelf_life_days=0) -> int:
    office = actors[Role.OFFICE]
    pid = add_partner(office, name, "customer", "dispenser", gln=gln, addresses=[
        Address(AddressKind.SHIP_TO, "12 Main Street", "Trenton", "NJ", "08608",
                is_default=True)])
    add_evidence(office, pid, "state_license", "NJ-RX-1", state="NJ", expiry=license_expiry)
    Partner.update(min_shelf_life_days=min_shelf_life_days).where(Partner.id == pid).execute()
    return pid
