"""The customer statement: a balance-forward account of a period (what was owed before
it, each invoice, payment and credit memo in it with the running balance, what is owed
at its end), what is owed by age as AR aging counts it, and a slip to return with the
payment, addressed to our remit-to."""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from core.queries.billing_docs import StatementDoc, StatementEntry, statement_doc
from core.queries.receivables import BUCKETS
from reports.doc_parts import amount_due_box, billing_row, remit_to_box, ship_to_party
from reports.pdf_base import (
    ACCENT, FONT, MUTED, SHADE, WIDTH, Letterhead, Out, build_pdf, company_party, escape,
    facts_box, line_table, long_date, money, party_box, styles,
)

COLUMNS = ("Date", "Transaction", "Reference", "Due", "Charges", "Credits", "Balance")
_DATE, _TXN, _DUE, _CHARGE, _CREDIT, _BALANCE = (0.95 * inch, 1.12 * inch, 1.33 * inch,
                                                 0.8 * inch, 0.8 * inch, 0.9 * inch)
WIDTHS = (_DATE, _TXN, WIDTH - (_DATE + _TXN + _DUE + _CHARGE + _CREDIT + _BALANCE), _DUE,
          _CHARGE, _CREDIT, _BALANCE)
RIGHT = (4, 5, 6)
AGING_COLUMNS = ("Current", "1-30 days", "31-60 days", "61-90 days", "Over 90 days",
                 "Credit on account", "Amount due")
GAP = 0.15 * inch
BOX = (WIDTH - 2 * GAP) / 3
PAST_DUE = "#8c1d18"


def build_statement(customer_id: int, period_from: date | None = None,
                    period_to: date | None = None) -> StatementDoc:
    return statement_doc(customer_id, period_from, period_to)


