"""Render the invoice and the customer statement for docs/screenshots/ (first pages at
80 dpi, as the other documents' pictures).

    QT_QPA_PLATFORM=offscreen python -m tests.reports.screenshots_billing [OUT_DIR]

Starts from the Books screenshot's throw-away business (tests.desktop.screenshots_books:
a tiny demo with orders shipped 130 to 0 days ago and some payments), sets the remit-to
and billing email, and gives a customer with a part-paid invoice two more orders (35 and
3 days ago), a check and a credit memo on the first and a payment on account, so both
documents show every part they have. Never touches the user's own data.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from core.models import Invoice
from core.permissions import Actor, Role
from core.queries.users import list_users
from core.services import invoicing, sales, shipping
from core.services.company import update_company
from core.services.sales import SoLineInput
from reports.invoice import build_invoice, render_invoice
from reports.statement import build_statement, render_statement
from tests.desktop.screenshots import ROOT
from tests.desktop.screenshots_books import _TMP, prepare
from tests.desktop.screenshots_books import _ship_days_ago as ship_days_ago


def _first_page_png(pdf: Path, png: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(png.with_suffix(""))], check=True)


def _ship_days_ago(days: int, ship) -> str:
    """The Books screenshot's back-dating, with the shipment's own time moved too, so
    the invoice's ship date and invoice date agree."""
    then = datetime.now(UTC) - timedelta(days=days)
    with patch.object(shipping, "utc_now", lambda: then):
        return ship_days_ago(days, ship).invoice


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    admin = prepare(f"sqlite:///{_TMP / 'billing.db'}")
    users = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    office = users[Role.OFFICE]
    update_company(admin, remit_to="Garden State Rx Distributors, Inc.\nDept. 4410\n"
                   "PO Box 7731\nNewark, NJ 07101-7731",
                   billing_email="ar@gardenstaterx.example")
    # A customer with a part-paid invoice from the Books business orders twice more.
    earlier = next(i for i in Invoice.select().order_by(Invoice.invoice_date)
                   if i.applications.count() and invoicing.open_balance(i.id) > 0)
    customer = earlier.customer_id
    lines = [(line.product.gtin, line.quantity) for line in earlier.lines]
    numbers = []
    for days_ago, scale, po in ((35, 2, "88213"), (3, 1, "88407")):
        order = sales.create_order(office, customer, [SoLineInput(g, q * scale)
                                                      for g, q in lines], customer_po=po)
        sales.confirm_order(office, order)
        numbers.append(_ship_days_ago(
            days_ago, lambda o=order: shipping.ship_allocation(admin, o)))
    invoicing.record_payment(office, customer, "400.00", [numbers[0]],
                             date.today() - timedelta(days=12), reference="CHK 10417")
    invoicing.issue_credit_memo(office, numbers[0], "25.00",
                                "Short-dated bottle, price adjusted")
    invoicing.record_payment(office, customer, "150.00", [], method="ach",
                             reference="4471")
    pdf = _TMP / "invoice.pdf"
    render_invoice(build_invoice(Invoice.get(Invoice.number == numbers[0]).id), pdf)
    _first_page_png(pdf, out / "invoice.png")
    pdf = _TMP / "statement.pdf"
    render_statement(build_statement(customer), pdf)
    _first_page_png(pdf, out / "statement.png")
    print(f"Saved invoice.png and statement.png in {out}; the PDFs in {_TMP}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
