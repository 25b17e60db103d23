"""Sales orders: priced once, confirmed only for authorized customers, allocated FEFO by
lot without ever touching stock that may not be sold to this customer."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.models import Allocation, SalesOrder
from core.permissions import Role
from core.queries.atp import PartnerNotAuthorized
from core.queries.sales import availability, order_detail
from core.services import sales
from core.services.partners import add_partner
from core.services.sales import InvalidTransition, SoLineInput
from core.vocab import SoStatus
from tests.core.conftest import GTIN, customer

TODAY = date.today()


def test_fefo_takes_the_earliest_sellable_expiry_first(stock):
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 7)])
    result = sales.confirm_order(office, order_id)
    assert result.short == []
    detail = order_detail(order_id)
    assert detail.order.status is SoStatus.ALLOCATED
    line = detail.lines[0]
    assert [(a.lot_number, a.location, a.quantity) for a in line.allocations] == [
        ("SOON", "A-01", 5), ("LATE", "A-02", 2)]
    assert (line.unit_price, line.price_source, line.backordered) == (
        Decimal("41.50"), "list", 0)


def test_customer_shelf_life_minimum_leaves_a_backorder_and_says_why(stock):
    office = stock[Role.OFFICE]
    pid = customer(stock, min_shelf_life_days=180)
    order_id = sales.create_order(office, pid, [SoLineInput(GTIN, 7)])
    result = sales.confirm_order(office, order_id)
    assert result.short == [(1, "Atorvastatin 20 mg tablets, 90 count", 2)]
    line = order_detail(order_id).lines[0]
    assert [(a.lot_number, a.quantity) for a in line.allocations] == [("LATE", 5)]
    assert line.backordered == 2
    why = availability(line.product_id, 180)
    assert (why.on_hand, why.allocatable) == (15, 0)
    assert dict(why.blocked) == {
        "expires before the 180-day shelf-life minimum": 5, "allocated to other orders": 5,
        "quarantined": 3, "expired": 2}


def test_a_customer_with_an_expired_license_is_refused_with_the_reason(stock):
    office = stock[Role.OFFICE]
    pid = customer(stock, license_expiry="2026-10-31")
    order_id = sales.create_order(office, pid, [SoLineInput(GTIN, 1)])
    with pytest.raises(PartnerNotAuthorized, match="NJ license NJ-RX-1 expired 2026-10-31"):
        sales.confirm_order(office, order_id)
    assert SalesOrder.get_by_id(order_id).status == "draft"
    assert not Allocation.select().exists()


def test_prices_customer_contract_and_override_permission(stock):
    office, owner = stock[Role.OFFICE], stock[Role.OWNER]
    pid = customer(stock)
    sales.set_customer_price(owner, pid, GTIN, "39.00")
    order_id = sales.create_order(office, pid, [SoLineInput(GTIN, 1)])
    assert order_detail(order_id).lines[0].price_source == "customer"
    with pytest.raises(InvalidInput, match="only a user allowed to override"):
        sales.create_order(office, pid, [SoLineInput(GTIN, 1, "35.00")])
    order_id = sales.create_order(owner, pid, [SoLineInput(GTIN, 1, "35.00")])
    line = order_detail(order_id).lines[0]
    assert (line.unit_price, line.price_source) == (Decimal("35.00"), "override")
    with pytest.raises(PermissionDenied):
        sales.set_customer_price(office, pid, GTIN, "1.00")


def test_cancel_releases_stock_for_the_next_order(stock):
    office = stock[Role.OFFICE]
    pid = customer(stock)
    first = sales.create_order(office, pid, [SoLineInput(GTIN, 10)])
    sales.confirm_order(office, first)
    second = sales.create_order(office, pid, [SoLineInput(GTIN, 4)])
    assert sales.confirm_order(office, second).short == [
        (1, "Atorvastatin 20 mg tablets, 90 count", 4)]
    assert order_detail(second).order.status is SoStatus.CONFIRMED
    with pytest.raises(InvalidInput, match="Say why"):
        sales.cancel_order(office, first, " ")
    sales.cancel_order(office, first, "customer changed their mind")
    assert order_detail(first).order.status is SoStatus.CANCELLED
    assert sales.allocate_order(office, second).short == []
    assert order_detail(second).lines[0].allocated == 4
    with pytest.raises(InvalidTransition, match="cancelled"):
        sales.confirm_order(office, first)


def test_release_puts_an_allocated_order_back_to_confirmed(stock):
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 2)])
    sales.confirm_order(office, order_id)
    sales.release_allocation(office, order_id)
    detail = order_detail(order_id)
    assert (detail.order.status, detail.lines[0].allocated) == (SoStatus.CONFIRMED, 0)


def test_bad_input_writes_nothing(stock):
    office, clerk = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    pid = customer(stock)
    for lines, words in (([], "at least one line"), ([SoLineInput(GTIN, 0)], "above zero"),
                         ([SoLineInput("00312345678913", 1)], "no product has GTIN")):
        with pytest.raises(InvalidInput, match=words):
            sales.create_order(office, pid, lines)
    with pytest.raises(PermissionDenied):
        sales.create_order(clerk, pid, [SoLineInput(GTIN, 1)])
    supplier = add_partner(office, "Acme Pharma Inc.", "supplier", "manufacturer",
                           gln="0312345000004")
    with pytest.raises(InvalidInput, match="not set up as a customer"):
        sales.create_order(office, supplier, [SoLineInput(GTIN, 1)])
    assert not SalesOrder.select().exists()