class CutLine(Flowable):
    """A dashed line across the page with a scissors note: where to tear off the slip."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def wrap(self, available_width, available_height):
        return WIDTH, 16

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(MUTED)
        canvas.setDash(3, 3)
        canvas.setLineWidth(0.6)
        canvas.line(0, 8, WIDTH, 8)
        canvas.setFont(FONT, 7.5)
        label = f"\u2702  {self.text}"
        half = canvas.stringWidth(label, FONT, 7.5) / 2 + 6
        canvas.setFillColor(colors.white)
        canvas.rect(WIDTH / 2 - half, 2, 2 * half, 12, stroke=0, fill=1)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(WIDTH / 2, 5, label)
        canvas.restoreState()


def _due_cell(entry: StatementEntry, on: date) -> list:
    """The due date, and under it what is still open of the invoice (red once past due)
    or "paid"."""
    st = styles()
    if entry.due_date is None:
        return []
    cell = [Paragraph(long_date(entry.due_date), st["cell"])]
    if entry.open and entry.due_date < on:
        cell.append(Paragraph(f"<font color='{PAST_DUE}'>past due {money(entry.open)}</font>",
                              st["muted"]))
    elif entry.open:
        cell.append(Paragraph(f"open {money(entry.open)}", st["muted"]))
    else:
        cell.append(Paragraph("paid", st["muted"]))
    return cell


def _row(entry: StatementEntry, on: date) -> list:
    st = styles()
    return [Paragraph(long_date(entry.on), st["cell"]),
            [Paragraph(f"<b>{escape(entry.number)}</b>", st["cell"]),
             Paragraph(escape(entry.kind), st["muted"])],
            Paragraph(escape(entry.reference), st["cell"]),
            _due_cell(entry, on),
            Paragraph(money(entry.charge) if entry.charge else "", st["cell_right"]),
            Paragraph(money(entry.credit) if entry.credit else "", st["cell_right"]),
            Paragraph(f"<b>{money(entry.balance)}</b>", st["cell_right"])]


def _activity(doc: StatementDoc):
    st = styles()
    forward = [Paragraph(long_date(doc.period_from), st["cell"]),
               Paragraph("<b>Balance forward</b>  <font color='#5b6b7a' size='7.5'>owed "
                         "before this period</font>", st["cell"]), "", "", "", "",
               Paragraph(f"<b>{money(doc.opening_balance)}</b>", st["cell_right"])]
    rows = [forward, *(_row(entry, doc.statement_date) for entry in doc.entries)]
    if not doc.entries:
        rows.append(["", Paragraph("No activity in this period.", st["muted"]), "", "", "",
                     "", ""])
    rows.append([Paragraph(long_date(doc.period_to), st["cell"]),
                 Paragraph("<b>Closing balance</b>", st["cell"]), "", "",
                 Paragraph(money(doc.charges), st["cell_right"]),
                 Paragraph(money(doc.credits), st["cell_right"]),
                 Paragraph(f"<b>{money(doc.closing_balance)}</b>", st["cell_right"])])
    table = line_table(COLUMNS, rows, WIDTHS, RIGHT)
    table.setStyle(TableStyle([("SPAN", (1, 1), (3, 1)), ("SPAN", (1, -1), (3, -1)),
                               ("BACKGROUND", (0, -1), (-1, -1), SHADE),
                               ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
                               ("LINEBELOW", (0, -1), (-1, -1), 0.8, ACCENT)]))
    return table


def _aging(doc: StatementDoc):
    st = styles()
    aging = doc.aging
    cells = [money(aging.buckets[b]) for b in BUCKETS]
    cells += [money(-aging.unapplied), f"<b>{money(doc.amount_due)}</b>"]
    row = [Paragraph(text, st["cell_right"]) for text in cells]
    table = line_table(AGING_COLUMNS, [row], [WIDTH / len(AGING_COLUMNS)] * len(cells),
                       tuple(range(len(cells))))
    table.setStyle(TableStyle([("BACKGROUND", (-1, 1), (-1, 1), colors.HexColor("#dce8ee")),
                               ("LINEBELOW", (0, 1), (-1, 1), 0.8, ACCENT)]))
    return KeepTogether([
        Paragraph(f"What you owe by days past due on {long_date(doc.statement_date)}",
                  st["heading"]), table])


def _slip(doc: StatementDoc, payee) -> KeepTogether:
    facts = [("Customer", f"<b>{escape(doc.customer)}</b>")]
    if doc.customer_gln:
        facts.append(("GLN", escape(doc.customer_gln)))
    facts += [("Statement", long_date(doc.statement_date)),
              ("Amount due", f"<b>{money(doc.amount_due)}</b>"),
              ("Enclosed", "$ ______________")]
    notes = [f"Payable to <b>{escape(doc.company.legal_name)}</b>"] if doc.remit_to else []
    if doc.company.billing_email:
        notes.append(f"Questions: {escape(doc.company.billing_email)}")
    half = (WIDTH - GAP) / 2
    return KeepTogether([
        Spacer(1, 0.1 * inch), CutLine("Detach and return this part with your payment"),
        Spacer(1, 0.08 * inch),
        billing_row([facts_box("Remittance", facts, half),
                     remit_to_box(doc.remit_to, payee, notes, half)], [half, half], GAP,
                    remit_to=1)])


def render_statement(doc: StatementDoc, out: Out) -> int:
    """Draw the statement into `out` (a path or a binary file); returns pages."""
    st = styles()
    company = company_party(doc.company)
    letterhead = Letterhead(company, "Statement", long_date(doc.statement_date))
    facts = [("Date", f"<b>{long_date(doc.statement_date)}</b>"),
             ("Period", f"{long_date(doc.period_from)} –<br/>{long_date(doc.period_to)}"),
             ("Terms", escape(doc.terms))]
    if doc.customer_gln:
        facts.append(("GLN", escape(doc.customer_gln)))
    owed = ([f"as of {long_date(doc.statement_date)}"] if doc.closing_balance >= 0 else
            [f"Credit balance {money(-doc.closing_balance)}", "nothing to pay"])
    head = billing_row([party_box("Customer", ship_to_party(doc.bill_to, doc.customer), BOX),
                        facts_box("Statement", facts, BOX),
                        amount_due_box("Amount due", doc.amount_due, owed, BOX)],
                       [BOX] * 3, GAP, amount_due=2)
    story = [head, Spacer(1, 0.12 * inch),
             Paragraph(f"Account activity, {long_date(doc.period_from)} to "
                       f"{long_date(doc.period_to)}", st["heading"]),
             _activity(doc), Spacer(1, 0.1 * inch), _aging(doc), _slip(doc, company)]
    return build_pdf(out, letterhead, story, subject=f"Statement for {doc.customer}")
