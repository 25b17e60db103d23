"""The printed T3 of a shipment: Transaction Information (the ten elements of FD&C Act
581(26), A-F per product and lot, G-J for the whole transaction), the product identifier
of every package, the Transaction Statement's seven affirmations and the Transaction
History back to our receipt from the supplier. For people and audits; the electronic
record (EPCIS) is the one trading partners exchange.

Serials are printed compactly: runs of consecutive serials collapse to "A0001–A0500
(500)", the rest fill a fixed-pitch grid drawn as one text line per row (no Paragraph
per serial), so a 500-line, 90,000-package shipment renders in about a second and stays
readable."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from core.queries.company import company_profile
from core.queries.t3 import PriorTransaction, T3Doc, T3Line, t3
from reports.pdf_base import (
    FONT, FONT_BOLD, INK, WIDTH, Letterhead, Out, Party, build_pdf, company_party, escape,
    facts_box, line_table, long_date, note_box, party_box, quantity, side_by_side, styles,
)

# FD&C Act 581(27): what the seller affirms.
STATEMENT = (
    "is authorized as required under the Drug Supply Chain Security Act;",
    "received the product from a person that is authorized as required under the Drug "
    "Supply Chain Security Act;",
    "received transaction information and a transaction statement from the prior owner "
    "of the product, as required under section 582 of the FD&C Act;",
    "did not knowingly ship a suspect or illegitimate product;",
    "had systems and processes in place to comply with verification requirements under "
    "section 582 of the FD&C Act;",
    "did not knowingly provide false transaction information; and",
    "did not knowingly alter the transaction history.",
)

SERIAL_FONT = "Courier"  # fixed pitch: a serial grid's columns line up with no measuring
SERIAL_SIZE = 7.5
HEAD_SIZE = 7.5
_PITCH = 0.6  # Courier's advance width per character, in font sizes
_DIGITS = "0123456789"
# PDF string literal escapes (serials are GS1 set-82 ASCII).
_PDF_ESCAPES = {ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"}


def serial_ranges(serials: Sequence[str], least: int = 3) -> list[str]:
    """Serials sorted, with each run of `least` or more consecutive numbers (same text
    before the trailing digits, same width) written "S0001–S0500 (500)"."""
    keyed = []
    for serial in serials:
        head = serial.rstrip(_DIGITS)
        tail = serial[len(head):]
        keyed.append((head, len(tail), int(tail) if tail else -1, serial))
    keyed.sort()
    out: list[str] = []
    first = last = None
    held: list[str] = []  # the current run's serials, while it is shorter than `least`
    length = 0
    for item in keyed:
        if length and item[2] >= 0 and item[:2] == last[:2] and item[2] == last[2] + 1:
            last, length = item, length + 1
            if length < least:
                held.append(item[3])
            continue
        out += [f"{first[3]}–{last[3]} ({length})"] if length >= least else held
        first, last, length, held = item, item, 1, [item[3]]
    if length:
        out += [f"{first[3]}–{last[3]} ({length})"] if length >= least else held
    return out


class LotIdentifiers(Flowable):
    """One lot's heading (product, NDC, GTIN, lot, expiry, count) over its serials (or
    runs) in fixed-pitch columns, drawn as plain text lines; splits across pages between
    rows, repeating the heading marked "continued"."""

    def __init__(self, title: str, detail: str, tokens: Sequence[str], width: float = WIDTH,
                 continued: bool = False):
        super().__init__()
        self.title, self.detail, self.tokens = title, detail, list(tokens)
        self.continued = continued
        self.width = width
        self.head = [(FONT_BOLD, line) for line in simpleSplit(
            title + (" (continued)" if continued else ""), FONT_BOLD, HEAD_SIZE, width)]
        self.head += [(FONT, line) for line in simpleSplit(detail, FONT, HEAD_SIZE, width)]
        self.leading = SERIAL_SIZE * 1.3
        self.cell = max((len(t) for t in self.tokens), default=1) + 2
        self.columns = max(1, int(width // (self.cell * _PITCH * SERIAL_SIZE)))
        self.rows = -(-len(self.tokens) // self.columns)

    def _head_height(self) -> float:
        return len(self.head) * HEAD_SIZE * 1.25 + 1

    def wrap(self, available_width, available_height):
        self.height = self._head_height() + self.rows * self.leading + 6
        return self.width, self.height

    def split(self, available_width, available_height):
        fit = int((available_height - self._head_height() - 6) // self.leading)
        if fit >= self.rows:
            return [self]
        if fit < min(3, self.rows):  # never a heading alone, nor a row or two
            return []
        cut = fit * self.columns
        return [LotIdentifiers(self.title, self.detail, self.tokens[:cut], self.width,
                               self.continued),
                LotIdentifiers(self.title, self.detail, self.tokens[cut:], self.width, True)]

    def draw(self):
        canvas = self.canv
        y = self.height - HEAD_SIZE
        canvas.setFillColor(INK)
        for font, line in self.head:
            canvas.setFont(font, HEAD_SIZE)
            canvas.drawString(0, y, line)
            y -= HEAD_SIZE * 1.25
        if not self.tokens:
            return
        text = canvas.beginText(0, y - 1)
        text.setFont(SERIAL_FONT, SERIAL_SIZE, self.leading)
        # One "(row) Tj T*" per row, escaped here in one pass: reportlab's own per-line
        # escaping (pure Python without its C accelerator) was most of a 90,000-serial
        # T3's drawing time.
        rows = []
        for start in range(0, len(self.tokens), self.columns):
            row = "".join(t.ljust(self.cell) for t in self.tokens[start:start + self.columns])
            rows.append(f"({_pdf_literal(row.rstrip())}) Tj T*")
        code = text.getCode()  # "BT <position> <font> ET"
        canvas.addLiteral(code[:code.rindex("ET")] + "\n".join(rows) + " ET")


def _pdf_literal(text: str) -> str:
    """The inside of a PDF string for Courier (WinAnsi): ( ) \\ escaped, and a non-ASCII
    character (the en dash of a run) as its cp1252 byte in octal."""
    text = text.translate(_PDF_ESCAPES)
    if text.isascii():
        return text
    return "".join(chr(b) if b < 128 else f"\\{b:03o}"
                   for b in text.encode("cp1252", "replace"))


def _fit(text: str, width: float, font: str = FONT, size: float = 8.5) -> str:
    """Plain text wrapped to a table column (lines joined by newlines): the long
    tables of a big T3 cost a fraction of what a Paragraph per cell would."""
    return "\n".join(simpleSplit(text, font, size, width - 8)) or MISSING


def _heading(text: str) -> Paragraph:
    """A section heading that never ends a page without its section."""
    style = styles()["heading"]
    return Paragraph(escape(text), ParagraphStyle(f"{style.name}_kept", parent=style,
                                                  keepWithNext=1))


def build_t3(shipment_id: int) -> T3Doc:
    return t3(shipment_id)


def _party(name: str, address: str, details: tuple[str, ...] = ()) -> Party:
    return Party(name, tuple(_address_lines(address)), "", details)


def _address_lines(address: str) -> list[str]:
    """'100 Commerce Way, Edison, NJ, 08817, US' -> street / 'Edison, NJ 08817'."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if parts and parts[-1] == "US":
        parts = parts[:-1]
    if len(parts) >= 4:
        *street, city, state, postal = parts
        return [", ".join(street), f"{city}, {state} {postal}"]
    return [", ".join(parts)] if parts else []


