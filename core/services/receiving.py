"""Receiving: scans at the dock, each given its GS1 US exception outcome, then one posting.

A delivery is received against a ship notice (the supplier's EPCIS file) or, when no file
came, against the purchase order. Each scan is evaluated at once and kept (an open scan
survives a restart); `post_receipt` then writes, in one transaction: the packages, the
moves supplier -> receiving -> bin (or quarantine), the receipt with its cost layers and
exceptions, the inbound DSCSA transaction, the PO's received quantities and the audit
entry.

A ship notice may take more than one posting (the first pallet before lunch, the rest
after). What has not been scanned yet is still expected, not short: shortage and data
without product are recorded once, when the notice ends -- at a posting marked final
(the truck is unloaded, nothing more will come) or when the notice is closed short.

Outcomes, strongest first (core.vocab.ReceiveOutcome): serial already in RxDesk (suspect),
damaged, lot or expiry differing from the supplier's data, overage / product without data,
expired, below the product's minimum shelf life; otherwise received into a saleable bin.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from peewee import JOIN, fn

from core.db import bulk_insert, write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import (Company, Container, DscsaLine, DscsaPackage, DscsaTransaction,
                         ExpectedContainer, ExpectedPackage, ExpectedReceipt, Location, Lot,
                         Package, Product, PurchaseOrder, PurchaseOrderLine, Receipt,
                         ReceiptException, ReceiptLine, ReceivingScan)
from core.models.base import utc_now
from core.ndc import Ndc
from core.permissions import Actor, Permission
from core.queries.atp import AtpStatus, PartnerNotAuthorized, require_authorized
from core.queries.receiving import suggested_bin
from core.scanning import Scan, parse_scan, require_product_identifier
from core.services import audit, ledger, purchasing
from core.services.access import authorize
from core.services.ledger import MoveLine
from core.vocab import AsnStatus, LocationKind, MoveReason, PackageStatus, PoStatus
from core.vocab import ReceiveOutcome as Outcome

BATCH = 500
OPEN_ASN = (AsnStatus.EXPECTED.value, AsnStatus.PARTIALLY_RECEIVED.value)
OPEN_PO = (PoStatus.CONFIRMED.value, PoStatus.PARTIALLY_RECEIVED.value)
MISMATCH = (Outcome.LOT_MISMATCH, Outcome.EXPIRY_MISMATCH)


class ScanRefused(RxDeskError):
    """A scan that cannot be counted at all (not recorded): already scanned, a case not
    in the shipment, a barcode without a product identifier."""

    title = "Scan not counted"


class SupplierNotAuthorized(ScanRefused):
    """A delivery from a supplier that is not an authorized trading partner today: not
    one package of it may be counted (DSCSA: buy only from authorized partners)."""

    title = "Supplier not authorized"

    def __init__(self, status: AtpStatus, what: str):
        super().__init__(
            f"Do not receive {what}: {status.partner_name} is not an authorized trading "
            f"partner ({'; '.join(status.reasons)}). Set the delivery aside and ask the office "
            "to bring the supplier's licence records up to date (Partners), then scan again.")
        self.status = status


class NothingToPost(RxDeskError):
    title = "Nothing scanned"


@dataclass(frozen=True)
class Delivery:
    """What is being received: a ship notice, or a PO when no file came."""

    asn_id: int | None = None
    po_id: int | None = None

    def __post_init__(self) -> None:
        if (self.asn_id is None) == (self.po_id is None):
            raise InvalidInput("delivery", "Receive against one ship notice or one purchase "
                               "order.")


@dataclass(frozen=True)
class Counted:
    """Units of one product and lot given one outcome by a scan."""

    product_id: int
    product: str
    lot_number: str
    expiry: date | None
    outcome: Outcome
    units: int
    serial: str = ""
    gtin: str = ""


@dataclass
class ScanResult:
    scan_id: int
    outcome: Outcome  # the scan's headline: RECEIVED unless every unit had one exception
    units: int
    message: str
    counted: list[Counted] = field(default_factory=list)

    @property
    def has_exceptions(self) -> bool:
        """Some unit of the scan (say 1 of a case of 12) is held, not received: the clerk
        must look, even though the headline outcome may still be RECEIVED."""
        return any(c.outcome is not Outcome.RECEIVED for c in self.counted)

    @property
    def ok(self) -> bool:
        """Every unit counted goes to its saleable bin."""
        return not self.has_exceptions and self.outcome is Outcome.RECEIVED


@dataclass
class ReceiptResult:
    receipt_id: int
    number: str
    received: list[tuple[str, str, str, int, str]]  # (gtin, product, lot, units, location)
    exceptions: list[Counted]
    warnings: list[str]
    asn_status: AsnStatus | None
    po_status: PoStatus | None
    still_expected: int = 0  # packages of the ship notice not yet received (not short)


# --------------------------------------------------------------------- the delivery

def _open_asn(asn_id: int) -> ExpectedReceipt:
    asn = ExpectedReceipt.get_or_none(ExpectedReceipt.id == asn_id)
    if asn is None:
        raise NotFound("ship notice", asn_id)
    _require_open(asn)
    return asn


def _require_open(asn: ExpectedReceipt) -> None:
    if asn.status not in OPEN_ASN:
        raise InvalidInput("asn", f"Ship notice {asn.id} is "
                           f"{AsnStatus(asn.status).label.lower()}; nothing more can be "
                           "received on it.")


def _open_delivery(delivery: Delivery) -> tuple[ExpectedReceipt | None, PurchaseOrder | None]:
    if delivery.asn_id is not None:
        asn = _open_asn(delivery.asn_id)
        po = PurchaseOrder.get_by_id(asn.purchase_order_id) if asn.purchase_order_id else None
        return asn, po
    po = PurchaseOrder.get_or_none(PurchaseOrder.id == delivery.po_id)
    if po is None:
        raise NotFound("purchase order", delivery.po_id)
    if po.status not in OPEN_PO:
        raise InvalidInput("po", f"{po.number} is {PoStatus(po.status).label.lower()}; only a "
                           "confirmed purchase order can be received.")
    return None, po


def _open_scans(asn: ExpectedReceipt | None, po: PurchaseOrder | None):
    query = ReceivingScan.select().where(ReceivingScan.receipt.is_null())
    if asn is not None:
        return query.where(ReceivingScan.asn == asn)
    return query.where(ReceivingScan.purchase_order == po, ReceivingScan.asn.is_null())


# ------------------------------------------------------------------------ evaluation

class _ProductFacts(NamedTuple):
    """What judging and the scan's message need of a product."""

    name: str
    gtin: str
    min_shelf_life_days: int


