"""Receiving as the dock screen reads it: the ship notices and purchase orders waiting
to be received, the live tally of a delivery (expected against scanned, per product and
lot), its open scans, where the saleable units will be put away, and what closing the
ship notice now (a final posting, or closing it short) would record as not delivered.

The tally counts an expected package under the lot the supplier's data gives it, even
when its label showed another lot (a lot mismatch): that is how the shortage is decided.
Scans the data does not cover are counted under the lot on their label.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from peewee import JOIN, fn

from core.errors import NotFound
from core.models import (ExpectedPackage, ExpectedReceipt, Location, Partner, Product,
                         PurchaseOrder, PurchaseOrderLine, ReceivingScan, StockBalance)
from core.queries.paging import PAGE, contains
from core.queries.purchasing import PoRow
from core.vocab import AsnStatus, LocationKind, PoStatus
from core.vocab import ReceiveOutcome as Outcome

OPEN_ASN = (AsnStatus.EXPECTED.value, AsnStatus.PARTIALLY_RECEIVED.value)
OPEN_PO = (PoStatus.CONFIRMED.value, PoStatus.PARTIALLY_RECEIVED.value)
# Outcomes of scans that do not stand for an expected package.
NOT_EXPECTED = (Outcome.OVERAGE,)


# ------------------------------------------------------------------ what is waiting

@dataclass(frozen=True)
class ShipNoticeRow:
    id: int
    supplier_id: int
    supplier: str
    po_id: int | None
    po_number: str  # the linked PO, else the file's own PO reference
    reference: str  # the supplier's despatch advice number
    document_id: str
    shipped_at: datetime | None
    status: AsnStatus
    expected: int  # packages in the file
    scanned: int  # of those, scanned (open scans and earlier receipts)
    open_scans: int
    warnings: tuple[str, ...] = ()
    created_at: datetime | None = None

    @property
    def title(self) -> str:
        what = self.po_number or self.reference or self.document_id or f"#{self.id}"
        return f"{self.supplier} · {what}"


def _notices(text: str):
    query = (ExpectedReceipt.select(ExpectedReceipt, Partner.name, PurchaseOrder.number)
             .join(Partner, on=(ExpectedReceipt.supplier == Partner.id))
             .switch(ExpectedReceipt)
             .join(PurchaseOrder, JOIN.LEFT_OUTER,
                   on=(ExpectedReceipt.purchase_order == PurchaseOrder.id))
             .where(ExpectedReceipt.status.in_(OPEN_ASN)))
    text = (text or "").strip()
    if text:
        query = query.where(contains(Partner.name, text) | contains(PurchaseOrder.number, text)
                            | contains(ExpectedReceipt.po_reference, text)
                            | contains(ExpectedReceipt.despatch_reference, text)
                            | contains(ExpectedReceipt.document_id, text))
    return query


def count_open_ship_notices(text: str = "") -> int:
    return _notices(text).count()


def open_ship_notices(offset: int = 0, limit: int = PAGE, text: str = ""
                      ) -> list[ShipNoticeRow]:
    """Ship notices still to be received, oldest shipment first (that truck came first);
    `text` matches supplier, PO number or reference, or the document id."""
    notices = list(_notices(text).order_by(ExpectedReceipt.shipped_at.asc(nulls="LAST"),
                                           ExpectedReceipt.id)
                   .offset(offset).limit(limit).objects())
    ids = [n.id for n in notices]
    expected: dict[int, tuple[int, int]] = {}
    open_scans: dict[int, int] = {}
    if ids:
        expected = {asn: (total, done) for asn, total, done in (
            ExpectedPackage.select(ExpectedPackage.asn, fn.COUNT(ExpectedPackage.id),
                                   fn.COUNT(ExpectedPackage.scan))
            .where(ExpectedPackage.asn.in_(ids)).group_by(ExpectedPackage.asn).tuples())}
        open_scans = dict(ReceivingScan.select(ReceivingScan.asn, fn.COUNT(ReceivingScan.id))
                          .where(ReceivingScan.asn.in_(ids) & ReceivingScan.receipt.is_null())
                          .group_by(ReceivingScan.asn).tuples())
    return [ShipNoticeRow(
        n.id, n.supplier_id, n.name, n.purchase_order_id, n.number or n.po_reference,
        n.despatch_reference, n.document_id, n.shipped_at, AsnStatus(n.status),
        *expected.get(n.id, (0, 0)), open_scans.get(n.id, 0),
        tuple(w for w in n.warnings.splitlines() if w.strip()), n.created_at)
        for n in notices]


def ship_notice(asn_id: int) -> ShipNoticeRow:
    """One ship notice, open or not (the screen shows it again after posting)."""
    query = (ExpectedReceipt.select(ExpectedReceipt, Partner.name, PurchaseOrder.number)
             .join(Partner, on=(ExpectedReceipt.supplier == Partner.id))
             .switch(ExpectedReceipt)
             .join(PurchaseOrder, JOIN.LEFT_OUTER,
                   on=(ExpectedReceipt.purchase_order == PurchaseOrder.id))
             .where(ExpectedReceipt.id == asn_id).objects())
    n = query.first()
    if n is None:
        raise NotFound("ship notice", asn_id)
    total = ExpectedPackage.select().where(ExpectedPackage.asn == asn_id).count()
    done = ExpectedPackage.select().where((ExpectedPackage.asn == asn_id)
                                          & ExpectedPackage.scan.is_null(False)).count()
    scans = ReceivingScan.select().where((ReceivingScan.asn == asn_id)
                                         & ReceivingScan.receipt.is_null()).count()
    return ShipNoticeRow(n.id, n.supplier_id, n.name, n.purchase_order_id,
                         n.number or n.po_reference, n.despatch_reference, n.document_id,
                         n.shipped_at, AsnStatus(n.status), total, done, scans,
                         tuple(w for w in n.warnings.splitlines() if w.strip()), n.created_at)


def open_pos_to_receive(limit: int = PAGE, text: str = "") -> list[PoRow]:
    """Confirmed purchase orders not yet fully received, for a delivery that came
    without the supplier's file; the expected date first."""
    query = (PurchaseOrder.select(PurchaseOrder, Partner.name)
             .join(Partner, on=(PurchaseOrder.supplier == Partner.id))
             .where(PurchaseOrder.status.in_(OPEN_PO)))
    text = (text or "").strip()
    if text:
        query = query.where(contains(PurchaseOrder.number, text) | contains(Partner.name, text))
    orders = list(query.order_by(PurchaseOrder.expected_on.asc(nulls="LAST"),
                                 PurchaseOrder.id).limit(limit).objects())
    lines = {}
    if orders:
        lines = dict(PurchaseOrderLine.select(PurchaseOrderLine.order,
                                              fn.COUNT(PurchaseOrderLine.id))
                     .where(PurchaseOrderLine.order.in_([o.id for o in orders]))
                     .group_by(PurchaseOrderLine.order).tuples())
    return [PoRow(o.id, o.number, o.supplier_id, o.name, PoStatus(o.status), o.expected_on,
                  o.created_at, lines.get(o.id, 0)) for o in orders]


