"""The house style every RxDesk document shares: bundled DejaVu fonts (embedded, so an
archived PDF reads the same in six years), a letterhead with our name, address, GLN and
licenses on every page, "Page x of y" in the footer, an optional watermark (DRAFT,
CANCELLED) and the table and text styles documents build with.

A document module gathers its data through core.queries into a plain dataclass
(`build_<doc>`) and draws it with these helpers (`render_<doc>(data, out)`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph, Table, TableStyle,
)

from core.queries.company import CompanyProfile

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

PAGE = LETTER  # US distributor: US Letter paper
MARGIN = 0.6 * inch
HEADER_HEIGHT = 1.05 * inch
FOOTER_HEIGHT = 0.45 * inch
WIDTH = PAGE[0] - 2 * MARGIN  # usable width of the body

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6b7a")
ACCENT = colors.HexColor("#1f5f7a")
RULE = colors.HexColor("#c9d3dc")
SHADE = colors.HexColor("#eef3f6")
ZEBRA = colors.HexColor("#f7f9fb")
WATERMARK = {"DRAFT": colors.Color(0.55, 0.6, 0.65, alpha=0.16),
             "CANCELLED": colors.Color(0.7, 0.12, 0.1, alpha=0.16)}

Out = str | Path | BinaryIO

# Page streams Flate-compressed as binary, without reportlab's extra ASCII85 layer: a
# fifth smaller, and (pure Python without reportlab's C accelerator) the ASCII85 step
# alone was a third of the time a 280-page T3 took to write.
rl_config.useA85 = 0


def _resources():
    try:
        return files("rxdesk_resources")
    except NotADirectoryError:
        # An editable install made before resources/ had an __init__.py maps it as a
        # namespace package, which importlib.resources cannot read; use its folder.
        import rxdesk_resources

        return Path(next(p for p in rxdesk_resources.__path__ if Path(p).is_dir()))


@cache
def register_fonts() -> None:
    """Register the DejaVu TTFs shipped in rxdesk_resources (once per process)."""
    root = _resources() / "fonts"
    for name, file_name in _FONT_FILES.items():
        with as_file(root / file_name) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    # No italic cut is bundled; <i> falls back to the upright faces.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


# -- text ------------------------------------------------------------------------------


def money(amount: Decimal) -> str:
    """Exact dollars and cents, $1,234.50 (Decimal in, never float)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount).quantize(Decimal('0.01')):,.2f}"


def long_date(value: date | datetime | None) -> str:
    """'Dec 5, 2026': unambiguous to US and foreign readers alike. Aware times are
    shown as this computer's local date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone().date()
    return f"{value:%b} {value.day}, {value.year}"


def quantity(value: int) -> str:
    return f"{value:,}"


def escape(text: str) -> str:
    """Text for a Paragraph (its markup is XML-like)."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "muted": ParagraphStyle("muted", parent=body, fontSize=7.5, leading=9.5,
                                textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8.5, leading=10.5,
                                     alignment=TA_RIGHT),
        "label": ParagraphStyle("label", parent=body, fontSize=8.5, textColor=MUTED),
        "box_title": ParagraphStyle("box_title", parent=body, fontName=FONT_BOLD,
                                    fontSize=7.5, leading=10, textColor=ACCENT),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=10,
                                  leading=13, spaceBefore=6, spaceAfter=3, textColor=ACCENT),
    }


# -- parties and boxes -----------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A business as a document prints it: buyer, seller, ship-to, bill-to."""

    name: str
    address: tuple[str, ...] = ()  # lines, e.g. ("100 Commerce Way", "Edison, NJ 08817")
    gln: str = ""
    details: tuple[str, ...] = ()  # phone, licenses, ...

    @staticmethod
    def address_lines(street: str, city: str, state: str, postal_code: str,
                      country: str = "US") -> tuple[str, ...]:
        place = " ".join(x for x in (f"{city}," if city else "", state, postal_code) if x)
        lines = tuple(x for x in (street, place.strip().rstrip(",")) if x)
        return lines + ((country,) if country and country != "US" else ())