class _Judge:
    """Gives each package its outcome; caches what it looked up for this scan."""

    def __init__(self, today: date):
        self.today = today
        self.products: dict[int, Product | _ProductFacts] = {}
        self.lot_expiry: dict[tuple[int, str], date | None] = {}

    def product(self, product_id: int) -> Product | _ProductFacts:
        if product_id not in self.products:
            self.products[product_id] = Product.get_by_id(product_id)
        return self.products[product_id]

    def known_lot_expiry(self, product_id: int, lot_number: str) -> date | None:
        key = (product_id, lot_number)
        if key not in self.lot_expiry:
            lot = Lot.get_or_none((Lot.product == product_id) & (Lot.lot_number == lot_number))
            self.lot_expiry[key] = lot.expiry if lot else None
        return self.lot_expiry[key]

    def learn(self, waiting: Iterable[_Waiting]) -> None:
        """Take the products and lot expiries the waiting-packages query brought along."""
        for w in waiting:
            self.products.setdefault(w.product_id, _ProductFacts(
                w.product_name, w.gtin, w.min_shelf_life_days))
            self.lot_expiry.setdefault((w.product_id, w.lot_number), w.known_expiry)

    def in_rxdesk(self, product_id: int, serials: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(serials), BATCH):
            found.update(s for (s,) in Package.select(Package.serial).where(
                (Package.product == product_id)
                & Package.serial.in_(list(serials[start:start + BATCH]))).tuples())
        return found

    def dating(self, product_id: int, lot_number: str, expiry: date) -> tuple[Outcome, str]:
        known = self.known_lot_expiry(product_id, lot_number)
        if known is not None and known != expiry:
            return (Outcome.EXPIRY_MISMATCH, f"lot {lot_number} expires {known} in our records, "
                    f"{expiry} here")
        if expiry < self.today:
            return Outcome.EXPIRED, f"expired {expiry}"
        minimum = self.product(product_id).min_shelf_life_days
        if minimum and expiry < self.today + timedelta(days=minimum):
            return (Outcome.SHORT_DATED, f"expires {expiry}, less than the {minimum} days "
                    "of shelf life required on receipt")
        return Outcome.RECEIVED, ""


def _stronger(*pairs: tuple[Outcome, str]) -> tuple[Outcome, str]:
    return next((pair for pair in pairs if pair[0] is not Outcome.RECEIVED),
                (Outcome.RECEIVED, ""))


# ---------------------------------------------------------------------------- scanning

def record_scan(actor: Actor, delivery: Delivery, data: str, gs_replacement: str = "",
                damaged: bool = False, note: str = "") -> ScanResult:
    """Count one scan (a case or pallet SSCC, or a package's DataMatrix) into `delivery`.

    A purchase order's supplier is checked against the authorized-trading-partner rules
    at every scan: without a supplier's file nothing else stands between an unlicensed
    seller and our dock until posting, and a clerk should not count a whole truck to be
    refused at the end. A ship notice's supplier was checked when its file was imported
    and is checked again at posting; checking it per case would double the case scan's
    round trips.

    A scan writes no audit entry: the open scan row itself records who scanned what and
    when, posting stamps it with the receipt and audits the posting, and an audit entry
    per scan would queue every dock scanner behind the audit chain's lock."""
    scan = parse_scan(data, gs_replacement)
    if damaged and not note.strip():
        raise InvalidInput("note", "Say what is damaged (e.g. 'crushed case, seal broken').")
    with write_transaction():
        authorize(actor, Permission.RECEIVE)
        judge = _Judge(date.today())
        if delivery.asn_id is not None:
            if scan.sscc and not scan.serial:
                return _scan_case(actor, delivery.asn_id, scan, judge, damaged, note)
            # A ship notice's PO plays no part in a scan (only in posting): not loaded.
            asn, po = _scannable_asn(delivery.asn_id), None
        else:
            asn, po = _open_delivery(delivery)
            try:
                require_authorized(po.supplier_id)
            except PartnerNotAuthorized as refused:
                raise SupplierNotAuthorized(refused.status, po.number) from None
        if scan.sscc and not scan.serial:
            raise ScanRefused(
                f"Case {scan.sscc} cannot be received without the supplier's file: "
                "without data RxDesk cannot know what is inside. Import the file, or open "
                "the case and scan each package.")
        return _scan_package(actor, asn, po, require_product_identifier(scan), judge, damaged,
                             note)


def _scannable_asn(asn_id: int) -> ExpectedReceipt:
    """The open ship notice with only what a scan needs (a notice's legal text and
    warnings can be long; a case scan reads it a thousand times a truck)."""
    asn = (ExpectedReceipt.select(ExpectedReceipt.id, ExpectedReceipt.supplier,
                                  ExpectedReceipt.status)
           .where(ExpectedReceipt.id == asn_id).first())
    if asn is None:
        raise NotFound("ship notice", asn_id)
    _require_open(asn)
    return asn


def _new_scan(actor: Actor, asn, po, supplier_id: int, raw: str, outcome: Outcome, **fields):
    return ReceivingScan.create(
        asn=asn, purchase_order=None if asn is not None else po, supplier=supplier_id,
        raw=raw[:200], outcome=outcome.value, scanned_at=utc_now(),
        scanned_by=actor.username, **fields)


def _case_and_contents(asn: ExpectedReceipt, sscc: str,
                       inside: list[str] | None = None) -> list[str]:
    """The case (or pallet) and every case inside it (`inside`: the level below it, when
    the caller already knows it).

    A list of SSCCs, not a subquery: right after a file is imported PostgreSQL has no
    statistics for its 12,000 expected packages yet, and `case_sscc IN (subquery)` was
    then planned as a scan of the whole notice (15-100 ms a case); with the values
    written out the (asn, case_sscc) index is used whatever the statistics say."""
    found, level = [sscc], [sscc]
    if inside is not None:
        found, level = [sscc, *inside], inside
    while level:
        level = [s for (s,) in ExpectedContainer.select(ExpectedContainer.sscc).where(
            (ExpectedContainer.asn == asn) & ExpectedContainer.parent_sscc.in_(level)).tuples()]
        found.extend(level)
    return found


