"""Double-entry postings: balanced, into an open period, never changed afterwards.

Business services call `post_entry` inside their own transaction, so the books move in
the same commit as the stock or the money (a receipt, a shipment, an invoice). A posted
entry is corrected only by `reverse_entry`, which posts its mirror image. Journal tables
refuse UPDATE and DELETE in the database itself (schema step 7).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from peewee import fn

from core.db import database, write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import Account, FiscalPeriod, JournalEntry, JournalLine
from core.models.base import utc_now
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.vocab import AccountKind, AccountRole

ZERO = Decimal("0.00")


class PeriodClosed(RxDeskError):
    title = "Period closed"

    def __init__(self, year: int, month: int):
        super().__init__(f"The books for {year}-{month:02d} are closed; nothing more can be "
                         "posted into that month. Post into an open month, or ask the owner.")


class Unbalanced(RxDeskError):
    title = "Entry does not balance"


@dataclass(frozen=True)
class Posting:
    """One side of an entry: an account (by role or by code), debit or credit."""

    account: AccountRole | str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    partner_id: int | None = None
    memo: str = ""


class _Accounts(dict):
    """role -> account id, kept per database (roles never move between accounts)."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __missing__(self, role: AccountRole) -> int:
        account = Account.get_or_none(Account.role == role.value)
        if account is None:
            raise NotFound("account with role", role.value)
        self[role] = account.id
        return account.id


_accounts: _Accounts | None = None


def account_id(account: AccountRole | str) -> int:
    global _accounts
    if not isinstance(account, AccountRole):  # an account code
        found = Account.get_or_none(Account.code == account)
        if found is None:
            raise NotFound("account", account)
        return found.id
    name = f"{type(database.obj).__name__}:{database.obj.database}"
    if _accounts is None or _accounts.name != name:
        _accounts = _Accounts(name)
    return _accounts[account]


def open_period(on: date) -> FiscalPeriod:
    """The period holding `on`, created open on first use; PeriodClosed if closed."""
    period = FiscalPeriod.get_or_none((FiscalPeriod.year == on.year)
                                      & (FiscalPeriod.month == on.month))
    if period is None:
        (FiscalPeriod.insert(year=on.year, month=on.month).on_conflict_ignore().execute())
        period = FiscalPeriod.get((FiscalPeriod.year == on.year)
                                  & (FiscalPeriod.month == on.month))
    if period.closed_at is not None:
        raise PeriodClosed(on.year, on.month)
    return period


