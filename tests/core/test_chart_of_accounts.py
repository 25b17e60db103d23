"""The chart of accounts as the owner edits it: each account's role and balance; adding
and renaming through the services, refused whole on bad input or without permission."""

from decimal import Decimal

import pytest

from core.db import write_transaction
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import Account, AuditEntry
from core.permissions import Role
from core.queries.accounting import chart_of_accounts
from core.services import accounting, payables
from core.services.accounting import add_account, rename_account
from core.services.payables import BillLineInput
from core.vocab import AccountKind, AccountRole
from tests.core.conftest import warehouse  # noqa: F401 (fixture)
from tests.payables_data import received_po


def test_the_chart_shows_roles_and_balances(warehouse, tmp_path):  # noqa: F811
    po = received_po(warehouse, tmp_path)
    payables.enter_bill(warehouse[Role.OFFICE], po, "B-1", [BillLineInput(1, 12, "12.35")])
    chart = {a.code: a for a in chart_of_accounts()}
    assert list(chart)[:3] == ["1000", "1100", "1200"]
    grni, payable, variance = chart["2100"], chart["2000"], chart["5200"]
    assert (grni.name, grni.kind, grni.role) == ("Goods Received Not Invoiced",
                                                 AccountKind.LIABILITY, AccountRole.GRNI)
    assert (grni.balance, grni.posted) == (Decimal("24.00"), True)  # 6 lisinopril unbilled
    assert payable.balance == Decimal("148.20")
    assert variance.balance == Decimal("3.00")
    assert (chart["1000"].posted, chart["1000"].balance) == (False, 0)
    assert chart["2100"].as_json()["role"] == "grni"
    assert AccountRole.GRNI.label == "GRNI" and AccountRole.SALES_TAX.label == "Sales tax"


def test_adding_and_renaming_accounts(warehouse):  # noqa: F811
    owner = warehouse[Role.OWNER]
    before = AuditEntry.select().count()
    add_account(owner, " 6100 ", "Freight in", "expense")
    rename_account(owner, "1000", "Operating bank account")
    chart = {a.code: a for a in chart_of_accounts()}
    assert (chart["6100"].name, chart["6100"].kind, chart["6100"].role) == (
        "Freight in", AccountKind.EXPENSE, None)
    assert chart["1000"].name == "Operating bank account"
    assert chart["1000"].role is AccountRole.CASH  # postings still find it
    assert AuditEntry.select().count() == before + 2
    # A payment still posts to the renamed cash account.
    with write_transaction():
        accounting.post_entry(owner, [accounting.Posting(AccountRole.CASH, debit=Decimal(1)),
                                      accounting.Posting("6100", credit=Decimal(1))], "manual")
    assert {a.code: a for a in chart_of_accounts()}["1000"].balance == Decimal("1.00")


@pytest.mark.parametrize(("call", "field", "message"), [
    (lambda a: add_account(a, "61", "Freight", "expense"), "code", "3 to 10 digits"),
    (lambda a: add_account(a, "6100", "  ", "expense"), "name", "needs a name"),
    (lambda a: add_account(a, "6100", "Freight", "costs"), "kind", "not one of"),
    (lambda a: add_account(a, "1000", "Petty cash", "asset"), "code", "1000 already exists"),
    (lambda a: add_account(a, "1010", "cash", "asset"), "name", "1000 is already called"),
    (lambda a: add_account(a, "6100", "x" * 101, "expense"), "name", "at most 100"),
    (lambda a: rename_account(a, "1100", "Inventory"), "name", "1200 is already called"),
    (lambda a: rename_account(a, "1100", ""), "name", "needs a name"),
])
def test_bad_input_is_refused_with_nothing_written(warehouse, call, field, message):  # noqa: F811
    before = [(a.code, a.name) for a in Account.select().order_by(Account.code)]
    with pytest.raises(InvalidInput, match=message) as refused:
        call(warehouse[Role.ADMIN])
    assert refused.value.field == field
    assert [(a.code, a.name) for a in Account.select().order_by(Account.code)] == before


def test_only_the_owner_and_administrators_edit_the_chart(warehouse):  # noqa: F811
    with pytest.raises(PermissionDenied):
        add_account(warehouse[Role.OFFICE], "6100", "Freight in", "expense")
    with pytest.raises(PermissionDenied):
        rename_account(warehouse[Role.OFFICE], "1000", "Bank")
    with pytest.raises(NotFound):
        rename_account(warehouse[Role.ADMIN], "9999", "Nothing")
    rename_account(warehouse[Role.ADMIN], "1000", "CASH")  # its own name in other letters
    assert Account.get(Account.code == "1000").name == "CASH"