def _scan_case(actor: Actor, asn_id: int, scan: Scan, judge: _Judge, damaged: bool,
               note: str) -> ScanResult:
    """A case or pallet SSCC. A case (a thousand a truck) costs four statements whatever
    it holds: its waiting packages with the notice's status, whether cases sit inside it
    and what judging needs; the scan row; the exception rows, if any; the packages
    counted. A pallet, or a case with nothing waiting, takes the longer way."""
    notice = [ExpectedReceipt.status, ExpectedReceipt.supplier, fn.EXISTS(
        ExpectedContainer.select(ExpectedContainer.id).where(
            (ExpectedContainer.asn == asn_id) & (ExpectedContainer.parent_sscc == scan.sscc)))]
    rows = list(_waiting_query((ExpectedPackage.asn == asn_id)
                               & (ExpectedPackage.case_sscc == scan.sscc), notice))
    if rows:
        status, supplier_id, has_cases = rows[0][-3:]
        asn = ExpectedReceipt(id=asn_id, status=status, supplier=supplier_id)
        _require_open(asn)
        waiting = [_Waiting._make(row[:-3]) for row in rows]
        if has_cases:  # packages of its own and cases inside: a pallet
            waiting += _waiting(asn, ExpectedPackage.case_sscc.in_(
                _case_and_contents(asn, scan.sscc)[1:]))
    else:
        asn, waiting = _scan_pallet(asn_id, scan.sscc)
    head = _new_scan(actor, asn, None, asn.supplier_id, scan.raw, Outcome.RECEIVED,
                     sscc=scan.sscc, units=len(waiting), note=note[:200],
                     detail=f"case of {len(waiting)} packages")
    counted = _judge_expected(actor, asn, head, waiting, judge, damaged, note)
    return _result(head, counted, f"Case {scan.sscc}")


def _scan_pallet(asn_id: int, sscc: str) -> tuple[ExpectedReceipt, list[_Waiting]]:
    """The waiting packages in the cases on a pallet, or why the SSCC counts nothing."""
    rows = list(ExpectedContainer
                .select(ExpectedContainer.sscc, ExpectedContainer.parent_sscc,
                        ExpectedReceipt.status, ExpectedReceipt.supplier)
                .join(ExpectedReceipt, on=(ExpectedContainer.asn == ExpectedReceipt.id))
                .where((ExpectedContainer.asn == asn_id)
                       & ((ExpectedContainer.sscc == sscc)
                          | (ExpectedContainer.parent_sscc == sscc))).tuples())
    if not rows:
        asn = _scannable_asn(asn_id)  # a notice that is not there or not open says so
    else:
        asn = ExpectedReceipt(id=asn_id, status=rows[0][2], supplier=rows[0][3])
        _require_open(asn)
    if not any(s == sscc for s, _, _, _ in rows):
        raise ScanRefused(
            f"Case {sscc} is not in ship notice {asn_id}. Set it aside, open it and scan "
            "each package (they will be held as an overage until the supplier sends data).")
    inside = [s for s, parent, _, _ in rows if parent == sscc]
    waiting = _waiting(asn, ExpectedPackage.case_sscc.in_(
        _case_and_contents(asn, sscc, inside)))
    if not waiting:
        raise ScanRefused(f"Case {sscc} was already scanned; its packages are counted.")
    return asn, waiting


class _Waiting(NamedTuple):
    """An unscanned expected package, with what judging it needs."""

    id: int
    product_id: int
    serial: str
    lot_number: str
    expiry: date
    ours: int | None  # our package with the same GTIN and serial (a suspect duplicate)
    known_expiry: date | None  # the lot's expiry in our records, when we hold the lot
    product_name: str
    gtin: str
    min_shelf_life_days: int


def _waiting_query(where, notice: Sequence = ()):
    """Unscanned expected packages matching `where`, in one query with the duplicate
    serial, the lot's known expiry and the product's facts joined in (and `notice`:
    columns of the ship notice, after those of _Waiting)."""
    query = (ExpectedPackage
             .select(ExpectedPackage.id, ExpectedPackage.product, ExpectedPackage.serial,
                     ExpectedPackage.lot_number, ExpectedPackage.expiry, Package.id, Lot.expiry,
                     Product.name, Product.gtin, Product.min_shelf_life_days, *notice)
             .join(Product, on=(ExpectedPackage.product == Product.id))
             .join(Package, JOIN.LEFT_OUTER,
                   on=((Package.product == ExpectedPackage.product)
                       & (Package.serial == ExpectedPackage.serial)))
             .join(Lot, JOIN.LEFT_OUTER,
                   on=((Lot.product == ExpectedPackage.product)
                       & (Lot.lot_number == ExpectedPackage.lot_number))))
    if notice:
        query = query.join(ExpectedReceipt, on=(ExpectedPackage.asn == ExpectedReceipt.id))
    return query.where(ExpectedPackage.scan.is_null() & where).order_by(ExpectedPackage.id) \
        .tuples()


def _waiting(asn: ExpectedReceipt, where) -> list[_Waiting]:
    return [_Waiting._make(row) for row in _waiting_query((ExpectedPackage.asn == asn) & where)]


def _judge_expected(actor: Actor, asn: ExpectedReceipt, head: ReceivingScan,
                    waiting: list[_Waiting], judge: _Judge, damaged: bool,
                    note: str) -> list[Counted]:
    """Outcomes for expected packages counted by one case scan (or by --all): the case's
    row counts the good ones; each exception gets its own row naming the package, written
    right after the case's row (remove_scan relies on that order). Whatever the case
    holds, this is three statements: the exception rows in bulk, one UPDATE linking them,
    one UPDATE for the good ones."""
    judge.learn(waiting)
    good: list[int] = []
    held: list[tuple[_Waiting, Outcome, str]] = []
    counted: Counter = Counter()
    for p in waiting:
        outcome, detail = _stronger(
            (Outcome.ALREADY_IN_STOCK, "serial already in RxDesk") if p.ours is not None
            else (Outcome.RECEIVED, ""),
            (Outcome.DAMAGED, note) if damaged else (Outcome.RECEIVED, ""),
            judge.dating(p.product_id, p.lot_number, p.expiry))
        counted[(p.product_id, p.lot_number, p.expiry, outcome)] += 1
        if outcome is Outcome.RECEIVED:
            good.append(p.id)
        else:
            held.append((p, outcome, detail))
    if held:
        _hold_expected(actor, asn, head, held, note)
    for start in range(0, len(good), BATCH):
        (ExpectedPackage.update(scan=head)
         .where(ExpectedPackage.id.in_(good[start:start + BATCH])).execute())
    return [Counted(pid, judge.product(pid).name, lot, expiry, outcome, n,
                    gtin=judge.product(pid).gtin)
            for (pid, lot, expiry, outcome), n in counted.items()]


