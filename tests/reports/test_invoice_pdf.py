"""The invoice as the pharmacy's payables clerk reads it: where to pay, how much, by when,
and what has been paid or credited already."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.models import Invoice, Partner, Shipment
from core.permissions import Role
from core.services import invoicing, sales, shipping
from core.services.company import update_company
from core.services.sales import SoLineInput
from reports.invoice import build_invoice, render_invoice
from reports.pdf_base import long_date
from tests.core.conftest import GTIN
from tests.core.test_trace import counting_queries
from tests.reports.conftest import CUSTOMER, CUSTOMER_GLN, LATE, SOON
from tests.reports.readback import page_texts, pdf_text, scan_page

REMIT_TO = "Acme Rx Wholesale - Lockbox 7731\nPO Box 7731\nNewark, NJ 07101-7731"
TODAY = date.today()


@pytest.fixture
def billing(stock):
    update_company(stock[Role.OWNER], remit_to=REMIT_TO, billing_email="ar@acmerx.example")
    return stock


@pytest.fixture
def invoice(billing, shipped_shipment) -> Invoice:
    """The conftest's shipment, invoiced when it shipped: 7 atorvastatin at 41.50 (lots
    SOON and LATE) and 12 sterile water at the order's price."""
    return Invoice.get(Invoice.shipment == shipped_shipment)


def test_the_invoice_says_who_what_where_to_pay_and_by_when(invoice, tmp_path):
    doc = build_invoice(invoice.id)
    assert [(l.line_no, [(x.lot, x.quantity) for x in l.lots], l.quantity)
            for l in doc.lines] == [(1, [("SOON", 5), ("LATE", 2)], 7), (2, [("W1", 12)], 12)]
    assert doc.terms == "Net 30" and doc.due_date == TODAY + timedelta(days=30)
    assert doc.balance_due == doc.total == invoice.total
    out = tmp_path / "invoice.pdf"
    assert render_invoice(doc, out) == 1
    text = pdf_text(out)
    shipment = Shipment.get_by_id(invoice.shipment_id)
    assert "INVOICE" in text and invoice.number in text
    for line in REMIT_TO.splitlines():
        assert line in text
    assert "REMIT TO" in text and f"Please quote {invoice.number} with your payment." in text
    assert "Billing questions: ar@acmerx.example" in text
    assert f"BILL TO {CUSTOMER} 1 Billing Plaza Princeton, NJ 08540 GLN {CUSTOMER_GLN}" in text
    assert f"SHIP TO {CUSTOMER} 12 Main Street Trenton, NJ 08608" in text
    assert f"Invoice date {long_date(TODAY)}" in text
    assert f"Terms Net 30 Due date {long_date(TODAY + timedelta(days=30))}" in text
    assert "Customer PO MS-4471" in text and "Sales order SO-000001" in text
    assert f"Shipment {shipment.number}" in text
    assert ("1 Atorvastatin 20 mg tablets, 90 count Lot SOON exp "
            f"{long_date(SOON)} (5) · Lot LATE exp {long_date(LATE)} (2) 12345-678-90 7 "
            "$41.50 $290.50") in text
    assert f"Sterile water 10 mL vial Lot W1 exp {long_date(LATE)} 12345-111-11 12" in text
    assert (f"Subtotal {_money(invoice.subtotal)} Sales tax $0.00 Invoice total "
            f"{_money(invoice.total)} Balance due {_money(invoice.total)}") in text
    assert f"BALANCE DUE {_money(invoice.total)} Due {long_date(invoice.due_date)}" in text
    assert "Payments and credits" not in text and "PAID IN FULL" not in text
    assert [(b.format, b.data) for b in scan_page(out)] == [("Code128", invoice.number)]


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def test_a_partial_payment_and_a_credit_memo_leave_the_balance_due(billing, invoice,
                                                                   tmp_path):
    office = billing[Role.OFFICE]
    invoicing.record_payment(office, invoice.customer_id, "100.00", [invoice.number],
                             method="check", reference="CHK 1042")
    memo = invoicing.issue_credit_memo(office, invoice.number, "41.50",
                                       "one bottle short-dated, agreed")
    doc = build_invoice(invoice.id)
    due = invoice.total - Decimal("141.50")
    assert (doc.paid, doc.credited, doc.balance_due) == (Decimal("100.00"),
                                                         Decimal("41.50"), due)
    out = tmp_path / "invoice.pdf"
    render_invoice(doc, out)
    text = pdf_text(out)
    assert (f"Invoice total {_money(invoice.total)} Payments received -$100.00 "
            f"Credits -$41.50 Balance due {_money(due)}") in text
    assert f"BALANCE DUE {_money(due)} Due {long_date(invoice.due_date)} Net 30" in text
    assert f"Please pay {_money(due)} by {long_date(invoice.due_date)} (Net 30)" in text
    assert "Payments and credits on this invoice" in text
    assert f"{long_date(TODAY)} Payment PAY-000001 Check CHK 1042 $100.00" in text
    assert f"{long_date(TODAY)} Credit memo {memo} one bottle short-dated, agreed $41.50" \
        in text
    invoicing.record_payment(office, invoice.customer_id, str(due), [invoice.number],
                             method="ach")
    render_invoice(build_invoice(invoice.id), out)
    text = pdf_text(out)
    assert "PAID IN FULL" in text and "BALANCE DUE $0.00 Paid in full, thank you." in text
    assert f"Payment PAY-000002 ACH {_money(due)}" in text


