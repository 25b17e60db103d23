"""Table models of the Books screen: AR aging and a customer's open invoices, the trial
balance, the inventory valuation, the journal (paged, one row per line), the fiscal
months and the chart of accounts. Money cells show dollars and sort by the Decimal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication

from core.queries.accounting import AccountBalance, ChartAccount, ValuationLine
from core.queries.journal import (JournalCount, JournalFilter, JournalLineRow, PeriodRow,
                                  count_journal, journal_lines)
from core.queries.receivables import CustomerAging, OpenInvoice
from desktop.paged_table import PagedColumn, PagedTableModel
from desktop.table_models import Column, RowTableModel, local_time
from desktop.widgets.badges import TONE_ROLE

ZERO = Decimal("0.00")
BUCKET_TONES = {"current": None, "1-30": "warn", "31-60": "warn", "61-90": "bad",
                "90+": "bad"}
ENTRY_SHADE = "#f4f7f9"  # every other journal entry (not every other line)


def money(amount: Decimal) -> str:
    """$1,234.50; a negative amount (a credit) as -$5.50."""
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def money_or_blank(amount: Decimal) -> str:
    return money(amount) if amount else ""


def days_text(days: int) -> str:
    return "not due" if days <= 0 else f"{days} day{'s' if days != 1 else ''}"


def days_tone(days: int) -> str | None:
    if days <= 0:
        return None
    return "warn" if days <= 60 else "bad"


class AgingModel(RowTableModel[CustomerAging]):
    columns = (
        Column("Customer", lambda a: a.customer),
        *(Column(name.capitalize() if name == "current" else name,
                 lambda a, n=name: money_or_blank(a.buckets[n]), lambda a, n=name: a.buckets[n],
                 align_right=True, tone=lambda a, n=name: BUCKET_TONES[n])
          for name in ("current", "1-30", "31-60", "61-90", "90+")),
        Column("Unapplied credit", lambda a: money_or_blank(a.unapplied), lambda a: a.unapplied,
               align_right=True),
        Column("Balance", lambda a: money(a.balance), lambda a: a.balance, align_right=True),
    )
    CUSTOMER = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.FontRole and index.isValid()
                and index.column() == len(self.columns) - 1):
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        return super().data(index, role)

    def row_of(self, customer_id: int) -> int:
        return next((n for n, a in enumerate(self.rows) if a.customer_id == customer_id), -1)


class OpenInvoicesModel(RowTableModel[OpenInvoice]):
    def __init__(self, on: date | None = None, parent=None):
        super().__init__(parent)
        self.on = on or date.today()
        self.columns = (
            Column("Invoice", lambda i: i.number),
            Column("Invoice date", lambda i: i.invoice_date.isoformat(),
                   lambda i: i.invoice_date),
            Column("Due", lambda i: i.due_date.isoformat(), lambda i: i.due_date),
            Column("Past due", lambda i: days_text(i.days_past_due(self.on)),
                   lambda i: i.days_past_due(self.on),
                   tone=lambda i: days_tone(i.days_past_due(self.on))),
            Column("Total", lambda i: money(i.total), lambda i: i.total, align_right=True),
            Column("Open", lambda i: money(i.open), lambda i: i.open, align_right=True),
        )


class TrialBalanceModel(RowTableModel[AccountBalance]):
    columns = (
        Column("Code", lambda a: a.code),
        Column("Account", lambda a: a.name),
        Column("Kind", lambda a: a.kind.label),
        Column("Debits", lambda a: money_or_blank(a.debit), lambda a: a.debit,
               align_right=True),
        Column("Credits", lambda a: money_or_blank(a.credit), lambda a: a.credit,
               align_right=True),
        Column("Balance", lambda a: money(a.balance) if a.debit or a.credit else "",
               lambda a: a.balance, align_right=True),
    )
    ACCOUNT = 1


class ValuationModel(RowTableModel[ValuationLine]):
    columns = (
        Column("Product", lambda v: v.product),
        Column("NDC", lambda v: v.ndc),
        Column("Lot", lambda v: v.lot),
        Column("Expiry", lambda v: v.expiry.isoformat(), lambda v: v.expiry),
        Column("Units", lambda v: f"{v.quantity:,}", lambda v: v.quantity, align_right=True),
        Column("Value at cost", lambda v: money(v.value), lambda v: v.value,
               align_right=True),
    )
    PRODUCT = 0


def reversal_note(r: JournalLineRow) -> str:
    if r.reversed_by is not None:
        return f"Reversed by #{r.reversed_by}"
    return f"Reverses #{r.reverses}" if r.reverses is not None else ""


def _first(text) -> object:
    return lambda r: text(r) if r.first else ""


class JournalModel(PagedTableModel[JournalLineRow]):
    """One row per journal line, newest entry first; an entry's number, date, source and
    memo show on its first line, what reversed it (or what it reverses) as a badge under
    the memo on its second, and entries (not lines) alternate their shade."""

    columns = (
        PagedColumn("Entry", _first(lambda r: f"#{r.entry_id}"), lambda r: r.entry_id,
                    align_right=True),
        PagedColumn("Date", _first(lambda r: r.entry_date.isoformat()),
                    lambda r: r.entry_date),
        PagedColumn("Source", _first(lambda r: r.source)),
        PagedColumn("Memo", _first(lambda r: r.memo)),
        PagedColumn("Account", lambda r: f"{r.account_code} {r.account_name}"),
        PagedColumn("Debit", lambda r: money_or_blank(r.debit), lambda r: r.debit,
                    align_right=True),
        PagedColumn("Credit", lambda r: money_or_blank(r.credit), lambda r: r.credit,
                    align_right=True),
    )
    ENTRY, DATE, SOURCE, MEMO, ACCOUNT, DEBIT, CREDIT = range(7)

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.filter = JournalFilter()
        self.counted = JournalCount(0, 0)
        self.shaded: list[bool] = []
        self.positions: list[int] = []  # each row's line number within its entry, from 0

    def query(self):
        f = self.filter

        def count() -> JournalCount:
            return count_journal(f)
        return count, lambda offset, limit: journal_lines(f, offset, limit)

    def _first_page(self, generation: int, result) -> None:
        counted, rows = result
        if generation == self.generation:
            self.counted = counted
        super()._first_page(generation, (counted.lines, rows))

    # Pages are read from the top and appended, so a row's place in its entry and its
    # entry's shade follow from the rows before it.
    def set_rows(self, rows) -> None:
        self.shaded, self.positions = [], []
        self._place(list(rows))
        super().set_rows(rows)

    def append_rows(self, rows) -> None:
        self._place(list(rows))
        super().append_rows(rows)

    def _place(self, rows: list[JournalLineRow]) -> None:
        for row in rows:
            if row.first or not self.positions:
                shade = (not self.shaded[-1]) if self.shaded else False
                position = 0
            else:
                shade, position = self.shaded[-1], self.positions[-1] + 1
            self.shaded.append(shade)
            self.positions.append(position)

    def _note(self, row: int) -> str:
        if self.positions[row] != 1:
            return ""
        return reversal_note(self.rows[row])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.positions):
            return super().data(index, role)
        r, column = index.row(), index.column()
        if column == self.MEMO and (note := self._note(r)):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return note
            if role == TONE_ROLE:
                return "warn" if self.rows[r].reversed_by is not None else "info"
        if role == Qt.ItemDataRole.ToolTipRole and column == self.ACCOUNT:
            return self.rows[r].account
        if role == Qt.ItemDataRole.BackgroundRole and self.shaded[r]:
            return QBrush(QColor(ENTRY_SHADE))
        return super().data(index, role)

    def entry_of(self, row: int) -> JournalLineRow | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class PeriodsModel(RowTableModel[PeriodRow]):
    columns = (
        Column("Month", lambda p: p.first_day.strftime("%B %Y"), lambda p: p.first_day),
        Column("Status", lambda p: "Closed" if p.closed else "Open",
               tone=lambda p: "muted" if p.closed else "ok"),
        Column("Entries", lambda p: f"{p.entries:,}", lambda p: p.entries, align_right=True),
        Column("Debits posted", lambda p: money_or_blank(p.debits), lambda p: p.debits,
               align_right=True),
        Column("Closed", lambda p: local_time(p.closed_at)),
        Column("Closed by", lambda p: p.closed_by),
    )
    STATUS = 1


class ChartModel(RowTableModel[ChartAccount]):
    """The chart of accounts; the balance column only for roles that may view financial
    reports (the office reads the chart to know the accounts, not what is in them)."""

    def __init__(self, with_balances: bool, parent=None):
        super().__init__(parent)
        columns = [
            Column("Code", lambda a: a.code),
            Column("Account", lambda a: a.name),
            Column("Kind", lambda a: a.kind.label),
            Column("Role", lambda a: a.role.label if a.role else "",
                   tone=lambda a: "info" if a.role else None),
        ]
        if with_balances:
            columns.append(Column("Balance", lambda a: money(a.balance) if a.posted else "",
                                  lambda a: a.balance, align_right=True))
        self.columns = tuple(columns)

    ACCOUNT, ROLE = 1, 3

    def row_of(self, code: str) -> int:
        return next((n for n, a in enumerate(self.rows) if a.code == code), -1)