def _hold_expected(actor: Actor, asn: ExpectedReceipt, head: ReceivingScan,
                   held: list[tuple[_Waiting, Outcome, str]], note: str) -> None:
    """One open scan row per held package of a case, then each expected package pointed
    at its row. An open row is found again by (notice, product, serial): a package is
    counted once at a time."""
    now = utc_now()
    bulk_insert(
        [ReceivingScan.asn, ReceivingScan.supplier, ReceivingScan.raw, ReceivingScan.sscc,
         ReceivingScan.product, ReceivingScan.serial, ReceivingScan.lot_number,
         ReceivingScan.expiry, ReceivingScan.units, ReceivingScan.outcome,
         ReceivingScan.detail, ReceivingScan.note, ReceivingScan.scanned_at,
         ReceivingScan.scanned_by],
        [(asn.id, asn.supplier_id, "", head.sscc, p.product_id, p.serial, p.lot_number,
          p.expiry, 1, outcome.value, detail[:300], note[:200], now, actor.username)
         for p, outcome, detail in held])
    row = ReceivingScan.alias()
    row_of_package = (row.select(row.id)
                      .where((row.asn == ExpectedPackage.asn) & row.receipt.is_null()
                             & (row.id > head.id) & (row.raw == "")
                             & (row.product == ExpectedPackage.product)
                             & (row.serial == ExpectedPackage.serial)))
    ids = [p.id for p, _, _ in held]
    for start in range(0, len(ids), BATCH):
        (ExpectedPackage.update(scan=row_of_package)
         .where(ExpectedPackage.id.in_(ids[start:start + BATCH])).execute())


def _scan_package(actor: Actor, asn, po, scan: Scan, judge: _Judge, damaged: bool,
                  note: str) -> ScanResult:
    product = Product.get_or_none(Product.gtin == scan.gtin)
    if product is None:
        raise ScanRefused(f"GTIN {scan.gtin} is not in the product master. Add the product "
                          "(or import the supplier's file), then scan again.")
    judge.products[product.id] = product
    supplier_id = asn.supplier_id if asn is not None else po.supplier_id
    expected = None
    if asn is not None:
        expected = ExpectedPackage.get_or_none(
            (ExpectedPackage.asn == asn) & (ExpectedPackage.product == product)
            & (ExpectedPackage.serial == scan.serial))
        if expected is not None and expected.scan_id is not None:
            raise ScanRefused(f"Package {scan.gtin} serial {scan.serial} was already scanned "
                              "(by itself or in its case).")
    if expected is None and _open_scans(asn, po).where(
            (ReceivingScan.product == product) & (ReceivingScan.serial == scan.serial)).exists():
        raise ScanRefused(f"Package {scan.gtin} serial {scan.serial} was already scanned.")
    duplicate = bool(judge.in_rxdesk(product.id, [scan.serial]))
    if expected is None:
        data = ((Outcome.OVERAGE, f"not in ship notice {asn.id}") if asn is not None
                else (Outcome.PRODUCT_WITHOUT_DATA, f"no supplier file for {po.number}"))
    elif expected.lot_number != scan.lot:
        data = (Outcome.LOT_MISMATCH, f"label lot {scan.lot}, supplier data lot "
                f"{expected.lot_number}")
    elif expected.expiry != scan.expiry:
        data = (Outcome.EXPIRY_MISMATCH, f"label expiry {scan.expiry}, supplier data expiry "
                f"{expected.expiry}")
    else:
        data = (Outcome.RECEIVED, "")
    outcome, detail = _stronger(
        (Outcome.ALREADY_IN_STOCK, "serial already in RxDesk") if duplicate
        else (Outcome.RECEIVED, ""),
        (Outcome.DAMAGED, note) if damaged else (Outcome.RECEIVED, ""),
        data, judge.dating(product.id, scan.lot, scan.expiry))
    row = _new_scan(actor, asn, po, supplier_id, scan.raw, outcome, product=product,
                    serial=scan.serial, lot_number=scan.lot, expiry=scan.expiry,
                    detail=detail[:300], note=note[:200])
    if expected is not None:
        ExpectedPackage.update(scan=row).where(ExpectedPackage.id == expected.id).execute()
    counted = [Counted(product.id, product.name, scan.lot, scan.expiry, outcome, 1,
                       scan.serial, product.gtin)]
    return _result(row, counted, f"{product.name} serial {scan.serial}")


def _result(row: ReceivingScan, counted: list[Counted], what: str) -> ScanResult:
    units = sum(c.units for c in counted)
    problems = [c for c in counted if c.outcome is not Outcome.RECEIVED]
    if not problems:
        return ScanResult(row.id, Outcome.RECEIVED, units, f"{what}: {units} received", counted)
    headline = problems[0].outcome if len(problems) == len(counted) else Outcome.RECEIVED
    parts = [f"{c.units} {c.outcome.label.lower()} ({c.outcome.consequence})" for c in problems]
    good = units - sum(c.units for c in problems)
    message = f"{what}: " + ("; ".join(parts) if not good else
                             f"{good} received; " + "; ".join(parts))
    return ScanResult(row.id, headline, units, message, counted)


