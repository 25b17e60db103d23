"""The books, for the owner and the office: what each customer owes (AR aging, their
open invoices, recording a payment, printing their statement), the trial balance, the
inventory valuation beside the Inventory account, the journal (reversing an entry), the
fiscal months (closing one) and the chart of accounts (adding and renaming accounts).
The office sees the customers' accounts and reads the chart without balances; the
financial reports need "view financial reports". Each tab loads when it is first shown
and again after a change it shows; all reads and writes run on the database worker."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QSplitter,
    QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from core.permissions import Actor, Permission
from core.queries.accounting import (ChartAccount, chart_of_accounts, inventory_valuation,
                                    role_balance, trial_balance)
from core.queries.journal import JournalFilter, PeriodRow, journal_entry, list_periods
from core.queries.receivables import CustomerAging, ar_aging, open_invoices
from core.services.accounting import close_period
from core.vocab import AccountRole
from desktop.account_dialogs import AddAccountDialog, RenameAccountDialog
from desktop.books_dialogs import RecordPaymentDialog, ReverseEntryDialog
from desktop.books_models import (AgingModel, ChartModel, JournalModel, OpenInvoicesModel, PeriodsModel,
                                  TrialBalanceModel, ValuationModel, money)
from desktop.paged_table import PagedTableView
from desktop.print_preview import show_pdf
from desktop.screens.base import Screen
from desktop.tasks import run_task, show_error, show_message
from desktop.widgets.badges import BadgeDelegate, badge_label, set_badge
from desktop.widgets.detail_card import compact_table
from desktop.widgets.forms import date_edit
from desktop.widgets.search import SearchEdit
from reports.statement import build_statement, render_statement

AREA = "books"
ZERO = Decimal("0.00")
NO_DATE = QDate(2000, 1, 1)  # an optional date edit at its minimum shows "Any"
ROW_HEIGHT = 28


def selected_row(table: QTableView):
    rows = table.selectionModel().selectedRows()
    return table.model().row_at(rows[0].row()) if rows else None


def optional_date_edit():
    edit = date_edit()
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("Any")
    edit.setDate(NO_DATE)
    return edit


def optional_date(edit) -> date | None:
    return None if edit.date() == NO_DATE else edit.date().toPython()


def muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def big_badge(text: str = "", tone: str = "info") -> QLabel:
    label = badge_label(text, tone)
    font = label.font()
    font.setPointSize(font.pointSize() + 2)
    label.setFont(font)
    return label


def plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


class BooksTab(QWidget):
    """One tab; `reload()` reads its data off the GUI thread."""

    title = ""
    permission: Permission | None = Permission.VIEW_REPORTS

    def __init__(self, screen: BooksScreen):
        super().__init__()
        self.screen = screen
        self.stale = True
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 12, 0, 0)
        self.column.setSpacing(10)

    @property
    def actor(self) -> Actor:
        return self.screen.actor

    @classmethod
    def available_to(cls, actor: Actor) -> bool:
        return cls.permission is None or actor.may(cls.permission)

    def reload(self) -> None:
        self.stale = False


def _allow(button: QPushButton, actor: Actor, permission: Permission, tip: str) -> bool:
    """Enable `button` only for a user who may; say why it is off."""
    allowed = actor.may(permission)
    button.setToolTip(tip if allowed else f"Your role may not {permission.value}.")
    return allowed


# -- customers' accounts ---------------------------------------------------------------

class CustomerAccountsTab(BooksTab):
    title = "Customer accounts"
    permission = None  # the screen is only there for roles that may see it

    def __init__(self, screen: BooksScreen):
        super().__init__(screen)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.summary_label = QLabel()
        bar.addWidget(self.summary_label, 1)
        self.statement_button = QPushButton("Print &statement…")
        self.statement_button.setToolTip(
            "The selected customer's statement as of today: the last 90 days (back to the "
            "oldest open invoice) with the running balance, and what is owed by age.")
        self.statement_button.clicked.connect(self.print_statement)
        bar.addWidget(self.statement_button)
        self.payment_button = QPushButton("&Record payment…")
        self.may_pay = _allow(self.payment_button, self.actor, Permission.RECORD_PAYMENTS,
                              "A customer's payment: applied to the invoices you tick.")
        self.payment_button.setEnabled(self.may_pay)
        self.payment_button.clicked.connect(self.record_payment)
        bar.addWidget(self.payment_button)
        self.column.addLayout(bar)

        self.aging_model = AgingModel(self)
        self.aging_table = compact_table(self.aging_model, AgingModel.CUSTOMER, ROW_HEIGHT)
        self.aging_table.horizontalHeader().setMinimumSectionSize(100)  # even money columns
        self.aging_table.selectionModel().selectionChanged.connect(self._customer_chosen)
        self.aging_table.doubleClicked.connect(lambda _i: self.record_payment())

        card = QFrame()
        card.setObjectName("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 12)
        inner.setSpacing(6)
        self.invoices_title = QLabel()
        self.invoices_title.setObjectName("sectionTitle")
        inner.addWidget(self.invoices_title)
        self.invoices_model = OpenInvoicesModel(parent=self)
        self.invoices_table = compact_table(self.invoices_model, 0, ROW_HEIGHT, selectable=False)
        self.invoices_table.horizontalHeader().setMinimumSectionSize(110)
        inner.addWidget(self.invoices_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.aging_table)
        split.addWidget(card)
        split.setSizes([300, 260])
        self.column.addWidget(split, 1)
        self._select_customer: int | None = None
        self._invoices_for: int | None = None
        self.dialog: QDialog | None = None
        self._customer_chosen()

    def reload(self) -> None:
        super().reload()
        if self._select_customer is None and (row := self.selected()):
            self._select_customer = row.customer_id
        today = date.today()
        run_task(self, lambda: ar_aging(today), self._loaded)

    def _loaded(self, rows: list[CustomerAging]) -> None:
        self.aging_model.set_rows(rows)
        owed = sum((a.balance for a in rows), ZERO)
        past_due = sum((sum((v for k, v in a.buckets.items() if k != "current"), ZERO)
                        for a in rows), ZERO)
        if rows:
            text = (f"{plural(len(rows), 'customer')} · owed <b>{money(owed)}</b>"
                    + (f" · past due <span style='color:#8c1d18'><b>{money(past_due)}</b>"
                       "</span>" if past_due else " · nothing past due"))
        else:
            text = "No customer owes anything and no payment waits on account."
        self.summary_label.setText(text)
        wanted, self._select_customer = self._select_customer, None
        row = self.aging_model.row_of(wanted) if wanted is not None else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.aging_table.selectRow(row)
        self._customer_chosen()

    def selected(self) -> CustomerAging | None:
        return selected_row(self.aging_table)

    def _customer_chosen(self) -> None:
        aging = self.selected()
        self.statement_button.setEnabled(aging is not None)
        if aging is None:
            self._invoices_for = None
            self.invoices_title.setText("Select a customer to see their open invoices.")
            self.invoices_model.set_rows([])
            return
        customer_id = self._invoices_for = aging.customer_id
        self.invoices_title.setText(f"Open invoices · {aging.customer}")
        self.invoices_model.on = date.today()
        run_task(self, lambda: open_invoices(customer_id).get(customer_id, []),
                 lambda rows: self._invoices_loaded(customer_id, aging, rows))

    def _invoices_loaded(self, customer_id: int, aging: CustomerAging, rows) -> None:
        if customer_id != self._invoices_for:
            return
        self.invoices_model.set_rows(rows)
        credit = (f" · {money(aging.unapplied)} credit on account" if aging.unapplied else "")
        self.invoices_title.setText(
            f"Open invoices · {aging.customer} · {plural(len(rows), 'invoice')}{credit}")

    def record_payment(self) -> None:
        if not self.may_pay:
            return
        customer = self.selected()
        dialog = RecordPaymentDialog(self.actor, customer.customer_id if customer else None,
                                     self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._paid(dialog))
        dialog.open()

    def _paid(self, dialog: RecordPaymentDialog) -> None:
        self._select_customer = dialog.customer_combo.currentData()
        self.screen.changed.emit({AREA, "invoices", "payments"})

    def print_statement(self) -> None:
        aging = self.selected()
        if aging is None:
            return
        customer_id = aging.customer_id
        show_pdf(self, f"Statement for {aging.customer}",
                 f"statement-{aging.customer}-{date.today().isoformat()}.pdf",
                 lambda path: render_statement(build_statement(customer_id), path),
                 lambda dialog: setattr(self, "dialog", dialog))


# -- trial balance ---------------------------------------------------------------------

class TrialBalanceTab(BooksTab):
    title = "Trial balance"

    def __init__(self, screen: BooksScreen):
        super().__init__(screen)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.as_of_edit = date_edit()
        self.as_of_edit.dateChanged.connect(lambda _d: self.reload())
        label = QLabel("As &of:")
        label.setBuddy(self.as_of_edit)
        bar.addWidget(label)
        bar.addWidget(self.as_of_edit)
        self.today_button = QPushButton("&Today")
        self.today_button.clicked.connect(
            lambda: self.as_of_edit.setDate(QDate.currentDate()))
        bar.addWidget(self.today_button)
        bar.addStretch()
        self.balanced_badge = big_badge()
        bar.addWidget(self.balanced_badge)
        self.column.addLayout(bar)
        self.model = TrialBalanceModel(self)
        self.table = compact_table(self.model, TrialBalanceModel.ACCOUNT, ROW_HEIGHT)
        self.column.addWidget(self.table, 1)
        self.totals_label = QLabel()
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.column.addWidget(self.totals_label)
        self.balanced: bool | None = None

    def as_of(self) -> date:
        return self.as_of_edit.date().toPython()

    def reload(self) -> None:
        super().reload()
        on = self.as_of()
        run_task(self, lambda: trial_balance(on), lambda tb: self._loaded(on, tb))

    def _loaded(self, on: date, tb) -> None:
        if on != self.as_of():
            return
        self.model.set_rows(tb.accounts)
        self.balanced = tb.balanced
        if tb.balanced:
            set_badge(self.balanced_badge, "✓ Balanced: debits equal credits", "ok")
        else:
            set_badge(self.balanced_badge, "✗ Not balanced: debits and credits differ by "
                      f"{money(abs(tb.total_debit - tb.total_credit))}", "bad")
        self.totals_label.setText(f"Total debits <b>{money(tb.total_debit)}</b>"
                                  f"  ·  Total credits <b>{money(tb.total_credit)}</b>")


# -- inventory valuation -----------------------------------------------------------------

def _valuation():
    return inventory_valuation(), role_balance(AccountRole.INVENTORY)


class ValuationTab(BooksTab):
    title = "Inventory valuation"

    def __init__(self, screen: BooksScreen):
        super().__init__(screen)
        card = QFrame()
        card.setObjectName("card")
        row = QHBoxLayout(card)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(32)
        self.stock_label = QLabel()
        self.account_label = QLabel()
        row.addWidget(self.stock_label)
        row.addWidget(self.account_label)
        row.addStretch()
        self.equal_badge = big_badge()
        row.addWidget(self.equal_badge)
        self.column.addWidget(card)
        self.column.addWidget(muted(
            "Stock we own, per lot, at what its units cost (first in, first out). Every "
            "receipt, shipment and write-off posts the same value to the Inventory "
            "account, so the two figures are always equal."))
        self.model = ValuationModel(self)
        self.table = compact_table(self.model, ValuationModel.PRODUCT, ROW_HEIGHT)
        self.column.addWidget(self.table, 1)
        self.difference: Decimal | None = None

    def reload(self) -> None:
        super().reload()
        run_task(self, _valuation, self._loaded)

    def _loaded(self, result) -> None:
        valuation, account = result
        self.model.set_rows(valuation.lines)
        units = sum(line.quantity for line in valuation.lines)
        self.stock_label.setText(
            f"<span style='color:#5b6b7a'>Stock at cost</span><br>"
            f"<span style='font-size:15pt'><b>{money(valuation.total)}</b></span><br>"
            f"<span style='color:#5b6b7a'>{plural(len(valuation.lines), 'lot')}, "
            f"{plural(units, 'unit')}</span>")
        self.account_label.setText(
            f"<span style='color:#5b6b7a'>Inventory account</span><br>"
            f"<span style='font-size:15pt'><b>{money(account)}</b></span><br>"
            "<span style='color:#5b6b7a'>posted in the journal</span>")
        self.difference = valuation.total - account
        if not self.difference:
            set_badge(self.equal_badge, "✓ Equal", "ok")
        else:
            set_badge(self.equal_badge, f"✗ Differ by {money(abs(self.difference))}", "bad")


# -- journal -------------------------------------------------------------------------------

class JournalTab(BooksTab):
    title = "Journal"

    def __init__(self, screen: BooksScreen):
        super().__init__(screen)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.from_edit, self.to_edit = optional_date_edit(), optional_date_edit()
        for caption, edit in (("&From:", self.from_edit), ("T&o:", self.to_edit)):
            label = QLabel(caption)
            label.setBuddy(edit)
            edit.dateChanged.connect(lambda _d: self._filter_changed())
            bar.addWidget(label)
            bar.addWidget(edit)
        self.search_edit = SearchEdit("Source or memo, e.g. INV-000012")
        self.search_edit.setMinimumWidth(200)
        self.search_edit.search.connect(lambda _t: self._filter_changed())
        self.search_edit.down.connect(self._into_table)
        find_label = QLabel("F&ind:")
        find_label.setBuddy(self.search_edit)
        bar.addWidget(find_label)
        bar.addWidget(self.search_edit, 1)
        self.clear_button = QPushButton("&Clear")
        self.clear_button.setToolTip("Show every entry again.")
        self.clear_button.clicked.connect(self.clear_filter)
        bar.addWidget(self.clear_button)
        self.count_label = muted()
        self.count_label.setWordWrap(False)
        bar.addWidget(self.count_label)
        self.column.addLayout(bar)

        self.model = JournalModel(self, self)
        self.table = PagedTableView(self.model, sortable=False, stretch=JournalModel.MEMO)
        self.table.setAlternatingRowColors(False)  # entries alternate, not lines
        self.table.setItemDelegateForColumn(JournalModel.MEMO, BadgeDelegate(self.table))
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.activated_row.connect(self.reverse)
        self.model.loaded.connect(self._loaded)
        self.column.addWidget(self.table, 1)

        actions = QHBoxLayout()
        self.entry_label = muted()
        actions.addWidget(self.entry_label, 1)
        self.reverse_button = QPushButton("&Reverse entry…")
        self.may_reverse = _allow(self.reverse_button, self.actor, Permission.MANAGE_ACCOUNTS,
                                  "Post the mirror image of the selected entry today.")
        self.reverse_button.clicked.connect(self.reverse)
        actions.addWidget(self.reverse_button)
        self.column.addLayout(actions)
        self.dialog: ReverseEntryDialog | None = None
        self._select_entries: list[int] = []  # the first of these found is selected
        self._sized = False
        self._update_buttons()

    def journal_filter(self) -> JournalFilter:
        return JournalFilter(optional_date(self.from_edit), optional_date(self.to_edit),
                             self.search_edit.text().strip())

    def reload(self) -> None:
        super().reload()
        if not self._select_entries and (row := self.selected()):
            self._select_entries = [row.entry_id]
        self.model.filter = self.journal_filter()
        self.model.reload()

    def _filter_changed(self) -> None:
        if not self.stale:  # else the next load uses the filter
            self.reload()

    def clear_filter(self) -> None:
        for edit in (self.from_edit, self.to_edit):
            edit.blockSignals(True)
            edit.setDate(NO_DATE)
            edit.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.flush()
        self.search_edit.blockSignals(False)
        self.reload()

    def _size_columns(self) -> None:
        """Fixed widths that fit their contents; the memo takes the rest."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in ((JournalModel.ENTRY, 64), (JournalModel.DATE, 100),
                              (JournalModel.SOURCE, 170), (JournalModel.ACCOUNT, 220),
                              (JournalModel.DEBIT, 104), (JournalModel.CREDIT, 104)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(JournalModel.MEMO, QHeaderView.ResizeMode.Stretch)
        self._sized = True

    def _loaded(self) -> None:
        if not self._sized:
            self._size_columns()
        counted = self.model.counted
        self.count_label.setText(f"{plural(counted.entries, 'entry', 'entries')}"
                                 f" · {plural(counted.lines, 'line')}")
        wanted, self._select_entries = self._select_entries, []
        if not any(self.table.select_where(lambda r, e=e: r.entry_id == e and r.first)
                   for e in wanted):
            self._update_buttons()

    def _into_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self):
        return self.table.selected_row()

    def _update_buttons(self) -> None:
        row = self.selected()
        if row is None:
            self.entry_label.setText("Select a line to act on its entry.")
            self.reverse_button.setEnabled(False)
            return
        facts = [f"Entry #{row.entry_id}", row.entry_date.isoformat(), row.source,
                 f"posted by {row.posted_by}"]
        if row.reversed_by is not None:
            facts.append(f"reversed by #{row.reversed_by}")
        elif row.reverses is not None:
            facts.append(f"reverses #{row.reverses}")
        self.entry_label.setText(" · ".join(facts))
        self.reverse_button.setEnabled(self.may_reverse and row.reversed_by is None
                                       and row.reverses is None)

    def reverse(self) -> None:
        row = self.selected()
        if row is None or not self.reverse_button.isEnabled():
            return
        entry_id = row.entry_id
        run_task(self, lambda: journal_entry(entry_id), self._open_reverse)

    def _open_reverse(self, entry) -> None:
        dialog = ReverseEntryDialog(self.actor, entry, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._reversed(dialog))
        dialog.open()

    def _reversed(self, dialog: ReverseEntryDialog) -> None:
        # The reversal if the filter shows it, else the entry it reversed.
        self._select_entries = [dialog.result, dialog.entry.entry_id]
        self.screen.changed.emit({AREA})


