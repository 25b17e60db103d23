"""The pick list a picker walks the warehouse with: the order's reserved lots bin by bin
in pick-path order, with a tick box per row, and the order number as a Code 128 barcode
the pack station scans to open the order."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer

from core.queries.company import company_profile
from core.queries.picking import PickList, PickRow, pick_list
from core.vocab import Schedule, Storage
from reports.barcodes import BarcodeFlowable, barcode_box
from reports.doc_parts import product_cell, ship_to_party
from reports.pdf_base import (
    WIDTH, Letterhead, Out, build_pdf, company_party, escape, facts_box, line_table,
    long_date, party_box, quantity, side_by_side, styles, totals_table,
)

COLUMNS = ("Bin", "Product", "NDC", "Lot", "Expiry", "Qty", "Picked")
_BIN, _NDC, _LOT, _EXP, _QTY, _TICK = (0.7 * inch, 0.95 * inch, 0.9 * inch, 0.95 * inch,
                                       0.45 * inch, 0.62 * inch)
WIDTHS = (_BIN, WIDTH - (_BIN + _NDC + _LOT + _EXP + _QTY + _TICK), _NDC, _LOT, _EXP, _QTY,
          _TICK)
RIGHT = (5,)
TICK = "\u2610"  # an empty box to tick


def _marks(row: PickRow) -> list[str]:
    marks = [row.schedule.label] if row.schedule is not Schedule.NONE else []
    if row.storage is not Storage.ROOM:
        marks.append(row.storage.label)
    if not row.serialized:
        marks.append("not serialized")
    return marks


def _row(row: PickRow, first_in_bin: bool) -> list:
    st = styles()
    bin_text = f"<b>{escape(row.bin)}</b>" if first_in_bin else escape(row.bin)
    return [Paragraph(bin_text, st["cell"]),
            product_cell(row.product, row.strength, row.dosage_form,
                         row.package_description, _marks(row)),
            Paragraph(escape(row.ndc), st["cell"]),
            Paragraph(f"<b>{escape(row.lot)}</b>", st["cell"]),
            Paragraph(long_date(row.expiry), st["cell"]),
            Paragraph(f"<b>{quantity(row.quantity)}</b>", st["cell_right"]),
            Paragraph(TICK, st["cell"])]


def build_pick_list(order_id: int) -> PickList:
    return pick_list(order_id)


def render_pick_list(doc: PickList, out: Out) -> int:
    """Draw the pick list into `out` (a path or a binary file); returns pages."""
    st = styles()
    company = company_party(company_profile(), with_licenses=False)
    letterhead = Letterhead(company, "Pick List", doc.number)
    gap = 0.15 * inch
    box = (WIDTH - 2 * gap) / 3
    customer_details = (f"Customer GLN {doc.customer_gln}",) if doc.customer_gln else ()
    facts = [("Order", f"<b>{escape(doc.number)}</b>"),
             ("Customer PO", escape(doc.customer_po) or "–"),
             ("Order date", long_date(doc.created_at)),
             ("Status", escape(doc.status.label))]
    symbol = BarcodeFlowable(doc.number, module=0.011 * inch, height=0.55 * inch,
                             font_size=9)
    rows, previous = [], None
    for row in doc.rows:
        rows.append(_row(row, row.bin != previous))
        previous = row.bin
    story = [
        side_by_side([party_box("Ship to", ship_to_party(doc.ship_to, doc.customer,
                                                          customer_details), box),
                      facts_box("Order", facts, box),
                      barcode_box("Order barcode", symbol, box,
                                  "Scan at the pack station to open this order.")],
                     [box, box, box], gap),
        Spacer(1, 0.2 * inch),
        line_table(COLUMNS, rows, WIDTHS, RIGHT),
        Spacer(1, 0.08 * inch),
        totals_table([("Bins", quantity(doc.bins)), ("Rows", quantity(len(doc.rows))),
                      ("Units to pick", quantity(doc.units))]),
    ]
    if doc.note:
        story += [Paragraph("Note", st["heading"]), Paragraph(escape(doc.note), st["body"])]
    story += [Spacer(1, 0.3 * inch),
              Paragraph("Picked by ____________________   Date ____________   "
                        "Checked by ____________________", st["body"])]
    return build_pdf(out, letterhead, story, subject=f"Pick list for {doc.customer}")
