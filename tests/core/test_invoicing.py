"""Invoices from shipments and payments against them, posted to the ledger in the same
transaction; AR aging."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.models import Invoice, Partner, Payment
from core.permissions import Role
from core.queries.accounting import role_balance, trial_balance
from core.queries.receivables import ar_aging, bucket
from core.services import invoicing, sales, shipping
from core.services.invoicing import AlreadyInvoiced
from core.services.sales import SoLineInput
from core.vocab import AccountRole
from tests.core.conftest import GTIN, customer

TODAY = date.today()


def shipped(stock, quantity: int, **customer_fields) -> tuple[int, shipping.ShipResult]:
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    pid = Partner.get_or_none(Partner.gln == "0614141000029")
    pid = pid.id if pid else customer(stock)
    if customer_fields:
        Partner.update(**customer_fields).where(Partner.id == pid).execute()
    order = sales.create_order(office, pid, [SoLineInput(GTIN, quantity)])
    sales.confirm_order(office, order)
    return pid, shipping.ship_allocation(lead, order)


def test_shipping_invoices_at_once_and_posts_ar_and_sales(stock):
    _, result = shipped(stock, 3)
    invoice = Invoice.get(Invoice.number == result.invoice)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("124.50"), Decimal("0.00"), Decimal("124.50"))
    assert invoice.due_date == TODAY + timedelta(days=30)
    assert [(line.quantity, line.unit_price) for line in invoice.lines] == [
        (3, Decimal("41.50"))]
    assert role_balance(AccountRole.RECEIVABLES) == Decimal("124.50")
    assert role_balance(AccountRole.SALES) == Decimal("124.50")
    assert role_balance(AccountRole.COGS) == Decimal("36.75")  # 3 x 12.25 opening cost
    assert trial_balance().balanced


def test_one_click_invoice_with_tax_rounded_half_up_once(stock):
    office = stock[Role.OFFICE]
    _, result = shipped(stock, 1, invoice_on_ship=False, tax_rate_bp=663)
    assert result.invoice is None
    made = invoicing.invoice_shipment(office, result.shipment_id)
    # 41.50 x 6.63% = 2.75145 -> 2.75
    assert (made.tax, made.total) == (Decimal("2.75"), Decimal("44.25"))
    assert role_balance(AccountRole.SALES_TAX) == Decimal("2.75")
    with pytest.raises(AlreadyInvoiced, match="already invoiced"):
        invoicing.invoice_shipment(office, result.shipment_id)
    with pytest.raises(PermissionDenied):
        invoicing.invoice_shipment(stock[Role.WAREHOUSE], result.shipment_id)


def test_a_payment_settles_invoices_oldest_first_and_keeps_the_rest_on_account(stock):
    office = stock[Role.OFFICE]
    pid, first = shipped(stock, 2)  # 83.00
    _, second = shipped(stock, 1)  # 41.50
    invoicing.record_payment(office, pid, "100.00", [second.invoice, first.invoice],
                             reference="CHK 1042")
    assert invoicing.open_balance(Invoice.get(Invoice.number == first.invoice).id) == 0
    assert invoicing.open_balance(Invoice.get(Invoice.number == second.invoice).id) == \
        Decimal("24.50")
    assert role_balance(AccountRole.CASH) == Decimal("100.00")
    assert role_balance(AccountRole.RECEIVABLES) == Decimal("24.50")
    invoicing.record_payment(office, pid, "30.00", [second.invoice])  # 5.50 on account
    (aging,) = ar_aging()
    assert aging.buckets["current"] == 0 and aging.unapplied == Decimal("5.50")
    assert aging.balance == Decimal("-5.50") == -role_balance(AccountRole.CASH) + \
        Decimal("124.50")
    assert trial_balance().balanced


def test_payment_refusals_write_nothing(stock):
    office = stock[Role.OFFICE]
    pid, result = shipped(stock, 1)
    other = customer(stock, "Elm Pharmacy", "0614141000036")
    for args, message in (((other, "10.00", [result.invoice]), "not Elm Pharmacy's"),
                          ((pid, "0", []), "more than zero"),
                          ((pid, "10.005", []), "fractions of a cent"),
                          ((pid, "10.00", ["INV-999999"]), "No invoice")):
        with pytest.raises(Exception, match=message):
            invoicing.record_payment(office, *args)
    with pytest.raises(InvalidInput, match="already paid"):
        invoicing.record_payment(office, pid, "41.50", [result.invoice])
        invoicing.record_payment(office, pid, "1.00", [result.invoice])
    assert Payment.select().count() == 1
    with pytest.raises(PermissionDenied):
        invoicing.record_payment(stock[Role.WAREHOUSE], pid, "1.00")


def test_aging_buckets():
    assert [bucket(d) for d in (0, 1, 30, 31, 60, 61, 90, 91)] == [
        "current", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "90+"]


def test_credit_hold_blocks_new_orders_unless_overridden_with_a_reason(stock):
    office, owner = stock[Role.OFFICE], stock[Role.OWNER]
    pid, _ = shipped(stock, 2, credit_limit=Decimal("100.00"))  # owes 83.00
    order = sales.create_order(office, pid, [SoLineInput(GTIN, 1)])  # 41.50 more
    with pytest.raises(sales.CreditHold, match="over the credit limit of 100.00") as held:
        sales.confirm_order(office, order)
    assert "owes 83.00" in str(held.value)
    with pytest.raises(PermissionDenied):
        sales.confirm_order(office, order, override_hold="good customer")
    sales.confirm_order(owner, order, override_hold="paid by phone, check in the mail")
    from core.models import AuditEntry, SalesOrder
    assert SalesOrder.get_by_id(order).status == "allocated"
    assert "check in the mail" in AuditEntry.select().order_by(AuditEntry.id.desc()).get().summary


def test_an_invoice_past_due_beyond_the_threshold_holds_new_orders(stock):
    office = stock[Role.OFFICE]
    pid, result = shipped(stock, 1, hold_past_due_days=30)
    from core.db import database, is_postgres
    # Age the invoice as 45 days going by would (the table refuses updates otherwise).
    database.execute_sql("DROP TRIGGER invoice_append_only ON invoice" if is_postgres()
                         else "DROP TRIGGER invoice_no_update")
    Invoice.update(due_date=TODAY - timedelta(days=45)).where(
        Invoice.number == result.invoice).execute()
    order = sales.create_order(office, pid, [SoLineInput(GTIN, 1)])
    with pytest.raises(sales.CreditHold, match="45 days past due"):
        sales.confirm_order(office, order)
    invoicing.record_payment(office, pid, "41.50", [result.invoice])
    sales.confirm_order(office, order)  # paid: no longer held


def test_a_credit_memo_lowers_what_the_invoice_is_owed(stock):
    office = stock[Role.OFFICE]
    pid, result = shipped(stock, 2)  # 83.00
    with pytest.raises(InvalidInput, match="Say why"):
        invoicing.issue_credit_memo(office, result.invoice, "10.00", " ")
    with pytest.raises(InvalidInput, match="83.00 open"):
        invoicing.issue_credit_memo(office, result.invoice, "90.00", "price error")
    number = invoicing.issue_credit_memo(office, result.invoice, "8.30", "10% price error")
    assert number.startswith("CM-")
    invoice = Invoice.get(Invoice.number == result.invoice)
    assert invoicing.open_balance(invoice.id) == Decimal("74.70")
    assert role_balance(AccountRole.SALES_RETURNS) == Decimal("-8.30")  # contra income
    (aging,) = ar_aging()
    assert aging.balance == Decimal("74.70") == role_balance(AccountRole.RECEIVABLES)
    with pytest.raises(PermissionDenied):
        invoicing.issue_credit_memo(stock[Role.WAREHOUSE], result.invoice, "1.00", "x")
    assert trial_balance().balanced