# ------------------------------------------------------------------- the live tally

@dataclass(frozen=True)
class TallyRow:
    """One product and lot of a delivery. For a PO without a file the lot is "" (the
    order says nothing about lots) and `earlier` is what earlier receipts brought."""

    product_id: int
    gtin: str
    product: str
    lot_number: str
    expiry: date | None
    expected: int
    earlier: int  # received on earlier receipts of this ship notice or PO
    ok: int  # scanned now, going to a saleable bin
    exceptions: tuple[tuple[Outcome, int], ...] = ()  # scanned now, held

    @property
    def exception_units(self) -> int:
        return sum(n for _, n in self.exceptions)

    @property
    def still_expected(self) -> int:
        """Not yet scanned: still expected until the ship notice is closed (a final
        posting or closing it short records them as not delivered)."""
        against = self.ok + sum(n for o, n in self.exceptions if o not in NOT_EXPECTED)
        return max(self.expected - self.earlier - against, 0)

    def with_counted(self, outcome: Outcome, units: int) -> TallyRow:
        """This row after a scan counted `units` with `outcome` (the incremental update)."""
        if outcome is Outcome.RECEIVED:
            return replace(self, ok=self.ok + units)
        merged = dict(self.exceptions)
        merged[outcome] = merged.get(outcome, 0) + units
        return replace(self, exceptions=_sorted_exceptions(merged))