def remove_scan(actor: Actor, scan_id: int) -> int:
    """Take back an open scan; returns the packages no longer counted.

    A case, a pallet or the 'loose packages' row of scan_everything_expected takes its
    package exceptions with it: the rows written right after it for the same notice and
    SSCC ('' for loose packages) without a scan of their own (raw ''), up to the next such
    head row. Removing one of those exception rows alone takes back just that package."""
    with write_transaction():
        authorize(actor, Permission.RECEIVE)
        row = ReceivingScan.get_or_none(ReceivingScan.id == scan_id)
        if row is None:
            raise NotFound("scan", scan_id)
        if row.receipt_id is not None:
            raise InvalidInput("scan", "This scan is on a posted receipt; a posted receipt is "
                               "corrected by a new stock adjustment, not by removing scans.")
        ids = [row.id]
        if not row.serial:
            same = ((ReceivingScan.asn == row.asn_id) & ReceivingScan.receipt.is_null()
                    & (ReceivingScan.sscc == row.sscc) & (ReceivingScan.id > row.id))
            next_head = (ReceivingScan.select(fn.MIN(ReceivingScan.id))
                         .where(same & (ReceivingScan.serial == "")).scalar())
            held = same & (ReceivingScan.raw == "") & (ReceivingScan.serial != "")
            if next_head is not None:
                held &= ReceivingScan.id < next_head
            ids += [i for (i,) in ReceivingScan.select(ReceivingScan.id).where(held).tuples()]
        uncounted = (ExpectedPackage.update(scan=None)
                     .where(ExpectedPackage.scan.in_(ids)).execute())
        ReceivingScan.delete().where(ReceivingScan.id.in_(ids)).execute()
        units = uncounted if not row.serial else 1
        what = (f"case {row.sscc}" if row.sscc and not row.serial
                else row.detail if not row.serial else f"serial {row.serial}")
        audit.record(actor, "remove_scan", "receiving_scan", row.id,
                     f"{what}: {units} no longer counted")
        return units


def scan_everything_expected(actor: Actor, asn_id: int) -> list[ScanResult]:
    """What `receive --all` does: count every unscanned case and loose package of the ship
    notice as if scanned, with the same outcomes a scan would give."""
    results = []
    with write_transaction():
        authorize(actor, Permission.RECEIVE)
        asn, _ = _open_delivery(Delivery(asn_id=asn_id))
        judge = _Judge(date.today())
        inside: dict[str, list[str]] = defaultdict(list)
        tops = []
        for sscc, parent in (ExpectedContainer.select(ExpectedContainer.sscc,
                                                      ExpectedContainer.parent_sscc)
                             .where(ExpectedContainer.asn == asn)
                             .order_by(ExpectedContainer.id).tuples()):
            (inside[parent] if parent else tops).append(sscc)
        for sscc in tops:
            contents, level = [sscc], [sscc]
            while level:
                level = [s for parent in level for s in inside[parent]]
                contents += level
            waiting = _waiting(asn, ExpectedPackage.case_sscc.in_(contents))
            if waiting:
                head = _new_scan(actor, asn, None, asn.supplier_id, "", Outcome.RECEIVED,
                                 sscc=sscc, units=len(waiting),
                                 detail=f"case of {len(waiting)} packages (all expected)")
                results.append(_result(head, _judge_expected(actor, asn, head, waiting, judge,
                                                             False, ""), f"Case {sscc}"))
        loose = _waiting(asn, ExpectedPackage.case_sscc == "")
        if loose:
            head = _new_scan(actor, asn, None, asn.supplier_id, "", Outcome.RECEIVED,
                             units=len(loose), detail=f"{len(loose)} loose packages")
            results.append(_result(head, _judge_expected(actor, asn, head, loose, judge, False,
                                                         ""), "Loose packages"))
    return results


# ----------------------------------------------------------------------------- posting

@dataclass
class _Arrival:
    """One package entering (or, for a duplicate serial, not entering) our stock."""

    product_id: int
    serial: str
    lot_number: str
    expiry: date
    case_sscc: str
    outcome: Outcome
    detail: str
    with_data: bool  # the supplier's file covers it (its TI was received)


def _arrivals(asn, po) -> list[_Arrival]:
    scans = _open_scans(asn, po)
    arrivals: list[_Arrival] = []
    if asn is not None:
        rows = (ExpectedPackage
                .select(ExpectedPackage.product, ExpectedPackage.serial,
                        ExpectedPackage.lot_number, ExpectedPackage.expiry,
                        ExpectedPackage.case_sscc, ReceivingScan.outcome, ReceivingScan.detail,
                        ReceivingScan.lot_number, ReceivingScan.expiry, ReceivingScan.serial)
                .join(ReceivingScan, on=(ExpectedPackage.scan == ReceivingScan.id))
                .where((ExpectedPackage.asn == asn) & ReceivingScan.receipt.is_null())
                .order_by(ExpectedPackage.id).tuples())
        outcomes = {o.value: o for o in Outcome}
        for (product_id, serial, lot, expiry, case_sscc, outcome, detail, scan_lot, scan_expiry,
             scan_serial) in rows:
            outcome = outcomes[outcome]
            # A mismatch keeps what the label says; the data's lot stays on the exception.
            if outcome in MISMATCH and scan_serial:
                lot, expiry = scan_lot, scan_expiry
            arrivals.append(_Arrival(product_id, serial, lot, expiry, case_sscc, outcome,
                                     detail, True))
    # Scanned packages the data does not cover (overage, product without data).
    unexpected = scans.where((ReceivingScan.serial != "") & ~fn.EXISTS(
        ExpectedPackage.select(ExpectedPackage.id).where(
            ExpectedPackage.scan == ReceivingScan.id)))
    for s in unexpected:
        arrivals.append(_Arrival(s.product_id, s.serial, s.lot_number, s.expiry, "",
                                 Outcome(s.outcome), s.detail, False))
    return arrivals


def post_receipt(actor: Actor, delivery: Delivery, putaway: Mapping[str, str] | None = None,
                 note: str = "", final: bool = False) -> ReceiptResult:
    """Post every open scan of `delivery` as one receipt (see the module docstring).
    `putaway` maps a GTIN to the bin its saleable units go to instead of the suggestion.

    `final` says this posting is the whole of what will come on the ship notice: the
    packages never scanned are recorded on this receipt (shortage when some of their lot
    came, data without product when none did) and the notice closes (received, or
    closed short). Without it the notice stays open and the rest is still expected: a
    distributor posts what is on the dock so it can be sold, and the second pallet may
    come after lunch or on tomorrow's truck. Calling that a shortage at every posting
    would record the same missing packages once per posting, and shortages for packages
    that then arrive; the supplier's credit claim and the DSCSA record need each missing
    package on file exactly once, when the notice ends (here, or in close_asn)."""
    if final and delivery.asn_id is None:
        raise InvalidInput("final", "Without the supplier's file nothing is recorded as short: "
                           "the purchase order keeps what is still open. Close the purchase "
                           "order in Purchasing when the rest will not come.")
    with write_transaction():
        authorize(actor, Permission.RECEIVE)
        asn, po = _open_delivery(delivery)
        supplier_id = asn.supplier_id if asn is not None else po.supplier_id
        require_authorized(supplier_id)
        arrivals = _arrivals(asn, po)
        if not arrivals:
            raise NothingToPost("Nothing has been scanned for this delivery yet.")
        posting = _Posting(actor, asn, po, supplier_id, note)
        posting.bins(arrivals, putaway or {})
        posting.stock(arrivals)
        posting.cost_layers()
        posting.dscsa(arrivals)
        if final:
            posting.shortages()
        result = posting.finish()
        audit.record(actor, "post_receipt", "receipt", posting.receipt.id, posting.summary())
        return result


