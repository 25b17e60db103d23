"""Code 128 and GS1-128 barcodes drawn as vector bars in our PDFs.

python-barcode encodes the data (code sets, FNC1 for GS1-128, check character) into the
module pattern; we draw each run of dark modules as one filled rectangle, so the bars are
exact at any printer resolution and the PDF stays small. No bitmap, no Pillow.
"""

from __future__ import annotations

from barcode import Code128, Gs1_128
from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from reports.pdf_base import FONT, SHADE, escape, register_fonts, styles

QUIET_MODULES = 10  # Code 128 needs at least 10 X of white either side


def modules(data: str, *, gs1: bool = False) -> str:
    """The bar pattern, '1' dark and '0' light, one character per module."""
    symbol = Gs1_128(data) if gs1 else Code128(data)
    return symbol.build()[0]


def draw_bars(canvas: Canvas, pattern: str, x: float, y: float, module: float,
              height: float) -> float:
    """Draw `pattern` with its lower left corner at (x, y); returns its width."""
    canvas.saveState()
    canvas.setFillColor(colors.black)
    start = None
    for n, bit in enumerate(pattern + "0"):
        if bit == "1" and start is None:
            start = n
        elif bit == "0" and start is not None:
            canvas.rect(x + start * module, y, (n - start) * module, height, stroke=0, fill=1)
            start = None
    canvas.restoreState()
    return len(pattern) * module


class BarcodeFlowable(Flowable):
    """A Code 128 (or GS1-128) symbol with its quiet zones and an optional
    human-readable line under it."""

    def __init__(self, data: str, *, gs1: bool = False, module: float = 0.012 * inch,
                 height: float = 0.45 * inch, text: str | None = None,
                 font_size: float = 8, align: str = "LEFT"):
        super().__init__()
        self.pattern = modules(data, gs1=gs1)
        self.module = module
        self.bar_height = height
        self.text = data if text is None else text
        self.font_size = font_size
        self.hAlign = align
        self.width = (len(self.pattern) + 2 * QUIET_MODULES) * module
        self.height = height + (font_size + 3 if self.text else 0)

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        register_fonts()
        canvas = self.canv
        text_room = self.height - self.bar_height
        canvas.saveState()  # white behind the quiet zones, whatever box we sit in
        canvas.setFillColor(colors.white)
        canvas.rect(0, text_room, self.width, self.bar_height, stroke=0, fill=1)
        canvas.restoreState()
        draw_bars(canvas, self.pattern, QUIET_MODULES * self.module, text_room,
                  self.module, self.bar_height)
        if self.text:
            canvas.setFont(FONT, self.font_size)
            canvas.drawCentredString(self.width / 2, 1, self.text)


def barcode_box(title: str, symbol: BarcodeFlowable, width: float, caption: str = ""):
    """A shaded box like pdf_base.party_box holding a barcode (the order number the
    pack station scans), so it lines up with the party and facts boxes beside it."""
    st = styles()
    rows = [[Paragraph(escape(title.upper()), st["box_title"])], [symbol]]
    if caption:
        rows.append([Paragraph(escape(caption), st["muted"])])
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("TOPPADDING", (0, 1), (-1, 1), 4),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]))
    return table
