"""What customers have sent back, as invoicing and screens read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from peewee import JOIN, fn

from core.models import (CreditMemo, CustomerReturn, CustomerReturnLine, Location, Lot,
                         Package, Partner, Product, Shipment, ShipmentItem)
from core.vocab import ReturnDisposition

RECENT = 200


def returned_quantities(shipment_id: int) -> dict[int, int]:
    """Units of each order line of a shipment that the customer has sent back."""
    return dict(CustomerReturnLine
                .select(ShipmentItem.line, fn.COUNT(CustomerReturnLine.id))
                .join(CustomerReturn)
                .switch(CustomerReturnLine)
                .join(ShipmentItem, on=(ShipmentItem.package == CustomerReturnLine.package))
                .where((CustomerReturn.shipment == shipment_id)
                       & (ShipmentItem.shipment == shipment_id))
                .group_by(ShipmentItem.line).tuples())


@dataclass(frozen=True)
class ReturnCustomer:
    """A customer a return can be taken from."""

    id: int
    name: str
    gln: str


def return_customers() -> list[ReturnCustomer]:
    """Active customers by name (a small distributor has a few hundred)."""
    return [ReturnCustomer(pid, name, gln or "") for pid, name, gln in
            Partner.select(Partner.id, Partner.name, Partner.gln)
            .where(Partner.is_customer & Partner.active)
            .order_by(Partner.name, Partner.id).tuples()]


@dataclass(frozen=True)
class ReturnRow:
    id: int
    number: str
    customer: str
    shipment: str
    packages: int
    disposition: ReturnDisposition
    reason: str
    credit_memo: str | None  # None: the shipment was not invoiced yet
    credit: Decimal | None
    received_at: datetime
    received_by: str


def recent_returns(limit: int = RECENT) -> list[ReturnRow]:
    """The newest returns first, with what each credited; two queries."""
    returns = list(CustomerReturn
                   .select(CustomerReturn.id, CustomerReturn.number, Partner.name,
                           Shipment.number, CustomerReturn.reason, CreditMemo.number,
                           CreditMemo.amount, CustomerReturn.received_at,
                           CustomerReturn.received_by)
                   .join(Partner).switch(CustomerReturn).join(Shipment)
                   .switch(CustomerReturn).join(CreditMemo, JOIN.LEFT_OUTER)
                   .order_by(CustomerReturn.received_at.desc(), CustomerReturn.id.desc())
                   .limit(limit).tuples())
    lines: dict[int, tuple[int, str]] = {
        rid: (n, disposition) for rid, n, disposition in
        CustomerReturnLine.select(CustomerReturnLine.customer_return,
                                  fn.COUNT(CustomerReturnLine.id),
                                  fn.MAX(CustomerReturnLine.disposition))
        .where(CustomerReturnLine.customer_return.in_([r[0] for r in returns]))
        .group_by(CustomerReturnLine.customer_return).tuples()} if returns else {}
    return [ReturnRow(rid, number, customer, shipment, lines[rid][0],
                      ReturnDisposition(lines[rid][1]), reason, memo, credit, at, by)
            for rid, number, customer, shipment, reason, memo, credit, at, by in returns]


@dataclass(frozen=True)
class ReturnLineRow:
    product: str
    gtin: str
    serial: str
    lot: str
    expiry: date
    to_location: str
    disposition: ReturnDisposition
    unit_price: Decimal


def return_lines(return_id: int) -> list[ReturnLineRow]:
    """One return's packages: what came back and where each went."""
    return [ReturnLineRow(product, gtin, serial, lot, expiry, location,
                          ReturnDisposition(disposition), price)
            for product, gtin, serial, lot, expiry, location, disposition, price in
            CustomerReturnLine
            .select(Product.name, Product.gtin, Package.serial, Lot.lot_number, Lot.expiry,
                    Location.code, CustomerReturnLine.disposition,
                    CustomerReturnLine.unit_price)
            .join(Product).switch(CustomerReturnLine).join(Package)
            .switch(CustomerReturnLine).join(Lot)
            .switch(CustomerReturnLine)
            .join(Location, on=(CustomerReturnLine.to_location == Location.id))
            .where(CustomerReturnLine.customer_return == return_id)
            .order_by(Product.name, Package.serial).tuples()]
