"""Dialogs of the Books screen's chart of accounts: adding an account (code, name,
kind) and renaming one. The code, kind and role of an existing account never change:
automatic postings find their accounts by role and past entries by id, so a rename is
the only edit that cannot mislead the books."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from core.errors import InvalidInput
from core.permissions import Actor
from core.queries.accounting import ChartAccount
from core.services.accounting import add_account, rename_account
from core.vocab import AccountKind
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm

KIND_HINTS = {
    AccountKind.ASSET: "what the company owns or is owed (a second bank account)",
    AccountKind.LIABILITY: "what it owes (a loan, payroll taxes)",
    AccountKind.EQUITY: "the owners' stake",
    AccountKind.INCOME: "what it earns (freight charged, interest)",
    AccountKind.EXPENSE: "what it spends (freight in, rent, bank fees)",
}


class _AccountDialog(QDialog):
    """A small form whose submit runs one service call off the GUI thread."""

    def __init__(self, title: str, intro: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.result: str | None = None  # the account code
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.form = FieldForm()
        self.form.label_width = 72
        layout.addLayout(self.form)
        self.layout_ = layout

    def add_buttons(self, ok_text: str) -> None:
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, code: str, action) -> None:
        self.form.clear_errors()
        self.ok_button.setEnabled(False)
        run_task(self, action, lambda _r: self._done(code), self._failed)

    def _done(self, code: str) -> None:
        self.ok_button.setEnabled(True)
        self.result = code
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not (isinstance(exc, InvalidInput) and self.form.show_error(exc.field, str(exc))):
            show_error(self, exc)

    def field_error(self, name: str) -> str:
        return self.form.error_text(name) if name in self.form.errors else ""


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
        self.run(code, lambda: add_account(actor, code, name, kind))


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
        self.run(code, lambda: rename_account(actor, code, name))