def company_party(company: CompanyProfile | None, *, with_licenses: bool = True) -> Party:
    """Our company as letterhead, buyer or seller."""
    if company is None:
        return Party("(company profile not set up)")
    details: list[str] = []
    if company.phone:
        details.append(f"Phone {company.phone}")
    if with_licenses and company.license_number:
        state = f"{company.license_state} " if company.license_state else ""
        details.append(f"{state}wholesale license {company.license_number}")
    if with_licenses and company.dea_number:
        details.append(f"DEA {company.dea_number}")
    return Party(company.legal_name,
                 Party.address_lines(company.street, company.city, company.state,
                                     company.postal_code, company.country),
                 company.gln, tuple(details))


def party_box(title: str, party: Party, width: float) -> Table:
    """A titled, shaded box with a party's name, address, GLN and details."""
    st = styles()
    parts = [Paragraph(escape(title.upper()), st["box_title"]),
             Paragraph(f"<b>{escape(party.name)}</b>", st["body"])]
    parts += [Paragraph(escape(line), st["body"]) for line in party.address]
    if party.gln:
        parts.append(Paragraph(f"GLN {escape(party.gln)}", st["body"]))
    parts += [Paragraph(escape(line), st["muted"]) for line in party.details]
    return _box([[p] for p in parts], width)


def facts_box(title: str, facts: Sequence[tuple[str, str]], width: float) -> Table:
    """A titled box of label: value rows (order number, dates, status)."""
    st = styles()
    rows = [[Paragraph(escape(title.upper()), st["box_title"]), ""]]
    rows += [[Paragraph(escape(label), st["label"]), Paragraph(value, st["body"])]
             for label, value in facts]
    label_width = 0.42 * width
    table = Table(rows, colWidths=[label_width, width - label_width])
    table.setStyle(TableStyle([
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]))
    return table


def _box(rows: list[list], width: float) -> Table:
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]))
    return table


def side_by_side(boxes: Sequence[Flowable], widths: Sequence[float], gap: float) -> Table:
    """Shaded boxes in one row with a gap between them, all as tall as the tallest."""
    cells, col_widths, shaded = [], [], []
    for n, (box, width) in enumerate(zip(boxes, widths)):
        if n:
            cells.append("")
            col_widths.append(gap)
        shaded.append(("BACKGROUND", (len(cells), 0), (len(cells), 0), SHADE))
        cells.append(box)
        col_widths.append(width)
    table = Table([cells], colWidths=col_widths)
    table.setStyle(TableStyle([*shaded, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def note_box(title: str, paragraphs: Sequence[str], border=ACCENT) -> KeepTogether:
    """A bordered notice (instructions to the reader); paragraphs may carry markup."""
    st = styles()
    rows = [[Paragraph(escape(title), st["box_title"])]]
    rows += [[Paragraph(text, st["small"])] for text in paragraphs]
    table = Table(rows, colWidths=[WIDTH])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, border),
        ("LINEBEFORE", (0, 0), (0, -1), 3, border),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]))
    return KeepTogether([table])


# -- tables ----------------------------------------------------------------------------


def line_table(header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float],
               right: Sequence[int] = ()) -> Table:
    """The item table of a document: a shaded header row repeated on every page, light
    zebra rows, numbers right-aligned in the `right` columns."""
    st = styles()
    head = [Paragraph(f"<b>{escape(h)}</b>", st["cell_right" if n in right else "cell"])
            for n, h in enumerate(header)]
    table = Table([head, *rows], colWidths=list(widths), repeatRows=1)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA])]
    commands += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in right]
    table.setStyle(TableStyle(commands))
    return table


