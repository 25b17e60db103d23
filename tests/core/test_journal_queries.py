"""The journal and the fiscal months as the Books screen reads them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.db import write_transaction
from core.errors import NotFound
from core.models import JournalEntry
from core.permissions import Role
from core.queries.journal import (JournalFilter, count_journal, journal_entry, journal_lines,
                                  list_periods)
from core.services import accounting, invoicing, sales, shipping
from core.services.accounting import Posting
from core.services.sales import SoLineInput
from core.vocab import AccountRole
from tests.core.conftest import GTIN, customer

TODAY = date.today()
LAST_MONTH = TODAY.replace(day=1) - timedelta(days=1)


def ship(stock, quantity: int) -> str:
    office = stock[Role.OFFICE]
    order = sales.create_order(office, customer(stock), [SoLineInput(GTIN, quantity)])
    sales.confirm_order(office, order)
    return shipping.ship_allocation(stock[Role.WAREHOUSE], order).invoice


def post_cash_sale(actor, amount: str, on: date, memo: str = "counter sale") -> int:
    with write_transaction():
        return accounting.post_entry(actor, [
            Posting(AccountRole.CASH, debit=Decimal(amount)),
            Posting(AccountRole.SALES, credit=Decimal(amount))], "manual", memo, on)


def entries_in(rows) -> list[int]:
    return list(dict.fromkeys(r.entry_id for r in rows))


def test_lines_newest_entry_first_debits_before_credits(stock):
    admin = stock[Role.ADMIN]
    before = count_journal()
    invoice = ship(stock, 2)
    old = post_cash_sale(admin, "5.00", LAST_MONTH)
    rows = journal_lines()
    counted = count_journal()
    assert counted.entries == before.entries + 2 + 1  # shipment COGS, invoice, manual
    assert counted.lines == len(rows)
    # Newest date first; the manual entry dated last month comes last.
    assert entries_in(rows)[-1] == old
    assert [r.entry_date for r in rows] == sorted((r.entry_date for r in rows), reverse=True)
    newest = [r for r in rows if r.entry_id == rows[0].entry_id]
    assert [r.first for r in newest] == [True] + [False] * (len(newest) - 1)
    invoice_rows = [r for r in rows if r.source == f"invoice:{invoice}"]
    assert [(r.account_code, r.debit, r.credit) for r in invoice_rows] == [
        ("1100", Decimal("83.00"), Decimal("0.00")), ("4000", Decimal("0.00"), Decimal("83.00"))]
    assert invoice_rows[0].partner == "Main Street Pharmacy"
    assert invoice_rows[0].account == "1100 Accounts Receivable · Main Street Pharmacy"
    for entry in entries_in(rows):
        lines = [r for r in rows if r.entry_id == entry]
        debits = [r.debit > 0 for r in lines]
        assert debits == sorted(debits, reverse=True)  # debits first
        assert sum(r.debit for r in lines) == sum(r.credit for r in lines)


def test_a_page_that_starts_inside_an_entry_knows_it(stock):
    ship(stock, 1)
    everything = journal_lines()
    paged = []
    for offset in range(0, len(everything), 3):
        paged += journal_lines(offset=offset, limit=3)
    assert paged == everything
    assert journal_lines(offset=1, limit=1)[0].first is False  # the newest has two lines


def test_filter_by_dates_and_by_source_or_memo_text(stock):
    admin = stock[Role.ADMIN]
    invoice = ship(stock, 1)
    old = post_cash_sale(admin, "7.00", LAST_MONTH, "Counter sale, cash box")
    by_text = JournalFilter(text=invoice.lower())
    assert {r.source for r in journal_lines(by_text)} == {f"invoice:{invoice}"}
    assert count_journal(by_text).entries == 1
    assert entries_in(journal_lines(JournalFilter(text="CASH BOX"))) == [old]
    last_month = JournalFilter(LAST_MONTH.replace(day=1), LAST_MONTH)
    assert entries_in(journal_lines(last_month)) == [old]
    assert old not in entries_in(journal_lines(JournalFilter(date_from=TODAY)))
    nothing = JournalFilter(text="no such thing")
    assert count_journal(nothing).entries == 0 and journal_lines(nothing) == []


def test_a_reversal_and_what_it_reverses_name_each_other(stock):
    admin = stock[Role.ADMIN]
    wrong = post_cash_sale(admin, "9.99", TODAY, "typo")
    fix = accounting.reverse_entry(admin, wrong, "wrong amount")
    detail = journal_entry(wrong)
    assert (detail.reversed_by, detail.reverses, detail.total) == (fix, None, Decimal("9.99"))
    mirror = journal_entry(fix)
    assert mirror.reverses == wrong and mirror.reversed_by is None
    assert "wrong amount" in mirror.memo
    assert [(r.account_code, r.debit, r.credit) for r in mirror.lines] == [
        ("4000", Decimal("9.99"), Decimal("0.00")), ("1000", Decimal("0.00"), Decimal("9.99"))]
    rows = journal_lines(JournalFilter(text="typo"))
    assert {r.reversed_by for r in rows if r.entry_id == wrong} == {fix}
    with pytest.raises(NotFound):
        journal_entry(999_999)


def test_periods_newest_first_with_what_was_posted_and_who_closed(stock):
    admin, owner = stock[Role.ADMIN], stock[Role.OWNER]
    post_cash_sale(admin, "5.00", LAST_MONTH)
    post_cash_sale(admin, "2.50", LAST_MONTH)
    accounting.close_period(owner, LAST_MONTH.year, LAST_MONTH.month)
    now, last = list_periods()[:2]
    assert (now.year, now.month, now.closed) == (TODAY.year, TODAY.month, False)
    assert now.entries == JournalEntry.select().where(
        JournalEntry.entry_date >= TODAY.replace(day=1)).count() > 0  # opening stock
    assert (last.label, last.closed, last.closed_by) == (
        f"{LAST_MONTH:%Y-%m}", True, "owner")
    assert (last.entries, last.debits) == (2, Decimal("7.50"))
    assert last.first_day == LAST_MONTH.replace(day=1)


def test_the_current_month_is_listed_before_anything_is_posted(db):
    (only,) = list_periods(date(2031, 2, 14))
    assert (only.label, only.closed, only.entries, only.debits) == (
        "2031-02", False, 0, Decimal("0.00"))


def test_payments_show_the_customer_on_the_receivables_line(stock):
    office = stock[Role.OFFICE]
    invoice = ship(stock, 1)
    invoicing.record_payment(office, customer_id(stock), "41.50", [invoice],
                             reference="CHK 7")
    (cash, ar) = [r for r in journal_lines() if r.source.startswith("payment:")]
    assert (cash.account_code, cash.debit, cash.partner) == ("1000", Decimal("41.50"), "")
    assert (ar.account_code, ar.credit, ar.partner) == (
        "1100", Decimal("41.50"), "Main Street Pharmacy")
    assert "CHK 7" in cash.memo


def customer_id(stock) -> int:
    from core.models import Partner

    return Partner.get(Partner.gln == "0614141000029").id
