"""The purchase order a buyer sends to the supplier: who buys, where to ship, what,
how many, at what cost, and how the DSCSA transaction data must come back (EPCIS 1.2
referencing this PO number, so receiving can match the supplier's file to the order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, Spacer

from core.errors import NotFound
from core.queries.company import company_profile
from core.queries.partners import AddressRow, partner_detail
from core.queries.purchasing import po_detail
from core.vocab import AddressKind, PoStatus, Schedule
from reports.pdf_base import (
    WIDTH, Letterhead, Out, Party, build_pdf, company_party, escape, facts_box, line_table,
    long_date, money, note_box, party_box, quantity, side_by_side, styles, totals_table,
)

BTT_PO = "urn:epcglobal:cbv:btt:po"


@dataclass(frozen=True)
class PurchaseOrderLineDoc:
    line_no: int
    ndc: str  # hyphenated NDC-10, as on the package
    gtin: str
    name: str
    description: str  # strength · dosage form · package
    schedule: Schedule
    quantity: int
    unit_cost: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_cost * self.quantity


@dataclass(frozen=True)
class PurchaseOrderDoc:
    number: str
    status: PoStatus
    order_date: date
    expected_on: date | None
    buyer: Party
    ship_to: Party
    supplier: Party
    lines: list[PurchaseOrderLineDoc]
    note: str
    ordered_by: str
    confirmed_on: date | None
    biz_transaction: str  # urn:epcglobal:cbv:bt:<buyer GLN>:<PO number>

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def controlled_schedules(self) -> list[Schedule]:
        found = {line.schedule for line in self.lines} - {Schedule.NONE}
        return sorted(found, key=lambda s: list(Schedule).index(s))


def _supplier_address(addresses: list[AddressRow]) -> AddressRow | None:
    """The supplier's business (bill-to) address; any address if it has none."""
    ranked = sorted(addresses, key=lambda a: (not getattr(a, "active", True),
                                              a.kind is not AddressKind.BILL_TO,
                                              not a.is_default, a.id))
    return ranked[0] if ranked else None


def _local_date(value: datetime | None) -> date | None:
    return value.astimezone().date() if value else None


def build_purchase_order(po_id: int) -> PurchaseOrderDoc:
    """Everything the supplier's copy shows, read in a handful of queries."""
    detail = po_detail(po_id)
    company = company_profile()
    if company is None:
        raise NotFound("company profile", 1)
    supplier = partner_detail(detail.order.supplier_id)
    address = _supplier_address(supplier.addresses)
    supplier_details = tuple(x for x in (f"Phone {supplier.partner.phone}"
                                         if supplier.partner.phone else "",
                                         supplier.email) if x)
    supplier_party = Party(
        supplier.partner.name,
        Party.address_lines(address.street, address.city, address.state, address.postal_code,
                            address.country) if address else (),
        supplier.partner.gln, supplier_details)
    buyer = company_party(company)
    ship_to = Party(company.legal_name, buyer.address, company.gln,
                    (f"Receiving: {company.phone}",) if company.phone else ())
    lines = [PurchaseOrderLineDoc(
        line.line_no, line.ndc, line.gtin, line.product,
        " · ".join(x for x in (line.strength, line.dosage_form, line.package_description) if x),
        line.schedule, line.quantity, line.unit_cost) for line in detail.lines]
    return PurchaseOrderDoc(
        number=detail.order.number, status=detail.order.status,
        order_date=_local_date(detail.order.created_at), expected_on=detail.order.expected_on,
        buyer=buyer, ship_to=ship_to, supplier=supplier_party, lines=lines, note=detail.note,
        ordered_by=detail.created_by, confirmed_on=_local_date(detail.confirmed_at),
        biz_transaction=f"urn:epcglobal:cbv:bt:{company.gln}:{detail.order.number}")


_STATUS_LINE = {
    PoStatus.DRAFT: ("DRAFT", "DRAFT – not yet confirmed, do not ship"),
    PoStatus.CANCELLED: ("CANCELLED", "CANCELLED – do not ship"),
}