def post_entry(actor: Actor, postings: Sequence[Posting], source: str, memo: str = "",
               entry_date: date | None = None, reverses: int | None = None) -> int:
    """Append one balanced entry inside the caller's transaction; returns its id.
    Lines on the same account and side are merged; zero lines are dropped."""
    if not database.in_transaction():
        raise RuntimeError("post_entry must run inside the service's transaction")
    merged: dict[tuple[int, int | None, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for p in postings:
        if p.debit < 0 or p.credit < 0:
            raise Unbalanced(f"A posting to {p.account} has a negative amount.")
        if p.debit != p.debit.quantize(ZERO) or p.credit != p.credit.quantize(ZERO):
            raise Unbalanced(f"A posting to {p.account} has fractions of a cent.")
        side = merged[(account_id(p.account), p.partner_id, p.memo)]
        side[0] += p.debit
        side[1] += p.credit
    lines = [(key, debit - min(debit, credit), credit - min(debit, credit))
             for key, (debit, credit) in merged.items()]
    lines = [line for line in lines if line[1] or line[2]]
    debits, credits = sum(d for _, d, _ in lines), sum(c for _, _, c in lines)
    if debits != credits:
        raise Unbalanced(f"Debits {debits} and credits {credits} differ; nothing was posted.")
    if not lines:
        raise Unbalanced("The entry has no amounts.")
    day = entry_date or date.today()
    entry = JournalEntry.create(entry_date=day, period=open_period(day), source=source[:40],
                                memo=memo[:200], reverses=reverses, posted_at=utc_now(),
                                posted_by=actor.username)
    JournalLine.insert_many([
        {"entry": entry.id, "account": account, "partner": partner, "memo": line_memo[:200],
         "debit": debit, "credit": credit}
        for (account, partner, line_memo), debit, credit in lines]).execute()
    return entry.id


def reverse_entry(actor: Actor, entry_id: int, reason: str) -> int:
    """Post the mirror image of an entry (dated today, in the open period): the way a
    posted entry is corrected. An entry is reversed at most once."""
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the entry is reversed.")
    with write_transaction():
        authorize(actor, Permission.MANAGE_ACCOUNTS)
        entry = JournalEntry.get_or_none(JournalEntry.id == entry_id)
        if entry is None:
            raise NotFound("journal entry", entry_id)
        if JournalEntry.select().where(JournalEntry.reverses == entry).exists():
            raise InvalidInput("entry", f"Journal entry {entry_id} is already reversed.")
        if entry.reverses_id is not None:
            raise InvalidInput("entry", f"Journal entry {entry_id} is itself a reversal; "
                               "post a new entry instead.")
        lines = list(JournalLine.select().where(JournalLine.entry == entry))
        new_id = post_entry(actor, [
            Posting(Account.get_by_id(line.account_id).code, line.credit, line.debit,
                    line.partner_id, line.memo) for line in lines],
            f"reversal:{entry.id}", f"Reverses entry {entry.id}: {reason.strip()}",
            reverses=entry.id)
        audit.record(actor, "reverse_entry", "journal_entry", new_id,
                     f"reverses {entry.id} ({entry.source}): {reason.strip()}")
        return new_id


def close_period(actor: Actor, year: int, month: int) -> None:
    """Close a month: nothing more is posted into it (entries dated in it are refused)."""
    if not (1 <= month <= 12) or not (2000 <= year <= 2999):
        raise InvalidInput("period", f"{year}-{month} is not a month.")
    with write_transaction():
        authorize(actor, Permission.CLOSE_PERIOD)
        (FiscalPeriod.insert(year=year, month=month).on_conflict_ignore().execute())
        period = FiscalPeriod.get((FiscalPeriod.year == year) & (FiscalPeriod.month == month))
        if period.closed_at is not None:
            raise InvalidInput("period", f"{year}-{month:02d} is already closed.")
        FiscalPeriod.update(closed_at=utc_now(), closed_by=actor.username).where(
            FiscalPeriod.id == period.id).execute()
        audit.record(actor, "close_period", "fiscal_period", period.id, f"{year}-{month:02d}")


def _account_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", "The account needs a name.")
    if len(name) > 100:
        raise InvalidInput("name", "An account name is at most 100 characters.")
    return name


def _name_free(name: str, account_id: int | None = None) -> None:
    """Account names are unique too: QuickBooks imports journal lines by account name."""
    query = Account.select(Account.code).where(fn.LOWER(Account.name) == name.lower())
    if account_id is not None:
        query = query.where(Account.id != account_id)
    if (taken := query.first()) is not None:
        raise InvalidInput("name", f"Account {taken.code} is already called {name}.")


def add_account(actor: Actor, code: str, name: str, kind: AccountKind | str) -> int:
    """An account for manual entries (a bank account, an expense); automatic postings
    keep using the accounts holding their roles."""
    code, name = (code or "").strip(), _account_name(name)
    if not code.isdigit() or not 3 <= len(code) <= 10:
        raise InvalidInput("code", "An account code is 3 to 10 digits, e.g. 6100.")
    kind = AccountKind.parse(kind, "kind")
    with write_transaction():
        authorize(actor, Permission.MANAGE_ACCOUNTS)
        if Account.select().where(Account.code == code).exists():
            raise InvalidInput("code", f"Account {code} already exists.")
        _name_free(name)
        account = Account.create(code=code, name=name, kind=kind.value)
        audit.record(actor, "add_account", "account", account.id, f"{code} {name}")
        return account.id


def rename_account(actor: Actor, code: str, name: str) -> None:
    """A new name only: the code, kind and role stay, so every posting still finds it."""
    code, name = (code or "").strip(), _account_name(name)
    with write_transaction():
        authorize(actor, Permission.MANAGE_ACCOUNTS)
        account = Account.get_or_none(Account.code == code)
        if account is None:
            raise NotFound("account", code)
        _name_free(name, account.id)
        Account.update(name=name).where(Account.id == account.id).execute()
        audit.record(actor, "rename_account", "account", account.id,
                     f"{code}: {account.name!r} -> {name!r}")
