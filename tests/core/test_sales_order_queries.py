"""What the Sales orders screen reads: the paged list with search and totals, the
customers a new order may be for, default prices, and an order's shipments."""

from __future__ import annotations

from decimal import Decimal

from core.models import Partner
from core.permissions import Role
from core.queries.sales import (availability, count_orders, default_prices, list_orders,
                                order_customers, order_detail, order_shipments)
from core.services import sales, shipping
from core.services.sales import SoLineInput
from core.vocab import ShipmentStatus, SoStatus
from tests.core.conftest import BULK_GTIN, GTIN, customer, stock, warehouse  # noqa: F401


def test_list_search_totals_and_count(stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock)
    other = customer(stock, "Oak Clinic Pharmacy", gln="0614141000036")
    first = sales.create_order(office, main, [SoLineInput(GTIN, 2), SoLineInput(BULK_GTIN, 3)],
                               customer_po="MS-881")
    sales.create_order(office, other, [SoLineInput(GTIN, 1)])
    rows = list_orders()
    assert [r.customer for r in rows] == ["Oak Clinic Pharmacy", "Main Street Pharmacy"]
    assert rows[1].line_count == 2 and rows[1].total == Decimal("83.00")  # 2 x 41.50 + 3 x 0
    assert [r.id for r in list_orders(text="ms-88")] == [first]
    assert [r.id for r in list_orders(text="main st")] == [first]
    assert count_orders(text="oak") == 1 and count_orders() == 2
    sales.confirm_order(office, first)
    assert [r.id for r in list_orders(SoStatus.ALLOCATED)] == [first]
    assert count_orders(SoStatus.DRAFT) == 1


def test_customers_prices_and_shipments(stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock, min_shelf_life_days=90)
    gone = customer(stock, "Closed Pharmacy", gln="0614141000043")
    Partner.update(active=False).where(Partner.id == gone).execute()
    (choice,) = order_customers()
    assert choice.name == "Main Street Pharmacy" and choice.min_shelf_life_days == 90
    assert choice.atp.authorized
    assert [a.is_default for a in choice.ship_tos] == [True]
    assert "Trenton" in choice.ship_tos[0].one_line()

    order_id = sales.create_order(office, main, [SoLineInput(GTIN, 3)])
    product_id = order_detail(order_id).lines[0].product_id
    assert default_prices(main, [product_id]) == {product_id: (Decimal("41.50"), "list")}
    sales.set_customer_price(stock[Role.OWNER], main, GTIN, "39.00")
    assert default_prices(main, [product_id]) == {product_id: (Decimal("39.00"), "customer")}

    assert order_shipments(order_id) == []
    sales.confirm_order(office, order_id)
    shipment_id = shipping.auto_pack(stock[Role.WAREHOUSE], order_id, per_carton=2)
    shipping.ship(stock[Role.WAREHOUSE], shipment_id)
    (shipment,) = order_shipments(order_id)
    assert shipment.id == shipment_id and shipment.status is ShipmentStatus.SHIPPED
    assert (shipment.cartons, shipment.units) == (2, 3) and shipment.shipped_at is not None


def test_availability_tells_this_orders_reservations_from_others(stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock)
    first = sales.create_order(office, main, [SoLineInput(GTIN, 4)])
    second = sales.create_order(office, main, [SoLineInput(GTIN, 9)])
    sales.confirm_order(office, first)
    sales.confirm_order(office, second)  # 6 of 9: backordered 3
    product_id = order_detail(second).lines[0].product_id
    found = availability(product_id, order_id=second)
    assert found.allocatable == 0
    assert dict(found.blocked) == {"reserved for this order": 6,
                                   "allocated to other orders": 4, "quarantined": 3,
                                   "expired": 2}
    assert dict(availability(product_id).blocked)["allocated to other orders"] == 10