def totals_table(rows: Sequence[tuple[str, str]], width: float = 2.6 * inch,
                 emphasize_last: bool = True) -> Table:
    """Right-aligned label/amount rows under an item table; the last one is the total."""
    st = styles()
    data = [[Paragraph(escape(label), st["cell_right"]), Paragraph(value, st["cell_right"])]
            for label, value in rows]
    if emphasize_last and data:
        label, value = rows[-1]
        data[-1] = [Paragraph(f"<b>{escape(label)}</b>", st["cell_right"]),
                    Paragraph(f"<b>{value}</b>", st["cell_right"])]
    table = Table(data, colWidths=[width * 0.55, width * 0.45], hAlign="RIGHT")
    commands = [("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if emphasize_last:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
                     ("BACKGROUND", (0, -1), (-1, -1), SHADE)]
    table.setStyle(TableStyle(commands))
    return table


# -- the page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """What the header and footer of every page show."""

    company: Party
    title: str  # "Purchase Order"
    number: str = ""  # "PO-000012"
    status: str = ""  # a line under the number, e.g. "DRAFT – not an order"
    watermark: str = ""  # "DRAFT" / "CANCELLED" across every page


def _numbered_canvas(letterhead: Letterhead):
    """A canvas that holds its pages until the end, so each footer can say 'of y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _footer(self, letterhead, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _header(canvas: Canvas, head: Letterhead) -> None:
    width, height = PAGE
    top = height - MARGIN
    company = head.company
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 12)
    canvas.drawString(MARGIN, top - 10, company.name)
    canvas.setFont(FONT, 8)
    canvas.setFillColor(MUTED)
    lines = list(company.address)
    ids = ([f"GLN {company.gln}"] if company.gln else []) + list(company.details)
    room = 0.58 * (width - 2 * MARGIN)  # the title block owns the right side
    line = ""
    for item in ids:
        joined = f"{line}  ·  {item}" if line else item
        if line and canvas.stringWidth(joined, FONT, 8) > room:
            lines.append(line)
            joined = item
        line = joined
    if line:
        lines.append(line)
    y = top - 23
    for text in lines:
        canvas.drawString(MARGIN, y, text)
        y -= 10.5
    right = width - MARGIN
    canvas.setFillColor(ACCENT)
    canvas.setFont(FONT_BOLD, 17)
    canvas.drawRightString(right, top - 12, head.title.upper())
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 12)
    if head.number:
        canvas.drawRightString(right, top - 29, head.number)
    if head.status:
        canvas.setFillColor(colors.HexColor("#8c1d18"))
        canvas.setFont(FONT_BOLD, 8.5)
        canvas.drawRightString(right, top - 43, head.status)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    rule = height - MARGIN - HEADER_HEIGHT + 8
    canvas.line(MARGIN, rule, right, rule)
    canvas.restoreState()


def _watermark(canvas: Canvas, text: str) -> None:
    if not text:
        return
    width, height = PAGE
    canvas.saveState()
    canvas.setFillColor(WATERMARK.get(text, WATERMARK["DRAFT"]))
    canvas.setFont(FONT_BOLD, 96 if len(text) <= 6 else 80)
    canvas.translate(width / 2, height / 2 - 40)
    canvas.rotate(35)
    canvas.drawCentredString(0, 0, text)
    canvas.restoreState()


def _footer(canvas: Canvas, head: Letterhead, page: int, pages: int) -> None:
    width, _height = PAGE
    y = MARGIN - 4
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, y + 12, width - MARGIN, y + 12)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(MUTED)
    left = "  ·  ".join(x for x in (head.company.name, f"{head.title} {head.number}".strip())
                        if x)
    canvas.drawString(MARGIN, y, left)
    canvas.drawRightString(width - MARGIN, y, f"Page {page} of {pages}")
    canvas.restoreState()


def build_pdf(out: Out, letterhead: Letterhead, story: list[Flowable], *,
              subject: str = "", author: str = "") -> int:
    """Lay out `story` on house pages into `out` (a path or a binary file); returns
    the number of pages."""
    register_fonts()
    target = str(out) if isinstance(out, Path) else out
    doc = BaseDocTemplate(
        target, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT, bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=f"{letterhead.title} {letterhead.number}".strip(),
        author=author or letterhead.company.name, subject=subject, creator="RxDesk")
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def on_page(canvas: Canvas, _doc) -> None:
        _header(canvas, letterhead)

    def on_page_end(canvas: Canvas, _doc) -> None:
        _watermark(canvas, letterhead.watermark)  # translucent, over the shaded rows

    doc.addPageTemplates([PageTemplate(id="house", frames=[frame], onPage=on_page,
                                       onPageEnd=on_page_end)])
    doc.build(story, canvasmaker=_numbered_canvas(letterhead))
    return doc.page
