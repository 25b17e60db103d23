"""The Invoices screen driven through its real widgets: the list with what is open and
how many days overdue (in red), search and the open/overdue/paid filter; invoicing a
shipment from the dialog; a part payment through the Record payment dialog lowering
the open balance; a credit memo over the open balance refused with nothing written;
who gets which actions; and the invoice printed and saved as a PDF."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from core.models import CreditMemo, Invoice, JournalEntry, Partner, Product
from core.permissions import Role
from core.queries.invoices import InvoiceShow
from core.services import invoicing, sales, shipping
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from desktop.books_dialogs import RecordPaymentDialog
from desktop.invoice_dialogs import CreditMemoDialog, InvoiceShipmentsDialog
from desktop.main_window import MainWindow
from desktop.print_preview import PdfDocumentDialog
from desktop.screens import invoices
from desktop.screens.invoices import InvoicesModel, InvoicesScreen
from desktop.session import Session
from desktop.widgets.badges import TONES
from tests.core.conftest import BULK_GTIN, GTIN, customer, stock, warehouse  # noqa: F401
from tests.core.test_invoice_queries import OAK_GLN, make_overdue, ship_to

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()


def invoices_screen(qtbot, wait_tasks, db, actor) -> InvoicesScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.show_screen(window.screen_titles().index("Invoices"))
    wait_tasks()
    return window.screen(InvoicesScreen)


def column(model, title: str) -> list[str]:
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def show(screen, wait_tasks, what: InvoiceShow) -> None:
    screen.show_combo.setCurrentIndex(screen.show_combo.findData(what.value))
    wait_tasks()


def find(screen, wait_tasks, text: str) -> None:
    screen.search_edit.setText(text)
    screen.search_edit.flush()
    wait_tasks()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_list_shows_what_is_open_and_overdue_with_search_and_filter(
        qtbot, wait_tasks, db, stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock)
    oak = customer(stock, "Oak Clinic Pharmacy", gln=OAK_GLN)
    late = ship_to(stock, main, 2, "MS-881").invoice  # 83.00
    paid = ship_to(stock, oak, 1).invoice  # 41.50
    fresh = ship_to(stock, main, 1).invoice  # 41.50
    invoicing.record_payment(office, oak, "41.50", [paid])
    invoicing.record_payment(office, main, "20.00", [late])
    make_overdue(late, 12)

    screen = invoices_screen(qtbot, wait_tasks, db, office)
    model = screen.model
    assert column(model, "Invoice") == [fresh, paid, late]
    assert column(model, "Customer") == ["Main Street Pharmacy", "Oak Clinic Pharmacy",
                                         "Main Street Pharmacy"]
    assert column(model, "Total") == ["$41.50", "$41.50", "$83.00"]
    assert column(model, "Open") == ["$41.50", "Paid", "$63.00"]
    assert column(model, "Overdue") == ["", "", "12 days"]
    red = model.index(2, InvoicesModel.OVERDUE).data(Qt.ItemDataRole.ForegroundRole)
    assert red.color() == QColor(TONES["bad"][2])
    assert model.index(0, InvoicesModel.OVERDUE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(0, InvoicesModel.TOTAL).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert screen.count_label.text() == "3 invoices"
    assert screen.selected().number == fresh  # the newest, its detail loaded
    assert screen.detail_panel.state_badge.text() == "Open"

    find(screen, wait_tasks, "ms-88")
    assert column(model, "Invoice") == [late] and screen.count_label.text() == "1 invoice found"
    panel = screen.detail_panel
    assert panel.state_badge.text() == "Overdue 12 days"
    assert "customer PO MS-881" in panel.facts_label.text()
    find(screen, wait_tasks, "")
    show(screen, wait_tasks, InvoiceShow.OVERDUE)
    assert column(model, "Invoice") == [late]
    show(screen, wait_tasks, InvoiceShow.OPEN)
    assert column(model, "Invoice") == [fresh, late]
    show(screen, wait_tasks, InvoiceShow.PAID)
    assert column(model, "Invoice") == [paid]
    find(screen, wait_tasks, "main street")
    assert column(model, "Invoice") == [] and screen.count_label.text() == "0 invoices found"
    assert not screen.payment_button.isEnabled() and not screen.print_button.isEnabled()


def test_invoice_a_shipment_from_the_dialog(qtbot, wait_tasks, db, stock):  # noqa: F811
    main = customer(stock)
    Partner.update(invoice_on_ship=False).where(Partner.id == main).execute()
    first = ship_to(stock, main, 2, "MS-881")
    second = ship_to(stock, main, 1)
    screen = invoices_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    assert screen.model.rowCount() == 0
    assert screen.invoice_shipments_button.text() == "&Invoice shipments (2)…"

    screen.invoice_shipments_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, InvoiceShipmentsDialog)
    wait_tasks()
    assert column(dialog.model, "Shipment") == [first.number, second.number]
    assert column(dialog.model, "Value") == ["$83.00", "$41.50"]
    assert column(dialog.model, "Customer PO") == ["MS-881", ""]
    assert not dialog.ok_button.isEnabled()
    dialog.model.setData(dialog.model.index(0, 0), Qt.CheckState.Checked.value,
                         Qt.ItemDataRole.CheckStateRole)
    assert dialog.ok_button.text() == "&Invoice 1 shipment"
    assert "<b>$83.00</b> before tax" in dialog.total_label.text()
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()

    made = Invoice.get(Invoice.shipment == first.shipment_id)
    assert made.total == Decimal("83.00")
    assert Invoice.get_or_none(Invoice.shipment == second.shipment_id) is None
    assert f"Invoiced {first.number} on <b>{made.number}</b> ($83.00" in \
        screen.result_label.text()
    assert column(screen.model, "Invoice") == [made.number]
    assert screen.selected().number == made.number
    assert f"Shipment {first.number} shipped {TODAY.isoformat()}" in \
        screen.detail_panel.facts_label.text()
    assert screen.invoice_shipments_button.text() == "&Invoice shipments (1)…"


def test_a_part_payment_lowers_the_open_balance(qtbot, wait_tasks, db, stock):  # noqa: F811
    main = customer(stock)
    older = ship_to(stock, main, 1).invoice  # 41.50, due first
    number = ship_to(stock, main, 2).invoice  # 83.00
    screen = invoices_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    assert screen.selected().number == number
    panel = screen.detail_panel
    assert "Open <b>$83.00</b> of $83.00" in panel.open_label.text()
    assert panel.nothing_settled.isVisible() and not panel.settlements_table.isVisible()

    screen.payment_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, RecordPaymentDialog)
    wait_tasks()
    # This invoice alone, for what is open on it (not the older one, oldest first).
    assert dialog.customer_combo.currentText() == "Main Street Pharmacy"
    assert dialog.ticked() == {number} and dialog.amount_edit.text() == "83.00"
    dialog.amount_edit.setText("30.00")
    assert dialog.ticked() == {number}
    assert f"{number} keeps $53.00 open" in dialog.plan_label.text()
    dialog.reference_edit.setText("CHK 1042")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()

    assert invoicing.open_balance(Invoice.get(Invoice.number == number).id) == Decimal("53.00")
    assert invoicing.open_balance(Invoice.get(Invoice.number == older).id) == Decimal("41.50")
    assert "Payment of $30.00 from Main Street Pharmacy recorded" in screen.result_label.text()
    assert screen.selected().number == number
    assert column(screen.model, "Open") == ["$53.00", "$41.50"]
    assert "Open <b>$53.00</b> of $83.00" in panel.open_label.text()
    assert "Paid $30.00" in panel.totals_label.text()
    assert column(panel.settlements_model, "Detail") == ["Check CHK 1042"]
    assert column(panel.settlements_model, "Amount") == ["$30.00"]
    assert panel.settlements_table.isVisible()


def test_a_credit_memo_over_the_open_balance_is_refused(qtbot, wait_tasks, db,
                                                        stock):  # noqa: F811
    main = customer(stock)
    number = ship_to(stock, main, 2).invoice  # 83.00
    screen = invoices_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    entries = JournalEntry.select().count()
    assert screen.credit_button.isEnabled()
    screen.credit_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, CreditMemoDialog)
    assert "<b>$83.00</b> of $83.00" in dialog.intro_label.text()
    dialog.amount_edit.setText("100.00")
    dialog.reason_edit.setText("price agreed lower")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    error = dialog.form.error_text("amount")
    assert f"{number} has 83.00 open" in error and "Credit at most the open balance" in error
    assert CreditMemo.select().count() == 0 and JournalEntry.select().count() == entries

    dialog.amount_edit.setText("")
    dialog.ok_button.click()
    wait_tasks()
    assert "more than zero" in dialog.form.error_text("amount")
    dialog.amount_edit.setText("10.00")
    dialog.reason_edit.setText("")
    dialog.ok_button.click()
    wait_tasks()
    assert "Say why" in dialog.form.error_text("reason")
    assert CreditMemo.select().count() == 0

    dialog.reason_edit.setText("price agreed lower")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    (memo,) = CreditMemo.select()
    assert memo.amount == Decimal("10.00")
    assert f"Credit memo <b>{memo.number}</b> issued on {number}" in screen.result_label.text()
    assert column(screen.model, "Open") == ["$73.00"]
    panel = screen.detail_panel
    assert column(panel.settlements_model, "Number") == [memo.number]
    assert column(panel.settlements_model, "Detail") == ["price agreed lower"]
    assert "Credited $10.00" in panel.totals_label.text()

    invoicing.record_payment(stock[Role.OFFICE], main, "73.00", [number])
    screen.refresh()
    wait_tasks()
    assert column(screen.model, "Open") == ["Paid"]
    assert screen.detail_panel.state_badge.text() == "Paid"
    assert not screen.credit_button.isEnabled()  # nothing left to credit
    assert "Nothing is open" in screen.credit_button.toolTip()


def test_who_gets_the_screen_and_its_actions(qtbot, wait_tasks, db, stock):  # noqa: F811
    ship_to(stock, customer(stock), 1)
    office = invoices_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    titles = office.window().screen_titles()
    assert titles.index("Invoices") == titles.index("Sales orders") + 1
    for button in (office.invoice_shipments_button, office.payment_button,
                   office.credit_button, office.print_button, office.save_button):
        assert button.isVisible() and button.isEnabled(), button.text()
    assert "Invoices" in invoices_screen(qtbot, wait_tasks, db,
                                         stock[Role.OWNER]).window().screen_titles()

    warehouse_actor = stock[Role.WAREHOUSE]
    window = MainWindow(Session(db.target.url, db.target, actor=warehouse_actor))
    qtbot.addWidget(window)
    assert "Invoices" not in window.screen_titles()
    # Even if the screen were opened, the actions are not there for this role.
    screen = InvoicesScreen(Session(db.target.url, db.target, actor=warehouse_actor))
    qtbot.addWidget(screen)
    screen.show()
    screen.activate()
    wait_tasks()
    assert screen.model.rowCount() == 1
    for button in (screen.invoice_shipments_button, screen.payment_button,
                   screen.credit_button):
        assert not button.isVisible(), button.text()
    assert screen.print_button.isVisible()


def test_print_and_save_the_invoice_as_pdf(qtbot, wait_tasks, db, stock,  # noqa: F811
                                           tmp_path, monkeypatch):
    number = ship_to(stock, customer(stock), 2, "MS-881").invoice
    screen = invoices_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    screen.print_button.click()
    wait_tasks()
    dialog = screen.dialog
    assert isinstance(dialog, PdfDocumentDialog)
    assert dialog.windowTitle() == f"Invoice {number}" and dialog.pages == 1
    text = pdf_text(dialog.path)
    assert number in text and "MS-881" in text and "Main Street Pharmacy" in text
    dialog.close()

    target = tmp_path / "for-customer"
    monkeypatch.setattr(invoices.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF documents (*.pdf)"))
    screen.save_button.click()
    wait_tasks()
    saved = tmp_path / "for-customer.pdf"
    assert screen.saved_to == saved and number in pdf_text(saved)
    assert not (tmp_path / "for-customer.pdf.part").exists()
    assert f"{number} saved to" in screen.result_label.text()


def test_screenshot_with_a_few_invoices(qtbot, wait_tasks, db, stock, tmp_path):  # noqa: F811
    """The screen at 1280x800 (a common laptop screen) with an overdue invoice partly
    paid and credited, a paid one, open ones and a shipment waiting to be invoiced.
    RXDESK_SCREENSHOTS=1 saves docs/screenshots/invoices.png."""
    office, admin = stock[Role.OFFICE], stock[Role.ADMIN]
    add_opening_stock(admin, BULK_GTIN, "W1", TODAY + timedelta(days=400), "B-01",
                      quantity=500)
    Product.update(list_price=Decimal("3.85")).where(Product.gtin == BULK_GTIN).execute()
    main = customer(stock)
    oak = customer(stock, "Oak Clinic Pharmacy", gln=OAK_GLN)
    elm = customer(stock, "Elm Street Apothecary & Compounding", gln="0614141000036")
    river = customer(stock, "Riverside Long-Term Care Pharmacy", gln="0614141000050")
    Partner.update(invoice_on_ship=False).where(Partner.id == river).execute()

    def ship_lines(customer_id: int, lines: list[SoLineInput], po: str = ""):
        order = sales.create_order(office, customer_id, lines, customer_po=po)
        sales.confirm_order(office, order)
        return shipping.ship_allocation(stock[Role.WAREHOUSE], order)

    shown = ship_lines(main, [SoLineInput(GTIN, 2), SoLineInput(BULK_GTIN, 24)],
                       "MS-881").invoice
    invoicing.record_payment(office, main, "100.00", [shown], method="check",
                             reference="CHK 1042")
    invoicing.issue_credit_memo(office, shown, "9.24", "Three vials arrived cracked")
    make_overdue(shown, 17)
    paid = ship_lines(oak, [SoLineInput(GTIN, 1)], "OC-17").invoice
    invoicing.record_payment(office, oak, "41.50", [paid], method="ach")
    make_overdue(ship_lines(elm, [SoLineInput(BULK_GTIN, 40)]).invoice, 3)
    ship_lines(main, [SoLineInput(GTIN, 3)], "MS-902")
    ship_lines(oak, [SoLineInput(BULK_GTIN, 120)], "OC-18")
    ship_lines(river, [SoLineInput(BULK_GTIN, 12)], "RLTC-5501")

    screen = invoices_screen(qtbot, wait_tasks, db, office)
    assert screen.table.select_where(lambda r: r.number == shown)
    wait_tasks()
    panel = screen.detail_panel
    assert panel.lines_model.rowCount() == 2 and panel.settlements_model.rowCount() == 2
    assert screen.invoice_shipments_button.text() == "&Invoice shipments (1)…"
    qtbot.wait(50)
    window = screen.window()
    image = window.grab()
    assert (image.width(), image.height()) == (1280, 800)
    out_dir = ROOT / "docs" / "screenshots" if os.environ.get("RXDESK_SCREENSHOTS") \
        else tmp_path
    assert image.save(str(out_dir / "invoices.png"))
    screen.invoice_shipments_button.click()
    wait_tasks()
    assert screen.dialog.grab().save(str(tmp_path / "invoice-shipments-dialog.png"))
    screen.dialog.reject()
    screen.credit_button.click()
    assert screen.dialog.grab().save(str(tmp_path / "credit-memo-dialog.png"))
    screen.dialog.reject()
