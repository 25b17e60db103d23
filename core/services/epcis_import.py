"""Import a supplier's EPCIS 1.2 file as an advance ship notice (expected receipt).

The file is read and checked by core.epcis.reader (safe XML, GS1's XSD, DSCSA content
that needs no database); this module checks what needs the database and then writes
everything in one transaction, or nothing:

- the sender is a known supplier and an authorized trading partner today;
- the receiver, and the shipment's destination owning party, is our company's GLN;
- every GTIN is in our product master, or described by the file's EPCClass master data
  (then it is created and flagged "needs review");
- no package is already expected from another open ship notice.

The original bytes are stored with their SHA-256 (a six-year DSCSA record). Importing the
same bytes again returns the first import instead of duplicating it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from core import gs1
from core.db import bulk_insert, write_transaction
from core.epcis import EpcisDocument, ProductClass, read_epcis
from core.epcis.reader import MAX_BYTES
from core.errors import InvalidInput
from core.models import (Company, ExpectedContainer, ExpectedPackage, ExpectedReceipt, Lot,
                         Partner, PartnerAddress, Product, PurchaseOrder, StoredFile,
                         StoredFileChunk)
from core.models.base import utc_now
from core.ndc import Ndc, NdcError, ndc_from_gtin, parse_ndc
from core.permissions import Actor, Permission
from core.queries.atp import require_authorized
from core.services import audit
from core.services.access import authorize
from core.vocab import AddressKind, AsnStatus, PoStatus

CHUNK = 1 << 20
OPEN_PO = (PoStatus.CONFIRMED.value, PoStatus.PARTIALLY_RECEIVED.value)
OPEN_ASN = (AsnStatus.EXPECTED.value, AsnStatus.PARTIALLY_RECEIVED.value)


class EpcisNotAccepted(InvalidInput):
    """The file is valid EPCIS but cannot be accepted from this sender by us; `cause`
    says why ("unknown_sender", "not_a_supplier", "wrong_receiver", "unknown_product",
    "product_mismatch", "already_expected", "document_reused")."""

    title = "Supplier file refused"

    def __init__(self, message: str, cause: str):
        super().__init__("file", message)
        self.cause = cause


@dataclass
class ImportResult:
    asn_id: int
    supplier_gln: str
    supplier: str
    po_number: str | None
    products: int
    lots: int
    packages: int
    cases: int
    new_products: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    already_imported: bool = False

    def as_json(self) -> dict[str, object]:
        return {"asn": self.asn_id, "po": self.po_number, "supplier_gln": self.supplier_gln,
                "supplier": self.supplier, "products": self.products, "lots": self.lots,
                "packages": self.packages, "cases": self.cases,
                "new_products": self.new_products, "warnings": self.warnings,
                "sha256": self.sha256, "already_imported": self.already_imported}


def file_sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def import_epcis(actor: Actor, path: str | os.PathLike, max_bytes: int = MAX_BYTES
                 ) -> ImportResult:
    """Check and store one supplier file; see the module docstring."""
    authorize(actor, Permission.IMPORT_SUPPLIER_FILES)
    path = Path(path)
    try:
        sha, size = file_sha256(path)
    except OSError as exc:
        raise InvalidInput("file", f"Cannot read {path}: {exc.strerror or exc}.") from None
    previous = _previous_import(sha)
    if previous is not None:
        return previous
    doc = read_epcis(path, max_bytes=max_bytes)
    with write_transaction():
        authorize(actor, Permission.IMPORT_SUPPLIER_FILES)
        again = _previous_import(sha)  # another workstation may have just imported it
        if again is not None:
            return again
        plan = _Plan(doc)
        plan.check()
        stored = _store_file(actor, path, sha, size)
        new_products = plan.create_products()
        asn = ExpectedReceipt.create(
            file=stored, supplier=plan.supplier, purchase_order=plan.po,
            po_reference=plan.po_reference, despatch_reference=plan.despatch_reference,
            document_id=doc.header.document_id, seller_name=plan.seller_name,
            seller_address=plan.seller_address, shipped_at=plan.shipped_at,
            status=AsnStatus.EXPECTED.value, warnings="\n".join(plan.warnings),
            statement_affirmed=bool(doc.statement and doc.statement.affirmed),
            legal_notice=doc.statement.legal_notice if doc.statement else "",
            created_at=utc_now(), created_by=actor.username)
        plan.write_expected(asn.id)
        plan.not_expected_elsewhere(asn.id)
        result = ImportResult(
            asn.id, plan.supplier.gln, plan.supplier.name,
            plan.po.number if plan.po else None, len(plan.gtins), len(doc.lots()),
            len(plan.packages), len(doc.cases()), new_products, plan.warnings, sha)
        audit.record(actor, "import_epcis", "expected_receipt", asn.id,
                     f"{path.name} sha256 {sha[:16]}… from {plan.supplier.name} "
                     f"({plan.supplier.gln}): {result.packages} packages, {result.cases} "
                     f"cases" + (f", PO {result.po_number}" if result.po_number else "")
                     + (f", new products {', '.join(new_products)}" if new_products else ""))
        return result


def _previous_import(sha: str) -> ImportResult | None:
    asn = (ExpectedReceipt.select(ExpectedReceipt, StoredFile, Partner)
           .join(StoredFile).switch(ExpectedReceipt).join(Partner)
           .where((StoredFile.kind == "epcis_in") & (StoredFile.sha256 == sha)).first())
    if asn is None:
        return None
    packages = ExpectedPackage.select().where(ExpectedPackage.asn == asn)
    lots = {(p.product_id, p.lot_number) for p in packages.select(
        ExpectedPackage.product, ExpectedPackage.lot_number).distinct()}
    po = PurchaseOrder.get_by_id(asn.purchase_order_id) if asn.purchase_order_id else None
    return ImportResult(
        asn.id, asn.supplier.gln, asn.supplier.name, po.number if po else None,
        len({product for product, _ in lots}), len(lots), packages.count(),
        ExpectedContainer.select().where(ExpectedContainer.asn == asn).count(), [],
        [w for w in asn.warnings.split("\n") if w], sha, already_imported=True)


def _store_file(actor: Actor, path: Path, sha: str, size: int) -> StoredFile:
    stored = StoredFile.create(kind="epcis_in", filename=path.name[:255], sha256=sha, size=size,
                               stored_at=utc_now(), stored_by=actor.username)
    digest = hashlib.sha256()
    with path.open("rb") as f:
        seq = 0
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            StoredFileChunk.insert(file=stored, seq=seq, data=chunk).execute()
            seq += 1
    if digest.hexdigest() != sha:
        raise InvalidInput("file", f"{path.name} changed while it was being imported. "
                           "Import it again once it has been fully copied.")
    return stored


def _address(parts: list[str]) -> str:
    return ", ".join(p for p in parts if p)[:300]


class _Plan:
    """What the file will write, worked out and checked before anything is written."""

    def __init__(self, doc: EpcisDocument):
        self.doc = doc
        self.warnings: list[str] = []
        self.packages = doc.packages()
        self.gtins = sorted({p.gtin for p in self.packages})
        self.products: dict[str, int] = {}
        self.to_create: list[tuple[ProductClass, Ndc]] = []
        self.shipping = next((e for e in doc.shipping_events if e.biz_step == "shipping"), None)
        self.po: PurchaseOrder | None = None
        self.po_reference = ""
        self.despatch_reference = ""
        self.seller_name = ""
        self.seller_address = ""
        self.shipped_at = self.shipping.event_time if self.shipping else None

    def check(self) -> None:
        self._sender()
        self._receiver()
        self._products()
        self._purchase_order()
        self._lots_we_know()

    # -- parties -------------------------------------------------------------------
    def _sender(self) -> None:
        gln = self.doc.header.sender_gln
        supplier = Partner.get_or_none(Partner.gln == gln)
        if supplier is None:
            raise EpcisNotAccepted(
                f"The sender (SBDH Sender, GLN {gln}) is not a trading partner in RxDesk. Add "
                "the supplier with its GLN and licenses, then import the file again.",
                "unknown_sender")
        if not supplier.is_supplier:
            raise EpcisNotAccepted(
                f"The sender {supplier.name} (GLN {gln}) is not set up as a supplier.",
                "not_a_supplier")
        require_authorized(supplier.id)
        self.supplier = supplier
        source = self.shipping.source_owning_party if self.shipping else ""
        if source and _gln_of(source) != gln:
            raise EpcisNotAccepted(
                f"The shipment's source owning party (GLN {_gln_of(source)}) is not the "
                f"sender {supplier.name} (GLN {gln}).", "unknown_sender")
        party = self.doc.party(source) if source else None
        if party is not None and party.name:
            self.seller_name = party.name[:200]
            self.seller_address = _address([party.street, party.city, party.state,
                                             party.postal_code, party.country])
        else:
            bill_to = (PartnerAddress.select()
                       .where((PartnerAddress.partner == supplier)
                              & (PartnerAddress.kind == AddressKind.BILL_TO.value)).first())
            self.seller_name = supplier.name
            self.seller_address = _address(
                [bill_to.street, bill_to.city, bill_to.state, bill_to.postal_code,
                 bill_to.country] if bill_to else [])

    def _receiver(self) -> None:
        company = Company.get_or_none(Company.id == 1)
        ours = company.gln if company else ""
        theirs = self.doc.header.receiver_gln
        if theirs != ours:
            raise EpcisNotAccepted(
                f"This file is addressed to GLN {theirs} (SBDH Receiver), not to us "
                f"({ours}). It was sent to the wrong company; ask the supplier for the "
                "right file.", "wrong_receiver")
        owner = self.shipping.destination_owning_party if self.shipping else ""
        if owner:
            gln = _gln_of(owner)
            if gln != ours:
                raise EpcisNotAccepted(
                    f"The shipment's destination owning party is GLN {gln}, not us ({ours}): "
                    "ownership does not pass to us with this file.", "wrong_receiver")

    # -- products ------------------------------------------------------------------
    def _products(self) -> None:
        known = dict(Product.select(Product.gtin, Product.id)
                     .where(Product.gtin.in_(self.gtins)).tuples()) if self.gtins else {}
        for gtin in self.gtins:
            described = self.doc.product(gtin)
            if gtin in known:
                self.products[gtin] = known[gtin]
                if described is not None and described.ndc:
                    self._same_ndc(gtin, described)
                continue
            if described is None:
                raise EpcisNotAccepted(
                    f"GTIN {gtin} is not in our product master and the file's EPCClass master "
                    "data does not describe it. Add the product, or ask the supplier to "
                    "include its master data, then import again.", "unknown_product")
            self.to_create.append((described, self._ndc_of(described)))

    def _ndc_of(self, described: ProductClass) -> Ndc:
        labeler_length = described.company_prefix_length - 2
        try:
            if described.ndc:
                code = parse_ndc(described.ndc, labeler_length=labeler_length)
            else:
                code = ndc_from_gtin(described.gtin, labeler_length)
        except NdcError as exc:
            raise EpcisNotAccepted(
                f"EPCClass {described.pattern}: cannot tell the NDC of GTIN {described.gtin}: "
                f"{exc.message}", "product_mismatch") from None
        if code.gtin14()[1:] != described.gtin[1:]:
            raise EpcisNotAccepted(
                f"EPCClass {described.pattern} gives NDC {described.ndc}, which is not the NDC "
                f"inside GTIN {described.gtin} ({code.ndc11}).", "product_mismatch")
        return code

    def _same_ndc(self, gtin: str, described: ProductClass) -> None:
        product = Product.get_by_id(self.products[gtin])
        ours = (product.ndc_labeler, product.ndc_product, product.ndc_package)
        digits = described.ndc.replace("-", "")
        billing = (ours[0].zfill(5) + ours[1].zfill(4) + ours[2].zfill(2))
        if len(digits) == 11 and digits != billing:
            self.warnings.append(
                f"The file gives NDC {described.ndc} for GTIN {gtin}; our product master has "
                f"{billing} ({product.name}). Check the product master.")

    def create_products(self) -> list[str]:
        created = []
        for described, code in self.to_create:
            name = (described.name or f"NDC {code.ndc10}")[:200]
            product = Product.create(
                ndc_labeler=code.labeler, ndc_product=code.product, ndc_package=code.package,
                ndc_layout=code.layout, gtin=code.gtin14(), name=name,
                strength=described.strength[:100], dosage_form=described.dosage_form[:60],
                package_description=described.net_content[:120],
                manufacturer=described.manufacturer[:200], needs_review=True,
                created_at=utc_now())
            self.products[described.gtin] = product.id
            created.append(code.ndc10)
            self.warnings.append(f"New product {code.ndc10} ({name}) created from the file's "
                                 "master data: review it before selling.")
        return created

    # -- packages --------------------------------------------------------------------
    def write_expected(self, asn_id: int) -> None:
        parents = {}
        for agg in self.doc.aggregations:
            if agg.action != "DELETE":
                for child in agg.child_ssccs:
                    parents[child] = agg.parent_sscc
        bulk_insert([ExpectedContainer.asn, ExpectedContainer.sscc,
                     ExpectedContainer.parent_sscc],
                    [(asn_id, sscc, parents.get(sscc, "")) for sscc in self.doc.cases()])
        products = self.products
        bulk_insert([ExpectedPackage.asn, ExpectedPackage.product, ExpectedPackage.serial,
                     ExpectedPackage.lot_number, ExpectedPackage.expiry,
                     ExpectedPackage.case_sscc],
                    [(asn_id, products[p.gtin], p.serial, p.lot, p.expiry, p.case_sscc)
                     for p in self.packages])

    def not_expected_elsewhere(self, asn_id: int) -> None:
        """A serial may be on only one open ship notice: two suppliers (or two files)
        claiming the same package is a problem to solve before receiving. Asked once the
        rows are written (one indexed join; the transaction then rolls back)."""
        mine, other = ExpectedPackage.alias("mine"), ExpectedPackage.alias("other")
        clash = (mine.select(mine.product, mine.serial, other.asn)
                 .join(other, on=((other.product == mine.product)
                                  & (other.serial == mine.serial) & (other.asn != asn_id)))
                 .join(ExpectedReceipt, on=(ExpectedReceipt.id == other.asn))
                 .where((mine.asn == asn_id) & other.scan.is_null()
                        & ExpectedReceipt.status.in_(OPEN_ASN))
                 .limit(1).tuples().first())
        if clash:
            product_id, serial, other_asn = clash
            gtin = next(g for g, pid in self.products.items() if pid == product_id)
            raise EpcisNotAccepted(
                f"Package GTIN {gtin} serial {serial} is already expected on ship notice "
                f"{other_asn}. The same package cannot arrive twice; if this file replaces "
                "that one, close the old notice first.", "already_expected")

    # -- references ------------------------------------------------------------------
    def _purchase_order(self) -> None:
        if self.shipping is None:
            self.warnings.append("The file has no shipping event: no PO or despatch reference.")
            return
        self.despatch_reference = _trailing(self.shipping.biz_transaction("desadv"))
        reference = self.shipping.biz_transaction("po")
        self.po_reference = _trailing(reference)
        if not reference:
            self.warnings.append("The file names no purchase order (btt:po): receive it "
                                 "without a PO, at the product's standard cost.")
            return
        po = PurchaseOrder.get_or_none(PurchaseOrder.number == self.po_reference)
        if po is None:
            self.warnings.append(f"The file names PO {self.po_reference}, which RxDesk does not "
                                 "have: imported unlinked; goods will be costed at standard "
                                 "cost until a PO is linked.")
        elif po.supplier_id != self.supplier.id:
            self.warnings.append(f"PO {po.number} is to another supplier: imported unlinked.")
        elif po.status not in OPEN_PO:
            self.warnings.append(f"PO {po.number} is {PoStatus(po.status).label.lower()}, not "
                                 "open for receiving: imported unlinked.")
        else:
            self.po = po

    def _lots_we_know(self) -> None:
        for lot in self.doc.lots():
            product_id = self.products.get(lot.gtin)
            if product_id is None:
                continue
            ours = (Lot.select(Lot.expiry)
                    .where((Lot.product == product_id) & (Lot.lot_number == lot.lot)).first())
            if ours is not None and ours.expiry != lot.expiry:
                self.warnings.append(
                    f"Lot {lot.lot} of GTIN {lot.gtin} expires {lot.expiry} in the file but "
                    f"{ours.expiry} in our records: those packages will be held as an expiry "
                    "mismatch when received.")
            if lot.expiry < date.today():
                self.warnings.append(f"Lot {lot.lot} of GTIN {lot.gtin} expired {lot.expiry}.")


def _gln_of(sgln: str) -> str:
    return gs1.parse_sgln_uri(sgln)[0]


def _trailing(reference: str) -> str:
    """'urn:epcglobal:cbv:bt:0614141000012:PO-123' -> 'PO-123' (a plain id stays as is)."""
    return reference.rsplit(":", 1)[-1].strip()[:80] if reference else ""
