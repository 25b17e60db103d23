"""What the picker walks the warehouse with: an order's FEFO reservations (allocations)
bin by bin in pick-path order (Location.pick_sequence, then bin code), so one walk
through the aisles collects the whole order.

Only what is still reserved is listed: packing a package uses its reservation up, so a
pick list printed again after a partial pack shows what is left to pick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.errors import InvalidInput, NotFound
from core.models import (Allocation, Location, Lot, Partner, PartnerAddress, Product,
                         SalesOrder, SalesOrderLine)
from core.queries.sales import ndc_text
from core.vocab import Schedule, SoStatus, Storage


@dataclass(frozen=True)
class Address:
    """A ship-to (or any postal) address as documents print it."""

    name: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str
    gln: str


@dataclass(frozen=True)
class PickRow:
    bin: str
    pick_sequence: int
    line_no: int
    product: str
    ndc: str
    gtin: str
    strength: str
    dosage_form: str
    package_description: str
    schedule: Schedule
    storage: Storage
    serialized: bool
    lot: str
    expiry: date
    quantity: int


@dataclass(frozen=True)
class PickList:
    order_id: int
    number: str
    status: SoStatus
    customer: str
    customer_gln: str
    customer_phone: str
    customer_po: str
    ship_to: Address
    created_at: datetime
    note: str
    rows: list[PickRow]

    @property
    def units(self) -> int:
        return sum(row.quantity for row in self.rows)

    @property
    def bins(self) -> int:
        return len({row.bin for row in self.rows})


def address_of(row: PartnerAddress, fallback_name: str = "") -> Address:
    return Address(row.name or fallback_name, row.street, row.city, row.state,
                   row.postal_code, row.country, row.gln or "")


def pick_list(order_id: int) -> PickList:
    """The order's open reservations in pick-path order (two queries). An order with
    nothing reserved has nothing to pick: that is an error the office can act on."""
    order = (SalesOrder.select(SalesOrder, Partner, PartnerAddress).join(Partner)
             .switch(SalesOrder).join(PartnerAddress).where(SalesOrder.id == order_id).first())
    if order is None:
        raise NotFound("sales order", order_id)
    query = (Allocation.select(Allocation, SalesOrderLine, Product, Lot, Location)
             .join(SalesOrderLine).join(Product).switch(Allocation).join(Lot)
             .switch(Allocation).join(Location)
             .where((SalesOrderLine.order == order_id) & (Allocation.quantity > 0))
             .order_by(Location.pick_sequence, Location.code, Product.name, Lot.expiry,
                       Lot.lot_number))
    rows = [PickRow(
        a.location.code, a.location.pick_sequence, a.line.line_no, a.line.product.name,
        ndc_text(a.line.product), a.line.product.gtin, a.line.product.strength,
        a.line.product.dosage_form, a.line.product.package_description,
        Schedule(a.line.product.schedule), Storage(a.line.product.storage),
        a.line.product.serialized, a.lot.lot_number, a.lot.expiry, a.quantity)
        for a in query]
    if not rows:
        raise InvalidInput("order", f"Order {order.number} ({SoStatus(order.status).label}) "
                           "has no stock reserved, so there is nothing to pick; confirm it "
                           "or allocate stock to it first.")
    return PickList(order.id, order.number, SoStatus(order.status), order.customer.name,
                    order.customer.gln or "", order.customer.phone, order.customer_po,
                    address_of(order.ship_to, order.customer.name), order.created_at,
                    order.note, rows)
