"""The T3 of a shipment as we sent it: Transaction Information, Transaction Statement and
Transaction History, read from the stored outbound DSCSA record (immutable once shipped)
rather than recomputed from live tables, so a T3 printed in six years says exactly what
the customer was given, whatever changed in the product master or the partner's address.

The history of each lot goes back to our receipt from the supplier: the inbound DSCSA
transaction(s) that brought the shipped packages in (matched package by package, so a
lot received twice names only the deliveries these packages came with), or, for a
non-serialized product, every inbound transaction of that lot.

Shape for scale: five queries whatever the size (the record, its lines, the serials,
the package-to-inbound matches, the inbound transactions); a 500-line shipment of
90,000 packages reads its serials as one tuple stream."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from peewee import JOIN, fn

from core.errors import InvalidInput, NotFound
from core.models import (DscsaLine, DscsaPackage, DscsaTransaction, Lot, Package, Partner,
                         Product, Receipt, SalesOrder, Shipment, StoredFile)
from core.vocab import PartnerType


@dataclass(frozen=True)
class PriorTransaction:
    """An inbound change of ownership: the supplier selling to us."""

    id: int
    seller_name: str
    seller_address: str
    seller_type: str  # "Manufacturer", "Wholesaler", ...
    buyer_name: str
    buyer_address: str
    transaction_date: date
    shipment_date: date | None
    receipt: str  # RC-000012
    received_at: datetime | None
    file_name: str  # the supplier's EPCIS file, kept byte for byte
    file_sha256: str
    statement_affirmed: bool


@dataclass(frozen=True)
class T3Line:
    """Transaction Information elements A-F for one product and lot, the product
    identifiers of its packages and where they came from."""

    product_name: str  # (A)
    strength: str  # (B)
    dosage_form: str  # (B)
    ndc: str  # (C)
    container_size: str  # (D)
    quantity: int  # (E) number of containers
    lot: str  # (F)
    expiry: date
    gtin: str
    serials: tuple[str, ...]  # empty for a non-serialized product
    history: tuple[tuple[int, int], ...]  # (prior transaction id, packages from it)


@dataclass(frozen=True)
class T3Doc:
    transaction_id: int
    shipment: str  # SH-000123
    order: str
    customer_po: str
    transaction_date: date  # (G)
    shipment_date: date | None  # (H)
    seller_name: str  # (I)
    seller_address: str
    buyer_name: str  # (J)
    buyer_address: str
    statement_affirmed: bool
    legal_notice: str
    recorded_at: datetime
    lines: list[T3Line]
    prior: dict[int, PriorTransaction]

    @property
    def packages(self) -> int:
        return sum(len(line.serials) for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def t3(shipment_id: int) -> T3Doc:
    shipment = (Shipment.select(Shipment, SalesOrder).join(SalesOrder)
                .where(Shipment.id == shipment_id).first())
    if shipment is None:
        raise NotFound("shipment", shipment_id)
    txn = (DscsaTransaction.select()
           .where((DscsaTransaction.shipment == shipment_id)
                  & (DscsaTransaction.direction == "out"))
           .order_by(DscsaTransaction.id).first())
    if txn is None:
        raise InvalidInput("shipment", f"{shipment.number} is {shipment.status}: its T3 "
                           "exists once it has shipped (the DSCSA record is written then).")
    lines = list(DscsaLine.select(DscsaLine, Lot.lot_number, Lot.expiry, Product.gtin)
                 .join(Lot).switch(DscsaLine).join(Product)
                 .where(DscsaLine.transaction == txn.id)
                 .order_by(DscsaLine.product_name, DscsaLine.ndc, Lot.expiry, Lot.lot_number)
                 .objects())
    ours = DscsaLine.select(DscsaLine.id).where(DscsaLine.transaction == txn.id)
    serials: dict[int, list[str]] = defaultdict(list)
    for line_id, serial in (DscsaPackage.select(DscsaPackage.line, Package.serial)
                            .join(Package).where(DscsaPackage.line.in_(ours))
                            .order_by(DscsaPackage.line, Package.serial).tuples()):
        serials[line_id].append(serial)
    history = _history(txn.id, ours, [line for line in lines if not serials[line.id]])
    prior = _prior({tid for found in history.values() for tid, _ in found})
    return T3Doc(
        txn.id, shipment.number, shipment.order.number, shipment.order.customer_po,
        txn.transaction_date, txn.shipment_date, txn.seller_name, txn.seller_address,
        txn.buyer_name, txn.buyer_address, txn.statement_affirmed, txn.legal_notice,
        txn.created_at,
        [T3Line(line.product_name, line.strength, line.dosage_form, line.ndc,
                line.container_size, line.quantity, line.lot_number, line.expiry, line.gtin,
                tuple(serials[line.id]), tuple(history.get(line.id, ())))
         for line in lines], prior)


def _history(txn_id: int, ours, unserialized: list) -> dict[int, list[tuple[int, int]]]:
    """Our line id -> [(inbound transaction id, packages)]: serialized packages matched
    one by one to the inbound record that names them; non-serialized lots to every
    inbound record of the lot."""
    OutPackage, InPackage, InLine = DscsaPackage.alias(), DscsaPackage.alias(), \
        DscsaLine.alias()
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for line_id, prior_id, count in (
            OutPackage.select(OutPackage.line, InLine.transaction, fn.COUNT(InPackage.id))
            .join(InPackage, on=(InPackage.package == OutPackage.package))
            .join(InLine, on=(InPackage.line == InLine.id))
            .join(DscsaTransaction, on=(InLine.transaction == DscsaTransaction.id))
            .where(OutPackage.line.in_(ours) & (DscsaTransaction.direction == "in"))
            .group_by(OutPackage.line, InLine.transaction)
            .order_by(OutPackage.line, InLine.transaction).tuples()):
        found[line_id].append((prior_id, count))
    by_lot = defaultdict(list)
    for line in unserialized:
        by_lot[line.lot_id].append(line.id)
    if by_lot:
        for lot_id, prior_id in (
                DscsaLine.select(DscsaLine.lot, DscsaLine.transaction).join(DscsaTransaction)
                .where(DscsaLine.lot.in_(list(by_lot)) & (DscsaTransaction.direction == "in")
                       & (DscsaTransaction.id != txn_id))
                .distinct().order_by(DscsaLine.transaction).tuples()):
            for line_id in by_lot[lot_id]:
                found[line_id].append((prior_id, 0))
    return found


def _prior(ids: set[int]) -> dict[int, PriorTransaction]:
    if not ids:
        return {}
    query = (DscsaTransaction.select(DscsaTransaction, Partner.partner_type, Receipt.number,
                                     Receipt.received_at, StoredFile.filename,
                                     StoredFile.sha256)
             .join(Partner).switch(DscsaTransaction)
             .join(Receipt, JOIN.LEFT_OUTER).switch(DscsaTransaction)
             .join(StoredFile, JOIN.LEFT_OUTER)
             .where(DscsaTransaction.id.in_(sorted(ids))).order_by(DscsaTransaction.id))
    result = {}
    for t in query:
        receipt, file = t.receipt, t.file
        result[t.id] = PriorTransaction(
            t.id, t.seller_name, t.seller_address, PartnerType(t.partner.partner_type).label,
            t.buyer_name, t.buyer_address, t.transaction_date, t.shipment_date,
            receipt.number if receipt else "", receipt.received_at if receipt else None,
            file.filename if file else "", file.sha256 if file else "", t.statement_affirmed)
    return result
