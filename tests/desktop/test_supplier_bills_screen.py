"""The Supplier bills screen and the Books chart of accounts, driven through the real
widgets: a bill entered against a received PO with a price variance (and the trial
balance showing AP, GRNI and the variance), paid in part; the service's refusals shown
in the dialogs with nothing written; accounts added and renamed by the owner, read only
for the office. Data is made with the core services (order -> supplier file -> receipt)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from core.models import Account, SupplierBill, SupplierPayment
from core.permissions import Role
from core.queries.accounting import role_balance
from core.services import payables
from core.services.payables import BillLineInput
from core.vocab import AccountRole
from desktop.account_dialogs import AddAccountDialog, RenameAccountDialog
from desktop.main_window import MainWindow
from desktop.payables_dialogs import EnterBillDialog, PayBillDialog
from desktop.screens.books import BooksScreen, ChartOfAccountsTab, TrialBalanceTab
from desktop.screens.supplier_bills import SupplierBillsScreen
from desktop.session import Session
from tests.core.conftest import warehouse  # noqa: F401 (fixture)
from tests.payables_data import SUPPLIER, received_po

EDIT = Qt.ItemDataRole.EditRole


def open_window(qtbot, wait_tasks, db, actor, title: str) -> MainWindow:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.show_screen(window.screen_titles().index(title))
    wait_tasks()
    return window


def cells(model, title: str) -> list[str]:
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def edit(model, row: int, title: str, value) -> None:
    number = [c.title for c in model.columns].index(title)
    assert model.setData(model.index(row, number), value, EDIT)


def test_enter_a_bill_with_a_price_variance_then_pay_part_of_it(qtbot, wait_tasks, db,
                                                                 warehouse, tmp_path):  # noqa: F811
    po = received_po(warehouse, tmp_path)
    window = open_window(qtbot, wait_tasks, db, warehouse[Role.OWNER], "Supplier bills")
    screen = window.screen(SupplierBillsScreen)
    assert "Nothing is owed to any supplier" in screen.summary_label.text()
    assert "1 purchase order received and not billed ($169.20 at PO cost)" in \
        screen.summary_label.text()
    assert screen.model.rowCount() == 0 and not screen.pay_button.isEnabled()

    screen.enter_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, EnterBillDialog)
    wait_tasks()
    assert dialog.po_combo.currentText().startswith(f"{po} · {SUPPLIER}")  # the only one
    lines = dialog.lines_model
    assert cells(lines, "Unbilled") == ["12", "6"]
    assert cells(lines, "Qty billed") == ["12", "6"]
    assert cells(lines, "Billed cost") == ["$12.10", "$4.00"]  # the PO cost to start from
    assert "price variance <b>$0.00</b>" in dialog.totals_label.text()
    edit(lines, 0, "Billed cost", "12.35")  # the supplier charged 25 cents more
    assert cells(lines, "Variance") == ["+$3.00", ""]
    assert cells(lines, "Amount") == ["$148.20", "$24.00"]
    assert "price variance <b>+$3.00</b>" in dialog.totals_label.text()
    assert "Bill total $172.20" in dialog.totals_label.text()
    edit(lines, 1, "Qty billed", 0)  # the lisinopril comes on another bill
    assert "Bill total $148.20" in dialog.totals_label.text()
    assert dialog.due_label.text().startswith("due <b>")
    dialog.ok_button.click()
    assert "invoice number" in dialog.field_error("number")  # not typed yet
    dialog.number_edit.setText("ACME-9001")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible() and dialog.result is not None

    assert cells(screen.aging_model, "Supplier") == [SUPPLIER]
    assert cells(screen.aging_model, "Current") == ["$148.20"]
    assert cells(screen.model, "Bill") == ["ACME-9001"]
    assert cells(screen.model, "Balance") == ["$148.20"]
    panel = screen.detail_panel
    assert cells(panel.lines_model, "Variance") == ["+$3.00"]
    assert cells(panel.lines_model, "PO cost") == ["$12.10"]
    assert "Received at PO cost $145.20 · price variance <b>+$3.00</b>" in \
        panel.match_label.text()
    assert "($24.00 at PO cost)" in screen.summary_label.text()  # 6 lisinopril still unbilled

    books = window.screen(BooksScreen)
    window.show_screen(window.screen_titles().index("Books"))
    tb = books.show_tab(TrialBalanceTab)
    wait_tasks()
    balances = dict(zip(cells(tb.model, "Account"), cells(tb.model, "Balance"), strict=True))
    assert balances["Accounts Payable"] == "$148.20"
    assert balances["Goods Received Not Invoiced"] == "$24.00"
    assert balances["Purchase Price Variance"] == "$3.00"
    assert tb.balanced is True

    window.show_screen(window.screen_titles().index("Supplier bills"))
    wait_tasks()
    assert screen.pay_button.isEnabled()
    screen.pay_button.click()
    pay = screen.dialog
    assert isinstance(pay, PayBillDialog)
    assert pay.amount_edit.text() == "148.20"
    assert pay.effect_label.text() == "Pays the bill in full."
    pay.amount_edit.setText("200")
    assert "$51.80 more than is left" in pay.effect_label.text()
    pay.ok_button.click()
    wait_tasks()
    assert "148.20 left to pay" in pay.field_error("amount")  # the service refused
    assert SupplierPayment.select().count() == 0
    pay.amount_edit.setText("100.00")
    assert "Leaves <b>$48.20</b> to pay" in pay.effect_label.text()
    pay.method_combo.setCurrentIndex(pay.method_combo.findData("ach"))
    pay.reference_edit.setText("TRACE 5531")
    pay.ok_button.click()
    wait_tasks()
    assert not pay.isVisible() and pay.result is not None
    assert cells(screen.model, "Balance") == ["$48.20"]
    assert cells(panel.payments_model, "How") == ["ACH TRACE 5531"]
    assert panel.payments_title.text() == "Payments · 1 payment"
    assert role_balance(AccountRole.PAYABLES) == Decimal("48.20")
    assert role_balance(AccountRole.CASH) == Decimal("-100.00")


def test_refusals_show_in_the_bill_dialog_and_nothing_is_written(qtbot, wait_tasks, db,
                                                                  warehouse, tmp_path):  # noqa: F811
    office = warehouse[Role.OFFICE]
    po = received_po(warehouse, tmp_path)
    payables.enter_bill(office, po, "DUP-1", [BillLineInput(2, 2, "4.00")])
    window = open_window(qtbot, wait_tasks, db, office, "Supplier bills")
    screen = window.screen(SupplierBillsScreen)
    screen.enter_button.click()
    dialog = screen.dialog
    wait_tasks()
    assert cells(dialog.lines_model, "Unbilled") == ["12", "4"]
    dialog.number_edit.setText("DUP-1")
    dialog.ok_button.click()
    wait_tasks()
    assert "Bill DUP-1 from this supplier is already entered" in dialog.field_error("number")

    dialog.number_edit.setText("ACME-2")
    edit(dialog.lines_model, 0, "Qty billed", 13)
    assert "line 1 bills 13, only 12 received and not billed" in dialog.totals_label.text()
    dialog.ok_button.click()
    wait_tasks()
    assert "only 12 received and not yet billed" in dialog.field_error("lines")
    edit(dialog.lines_model, 0, "Billed cost", "12.1.0")
    assert cells(dialog.lines_model, "Billed cost")[0] == "12.1.0"  # shown as typed, in red
    dialog.ok_button.click()
    assert "'12.1.0' is not a unit cost" in dialog.field_error("lines")
    edit(dialog.lines_model, 0, "Billed cost", "12.10")
    edit(dialog.lines_model, 0, "Qty billed", 12)
    # Meanwhile a colleague bills the same atorvastatin: the prefilled quantity is stale.
    payables.enter_bill(warehouse[Role.OWNER], po, "OTHER-1", [BillLineInput(1, 5, "12.10")])
    dialog.ok_button.click()
    wait_tasks()
    assert "only 7 received and not yet billed" in dialog.field_error("lines")
    assert dialog.isVisible()
    assert {b.number for b in SupplierBill.select()} == {"DUP-1", "OTHER-1"}


def test_who_sees_the_screen_and_a_paid_bill_cannot_be_paid_again(qtbot, wait_tasks, db,
                                                                   warehouse, tmp_path):  # noqa: F811
    office = warehouse[Role.OFFICE]
    po = received_po(warehouse, tmp_path)
    bill = payables.enter_bill(office, po, "PAID-1", [BillLineInput(2, 6, "4.00")])
    payables.pay_bill(office, bill, "24.00")
    window = open_window(qtbot, wait_tasks, db, warehouse[Role.WAREHOUSE], "Home")
    assert "Supplier bills" not in window.screen_titles()
    window = open_window(qtbot, wait_tasks, db, office, "Supplier bills")
    screen = window.screen(SupplierBillsScreen)
    assert screen.model.rowCount() == 0  # open bills only, at first
    screen.show_combo.setCurrentIndex(screen.show_combo.findData("paid"))
    wait_tasks()
    assert cells(screen.model, "Bill") == ["PAID-1"]
    assert cells(screen.model, "Status") == ["Paid"]
    assert not screen.pay_button.isEnabled()
    screen.search_edit.setText("nothing like it")
    screen.search_edit.flush()
    wait_tasks()
    assert screen.model.rowCount() == 0 and screen.count_label.text() == "0 bills found"


def test_chart_of_accounts_add_and_rename_for_the_owner(qtbot, wait_tasks, db,
                                                        warehouse):  # noqa: F811
    window = open_window(qtbot, wait_tasks, db, warehouse[Role.OWNER], "Books")
    books = window.screen(BooksScreen)
    chart = books.show_tab(ChartOfAccountsTab)
    wait_tasks()
    assert cells(chart.model, "Code")[:4] == ["1000", "1100", "1200", "2000"]
    roles = dict(zip(cells(chart.model, "Code"), cells(chart.model, "Role"), strict=True))
    assert roles["2100"] == "GRNI" and roles["5200"] == "Price variance"
    assert "Balance" in [c.title for c in chart.model.columns]

    chart.add_button.click()
    dialog = chart.dialog
    assert isinstance(dialog, AddAccountDialog)
    dialog.code_edit.setText("61")
    dialog.name_edit.setText("Freight in")
    dialog.ok_button.click()
    wait_tasks()
    assert "3 to 10 digits" in dialog.field_error("code")
    dialog.code_edit.setText("6100")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert chart.selected().code == "6100" and chart.selected().name == "Freight in"
    assert Account.get(Account.code == "6100").kind == "expense"

    chart.table.selectRow(chart.model.row_of("1000"))
    chart.rename_button.click()
    rename = chart.dialog
    assert isinstance(rename, RenameAccountDialog)
    rename.name_edit.setText("Inventory")
    rename.ok_button.click()
    wait_tasks()
    assert "1200 is already called Inventory" in rename.field_error("name")
    rename.name_edit.setText("Operating bank account")
    rename.ok_button.click()
    wait_tasks()
    assert not rename.isVisible()
    assert chart.selected().name == "Operating bank account"
    assert cells(chart.model, "Role")[0] == "Cash"  # the role stays with the account


def test_chart_of_accounts_is_read_only_for_the_office(qtbot, wait_tasks, db,
                                                       warehouse):  # noqa: F811
    window = open_window(qtbot, wait_tasks, db, warehouse[Role.OFFICE], "Books")
    books = window.screen(BooksScreen)
    assert "Chart of accounts" in books.tab_titles()
    chart = books.show_tab(ChartOfAccountsTab)
    wait_tasks()
    assert cells(chart.model, "Account")[0] == "Cash"
    assert "Balance" not in [c.title for c in chart.model.columns]
    chart.table.selectRow(0)
    assert not chart.add_button.isEnabled() and not chart.rename_button.isEnabled()
    assert "Read only" in chart.note_label.text()
    chart.rename()  # a double-click does nothing either
    assert chart.dialog is None
