"""The pick list as the picker reads it and the pack station scans it."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.permissions import Role
from core.queries.picking import pick_list
from core.services import sales
from core.services.sales import SoLineInput
from reports.pdf_base import long_date
from reports.pick_list import build_pick_list, render_pick_list
from tests.core.conftest import GTIN
from tests.reports.conftest import CUSTOMER, LATE, SOON
from tests.reports.readback import pdf_text, scan_page


def test_rows_follow_the_pick_path_not_the_expiry_order(allocated_order):
    doc = pick_list(allocated_order)
    assert [(r.bin, r.lot, r.quantity) for r in doc.rows] == [
        ("A-01", "LATE", 2), ("A-02", "W1", 12), ("B-01", "SOON", 5)]
    assert (doc.units, doc.bins, doc.customer_po) == (19, 3, "MS-4471")


def test_the_picker_reads_bin_product_lot_expiry_and_quantity(allocated_order, tmp_path):
    doc = build_pick_list(allocated_order)
    out = tmp_path / "pick.pdf"
    assert render_pick_list(doc, out) == 1
    text = pdf_text(out)
    assert "PICK LIST" in text and doc.number in text
    assert CUSTOMER in text and "12 Main Street" in text and "Trenton, NJ 08608" in text
    assert "MS-4471" in text
    assert "Atorvastatin 20 mg tablets, 90 count" in text and "12345-678-90" in text
    assert "20 mg · tablet" in text
    assert "Sterile water 10 mL vial" in text and "12345-111-11" in text
    assert "not serialized" in text
    for lot, expiry in (("LATE", LATE), ("SOON", SOON)):
        assert lot in text and long_date(expiry) in text
    # In pick-path order on the page, B-01.
    positions = [text.index(code) for code in ("A-01", "A-02", "B-01")]
    assert positions == sorted(positions)
    assert "Units to pick" in text and "19" in text
    assert "Page 1 of 1" in text


def test_the_order_barcode_scans_back_as_the_order_number(allocated_order, tmp_path):
    doc = build_pick_list(allocated_order)
    out = tmp_path / "pick.pdf"
    render_pick_list(doc, out)
    found = scan_page(out)
    assert [(b.format, b.data, b.symbology, b.gs1) for b in found] == [
        ("Code128", doc.number, "]C0", False)]


def test_an_order_with_nothing_reserved_has_no_pick_list(stock, customer):
    order_id = sales.create_order(stock[Role.OFFICE], customer, [SoLineInput(GTIN, 1)])
    with pytest.raises(InvalidInput, match="nothing to pick"):
        pick_list(order_id)
