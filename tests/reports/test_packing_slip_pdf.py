"""The packing slip as the pharmacy's receiving clerk reads it."""

from __future__ import annotations

from core.permissions import Role
from core.services import shipping
from reports.packing_slip import build_packing_slip, render_packing_slip
from reports.pdf_base import long_date
from tests.core.conftest import GTIN
from tests.reports.conftest import CUSTOMER, LATE, SOON, package_scan, serials
from tests.reports.readback import pdf_text, scan_page


def test_lines_lots_cartons_and_the_order_barcode(shipped_shipment, tmp_path):
    doc = build_packing_slip(shipped_shipment)
    head = doc.header
    assert [(l.line_no, l.lot, l.quantity, l.cartons) for l in doc.lines] == [
        (1, "SOON", 5, (1,)), (1, "LATE", 2, (2,)), (2, "W1", 12, (2,))]
    out = tmp_path / "slip.pdf"
    assert render_packing_slip(doc, out) == 1
    text = pdf_text(out)
    assert "PACKING SLIP" in text and head.number in text
    assert "not yet shipped" not in text
    assert f"Ship date {long_date(head.shipped_at)}" in text
    assert head.order_number in text and "Customer PO MS-4471" in text
    assert CUSTOMER in text and "12 Main Street" in text and "Trenton, NJ 08608" in text
    assert "Atorvastatin 20 mg tablets, 90 count" in text and "12345-678-90" in text
    assert "Sterile water 10 mL vial" in text and "12345-111-11" in text
    assert f"SOON {long_date(SOON)} 1 5" in text  # lot, expiry, carton, quantity
    assert f"LATE {long_date(LATE)} 2 2" in text
    assert f"W1 {long_date(LATE)} 2 12" in text
    assert "Units 19" in text
    for carton, packages in zip(head.cartons, (5, 14)):
        assert f"{carton.seq} {carton.sscc_text} {packages}" in text
    assert "Backordered" not in text
    assert [(b.format, b.data, b.symbology) for b in scan_page(out)] == [
        ("Code128", head.order_number, "]C0")]


def test_a_slip_printed_while_packing_says_so_and_lists_the_backorder(stock, allocated_order,
                                                                       tmp_path):
    lead = stock[Role.WAREHOUSE]
    shipment_id = shipping.start_packing(lead, allocated_order)
    for serial in serials("S", 3):
        shipping.pack_scan(lead, shipment_id, package_scan(serial, "SOON", SOON, GTIN))
    doc = build_packing_slip(shipment_id)
    out = tmp_path / "slip.pdf"
    render_packing_slip(doc, out)
    text = pdf_text(out)
    assert "PACKING – not yet shipped" in text and "Ship date not yet shipped" in text
    assert "Backordered" in text
    # Line 1: 7 ordered, 3 packed, 4 short; line 2: 12 ordered, none packed.
    assert "1 Atorvastatin 20 mg tablets, 90 count 7 3 4" in text
    assert "2 Sterile water 10 mL vial 12 0 12" in text
