"""Carton labels: GS1-128 SSCC a scanner reads as GS1 (]C1, AI 00), as PDF and ZPL."""

from __future__ import annotations

import re

from core.labels_zpl import shipment_labels
from core.queries.shipping_docs import shipment_docs, sscc_text
from reports.sscc_label import build_sscc_labels, render_sscc_labels
from tests.reports.conftest import CUSTOMER
from tests.reports.readback import page_sizes, page_texts, scan_page


def test_sscc_text_splits_extension_prefix_serial_and_check():
    assert sscc_text("006141410000000018", 7) == "(00) 0 0614141 000000001 8"
    assert sscc_text("306141411234567892", 9) == "(00) 3 061414112 3456789 2"


def test_one_4x6_label_per_carton_with_everything_the_dock_reads(packed_shipment, tmp_path):
    docs = build_sscc_labels(packed_shipment)
    assert [c.packages for c in docs.cartons] == [5, 14]
    out = tmp_path / "labels.pdf"
    pages = render_sscc_labels(docs, out)
    assert pages == len(docs.cartons) >= 2
    assert page_sizes(out) == [(288.0, 432.0)] * pages  # 4 x 6 inch
    for carton, text in zip(docs.cartons, page_texts(out)):
        assert "SHIP FROM" in text and docs.ship_from.legal_name in text
        assert "100 Commerce Way" in text
        assert "SHIP TO" in text and CUSTOMER in text and "Trenton, NJ 08608" in text
        assert docs.order_number in text and "MS-4471" in text
        # Captions first, then the values under them: carton n of N, package count.
        assert f"CARTON PACKAGES {carton.seq} of {pages} {carton.packages}" in text
        assert carton.sscc_text in text and docs.number in text


def test_the_sscc_scans_as_gs1_128_with_ai_00(packed_shipment, tmp_path):
    docs = build_sscc_labels(packed_shipment)
    out = tmp_path / "labels.pdf"
    render_sscc_labels(docs, out)
    for page, carton in enumerate(docs.cartons, start=1):
        found = scan_page(out, page)
        assert [(b.format, b.symbology, b.gs1, b.data, b.text) for b in found] == [
            ("Code128", "]C1", True, f"00{carton.sscc}", f"(00){carton.sscc}")]


def test_zpl_has_one_label_per_carton_with_fnc1_and_the_sscc(packed_shipment):
    docs = shipment_docs(packed_shipment)
    zpl = shipment_labels(docs)
    labels = re.findall(r"\^XA.*?\^XZ", zpl, re.S)
    assert len(labels) == len(docs.cartons)
    for carton, label in zip(docs.cartons, labels):
        assert "^PW812" in label and "^LL1218" in label  # 4 x 6 inch at 203 dpi
        # Code 128, start in set C (>;) then FNC1 (>8): GS1-128 with AI 00.
        assert re.search(rf"\^BY4\^BCN,\d+,N,N,N\^FD>;>800{carton.sscc}\^FS", label)
        assert f"^FD{carton.sscc_text}^FS" in label
        assert f"^FD{carton.seq} OF {len(docs.cartons)}^FS" in label
        assert f"^FD{carton.packages}^FS" in label
        assert f"^FD{docs.order_number}^FS" in label and "^FDMS-4471^FS" in label
        assert f"^FD{CUSTOMER}^FS" in label and "^FD12 Main Street^FS" in label


def test_zpl_field_data_cannot_break_out_of_its_field():
    from core.labels_zpl import field

    assert field("A^B~C\\D") == "^FH\\^FDA\\5EB\\7EC\\5CD^FS"
