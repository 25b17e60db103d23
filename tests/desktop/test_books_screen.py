"""The Books screen: what customers owe and recording their payments, the trial
balance, the valuation beside the Inventory account, reversing a journal entry, closing
a month, and who may do what. Data is made with the core services (ship -> invoice)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt

from core.errors import PermissionDenied
from core.models import Partner
from core.permissions import Role
from core.queries.accounting import role_balance, trial_balance
from core.queries.journal import JournalFilter, journal_entry, journal_lines, list_periods
from core.queries.receivables import ar_aging
from core.services import accounting, invoicing, sales, shipping
from core.services.sales import SoLineInput
from core.vocab import AccountRole
from desktop.books_dialogs import RecordPaymentDialog, ReverseEntryDialog
from desktop.main_window import MainWindow
from desktop.print_preview import PdfDocumentDialog
from desktop.screens.books import (BooksScreen, CustomerAccountsTab, JournalTab, PeriodsTab,
                                   TrialBalanceTab, ValuationTab)
from desktop.session import Session
from tests.core.conftest import GTIN, customer, stock, warehouse  # noqa: F401 (fixtures)
from tests.desktop.conftest import message_boxes

TODAY = date.today()


def ship(actors, quantity: int, name: str = "Main Street Pharmacy",
         gln: str = "0614141000029") -> str:
    """Ship `quantity` atorvastatin (41.50 each) to the customer; returns the invoice."""
    office = actors[Role.OFFICE]
    found = Partner.get_or_none(Partner.gln == gln)
    pid = found.id if found else customer(actors, name, gln)
    order = sales.create_order(office, pid, [SoLineInput(GTIN, quantity)])
    sales.confirm_order(office, order)
    return shipping.ship_allocation(actors[Role.WAREHOUSE], order).invoice


def open_books(qtbot, wait_tasks, db, actor) -> BooksScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    window.show_screen(window.screen_titles().index("Books"))
    wait_tasks()
    return window.screen(BooksScreen)


def cells(model, title: str) -> list[str]:
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def test_aging_shows_the_invoice_and_a_payment_through_the_dialog_lowers_the_balance(
        qtbot, wait_tasks, db, stock):  # noqa: F811
    first = ship(stock, 2)  # 83.00
    second = ship(stock, 1)  # 41.50
    screen = open_books(qtbot, wait_tasks, db, stock[Role.OFFICE])
    tab = screen.tabs.currentWidget()
    assert isinstance(tab, CustomerAccountsTab)
    assert cells(tab.aging_model, "Customer") == ["Main Street Pharmacy"]
    assert cells(tab.aging_model, "Current") == ["$124.50"]
    assert cells(tab.aging_model, "Balance") == ["$124.50"]
    assert "owed <b>$124.50</b>" in tab.summary_label.text()
    assert cells(tab.invoices_model, "Invoice") == [first, second]
    assert cells(tab.invoices_model, "Open") == ["$83.00", "$41.50"]

    tab.payment_button.click()
    dialog = tab.dialog
    assert isinstance(dialog, RecordPaymentDialog)
    wait_tasks()
    assert dialog.customer_combo.currentText() == "Main Street Pharmacy"  # the selected one
    dialog.amount_edit.setText("100.00")
    # Oldest due first, up to the amount: both reached, 17.00 applied to the second.
    assert dialog.ticked() == {first, second}
    assert cells(dialog.invoices_model, "Applied") == ["$83.00", "$17.00"]
    assert "nothing stays on account" in dialog.plan_label.text()
    assert f"{second} keeps $24.50 open" in dialog.plan_label.text()
    dialog.amount_edit.setText("50")
    assert dialog.ticked() == {first}
    # Ticking the second by hand: the money runs out before it, the dialog says so.
    model = dialog.invoices_model
    model.setData(model.index(1, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.ticked() == {first, second}
    assert f"used up before {second}" in dialog.plan_label.text()
    dialog.ok_button.click()
    wait_tasks()
    assert f"used up before {second}" in dialog.field_error("apply")  # the service refused
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked.value,
                  Qt.ItemDataRole.CheckStateRole)
    dialog.amount_edit.setText("90.00")  # ticks stay as the user left them
    assert dialog.ticked() == {first}
    assert "Applies <b>$83.00</b>" in dialog.plan_label.text()
    assert "<b>$7.00</b> stays on account" in dialog.plan_label.text()
    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("ach"))
    dialog.reference_edit.setText("ACH 5531")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible() and dialog.result is not None

    assert cells(tab.aging_model, "Balance") == ["$34.50"]  # 124.50 - 90.00
    assert cells(tab.aging_model, "Unapplied credit") == ["$7.00"]
    assert cells(tab.invoices_model, "Invoice") == [second]
    assert "$7.00 credit on account" in tab.invoices_title.text()
    assert role_balance(AccountRole.CASH) == Decimal("90.00")


def test_the_service_refusal_shows_in_the_payment_dialog(qtbot, wait_tasks, db, stock):  # noqa: F811
    ship(stock, 1)
    screen = open_books(qtbot, wait_tasks, db, stock[Role.OFFICE])
    tab = screen.tab(CustomerAccountsTab)
    tab.payment_button.click()
    dialog = tab.dialog
    wait_tasks()
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.field_error("amount") == "A payment is more than zero."
    dialog.amount_edit.setText("12.345")
    dialog.ok_button.click()
    wait_tasks()
    assert "fractions of a cent" in dialog.field_error("amount")
    assert dialog.isVisible() and role_balance(AccountRole.CASH) == 0


def test_print_a_customers_statement(qtbot, wait_tasks, db, stock):  # noqa: F811
    first = ship(stock, 2)  # 83.00
    oak = ship(stock, 1, "Oak Clinic Pharmacy", "0614141000043")
    office = stock[Role.OFFICE]
    invoicing.record_payment(office, Partner.get(Partner.gln == "0614141000029").id,
                             "30.00", [first])
    screen = open_books(qtbot, wait_tasks, db, office)
    tab = screen.tab(CustomerAccountsTab)
    assert cells(tab.aging_model, "Customer") == ["Main Street Pharmacy",
                                                  "Oak Clinic Pharmacy"]
    assert tab.selected().customer == "Main Street Pharmacy"
    assert tab.statement_button.isEnabled()
    tab.statement_button.click()
    wait_tasks()
    dialog = tab.dialog
    assert isinstance(dialog, PdfDocumentDialog) and dialog.path.exists()
    assert dialog.windowTitle() == "Statement for Main Street Pharmacy"
    text = "\n".join(page.extract_text() for page in PdfReader(dialog.path).pages)
    assert "Main Street Pharmacy" in text and first in text and oak not in text
    assert "$53.00" in text  # what is still owed after the payment
    assert dialog.file_name.startswith("statement-Main-Street-Pharmacy-")


def test_trial_balance_and_valuation_agree_with_the_books(qtbot, wait_tasks, db, stock):  # noqa: F811
    ship(stock, 3)
    screen = open_books(qtbot, wait_tasks, db, stock[Role.OWNER])
    tb = screen.show_tab(TrialBalanceTab)
    wait_tasks()
    assert tb.balanced is True
    assert "Balanced" in tb.balanced_badge.text()
    accounts = dict(zip(cells(tb.model, "Account"), cells(tb.model, "Balance"), strict=True))
    assert accounts["Accounts Receivable"] == "$124.50"
    assert accounts["Cost of Goods Sold"] == "$36.75"
    total = trial_balance().total_debit
    assert f"Total debits <b>${total:,.2f}</b>" in tb.totals_label.text()
    tb.as_of_edit.setDate(QDate(TODAY.year - 1, 1, 1))  # before anything was posted
    wait_tasks()
    assert set(cells(tb.model, "Balance")) == {""} and tb.balanced is True

    valuation = screen.show_tab(ValuationTab)
    wait_tasks()
    inventory = role_balance(AccountRole.INVENTORY)
    assert valuation.difference == 0
    assert valuation.equal_badge.text() == "✓ Equal"
    assert f"${inventory:,.2f}" in valuation.stock_label.text()
    assert f"${inventory:,.2f}" in valuation.account_label.text()
    assert sorted(cells(valuation.model, "Lot")) == ["HOLD", "LATE", "OLD", "SOON"]


def test_reversing_an_entry_from_the_journal(qtbot, wait_tasks, db, stock):  # noqa: F811
    invoice = ship(stock, 1)
    screen = open_books(qtbot, wait_tasks, db, stock[Role.OWNER])
    journal = screen.show_tab(JournalTab)
    wait_tasks()
    assert cells(journal.model, "Source")[0].startswith(("invoice:", "shipment", "SHP"))
    journal.search_edit.setText(invoice)
    journal.search_edit.flush()
    wait_tasks()
    assert cells(journal.model, "Source") == [f"invoice:{invoice}", ""]
    assert cells(journal.model, "Debit") == ["$41.50", ""]
    assert journal.count_label.text() == "1 entry · 2 lines"
    journal.table.selectRow(1)  # any line of the entry
    entry_id = journal.selected().entry_id
    assert f"Entry #{entry_id}" in journal.entry_label.text()
    journal.reverse_button.click()
    wait_tasks()
    dialog = journal.dialog
    assert isinstance(dialog, ReverseEntryDialog)
    dialog.ok_button.click()
    assert "Say why" in dialog.form.error_text("reason")
    dialog.reason_edit.setText("billed the wrong customer")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    detail = journal_entry(entry_id)
    assert detail.reversed_by == dialog.result
    assert role_balance(AccountRole.RECEIVABLES) == 0
    # The journal reloads with the same filter: the entry is marked and stays selected.
    # Under the memo, on the entry's second line: what reversed it.
    assert cells(journal.model, "Memo")[1] == f"Reversed by #{dialog.result}"
    assert journal.selected().entry_id == entry_id
    assert f"reversed by #{dialog.result}" in journal.entry_label.text()
    assert not journal.reverse_button.isEnabled()
    journal.clear_button.click()
    wait_tasks()
    assert cells(journal.model, "Memo")[1] == f"Reverses #{entry_id}"  # the newest
    journal.table.selectRow(0)
    assert not journal.reverse_button.isEnabled()  # a reversal is not reversed again


def test_closing_the_month_then_a_payment_dated_in_it_is_refused(qtbot, wait_tasks, db,
                                                                  stock):  # noqa: F811
    ship(stock, 1)
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    screen = open_books(qtbot, wait_tasks, db, stock[Role.OWNER])
    periods = screen.show_tab(PeriodsTab)
    wait_tasks()
    assert cells(periods.model, "Status")[0] == "Open"
    assert periods.selected().month == TODAY.month
    periods.close_button.click()
    box = periods.confirm
    assert "current month" in box.text()
    box.button(box.StandardButton.Cancel).click()
    wait_tasks()
    assert not list_periods()[0].closed

    periods.close_button.click()
    periods.close_confirm_button.click()
    wait_tasks()
    assert list_periods()[0].closed
    assert [b.windowTitle() for b in message_boxes()] == ["Month closed"]
    message_boxes()[0].close()
    assert cells(periods.model, "Status")[0] == "Closed"
    assert cells(periods.model, "Closed by")[0] == "owner"
    assert not periods.close_button.isEnabled()

    accounts = screen.show_tab(CustomerAccountsTab)
    wait_tasks()
    accounts.payment_button.click()
    dialog = accounts.dialog
    wait_tasks()
    dialog.amount_edit.setText("41.50")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    assert not dialog.error_label.isHidden()
    assert "Period closed" in dialog.error_label.text()
    assert f"{TODAY:%Y-%m} are closed" in dialog.error_label.text()
    assert role_balance(AccountRole.CASH) == 0
    dialog.date_edit.setDate(QDate(last_month.year, last_month.month, last_month.day))
    assert dialog.date_edit.date().toPython() == last_month  # an open month: accepted
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert role_balance(AccountRole.CASH) == Decimal("41.50")


def test_who_sees_what(qtbot, wait_tasks, db, stock):  # noqa: F811
    window = MainWindow(Session(db.target.url, db.target, actor=stock[Role.WAREHOUSE]))
    qtbot.addWidget(window)
    assert "Books" not in window.screen_titles()

    office = open_books(qtbot, wait_tasks, db, stock[Role.OFFICE])
    assert office.tab_titles() == ["Customer accounts", "Chart of accounts"]  # read only
    assert office.tab(CustomerAccountsTab).payment_button.isEnabled()

    owner = open_books(qtbot, wait_tasks, db, stock[Role.OWNER])
    assert owner.tab_titles() == ["Customer accounts", "Trial balance", "Inventory valuation",
                                  "Journal", "Periods", "Chart of accounts"]


def test_the_services_refuse_what_a_role_may_not_do(qtbot, wait_tasks, db, stock):  # noqa: F811
    """Buttons are off for roles without the permission; should a dialog run anyway,
    the service's refusal is shown in it."""
    invoice = ship(stock, 1)
    office = stock[Role.OFFICE]
    entry = journal_entry(journal_lines(JournalFilter(text=invoice))[0].entry_id)
    dialog = ReverseEntryDialog(office, entry)
    qtbot.addWidget(dialog)
    dialog.reason_edit.setText("trying")
    dialog.ok_button.click()
    wait_tasks()
    assert "Not allowed" in dialog.error_label.text()
    assert "may not edit the chart of accounts or post a reversing journal entry" in \
        dialog.error_label.text()
    assert journal_entry(entry.entry_id).reversed_by is None
    with pytest.raises(PermissionDenied, match="may not close a fiscal period"):
        accounting.close_period(office, TODAY.year, TODAY.month)
    assert ar_aging()[0].balance == Decimal("41.50")


def test_journal_pages_keep_entries_together(qtbot, wait_tasks, db, stock):  # noqa: F811
    """Lines load a page at a time; an entry split across two pages keeps one shade and
    its second line still carries the reversal note."""
    ship(stock, 1)
    screen = open_books(qtbot, wait_tasks, db, stock[Role.OWNER])
    journal = screen.show_tab(JournalTab)
    wait_tasks()
    everything = list(journal.model.rows)
    shades, positions = list(journal.model.shaded), list(journal.model.positions)
    assert positions[:4] == [0, 1, 0, 1] and shades[:4] == [False, False, True, True]
    journal.model.page_size = 3  # pages end inside entries
    journal.reload()
    wait_tasks()
    while journal.model.canFetchMore():
        journal.model.fetchMore()
        wait_tasks()
    assert journal.model.rows == everything
    assert (journal.model.shaded, journal.model.positions) == (shades, positions)