class _Posting:
    def __init__(self, actor: Actor, asn, po, supplier_id: int, note: str):
        self.actor, self.asn, self.po, self.supplier_id = actor, asn, po, supplier_id
        self.warnings: list[str] = []
        self.exceptions: list[Counted] = []
        self.entered: Counter = Counter()  # (product_id, lot_id) -> units now ours
        self.placed: Counter = Counter()  # (product_id, lot_id, location code) -> units
        self.lots: dict[tuple[int, str], Lot] = {}
        self.products = {}
        self.receipt = _new_receipt(actor, asn, po, supplier_id, note)
        self._po_cost: dict[int, Decimal] | None = None
        self.document = f"receipt:{self.receipt.id}"
        self.closed_short = False
        self.asn_status: AsnStatus | None = None
        self.still_expected = 0
        self.system = {LocationKind(k): i for i, k in Location.select(Location.id, Location.kind)
                       .where(Location.kind.in_([LocationKind.SUPPLIER.value,
                                                 LocationKind.RECEIVING.value,
                                                 LocationKind.QUARANTINE.value])).tuples()}

    def product(self, product_id: int) -> Product:
        if product_id not in self.products:
            self.products[product_id] = Product.get_by_id(product_id)
        return self.products[product_id]

    # -- where saleable units go --------------------------------------------------------
    def bins(self, arrivals: Iterable[_Arrival], putaway: Mapping[str, str]) -> None:
        self.bin_of: dict[int, Location] = {}
        for product_id in {a.product_id for a in arrivals if a.outcome is Outcome.RECEIVED}:
            product = self.product(product_id)
            code = putaway.get(product.gtin)
            if code:
                bin_ = Location.get_or_none(Location.code == code.strip().upper())
                if bin_ is None or bin_.kind != LocationKind.BIN.value or not bin_.active:
                    raise InvalidInput("putaway", f"{code} is not an active bin; choose a bin "
                                       f"for {product.name}.")
            else:
                bin_ = suggest_bin(product)
            self.bin_of[product_id] = bin_

    # -- packages and moves --------------------------------------------------------------
    def _lot(self, product_id: int, lot_number: str, expiry: date) -> Lot:
        key = (product_id, lot_number)
        if key not in self.lots:
            lot = Lot.get_or_none((Lot.product == product_id) & (Lot.lot_number == lot_number))
            self.lots[key] = lot or Lot.create(product=product_id, lot_number=lot_number,
                                               expiry=expiry)
        return self.lots[key]

    def _containers(self, arrivals: Iterable[_Arrival]) -> dict[str, int]:
        ssccs = {a.case_sscc for a in arrivals if a.case_sscc}
        if not ssccs:
            return {}
        parents = dict(ExpectedContainer.select(ExpectedContainer.sscc,
                                                ExpectedContainer.parent_sscc)
                       .where((ExpectedContainer.asn == self.asn)).tuples())
        wanted = set(ssccs)
        for sscc in list(ssccs):
            while parents.get(sscc):
                sscc = parents[sscc]
                wanted.add(sscc)
        have = self._container_ids(wanted)
        missing = wanted - set(have)
        now = utc_now()
        while missing:  # parents first, so each case can point at its pallet
            level = {s for s in missing if not parents.get(s) or parents[s] in have}
            bulk_insert([Container.sscc, Container.parent, Container.created_at],
                        [(s, have.get(parents.get(s)), now) for s in sorted(level)])
            have.update(self._container_ids(level))
            missing -= level
        return have

    @staticmethod
    def _container_ids(ssccs: set[str]) -> dict[str, int]:
        wanted, found = sorted(ssccs), {}
        for start in range(0, len(wanted), BATCH):
            found.update(Container.select(Container.sscc, Container.id)
                         .where(Container.sscc.in_(wanted[start:start + BATCH])).tuples())
        return found

    def stock(self, arrivals: list[_Arrival]) -> None:
        containers = self._containers(arrivals)
        receiving = self.system[LocationKind.RECEIVING]
        supplier = self.system[LocationKind.SUPPLIER]
        entering = [a for a in arrivals if a.outcome is not Outcome.ALREADY_IN_STOCK]
        for a in arrivals:
            if a.outcome is Outcome.ALREADY_IN_STOCK:
                self._suspect_duplicate(a)
        # Written where the putaway below leaves them: the moves then need not touch them.
        bulk_insert([Package.product, Package.lot, Package.serial, Package.status,
                     Package.location, Package.container],
                    [(a.product_id, self._lot(a.product_id, a.lot_number, a.expiry).id,
                      a.serial, a.outcome.stock_status.value, self._destination(a),
                      containers.get(a.case_sscc)) for a in entering])
        ids = self._package_ids(entering)
        self.package_ids = ids
        inbound, putaway = [], []
        for a in entering:
            lot = self.lots[(a.product_id, a.lot_number)]
            package_id = ids[(a.product_id, a.serial)]
            status = a.outcome.stock_status
            inbound.append(MoveLine(a.product_id, lot.id, 1, supplier, None, receiving, status,
                                    package_id))
            to = self._destination(a)
            putaway.append(MoveLine(a.product_id, lot.id, 1, receiving, status, to, status,
                                    package_id))
            self.entered[(a.product_id, lot.id)] += 1
            where = (self.bin_of[a.product_id].code if status is PackageStatus.SALEABLE
                     else "QUARANTINE")
            self.placed[(a.product_id, lot.id, where)] += 1
            if a.outcome is not Outcome.RECEIVED:
                self._exception(a, package_id)
        ledger.post(self.actor, inbound, MoveReason.RECEIPT, self.document,
                    cache_packages=False,
                    unit_costs={lot_id: self.unit_cost(product_id)[0]
                                for product_id, lot_id in self.entered})
        ledger.post(self.actor, putaway, MoveReason.PUTAWAY, self.document,
                    cache_packages=False)

    def _destination(self, a: _Arrival) -> int:
        """The saleable bin, or quarantine for every exception that enters stock."""
        if a.outcome.stock_status is PackageStatus.SALEABLE:
            return self.bin_of[a.product_id].id
        return self.system[LocationKind.QUARANTINE]

    def _package_ids(self, arrivals: list[_Arrival]) -> dict[tuple[int, str], int]:
        ids: dict[tuple[int, str], int] = {}
        by_product: dict[int, list[str]] = defaultdict(list)
        for a in arrivals:
            by_product[a.product_id].append(a.serial)
        for product_id, serials in by_product.items():
            for start in range(0, len(serials), BATCH):
                for pid, serial in Package.select(Package.id, Package.serial).where(
                        (Package.product == product_id)
                        & Package.serial.in_(serials[start:start + BATCH])).tuples():
                    ids[(product_id, serial)] = pid
        return ids

    def _suspect_duplicate(self, a: _Arrival) -> None:
        """The serial is already ours: the one on the dock is not entered (a serial exists
        once), and ours, if still in the warehouse, becomes suspect with it."""
        ours = Package.get((Package.product == a.product_id) & (Package.serial == a.serial))
        detail = a.detail
        if ledger.location_kinds()[ours.location_id].internal and ours.status not in (
                PackageStatus.SUSPECT.value,):
            quarantine = self.system[LocationKind.QUARANTINE]
            ledger.post(self.actor, [MoveLine(
                a.product_id, ours.lot_id, 1, ours.location_id, PackageStatus(ours.status),
                quarantine, PackageStatus.SUSPECT, ours.id)], MoveReason.QUARANTINE,
                self.document, note=f"same serial delivered again on {self.receipt.number}")
            detail += "; our package with this serial moved to quarantine as suspect"
        else:
            detail += f"; ours is {ours.status}"
        self._exception(a, ours.id, detail)

    def _exception(self, a: _Arrival, package_id: int | None, detail: str | None = None):
        ReceiptException.create(
            receipt=self.receipt, outcome=a.outcome.value, product=a.product_id,
            serial=a.serial, lot_number=a.lot_number, expiry=a.expiry, sscc=a.case_sscc,
            quantity=1, package=package_id, detail=(detail or a.detail)[:300])
        product = self.product(a.product_id)
        self.exceptions.append(Counted(a.product_id, product.name, a.lot_number, a.expiry,
                                       a.outcome, 1, a.serial, product.gtin))

    # -- cost ------------------------------------------------------------------------
    def unit_cost(self, product_id: int) -> tuple[Decimal, str]:
        """The PO line's unit cost, else the product's standard cost: what the units are
        booked at (Inventory / GRNI) and what the supplier's bill is matched against."""
        if self._po_cost is None:
            self._po_cost = {}
            if self.po is not None:
                for line in (PurchaseOrderLine.select()
                             .where(PurchaseOrderLine.order == self.po)
                             .order_by(PurchaseOrderLine.line_no.desc())):
                    self._po_cost[line.product_id] = line.unit_cost
        if product_id in self._po_cost:
            return self._po_cost[product_id], "po"
        return self.product(product_id).standard_cost, "standard"

    def cost_layers(self) -> None:
        for (product_id, lot_id), units in self.entered.items():
            cost, source = self.unit_cost(product_id)
            if source == "standard":
                product = self.product(product_id)
                reason = ("no purchase order" if self.po is None
                          else f"not on {self.po.number}")
                self.warnings.append(
                    f"{product.name}: costed at standard cost {cost} ({reason}); fix the cost "
                    "before the supplier's bill is entered.")
            ReceiptLine.create(receipt=self.receipt, product=product_id, lot=lot_id,
                               quantity=units, unit_cost=cost, cost_source=source)

    # -- DSCSA -----------------------------------------------------------------------
    def dscsa(self, arrivals: list[_Arrival]) -> None:
        """The transaction information received with the file, for what arrived with it."""
        if self.asn is None:
            return
        covered = [a for a in arrivals
                   if a.with_data and a.outcome is not Outcome.ALREADY_IN_STOCK]
        if not covered:
            return
        company = Company.get_by_id(1)
        shipped = self.asn.shipped_at.date() if self.asn.shipped_at else date.today()
        txn = DscsaTransaction.create(
            direction="in", partner=self.supplier_id, receipt=self.receipt, file=self.asn.file_id,
            transaction_date=shipped, shipment_date=shipped, seller_name=self.asn.seller_name,
            seller_address=self.asn.seller_address, buyer_name=company.legal_name,
            buyer_address=", ".join(p for p in (company.street, company.city, company.state,
                                                company.postal_code, company.country) if p),
            statement_affirmed=self.asn.statement_affirmed, legal_notice=self.asn.legal_notice,
            created_at=utc_now())
        by_lot: dict[tuple[int, str], list[_Arrival]] = defaultdict(list)
        for a in covered:
            by_lot[(a.product_id, a.lot_number)].append(a)
        for (product_id, lot_number), group in by_lot.items():
            product = self.product(product_id)
            line = DscsaLine.create(
                transaction=txn, product=product_id, lot=self.lots[(product_id, lot_number)],
                quantity=len(group), product_name=product.name, strength=product.strength,
                dosage_form=product.dosage_form,
                ndc=Ndc(product.ndc_labeler, product.ndc_product, product.ndc_package,
                        product.ndc_layout).ndc10,
                container_size=product.package_description)
            bulk_insert([DscsaPackage.line, DscsaPackage.package],
                        [(line.id, self.package_ids[(product_id, a.serial)]) for a in group])
        self.transaction = txn

    # -- what did not come -----------------------------------------------------------
    def shortages(self) -> None:
        if self.asn is None:
            return
        missing = _never_received(self.asn)
        _record_missing(self.receipt, self.asn, missing)
        self.exceptions.extend(missing)
        self.closed_short = bool(missing)

    def finish(self) -> ReceiptResult:
        self._stamp_scans()
        asn_status, still_expected = None, 0
        if self.asn is not None:
            if self.closed_short:
                asn_status = AsnStatus.CLOSED_SHORT
            else:
                still_expected = ExpectedPackage.select().where(
                    (ExpectedPackage.asn == self.asn) & ExpectedPackage.scan.is_null()).count()
                asn_status = (AsnStatus.PARTIALLY_RECEIVED if still_expected
                              else AsnStatus.RECEIVED)
            ExpectedReceipt.update(status=asn_status.value).where(
                ExpectedReceipt.id == self.asn.id).execute()
        po_status = None
        if self.po is not None:
            by_product: Counter = Counter()
            for (product_id, _), units in self.entered.items():
                by_product[product_id] += units
            purchasing.record_received(self.po, dict(by_product))
            po_status = PoStatus(PurchaseOrder.get_by_id(self.po.id).status)
        received = [(self.product(pid).gtin, self.product(pid).name,
                     Lot.get_by_id(lot_id).lot_number, units, where)
                    for (pid, lot_id, where), units in sorted(self.placed.items())]
        self.asn_status, self.still_expected = asn_status, still_expected
        return ReceiptResult(self.receipt.id, self.receipt.number, received, self.exceptions,
                             self.warnings, asn_status, po_status, still_expected)

    def _stamp_scans(self) -> None:
        ids = [i for (i,) in _open_scans(self.asn, self.po).select(ReceivingScan.id).tuples()]
        for start in range(0, len(ids), BATCH):
            (ReceivingScan.update(receipt=self.receipt)
             .where(ReceivingScan.id.in_(ids[start:start + BATCH])).execute())

    def summary(self) -> str:
        units = sum(self.entered.values())
        kinds = Counter(e.outcome.label for e in self.exceptions for _ in range(e.units))
        text = f"{self.receipt.number}: {units} units from supplier {self.supplier_id}"
        if self.asn is not None:
            text += f", ship notice {self.asn.id}"
        if self.po is not None:
            text += f", {self.po.number}"
        if kinds:
            text += "; exceptions: " + ", ".join(f"{n} {k.lower()}" for k, n in kinds.items())
        if self.asn_status is AsnStatus.CLOSED_SHORT:
            text += "; final: ship notice closed short"
        elif self.still_expected:
            text += f"; {self.still_expected} still expected"
        return text


