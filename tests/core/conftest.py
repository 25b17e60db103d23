"""Shared set-up for core tests: a small warehouse with two products and three bins."""

import pytest

from core.permissions import Role
from core.services.locations import add_bin
from core.services.partners import add_evidence, add_partner
from core.services.products import add_product

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
