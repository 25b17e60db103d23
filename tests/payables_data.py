"""A purchase order received from its supplier's file, ready to be billed: shared by the
core, command-line and desktop tests of supplier bills. Atorvastatin and lisinopril from
Acme Pharma (the sender of tests/epcis_documents files); the receipt is booked at the PO
cost, Inventory / GRNI, as a real delivery would be."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.permissions import Actor, Role
from core.queries.locations import list_locations
from core.queries.partners import partner_by_gln
from core.queries.products import product_by_ndc
from core.services import purchasing, receiving
from core.services.epcis_import import import_epcis
from core.services.locations import add_bin
from core.services.partners import add_evidence, add_partner
from core.services.products import add_product
from core.services.purchasing import PoLineInput
from core.services.receiving import Delivery
from core.vocab import LocationKind
from tests.epcis_documents import SUPPLIER_GLN, Line, supplier_document, write_file

GOOD = date(2028, 6, 30)
SUPPLIER = "Acme Pharma Inc."
ATORVASTATIN = ("12345-678-90", "Atorvastatin 20 mg tablets, 90 count", "12.25")
LISINOPRIL = ("12345-222-22", "Lisinopril 10 mg tablets, 100 count", "4.10")


@dataclass(frozen=True)
class Ordered:
    """A PO line: `quantity` ordered at `unit_cost`, `received` of them delivered."""

    product: tuple[str, str, str]  # (NDC, name, standard cost)
    quantity: int
    unit_cost: str
    received: int


# The usual order: 12 atorvastatin at 12.10 all received; 10 lisinopril at 4.00, 6 received.
USUAL = (Ordered(ATORVASTATIN, 12, "12.10", 12), Ordered(LISINOPRIL, 10, "4.00", 6))


def authorized_supplier(actors: dict[Role, Actor], name: str = SUPPLIER,
                        gln: str = SUPPLIER_GLN) -> int:
    """An FDA-registered manufacturer (added once per GLN); Acme Pharma by default."""
    found = partner_by_gln(gln)
    if found is not None:
        return found.id
    office = actors[Role.OFFICE]
    pid = add_partner(office, name, "supplier", "manufacturer", gln=gln)
    add_evidence(office, pid, "fda_registration", f"FEI-{gln[-10:]}", expiry="2030-12-31")
    return pid


def _gtin(actors: dict[Role, Actor], product: tuple[str, str, str]) -> str:
    ndc, name, cost = product
    found = product_by_ndc(ndc)
    if found is None:
        add_product(actors[Role.ADMIN], ndc, name, standard_cost=cost, list_price="40.00")
        found = product_by_ndc(ndc)
    return found.gtin


def received_po(actors: dict[Role, Actor], folder: Path,
                lines: Sequence[Ordered] = USUAL, supplier_gln: str = SUPPLIER_GLN) -> str:
    """Order `lines` from the supplier (Acme unless another authorized supplier's GLN is
    given), confirm, import its file for what was `received` and post the receipt;
    returns the PO number."""
    if not any(loc.kind is LocationKind.BIN for loc in list_locations()):
        add_bin(actors[Role.ADMIN], "A-01")
    supplier = authorized_supplier(actors, gln=supplier_gln)
    office, clerk = actors[Role.OFFICE], actors[Role.WAREHOUSE]
    gtins = [_gtin(actors, line.product) for line in lines]
    po_id = purchasing.create_po(office, supplier, [
        PoLineInput(gtin, line.quantity, line.unit_cost)
        for gtin, line in zip(gtins, lines, strict=True)])
    purchasing.confirm_po(office, po_id)
    number = f"PO-{po_id:06d}"
    shipped = [Line(gtin, f"L{po_id}X{n}", GOOD, line.received, name=line.product[1])
               for n, (gtin, line) in enumerate(zip(gtins, lines, strict=True)) if line.received]
    doc = supplier_document(shipped, po=number, per_case=0, sender=supplier_gln,
                            document_id=f"FILE-{number}")
    asn = import_epcis(clerk, write_file(folder, doc, f"{number}.xml")).asn_id
    receiving.scan_everything_expected(clerk, asn)
    receiving.post_receipt(clerk, Delivery(asn_id=asn))
    return number