def _sorted_exceptions(by_outcome: dict[Outcome, int]) -> tuple[tuple[Outcome, int], ...]:
    order = list(Outcome)
    return tuple(sorted(((o, n) for o, n in by_outcome.items() if n),
                        key=lambda pair: order.index(pair[0])))


@dataclass
class _Acc:
    expected: int = 0
    earlier: int = 0
    ok: int = 0
    expiry: date | None = None
    exceptions: dict[Outcome, int] = field(default_factory=dict)


def delivery_tally(asn_id: int | None = None, po_id: int | None = None) -> list[TallyRow]:
    """Expected against scanned for the delivery, per product and lot, by product name."""
    acc: dict[tuple[int, str], _Acc] = defaultdict(_Acc)

    def count(key, outcome: Outcome, units: int, expiry=None):
        row = acc[key]
        row.expiry = row.expiry or expiry
        if outcome is Outcome.RECEIVED:
            row.ok += units
        else:
            row.exceptions[outcome] = row.exceptions.get(outcome, 0) + units

    if asn_id is not None:
        scan_state = ReceivingScan.receipt.is_null(False)
        rows = (ExpectedPackage
                .select(ExpectedPackage.product, ExpectedPackage.lot_number,
                        fn.MIN(ExpectedPackage.expiry), ReceivingScan.outcome, scan_state,
                        fn.COUNT(ExpectedPackage.id))
                .join(ReceivingScan, JOIN.LEFT_OUTER,
                      on=(ExpectedPackage.scan == ReceivingScan.id))
                .where(ExpectedPackage.asn == asn_id)
                .group_by(ExpectedPackage.product, ExpectedPackage.lot_number,
                          ReceivingScan.outcome, scan_state).tuples())
        for product_id, lot, expiry, outcome, posted, n in rows:
            row = acc[(product_id, lot)]
            row.expected += n
            row.expiry = row.expiry or expiry
            if outcome is None:
                continue
            if posted:
                row.earlier += n
            else:
                count((product_id, lot), Outcome(outcome), n)
        # Scanned packages the file does not cover.
        unexpected = (ReceivingScan
                      .select(ReceivingScan.product, ReceivingScan.lot_number,
                              fn.MIN(ReceivingScan.expiry), ReceivingScan.outcome,
                              fn.COUNT(ReceivingScan.id))
                      .where((ReceivingScan.asn == asn_id) & ReceivingScan.receipt.is_null()
                             & (ReceivingScan.serial != "") & ~fn.EXISTS(
                                 ExpectedPackage.select(ExpectedPackage.id).where(
                                     ExpectedPackage.scan == ReceivingScan.id)))
                      .group_by(ReceivingScan.product, ReceivingScan.lot_number,
                                ReceivingScan.outcome).tuples())
        for product_id, lot, expiry, outcome, n in unexpected:
            count((product_id, lot), Outcome(outcome), n, expiry)
    elif po_id is not None:
        for product_id, quantity, received in (
                PurchaseOrderLine.select(PurchaseOrderLine.product,
                                         fn.SUM(PurchaseOrderLine.quantity),
                                         fn.SUM(PurchaseOrderLine.received_quantity))
                .where(PurchaseOrderLine.order == po_id)
                .group_by(PurchaseOrderLine.product).tuples()):
            row = acc[(product_id, "")]
            row.expected += int(quantity or 0)
            row.earlier += int(received or 0)
        for product_id, outcome, n in (
                ReceivingScan.select(ReceivingScan.product, ReceivingScan.outcome,
                                     fn.COUNT(ReceivingScan.id))
                .where((ReceivingScan.purchase_order == po_id) & ReceivingScan.asn.is_null()
                       & ReceivingScan.receipt.is_null() & (ReceivingScan.serial != ""))
                .group_by(ReceivingScan.product, ReceivingScan.outcome).tuples()):
            count((product_id, ""), Outcome(outcome), n)
    else:
        return []
    products = {p.id: p for p in Product.select(Product.id, Product.gtin, Product.name)
                .where(Product.id.in_(list({pid for pid, _ in acc})))} if acc else {}
    out = [TallyRow(pid, products[pid].gtin, products[pid].name, lot, a.expiry, a.expected,
                    a.earlier, a.ok, _sorted_exceptions(a.exceptions))
           for (pid, lot), a in acc.items()]
    return sorted(out, key=lambda r: (r.product.lower(), r.lot_number))


