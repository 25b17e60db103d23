"""The EPCIS 1.2 file that goes to the customer with a shipment (GS1 US guideline shape).

Built from what was recorded when the shipment shipped, never from today's setup: the
outbound DSCSA transaction (seller and buyer as they were, TI per product and lot, the
package identifiers, the Transaction Statement) and the shipment's cartons. The same
shipment therefore always gives the same bytes (document and header times are the ship
time), and the SHA-256 in the audit entry identifies exactly what was sent.

What the document holds:

- SBDH: sender our GLN, receiver the customer's GLN, document id the shipment number.
- Master data: an EPCClass per product (NDC as FDA_NDC_11, name, dosage form, strength,
  container size as stored on the TI; manufacturer from the product) and a Location per
  party: us (ship-from), the customer (owning party) and, when the ship-to address has
  its own GLN, the ship-to location.
- The Transaction Statement (affirmed, with the legal notice).
- Commissioning ObjectEvents restating lot and expiry (ILMD) per product and lot. We do
  not keep the manufacturer's own commissioning events, but lot and expiry travel only
  in ILMD, and a receiver (RxDesk's importer included) needs them for every package: the
  event carries the earliest time we can vouch for (the lot's first move in our ledger)
  and no read point.
- A packing AggregationEvent per carton (our SSCC parent, its packages as children).
- The shipping ObjectEvent: carton SSCCs (and any loose packages), btt:po (the
  customer's PO, else our order number) and btt:desadv (our shipment number), source and
  destination owning party and location.

Company prefix lengths (EPC URIs need them): ours from the company profile (our carton
SSCCs use it too), the customer's and its ship-to GLN's from the partner, and for
products 2 + the NDC labeler code's length (DOMAIN.md section 3; the importer creates
products on the same rule, so a product's stored NDC segments carry it).

Non-serialized products have no package identifiers: they stay on the TI (and the
printed T3) and are left out of the file; the result says how many units that was.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO
from urllib.parse import quote

from peewee import JOIN, fn

from core import gs1
from core.db import database, write_transaction
from core.epcis import (Aggregation, Commissioning, EpcisDocument, Header, Party, ProductClass,
                        ShippingEvent, TransactionStatement, write_epcis)
from core.errors import InvalidInput, NotFound
from core.models import (Carton, Company, Container, DscsaLine, DscsaPackage,
                         DscsaTransaction, Lot, Package, Partner, PartnerAddress, Product,
                         SalesOrder, Shipment, ShipmentItem, StockMove)
from core.models.base import UtcDateTimeField
from core.ndc import Ndc, NdcError, parse_ndc
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.vocab import TS_LEGAL_NOTICE, AddressKind, ShipmentStatus

# Serials per commissioning event: keeps each event a bounded tree in the writer.
COMMISSION_CHUNK = 10_000
_UTC_FIELD = UtcDateTimeField()


class ShipmentNotExportable(InvalidInput):
    """The shipment has no outbound DSCSA data to send (yet); `cause` says why
    ("not_shipped", "no_transaction", "no_customer_gln", "no_company_gln",
    "nothing_serialized", "bad_product")."""

    title = "Cannot export the shipment"

    def __init__(self, message: str, cause: str):
        super().__init__("shipment", message)
        self.cause = cause


@dataclass(frozen=True)
class ExportResult:
    shipment_id: int
    shipment: str
    order: str
    customer: str
    customer_gln: str
    document_id: str
    products: int
    lots: int
    packages: int
    cartons: int
    loose_packages: int
    units_not_serialized: int
    sha256: str
    size: int

    def as_json(self) -> dict[str, object]:
        return {"shipment_id": self.shipment_id, "shipment": self.shipment,
                "order": self.order, "customer": self.customer,
                "customer_gln": self.customer_gln, "document_id": self.document_id,
                "products": self.products, "lots": self.lots, "packages": self.packages,
                "cartons": self.cartons, "loose_packages": self.loose_packages,
                "units_not_serialized": self.units_not_serialized, "sha256": self.sha256,
                "bytes": self.size}


def _authorize_export(actor: Actor) -> None:
    """The warehouse sends the file with the goods; the office answers a customer who asks
    for it again. Either may export; the audit entry says who did."""
    authorize(actor, Permission.SELL if actor.may(Permission.SELL)
              and not actor.may(Permission.SHIP) else Permission.SHIP)


def find_shipment(reference: str | int) -> int:
    """A shipment id from its id or its number (SH-000123), as typed."""
    text = str(reference).strip()
    if text.isdigit():
        return int(text)
    found = Shipment.select(Shipment.id).where(Shipment.number == text.upper()).scalar()
    if found is None:
        raise NotFound("shipment", text)
    return found


def export_shipment(actor: Actor, shipment_id: int, out: BinaryIO) -> ExportResult:
    """Write the shipment's EPCIS 1.2 document to `out` (binary) and record the export
    (with the document's SHA-256) in the audit trail. Nothing else is written."""
    _authorize_export(actor)
    built = _Outbound(shipment_id)
    doc = built.document()
    sink = _HashingWriter(out)
    write_epcis(doc, sink)
    result = built.result(sink.digest.hexdigest(), sink.size)
    with write_transaction():
        _authorize_export(actor)
        audit.record(actor, "export_epcis", "shipment", result.shipment_id,
                     f"{result.shipment} to {result.customer} (GLN {result.customer_gln}): "
                     f"EPCIS document {result.document_id}, {result.packages} packages in "
                     f"{result.cartons} carton(s), {result.size} bytes, sha256 {result.sha256}")
    return result


def outbound_document(shipment_id: int) -> EpcisDocument:
    """The document `export_shipment` writes, as values (read-only)."""
    return _Outbound(shipment_id).document()


class _HashingWriter:
    """Passes bytes on to `out`, keeping their SHA-256 and count."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)


@dataclass
class _Line:
    gtin: str
    lot: str
    expiry: object
    prefix_length: int


class _Outbound:
    """Everything the document needs, read in a fixed number of queries whatever the
    shipment's size (the packages in one joined query)."""

    def __init__(self, shipment_id: int):
        shipment = Shipment.get_or_none(Shipment.id == shipment_id)
        if shipment is None:
            raise NotFound("shipment", shipment_id)
        self.shipment = shipment
        if shipment.status != ShipmentStatus.SHIPPED.value:
            raise ShipmentNotExportable(
                f"{shipment.number} has not shipped yet (it is {shipment.status}). Its DSCSA "
                "transaction information is recorded when it ships; ship it, then export "
                "the file.", "not_shipped")
        self.txn = (DscsaTransaction.select()
                    .where((DscsaTransaction.shipment == shipment.id)
                           & (DscsaTransaction.direction == "out")).first())
        if self.txn is None:
            raise ShipmentNotExportable(
                f"{shipment.number} shipped without an outbound DSCSA transaction record, so "
                "there is nothing to send. Report this to your administrator.",
                "no_transaction")
        self.order = SalesOrder.get_by_id(shipment.order_id)
        self.customer = Partner.get_by_id(self.order.customer_id)
        self.ship_to = PartnerAddress.get_by_id(self.order.ship_to_id)
        self.company = Company.get_by_id(1)
        if not self.customer.gln:
            raise ShipmentNotExportable(
                f"Customer {self.customer.name} has no GLN, and an EPCIS file names the buyer "
                "by GLN. Add the customer's GLN (Partners, or 'rxdesk-admin partners "
                "update'), then export again.", "no_customer_gln")
        self._load_lines()
        self._load_packages()

    # -- reading --------------------------------------------------------------------
    def _load_lines(self) -> None:
        rows = (DscsaLine.select(DscsaLine, Product.gtin, Product.manufacturer,
                                 Product.ndc_labeler, Product.ndc_product, Product.ndc_package,
                                 Product.serialized, Lot.lot_number, Lot.expiry)
                .join(Product, on=(DscsaLine.product == Product.id))
                .switch(DscsaLine).join(Lot, on=(DscsaLine.lot == Lot.id))
                .where(DscsaLine.transaction == self.txn.id).order_by(DscsaLine.id))
        self.lines: dict[int, _Line] = {}
        self.products: dict[str, ProductClass] = {}
        self.units_not_serialized = 0
        self.lot_ids: dict[int, int] = {}  # line id -> lot id
        for row in rows:
            product = row.product
            try:
                code = Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package)
                stated = parse_ndc(row.ndc)
            except NdcError as exc:
                raise ShipmentNotExportable(f"The NDC of {row.product_name} cannot be "
                                            f"read: {exc.message}", "bad_product") from None
            if code.gtin14() != product.gtin:
                raise ShipmentNotExportable(
                    f"{row.product_name}: GTIN {product.gtin} is not the GTIN of its NDC "
                    f"{code.ndc10} ({code.gtin14()}); correct the product master.",
                    "bad_product")
            if not product.serialized:
                self.units_not_serialized += row.quantity
                continue
            length = code.company_prefix_length
            self.lines[row.id] = _Line(product.gtin, row.lot.lot_number, row.lot.expiry, length)
            self.lot_ids[row.id] = row.lot_id
            if product.gtin not in self.products:
                self.products[product.gtin] = ProductClass(
                    gs1.sgtin_pattern_uri(product.gtin, length), product.gtin, length,
                    ndc=stated.ndc11_digits, name=row.product_name,
                    manufacturer=product.manufacturer, dosage_form=row.dosage_form,
                    strength=row.strength, net_content=row.container_size)

    def _load_packages(self) -> None:
        rows = (DscsaPackage
                .select(DscsaPackage.line, Package.serial, ShipmentItem.carton)
                .join(DscsaLine, on=(DscsaPackage.line == DscsaLine.id))
                .switch(DscsaPackage).join(Package, on=(DscsaPackage.package == Package.id))
                .join(ShipmentItem, JOIN.LEFT_OUTER,
                      on=((ShipmentItem.package == Package.id)
                          & (ShipmentItem.shipment == self.shipment.id)))
                .where(DscsaLine.transaction == self.txn.id))
        # Ids and text only: the driver's tuples as they are (peewee's per-row conversion
        # is most of the time for 100,000 packages).
        rows = database.execute(rows).fetchall()
        lines = self.lines
        self.packages: dict[int, list[str]] = defaultdict(list)  # line id -> serials
        self.in_carton: dict[int | None, list[tuple[str, str]]] = defaultdict(list)
        for line_id, serial, carton_id in rows:
            line = lines.get(line_id)
            if line is None:
                continue
            self.packages[line_id].append(serial)
            self.in_carton[carton_id].append((line.gtin, serial))
        if not self.packages:
            raise ShipmentNotExportable(
                f"{self.shipment.number} holds no serialized packages, so there is no EPCIS "
                "file to send; its transaction information is on the printed T3.",
                "nothing_serialized")
        self.cartons = [
            (carton_id, sscc) for carton_id, sscc in
            Carton.select(Carton.id, Container.sscc).join(Container)
            .where(Carton.shipment == self.shipment.id).order_by(Carton.seq).tuples()
            if carton_id in self.in_carton]
        self.packed_at = {
            carton_id: _utc(at) for carton_id, at in
            ShipmentItem.select(ShipmentItem.carton, fn.MAX(ShipmentItem.packed_at))
            .where(ShipmentItem.shipment == self.shipment.id)
            .group_by(ShipmentItem.carton).tuples()}
        lot_ids = sorted(set(self.lot_ids.values()))
        self.first_seen = {
            lot_id: _utc(at) for lot_id, at in
            StockMove.select(StockMove.lot, fn.MIN(StockMove.at))
            .where(StockMove.lot.in_(lot_ids)).group_by(StockMove.lot).tuples()}

    # -- building -------------------------------------------------------------------
    def document(self) -> EpcisDocument:
        company, customer, shipped = self.company, self.customer, _utc(self.shipment.shipped_at)
        ours = gs1.sgln_uri(company.gln, company.gs1_prefix_length)
        theirs = gs1.sgln_uri(customer.gln, customer.gs1_prefix_length)
        ship_to_gln = self.ship_to.gln or customer.gln
        ship_to = gs1.sgln_uri(ship_to_gln, customer.gs1_prefix_length)
        parties = [self._seller(ours), self._buyer(theirs)]
        if ship_to != theirs:
            parties.append(self._ship_to_location(ship_to, ship_to_gln))

        commissionings = []
        by_lot: dict[tuple[str, str], list[int]] = defaultdict(list)
        for line_id, line in self.lines.items():
            if self.packages.get(line_id):
                by_lot[(line.gtin, line.lot)].append(line_id)
        for key in sorted(by_lot):
            line_ids = by_lot[key]
            line = self.lines[line_ids[0]]
            serials = sorted(s for line_id in line_ids for s in self.packages[line_id])
            when = min((self.first_seen.get(self.lot_ids[i], shipped) for i in line_ids))
            for start in range(0, len(serials), COMMISSION_CHUNK):
                commissionings.append(Commissioning(
                    line.gtin, serials[start:start + COMMISSION_CHUNK], line.lot, line.expiry,
                    min(when, shipped)))

        aggregations = [
            Aggregation(sscc, sorted(self.in_carton[carton_id]), [],
                        min(self.packed_at.get(carton_id, shipped), shipped),
                        read_point=ours, biz_location=ours)
            for carton_id, sscc in self.cartons]
        loose = sorted(self.in_carton.get(None, []))
        epcs = [gs1.sscc_uri(sscc, company.gs1_prefix_length) for _, sscc in self.cartons]
        epcs += [gs1.sgtin_uri(gtin, serial, self.products[gtin].company_prefix_length)
                 for gtin, serial in loose]
        shipping = ShippingEvent(
            epcs, shipped, read_point=ours, biz_location=ours,
            biz_transactions=[("po", self._po()), ("desadv", _bt(company.gln,
                                                                  self.shipment.number))],
            sources=[("owning_party", ours), ("location", ours)],
            destinations=[("owning_party", theirs), ("location", ship_to)])
        return EpcisDocument(
            header=Header(company.gln, customer.gln, self.shipment.number, shipped),
            statement=TransactionStatement(bool(self.txn.statement_affirmed),
                                           self.txn.legal_notice or TS_LEGAL_NOTICE),
            parties=parties, products=[self.products[g] for g in sorted(self.products)],
            commissionings=commissionings, aggregations=aggregations,
            shipping_events=[shipping], created=shipped,
            company_prefix_lengths={sscc: company.gs1_prefix_length
                                    for _, sscc in self.cartons})

    def _po(self) -> str:
        if self.order.customer_po.strip():
            return _bt(self.customer.gln, self.order.customer_po.strip())
        return _bt(self.company.gln, self.order.number)

    def _seller(self, sgln: str) -> Party:
        c = self.company
        fields = _address_fields(self.txn.seller_address,
                                 [c.street, c.city, c.state, c.postal_code, c.country])
        return Party(sgln, c.gln, self.txn.seller_name, *fields)

    def _buyer(self, sgln: str) -> Party:
        """The customer as owner. With a ship-to of its own GLN the owner's address is the
        bill-to (the TI recorded the ship-to address, which goes on the ship-to location)."""
        if self.ship_to.gln and self.ship_to.gln != self.customer.gln:
            bill_to = (PartnerAddress.select()
                       .where((PartnerAddress.partner == self.customer.id)
                              & (PartnerAddress.kind == AddressKind.BILL_TO.value)).first())
            a = bill_to or self.ship_to
            return Party(sgln, self.customer.gln, self.txn.buyer_name,
                         a.street, a.city, a.state, a.postal_code, a.country)
        return Party(sgln, self.customer.gln, self.txn.buyer_name, *self._ship_to_fields())

    def _ship_to_location(self, sgln: str, gln: str) -> Party:
        return Party(sgln, gln, self.ship_to.name or self.txn.buyer_name,
                     *self._ship_to_fields())

    def _ship_to_fields(self) -> tuple[str, str, str, str, str]:
        s = self.ship_to
        stored = self.txn.buyer_address
        if s.name and stored.startswith(s.name + ", "):
            stored = stored[len(s.name) + 2:]
        return _address_fields(stored, [s.street, s.city, s.state, s.postal_code, s.country])

    def result(self, sha256: str, size: int) -> ExportResult:
        packages = sum(len(v) for v in self.packages.values())
        lots = {(line.gtin, line.lot) for i, line in self.lines.items() if self.packages.get(i)}
        return ExportResult(
            self.shipment.id, self.shipment.number, self.order.number, self.txn.buyer_name,
            self.customer.gln, self.shipment.number, len(self.products), len(lots), packages,
            len(self.cartons), len(self.in_carton.get(None, [])), self.units_not_serialized,
            sha256, size)


