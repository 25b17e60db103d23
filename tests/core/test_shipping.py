"""Pack and ship: the pack station's scan rules, cartons with our SSCCs, and the ship
transaction that moves stock to the customer and writes the outbound DSCSA record."""

from datetime import date, timedelta

import pytest

from core import gs1
from core.errors import InvalidInput, PermissionDenied
from core.models import (Allocation, Company, DscsaLine, DscsaPackage, DscsaTransaction,
                         Package, Partner, SalesOrder, SalesOrderLine, Shipment, StockMove)
from core.permissions import Role
from core.queries.atp import PartnerNotAuthorized
from core.queries.sales import order_detail
from core.services import sales, shipping
from core.services.sales import SoLineInput
from core.services.shipping import PackRefused
from core.services.stock import add_opening_stock
from core.vocab import PackageStatus, ShipmentStatus, SoStatus
from tests.core.conftest import BULK_GTIN, GTIN, customer, on_hand

GS = "\x1d"
TODAY = date.today()


def scan(serial: str, lot: str, expiry: date, gtin: str = GTIN) -> str:
    return f"01{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def soon(i: int) -> str:
    return scan(f"S{i:04d}", "SOON", TODAY + timedelta(days=100))


def late(i: int) -> str:
    return scan(f"L{i:04d}", "LATE", TODAY + timedelta(days=400))


@pytest.fixture
def order(stock):
    """Seven units for Main Street Pharmacy: allocated SOON x5 (A-01), LATE x2 (A-02)."""
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 7)],
                                  customer_po="MS-881")
    sales.confirm_order(office, order_id)
    return order_id


def test_scanned_order_ships_with_its_dscsa_record(stock, order):
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.start_packing(lead, order)
    assert SalesOrder.get_by_id(order).status == SoStatus.PICKING.value
    for i in range(5):
        result = shipping.pack_scan(lead, shipment_id, soon(i))
    assert result.remaining == 2 and result.order_status is SoStatus.PICKING
    shipping.pack_scan(lead, shipment_id, late(0))
    result = shipping.pack_scan(lead, shipment_id, late(1))
    assert (result.remaining, result.order_status) == (0, SoStatus.PACKED)
    assert on_hand("PACK", "allocated") == 7
    assert Allocation.select().count() == 0

    shipped = shipping.ship(lead, shipment_id)
    assert (shipped.packages, shipped.units, shipped.backorder_id) == (7, 7, None)
    company = Company.get_by_id(1)
    assert len(shipped.cartons) == 1
    sscc = shipped.cartons[0]
    assert gs1.validate_sscc(sscc) == sscc
    assert sscc[1:1 + company.gs1_prefix_length] == company.gln[:company.gs1_prefix_length]
    assert on_hand("PACK", "allocated") == 0
    assert {p.status for p in Package.select().where(Package.serial.startswith("S"))} == {
        PackageStatus.SHIPPED.value}
    assert SalesOrder.get_by_id(order).status == SoStatus.SHIPPED.value
    assert SalesOrderLine.get(SalesOrderLine.order == order).shipped_quantity == 7
    assert Shipment.get_by_id(shipment_id).status == ShipmentStatus.SHIPPED.value

    txn = DscsaTransaction.get(DscsaTransaction.shipment == shipment_id)
    assert (txn.direction, txn.seller_name, txn.buyer_name, txn.statement_affirmed) == (
        "out", company.legal_name, "Main Street Pharmacy", True)
    assert "12 Main Street, Trenton, NJ, 08608" in txn.buyer_address
    lines = {line.lot.lot_number: line for line in txn.lines}
    assert {k: v.quantity for k, v in lines.items()} == {"SOON": 5, "LATE": 2}
    assert lines["SOON"].ndc == "12345-678-90"
    assert sorted(p.package.serial for p in DscsaPackage.select().where(
        DscsaPackage.line == lines["LATE"])) == ["L0000", "L0001"]
    moves = StockMove.select().where(StockMove.document == f"shipment:{shipment_id}")
    assert {m.reason for m in moves} == {"allocation", "shipment"}


def test_every_scan_refusal_says_why_and_packs_nothing(stock, order):
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.start_packing(lead, order)
    shipping.pack_scan(lead, shipment_id, soon(0))

    def refused(raw: str) -> str:
        before = on_hand("PACK", "allocated")
        with pytest.raises(PackRefused) as caught:
            shipping.pack_scan(lead, shipment_id, raw)
        assert on_hand("PACK", "allocated") == before
        return caught.value.cause

    assert refused(soon(0)) == "already_packed"
    assert refused(scan("Q0000", "HOLD", TODAY + timedelta(days=300))) == "quarantined"
    assert refused(scan("O0000", "OLD", TODAY - timedelta(days=3))) == "expired"
    assert refused(scan("X9999", "SOON", TODAY + timedelta(days=100))) == "unknown_package"
    assert refused(scan("S0001", "OTHER", TODAY + timedelta(days=100))) == "lot_mismatch"
    with pytest.raises(InvalidInput, match="check digit"):
        shipping.pack_scan(lead, shipment_id, "0100312345678907")