# -- periods -------------------------------------------------------------------------------

class PeriodsTab(BooksTab):
    title = "Periods"

    def __init__(self, screen: BooksScreen):
        super().__init__(screen)
        self.column.addWidget(muted(
            "Each calendar month is a period. Closing a month refuses every later posting "
            "dated in it: invoices, payments, receipts, shipments and write-offs dated in "
            "that month are refused whole. A closed month stays closed."))
        self.model = PeriodsModel(self)
        self.table = compact_table(self.model, 0, ROW_HEIGHT)
        self.table.setItemDelegateForColumn(PeriodsModel.STATUS, BadgeDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(110)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.column.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.addStretch()
        self.close_button = QPushButton("C&lose month…")
        self.may_close = _allow(self.close_button, self.actor, Permission.CLOSE_PERIOD,
                                "Refuse every later posting dated in the selected month.")
        self.close_button.clicked.connect(self.close_month)
        actions.addWidget(self.close_button)
        self.column.addLayout(actions)
        self.confirm: QMessageBox | None = None
        self.message: QMessageBox | None = None
        self._select: tuple[int, int] | None = None
        self._update_buttons()

    def reload(self) -> None:
        super().reload()
        if self._select is None and (row := self.selected()):
            self._select = (row.year, row.month)
        run_task(self, list_periods, self._loaded)

    def _loaded(self, rows: list[PeriodRow]) -> None:
        self.model.set_rows(rows)
        self.table.setColumnWidth(0, max(self.table.columnWidth(0), 160))
        wanted, self._select = self._select, None
        row = next((n for n, p in enumerate(rows) if (p.year, p.month) == wanted), 0)
        if rows:
            self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> PeriodRow | None:
        return selected_row(self.table)

    def _update_buttons(self) -> None:
        row = self.selected()
        self.close_button.setEnabled(self.may_close and row is not None and not row.closed)

    def close_month(self) -> None:
        row = self.selected()
        if row is None or row.closed or not self.may_close:
            return
        name = row.first_day.strftime("%B %Y")
        today = date.today()
        warning = ("<br><br><b>This is the current month:</b> anything dated today, "
                   "including shipments, will be refused until the month ends."
                   if (row.year, row.month) == (today.year, today.month) else "")
        box = QMessageBox(QMessageBox.Icon.Question, f"Close {name}",
                          f"Close the books for <b>{escape(name)}</b>?<br><br>"
                          f"{plural(row.entries, 'entry', 'entries')} "
                          "are posted in it. Nothing more can be posted dated in that month, "
                          "and RxDesk cannot reopen it." + warning,
                          QMessageBox.StandardButton.Cancel, self)
        self.close_confirm_button = box.addButton(f"Close {name}",
                                                  QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        actor, year, month = self.actor, row.year, row.month
        box.accepted.connect(lambda: self._close(actor, year, month))
        self.confirm = box
        box.open()

    def _close(self, actor: Actor, year: int, month: int) -> None:
        self._select = (year, month)
        run_task(self, lambda: close_period(actor, year, month),
                 lambda _r: self._closed(year, month),
                 lambda exc: setattr(self, "message", show_error(self, exc)))

    def _closed(self, year: int, month: int) -> None:
        self.message = show_message(self, "Month closed",
                                    f"{year}-{month:02d} is closed; nothing more can be "
                                    "posted dated in it.")
        self.screen.changed.emit({AREA})


# -- chart of accounts -------------------------------------------------------------------

class ChartOfAccountsTab(BooksTab):
    title = "Chart of accounts"
    permission = None  # everyone on the screen reads the chart; the owner edits it

    def __init__(self, screen: BooksScreen):
        super().__init__(screen)
        self.with_balances = self.actor.may(Permission.VIEW_REPORTS)
        self.column.addWidget(muted(
            "Automatic postings find their accounts by role (a receipt credits the account "
            "holding GRNI, a supplier's bill clears it), so an account can be renamed "
            "without changing how anything posts. Accounts are never deleted: entries "
            "posted to them stay in the journal."))
        self.model = ChartModel(self.with_balances, self)
        self.table = compact_table(self.model, ChartModel.ACCOUNT, ROW_HEIGHT)
        self.table.setItemDelegateForColumn(ChartModel.ROLE, BadgeDelegate(self.table))
        self.table.horizontalHeader().setMinimumSectionSize(90)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.rename())
        self.column.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.note_label = muted()
        actions.addWidget(self.note_label, 1)
        self.add_button = QPushButton("&Add account…")
        self.rename_button = QPushButton("Re&name…")
        self.may_edit = _allow(self.add_button, self.actor, Permission.MANAGE_ACCOUNTS,
                               "A new account for entries made by hand.")
        _allow(self.rename_button, self.actor, Permission.MANAGE_ACCOUNTS,
               "A new name for the selected account; its code, kind and role stay.")
        self.add_button.setEnabled(self.may_edit)
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        actions.addWidget(self.add_button)
        actions.addWidget(self.rename_button)
        self.column.addLayout(actions)
        if not self.may_edit:
            self.note_label.setText("Read only: the owner or an administrator edits the chart."
                                    + ("" if self.with_balances else " Balances are shown to "
                                       "roles that may view financial reports."))
        self.dialog: AddAccountDialog | RenameAccountDialog | None = None
        self._select: str | None = None
        self._update_buttons()

    def reload(self) -> None:
        super().reload()
        if self._select is None and (row := self.selected()):
            self._select = row.code
        run_task(self, chart_of_accounts, self._loaded)

    def _loaded(self, rows: list[ChartAccount]) -> None:
        self.model.set_rows(rows)
        wanted, self._select = self._select, None
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._update_buttons()

    def selected(self) -> ChartAccount | None:
        return selected_row(self.table)

    def _update_buttons(self) -> None:
        self.rename_button.setEnabled(self.may_edit and self.selected() is not None)

    def add(self) -> None:
        if self.may_edit:
            self._open(AddAccountDialog(self.actor, self))

    def rename(self) -> None:
        account = self.selected()
        if self.may_edit and account is not None:
            self._open(RenameAccountDialog(self.actor, account, self))

    def _open(self, dialog: AddAccountDialog | RenameAccountDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._changed(dialog.result))
        dialog.open()

    def _changed(self, code: str | None) -> None:
        self._select = code
        self.screen.changed.emit({AREA})


TABS: tuple[type[BooksTab], ...] = (CustomerAccountsTab, TrialBalanceTab, ValuationTab,
                                     JournalTab, PeriodsTab, ChartOfAccountsTab)


class BooksScreen(Screen):
    title = "Books"
    icon_name = "books"
    summary = ("What customers owe and their payments; trial balance, stock value, the "
               "journal and closing a month.")
    areas = frozenset({AREA, "invoices", "payments", "bills", "payables", "shipping", "stock",
                       "receiving", "counts", "partners", "products"})

    @classmethod
    def available_to(cls, actor: Actor) -> bool:
        return actor.may(Permission.VIEW_REPORTS) or actor.may(Permission.RECORD_PAYMENTS)

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: list[BooksTab] = []
        for tab_class in TABS:
            if tab_class.available_to(self.actor):
                tab = tab_class(self)
                self.pages.append(tab)
                self.tabs.addTab(tab, tab.title)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.layout_.addWidget(self.tabs, 1)

    def tab(self, tab_class: type[BooksTab]) -> BooksTab | None:
        return next((t for t in self.pages if isinstance(t, tab_class)), None)

    def show_tab(self, tab_class: type[BooksTab]) -> BooksTab:
        tab = self.tab(tab_class)
        self.tabs.setCurrentWidget(tab)
        return tab

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def refresh(self) -> None:
        for tab in self.pages:
            tab.stale = True
        self._tab_shown()

    def _tab_shown(self, _index: int = -1) -> None:
        tab = self.tabs.currentWidget()
        if self.loaded and isinstance(tab, BooksTab) and tab.stale:
            tab.reload()