TI_COLUMNS = ("#", "(A) Product name", "(B) Strength · dosage form", "(C) NDC",
              "(D) Container size", "(E) Containers", "(F) Lot", "Expiry")
TI_WIDTHS = (0.3 * inch, 1.45 * inch, 1.05 * inch, 0.95 * inch, 1.0 * inch, 0.9 * inch,
             0.85 * inch, 0.8 * inch)
SPACE = "&nbsp;" * 6
MISSING = "–"  # an element the record does not hold (fix the product master)


def _ti_table(lines: list[T3Line]) -> Table:
    w = TI_WIDTHS
    rows = [[str(n), _fit(line.product_name, w[1]),
             _fit(" · ".join(x for x in (line.strength, line.dosage_form) if x), w[2]),
             line.ndc, _fit(line.container_size, w[4]), quantity(line.quantity),
             _fit(line.lot, w[6], FONT_BOLD), f"{line.expiry:%Y-%m-%d}"]
            for n, line in enumerate(lines, start=1)]
    table = line_table(TI_COLUMNS, rows, TI_WIDTHS, right=(0, 5))
    table.setStyle(TableStyle([("FONTNAME", (6, 1), (6, -1), FONT_BOLD)]))
    return table


def _statement(doc: T3Doc) -> list:
    verb = "affirms" if doc.statement_affirmed else "does NOT affirm"
    texts = [f"The seller, <b>{escape(doc.seller_name)}</b>, {verb} that it:"]
    texts += [f"({n}) {escape(text)}" for n, text in enumerate(STATEMENT, start=1)]
    if doc.legal_notice:
        texts.append(escape(doc.legal_notice))
    texts.append(f"Given on {long_date(doc.transaction_date)} with shipment "
                 f"{escape(doc.shipment)}.")
    return [_heading("Transaction Statement"),
            note_box("TRANSACTION STATEMENT (FD&C ACT 581(27))", texts)]


