"""The T3 of a shipped shipment: every Transaction Information element, the seven
affirmations of the Transaction Statement, the package identifiers and each lot's
history back to the supplier's file, read from the stored outbound DSCSA record."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import InvalidInput
from core.models import Product
from core.permissions import Role
from core.queries.t3 import t3
from core.services import purchasing, receiving, sales, shipping
from core.services.epcis_import import import_epcis
from core.services.purchasing import PoLineInput
from core.services.receiving import Delivery
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from reports.pdf_base import long_date
from reports.t3 import STATEMENT, build_t3, render_t3, serial_ranges
from tests.core.conftest import BULK_GTIN, GTIN
from tests.epcis_documents import Line, sscc, supplier_document, write_file
from tests.reports.conftest import CUSTOMER, SOON, serials
from tests.reports.readback import pdf_text

GOOD = date(2028, 6, 30)


@pytest.fixture
def shipped(warehouse, supplier, customer, tmp_path):
    """Acme's file brings LOT42A (8 packages, two cases) into A-01; SOON (2 packages)
    and sterile water were on the shelf when RxDesk started. Main Street Pharmacy's
    order of 6 + 12 ships FEFO: SOON x2, LOT42A x4, water x12."""
    office, clerk = warehouse[Role.OFFICE], warehouse[Role.WAREHOUSE]
    po_id = purchasing.create_po(office, supplier, [PoLineInput(GTIN, 8, "12.10")])
    purchasing.confirm_po(office, po_id)
    doc = supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], per_case=4, po=f"PO-{po_id:06d}")
    delivery = Delivery(asn_id=import_epcis(clerk, write_file(tmp_path, doc)).asn_id)
    for case in (1, 2):
        assert receiving.record_scan(clerk, delivery, f"00{sscc(case)}").ok
    receipt = receiving.post_receipt(clerk, delivery, putaway={GTIN: "A-01"})
    admin = warehouse[Role.ADMIN]
    add_opening_stock(admin, GTIN, "SOON", SOON, "B-01", serials=serials("S", 2))
    add_opening_stock(admin, BULK_GTIN, "W1", GOOD, "A-02", quantity=40)
    order_id = sales.create_order(office, customer, [SoLineInput(GTIN, 6),
                                                     SoLineInput(BULK_GTIN, 12)],
                                  customer_po="MS-4471")
    sales.confirm_order(office, order_id)
    Product.update(package_description="Bottle of 90").where(Product.gtin == GTIN).execute()
    shipment_id = shipping.auto_pack(clerk, order_id)
    shipping.ship(clerk, shipment_id)
    return shipment_id, receipt.number


@pytest.fixture
def customer(warehouse):
    from tests.reports.conftest import add_customer

    return add_customer(warehouse)


def test_serial_ranges_collapse_runs_and_keep_the_rest():
    assert serial_ranges(["A0003", "A0001", "A0002", "A0005", "B7", "X", "A0006"]) == [
        "A0001–A0003 (3)", "A0005", "A0006", "B7", "X"]
    assert serial_ranges([f"S{i:05d}" for i in range(500)]) == ["S00000–S00499 (500)"]
    # Different widths never join: 9 -> 10 is not A9 -> A10 in a fixed-width series.
    assert serial_ranges(["A8", "A9", "A10"]) == ["A8", "A9", "A10"]


def test_every_ti_element_the_statement_and_the_history(shipped, tmp_path):
    shipment_id, receipt_number = shipped
    doc = build_t3(shipment_id)
    assert [(l.lot, l.quantity, len(l.serials)) for l in doc.lines] == [
        ("SOON", 2, 2), ("LOT42A", 4, 4), ("W1", 12, 0)]
    out = tmp_path / "t3.pdf"
    pages = render_t3(doc, out)
    text = pdf_text(out)
    assert "DSCSA T3" in text and doc.shipment in text and doc.order in text
    assert "MS-4471" in text
    # (A)-(F) per product and lot, (G)-(J) for the transaction.
    for label in ("(A) Product name", "(B) Strength · dosage form", "(C) NDC",
                  "(D) Container size", "(E) Containers", "(F) Lot",
                  "(G) Transaction date", "(H) Shipment date", "(I) Seller", "(J) Buyer"):
        assert label.upper() in text.upper(), label
    assert "Atorvastatin 20 mg tablets, 90 count" in text
    assert "20 mg · tablet" in text
    assert "12345-678-90" in text and "12345-111-11" in text
    assert "12345-678-90 Bottle of 90 2 SOON" in text  # (C) (D) (E) (F)
    assert "Sterile water 10 mL vial – 12345-111-11 – 12 W1" in text  # B, D not recorded
    assert f"SOON {SOON:%Y-%m-%d}" in text and f"LOT42A {GOOD:%Y-%m-%d}" in text
    assert "2 SOON" in text and "4 LOT42A" in text and "12 W1" in text  # (E) then (F)
    assert f"(G) Transaction date {long_date(doc.transaction_date)}" in text
    assert f"(H) Shipment date {long_date(doc.shipment_date)}" in text
    seller = "Garden State Rx Distributors, Inc. (DEMO)"
    assert f"(I) SELLER {seller} 100 Commerce Way Edison, NJ 08817" in text
    assert f"(J) BUYER {CUSTOMER} 12 Main Street Trenton, NJ 08608" in text
    # The Transaction Statement, all seven affirmations.
    assert f"The seller, {seller}, affirms that it:" in text
    for n, affirmation in enumerate(STATEMENT, start=1):
        assert f"({n}) {affirmation}" in text, n
    # Package identifiers: GTIN, serials (a run collapsed), lot, expiry.
    assert f"GTIN {GTIN} · lot SOON · expiry {SOON:%Y-%m-%d} · 2 serialized" in text
    assert "S0000 S0001" in text
    assert "LOT40000000–LOT40000003 (4)" in text
    assert "12 units, not serialized" in text
    # Transaction History: LOT42A back to Acme's file; SOON had no inbound transaction.
    assert "T1 (4 packages)" in text
    assert "SOON no inbound transaction on record" in text
    assert "Acme Pharma Inc. 1 Main Street Springfield, IL 62701 Manufacturer" in text
    assert f"Transaction date {long_date(date(2026, 11, 20))}" in text
    assert f"Received {receipt_number}" in text
    assert "supplier.xml" in text and "SHA-256" in text
    assert f"Page {pages} of {pages}" in text


def test_the_t3_prints_the_record_as_sent_not_todays_master_data(shipped, tmp_path):
    shipment_id, _ = shipped
    Product.update(name="Atorvastatin RENAMED").where(Product.gtin == GTIN).execute()
    out = tmp_path / "t3.pdf"
    render_t3(build_t3(shipment_id), out)
    text = pdf_text(out)
    assert "RENAMED" not in text and "Atorvastatin 20 mg tablets, 90 count" in text


def test_a_shipment_not_yet_shipped_has_no_t3(stock, allocated_order):
    shipment_id = shipping.start_packing(stock[Role.WAREHOUSE], allocated_order)
    with pytest.raises(InvalidInput, match="once it has shipped"):
        t3(shipment_id)