COLUMNS = ("#", "NDC", "GTIN", "Product", "Qty", "Unit cost", "Amount")
_FIXED = (0.32 * inch, 1.0 * inch, 1.2 * inch, 0.6 * inch, 0.78 * inch, 0.9 * inch)
WIDTHS = (*_FIXED[:3], WIDTH - sum(_FIXED), *_FIXED[3:])
RIGHT = (0, 4, 5, 6)


def _line_row(line: PurchaseOrderLineDoc) -> list:
    st = styles()
    cell = [Paragraph(f"<b>{escape(line.name)}</b>", st["cell"])]
    details = escape(line.description)
    if line.schedule is not Schedule.NONE:
        mark = f"<font color='#8c1d18'><b>{line.schedule.label}</b></font>"
        details = f"{mark}  ·  {details}" if details else mark
    if details:
        cell.append(Paragraph(details, st["muted"]))
    return [Paragraph(str(line.line_no), st["cell_right"]),
            Paragraph(escape(line.ndc), st["cell"]), Paragraph(escape(line.gtin), st["cell"]),
            cell, Paragraph(quantity(line.quantity), st["cell_right"]),
            Paragraph(money(line.unit_cost), st["cell_right"]),
            Paragraph(money(line.amount), st["cell_right"])]


def _dscsa_note(doc: PurchaseOrderDoc) -> list[str]:
    texts = [
        "Ship only product you are authorized to sell (DSCSA authorized trading partner). "
        "Send the Transaction Information and Transaction Statement for this shipment "
        "electronically as a <b>GS1 EPCIS 1.2</b> document (GS1 US DSCSA guideline): "
        "commissioning, packing and shipping events for every serialized package, with "
        f"the shipping event's business transaction <b>{BTT_PO}</b> referencing this "
        f"purchase order <b>{escape(doc.number)}</b>:",
        f"<font face='DejaVuSans-Bold'>{escape(doc.biz_transaction)}</font>",
        f"Send it before or with the shipment to our GLN {escape(doc.buyer.gln)}. Product "
        "that arrives without matching transaction data is held in quarantine and may be "
        "refused.",
    ]
    schedules = doc.controlled_schedules
    if Schedule.CII in schedules:
        texts.append("<b>Schedule II items</b> (marked C-II) ship only against a DEA "
                     "Form 222 or CSOS order referencing this purchase order.")
    return texts


def render_purchase_order(doc: PurchaseOrderDoc, out: Out) -> int:
    """Draw the supplier's copy into `out` (a path or a binary file); returns pages."""
    st = styles()
    watermark, status_line = _STATUS_LINE.get(doc.status, ("", ""))
    letterhead = Letterhead(doc.buyer, "Purchase Order", doc.number, status_line, watermark)
    gap = 0.15 * inch
    box = (WIDTH - 2 * gap) / 3
    facts = [("PO number", f"<b>{escape(doc.number)}</b>"),
             ("Order date", long_date(doc.order_date)),
             ("Deliver by", long_date(doc.expected_on) or "ASAP"),
             ("Status", escape(doc.status.label))]
    if doc.ordered_by:
        facts.append(("Ordered by", escape(doc.ordered_by)))
    if doc.confirmed_on:
        facts.append(("Confirmed", long_date(doc.confirmed_on)))
    facts.append(("Currency", "USD"))
    story = [
        side_by_side([party_box("Supplier", doc.supplier, box),
                      party_box("Ship to", doc.ship_to, box),
                      facts_box("Order", facts, box)], [box, box, box], gap),
        Spacer(1, 0.2 * inch),
        line_table(COLUMNS, [_line_row(line) for line in doc.lines], WIDTHS, RIGHT),
        Spacer(1, 0.08 * inch),
        totals_table([("Lines", quantity(len(doc.lines))), ("Units", quantity(doc.units)),
                      ("Total (USD)", money(doc.total))]),
        Spacer(1, 0.2 * inch),
    ]
    if doc.note:
        story += [Paragraph("Note", st["heading"]), Paragraph(escape(doc.note), st["body"]),
                  Spacer(1, 0.15 * inch)]
    story.append(note_box("DSCSA transaction data", _dscsa_note(doc)))
    return build_pdf(out, letterhead, story, subject=f"Purchase order to {doc.supplier.name}")
