"""Package and lot trace: the DSCSA transaction history of one package or one lot, as we
must produce it for FDA, a state or a trading partner within one business day.

The history is the stock ledger read back (Tryton's idea: tracing is a query over moves),
with what each move's document says about it: a receipt names the supplier and the
supplier's file, and any exception met on the dock. A package the supplier's file says is
on its way traces before it arrives ("expected").

Shape for scale: a fixed handful of indexed queries per trace whatever the number of
events (moves by stock_move.package or stock_move.lot, ship notices by expected_package
(product, serial), receipts and exceptions by id), never one query per event. Each kind
of document ("receipt:12", "count:3", later "shipment:7") is resolved for all its ids
at once by the resolver registered for that kind in DOCUMENT_RESOLVERS (a shipment names
its customer); a move to a customer without a resolvable document takes the buyer from
the outbound DSCSA transactions (direction "out") that name the package, oldest first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from peewee import JOIN, SQL, fn

from core.errors import InvalidInput, NotFound
from core.gs1 import validate_gtin
from core.models import (Company, Container, DscsaLine, DscsaPackage, DscsaTransaction,
                         ExpectedContainer, ExpectedPackage, ExpectedReceipt, Location, Lot,
                         Package, Partner, Product, PurchaseOrder, Receipt,
                         ReceiptException, SalesOrder, Shipment, StockBalance, StockMove,
                         StoredFile)
from core.ndc import Ndc
from core.vocab import (ADJUSTMENT_REASONS, AsnStatus, LocationKind, MoveReason,
                        PackageStatus, ReceiveOutcome)

OPEN_NOTICE = (AsnStatus.EXPECTED.value, AsnStatus.PARTIALLY_RECEIVED.value)
SHA_SHOWN = 12  # hex digits of a file's SHA-256 printed next to its name
MAX_NESTING = 10  # case -> pallet -> ...; a guard against a corrupt parent loop


# --- what a trace returns ----------------------------------------------------------------

@dataclass(frozen=True)
class Party:
    """A trading partner (or us) as the history names it."""

    name: str
    gln: str = ""

    def __str__(self) -> str:
        return f"{self.name} (GLN {self.gln})" if self.gln else self.name


@dataclass(frozen=True)
class TraceEvent:
    at: datetime  # timezone-aware UTC
    type: str  # "ship notice received", "received", "put away", "moved", "shipped", ...
    from_party: str
    to_party: str
    location: str  # "RECEIVING -> A-01"
    document: str  # "RC-000012", a ship notice's document id and file
    user: str
    detail: str = ""  # note, exception outcome, reason
    quantity: int = 1  # packages or units (lot traces)

    def as_json(self, with_quantity: bool = False) -> dict[str, object]:
        data: dict[str, object] = {
            "at": self.at.isoformat(), "type": self.type, "from": self.from_party,
            "to": self.to_party, "location": self.location, "document": self.document,
            "user": self.user, "detail": self.detail}
        if with_quantity:
            data["quantity"] = self.quantity
        return data


@dataclass(frozen=True)
class PackageTrace:
    gtin: str
    ndc: str
    product: str
    serial: str
    lot: str
    expiry: date | None
    status: str  # a PackageStatus value, or "expected" / "not received" (ship notice only)
    location: str  # current location code; "" when not in RxDesk
    containers: tuple[str, ...]  # SSCCs, innermost first: case, then its pallet
    events: tuple[TraceEvent, ...]
    company: str = ""  # how the events name us

    def as_json(self) -> dict[str, object]:
        return {"gtin": self.gtin, "ndc": self.ndc, "product": self.product,
                "serial": self.serial, "lot": self.lot,
                "expiry": self.expiry.isoformat() if self.expiry else None,
                "status": self.status, "location": self.location,
                "containers": list(self.containers),
                "events": [e.as_json() for e in self.events]}


@dataclass(frozen=True)
class LotBalance:
    location: str
    status: str
    quantity: int


@dataclass(frozen=True)
class LotTotals:
    """Units of the lot, from the moves that crossed our walls (and the ship notices)."""

    expected: int = 0  # in suppliers' ship notices
    received: int = 0  # supplier -> us
    shipped: int = 0  # us -> customers
    returned: int = 0  # customers -> us
    written_off: int = 0  # destroyed, damaged, expired, missing on a count
    found: int = 0  # opening stock, found on a count
    on_hand: int = 0  # in the building, any status

    def as_json(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True)
class LotTrace:
    gtin: str
    ndc: str
    product: str
    lot: str
    expiry: date | None
    on_hand: tuple[LotBalance, ...]
    totals: LotTotals
    events: tuple[TraceEvent, ...]
    company: str = ""  # how the events name us

    @property
    def status(self) -> str:
        """On-hand units per status, e.g. "8 saleable, 4 quarantined"."""
        by_status: Counter = Counter()
        for b in self.on_hand:
            by_status[b.status] += b.quantity
        if not by_status:
            return "none on hand" if self.totals.received or self.totals.found else "expected"
        return ", ".join(f"{n:,} {s}" for s, n in sorted(by_status.items()))

    @property
    def location(self) -> str:
        return ", ".join(dict.fromkeys(b.location for b in self.on_hand))

    def as_json(self) -> dict[str, object]:
        return {"gtin": self.gtin, "ndc": self.ndc, "product": self.product, "lot": self.lot,
                "expiry": self.expiry.isoformat() if self.expiry else None,
                "status": self.status, "location": self.location,
                "on_hand": [{"location": b.location, "status": b.status,
                             "quantity": b.quantity} for b in self.on_hand],
                "totals": self.totals.as_json(),
                "events": [e.as_json(with_quantity=True) for e in self.events]}


# --- documents named by moves -------------------------------------------------------------

@dataclass(frozen=True)
class DocumentInfo:
    """What a move's document ("receipt:12") says: its printed name, the trading partner
    on the other side (for moves that cross our walls) and a short description."""

    label: str
    party: Party | None = None
    detail: str = ""


def _receipts(ids: Iterable[int]) -> dict[int, DocumentInfo]:
    rows = (Receipt.select(Receipt.id, Receipt.number, Partner.name, Partner.gln,
                           ExpectedReceipt.document_id, PurchaseOrder.number.alias("po"))
            .join(Partner, on=(Receipt.supplier == Partner.id))
            .switch(Receipt).join(ExpectedReceipt, JOIN.LEFT_OUTER,
                                  on=(Receipt.asn == ExpectedReceipt.id))
            .switch(Receipt).join(PurchaseOrder, JOIN.LEFT_OUTER,
                                  on=(Receipt.purchase_order == PurchaseOrder.id))
            .where(Receipt.id.in_(sorted(set(ids)))).dicts())
    found = {}
    for r in rows:
        said = [f"ship notice {r['document_id']}" if r["document_id"] else "no ship notice",
                r["po"] or ""]
        found[r["id"]] = DocumentInfo(r["number"], Party(r["name"], r["gln"] or ""),
                                      ", ".join(s for s in said if s))
    return found


def _shipments(ids: Iterable[int]) -> dict[int, DocumentInfo]:
    rows = (Shipment.select(Shipment.id, Shipment.number, SalesOrder.number.alias("order"),
                            SalesOrder.customer_po, Partner.name, Partner.gln)
            .join(SalesOrder).join(Partner, on=(SalesOrder.customer == Partner.id))
            .where(Shipment.id.in_(sorted(set(ids)))).dicts())
    return {r["id"]: DocumentInfo(r["number"], Party(r["name"], r["gln"] or ""), ", ".join(
        s for s in (r["order"], r["customer_po"] and f"customer PO {r['customer_po']}") if s))
        for r in rows}


def _counts(ids: Iterable[int]) -> dict[int, DocumentInfo]:
    return {i: DocumentInfo(f"count {i}") for i in ids}


# kind -> resolver of all ids of that kind at once (one query at most). A new document
# kind (returns, ...) registers its resolver here: DocumentInfo(label, party, detail).
DOCUMENT_RESOLVERS: dict[str, Callable[[Iterable[int]], dict[int, DocumentInfo]]] = {
    "receipt": _receipts,
    "shipment": _shipments,
    "count": _counts,
}


def _split_document(document: str) -> tuple[str, int] | None:
    kind, _, number = (document or "").partition(":")
    return (kind, int(number)) if number.isdigit() else None


def _resolve_documents(documents: Iterable[str]) -> dict[str, DocumentInfo]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for document in documents:
        split = _split_document(document)
        if split:
            wanted[split[0]].add(split[1])
    resolved: dict[str, DocumentInfo] = {}
    for kind, ids in wanted.items():
        resolver = DOCUMENT_RESOLVERS.get(kind)
        if resolver is not None and ids:
            for i, info in resolver(ids).items():
                resolved[f"{kind}:{i}"] = info
    return resolved


# --- shared pieces ------------------------------------------------------------------------

def _our_party() -> Party:
    row = Company.select(Company.legal_name, Company.gln).where(Company.id == 1).first()
    return Party(row.legal_name, row.gln) if row else Party("us")


def ndc_of(product: Product) -> str:
    return Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
               product.ndc_layout).ndc10


def traced_product(gtin: str, *columns, joins: Callable = lambda q: q) -> Product:
    """The product with `columns` of what `joins` LEFT JOINs to it (its package or lot)
    as attributes, None when there is none: product and package in one query."""
    product = (joins(Product.select(Product, *columns)).where(Product.gtin == gtin)
               .objects().first())
    if product is None:
        raise NotFound("product with GTIN", gtin)
    return product


def gtin_and(text: str, value: str, what: str) -> tuple[str, str]:
    gtin = validate_gtin(text)
    value = (value or "").strip()
    if not value:
        raise InvalidInput(what, f"Give the {what} number as well as the GTIN.")
    return gtin, value


def _move_type(reason: str, from_kind: str, to_kind: str, to_status: str | None,
               document: str) -> str:
    if to_kind == LocationKind.CUSTOMER.value or reason == MoveReason.SHIPMENT.value:
        return "shipped"
    if from_kind == LocationKind.CUSTOMER.value or reason == MoveReason.RETURN.value:
        return "returned"
    if reason == MoveReason.RECEIPT.value:
        return "received"
    if reason in (MoveReason.PUTAWAY.value, MoveReason.QUARANTINE.value) and (
            to_kind == LocationKind.QUARANTINE.value):
        return ("quarantined as suspect" if to_status == PackageStatus.SUSPECT.value
                else "quarantined")
    if document.startswith("count:"):
        return "counted"
    return {MoveReason.PUTAWAY.value: "put away", MoveReason.TRANSFER.value: "moved",
            MoveReason.RELEASE.value: "released", MoveReason.ALLOCATION.value: "allocated",
            MoveReason.OPENING_BALANCE.value: "opening stock"}.get(
        reason, "adjusted" if reason in ADJUSTMENT_REASONS else reason.replace("_", " "))


def _move_detail(reason: str, type_: str, from_status: str | None, to_status: str | None,
                 notes: Iterable[str]) -> list[str]:
    parts = []
    if type_ in ("adjusted", "counted") and reason in ADJUSTMENT_REASONS:
        parts.append(MoveReason(reason).label.lower())
    if from_status and to_status and from_status != to_status and type_ not in (
            "quarantined", "quarantined as suspect", "released"):
        parts.append(f"{from_status} -> {to_status}")
    parts.extend(n for n in dict.fromkeys(notes) if n)
    return parts


def _outcome_text(outcome: str, detail: str, quantity: int = 1) -> str:
    try:
        label = ReceiveOutcome(outcome).label.lower()
    except ValueError:
        label = outcome.replace("_", " ")
    count = f" x{quantity:,}" if quantity > 1 else ""
    return f"{label}{count}: {detail}" if detail else f"{label}{count}"


@dataclass
class _Draft:
    """An event being assembled; `document_key` ("receipt:12") links exceptions to it."""

    at: datetime
    seq: int
    type: str
    from_party: str
    to_party: str
    location: str
    document: str
    user: str
    details: list[str] = field(default_factory=list)
    quantity: int = 1
    document_key: str = ""
    crosses_out: bool = False  # left our walls to a customer: needs the buyer's name

    def event(self) -> TraceEvent:
        return TraceEvent(self.at, self.type, self.from_party, self.to_party, self.location,
                          self.document, self.user, "; ".join(d for d in self.details if d),
                          self.quantity)


def _sorted_events(drafts: list[_Draft]) -> tuple[TraceEvent, ...]:
    return tuple(d.event() for d in sorted(drafts, key=lambda d: (d.at, d.seq)))


def _exception_columns():
    return (ReceiptException.receipt, ReceiptException.outcome, ReceiptException.detail,
            Receipt.received_at, Receipt.number, Partner.name, Partner.gln)


def _attach_exceptions(drafts: list[_Draft], exceptions: Iterable[tuple], us: Party) -> None:
    """Each receipt exception is told on the first event of its receipt; an exception on a
    receipt that moved nothing here (a shortage, a duplicate not let in) is its own event.
    `exceptions`: rows of _exception_columns() + quantity."""
    first: dict[str, _Draft] = {}
    for d in sorted(drafts, key=lambda d: (d.at, d.seq)):
        if d.document_key:
            first.setdefault(d.document_key, d)
    for receipt_id, outcome, detail, received_at, number, name, gln, quantity in exceptions:
        key = f"receipt:{receipt_id}"
        text = _outcome_text(outcome, detail, quantity)
        if key in first:
            first[key].details.append(text)
            continue
        draft = _Draft(received_at, len(drafts), "receipt exception", str(Party(name, gln or "")),
                       str(us), "", number, "", [text], quantity, key)
        drafts.append(draft)
        first[key] = draft


def _name_buyers(drafts: list[_Draft], buyers: list[Party]) -> None:
    """Shipped events without a resolved customer take the buyers of the outbound DSCSA
    transactions, oldest first (one change of ownership per shipment)."""
    waiting = [d for d in sorted(drafts, key=lambda d: (d.at, d.seq))
               if d.crosses_out and not d.to_party]
    for draft, buyer in zip(waiting, buyers):
        draft.to_party = str(buyer)


def _notice_document(document_id: str, filename: str, sha256: str) -> str:
    return f"{document_id or '(no document id)'} ({filename}, sha256 {sha256[:SHA_SHOWN]})"


def _notice_detail(notice_id: int, shipped_at: datetime | None, po_reference: str,
                   status: str, extra: Iterable[str] = ()) -> list[str]:
    parts = [f"ship notice {notice_id}"]
    if shipped_at:
        parts.append(f"shipped {shipped_at.date().isoformat()}")
    if po_reference:
        parts.append(po_reference)
    parts.extend(extra)
    if status in OPEN_NOTICE:
        parts.append("not yet received" if status == AsnStatus.EXPECTED.value
                     else "partially received")
    elif status == AsnStatus.CLOSED_SHORT.value:
        parts.append("closed short")
    return parts


def _location_text(from_code: str, to_code: str) -> str:
    return f"{from_code} -> {to_code}"


# --- package trace ------------------------------------------------------------------------

def trace_package(gtin: str, serial: str) -> PackageTrace:
    """The history of one package (GTIN + serial), oldest event first. A serial that is
    only on a supplier's ship notice traces as expected; one nowhere is NotFound."""
    gtin, serial = gtin_and(gtin, serial, "serial")
    product = traced_product(
        gtin, Package.id.alias("package_id"), Package.status.alias("package_status"),
        Package.container.alias("container_id"), Lot.lot_number.alias("lot_number"),
        Lot.expiry.alias("lot_expiry"), Location.code.alias("location_code"),
        joins=lambda q: q
        .join(Package, JOIN.LEFT_OUTER, on=((Package.product == Product.id)
                                            & (Package.serial == serial)))
        .join(Lot, JOIN.LEFT_OUTER, on=(Package.lot == Lot.id))
        .switch(Package).join(Location, JOIN.LEFT_OUTER, on=(Package.location == Location.id)))
    package_id = product.package_id
    notices = list(
        ExpectedPackage.select(ExpectedPackage, ExpectedReceipt, Partner, StoredFile)
        .join(ExpectedReceipt).join(Partner)
        .switch(ExpectedReceipt).join(StoredFile)
        .where((ExpectedPackage.product == product.id) & (ExpectedPackage.serial == serial))
        .order_by(ExpectedReceipt.created_at, ExpectedReceipt.id))
    if package_id is None and not notices:
        raise NotFound("package", f"GTIN {gtin} serial {serial} (not in stock records or any "
                       "supplier's ship notice)")
    us = _our_party()
    drafts: list[_Draft] = []
    for n in notices:
        asn = n.asn
        drafts.append(_Draft(
            asn.created_at, len(drafts), "ship notice received",
            str(Party(asn.supplier.name, asn.supplier.gln or "")), str(us), "",
            _notice_document(asn.document_id, asn.file.filename, asn.file.sha256),
            asn.created_by, _notice_detail(
                asn.id, asn.shipped_at, asn.po_reference, asn.status,
                [f"lot {n.lot_number}, expiry {n.expiry.isoformat()}"]
                + ([f"case {n.case_sscc}"] if n.case_sscc else []))))
    if package_id is None:
        latest = notices[-1]
        status = "expected" if any(n.asn.status in OPEN_NOTICE for n in notices) \
            else "not received"
        return PackageTrace(gtin, ndc_of(product), product.name, serial, latest.lot_number,
                            latest.expiry, status, "",
                            _expected_containers(latest.asn_id, latest.case_sscc),
                            _sorted_events(drafts), str(us))

    From, To = Location.alias(), Location.alias()
    moves = list(
        StockMove.select(StockMove.at, StockMove.reason, StockMove.document,
                         StockMove.from_status, StockMove.to_status, StockMove.username,
                         StockMove.note, From.code.alias("from_code"),
                         From.kind.alias("from_kind"), To.code.alias("to_code"),
                         To.kind.alias("to_kind"))
        .join(From, on=(StockMove.from_location == From.id))
        .switch(StockMove).join(To, on=(StockMove.to_location == To.id))
        .where(StockMove.package == package_id)
        .order_by(StockMove.at, StockMove.id).dicts())
    exceptions = list(
        ReceiptException.select(*_exception_columns(), ReceiptException.quantity)
        .join(Receipt).join(Partner, on=(Receipt.supplier == Partner.id))
        .where(ReceiptException.package == package_id)
        .order_by(ReceiptException.id).tuples())
    documents = _resolve_documents(m["document"] for m in moves)
    transactions = list(
        DscsaTransaction.select(DscsaTransaction.direction, DscsaTransaction.receipt,
                                DscsaTransaction.shipment, DscsaTransaction.seller_name,
                                DscsaTransaction.buyer_name,
                                DscsaTransaction.statement_affirmed, Partner.name, Partner.gln)
        .join(DscsaLine).join(DscsaPackage)
        .switch(DscsaTransaction).join(Partner, on=(DscsaTransaction.partner == Partner.id))
        .where(DscsaPackage.package == package_id)
        .order_by(DscsaTransaction.created_at, DscsaTransaction.id).dicts())
    informed = {(t["direction"], t["receipt"] if t["direction"] == "in" else t["shipment"]): t
                for t in transactions}
    for m in moves:
        drafts.append(_move_draft(m, len(drafts), documents, us, informed))
    _attach_exceptions(drafts, exceptions, us)
    _name_buyers(drafts, [Party(t["name"], t["gln"] or "") for t in transactions
                          if t["direction"] == "out"])
    return PackageTrace(gtin, ndc_of(product), product.name, serial, product.lot_number,
                        _as_date(product.lot_expiry), product.package_status,
                        product.location_code, _containers(product.container_id),
                        _sorted_events(drafts), str(us))