def _new_receipt(actor: Actor, asn, po, supplier_id: int, note: str) -> Receipt:
    number = (Receipt.select(fn.MAX(Receipt.id)).scalar() or 0) + 1
    return Receipt.create(
        id=number, number=f"RC-{number:06d}", asn=asn, purchase_order=po,
        supplier=supplier_id, received_at=utc_now(), received_by=actor.username,
        note=note.strip())


def _never_received(asn: ExpectedReceipt) -> list[Counted]:
    """The notice's expected packages never scanned, per product, lot and expiry:
    SHORTAGE when some of that lot came, DATA_WITHOUT_PRODUCT when none of it did
    (core.queries.receiving.shortfalls_if_closed shows the same before it is done)."""
    rows = list(ExpectedPackage
                .select(ExpectedPackage.product, Product.name, Product.gtin,
                        ExpectedPackage.lot_number, ExpectedPackage.expiry,
                        fn.COUNT(ExpectedPackage.id), fn.COUNT(ExpectedPackage.scan))
                .join(Product, on=(ExpectedPackage.product == Product.id))
                .where(ExpectedPackage.asn == asn)
                .group_by(ExpectedPackage.product, Product.name, Product.gtin,
                          ExpectedPackage.lot_number, ExpectedPackage.expiry)
                .order_by(Product.name, ExpectedPackage.lot_number, ExpectedPackage.expiry)
                .tuples())
    came = {(pid, lot) for pid, _, _, lot, _, _, scanned in rows if scanned}
    return [Counted(pid, name, lot, expiry,
                    Outcome.SHORTAGE if (pid, lot) in came else Outcome.DATA_WITHOUT_PRODUCT,
                    total - scanned, gtin=gtin)
            for pid, name, gtin, lot, expiry, total, scanned in rows if total > scanned]


