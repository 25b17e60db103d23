"""A customer's billing and credit terms on the Partners screen: the office sets days to
pay and sales tax and sees them in the detail panel; the credit limit and the hold are
read only for the office and set by the owner, after which an order over the limit is
held; refused input stays in the form with the reason under the field. A supplier has
payment terms only, set in a dialog of that one field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import AuditEntry
from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.partners import partner_detail
from core.queries.receivables import credit_status
from core.services import sales
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.services.sales import CreditHold, SoLineInput
from core.vocab import AddressKind
from desktop.partner_dialogs import CustomerTermsDialog, SupplierTermsDialog
from tests.desktop.test_partners_screen import open_from, selected_screen, submit

GTIN = "00312345678906"
SHIP_TO = Address(AddressKind.SHIP_TO, "12 Main St", "Trenton", "NJ", "08608")
DEFAULT_TERMS = ("Terms: Net 30 · Sales tax: Exempt · Invoicing: On shipping · "
                 "Credit limit: None · Credit hold: After 30 days past due · "
                 "Min. shelf life: None")


def pharmacy(actors) -> int:
    """An authorized customer (NJ license on file)."""
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Corner Drug", "customer", "dispenser", addresses=[SHIP_TO])
    add_evidence(office, pid, "state_license", "NJ-RX-1", state="NJ", expiry="2099-12-31")
    return pid


def terms_dialog(qtbot, wait_tasks, db, actor):
    screen = selected_screen(qtbot, wait_tasks, db, actor)
    panel = screen.detail_panel
    assert panel.terms_box.isVisibleTo(screen)
    return screen, open_from(screen, panel.terms_button, wait_tasks, CustomerTermsDialog)


def test_office_sets_net_45_and_a_6_625_percent_tax_and_sees_them(qtbot, wait_tasks, db,
                                                                   actors):
    pid = pharmacy(actors)
    screen, dialog = terms_dialog(qtbot, wait_tasks, db, actors[Role.OFFICE])
    panel = screen.detail_panel
    assert panel.terms_text() == DEFAULT_TERMS
    assert (dialog.terms_spin.text(), dialog.tax_edit.text()) == ("Net 30", "0")
    dialog.terms_spin.setValue(45)
    dialog.tax_edit.setText("6.625")
    dialog.shelf_spin.setValue(180)
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert dialog.result == {"payment_terms_days": (30, 45),
                             "tax_rate": (Decimal(0), Decimal("6.625")),
                             "min_shelf_life_days": (0, 180)}
    assert panel.terms_text() == (
        "Terms: Net 45 · Sales tax: 6.625% · Invoicing: On shipping · Credit limit: None · "
        "Credit hold: After 30 days past due · Min. shelf life: 180 days")
    terms = partner_detail(pid).terms
    assert (terms.payment_terms_days, terms.tax_rate_bp) == (45, Decimal("662.5"))
    assert recent_entries(1)[0].username == "office"

    again = open_from(screen, panel.terms_button, wait_tasks, CustomerTermsDialog)
    assert (again.terms_spin.text(), again.tax_edit.text(), again.shelf_spin.text()) == (
        "Net 45", "6.625", "180 days")
    again.invoice_check.setChecked(False)
    submit(again, wait_tasks)
    assert "Invoicing: By hand" in panel.terms_text()


def test_the_office_cannot_change_the_credit_limit(qtbot, wait_tasks, db, actors):
    pid = pharmacy(actors)
    _screen, dialog = terms_dialog(qtbot, wait_tasks, db, actors[Role.OFFICE])
    who = "Credit policy: only the admin or owner role may change it."
    for field in (dialog.credit_edit, dialog.hold_spin):
        assert field.isReadOnly()
        assert field.toolTip() == who
    assert dialog.credit_note.isVisibleTo(dialog) and dialog.credit_note.text() == who
    before = AuditEntry.select().count()
    dialog.credit_edit.setText("1000000")  # were it typed in anyway, it is not sent
    dialog.hold_spin.setValue(0)
    submit(dialog, wait_tasks)
    assert not dialog.isVisible() and dialog.result == {}
    terms = partner_detail(pid).terms
    assert (terms.credit_limit, terms.hold_past_due_days) == (Decimal("0.00"), 30)
    assert AuditEntry.select().count() == before


def test_owner_sets_a_credit_limit_and_a_new_order_over_it_is_held(qtbot, wait_tasks, db,
                                                                   actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(actors)
    add_product(office, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                list_price="41.50")
    assert not credit_status(pid, Decimal("124.50")).held
    screen, dialog = terms_dialog(qtbot, wait_tasks, db, actors[Role.OWNER])
    assert not dialog.credit_edit.isReadOnly() and not dialog.hold_spin.isReadOnly()
    assert dialog.credit_edit.placeholderText() == "No limit"
    dialog.credit_edit.setText("100")
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert "Credit limit: $100.00" in screen.detail_panel.terms_text()
    assert recent_entries(1)[0].summary == "Corner Drug: credit limit no limit -> 100.00"

    order = sales.create_order(office, pid, [SoLineInput(GTIN, 3)])  # 124.50
    with pytest.raises(CreditHold, match="over the credit limit of 100.00"):
        sales.confirm_order(office, order)


def test_bad_input_shows_the_reason_under_the_field_and_changes_nothing(qtbot, wait_tasks,
                                                                        db, actors):
    pid = pharmacy(actors)
    screen, dialog = terms_dialog(qtbot, wait_tasks, db, actors[Role.OFFICE])
    before = AuditEntry.select().count()
    dialog.tax_edit.setText("abc")
    submit(dialog, wait_tasks)
    assert dialog.isVisible()
    assert dialog.field_error("tax_rate") == (
        "Sales tax rate 'abc' is not a percentage; enter it like 6.625 for 6.625%, or 0 if "
        "the customer is exempt.")
    dialog.tax_edit.setText("6.625")
    dialog.terms_spin.setValue(400)
    submit(dialog, wait_tasks)
    assert dialog.isVisible()
    assert dialog.field_error("tax_rate") == ""
    assert dialog.field_error("payment_terms_days") == (
        "Payment terms: 400 days is too many; enter 0 to 365 (0: due on receipt).")
    assert partner_detail(pid).terms.tax_rate_bp == 0  # nothing written
    assert AuditEntry.select().count() == before
    assert screen.detail_panel.terms_text() == DEFAULT_TERMS

    dialog.terms_spin.setValue(60)
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert "Terms: Net 60 · Sales tax: 6.625%" in screen.detail_panel.terms_text()


def test_the_office_sets_a_suppliers_payment_terms_only(qtbot, wait_tasks, db, actors):
    acme = add_partner(actors[Role.OFFICE], "Acme Pharma", "supplier", "manufacturer")
    screen = selected_screen(qtbot, wait_tasks, db, actors[Role.OFFICE])
    panel = screen.detail_panel
    assert panel.name_label.text() == "Acme Pharma"
    assert panel.terms_box.isVisibleTo(screen)
    assert panel.terms_title.text() == "<b>Paying this supplier</b>"
    assert panel.terms_text() == "Payment terms: Net 30"
    dialog = open_from(screen, panel.terms_button, wait_tasks, SupplierTermsDialog)
    assert dialog.terms_spin.text() == "Net 30"
    assert not hasattr(dialog, "tax_edit")
    before = AuditEntry.select().count()
    dialog.terms_spin.setValue(400)
    submit(dialog, wait_tasks)
    assert dialog.isVisible() and dialog.field_error("payment_terms_days") == (
        "Payment terms: 400 days is too many; enter 0 to 365 (0: due on receipt).")
    assert AuditEntry.select().count() == before
    dialog.terms_spin.setValue(45)
    submit(dialog, wait_tasks)
    assert not dialog.isVisible() and dialog.result == {"payment_terms_days": (30, 45)}
    assert panel.terms_text() == "Payment terms: Net 45"
    assert partner_detail(acme).terms.payment_terms_days == 45
    assert recent_entries(1)[0].summary == "Acme Pharma: payment terms Net 30 -> Net 45"