def _move_draft(m: dict, seq: int, documents: dict[str, DocumentInfo], us: Party,
                informed: dict[tuple[str, int], dict]) -> _Draft:
    info = documents.get(m["document"])
    type_ = _move_type(m["reason"], m["from_kind"], m["to_kind"], m["to_status"],
                       m["document"])
    details = _move_detail(m["reason"], type_, m["from_status"], m["to_status"], [m["note"]])
    from_party, to_party = _parties(m["from_kind"], m["to_kind"], info, us)
    split = _split_document(m["document"]) or ("", 0)
    if type_ == "received":
        if info and info.detail:
            details.insert(0, info.detail)
        txn = informed.get(("in", split[1])) if split[0] == "receipt" else None
        details.append(f"TI/TS received from {txn['seller_name']}"
                       + ("" if txn["statement_affirmed"] else " (statement not affirmed)")
                       if txn else "no transaction information received")
    elif type_ == "shipped":
        if info and info.detail:
            details.insert(0, info.detail)
        txn = informed.get(("out", split[1])) if split[0] == "shipment" else None
        if txn:
            details.append(f"TI/TS sent to {txn['buyer_name']}")
    return _Draft(m["at"], seq, type_, from_party, to_party,
                  _location_text(m["from_code"], m["to_code"]),
                  info.label if info else m["document"], m["username"], details,
                  document_key=m["document"],
                  crosses_out=m["to_kind"] == LocationKind.CUSTOMER.value)


