"""The journal as the books screen reads it: posted entries newest first, one row per
line so a page never has to hold a whole month, and the fiscal months with whether
they are closed. Read-only; amounts are Decimal dollars."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from peewee import JOIN, Case, fn

from core.errors import NotFound
from core.models import Account, FiscalPeriod, JournalEntry, JournalLine, Partner
from core.money import from_cents
from core.queries.paging import PAGE, contains

ZERO = Decimal("0.00")



def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class JournalFilter:
    """Entries dated from..to (inclusive, either open) whose source or memo contains
    `text` (case-insensitive)."""

    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


@dataclass(frozen=True)
class JournalLineRow:
    """One line of a posted entry, with its entry's facts (a table of these reads as
    the journal). `first` marks the entry's first line on the page's reading order."""

    entry_id: int
    entry_date: date
    source: str
    memo: str
    posted_by: str
    reverses: int | None  # the entry this one reverses
    reversed_by: int | None  # the entry that reversed this one
    first: bool
    account_code: str
    account_name: str
    partner: str
    line_memo: str
    debit: Decimal
    credit: Decimal

    @property
    def account(self) -> str:
        text = f"{self.account_code} {self.account_name}"
        return f"{text} · {self.partner}" if self.partner else text


@dataclass(frozen=True)
class JournalCount:
    entries: int
    lines: int


@dataclass(frozen=True)
class EntryDetail:
    entry_id: int
    entry_date: date
    source: str
    memo: str
    posted_by: str
    posted_at: datetime
    reverses: int | None
    reversed_by: int | None
    lines: list[JournalLineRow]

    @property
    def total(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)


def _entry_filter(f: JournalFilter) -> list:
    conditions = []
    if f.date_from is not None:
        conditions.append(JournalEntry.entry_date >= f.date_from)
    if f.date_to is not None:
        conditions.append(JournalEntry.entry_date <= f.date_to)
    text = (f.text or "").strip()
    if text:
        conditions.append(contains(JournalEntry.source, text)
                          | contains(JournalEntry.memo, text))
    return conditions


def _where(query, conditions: list):
    return query.where(*conditions) if conditions else query


def count_journal(f: JournalFilter = JournalFilter()) -> JournalCount:
    where = _entry_filter(f)
    entries = _where(JournalEntry.select(), where).count()
    lines = _where(JournalLine.select().join(JournalEntry), where).count() if entries else 0
    return JournalCount(entries, lines)


def _line_query(conditions: list):
    reversal = JournalEntry.alias()
    debit_first = Case(None, [(JournalLine.debit > 0, 0)], 1)
    query = (JournalLine
             .select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.source,
                     JournalEntry.memo, JournalEntry.posted_by, JournalEntry.reverses,
                     reversal.id, Account.code, Account.name, Partner.name, JournalLine.memo,
                     JournalLine.debit, JournalLine.credit)
             .join(JournalEntry)
             .join(reversal, JOIN.LEFT_OUTER, on=(reversal.reverses == JournalEntry.id))
             .switch(JournalLine).join(Account)
             .switch(JournalLine).join(Partner, JOIN.LEFT_OUTER)
             .order_by(JournalEntry.entry_date.desc(), JournalEntry.id.desc(), debit_first,
                       JournalLine.id))
    return _where(query, conditions)


def _rows(tuples, previous_entry: int | None) -> list[JournalLineRow]:
    rows = []
    for (entry_id, day, source, memo, posted_by, reverses, reversed_by, code, name,
         partner, line_memo, debit, credit) in tuples:
        rows.append(JournalLineRow(entry_id, _day(day), source, memo, posted_by, reverses,
                                   reversed_by, entry_id != previous_entry, code, name,
                                   partner or "", line_memo, debit, credit))
        previous_entry = entry_id
    return rows


def journal_lines(f: JournalFilter = JournalFilter(), offset: int = 0,
                  limit: int = PAGE) -> list[JournalLineRow]:
    """A page of journal lines, newest entry first, each entry's debits before its
    credits. One query per page (it also reads the line before the page, to know
    whether the page starts inside an entry)."""
    start = max(offset - 1, 0)
    tuples = list(_line_query(_entry_filter(f)).offset(start)
                  .limit(limit + (offset - start)).tuples())
    previous = None
    if offset > 0 and tuples:
        previous = tuples.pop(0)[0]
    return _rows(tuples, previous)


def journal_entry(entry_id: int) -> EntryDetail:
    entry = JournalEntry.get_or_none(JournalEntry.id == entry_id)
    if entry is None:
        raise NotFound("journal entry", entry_id)
    lines = _rows(_line_query([JournalEntry.id == entry_id]).tuples(), None)
    reversed_by = lines[0].reversed_by if lines else None
    return EntryDetail(entry.id, _day(entry.entry_date), entry.source, entry.memo,
                       entry.posted_by, entry.posted_at, entry.reverses_id, reversed_by,
                       lines)


@dataclass(frozen=True)
class PeriodRow:
    year: int
    month: int
    closed_at: datetime | None
    closed_by: str
    entries: int
    debits: Decimal

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def list_periods(today: date | None = None) -> list[PeriodRow]:
    """Every month the books know (one is made on its first posting or when closed),
    plus the current month, newest first, with how much was posted in each."""
    today = today or date.today()
    posted = {period: (count, debits) for period, count, debits in (
        JournalEntry.select(JournalEntry.period, fn.COUNT(fn.DISTINCT(JournalEntry.id)),
                            fn.SUM(JournalLine.debit).coerce(False))
        .join(JournalLine).group_by(JournalEntry.period).tuples())}
    rows = {}
    for period in FiscalPeriod.select():
        count, debits = posted.get(period.id, (0, 0))
        rows[(period.year, period.month)] = PeriodRow(
            period.year, period.month, period.closed_at, period.closed_by or "", int(count),
            from_cents(debits))
    rows.setdefault((today.year, today.month),
                    PeriodRow(today.year, today.month, None, "", 0, ZERO))
    return [rows[key] for key in sorted(rows, reverse=True)]
