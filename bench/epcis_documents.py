"""Supplier EPCIS 1.2 documents for tests and benchmarks: what a manufacturer or
wholesaler sends when it ships to us — master data, the Transaction Statement,
commissioning with lot and expiry, packing into cases (optionally cases onto a pallet)
and the shipping event."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from biip.checksums import gs1_standard_check_digit

from core import gs1
from core.epcis import (
    Aggregation, Commissioning, EpcisDocument, Header, Party, ProductClass, ShippingEvent,
    TransactionStatement, write_epcis,
)

SUPPLIER_GLN = "0312345000004"
BUYER_GLN = "0614141000012"  # the test company's GLN
EST = timezone(timedelta(hours=-5))
LEGAL = "Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G)."


def sscc(serial_reference: int, prefix: str = "0312345") -> str:
    body = "0" + prefix + f"{serial_reference:0{16 - len(prefix)}d}"
    return body + str(gs1_standard_check_digit(body))


@dataclass(frozen=True)
class Line:
    """`count` packages of one GTIN and lot."""

    gtin: str
    lot: str
    expiry: date
    count: int
    name: str = "Atorvastatin 20 mg tablets"
    serial_prefix: str = ""

    def serials(self) -> list[str]:
        prefix = self.serial_prefix or self.lot[:4]
        return [f"{prefix}{i:07d}" for i in range(self.count)]


def supplier_document(lines=(Line("00312345678906", "LOT42A", date(2028, 6, 30), 8),),
                      per_case: int = 4, pallet: bool = False, po: str | None = "PO-000001",
                      sender: str = SUPPLIER_GLN, receiver: str = BUYER_GLN,
                      owner: str | None = None, document_id: str = "ACME-2026-0001",
                      master_data: bool = True, case_start: int = 1,
                      statement: TransactionStatement | None = TransactionStatement(True, LEGAL),
                      ) -> EpcisDocument:
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=EST)
    seller, buyer = gs1.sgln_uri(sender, 7), gs1.sgln_uri(receiver, 7)
    commissionings, aggregations, cases = [], [], []
    for line in lines:
        serials = line.serials()
        for start in range(0, len(serials), 25_000):
            commissionings.append(Commissioning(line.gtin, serials[start:start + 25_000],
                                                line.lot, line.expiry, t0, read_point=seller,
                                                biz_location=seller))
        if per_case:
            for start in range(0, len(serials), per_case):
                case = sscc(case_start + len(cases))
                cases.append(case)
                aggregations.append(Aggregation(
                    case, [(line.gtin, s) for s in serials[start:start + per_case]], [],
                    t0 + timedelta(hours=1), read_point=seller))
    shipped = [gs1.sscc_uri(c, 7) for c in cases]
    if pallet and cases:
        pallet_sscc = sscc(case_start + 90_000)
        aggregations.append(Aggregation(pallet_sscc, [], list(cases), t0 + timedelta(hours=1),
                                        read_point=seller))
        shipped = [gs1.sscc_uri(pallet_sscc, 7)]
        cases = cases + [pallet_sscc]
    if not per_case:
        shipped = [gs1.sgtin_uri(line.gtin, s, 7) for line in lines for s in line.serials()]
    transactions = [("desadv", f"urn:epcglobal:cbv:bt:{sender}:ASN-{document_id[-4:]}")]
    if po:
        transactions.insert(0, ("po", f"urn:epcglobal:cbv:bt:{receiver}:{po}"))
    owner_uri = gs1.sgln_uri(owner, 7) if owner else buyer
    shipping = ShippingEvent(
        shipped, t0 + timedelta(hours=2), read_point=seller, biz_transactions=transactions,
        sources=[("owning_party", seller), ("location", seller)],
        destinations=[("owning_party", owner_uri), ("location", buyer)])
    products = {line.gtin: line for line in lines}
    return EpcisDocument(
        header=Header(sender, receiver, document_id, t0 + timedelta(hours=3)),
        statement=statement,
        parties=[
            Party(seller, sender, "Acme Pharma Inc.", "1 Main Street", "Springfield", "IL",
                  "62701", "US"),
            Party(buyer, receiver, "Garden State Rx Distributors, Inc.", "2 Elm Street",
                  "Newark", "NJ", "07102", "US"),
        ],
        products=[
            ProductClass(gs1.sgtin_pattern_uri(gtin, 7), gtin, 7,
                         "12345" + "0" + gtin[8:13], "FDA_NDC_11", line.name,
                         "Acme Pharma Inc.", "TABLET", "20 mg", "90 TABLET in 1 BOTTLE")
            for gtin, line in products.items()
        ] if master_data else [],
        commissionings=commissionings, aggregations=aggregations, shipping_events=[shipping],
        company_prefix_lengths={**{c: 7 for c in cases}, **{g: 7 for g in products}},
    )


def as_bytes(doc: EpcisDocument) -> bytes:
    out = io.BytesIO()
    write_epcis(doc, out)
    return out.getvalue()


def write_file(folder: Path, doc: EpcisDocument, name: str = "supplier.xml") -> Path:
    path = folder / name
    with path.open("wb") as out:
        write_epcis(doc, out)
    return path
