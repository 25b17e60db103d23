"""Journal entries as the accounting packages import them, for a bookkeeper who keeps the
company's books in QuickBooks Online or Xero (docs/accounting.md, "Exporting").

- QuickBooks Online (Settings > Import data > Journal entries): Journal No, Journal Date
  (MM/DD/YYYY), Account Name (must match a QuickBooks account), Description, Debits,
  Credits, Name (the customer or supplier, which QuickBooks requires on A/R and A/P lines).
- Xero (Manual journals > Import): Narration, Date (DD Mon YYYY, unambiguous), Description,
  AccountCode (our account code), TaxRate ("Tax Exempt": the postings carry their tax on
  their own line), Amount (positive debit, negative credit).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from peewee import JOIN

from core.errors import InvalidInput
from core.models import Account, JournalEntry, JournalLine, Partner

FORMATS = ("quickbooks", "xero")
HEADERS = {
    "quickbooks": ["Journal No", "Journal Date", "Account Name", "Description", "Debits",
                   "Credits", "Name"],
    "xero": ["Narration", "Date", "Description", "AccountCode", "TaxRate", "Amount"],
}
XERO_TAX_RATE = "Tax Exempt"


def journal_rows(start: date, end: date, fmt: str) -> Iterator[list[str]]:
    """The header, then one row per journal line of the entries dated start..end."""
    if fmt not in FORMATS:
        raise InvalidInput("format", f"--format is one of {', '.join(FORMATS)}.")
    if end < start:
        raise InvalidInput("to", f"The period ends ({end}) before it starts ({start}).")
    yield HEADERS[fmt]
    lines = (JournalLine
             .select(JournalEntry.id, JournalEntry.entry_date, JournalEntry.memo,
                     JournalEntry.source, Account.code, Account.name, JournalLine.memo,
                     JournalLine.debit, JournalLine.credit, Partner.name)
             .join(JournalEntry).switch(JournalLine).join(Account)
             .switch(JournalLine).join(Partner, JOIN.LEFT_OUTER)
             .where((JournalEntry.entry_date >= start) & (JournalEntry.entry_date <= end))
             .order_by(JournalEntry.entry_date, JournalEntry.id, JournalLine.id).tuples())
    for entry, day, memo, source, code, account, line_memo, debit, credit, partner in lines:
        narration = f"RxDesk {entry}: {memo or source}"
        description = line_memo or memo or source
        if fmt == "quickbooks":
            yield [f"RX-{entry}", day.strftime("%m/%d/%Y"), account, description,
                   _amount(debit), _amount(credit), partner or ""]
        else:
            yield [narration, day.strftime("%d %b %Y"), description, code, XERO_TAX_RATE,
                   str(debit - credit)]


def _amount(value: Decimal) -> str:
    return str(value) if value else ""
