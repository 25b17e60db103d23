"""The invoice we send a customer for one shipment: who is billed and where the goods
went, what was shipped (product, NDC, the lots, quantity, price, amount), the totals,
what has been paid or credited on it so far and the balance due by the due date, where
to send the money, and the invoice number as a Code 128 barcode so a remittance can be
scanned straight to its invoice."""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from core.money import percent_text
from core.queries.billing_docs import InvoiceDoc, InvoiceLineDoc, invoice_doc
from reports.barcodes import BarcodeFlowable, barcode_box
from reports.doc_parts import amount_due_box, billing_row, remit_to_box, ship_to_party
from reports.pdf_base import (
    WIDTH, Letterhead, Out, Party, build_pdf, company_party, escape, facts_box,
    line_table, long_date, money, note_box, party_box, quantity, side_by_side, styles,
    totals_table,
)

COLUMNS = ("#", "Product", "NDC", "Qty", "Unit price", "Amount")
_NO, _NDC, _QTY, _PRICE, _AMOUNT = (0.38 * inch, 0.95 * inch, 0.55 * inch, 0.85 * inch,
                                    0.95 * inch)
WIDTHS = (_NO, WIDTH - (_NO + _NDC + _QTY + _PRICE + _AMOUNT), _NDC, _QTY, _PRICE, _AMOUNT)
RIGHT = (0, 3, 4, 5)
GAP = 0.15 * inch
BOX = (WIDTH - 2 * GAP) / 3


def build_invoice(invoice_id: int) -> InvoiceDoc:
    return invoice_doc(invoice_id)


def lots_text(line: InvoiceLineDoc) -> str:
    """"Lot SOON exp Jun 5, 2027": the lots shipped on the line, each with its units
    when there are several, so the pharmacy can match the invoice to what it received."""
    several = len(line.lots) > 1
    return "  ·  ".join(
        f"Lot {escape(lot.lot)} exp {long_date(lot.expiry)}"
        + (f" ({quantity(lot.quantity)})" if several else "") for lot in line.lots)


def _row(line: InvoiceLineDoc) -> list:
    st = styles()
    product = [Paragraph(f"<b>{escape(line.description)}</b>", st["cell"])]
    if line.lots:
        product.append(Paragraph(lots_text(line), st["muted"]))
    return [Paragraph(str(line.line_no), st["cell_right"]), product,
            Paragraph(escape(line.ndc), st["cell"]),
            Paragraph(quantity(line.quantity), st["cell_right"]),
            Paragraph(money(line.unit_price), st["cell_right"]),
            Paragraph(f"<b>{money(line.amount)}</b>", st["cell_right"])]


def _facts(doc: InvoiceDoc) -> list[tuple[str, str]]:
    facts = [("Invoice", f"<b>{escape(doc.number)}</b>"),
             ("Invoice date", long_date(doc.invoice_date)),
             ("Terms", escape(doc.terms)),
             ("Due date", f"<b>{long_date(doc.due_date)}</b>")]
    facts += [(label, escape(value)) for label, value in (
        ("Customer PO", doc.customer_po), ("Sales order", doc.order_number),
        ("Shipment", doc.shipment_number)) if value]
    if doc.shipped_at:
        facts.append(("Ship date", long_date(doc.shipped_at)))
    return facts


def _tax_label(doc: InvoiceDoc) -> str:
    if not doc.tax_rate_bp:
        return "Sales tax"
    return f"Sales tax ({percent_text(doc.tax_rate_bp)}%)"


def _settlements(doc: InvoiceDoc) -> list:
    st = styles()
    rows = [[Paragraph(long_date(s.on), st["cell"]), Paragraph(escape(s.kind), st["cell"]),
             Paragraph(escape(s.number), st["cell"]), Paragraph(escape(s.detail), st["cell"]),
             Paragraph(money(s.amount), st["cell_right"])] for s in doc.settlements]
    widths = (0.95 * inch, 0.95 * inch, 1.05 * inch, WIDTH - 3.95 * inch, 1.0 * inch)
    return [Spacer(1, 0.15 * inch), KeepTogether([
        Paragraph("Payments and credits on this invoice", st["heading"]),
        line_table(("Date", "Type", "Number", "Detail", "Amount"), rows, widths, (4,))])]


def render_invoice(doc: InvoiceDoc, out: Out) -> int:
    """Draw the invoice into `out` (a path or a binary file); returns pages."""
    company = company_party(doc.company)
    paid_up = not doc.balance_due
    letterhead = Letterhead(company, "Invoice", doc.number, "PAID IN FULL" if paid_up else "")
    customer = Party(doc.customer, (), doc.customer_gln)
    bill_to = replace(ship_to_party(doc.bill_to, doc.customer),
                      gln=doc.customer_gln)
    ship_to = (party_box("Ship to", ship_to_party(doc.ship_to, doc.customer), BOX)
               if doc.ship_to is not None else party_box("Ship to", customer, BOX))
    quote = f"Please quote <b>{escape(doc.number)}</b> with your payment."
    ask = (f"Billing questions: {escape(doc.company.billing_email)}"
           if doc.company.billing_email else "")
    due = (["Paid in full, thank you."] if paid_up else
           [f"Due {long_date(doc.due_date)}", escape(doc.terms)])
    payment_row = billing_row(
        [remit_to_box(doc.remit_to, company, [quote] + ([ask] if ask else []), BOX),
         barcode_box("Invoice number", BarcodeFlowable(doc.number, module=0.011 * inch,
                                                       height=0.5 * inch, font_size=9),
                     BOX, "Scan to find this invoice."),
         amount_due_box("Balance due", doc.balance_due, due, BOX)], [BOX] * 3, GAP,
        remit_to=0, amount_due=2)
    totals = [("Subtotal", money(doc.subtotal)), (_tax_label(doc), money(doc.tax)),
              ("Invoice total", money(doc.total))]
    owing = [(label, money(-amount)) for label, amount in (
        ("Payments received", doc.paid), ("Credits", doc.credited)) if amount]
    story = [
        side_by_side([party_box("Bill to", bill_to, BOX), ship_to,
                      facts_box("Invoice", _facts(doc), BOX)], [BOX] * 3, GAP),
        Spacer(1, 0.15 * inch),
        payment_row,
        Spacer(1, 0.2 * inch),
        line_table(COLUMNS, [_row(line) for line in doc.lines], WIDTHS, RIGHT),
        Spacer(1, 0.08 * inch),
        KeepTogether([totals_table(totals),
                      Spacer(1, 0.04 * inch),
                      totals_table([*owing, ("Balance due", money(doc.balance_due))])]),
    ]
    if doc.settlements:
        story += _settlements(doc)
    story += [Spacer(1, 0.2 * inch), note_box("Payment", [
        (f"Please pay {money(doc.balance_due)} by {long_date(doc.due_date)} "
         f"({escape(doc.terms)}) to the remit-to address on this invoice, quoting "
         f"{escape(doc.number)}." if not paid_up else
         f"Invoice {escape(doc.number)} is paid in full."),
        f"{quantity(len(doc.lines))} line(s), {quantity(doc.units)} unit(s); prices are "
        "per package."])]
    return build_pdf(out, letterhead, story, subject=f"Invoice for {doc.customer}")
