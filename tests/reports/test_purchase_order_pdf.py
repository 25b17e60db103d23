"""The purchase order PDF as the supplier reads it (text pulled out with pdftotext)."""

from __future__ import annotations

import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from core.permissions import Role
from core.queries.purchasing import count_pos, list_pos
from core.services import purchasing
from core.services.purchasing import PoLineInput
from core.services.setup import DEMO_COMPANY
from core.vocab import PoStatus
from reports.pdf_base import long_date, money
from reports.purchase_order import build_purchase_order, render_purchase_order
from tests.purchase_orders_data import SUPPLIER_GLN, add_authorized_supplier, add_catalog

GTIN = "00312345678906"  # NDC 12345-678-90
WATER_GTIN = "00312345111113"


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    args += ["-f", str(first)] if first else []
    args += ["-l", str(last)] if last else []
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def supplier(actors):
    add_catalog(actors[Role.ADMIN])
    return add_authorized_supplier(actors[Role.OFFICE])


def _po(actors, supplier, lines, **kwargs) -> int:
    return purchasing.create_po(actors[Role.OFFICE], supplier,
                                [PoLineInput(*line) for line in lines], **kwargs)


def test_a_supplier_reads_what_to_ship_where_and_for_how_much(actors, supplier, tmp_path):
    po_id = _po(actors, supplier, [(GTIN, 10, "12.25"), (WATER_GTIN, 1200, "0.85")],
                expected_on="2026-12-05", note="Deliver to dock 2, mornings only.")
    purchasing.confirm_po(actors[Role.OFFICE], po_id)
    doc = build_purchase_order(po_id)
    assert doc.total == Decimal("1142.50")
    out = tmp_path / "po.pdf"
    assert render_purchase_order(doc, out) == 1
    text = pdf_text(out)
    number = f"PO-{po_id:06d}"
    assert "PURCHASE ORDER" in text
    assert number in text
    assert "Dec 5, 2026" in text  # deliver by
    # Supplier, buyer (with GLN and state license) and ship-to.
    assert "Pharmaco Labs Inc." in text and f"GLN {SUPPLIER_GLN}" in text
    assert "400 Industrial Pkwy" in text and "Durham, NC 27703" in text
    assert DEMO_COMPANY["company_name"] in text
    assert f"GLN {DEMO_COMPANY['gln']}" in text
    assert "NJ wholesale license WDB-5012345" in text
    assert "100 Commerce Way" in text and "Edison, NJ 08817" in text
    # Lines: NDC hyphenated, GTIN, description, quantity, cost, amount, total with cents.
    assert "12345-678-90" in text and GTIN in text
    assert "Atorvastatin calcium tablets" in text
    assert "20 mg · tablet · Bottle of 90" in text
    assert "1,200" in text and "$0.85" in text and "$1,020.00" in text
    assert "$122.50" in text
    assert "Total (USD)" in text and "$1,142.50" in text
    assert "Deliver to dock 2, mornings only." in text
    # DSCSA: the supplier must send EPCIS 1.2 referencing this PO.
    assert "EPCIS 1.2" in text and "urn:epcglobal:cbv:btt:po" in text
    assert f"urn:epcglobal:cbv:bt:{DEMO_COMPANY['gln']}:{number}" in text
    assert "DRAFT" not in text and "CANCELLED" not in text
    assert "Page 1 of 1" in text


def test_draft_and_cancelled_orders_say_so_on_every_page(actors, supplier, tmp_path):
    po_id = _po(actors, supplier, [(GTIN, 2, "12.25")])
    draft = tmp_path / "draft.pdf"
    render_purchase_order(build_purchase_order(po_id), draft)
    text = pdf_text(draft)
    assert "DRAFT – not yet confirmed, do not ship" in text
    assert "Deliver by" in text and "ASAP" in text  # no expected date
    purchasing.cancel_po(actors[Role.OFFICE], po_id, "duplicate")
    buffer = io.BytesIO()  # a binary file works as well as a path
    render_purchase_order(build_purchase_order(po_id), buffer)
    cancelled = tmp_path / "cancelled.pdf"
    cancelled.write_bytes(buffer.getvalue())
    assert "CANCELLED – do not ship" in pdf_text(cancelled)


def test_a_long_order_repeats_the_table_header_and_counts_pages(actors, supplier, tmp_path):
    gtins = [GTIN, WATER_GTIN, "00300937146568", "00350580449066"]
    lines = [(gtins[n % 4], n + 1, "1.01") for n in range(80)]
    po_id = _po(actors, supplier, lines)
    out = tmp_path / "long.pdf"
    pages = render_purchase_order(build_purchase_order(po_id), out)
    assert pages >= 2
    for page in range(1, pages + 1):
        text = pdf_text(out, page, page)
        assert f"Page {page} of {pages}" in text
        assert f"PO-{po_id:06d}" in text  # header on every page
        assert "Unit cost" in text and "Amount" in text  # table header repeated
    # 1+2+...+80 = 3,240 units at $1.01
    assert "3,240" in pdf_text(out) and "$3,272.40" in pdf_text(out, pages, pages)
    # Schedule II lines are marked and the DEA Form 222 rule is stated.
    assert "C-II" in pdf_text(out, 1, 1)
    assert "DEA Form 222" in pdf_text(out, pages, pages)


def test_list_counts_searches_and_totals(actors, supplier):
    first = _po(actors, supplier, [(GTIN, 10, "12.25"), (WATER_GTIN, 100, "0.85")])
    second = _po(actors, supplier, [(GTIN, 1, "12.25")])
    purchasing.confirm_po(actors[Role.OFFICE], second)
    rows = list_pos()
    assert [r.id for r in rows] == [second, first]
    assert [(r.line_count, r.total) for r in rows] == [(1, Decimal("12.25")),
                                                         (2, Decimal("207.50"))]
    assert count_pos(text="pharmaco") == 2
    assert count_pos(PoStatus.CONFIRMED, text="pharmaco") == 1
    assert [r.id for r in list_pos(text=f"{first:06d}")] == [first]
    assert count_pos(text="nobody") == 0


def test_money_and_dates_are_exact():
    assert money(Decimal("1234.5")) == "$1,234.50"
    assert money(Decimal("0.10") * 3) == "$0.30"
    with pytest.raises(TypeError):
        money(0.1)  # type: ignore[arg-type]
    from datetime import date
    assert long_date(date(2026, 12, 5)) == "Dec 5, 2026"
