"""Pieces several documents share: the ship-to as a party box prints it and the product
cell of an item table (pick list, packing slip, T3, invoice); where to send payment and
the amount due (invoice, statement)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table, TableStyle

from core.queries.picking import Address
from reports.pdf_base import (
    ACCENT, FONT_BOLD, SHADE, Party, escape, money, side_by_side, styles,
)


def ship_to_party(address: Address, customer: str, details: tuple[str, ...] = ()) -> Party:
    """The delivery address as a party box prints it: the customer, the ship-to's own
    name when it has one (a branch, "Dock 3"), the address, and its GLN."""
    lines = Party.address_lines(address.street, address.city, address.state,
                                address.postal_code, address.country)
    if address.name and address.name != customer:
        lines = (address.name, *lines)
    return Party(customer, lines, address.gln, details)


def product_cell(name: str, strength: str, dosage_form: str, package: str,
                 marks: Sequence[str] = ()) -> list:
    """Product name in bold over strength · form · package, with red marks (C-II,
    Refrigerated) in front of the description."""
    st = styles()
    cell = [Paragraph(f"<b>{escape(name)}</b>", st["cell"])]
    details = escape(" · ".join(x for x in (strength, dosage_form, package) if x))
    flags = "  ·  ".join(f"<font color='#8c1d18'><b>{escape(m)}</b></font>" for m in marks)
    text = "  ·  ".join(x for x in (flags, details) if x)
    if text:
        cell.append(Paragraph(text, st["muted"]))
    return cell


def remit_to_box(lines: Sequence[str], payee: Party, notes: Sequence[str],
                 width: float) -> Table:
    """Where to send payment: the remit-to lines as set in the company profile (the
    first in bold), else our name and address; then `notes` (what to quote, whom to
    ask). billing_row frames it."""
    st = styles()
    lines = list(lines) or [payee.name, *payee.address]
    rows = [[Paragraph("REMIT TO", st["box_title"])],
            [Paragraph(f"<b>{escape(lines[0])}</b>", st["body"])]]
    rows += [[Paragraph(escape(line), st["body"])] for line in lines[1:]]
    rows += [[Paragraph(note, st["muted"])] for note in notes]
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LEFTPADDING", (0, 0), (-1, -1), 9), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("TOPPADDING", (0, len(lines) + 1), (-1, -1), 3),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
    ]))
    return table


@cache
def _amount_styles() -> dict[str, ParagraphStyle]:
    base = styles()["body"]
    return {
        "title": ParagraphStyle("amount_title", parent=base, fontName=FONT_BOLD,
                                fontSize=8, leading=11, textColor=colors.white,
                                alignment=TA_RIGHT),
        "amount": ParagraphStyle("amount", parent=base, fontName=FONT_BOLD, fontSize=20,
                                 leading=25, textColor=colors.white, alignment=TA_RIGHT),
        "note": ParagraphStyle("amount_note", parent=base, fontSize=8, leading=10.5,
                               textColor=colors.white, alignment=TA_RIGHT),
    }


def amount_due_box(title: str, amount: Decimal, notes: Sequence[str], width: float) -> Table:
    """The one number the reader must act on (balance due, amount due) in large white
    figures on the accent colour (billing_row fills the rest of its cell), right
    aligned, with its due date or terms under it."""
    st = _amount_styles()
    rows = [[Paragraph(escape(title.upper()), st["title"])],
            [Paragraph(money(amount), st["amount"])]]
    rows += [[Paragraph(note, st["note"])] for note in notes]
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 7), ("TOPPADDING", (0, 1), (-1, 1), 3),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 5), ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
    ]))
    return table


def billing_row(boxes: Sequence[Table], widths: Sequence[float], gap: float, *,
                remit_to: int | None = None, amount_due: int | None = None) -> Table:
    """pdf_base.side_by_side, with the remit-to box (index `remit_to`) framed in the
    accent colour so it is the box a payables clerk finds first, and the amount-due box
    (index `amount_due`) coloured down to the foot of the row."""
    row = side_by_side(boxes, widths, gap)
    commands = []
    if remit_to is not None:
        cell = (2 * remit_to, 0)  # side_by_side puts a gap column between boxes
        commands += [("BOX", cell, cell, 1, ACCENT), ("LINEBEFORE", cell, cell, 3, ACCENT)]
    if amount_due is not None:
        cell = (2 * amount_due, 0)
        commands.append(("BACKGROUND", cell, cell, ACCENT))
    row.setStyle(TableStyle(commands))
    return row