def test_terms_tax_and_our_address_when_no_remit_to_is_set(stock, customer, tmp_path):
    """A customer on Net 15 with sales tax; the profile has no remit-to yet, so the
    invoice sends payment to our own address."""
    office = stock[Role.OFFICE]
    Partner.update(payment_terms_days=15, tax_rate_bp=663).where(
        Partner.id == customer).execute()
    order = sales.create_order(office, customer, [SoLineInput(GTIN, 1)])
    sales.confirm_order(office, order)
    number = shipping.ship_allocation(stock[Role.WAREHOUSE], order).invoice
    invoice = Invoice.get(Invoice.number == number)
    out = tmp_path / "invoice.pdf"
    render_invoice(build_invoice(invoice.id), out)
    text = pdf_text(out)
    assert "Terms Net 15" in text
    assert f"Due date {long_date(TODAY + timedelta(days=15))}" in text
    assert "Subtotal $41.50 Sales tax (6.63%) $2.75 Invoice total $44.25" in text
    # The customer's rate changes later: the invoice keeps its tax, without a rate.
    Partner.update(tax_rate_bp=700).where(Partner.id == customer).execute()
    render_invoice(build_invoice(invoice.id), out)
    assert "Subtotal $41.50 Sales tax $2.75 Invoice total $44.25" in pdf_text(out)
    profile = build_invoice(invoice.id).company
    assert f"REMIT TO {profile.legal_name} {profile.street}" in text
    assert "Billing questions" not in text


def test_three_hundred_lines_paginate_with_the_header_on_every_page(invoice, tmp_path):
    doc = build_invoice(invoice.id)
    many = [replace(doc.lines[n % 2], line_no=n + 1) for n in range(300)]
    out = tmp_path / "long.pdf"
    pages = render_invoice(replace(doc, lines=many), out)
    texts = page_texts(out)
    assert pages == len(texts) >= 6
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {pages}" in text and invoice.number in text
        assert "# Product NDC Qty Unit price Amount" in text
    assert "300 Sterile water 10 mL vial" in texts[-1]
    assert "Balance due" in texts[-1]


def test_an_invoice_reads_the_same_few_queries_whatever_its_size(billing, invoice):
    office = billing[Role.OFFICE]
    order = sales.create_order(office, invoice.customer_id, [SoLineInput(GTIN, 1)])
    sales.confirm_order(office, order)
    small = Invoice.get(Invoice.number == shipping.ship_allocation(
        billing[Role.WAREHOUSE], order).invoice)
    with counting_queries() as one_line:
        build_invoice(small.id)
    for n in range(3):
        invoicing.record_payment(office, invoice.customer_id, "1.00", [invoice.number])
    invoicing.issue_credit_memo(office, invoice.number, "1.00", "rounding")
    with counting_queries() as busy:
        doc = build_invoice(invoice.id)
    assert (len(doc.lines), len(doc.settlements)) == (2, 4)
    assert len(busy) == len(one_line) <= 10, busy