def _parties(from_kind: str, to_kind: str, info: DocumentInfo | None,
             us: Party) -> tuple[str, str]:
    """Partner names where the move crosses our walls, our name otherwise. A shipment
    without a resolved customer leaves "to" empty for _name_buyers to fill."""
    outside = (LocationKind.SUPPLIER.value, LocationKind.CUSTOMER.value)
    partner = str(info.party) if info and info.party else ""
    return (partner if from_kind in outside else str(us),
            partner if to_kind in outside else str(us))


def _containers(container_id: int | None) -> tuple[str, ...]:
    """The case's SSCC and every container it sits in, innermost first (one query)."""
    if container_id is None:
        return ()
    base = (Container.select(Container.id, Container.sscc, Container.parent,
                             SQL("0").alias("depth"))
            .where(Container.id == container_id)
            .cte("chain", recursive=True, columns=("id", "sscc", "parent_id", "depth")))
    outer = Container.alias()
    step = (outer.select(outer.id, outer.sscc, outer.parent, base.c.depth + 1)
            .join(base, on=(outer.id == base.c.parent_id))
            .where(base.c.depth < MAX_NESTING))
    chain = base.union_all(step)
    query = (chain.select_from(chain.c.sscc).order_by(chain.c.depth).tuples())
    return tuple(sscc for (sscc,) in query)


