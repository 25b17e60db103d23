"""Inventory as the screens and the command line read it."""

from datetime import date

import pytest

from core.errors import InvalidInput
from core.permissions import Role
from core.queries import inventory, locations, lookup, partners, products
from core.queries.inventory import InventoryFilter
from core.scanning import ScanError, parse_scan
from core.services import stock
from tests.core.conftest import BULK_GTIN, GTIN

TODAY = date(2026, 11, 28)
CASE = "106141411234567897"


@pytest.fixture
def stocked(warehouse):
    admin = warehouse[Role.ADMIN]
    stock.add_opening_stock(admin, GTIN, "OLD1", date(2026, 12, 31), "A-01", serials=["O1", "O2"])
    stock.add_opening_stock(admin, GTIN, "NEW1", date(2028, 6, 30), "A-02",
                            serials=["N1", "N2", "N3"], case_sscc=CASE)
    stock.add_opening_stock(admin, GTIN, "EXP1", date(2026, 10, 31), "B-01", serials=["E1"])
    stock.add_opening_stock(admin, BULK_GTIN, "W1", date(2029, 1, 31), "A-01", quantity=25)
    stock.quarantine_packages(admin, [(GTIN, "N3")], "dented carton")
    return warehouse


def test_product_summary_splits_saleable_and_held(stocked):
    rows = inventory.product_stock(InventoryFilter(today=TODAY))
    assert [(r.name[:11], r.saleable, r.held, r.total, r.lots) for r in rows] == [
        ("Atorvastati", 5, 1, 6, 3), ("Sterile wat", 25, 0, 25, 1)]
    assert rows[0].ndc == "12345-678-90" and rows[0].nearest_expiry == date(2026, 10, 31)
    assert inventory.count_product_stock(InventoryFilter(today=TODAY)) == 2


@pytest.mark.parametrize("flt, names", [
    (InventoryFilter(text="sterile", today=TODAY), ["Sterile water 10 mL vial"]),
    (InventoryFilter(text="12345-111", today=TODAY), ["Sterile water 10 mL vial"]),
    (InventoryFilter(text="N2", today=TODAY), ["Atorvastatin 20 mg tablets, 90 count"]),
    (InventoryFilter(text="W1", today=TODAY), ["Sterile water 10 mL vial"]),
    (InventoryFilter(expired_only=True, today=TODAY), ["Atorvastatin 20 mg tablets, 90 count"]),
    (InventoryFilter(statuses=("quarantined",), today=TODAY),
     ["Atorvastatin 20 mg tablets, 90 count"]),
])
def test_filters(stocked, flt, names):
    assert [r.name for r in inventory.product_stock(flt)] == names


def test_expiring_within_counts_only_matching_lots(stocked):
    row, = inventory.product_stock(InventoryFilter(expiring_within_days=90, today=TODAY))
    assert (row.total, row.lots) == (3, 2)  # OLD1 (2) + expired EXP1 (1)


def test_drill_down_to_lots_and_packages(stocked):
    product = products.product_by_gtin(GTIN)
    lots = inventory.lot_stock(product.id)
    assert [(lot.lot_number, lot.location, lot.status, lot.quantity) for lot in lots] == [
        ("EXP1", "B-01", "saleable", 1), ("OLD1", "A-01", "saleable", 2),
        ("NEW1", "A-02", "saleable", 2), ("NEW1", "QUARANTINE", "quarantined", 1)]
    new1 = lots[2].lot_id
    assert [(p.serial, p.status, p.location, p.case_sscc)
            for p in inventory.package_stock(new1)] == [
        ("N1", "saleable", "A-02", CASE), ("N2", "saleable", "A-02", CASE),
        ("N3", "quarantined", "QUARANTINE", CASE)]
    assert inventory.count_packages(new1) == 3


def test_the_status_filter_reaches_the_packages(stocked):
    stock.quarantine_packages(stocked[Role.ADMIN], [(GTIN, "O2")], "label torn")
    product = products.product_by_gtin(GTIN)
    old1 = next(lot for lot in inventory.lot_stock(product.id) if lot.lot_number == "OLD1")
    held = ("quarantined",)
    assert [p.serial for p in inventory.package_stock(old1.lot_id, statuses=held)] == ["O2"]
    assert [p.serial for p in inventory.package_stock(old1.lot_id, statuses=("saleable",))
            ] == ["O1"]
    assert inventory.count_packages(old1.lot_id, statuses=held) == 1
    assert inventory.count_packages(old1.lot_id, old1.location_id, held) == 0  # moved out
    assert [p.serial for p in inventory.package_stock(old1.lot_id, None, 1, 1)] == ["O2"]


def test_lots_of_a_product_come_a_page_at_a_time(stocked):
    product = products.product_by_gtin(GTIN)
    every = inventory.lot_stock(product.id)
    pages = [inventory.lot_stock(product.id, InventoryFilter(), offset, 2)
             for offset in (0, 2, 4)]
    assert [len(page) for page in pages] == [2, 2, 0]
    assert pages[0] + pages[1] == every
    assert inventory.count_lot_stock(product.id) == 4
    held = InventoryFilter(statuses=("quarantined",))
    assert [lot.lot_number for lot in inventory.lot_stock(product.id, held)] == ["NEW1"]
    assert inventory.count_lot_stock(product.id, held) == 1


def test_on_hand_rows_for_export(stocked):
    rows = inventory.on_hand_rows()
    assert sum(r.quantity for r in rows) == 31
    assert ("W1", "A-01", "saleable", 25) in {(r.lot, r.location, r.status, r.quantity) for r in rows}


def test_scan_lookup_finds_the_package(stocked):
    match = lookup.lookup_scan(parse_scan(f"]d201{GTIN}21N2\x1d17280630\x1d10NEW1"))
    assert (match.ndc, match.package_status, match.location) == ("12345-678-90", "saleable", "A-02")
    with pytest.raises(ScanError, match="not in the product master") as exc:
        lookup.lookup_scan(parse_scan("0100312345999995"))
    assert exc.value.cause == "unknown_gtin"


def test_lists_for_screens(stocked):
    assert products.count_products("atorva") == 1
    assert [p.ndc for p in products.search_products("12345")] == ["12345-678-90", "12345-111-11"]
    codes = [loc.code for loc in locations.list_locations()]
    assert codes[:3] == ["A-01", "A-02", "B-01"] and "QUARANTINE" in codes
    assert partners.count_partners() == 0


def test_a_case_is_recorded_once_and_scans_to_its_container(stocked):
    admin = stocked[Role.ADMIN]
    with pytest.raises(InvalidInput, match="already holds packages"):
        stock.add_opening_stock(admin, GTIN, "NEW1", date(2028, 6, 30), "A-02",
                                serials=["N9"], case_sscc=CASE)
    with pytest.raises(InvalidInput, match="check digit"):
        stock.add_opening_stock(admin, GTIN, "NEW1", date(2028, 6, 30), "A-02",
                                serials=["N9"], case_sscc="106141411234567890")
    match = lookup.lookup_scan(parse_scan(f"00{CASE}"))
    assert match.container_id is not None