def _identifiers(doc: T3Doc) -> list:
    story: list = [_heading("Product identifiers (GTIN, serial, lot, expiry) per lot")]
    for n, line in enumerate(doc.lines, start=1):
        detail = (f"NDC {line.ndc} · GTIN {line.gtin} · lot {line.lot} · expiry "
                  f"{line.expiry:%Y-%m-%d} · ")
        if line.serials:
            detail += f"{quantity(len(line.serials))} serialized packages:"
        else:
            detail += f"{quantity(line.quantity)} units, not serialized"
        story.append(LotIdentifiers(f"{n}. {line.product_name}", detail,
                                    serial_ranges(line.serials)))
    return story


def _history(doc: T3Doc) -> list:
    st = styles()
    intro = ParagraphStyle("small_kept", parent=st["small"], keepWithNext=1, spaceAfter=4)
    story: list = [_heading("Transaction History"), Paragraph(
        "Each lot back to our purchase from the supplier: the prior transaction(s) the "
        "shipped packages came with, as recorded when we received them.", intro)]
    refs = {tid: f"T{n}" for n, tid in enumerate(sorted(doc.prior), start=1)}
    widths = (0.3 * inch, 3.0 * inch, 0.9 * inch, WIDTH - 4.2 * inch)
    rows = []
    for n, line in enumerate(doc.lines, start=1):
        if line.history:
            came = ", ".join(f"{refs[tid]} ({quantity(count)} packages)" if count
                             else refs[tid] for tid, count in line.history)
        else:
            came = "no inbound transaction on record (stock on hand when RxDesk started)"
        rows.append([str(n), _fit(f"{line.product_name} · NDC {line.ndc}", widths[1]),
                     _fit(line.lot, widths[2], FONT_BOLD), _fit(came, widths[3])])
    table = line_table(("#", "Product", "Lot", "Received with"), rows, widths, right=(0,))
    table.setStyle(TableStyle([("FONTNAME", (2, 1), (2, -1), FONT_BOLD)]))
    story.append(table)
    if doc.prior:
        story += [Spacer(1, 8), _heading("Prior transactions (supplier to us)")]
        story += [_prior_box(refs[tid], doc.prior[tid]) for tid in sorted(doc.prior)]
    return story


def _prior_box(ref: str, prior: PriorTransaction) -> KeepTogether:
    gap = 0.15 * inch
    box = (WIDTH - gap) / 2
    seller = _party(prior.seller_name, prior.seller_address, (prior.seller_type,))
    file_text = (f"{escape(prior.file_name)}<br/><font size=7>SHA-256 "
                 f"{prior.file_sha256}</font>" if prior.file_name else "none (no file)")
    facts = [("Transaction date", long_date(prior.transaction_date)),
             ("Shipment date", long_date(prior.shipment_date) or "–"),
             ("Received", f"{escape(prior.receipt)} on {long_date(prior.received_at)}"
              if prior.receipt else "–"),
             ("TI / TS received", "yes, statement affirmed" if prior.statement_affirmed
              else "TI received; statement NOT affirmed"),
             ("Source file", file_text)]
    return KeepTogether([side_by_side([party_box(f"{ref} · seller (prior owner)", seller, box),
                                       facts_box(f"{ref} · transaction", facts, box)],
                                      [box, box], gap), Spacer(1, 6)])


def render_t3(doc: T3Doc, out: Out) -> int:
    """Draw the T3 into `out` (a path or a binary file); returns pages."""
    st = styles()
    company = company_party(company_profile())
    letterhead = Letterhead(company, "DSCSA T3", doc.shipment,
                            "Transaction Information · Statement · History")
    gap = 0.15 * inch
    box = (WIDTH - 2 * gap) / 3
    facts = [("Shipment", escape(doc.shipment)), ("Order", escape(doc.order)),
             ("Customer PO", escape(doc.customer_po) or "–"),
             ("Lines · units", f"{quantity(len(doc.lines))} · {quantity(doc.units)}")]
    story = [
        side_by_side([party_box("(I) Seller", _party(doc.seller_name, doc.seller_address),
                                box),
                      party_box("(J) Buyer", _party(doc.buyer_name, doc.buyer_address), box),
                      facts_box("Transaction", facts, box)], [box, box, box], gap),
        Spacer(1, 0.15 * inch),
        _heading("Transaction Information"),
        Paragraph(f"(G) Transaction date <b>{long_date(doc.transaction_date)}</b>"
                  f"{SPACE}(H) Shipment date <b>"
                  f"{long_date(doc.shipment_date) or 'same as transaction'}</b>", st["body"]),
        Paragraph("(G)–(J) apply to every product and lot below; (A)–(F) are given per "
                  "product and lot.", st["small"]),
        Spacer(1, 4),
        _ti_table(doc.lines),
        Spacer(1, 0.1 * inch),
        *_statement(doc),
        Spacer(1, 0.1 * inch),
        *_identifiers(doc),
        Spacer(1, 0.1 * inch),
        *_history(doc),
    ]
    return build_pdf(out, letterhead, story, subject=f"DSCSA T3 for {doc.buyer_name}")

