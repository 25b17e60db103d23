"""The books as the owner and the accountant read them: trial balance, the chart of
accounts with each account's role and balance, inventory valuation (from the cost
layers), account balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from peewee import fn

from core.models import Account, CostLayer, JournalEntry, JournalLine, Lot, Product
from core.money import from_cents
from core.ndc import Ndc
from core.vocab import AccountKind, AccountRole

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AccountBalance:
    code: str
    name: str
    kind: AccountKind
    debit: Decimal  # total debits posted
    credit: Decimal
    balance: Decimal  # in the account's normal direction (an asset's debit balance > 0)

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "kind": self.kind.value,
                "debit": str(self.debit), "credit": str(self.credit),
                "balance": str(self.balance)}


@dataclass(frozen=True)
class TrialBalance:
    accounts: list[AccountBalance]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    def as_json(self) -> dict[str, object]:
        return {"balanced": self.balanced, "total_debit": str(self.total_debit),
                "total_credit": str(self.total_credit),
                "accounts": [a.as_json() for a in self.accounts]}



def _posted(as_of: date | None = None) -> list[tuple[Account, AccountBalance]]:
    """Every account (by code) with its posted debits and credits (to `as_of`
    inclusive), in two queries."""
    sums = (JournalLine
            .select(JournalLine.account, fn.SUM(JournalLine.debit).coerce(False),
                    fn.SUM(JournalLine.credit).coerce(False))
            .join(JournalEntry).group_by(JournalLine.account))
    if as_of is not None:
        sums = sums.where(JournalEntry.entry_date <= as_of)
    posted = {account: (debit, credit) for account, debit, credit in sums.tuples()}
    accounts = []
    for account in Account.select().order_by(Account.code):
        debit, credit = (from_cents(v) for v in posted.get(account.id, (0, 0)))
        kind = AccountKind(account.kind)
        balance = debit - credit if kind.debit_normal else credit - debit
        accounts.append((account, AccountBalance(account.code, account.name, kind, debit,
                                                 credit, balance)))
    return accounts


def trial_balance(as_of: date | None = None) -> TrialBalance:
    """Every account with its posted debits and credits (to `as_of` inclusive)."""
    accounts = [balance for _, balance in _posted(as_of)]
    return TrialBalance(accounts, sum((a.debit for a in accounts), ZERO),
                        sum((a.credit for a in accounts), ZERO))


@dataclass(frozen=True)
class ChartAccount:
    code: str
    name: str
    kind: AccountKind
    role: AccountRole | None  # the automatic postings it receives; None: an added account
    active: bool
    posted: bool  # any journal line on it
    balance: Decimal  # in the account's normal direction

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "kind": self.kind.value,
                "role": self.role.value if self.role else None, "active": self.active,
                "balance": str(self.balance)}


def chart_of_accounts() -> list[ChartAccount]:
    """The chart as the owner edits it: each account's role beside its balance today."""
    return [ChartAccount(a.code, a.name, b.kind, AccountRole(a.role) if a.role else None,
                         a.active, bool(b.debit or b.credit), b.balance)
            for a, b in _posted()]


def role_balance(role: AccountRole) -> Decimal:
    """The balance of the account holding `role`, in its normal direction."""
    account = Account.get(Account.role == role.value)
    debit, credit = (JournalLine.select(fn.SUM(JournalLine.debit).coerce(False),
                                        fn.SUM(JournalLine.credit).coerce(False))
                     .where(JournalLine.account == account).tuples().get())
    debit, credit = from_cents(debit), from_cents(credit)
    return debit - credit if AccountKind(account.kind).debit_normal else credit - debit


@dataclass(frozen=True)
class ValuationLine:
    gtin: str
    ndc: str
    product: str
    lot: str
    expiry: date
    quantity: int
    value: Decimal

    def as_json(self) -> dict[str, object]:
        return {"gtin": self.gtin, "ndc": self.ndc, "product": self.product, "lot": self.lot,
                "expiry": self.expiry.isoformat(), "quantity": self.quantity,
                "value": str(self.value)}


@dataclass(frozen=True)
class Valuation:
    lines: list[ValuationLine]

    @property
    def total(self) -> Decimal:
        return sum((line.value for line in self.lines), ZERO)

    def as_json(self) -> dict[str, object]:
        return {"total": str(self.total), "lines": [line.as_json() for line in self.lines]}


def inventory_valuation() -> Valuation:
    """Stock we own, per lot: units left in its cost layers and what they cost (FIFO)."""
    rows = (CostLayer
            .select(Product.gtin, Product.ndc_labeler, Product.ndc_product, Product.ndc_package,
                    Product.ndc_layout, Product.name, Lot.lot_number, Lot.expiry,
                    fn.SUM(CostLayer.remaining).coerce(False),
                    fn.SUM(CostLayer.remaining * CostLayer.unit_cost).coerce(False))
            .join(Product, on=(CostLayer.product == Product.id))
            .switch(CostLayer).join(Lot, on=(CostLayer.lot == Lot.id))
            .where(CostLayer.remaining > 0)
            .group_by(Product.gtin, Product.ndc_labeler, Product.ndc_product,
                      Product.ndc_package, Product.ndc_layout, Product.name, Lot.lot_number,
                      Lot.expiry)
            .order_by(Product.name, Lot.expiry, Lot.lot_number).tuples())
    return Valuation([
        ValuationLine(gtin, Ndc(labeler, product, package, layout).ndc10, name, lot,
                      expiry if isinstance(expiry, date) else date.fromisoformat(expiry),
                      int(units), from_cents(value))
        for gtin, labeler, product, package, layout, name, lot, expiry, units, value in rows])