def test_a_product_not_on_the_order_and_too_many_units_are_refused(stock, order):
    lead, admin = stock[Role.WAREHOUSE], stock[Role.ADMIN]
    add_opening_stock(admin, BULK_GTIN, "B1", TODAY + timedelta(days=200), "B-01", quantity=9)
    shipment_id = shipping.start_packing(lead, order)
    with pytest.raises(PackRefused, match="not on SO-") as caught:
        shipping.pack_scan(lead, shipment_id, f"01{BULK_GTIN}10B1")
    assert caught.value.cause == "not_on_order"
    for i in range(5):
        shipping.pack_scan(lead, shipment_id, soon(i))
    for i in range(2):
        shipping.pack_scan(lead, shipment_id, late(i))
    with pytest.raises(PackRefused, match="more than the 7 ordered") as caught:
        shipping.pack_scan(lead, shipment_id, late(2))
    assert caught.value.cause == "quantity_exceeded"


def test_an_unreserved_lot_may_stand_in_for_the_allocated_one(stock):
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 5)])
    sales.confirm_order(office, order_id)  # all five from lot SOON
    shipment_id = shipping.start_packing(lead, order_id)
    # A LATE package is free stock this customer may have: it stands in for one SOON,
    # and the order's SOON hold shrinks so the order never holds more than it needs.
    result = shipping.pack_scan(lead, shipment_id, late(4))
    assert result.substitutes == 1 and result.remaining == 4
    assert {a.lot.lot_number: a.quantity for a in Allocation.select()} == {"SOON": 4}


def test_a_reserved_lot_cannot_be_taken_by_another_order(stock, order):
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    other = sales.create_order(office, customer(stock, "Elm Pharmacy", "0614141000036"),
                               [SoLineInput(GTIN, 3)])
    sales.confirm_order(office, other)  # takes the remaining 3 LATE
    shipment_id = shipping.start_packing(lead, other)
    with pytest.raises(PackRefused, match="reserved for other orders") as caught:
        shipping.pack_scan(lead, shipment_id, soon(0))
    assert caught.value.cause == "reserved_elsewhere"
    assert "lot LATE from A-02" in str(caught.value)


def test_short_dated_substitute_is_refused_for_a_fussy_customer(stock):
    office, lead, admin = stock[Role.OFFICE], stock[Role.WAREHOUSE], stock[Role.ADMIN]
    add_opening_stock(admin, GTIN, "MID", TODAY + timedelta(days=150), "B-01",
                      serials=["M0001"])
    pid = customer(stock, min_shelf_life_days=180)
    order_id = sales.create_order(office, pid, [SoLineInput(GTIN, 2)])
    sales.confirm_order(office, order_id)
    shipment_id = shipping.start_packing(lead, order_id)
    with pytest.raises(PackRefused, match="180 days of shelf life") as caught:
        shipping.pack_scan(lead, shipment_id,
                           scan("M0001", "MID", TODAY + timedelta(days=150)))
    assert caught.value.cause == "short_dated"


def test_removing_a_packed_package_needs_permission_and_puts_it_back(stock, order):
    lead, office = stock[Role.WAREHOUSE], stock[Role.OFFICE]
    shipment_id = shipping.start_packing(lead, order)
    shipping.pack_scan(lead, shipment_id, soon(0))
    with pytest.raises(PermissionDenied):
        shipping.remove_packed(office, shipment_id, soon(0), "dented")
    with pytest.raises(PermissionDenied):
        shipping.remove_packed(lead, shipment_id, soon(0), "dented")
    admin = stock[Role.ADMIN]
    with pytest.raises(InvalidInput, match="why"):
        shipping.remove_packed(admin, shipment_id, soon(0), " ")
    shipping.remove_packed(admin, shipment_id, soon(0), "dented box")
    package = Package.get(Package.serial == "S0000")
    assert (package.status, package.location.code) == ("saleable", "A-01")
    assert Allocation.get(Allocation.lot == package.lot_id).quantity == 5
    assert on_hand("PACK", "allocated") == 0


def test_partial_shipment_leaves_a_backorder(stock, order):
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.start_packing(lead, order)
    for i in range(3):
        shipping.pack_scan(lead, shipment_id, soon(i))
    result = shipping.ship(lead, shipment_id)
    assert result.units == 3 and result.backorder_id
    back = order_detail(result.backorder_id)
    assert back.order.status is SoStatus.ALLOCATED
    assert back.lines[0].quantity == 4
    assert sum(a.quantity for a in back.lines[0].allocations) == 4
    assert SalesOrder.get_by_id(result.backorder_id).backorder_of_id == order