def _record_missing(receipt: Receipt, asn: ExpectedReceipt, missing: list[Counted]) -> None:
    bulk_insert([ReceiptException.receipt, ReceiptException.outcome, ReceiptException.product,
                 ReceiptException.serial, ReceiptException.lot_number, ReceiptException.expiry,
                 ReceiptException.sscc, ReceiptException.quantity, ReceiptException.detail],
                [(receipt.id, m.outcome.value, m.product_id, "", m.lot_number, m.expiry, "",
                  m.units, f"{m.units} in ship notice {asn.id}, not delivered")
                 for m in missing])


def suggest_bin(product: Product) -> Location:
    """Where a product's saleable units go (core.queries.receiving.suggested_bin: the
    bin already holding most of it, else the first bin kept at its storage temperature)."""
    code, _why = suggested_bin(product.id, product.storage)
    if not code:
        raise InvalidInput("putaway", f"There is no active bin kept {product.storage} for "
                           f"{product.name}. Set up a bin first (Locations), or choose one.")
    return Location.get(Location.code == code)


@dataclass
class ClosedShort:
    receipt_id: int | None  # the receipt holding the shortage record; None if nothing was due
    number: str
    shortages: list[Counted]  # shortage / data without product, per product and lot

    @property
    def units(self) -> int:
        return sum(s.units for s in self.shortages)


def close_asn(actor: Actor, asn_id: int, reason: str) -> ClosedShort:
    """The rest of a ship notice will not come: close it short, with the reason.

    The packages never received are recorded (shortage, or data without product when
    none of their lot came) on a receipt of their own that moves no stock: the shortage
    is then on file next to the notice's deliveries, where the lot trace, the DSCSA
    record and the supplier's credit claim look for it."""
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the rest will not arrive (e.g. 'supplier "
                           "confirmed short shipment, credit requested').")
    with write_transaction():
        authorize(actor, Permission.RECEIVE)
        asn, po = _open_delivery(Delivery(asn_id=asn_id))
        if _open_scans(asn, None).exists():
            raise InvalidInput("asn", "Post or remove the open scans of this ship notice first.")
        missing = _never_received(asn)
        closed = ClosedShort(None, "", missing)
        if missing:
            receipt = _new_receipt(actor, asn, po, asn.supplier_id,
                                   f"Ship notice closed short: {reason.strip()}")
            _record_missing(receipt, asn, missing)
            closed = ClosedShort(receipt.id, receipt.number, missing)
        ExpectedReceipt.update(status=AsnStatus.CLOSED_SHORT.value).where(
            ExpectedReceipt.id == asn.id).execute()
        summary = reason.strip()[:200]
        if missing:
            summary += (f"; {closed.number}: {closed.units} not delivered ("
                        + ", ".join(f"{m.units} {m.outcome.label.lower()} lot {m.lot_number}"
                                    for m in missing[:5]) + ")")
        audit.record(actor, "close_asn", "expected_receipt", asn.id, summary)
        return closed
