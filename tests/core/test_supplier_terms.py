"""A supplier's payment terms: the office sets Acme on Net 45 and the next bill from it
falls due 45 days after its date; the customers' other terms (tax, invoicing, credit,
shelf life) are refused for a supplier, with nothing written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.models import AuditEntry
from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.partners import partner_detail
from core.queries.payables import bill_detail
from core.services import payables
from core.services.partners import (
    NotACustomer, add_partner, set_customer_terms, update_partner)
from core.services.payables import BillLineInput
from tests.core.conftest import customer
from tests.payables_data import authorized_supplier, received_po


def test_a_supplier_on_net_45_bills_fall_due_45_days_after_their_date(db, actors, tmp_path):
    office = actors[Role.OFFICE]
    acme = authorized_supplier(actors)
    billed_before = received_po(actors, tmp_path)
    early = payables.enter_bill(office, billed_before, "ACME-1",
                                [BillLineInput(1, 12, "12.10")],
                                bill_date=date(2026, 3, 2))
    assert set_customer_terms(office, acme, payment_terms_days="45") == {
        "payment_terms_days": (30, 45)}
    assert partner_detail(acme).terms.payment_terms_days == 45
    entry = recent_entries(1)[0]
    assert (entry.action, entry.entity_id, entry.username, entry.summary) == (
        "set_customer_terms", str(acme), "office",
        "Acme Pharma Inc.: payment terms Net 30 -> Net 45")
    bill = payables.enter_bill(office, received_po(actors, tmp_path), "ACME-2",
                               [BillLineInput(1, 12, "12.10")], bill_date=date(2026, 3, 2))
    assert bill_detail(bill).bill.due_date == date(2026, 3, 2) + timedelta(days=45)
    assert bill_detail(early).bill.due_date == date(2026, 4, 1)  # entered on Net 30


@pytest.mark.parametrize(("given", "field", "named"), [
    ({"tax_rate": "6.625"}, "tax_rate", "sales tax"),
    ({"invoice_on_ship": False, "payment_terms_days": 45}, "invoice_on_ship", "invoicing"),
    ({"credit_limit": "0", "hold_past_due_days": 0, "min_shelf_life_days": 90},
     "credit_limit", "credit limit, credit hold and minimum shelf life"),
])
def test_only_payment_terms_apply_to_a_supplier(db, actors, given, field, named):
    owner = actors[Role.OWNER]
    acme = add_partner(owner, "Acme Pharma", "supplier", "manufacturer")
    before = AuditEntry.select().count()
    with pytest.raises(NotACustomer) as refused:
        set_customer_terms(owner, acme, **given)
    assert refused.value.field == field
    assert str(refused.value) == (f"Acme Pharma is a supplier, not a customer: only payment "
                                  f"terms apply to a supplier, so its {named} cannot be set.")
    assert partner_detail(acme).terms.payment_terms_days == 30
    assert AuditEntry.select().count() == before


def test_a_customer_that_also_supplies_has_every_term_and_one_payment_terms(db, actors):
    office = actors[Role.OFFICE]
    pid = customer(actors)
    update_partner(office, pid, roles="customer+supplier")
    assert set_customer_terms(office, pid, payment_terms_days=60, tax_rate="7") == {
        "payment_terms_days": (30, 60), "tax_rate": (Decimal(0), Decimal(7))}
    terms = partner_detail(pid).terms
    assert (terms.payment_terms_days, terms.tax_percent) == (60, "7")
