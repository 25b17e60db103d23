"""The GS1 logistics label of each shipping carton as a PDF: one 4 x 6 inch page per
carton, for any printer (the ZPL in core.labels_zpl is for Zebra printers).

Same layout as the ZPL: ship from and ship to, order, customer PO, carton n of N,
package count, and the SSCC as GS1-128 (FNC1 first, AI 00) with the human-readable
"(00) 0 0614141 000000001 8" under it. The bars are python-barcode's GS1-128 modules
drawn as vectors at 4/203 inch per module, so a 203 dpi label printer hits every bar
edge on a dot."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from core.errors import InvalidInput
from core.queries.shipping_docs import CartonRow, ShipmentDocs, shipment_docs
from reports.barcodes import draw_bars, modules
from reports.pdf_base import FONT, FONT_BOLD, INK, MUTED, Out, Party, register_fonts

LABEL = (4 * inch, 6 * inch)
EDGE = 0.15 * inch
MODULE = 4 / 203 * inch
BAR_HEIGHT = 1.35 * inch  # GS1: at least 31.75 mm (1.25 in) on logistic labels


def build_sscc_labels(shipment_id: int) -> ShipmentDocs:
    docs = shipment_docs(shipment_id)
    if not docs.cartons:
        raise InvalidInput("shipment", f"{docs.number} has no cartons yet: pack something "
                           "first, then print its labels.")
    return docs


def _lines(canvas: Canvas, x: float, y: float, lines: list[tuple[str, str, float]],
           width: float) -> float:
    """Draw (font, text, size) lines from y downwards, wrapping one too wide for `width`
    onto up to three lines (more is cut with an ellipsis); returns the y under the last."""
    for font, text, size in lines:
        pieces = simpleSplit(text, font, size, width)
        if len(pieces) > 3:
            pieces = [*pieces[:2], " ".join(pieces[2:])]
            while canvas.stringWidth(pieces[2] + "…", font, size) > width:
                pieces[2] = pieces[2][:-1]
            pieces[2] += "…"
        canvas.setFont(font, size)
        for piece in pieces:
            y -= size * 1.2
            canvas.drawString(x, y, piece)
    return y


def _caption(canvas: Canvas, x: float, y: float, text: str) -> None:
    canvas.setFillColor(MUTED)
    canvas.setFont(FONT_BOLD, 7)
    canvas.drawString(x, y, text)
    canvas.setFillColor(INK)


def _party_lines(name: str, address: tuple[str, ...], big: float) -> list:
    return [(FONT_BOLD, name, big)] + [(FONT, line, big - 1.5) for line in address]


def _draw_label(canvas: Canvas, docs: ShipmentDocs, carton: CartonRow) -> None:
    width, height = LABEL
    company = docs.ship_from
    half = width / 2
    column = half - EDGE - 6
    top = height - EDGE
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.2)
    # Ship from | ship to.
    _caption(canvas, EDGE, top - 8, "SHIP FROM")
    _lines(canvas, EDGE, top - 10, _party_lines(
        company.legal_name, Party.address_lines(company.street, company.city, company.state,
                                                company.postal_code, company.country), 9),
        column)
    ship_to = docs.ship_to
    address = Party.address_lines(ship_to.street, ship_to.city, ship_to.state,
                                  ship_to.postal_code, ship_to.country)
    if ship_to.name and ship_to.name != docs.customer:
        address = (ship_to.name, *address)
    _caption(canvas, half + 6, top - 8, "SHIP TO")
    _lines(canvas, half + 6, top - 10, _party_lines(docs.customer, address, 11), column)
    first_rule = height - 1.5 * inch
    canvas.line(half, first_rule, half, height)
    canvas.line(0, first_rule, width, first_rule)
    # Order, customer PO, carton n of N, packages, shipment.
    y = first_rule - 14
    _caption(canvas, EDGE, y, "ORDER")
    _caption(canvas, half + 6, y, "CUSTOMER PO")
    _lines(canvas, EDGE, y - 2, [(FONT_BOLD, docs.order_number, 16)], column)
    _lines(canvas, half + 6, y - 2, [(FONT_BOLD, docs.customer_po or "–", 16)], column)
    y -= 0.6 * inch
    _caption(canvas, EDGE, y, "CARTON")
    _caption(canvas, half + 6, y, "PACKAGES")
    _lines(canvas, EDGE, y - 2, [(FONT_BOLD, f"{carton.seq} of {len(docs.cartons)}", 26)],
           column)
    _lines(canvas, half + 6, y - 2, [(FONT_BOLD, f"{carton.packages:,}", 26)], column)
    second_rule = first_rule - 2 * inch
    _lines(canvas, EDGE, second_rule + 22, [(FONT, f"Shipment {docs.number}", 9)],
           width - 2 * EDGE)
    canvas.line(0, second_rule, width, second_rule)
    # The SSCC, GS1-128, centred; the label's white margins are its quiet zones.
    _caption(canvas, EDGE, second_rule - 14, "SSCC")
    pattern = modules(f"00{carton.sscc}", gs1=True)
    bars = len(pattern) * MODULE
    bar_bottom = second_rule - 0.3 * inch - BAR_HEIGHT
    draw_bars(canvas, pattern, (width - bars) / 2, bar_bottom, MODULE, BAR_HEIGHT)
    canvas.setFont(FONT_BOLD, 13)
    canvas.drawCentredString(width / 2, bar_bottom - 18, carton.sscc_text)


def render_sscc_labels(docs: ShipmentDocs, out: Out) -> int:
    """One 4 x 6 inch page per carton into `out`; returns the number of pages."""
    register_fonts()
    canvas = Canvas(str(out) if isinstance(out, Path) else out, pagesize=LABEL,
                    pageCompression=1)
    canvas.setTitle(f"Carton labels {docs.number}")
    canvas.setAuthor(docs.ship_from.legal_name)
    canvas.setCreator("RxDesk")
    for carton in docs.cartons:
        _draw_label(canvas, docs, carton)
        canvas.showPage()
    canvas.save()
    return len(docs.cartons)