def _expected_containers(notice_id: int, case_sscc: str) -> tuple[str, ...]:
    if not case_sscc:
        return ()
    parents = dict(ExpectedContainer.select(ExpectedContainer.sscc,
                                            ExpectedContainer.parent_sscc)
                   .where(ExpectedContainer.asn == notice_id).tuples())
    chain = [case_sscc]
    while parents.get(chain[-1]) and len(chain) < MAX_NESTING:
        chain.append(parents[chain[-1]])
    return tuple(chain)


# --- lot trace ----------------------------------------------------------------------------

def trace_lot(gtin: str, lot_number: str) -> LotTrace:
    """The history of one lot: ship notices, each receipt with its supplier and quantity,
    put-away, transfers, quarantines, adjustments, counts and shipments summarized per
    document (or per posting when there is none), with the units of each, oldest first."""
    gtin, lot_number = gtin_and(gtin, lot_number, "lot")
    product = traced_product(
        gtin, Lot.id.alias("lot_id"), Lot.expiry.alias("lot_expiry"),
        joins=lambda q: q.join(Lot, JOIN.LEFT_OUTER, on=(
            (Lot.product == Product.id) & (Lot.lot_number == lot_number))))
    lot_id = product.lot_id
    notices = list(
        ExpectedReceipt.select(ExpectedReceipt, Partner, StoredFile,
                               fn.COUNT(ExpectedPackage.id).alias("packages"),
                               fn.MIN(ExpectedPackage.expiry).alias("expiry"))
        .join(ExpectedPackage, on=(ExpectedPackage.asn == ExpectedReceipt.id))
        .switch(ExpectedReceipt).join(Partner)
        .switch(ExpectedReceipt).join(StoredFile)
        .where((ExpectedPackage.product == product.id)
               & (ExpectedPackage.lot_number == lot_number))
        .group_by(ExpectedReceipt.id, Partner.id, StoredFile.id)
        .order_by(ExpectedReceipt.created_at, ExpectedReceipt.id))
    if lot_id is None and not notices:
        raise NotFound("lot", f"{lot_number} of GTIN {gtin} (not in stock records or any "
                       "supplier's ship notice)")
    us = _our_party()
    drafts: list[_Draft] = []
    for n in notices:
        drafts.append(_Draft(
            n.created_at, len(drafts), "ship notice received",
            str(Party(n.supplier.name, n.supplier.gln or "")), str(us), "",
            _notice_document(n.document_id, n.file.filename, n.file.sha256), n.created_by,
            _notice_detail(n.id, n.shipped_at, n.po_reference, n.status), n.packages))
    expected = sum(n.packages for n in notices)
    if lot_id is None:
        return LotTrace(gtin, ndc_of(product), product.name, lot_number,
                        min(_as_date(n.expiry) for n in notices), (),
                        LotTotals(expected=expected), _sorted_events(drafts), str(us))

    groups = _lot_move_groups(lot_id)
    documents = _resolve_documents(g["document"] for g in groups)
    receipt_ids = sorted({split[1] for split in map(_split_document, documents)
                          if split and split[0] == "receipt"})
    notice_ids = [n.id for n in notices]
    exceptions = []
    if receipt_ids or notice_ids:
        # Receipts that moved some of the lot, and receipts against its ship notices (where
        # none of it may have come: data without product).
        exceptions = list(
            ReceiptException.select(*_exception_columns(), fn.SUM(ReceiptException.quantity))
            .join(Receipt).join(Partner, on=(Receipt.supplier == Partner.id))
            .where((Receipt.id.in_(receipt_ids) | Receipt.asn.in_(notice_ids))
                   & (ReceiptException.product == product.id)
                   & (ReceiptException.lot_number == lot_number))
            .group_by(*_exception_columns())
            .order_by(ReceiptException.receipt, fn.MIN(ReceiptException.id)).tuples())
    buyers = [Party(name, gln or "") for name, gln in
              DscsaTransaction.select(Partner.name, Partner.gln)
              .join(DscsaLine).switch(DscsaTransaction)
              .join(Partner, on=(DscsaTransaction.partner == Partner.id))
              .where((DscsaLine.lot == lot_id) & (DscsaTransaction.direction == "out"))
              .order_by(DscsaTransaction.created_at, DscsaTransaction.id).tuples()]
    balances = tuple(
        LotBalance(code, status, quantity) for code, status, quantity in
        StockBalance.select(Location.code, StockBalance.status, StockBalance.quantity)
        .join(Location).where((StockBalance.lot == lot_id) & (StockBalance.quantity != 0))
        .order_by(Location.kind != LocationKind.BIN.value, Location.pick_sequence,
                  Location.code, StockBalance.status).tuples())

    for g in groups:
        info = documents.get(g["document"])
        type_ = _move_type(g["reason"], g["from_kind"], g["to_kind"], g["to_status"],
                           g["document"])
        details = _move_detail(g["reason"], type_, g["from_status"], g["to_status"],
                               g["notes"])
        if type_ in ("received", "shipped") and info and info.detail:
            details.insert(0, info.detail)
        from_party, to_party = _parties(g["from_kind"], g["to_kind"], info, us)
        drafts.append(_Draft(
            g["at"], len(drafts), type_, from_party, to_party,
            _location_text(g["from_code"], g["to_code"]),
            info.label if info else g["document"], ", ".join(g["users"]), details,
            g["quantity"], g["document"],
            crosses_out=g["to_kind"] == LocationKind.CUSTOMER.value))
    _attach_exceptions(drafts, exceptions, us)
    _name_buyers(drafts, buyers)
    return LotTrace(gtin, ndc_of(product), product.name, lot_number,
                    _as_date(product.lot_expiry), balances,
                    _lot_totals(groups, balances, expected), _sorted_events(drafts), str(us))


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _lot_move_groups(lot_id: int) -> list[dict]:
    """The lot's moves summed per posting in the database (one ledger batch shares its
    time), then merged per document: a shipment or a receipt is one event however many
    batches wrote it; moves without a document stay one event per posting."""
    From, To = Location.alias(), Location.alias()
    keys = (StockMove.at, StockMove.reason, StockMove.document, StockMove.from_status,
            StockMove.to_status, StockMove.username, StockMove.note, From.code, From.kind,
            To.code, To.kind)
    rows = (StockMove.select(StockMove.at, StockMove.reason, StockMove.document,
                             StockMove.from_status, StockMove.to_status, StockMove.username,
                             StockMove.note, From.code.alias("from_code"),
                             From.kind.alias("from_kind"), To.code.alias("to_code"),
                             To.kind.alias("to_kind"),
                             fn.SUM(StockMove.quantity).alias("quantity"))
            .join(From, on=(StockMove.from_location == From.id))
            .switch(StockMove).join(To, on=(StockMove.to_location == To.id))
            .where(StockMove.lot == lot_id)
            .group_by(*keys).order_by(StockMove.at).dicts())
    merged: dict[tuple, dict] = {}
    for r in rows:
        key = ((r["document"] if r["document"] else r["at"]), r["reason"], r["from_code"],
               r["to_code"], r["from_status"], r["to_status"])
        group = merged.get(key)
        if group is None:
            merged[key] = {**r, "quantity": int(r["quantity"]), "users": [r["username"]],
                           "notes": [r["note"]]}
            continue
        group["quantity"] += int(r["quantity"])
        group["at"] = min(group["at"], r["at"])
        if r["username"] not in group["users"]:
            group["users"].append(r["username"])
        if r["note"] not in group["notes"]:
            group["notes"].append(r["note"])
    return list(merged.values())


def _lot_totals(groups: list[dict], balances: tuple[LotBalance, ...],
                expected: int) -> LotTotals:
    sums: Counter = Counter()
    for g in groups:
        q = g["quantity"]
        if g["from_kind"] == LocationKind.SUPPLIER.value:
            sums["received"] += q
        if g["to_kind"] == LocationKind.SUPPLIER.value:
            sums["received"] -= q  # returned to the supplier
        if g["to_kind"] == LocationKind.CUSTOMER.value:
            sums["shipped"] += q
        if g["from_kind"] == LocationKind.CUSTOMER.value:
            sums["returned"] += q
        if g["to_kind"] == LocationKind.ADJUSTMENT.value:
            sums["written_off"] += q
        if g["from_kind"] == LocationKind.ADJUSTMENT.value:
            sums["found"] += q
    return replace(LotTotals(expected=expected, **sums),
                   on_hand=sum(b.quantity for b in balances))
