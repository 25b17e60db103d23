"""What the shipping documents print about a shipment: the carton labels (ship from, ship
to, order, customer PO, carton n of N, package count, SSCC) and the packing slip's lines
(product, NDC, lot, expiry, quantity and the cartons each lot is in).

Read in a fixed handful of queries whatever the shipment's size: one for the header, one
aggregate for the cartons, one aggregate for the packed lines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from peewee import fn

from core.errors import InvalidInput, NotFound
from core.models import (Carton, Container, Lot, Partner, PartnerAddress, Product, SalesOrder,
                         SalesOrderLine, Shipment, ShipmentItem)
from core.queries.company import CompanyProfile, company_profile
from core.queries.picking import Address, address_of
from core.queries.sales import ndc_text
from core.vocab import ShipmentStatus


def sscc_text(sscc: str, prefix_length: int) -> str:
    """The human-readable line under an SSCC barcode, split as GS1 labels print it:
    "(00) 0 0614141 000000001 8" (extension, company prefix, serial reference, check)."""
    cut = 1 + prefix_length
    return f"(00) {sscc[0]} {sscc[1:cut]} {sscc[cut:17]} {sscc[17]}"


@dataclass(frozen=True)
class CartonRow:
    seq: int
    sscc: str
    sscc_text: str  # "(00) 0 0614141 000000001 8"
    packages: int  # saleable units in the carton (serialized or not)


@dataclass(frozen=True)
class ShipmentDocs:
    """A shipment's header as every shipping document prints it."""

    shipment_id: int
    number: str  # SH-000123
    status: ShipmentStatus
    created_at: datetime
    shipped_at: datetime | None
    order_id: int
    order_number: str
    customer_po: str
    customer: str
    customer_gln: str
    ship_to: Address
    ship_from: CompanyProfile
    cartons: list[CartonRow]

    @property
    def packages(self) -> int:
        return sum(c.packages for c in self.cartons)


@dataclass(frozen=True)
class PackedLine:
    """Units of one lot packed for one order line, and the cartons they are in."""

    line_no: int
    product: str
    ndc: str
    gtin: str
    strength: str
    dosage_form: str
    package_description: str
    lot: str
    expiry: date
    quantity: int
    cartons: tuple[int, ...]  # carton numbers (seq)


@dataclass(frozen=True)
class OrderedLine:
    line_no: int
    product: str
    ordered: int
    in_shipment: int

    @property
    def backordered(self) -> int:
        return max(self.ordered - self.in_shipment, 0)


def find_shipment(text: str) -> int:
    """A shipment id from what a person typed: 12 or SH-000012."""
    return find_numbered(text, "SH-", Shipment, "shipment")


def find_order(text: str) -> int:
    """A sales order id from what a person typed: 7 or SO-000007."""
    return find_numbered(text, "SO-", SalesOrder, "sales order")


def find_numbered(text: str, prefix: str, model, what: str) -> int:
    """The id of a numbered record (shipment, order, invoice) from its id or its number;
    anything else is refused with an example of both."""
    value = (text or "").strip().upper()
    if value.isdigit():
        return int(value)
    if value.startswith(prefix):
        row = model.get_or_none(model.number == value)
        if row is None:
            raise NotFound(what, value)
        return row.id
    raise InvalidInput(what.replace(" ", "_"), f"'{text}' is not a {what}: give its number "
                       f"({prefix}000012) or its id (12).")


def shipment_docs(shipment_id: int) -> ShipmentDocs:
    shipment = (Shipment.select(Shipment, SalesOrder, Partner, PartnerAddress)
                .join(SalesOrder).join(Partner).switch(SalesOrder).join(PartnerAddress)
                .where(Shipment.id == shipment_id).first())
    if shipment is None:
        raise NotFound("shipment", shipment_id)
    company = company_profile()
    if company is None:
        raise NotFound("company profile", 1)
    packed = (ShipmentItem.select(fn.COALESCE(fn.SUM(ShipmentItem.quantity), 0))
              .where(ShipmentItem.carton == Carton.id))
    cartons = [CartonRow(seq, sscc, sscc_text(sscc, company.gs1_prefix_length), units)
               for seq, sscc, units in (
                   Carton.select(Carton.seq, Container.sscc, packed.alias("units"))
                   .join(Container).where(Carton.shipment == shipment_id)
                   .order_by(Carton.seq).tuples())]
    order = shipment.order
    return ShipmentDocs(
        shipment.id, shipment.number, ShipmentStatus(shipment.status), shipment.created_at,
        shipment.shipped_at, order.id, order.number, order.customer_po, order.customer.name,
        order.customer.gln or "", address_of(order.ship_to, order.customer.name), company,
        cartons)


def packed_lines(shipment_id: int) -> list[PackedLine]:
    """What is in the shipment per order line and lot, in line order then expiry."""
    rows = (ShipmentItem.select(SalesOrderLine.line_no, Product, Lot.lot_number, Lot.expiry,
                                Carton.seq, fn.SUM(ShipmentItem.quantity).alias("units"))
            .join(SalesOrderLine).join(Product).switch(ShipmentItem).join(Lot)
            .switch(ShipmentItem).join(Carton)
            .where(ShipmentItem.shipment == shipment_id)
            .group_by(SalesOrderLine.line_no, Product.id, Lot.lot_number, Lot.expiry,
                      Carton.seq)
            .order_by(SalesOrderLine.line_no, Lot.expiry, Lot.lot_number, Carton.seq)
            .objects())
    merged: dict[tuple[int, str], list] = {}
    cartons: dict[tuple[int, str], list[int]] = defaultdict(list)
    for r in rows:
        key = (r.line_no, r.lot_number)
        if key not in merged:
            merged[key] = [r, 0]
        merged[key][1] += r.units
        cartons[key].append(r.seq)
    return [PackedLine(r.line_no, r.name, ndc_text(r), r.gtin, r.strength, r.dosage_form,
                       r.package_description, r.lot_number, r.expiry, units,
                       tuple(cartons[key]))
            for key, (r, units) in merged.items()]


def ordered_lines(order_id: int, shipment_id: int) -> list[OrderedLine]:
    """Each order line against what this shipment holds of it (a shipment is the only
    one of its order: what it does not hold is backordered on a new order)."""
    in_shipment = (ShipmentItem.select(fn.COALESCE(fn.SUM(ShipmentItem.quantity), 0))
                   .where((ShipmentItem.line == SalesOrderLine.id)
                          & (ShipmentItem.shipment == shipment_id)))
    return [OrderedLine(line_no, name, ordered, units) for line_no, name, ordered, units in (
        SalesOrderLine.select(SalesOrderLine.line_no, Product.name, SalesOrderLine.quantity,
                              in_shipment.alias("units"))
        .join(Product).where(SalesOrderLine.order == order_id)
        .order_by(SalesOrderLine.line_no).tuples())]
