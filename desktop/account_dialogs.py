"""Dialogs of the Books screen's chart of accounts: adding an account (code, name,
kind) and renaming one. The code, kind and role of an existing account never change:
automatic postings find their accounts by role and past entries by id, so a rename is
the only edit that cannot mislead the books."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from core.permissions import Actor
from core.queries.accounting import ChartAccount
from core.services.accounting import add_account, rename_account
from core.vocab import AccountKind
from desktop.tasks import show_error
from desktop.widgets.service_dialog import ServiceDialog

KIND_HINTS = {
    AccountKind.ASSET: "what the company owns or is owed (a second bank account)",
    AccountKind.LIABILITY: "what it owes (a loan, payroll taxes)",
    AccountKind.EQUITY: "the owners' stake",
    AccountKind.INCOME: "what it earns (freight charged, interest)",
    AccountKind.EXPENSE: "what it spends (freight in, rent, bank fees)",
}


class _AccountDialog(ServiceDialog):
    """Two or three rows; a refusal no row owns comes in a message box."""

    def __init__(self, title: str, intro: str, parent: QWidget | None):
        super().__init__(title, parent)
        self.setMinimumWidth(520)
        label = QLabel(intro)
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        self.form.label_width = 72
        self.layout_.addLayout(self.form)

    def run_for(self, code: str, call: Callable[[], object]) -> None:
        """Accepted with `result` = `code` (the services return the account's id)."""
        def job() -> str:
            call()
            return code
        self.run(job)

    def refuse(self, exc: BaseException) -> None:
        show_error(self, exc)


class AddAccountDialog(_AccountDialog):
    """Accepted with `result` = the new account's code."""

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__("Add account", "A new account for entries made by hand or for "
                         "exporting to your accounting package. Automatic postings keep "
                         "using the accounts that hold their roles.", parent)
        self.actor = actor
        self.code_edit = self.form.add_field("code", "&Code:", QLineEdit())
        self.code_edit.setMaxLength(10)
        self.code_edit.setPlaceholderText("3 to 10 digits, e.g. 6100")
        self.name_edit = self.form.add_field("name", "&Name:", QLineEdit())
        self.name_edit.setMaxLength(100)
        self.name_edit.setPlaceholderText("e.g. Freight in")
        self.kind_combo = QComboBox()
        for kind in AccountKind:
            self.kind_combo.addItem(f"{kind.label}: {KIND_HINTS[kind]}", kind.value)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(AccountKind.EXPENSE.value))
        self.form.add_field("kind", "&Kind:", self.kind_combo)
        self.add_buttons("&Add account")
        self.code_edit.setFocus()

    def submit(self) -> None:
        actor, code = self.actor, self.code_edit.text().strip()
        name, kind = self.name_edit.text(), self.kind_combo.currentData()
        self.run_for(code, lambda: add_account(actor, code, name, kind))


class RenameAccountDialog(_AccountDialog):
    """Accepted with `result` = the renamed account's code."""

    def __init__(self, actor: Actor, account: ChartAccount, parent: QWidget | None = None):
        role = (f" It holds the role <b>{account.role.label}</b>: automatic postings keep "
                "finding it by that role." if account.role else "")
        super().__init__(f"Rename account {account.code}",
                         f"Account <b>{account.code}</b> keeps its code and kind "
                         f"({account.kind.label.lower()}); every entry posted to it stays "
                         f"on it under the new name.{role}", parent)
        self.actor, self.account = actor, account
        self.name_edit = self.form.add_field("name", "&Name:", QLineEdit(account.name))
        self.name_edit.setMaxLength(100)
        self.add_buttons("&Rename")
        self.name_edit.selectAll()
        self.name_edit.setFocus()

    def submit(self) -> None:
        actor, code, name = self.actor, self.account.code, self.name_edit.text()
        self.run_for(code, lambda: rename_account(actor, code, name))