# ------------------------------------------------------------------------ open scans

@dataclass(frozen=True)
class OpenScanRow:
    id: int
    scanned_at: datetime
    scanned_by: str
    outcome: Outcome
    units: int  # a case: the packages it counted as received; a package: 1
    sscc: str
    gtin: str
    product: str
    serial: str
    lot_number: str
    expiry: date | None
    detail: str
    note: str

    @property
    def is_case(self) -> bool:
        """A case or pallet scan (or the 'everything expected' rows): removing it takes
        back every package it counted, exceptions included."""
        return not self.serial

    @property
    def what(self) -> str:
        if self.serial:
            return f"{self.product} · lot {self.lot_number} · serial {self.serial}"
        if self.sscc:
            return f"Case {self.sscc}"
        return self.detail or "Packages"


def _scans(asn_id: int | None, po_id: int | None):
    query = ReceivingScan.select().where(ReceivingScan.receipt.is_null())
    if asn_id is not None:
        return query.where(ReceivingScan.asn == asn_id)
    return query.where((ReceivingScan.purchase_order == po_id) & ReceivingScan.asn.is_null())


def count_open_scans(asn_id: int | None = None, po_id: int | None = None) -> int:
    return _scans(asn_id, po_id).count()


def open_scans(asn_id: int | None = None, po_id: int | None = None, offset: int = 0,
               limit: int = PAGE) -> list[OpenScanRow]:
    """The delivery's scans not yet posted, newest first."""
    rows = list(_scans(asn_id, po_id)
                .select(ReceivingScan, Product.gtin, Product.name)
                .join(Product, JOIN.LEFT_OUTER, on=(ReceivingScan.product == Product.id))
                .order_by(ReceivingScan.id.desc()).offset(offset).limit(limit).objects())
    heads = [r.id for r in rows if not r.serial]
    good = {}
    if heads:
        good = dict(ExpectedPackage.select(ExpectedPackage.scan, fn.COUNT(ExpectedPackage.id))
                    .where(ExpectedPackage.scan.in_(heads)).group_by(ExpectedPackage.scan)
                    .tuples())
    return [OpenScanRow(
        r.id, r.scanned_at, r.scanned_by, Outcome(r.outcome),
        r.units if r.serial else good.get(r.id, 0), r.sscc, r.gtin or "", r.name or "",
        r.serial, r.lot_number, r.expiry, r.detail, r.note) for r in rows]


# ------------------------------------------------------------------- before posting

@dataclass(frozen=True)
class PutawayRow:
    product_id: int
    gtin: str
    product: str
    storage: str
    units: int  # saleable units of this delivery going to the bin
    bin_code: str  # the suggestion; "" when no bin fits (one must be chosen)
    because: str  # why that bin, in words


