"""The packing slip that travels in carton 1: what the pharmacy should find in the
shipment (product, NDC, lot, expiry, quantity and which carton), the cartons by SSCC,
what was backordered, and the order number as a Code 128 barcode for their receiving."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from core.queries.shipping_docs import (
    OrderedLine, PackedLine, ShipmentDocs, ordered_lines, packed_lines, shipment_docs,
)
from core.vocab import ShipmentStatus
from reports.barcodes import BarcodeFlowable, barcode_box
from reports.doc_parts import product_cell, ship_to_party
from reports.pdf_base import (
    WIDTH, Letterhead, Out, build_pdf, company_party, escape, facts_box, line_table,
    long_date, note_box, party_box, quantity, side_by_side, styles, totals_table,
)


@dataclass(frozen=True)
class PackingSlipDoc:
    header: ShipmentDocs
    lines: list[PackedLine]
    ordered: list[OrderedLine]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def backordered(self) -> list[OrderedLine]:
        return [line for line in self.ordered if line.backordered]


def build_packing_slip(shipment_id: int) -> PackingSlipDoc:
    header = shipment_docs(shipment_id)
    return PackingSlipDoc(header, packed_lines(shipment_id),
                          ordered_lines(header.order_id, shipment_id))


COLUMNS = ("#", "Product", "NDC", "Lot", "Expiry", "Carton", "Qty")
_NO, _NDC, _LOT, _EXP, _CARTON, _QTY = (0.3 * inch, 0.95 * inch, 0.95 * inch, 0.9 * inch,
                                        0.6 * inch, 0.5 * inch)
WIDTHS = (_NO, WIDTH - (_NO + _NDC + _LOT + _EXP + _CARTON + _QTY), _NDC, _LOT, _EXP,
          _CARTON, _QTY)
CARTON_COLUMNS = ("Carton", "SSCC", "Packages")
CARTON_WIDTHS = (0.8 * inch, 3.0 * inch, 0.9 * inch)


def _row(line: PackedLine) -> list:
    st = styles()
    return [Paragraph(str(line.line_no), st["cell_right"]),
            product_cell(line.product, line.strength, line.dosage_form,
                         line.package_description),
            Paragraph(escape(line.ndc), st["cell"]),
            Paragraph(f"<b>{escape(line.lot)}</b>", st["cell"]),
            Paragraph(long_date(line.expiry), st["cell"]),
            Paragraph(", ".join(str(n) for n in line.cartons), st["cell"]),
            Paragraph(f"<b>{quantity(line.quantity)}</b>", st["cell_right"])]


def _cartons(head: ShipmentDocs):
    st = styles()
    table = line_table(CARTON_COLUMNS, [[Paragraph(str(c.seq), st["cell"]),
                                         Paragraph(escape(c.sscc_text), st["cell"]),
                                         Paragraph(quantity(c.packages), st["cell_right"])]
                                        for c in head.cartons], CARTON_WIDTHS, (2,))
    table.hAlign = "LEFT"
    return table


def render_packing_slip(doc: PackingSlipDoc, out: Out) -> int:
    """Draw the packing slip into `out` (a path or a binary file); returns pages."""
    st = styles()
    head = doc.header
    shipped = head.status is ShipmentStatus.SHIPPED
    letterhead = Letterhead(company_party(head.ship_from), "Packing Slip", head.number,
                            "" if shipped else "PACKING – not yet shipped")
    gap = 0.15 * inch
    box = (WIDTH - 2 * gap) / 3
    details = (f"Customer GLN {head.customer_gln}",) if head.customer_gln else ()
    facts = [("Shipment", f"<b>{escape(head.number)}</b>"),
             ("Ship date", long_date(head.shipped_at) if shipped else "not yet shipped"),
             ("Order", escape(head.order_number)),
             ("Customer PO", escape(head.customer_po) or "–"),
             ("Cartons", quantity(len(head.cartons))),
             ("Packages", quantity(head.packages))]
    symbol = BarcodeFlowable(head.order_number, module=0.011 * inch, height=0.55 * inch,
                             font_size=9)
    story = [
        side_by_side([party_box("Ship to", ship_to_party(head.ship_to, head.customer,
                                                          details), box),
                      facts_box("Shipment", facts, box),
                      barcode_box("Order", symbol, box, "Scan to find this order.")],
                     [box, box, box], gap),
        Spacer(1, 0.2 * inch),
        line_table(COLUMNS, [_row(line) for line in doc.lines], WIDTHS, (0, 6)),
        Spacer(1, 0.08 * inch),
        totals_table([("Lines", quantity(len(doc.lines))), ("Units", quantity(doc.units))]),
        Spacer(1, 0.15 * inch),
        KeepTogether([Paragraph("Cartons", st["heading"]), _cartons(head)]),
    ]
    if doc.backordered:
        story += [Spacer(1, 0.15 * inch), KeepTogether([
            Paragraph("Backordered", st["heading"]),
            line_table(("#", "Product", "Ordered", "In this shipment", "Backordered"),
                       [[Paragraph(str(o.line_no), st["cell_right"]),
                         Paragraph(escape(o.product), st["cell"]),
                         Paragraph(quantity(o.ordered), st["cell_right"]),
                         Paragraph(quantity(o.in_shipment), st["cell_right"]),
                         Paragraph(f"<b>{quantity(o.backordered)}</b>", st["cell_right"])]
                        for o in doc.backordered],
                       (0.3 * inch, WIDTH - 3.6 * inch, 0.9 * inch, 1.3 * inch, 1.1 * inch),
                       (0, 2, 3, 4))])]
    story += [Spacer(1, 0.2 * inch), note_box("DSCSA", [
        "The Transaction Information, Transaction Statement and Transaction History for "
        f"these products are provided separately as the T3 for shipment "
        f"{escape(head.number)}. Check each package's product identifier against them "
        "and tell us within one business day of anything damaged, missing or suspect."])]
    return build_pdf(out, letterhead, story, subject=f"Packing slip for {head.customer}")