def test_a_case_sscc_packs_every_package_in_it(stock, supplier):
    from core.models import Container
    from core.models.base import utc_now
    lead, office = stock[Role.WAREHOUSE], stock[Role.OFFICE]
    case = Container.create(sscc=gs1.make_sscc("0312345", 77), created_at=utc_now())
    Package.update(container=case).where(Package.serial.in_(["L0000", "L0001"])).execute()
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 2)])
    sales.confirm_order(office, order_id)  # allocates SOON x2
    shipment_id = shipping.start_packing(lead, order_id)
    result = shipping.pack_scan(lead, shipment_id, f"00{case.sscc}")
    assert sorted(u.serial for u in result.units) == ["L0000", "L0001"]
    assert result.substitutes == 2 and result.remaining == 0


def test_ship_rechecks_the_customer_and_refuses_an_empty_shipment(stock, order):
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.start_packing(lead, order)
    with pytest.raises(PackRefused, match="empty"):
        shipping.ship(lead, shipment_id)
    shipping.pack_scan(lead, shipment_id, soon(0))
    customer_id = SalesOrder.get_by_id(order).customer_id
    Partner.update(active=False).where(Partner.id == customer_id).execute()
    with pytest.raises(PartnerNotAuthorized):
        shipping.ship(lead, shipment_id)
    assert Shipment.get_by_id(shipment_id).status == "packing"
    assert DscsaTransaction.select().count() == 0


def test_auto_pack_ships_the_fefo_allocation_in_cartons(stock, order):
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.auto_pack(lead, order, per_carton=3)
    result = shipping.ship(lead, shipment_id)
    assert (result.packages, len(result.cartons)) == (7, 3)
    lots = {line.lot.lot_number: line.quantity for line in
            DscsaLine.select().join(DscsaTransaction)
            .where(DscsaTransaction.shipment == shipment_id)}
    assert lots == {"SOON": 5, "LATE": 2}
    assert len(set(result.cartons)) == 3


def test_cancelling_a_picking_order_with_packed_units_is_refused(stock, order):
    lead, office = stock[Role.WAREHOUSE], stock[Role.OFFICE]
    shipment_id = shipping.start_packing(lead, order)
    shipping.pack_scan(lead, shipment_id, soon(0))
    with pytest.raises(sales.InvalidTransition, match="packed packages"):
        sales.cancel_order(office, order, "customer changed mind")
    shipping.remove_packed(stock[Role.ADMIN], shipment_id, soon(0), "order cancelled")
    sales.cancel_order(office, order, "customer changed mind")
    assert Shipment.get_by_id(shipment_id).status == ShipmentStatus.CANCELLED.value
    assert Allocation.select().count() == 0


def test_auto_pack_mixed_order_fills_every_carton_and_states_the_ts(stock):
    office, lead, admin = stock[Role.OFFICE], stock[Role.WAREHOUSE], stock[Role.ADMIN]
    add_opening_stock(admin, BULK_GTIN, "B1", TODAY + timedelta(days=200), "B-01", quantity=12)
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 7),
                                                            SoLineInput(BULK_GTIN, 12)])
    sales.confirm_order(office, order_id)
    shipment_id = shipping.auto_pack(lead, order_id, per_carton=10)
    counts = [sum(i.quantity for i in carton.items)
              for carton in Shipment.get_by_id(shipment_id).cartons]
    assert counts == [7, 12] and all(counts)
    shipped = shipping.ship(lead, shipment_id)
    assert shipped.units == 19 and shipped.packages == 7
    txn = DscsaTransaction.get(DscsaTransaction.shipment == shipment_id)
    assert "581(27)" in txn.legal_notice


def test_ship_allocation_moves_each_package_once_from_bin_to_customer(stock, order):
    lead = stock[Role.WAREHOUSE]
    result = shipping.ship_allocation(lead, order, per_carton=4)
    assert (result.packages, len(result.cartons), result.backorder_id) == (7, 2, None)
    moves = list(StockMove.select().where(StockMove.document == f"shipment:{result.shipment_id}"))
    assert len(moves) == 7 and {m.reason for m in moves} == {"shipment"}
    assert {m.from_location.code for m in moves} == {"A-01", "A-02"}
    assert on_hand("A-01") == 0 and on_hand("PACK", "allocated") == 0
    assert SalesOrder.get_by_id(order).status == SoStatus.SHIPPED.value


def test_ship_allocation_leaves_an_order_being_packed_to_the_station(stock, order):
    lead = stock[Role.WAREHOUSE]
    shipping.pack_scan(lead, shipping.start_packing(lead, order), soon(0))
    with pytest.raises(sales.InvalidTransition, match="being packed at the pack station"):
        shipping.ship_allocation(lead, order)
