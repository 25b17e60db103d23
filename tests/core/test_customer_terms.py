"""A customer's billing and credit terms: days to pay, sales tax, invoicing on shipping,
credit limit, when past-due invoices hold new orders, and the shelf life allocated. The
office sets the billing terms; only the owner or an administrator sets credit policy.
Invoices, credit holds and allocation follow the new terms at once."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core import migrations
from core.connection import connect, upgrade
from core.db import close_database, database
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import AuditEntry, Invoice, Partner, SalesOrder
from core.money import parse_tax_rate, percent_text, sales_tax
from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.partners import CustomerTerms, partner_detail
from core.services import invoicing, sales, shipping
from core.services.partners import add_partner, set_customer_terms
from core.services.sales import CreditHold, SoLineInput
from tests.core.conftest import GTIN, customer

TODAY = date.today()
DEFAULTS = CustomerTerms(payment_terms_days=30, tax_rate_bp=Decimal(0), invoice_on_ship=True,
                         credit_limit=Decimal("0.00"), hold_past_due_days=30,
                         min_shelf_life_days=0)


def audit_count() -> int:
    return AuditEntry.select().count()


def test_office_sets_billing_terms_and_the_change_is_audited(db, actors):
    office = actors[Role.OFFICE]
    pid = customer(actors)
    assert partner_detail(pid).terms == DEFAULTS
    changes = set_customer_terms(office, pid, payment_terms_days=45, tax_rate="6.625",
                                 invoice_on_ship=False, min_shelf_life_days="180")
    assert changes == {"payment_terms_days": (30, 45),
                       "tax_rate": (Decimal(0), Decimal("6.625")),
                       "invoice_on_ship": (True, False),
                       "min_shelf_life_days": (0, 180)}
    terms = partner_detail(pid).terms
    assert terms == CustomerTerms(45, Decimal("662.5"), False, Decimal("0.00"), 30, 180)
    assert terms.tax_percent == "6.625"
    entry = recent_entries(1)[0]
    assert (entry.action, entry.entity, entry.entity_id, entry.username) == (
        "set_customer_terms", "partner", str(pid), "office")
    assert entry.summary == ("Main Street Pharmacy: payment terms Net 30 -> Net 45; "
                             "sales tax exempt -> 6.625%; invoicing on shipping -> by hand; "
                             "minimum shelf life none -> 180 days")


def test_nothing_changed_writes_nothing(db, actors):
    office = actors[Role.OFFICE]
    pid = customer(actors)
    set_customer_terms(office, pid, payment_terms_days=45, tax_rate="6.625")
    before = audit_count()
    # Every value as stored, credit policy included: the office may submit the whole form.
    assert set_customer_terms(office, pid, payment_terms_days="45", tax_rate="6.6250%",
                              invoice_on_ship=True, credit_limit="0", hold_past_due_days=30,
                              min_shelf_life_days=0) == {}
    assert set_customer_terms(office, pid) == {}
    assert audit_count() == before


def test_credit_limit_and_hold_are_for_the_owner_and_administrators(db, actors):
    office, owner = actors[Role.OFFICE], actors[Role.OWNER]
    pid = customer(actors)
    before = audit_count()
    for policy in ({"credit_limit": "5000"}, {"hold_past_due_days": 0}):
        with pytest.raises(PermissionDenied, match="only the admin or owner role may"):
            # The allowed change beside it is refused too: nothing is written.
            set_customer_terms(office, pid, payment_terms_days=60, **policy)
    with pytest.raises(PermissionDenied, match="may not edit customers and suppliers"):
        set_customer_terms(actors[Role.WAREHOUSE], pid, payment_terms_days=60)
    assert partner_detail(pid).terms == DEFAULTS
    assert audit_count() == before

    assert set_customer_terms(owner, pid, credit_limit="$5,000", hold_past_due_days=45) == {
        "credit_limit": (Decimal("0.00"), Decimal("5000.00")), "hold_past_due_days": (30, 45)}
    assert recent_entries(1)[0].summary == (
        "Main Street Pharmacy: credit limit no limit -> 5000.00; credit hold after 30 days "
        "past due -> after 45 days past due")
    set_customer_terms(actors[Role.ADMIN], pid, credit_limit="", hold_past_due_days=0)
    terms = partner_detail(pid).terms
    assert (terms.credit_limit, terms.hold_past_due_days) == (Decimal("0.00"), 0)


@pytest.mark.parametrize("given, field, message", [
    ({"payment_terms_days": 400}, "payment_terms_days",
     "Payment terms: 400 days is too many; enter 0 to 365 (0: due on receipt)."),
    ({"payment_terms_days": "net 30"}, "payment_terms_days",
     "Payment terms: 'net 30' is not a whole number of days."),
    ({"payment_terms_days": -1}, "payment_terms_days", "not a whole number"),
    ({"payment_terms_days": True}, "payment_terms_days", "not a whole number"),
    ({"hold_past_due_days": 366}, "hold_past_due_days", "enter 0 to 365 (0: never hold)"),
    ({"min_shelf_life_days": 1826}, "min_shelf_life_days",
     "Minimum shelf life: 1826 days is too many; enter 0 to 1825 (5 years;"),
    ({"credit_limit": "-5"}, "credit_limit", "must be zero or more"),
    ({"credit_limit": "10.005"}, "credit_limit", "fractions of a cent"),
    ({"credit_limit": "lots"}, "credit_limit", "not an amount of money"),
    ({"tax_rate": "abc"}, "tax_rate", "Sales tax rate 'abc' is not a percentage; enter it "
     "like 6.625 for 6.625%, or 0 if the customer is exempt."),
    ({"tax_rate": "6.6251"}, "tax_rate", "has more than 3 decimals"),
    ({"tax_rate": "20.001"}, "tax_rate", "Sales tax rate 20.001% is over 20%"),
    ({"tax_rate": "-1"}, "tax_rate", "must be zero (exempt) or more"),
    ({"invoice_on_ship": "yes"}, "invoice_on_ship", "yes or no"),
])
def test_bad_input_is_named_and_writes_nothing(db, actors, given, field, message):
    pid = customer(actors)
    before = audit_count()
    beside = {"tax_rate": "7"} if field == "payment_terms_days" else {
        "payment_terms_days": 60}  # a good value, not written either
    with pytest.raises(InvalidInput, match=re.escape(message)) as refused:
        set_customer_terms(actors[Role.OWNER], pid, **beside, **given)
    assert refused.value.field == field
    assert partner_detail(pid).terms == DEFAULTS
    assert audit_count() == before


def test_a_supplier_has_payment_terms_only(db, actors):
    office = actors[Role.OFFICE]
    supplier = add_partner(office, "Acme Pharma", "supplier", "manufacturer")
    with pytest.raises(InvalidInput, match="only payment terms apply to a supplier") as refused:
        set_customer_terms(office, supplier, payment_terms_days=45, tax_rate="6.625")
    assert refused.value.field == "tax_rate"
    assert partner_detail(supplier).terms == DEFAULTS
    with pytest.raises(NotFound):
        set_customer_terms(office, 999_999, payment_terms_days=45)


def test_tax_rates_become_basis_points_exactly():
    for typed, bp in (("6.625", "662.5"), (" 6.625 % ", "662.5"), ("8.875", "887.5"),
                      ("7", "700"), ("0", "0"), ("20", "2000"), ("0.001", "0.1"),
                      (Decimal("6.6250"), "662.5"), (5, "500")):
        assert parse_tax_rate(typed, "tax_rate") == Decimal(bp), typed
    with pytest.raises(TypeError):
        parse_tax_rate(6.625, "tax_rate")
    assert [percent_text(Decimal(bp)) for bp in ("662.5", "700.0", "2000.0", "0.1", "0")] == [
        "6.625", "7", "20", "0.001", "0"]
    # 6.625% of 166.00 is 10.9975: 11.00, where 6.62% or 6.63% would be a cent off.
    assert [sales_tax(Decimal("166.00"), Decimal(bp)) for bp in ("662.5", "662", "663")] == [
        Decimal("11.00"), Decimal("10.99"), Decimal("11.01")]


def test_the_stored_rate_is_exact_on_the_backend(db, actors):
    pid = customer(actors)
    set_customer_terms(actors[Role.OFFICE], pid, tax_rate="0.001")
    assert Partner.get_by_id(pid).tax_rate_bp == Decimal("0.1")
    assert database.execute_sql("SELECT tax_rate_tenth_bp FROM partner WHERE id = "
                                f"{pid}").fetchone() == (1,)
    set_customer_terms(actors[Role.OFFICE], pid, tax_rate="19.999")
    assert Partner.get_by_id(pid).tax_rate_bp == Decimal("1999.9")
    assert Partner.select().where(Partner.tax_rate_bp == Decimal("1999.9")).count() == 1


def ship(stock, pid: int, quantity: int) -> shipping.ShipResult:
    order = sales.create_order(stock[Role.OFFICE], pid, [SoLineInput(GTIN, quantity)])
    sales.confirm_order(stock[Role.OFFICE], order)
    return shipping.ship_allocation(stock[Role.WAREHOUSE], order)


def test_invoices_raised_after_a_change_use_the_new_terms_and_tax(stock):
    office = stock[Role.OFFICE]
    pid = customer(stock)
    first = Invoice.get(Invoice.number == ship(stock, pid, 1).invoice)
    set_customer_terms(office, pid, payment_terms_days=45, tax_rate="6.625",
                       invoice_on_ship=False)
    result = ship(stock, pid, 4)  # 4 x 41.50 = 166.00
    assert result.invoice is None  # now invoiced by hand
    made = invoicing.invoice_shipment(office, result.shipment_id)
    invoice = Invoice.get_by_id(made.invoice_id)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("166.00"), Decimal("11.00"), Decimal("177.00"))
    assert (invoice.terms_days, invoice.due_date) == (45, TODAY + timedelta(days=45))
    first = Invoice.get_by_id(first.id)  # posted before: keeps its own terms
    assert (first.terms_days, first.tax, first.due_date) == (
        30, Decimal("0.00"), TODAY + timedelta(days=30))


def test_a_lower_credit_limit_holds_the_next_order(stock):
    office, owner = stock[Role.OFFICE], stock[Role.OWNER]
    pid = customer(stock)
    set_customer_terms(owner, pid, credit_limit="100.00")
    order = sales.create_order(office, pid, [SoLineInput(GTIN, 3)])  # 124.50
    with pytest.raises(CreditHold, match="over the credit limit of 100.00"):
        sales.confirm_order(office, order)
    set_customer_terms(owner, pid, credit_limit="200.00")
    sales.confirm_order(office, order)
    assert SalesOrder.get_by_id(order).status == "allocated"


def test_new_orders_take_the_customer_shelf_life(stock):
    pid = customer(stock)
    set_customer_terms(stock[Role.OFFICE], pid, min_shelf_life_days=200)
    order = sales.create_order(stock[Role.OFFICE], pid, [SoLineInput(GTIN, 2)])
    assert SalesOrder.get_by_id(order).min_shelf_life_days == 200
    result = sales.confirm_order(stock[Role.OFFICE], order)
    assert result.short == []  # from LATE (400 days), not SOON (100 days)
    lots = {a.lot.lot_number for a in SalesOrder.get_by_id(order).lines[0].allocations}
    assert lots == {"LATE"}


def test_a_whole_basis_point_rate_survives_the_upgrade_exactly(blank_url, monkeypatch):
    """Databases from before step 10 kept whole basis points in tax_rate_bp."""
    with monkeypatch.context() as before_step_10:
        before_step_10.setattr(migrations, "STEPS", migrations.STEPS[:9])
        before_step_10.setattr(migrations, "LATEST", 9)
        upgrade(connect(blank_url))
        database.execute_sql(
            "INSERT INTO partner (name, gs1_prefix_length, is_customer, is_supplier, "
            "partner_type, phone, email, active, created_at, min_shelf_life_days, "
            "payment_terms_days, credit_limit, invoice_on_ship, tax_rate_bp, "
            "hold_past_due_days) VALUES ('Old Customer', 7, TRUE, FALSE, 'dispenser', '', "
            "'', TRUE, '2026-01-02 03:04:05+00:00', 0, 30, 0, TRUE, 663, 30)")
    try:
        upgrade(connect(blank_url))
        assert Partner.get(Partner.name == "Old Customer").tax_rate_bp == Decimal("663")
    finally:
        close_database()
