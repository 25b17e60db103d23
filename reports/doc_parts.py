"""Pieces the shipping documents share (pick list, packing slip, T3): the ship-to as a
party box prints it and the product cell of an item table."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Paragraph

from core.queries.picking import Address
from reports.pdf_base import Party, escape, styles


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