def suggested_bin(product_id: int, storage: str) -> tuple[str, str]:
    """(bin code, why) for a product's saleable units: the active bin already holding
    most of it, else the first active bin (by pick sequence) at its storage
    temperature; ("", why not) when there is none."""
    holding = (Location.select(Location.code)
               .join(StockBalance, on=(StockBalance.location == Location.id))
               .where((StockBalance.product == product_id) & (StockBalance.quantity > 0)
                      & (Location.kind == LocationKind.BIN.value) & Location.active)
               .group_by(Location.id, Location.code)
               .order_by(fn.SUM(StockBalance.quantity).desc(), Location.code).tuples().first())
    if holding is not None:
        return holding[0], "already holds this product"
    first = (Location.select(Location.code)
             .where((Location.kind == LocationKind.BIN.value) & Location.active
                    & (Location.storage == storage))
             .order_by(Location.pick_sequence, Location.code).tuples().first())
    if first is not None:
        return first[0], f"first {storage} bin"
    return "", f"no active {storage} bin: set one up or choose one"


def putaway_suggestions(asn_id: int | None = None, po_id: int | None = None
                        ) -> list[PutawayRow]:
    """Per product, the saleable units scanned so far and the bin they would go to."""
    received = Outcome.RECEIVED.value
    if asn_id is not None:
        units = (ExpectedPackage.select(ExpectedPackage.product, fn.COUNT(ExpectedPackage.id))
                 .join(ReceivingScan, on=(ExpectedPackage.scan == ReceivingScan.id))
                 .where((ExpectedPackage.asn == asn_id) & ReceivingScan.receipt.is_null()
                        & (ReceivingScan.outcome == received))
                 .group_by(ExpectedPackage.product).tuples())
    else:
        units = (_scans(None, po_id).select(ReceivingScan.product, fn.COUNT(ReceivingScan.id))
                 .where((ReceivingScan.outcome == received) & (ReceivingScan.serial != ""))
                 .group_by(ReceivingScan.product).tuples())
    by_product = dict(units)
    if not by_product:
        return []
    rows = []
    for p in Product.select().where(Product.id.in_(list(by_product))).order_by(Product.name):
        code, because = suggested_bin(p.id, p.storage)
        rows.append(PutawayRow(p.id, p.gtin, p.name, p.storage, by_product[p.id], code,
                               because))
    return rows


@dataclass(frozen=True)
class Shortfall:
    product_id: int
    gtin: str
    product: str
    lot_number: str
    expiry: date | None
    units: int
    outcome: Outcome  # SHORTAGE (some of the lot came) or DATA_WITHOUT_PRODUCT (none)


def shortfalls_if_closed(asn_id: int) -> list[Shortfall]:
    """What closing the ship notice now (a final posting, or close_asn) records as not
    delivered: the expected packages nobody has scanned, per product and lot
    (core.services.receiving records the same). A posting that is not final records
    none of it: the rest is still expected."""
    came = {(pid, lot) for pid, lot in ExpectedPackage
            .select(ExpectedPackage.product, ExpectedPackage.lot_number)
            .where((ExpectedPackage.asn == asn_id) & ExpectedPackage.scan.is_null(False))
            .distinct().tuples()}
    rows = (ExpectedPackage
            .select(ExpectedPackage.product, Product.gtin, Product.name,
                    ExpectedPackage.lot_number, ExpectedPackage.expiry,
                    fn.COUNT(ExpectedPackage.id))
            .join(Product, on=(ExpectedPackage.product == Product.id))
            .where((ExpectedPackage.asn == asn_id) & ExpectedPackage.scan.is_null())
            .group_by(ExpectedPackage.product, Product.gtin, Product.name,
                      ExpectedPackage.lot_number, ExpectedPackage.expiry)
            .order_by(Product.name, ExpectedPackage.lot_number).tuples())
    return [Shortfall(pid, gtin, name, lot, expiry, n,
                      Outcome.SHORTAGE if (pid, lot) in came else Outcome.DATA_WITHOUT_PRODUCT)
            for pid, gtin, name, lot, expiry, n in rows]
