"""What the Invoices screen reads: invoices paged with search and the open / overdue /
paid filter and what is still open on each, one invoice with its lines, payments and
credit memos, and the shipments waiting to be invoiced with what they would bill."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core.db import database, is_postgres
from core.models import Invoice, Package, Partner, ShipmentItem
from core.permissions import Role
from core.queries.invoices import (InvoiceShow, count_invoices, invoice_detail, invoice_row,
                                   list_invoices, uninvoiced_shipments)
from core.services import invoicing, returns, sales, shipping
from core.services.sales import SoLineInput
from tests.core.conftest import GTIN, customer, stock, warehouse  # noqa: F401

TODAY = date.today()
OAK_GLN = "0614141000043"


def ship_to(actors, customer_id: int, quantity: int, customer_po: str = "",
            ) -> shipping.ShipResult:
    office = actors[Role.OFFICE]
    order = sales.create_order(office, customer_id, [SoLineInput(GTIN, quantity)],
                               customer_po=customer_po)
    sales.confirm_order(office, order)
    return shipping.ship_allocation(actors[Role.WAREHOUSE], order)


def make_overdue(number: str, days: int) -> None:
    """Age an invoice as `days` going by past its due date would (the table refuses
    updates otherwise, so the append-only trigger goes first; test databases only)."""
    database.execute_sql("DROP TRIGGER IF EXISTS invoice_append_only ON invoice"
                         if is_postgres() else "DROP TRIGGER IF EXISTS invoice_no_update")
    invoice = Invoice.get(Invoice.number == number)
    due = TODAY - timedelta(days=days)
    Invoice.update(due_date=due, invoice_date=due - timedelta(days=invoice.terms_days)).where(
        Invoice.id == invoice.id).execute()


def numbers(rows) -> list[str]:
    return [r.number for r in rows]


def test_search_filter_open_balance_and_days_overdue(stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock)
    oak = customer(stock, "Oak Clinic Pharmacy", gln=OAK_GLN)
    first = ship_to(stock, main, 2, "MS-881")  # 83.00
    second = ship_to(stock, oak, 1)  # 41.50
    third = ship_to(stock, main, 1)  # 41.50
    assert numbers(list_invoices()) == [third.invoice, second.invoice, first.invoice]
    assert count_invoices() == 3
    (row,) = list_invoices(text="ms-88")
    assert (row.number, row.customer, row.total, row.open) == (
        first.invoice, "Main Street Pharmacy", Decimal("83.00"), Decimal("83.00"))
    assert (row.shipment, row.customer_po) == (first.number, "MS-881")
    assert row.order == f"SO-{Invoice.get(Invoice.number == first.invoice).shipment.order_id:06d}"
    assert numbers(list_invoices(text="oak")) == [second.invoice]
    assert numbers(list_invoices(text=second.number.lower())) == [second.invoice]
    assert numbers(list_invoices(text=row.order)) == [first.invoice]
    assert numbers(list_invoices(text=third.invoice[-3:])) == [third.invoice]
    assert count_invoices(text="main street") == 2

    invoicing.record_payment(office, main, "30.00", [first.invoice])
    invoicing.issue_credit_memo(office, second.invoice, "41.50", "short shipped")
    invoicing.record_payment(office, main, "41.50", [third.invoice])
    make_overdue(first.invoice, 12)
    assert invoice_row(Invoice.get(Invoice.number == first.invoice).id).open == Decimal("53.00")
    assert numbers(list_invoices(InvoiceShow.OPEN)) == [first.invoice]
    (late,) = list_invoices(InvoiceShow.OVERDUE)
    assert (late.open, late.days_overdue(TODAY), late.state(TODAY)) == (
        Decimal("53.00"), 12, InvoiceShow.OVERDUE)
    assert numbers(list_invoices(InvoiceShow.PAID)) == [third.invoice, second.invoice]
    assert count_invoices(InvoiceShow.PAID, text="oak") == 1
    assert count_invoices(InvoiceShow.OVERDUE, on=TODAY - timedelta(days=13)) == 0
    paid = list_invoices(InvoiceShow.PAID)[0]
    assert (paid.open, paid.days_overdue(TODAY), paid.state(TODAY)) == (
        Decimal("0.00"), 0, InvoiceShow.PAID)
    assert list_invoices(customer_id=oak) and numbers(list_invoices(
        InvoiceShow.OPEN, customer_id=oak)) == []
    assert numbers(list_invoices(offset=1, limit=1)) == [second.invoice]


def test_overdue_lists_longest_overdue_first(stock):  # noqa: F811
    main = customer(stock)
    recent, old = ship_to(stock, main, 1), ship_to(stock, main, 1)
    make_overdue(recent.invoice, 3)
    make_overdue(old.invoice, 40)
    assert numbers(list_invoices(InvoiceShow.OVERDUE)) == [old.invoice, recent.invoice]


def test_detail_names_lines_payments_credit_memos_and_entries(stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock)
    Partner.update(tax_rate_bp=663).where(Partner.id == main).execute()
    result = ship_to(stock, main, 2, "MS-881")  # 83.00 + 5.50 tax
    payment = invoicing.record_payment(office, main, "50.00", [result.invoice],
                                       received_on=TODAY, method="ach", reference="TRX 7")
    memo = invoicing.issue_credit_memo(office, result.invoice, "10.00", "price correction")
    invoice = Invoice.get(Invoice.number == result.invoice)
    detail = invoice_detail(invoice.id)
    assert detail.invoice.number == result.invoice and detail.invoice.customer_po == "MS-881"
    assert (detail.subtotal, detail.tax, detail.invoice.total) == (
        Decimal("83.00"), Decimal("5.50"), Decimal("88.50"))
    assert (detail.paid, detail.credited, detail.invoice.open) == (
        Decimal("50.00"), Decimal("10.00"), Decimal("28.50"))
    assert detail.entry_id == invoice.entry_id and detail.terms_days == 30
    assert detail.shipment_id == result.shipment_id and detail.shipped_at is not None
    assert detail.order_id == invoice.shipment.order_id and detail.created_by == "warehouse"
    (line,) = detail.lines
    assert (line.description, line.ndc, line.quantity, line.unit_price, line.amount) == (
        "Atorvastatin 20 mg tablets, 90 count", "12345-678-90", 2, Decimal("41.50"),
        Decimal("83.00"))
    paid, credited = detail.settlements
    assert (paid.kind, paid.number, paid.detail, paid.amount, paid.on) == (
        "Payment", f"PAY-{payment:06d}", "ACH TRX 7", Decimal("50.00"), TODAY)
    assert paid.entry_id not in (0, invoice.entry_id) and paid.by == "office"
    assert (credited.kind, credited.number, credited.detail, credited.amount) == (
        "Credit memo", memo, "price correction", Decimal("10.00"))
    assert credited.entry_id not in (paid.entry_id, invoice.entry_id)


def test_shipments_waiting_to_be_invoiced(stock):  # noqa: F811
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    main = customer(stock)
    ship_to(stock, main, 1)  # invoiced on shipping
    assert uninvoiced_shipments() == []
    Partner.update(invoice_on_ship=False).where(Partner.id == main).execute()
    first = ship_to(stock, main, 3, "MS-881")
    second = ship_to(stock, main, 1)
    assert first.invoice is None
    served = sorted(p.serial for p in Package.select().join(
        ShipmentItem, on=(ShipmentItem.package == Package.id))
        .where(ShipmentItem.shipment == first.shipment_id))
    returns.receive_return(lead, main, [(GTIN, served[0])], "wrong strength")
    waiting = uninvoiced_shipments()
    assert [(s.number, s.customer, s.customer_po, s.units, s.value) for s in waiting] == [
        (first.number, "Main Street Pharmacy", "MS-881", 2, Decimal("83.00")),
        (second.number, "Main Street Pharmacy", "", 1, Decimal("41.50"))]
    made = invoicing.invoice_shipment(office, first.shipment_id)
    assert made.total == waiting[0].value  # what the list said it would bill
    assert [s.number for s in uninvoiced_shipments()] == [second.number]