def _utc(value) -> datetime:
    """Aggregates come back raw on SQLite (text); the field's own conversion applies."""
    return _UTC_FIELD.python_value(value)


def _bt(gln: str, identifier: str) -> str:
    """A CBV business transaction id: urn:epcglobal:cbv:bt:<GLN of who issued it>:<id>."""
    return f"urn:epcglobal:cbv:bt:{gln}:{quote(identifier, safe='-._~!$()*+,;=@')}"


def _address_fields(stored: str, live: list[str]) -> tuple[str, str, str, str, str]:
    """(street, city, state, postal code, country) of an address as the TI recorded it.

    The TI keeps the address as one line ("street, city, ST, zip, US"); the partner or
    company row may have been corrected since. When the row still reads the same it
    gives the fields; otherwise they are split from the recorded line, from the right."""
    live = [v or "" for v in live]
    if ", ".join(v for v in live if v) == stored:
        return tuple(live)  # type: ignore[return-value]
    parts = [p.strip() for p in stored.split(", ")]
    country = parts.pop() if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha() \
        and parts[-1].isupper() else ""
    postal = parts.pop() if len(parts) > 1 and parts[-1][:5].isdigit() else ""
    state = parts.pop() if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isalpha() \
        else ""
    city = parts.pop() if len(parts) > 1 else ""
    return ", ".join(parts), city, state, postal, country
