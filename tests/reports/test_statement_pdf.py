"""The customer statement as the pharmacy's bookkeeper reads it: what they owed before,
what happened since, the running balance, and what is owed by age (the same numbers as
our AR aging)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.db import database, is_postgres
from core.errors import InvalidInput, NotFound
from core.models import Invoice
from core.permissions import Role
from core.queries.receivables import ar_aging
from core.services import invoicing, sales, shipping
from core.services.company import update_company
from core.services.sales import SoLineInput
from reports.pdf_base import long_date
from reports.statement import build_statement, render_statement
from tests.core.conftest import GTIN
from tests.core.test_trace import counting_queries
from tests.reports.conftest import CUSTOMER, CUSTOMER_GLN
from tests.reports.readback import pdf_text

TODAY = date.today()


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def _ship(actors, customer_id: int, units: int) -> str:
    office = actors[Role.OFFICE]
    order = sales.create_order(office, customer_id, [SoLineInput(GTIN, units)],
                               customer_po=f"MS-{units}")
    sales.confirm_order(office, order)
    return shipping.ship_allocation(actors[Role.WAREHOUSE], order).invoice


def _age(number: str, invoiced: date, due: date) -> None:
    """Date an invoice as if it had been raised on `invoiced` (the table is append-only
    in the database; a test lets time pass by lifting that for invoices)."""
    database.execute_sql("DROP TRIGGER IF EXISTS invoice_append_only ON invoice"
                         if is_postgres() else "DROP TRIGGER IF EXISTS invoice_no_update")
    Invoice.update(invoice_date=invoiced, due_date=due).where(
        Invoice.number == number).execute()


@pytest.fixture
def account(stock, customer):
    """Four months of a customer's account, Net 30:
    INV-000001  83.00 invoiced 120 days ago (due 100 days ago), 30.00 paid 40 days ago
    INV-000002  41.50 invoiced 50 days ago (due 20 days ago), 10.00 credited today
    INV-000003  41.50 invoiced today
    PAY-000002  50.00 received 5 days ago, not applied (on account)."""
    office = stock[Role.OFFICE]
    update_company(stock[Role.OWNER], remit_to="Garden State Rx\nLockbox 7731\n"
                   "Newark, NJ 07101", billing_email="ar@gardenstaterx.example")
    first, second, third = (_ship(stock, customer, units) for units in (2, 1, 1))
    _age(first, days_ago(120), days_ago(100))
    _age(second, days_ago(50), days_ago(20))
    invoicing.record_payment(office, customer, "30.00", [first], days_ago(40),
                             reference="CHK 1001")
    invoicing.record_payment(office, customer, "50.00", [], days_ago(5), method="ach")
    memo = invoicing.issue_credit_memo(office, second, "10.00", "damaged in transit")
    return customer, (first, second, third, memo)


def test_running_balance_closing_balance_and_aging_match_ar_aging(account, tmp_path):
    customer, (first, second, third, memo) = account
    doc = build_statement(customer)
    # The default period reaches back to the oldest invoice still open.
    assert (doc.period_from, doc.period_to) == (days_ago(120), TODAY)
    assert doc.opening_balance == 0
    assert [(e.number, e.charge, e.credit, e.balance) for e in doc.entries] == [
        (first, Decimal("83.00"), 0, Decimal("83.00")),
        (second, Decimal("41.50"), 0, Decimal("124.50")),
        ("PAY-000001", 0, Decimal("30.00"), Decimal("94.50")),
        ("PAY-000002", 0, Decimal("50.00"), Decimal("44.50")),
        (third, Decimal("41.50"), 0, Decimal("86.00")),
        (memo, 0, Decimal("10.00"), Decimal("76.00"))]
    (ours,) = [a for a in ar_aging() if a.customer_id == customer]
    assert doc.aging.buckets == ours.buckets == {
        "current": Decimal("41.50"), "1-30": Decimal("31.50"), "31-60": 0, "61-90": 0,
        "90+": Decimal("53.00")}
    assert doc.aging.unapplied == ours.unapplied == Decimal("50.00")
    assert doc.closing_balance == ours.balance == doc.amount_due == Decimal("76.00")

    out = tmp_path / "statement.pdf"
    assert render_statement(doc, out) == 1
    text = pdf_text(out)
    assert f"STATEMENT {long_date(TODAY)}" in text
    assert f"CUSTOMER {CUSTOMER} 1 Billing Plaza Princeton, NJ 08540" in text
    assert f"Terms Net 30 GLN {CUSTOMER_GLN}" in text
    assert f"AMOUNT DUE $76.00 as of {long_date(TODAY)}" in text
    assert (f"{long_date(days_ago(120))} Balance forward owed before this period "
            "$0.00") in text
    assert (f"{long_date(days_ago(120))} {first} Invoice PO MS-2 "
            f"{long_date(days_ago(100))} past due $53.00 $83.00 $83.00") in text
    assert (f"{long_date(days_ago(40))} PAY-000001 Payment Check CHK 1001 $30.00 $94.50"
            in text)
    assert f"{long_date(days_ago(5))} PAY-000002 Payment ACH $50.00 $44.50" in text
    assert (f"{long_date(TODAY)} {third} Invoice PO MS-1 "
            f"{long_date(TODAY + timedelta(days=30))} open $41.50 $41.50 $86.00") in text
    assert (f"{long_date(TODAY)} {memo} Credit memo On {second}: damaged in transit "
            "$10.00 $76.00") in text
    assert f"{long_date(TODAY)} Closing balance $166.00 $90.00 $76.00" in text
    assert ("Current 1-30 days 31-60 days 61-90 days Over 90 days Credit on account "
            "Amount due $41.50 $31.50 $0.00 $0.00 $53.00 -$50.00 $76.00") in text
    assert "REMIT TO Garden State Rx Lockbox 7731 Newark, NJ 07101" in text
    assert ("REMITTANCE Customer Main Street Pharmacy GLN 0614141000029 Statement "
            f"{long_date(TODAY)} Amount due $76.00 Enclosed $") in text
    assert "Questions: ar@gardenstaterx.example" in text


def test_a_period_brings_earlier_activity_forward(account, tmp_path):
    customer, (first, second, third, memo) = account
    doc = build_statement(customer, days_ago(45), TODAY)
    assert doc.opening_balance == Decimal("124.50")  # both older invoices, nothing paid
    assert [e.number for e in doc.entries] == ["PAY-000001", "PAY-000002", third, memo]
    assert doc.closing_balance == Decimal("76.00")
    out = tmp_path / "statement.pdf"
    render_statement(doc, out)
    text = pdf_text(out)
    assert f"{long_date(days_ago(45))} Balance forward owed before this period $124.50" \
        in text
    assert f"{first} Invoice" not in text and f"{second} Invoice" not in text


def test_a_statement_dated_in_the_past_ages_the_account_as_it_stood(account):
    customer, (first, second, _, _) = account
    doc = build_statement(customer, period_to=days_ago(30))
    assert [e.number for e in doc.entries] == [first, second, "PAY-000001"]
    # Then: the first invoice 70 days past due with 53.00 open, the second not yet due;
    # the ACH payment and the credit memo had not happened.
    assert doc.aging.buckets == {"current": Decimal("41.50"), "1-30": 0, "31-60": 0,
                                 "61-90": Decimal("53.00"), "90+": 0}
    assert doc.aging.unapplied == 0
    assert doc.closing_balance == doc.aging.balance == Decimal("94.50")


def test_credit_on_account_and_a_bad_period(stock, customer, supplier, tmp_path):
    office = stock[Role.OFFICE]
    invoicing.record_payment(office, customer, "25.00", [])
    doc = build_statement(customer)
    assert doc.closing_balance == Decimal("-25.00") and doc.amount_due == 0
    out = tmp_path / "statement.pdf"
    render_statement(doc, out)
    text = pdf_text(out)
    assert "AMOUNT DUE $0.00 Credit balance $25.00 nothing to pay" in text
    with pytest.raises(InvalidInput, match="starts on .* after it ends"):
        build_statement(customer, TODAY, days_ago(1))
    with pytest.raises(NotFound, match="No customer"):
        build_statement(supplier)


def test_the_statement_reads_the_same_few_queries_however_busy_the_account(stock, account):
    customer, _ = account
    with counting_queries() as before:
        build_statement(customer)
    for n in range(3):
        invoicing.record_payment(stock[Role.OFFICE], customer, "5.00", [],
                                 reference=f"CHK {2000 + n}")
    with counting_queries() as after:
        doc = build_statement(customer)
    assert len(doc.entries) == 9
    assert len(after) == len(before) <= 10, after
