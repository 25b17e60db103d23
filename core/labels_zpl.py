"""GS1 logistics labels (4 x 6 inch) for our shipping cartons as ZPL II, the language
Zebra thermal printers speak: sent raw to the printer, they print sharper and far faster
than a PDF, and need no reportlab, so this lives in core.

One label per carton, the same layout as the PDF label (reports.sscc_label): ship from
and ship to at the top, order / customer PO / carton n of N / package count in the
middle, the SSCC as a GS1-128 barcode at the bottom. The barcode starts in code set C
(`>;`) followed by FNC1 (`>8`), which is what makes a scanner report it as GS1-128
(symbology identifier ]C1); the human-readable line is printed separately so it shows
the SSCC split into its parts, "(00) 0 0614141 000000001 8".
"""

from __future__ import annotations

from core.queries.picking import Address
from core.queries.shipping_docs import CartonRow, ShipmentDocs

DPI = 203  # the common Zebra print head; 4 x 6 inch = 812 x 1218 dots
WIDTH, HEIGHT = 4 * DPI, 6 * DPI
MODULE = 4  # dots per narrowest bar: 0.49 mm, inside GS1's 0.495-1.016 mm for SSCCs
SSCC_MODULES = 156  # start C, FNC1, 10 digit pairs ("00" + SSCC), check, stop
BAR_HEIGHT = 280  # dots: 35 mm, above GS1's 31.75 mm minimum for logistic labels


def field(text: str) -> str:
    """A ^FD field with ^, ~ and \\ hex-escaped (^FH), so no name can end the field
    or start a command; UTF-8 (^CI28) carries accents."""
    escaped = "".join(f"\\{ord(c):02X}" if c in "^~\\" else c for c in text)
    return f"^FH\\^FD{escaped}^FS"


def _text(x: int, y: int, text: str, size: int = 28, width: int = 0, lines: int = 1) -> str:
    block = f"^FB{width},{lines},0,L,0" if width else ""
    return f"^FO{x},{y}^A0N,{size},{size}{block}{field(text)}"


def _address_lines(address: Address, customer: str) -> list[str]:
    place = f"{address.city}, {address.state} {address.postal_code}".strip(", ")
    lines = [] if address.name == customer else [address.name]
    return [*lines, address.street, place] + (
        [address.country] if address.country and address.country != "US" else [])


def carton_label(docs: ShipmentDocs, carton: CartonRow) -> str:
    """The ZPL of one carton's label (^XA ... ^XZ)."""
    company = docs.ship_from
    half = WIDTH // 2
    parts = ["^XA", "^CI28", f"^PW{WIDTH}", f"^LL{HEIGHT}", "^LH0,0"]
    # Ship from (left) and ship to (right).
    parts.append(_text(30, 30, "SHIP FROM", 22))
    parts.append(_text(30, 60, company.legal_name, 26, half - 50, 2))
    y = 118
    place = f"{company.city}, {company.state} {company.postal_code}".strip(", ")
    for line in (company.street, place):
        parts.append(_text(30, y, line, 24, half - 50))
        y += 28
    parts.append(f"^FO{half},20^GB3,250,3^FS")
    parts.append(_text(half + 20, 30, "SHIP TO", 22))
    parts.append(_text(half + 20, 60, docs.customer, 30, half - 40, 2))
    y = 130
    for line in _address_lines(docs.ship_to, docs.customer):
        parts.append(_text(half + 20, y, line, 28, half - 40))
        y += 32
    parts.append(f"^FO0,270^GB{WIDTH},3,3^FS")
    # Order, customer PO, carton n of N, package count.
    parts.append(_text(30, 295, "ORDER", 22))
    parts.append(_text(30, 322, docs.order_number, 44))
    parts.append(_text(half + 20, 295, "CUSTOMER PO", 22))
    parts.append(_text(half + 20, 322, docs.customer_po or "-", 44, half - 40))
    parts.append(_text(30, 400, "CARTON", 22))
    parts.append(_text(30, 427, f"{carton.seq} OF {len(docs.cartons)}", 60))
    parts.append(_text(half + 20, 400, "PACKAGES", 22))
    parts.append(_text(half + 20, 427, str(carton.packages), 60))
    parts.append(_text(30, 510, f"Shipment {docs.number}", 24))
    parts.append(f"^FO0,560^GB{WIDTH},3,3^FS")
    # The SSCC: GS1-128, AI (00), centred.
    parts.append(_text(30, 585, "SSCC", 22))
    left = (WIDTH - SSCC_MODULES * MODULE) // 2
    parts.append(f"^FO{left},640^BY{MODULE}^BCN,{BAR_HEIGHT},N,N,N"
                 f"^FD>;>800{carton.sscc}^FS")
    parts.append(f"^FO0,{640 + BAR_HEIGHT + 25}^A0N,40,40^FB{WIDTH},1,0,C,0"
                 f"{field(carton.sscc_text)}")
    parts.append("^XZ")
    return "\n".join(parts) + "\n"


def shipment_labels(docs: ShipmentDocs) -> str:
    """Every carton's label, in carton order, ready to send to the printer."""
    return "".join(carton_label(docs, carton) for carton in docs.cartons)
