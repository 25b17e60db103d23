"""Sales orders on their screen: a new order through the dialog confirmed and allocated
by lot, a blocked customer refused with its license reason, a price override refused
for office staff, cancelling with a reason, why a backorder is not allocatable, the
pick list, and the documents and EPCIS file of a shipped order."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize

from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.sales import list_orders, order_detail
from core.services import sales, shipping
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from core.vocab import SoStatus
from desktop.main_window import MainWindow
from desktop.print_preview import PdfDocumentDialog
from desktop.purchase_order_dialogs import ReasonDialog
from desktop.sales_order_dialogs import AvailabilityDialog, NewSalesOrderDialog
from desktop.screens import sales_orders
from desktop.screens.sales_orders import SalesOrdersScreen
from desktop.session import Session
from tests.core.conftest import BULK_GTIN, GTIN, customer, stock, warehouse  # noqa: F401
from tests.desktop.conftest import message_boxes

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()


def so_screen(qtbot, wait_tasks, db, actor, size: QSize | None = None) -> SalesOrdersScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    if size is not None:
        window.resize(size)
    window.show()
    window.show_screen(window.screen_titles().index("Sales orders"))
    wait_tasks()
    return window.screen(SalesOrdersScreen)


def column(model, title: str) -> list[str]:
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def find_and_add(dialog, wait_tasks, text: str, quantity: int, price: str | None = None):
    dialog.product_search.setText(text)
    dialog.product_search.flush()
    wait_tasks()
    if dialog.matches_model.rowCount() and dialog.chosen_match() is None:
        dialog.matches_table.selectRow(0)
    dialog.quantity_spin.setValue(quantity)
    if price is not None:
        dialog.price_edit.setText(price)
        dialog.price_edit.textEdited.emit(price)
    dialog.add_button.click()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def open_pdf(screen, wait_tasks, button) -> PdfDocumentDialog:
    assert button.isEnabled()
    button.click()
    wait_tasks()
    dialog = screen.dialog
    assert isinstance(dialog, PdfDocumentDialog) and dialog.path.exists()
    return dialog


def blocked_customer(actors) -> int:
    return customer(actors, "Lapsed Drugs LLC", gln="0614141000036",
                    license_expiry="2020-10-31")


def test_create_and_confirm_an_order_in_the_dialog(qtbot, wait_tasks, db, stock):  # noqa: F811
    main = customer(stock, min_shelf_life_days=30)
    blocked_customer(stock)
    screen = so_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    assert screen.count_label.text() == "0 orders"
    screen.new_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, NewSalesOrderDialog)
    wait_tasks()
    names = [dialog.customer_combo.itemText(i) for i in range(dialog.customer_combo.count())]
    assert names == ["Lapsed Drugs LLC  (blocked)", "Main Street Pharmacy"]

    dialog.draft_button.click()
    assert "Choose the customer" in dialog.field_error("customer")
    dialog.choose_customer(main)
    assert dialog.ship_to_combo.currentText().startswith("12 Main Street, Trenton")
    assert dialog.shelf_life_spin.value() == 30  # the customer's minimum
    assert not dialog.atp_label.isVisible()
    dialog.draft_button.click()
    assert "Add at least one line" in dialog.field_error("lines")

    find_and_add(dialog, wait_tasks, "12345-678-90", 7)
    (line,) = dialog.lines_model.rows
    assert (line.unit_price, line.source) == (Decimal("41.50"), "list")
    find_and_add(dialog, wait_tasks, GTIN, 2)
    assert "already line 1" in dialog.field_error("product")
    assert "Total $290.50" in dialog.total_label.text()
    dialog.customer_po_edit.setText("MS-881")
    dialog.confirm_button.click()
    wait_tasks()
    assert not dialog.isVisible()

    (row,) = list_orders()
    assert row.status is SoStatus.ALLOCATED and row.customer_po == "MS-881"
    assert column(screen.model, "Number") == [row.number]
    assert column(screen.model, "Status") == ["Allocated"]
    assert column(screen.model, "Total") == ["$290.50"]
    assert screen.selected().id == row.id
    assert "7 of 7 units allocated" in screen.result_label.text()
    panel = screen.detail_panel
    assert panel.status_badge.text() == "Allocated"
    assert column(panel.lines_model, "Allocated") == ["7"]
    assert column(panel.lines_model, "Backorder") == ["–"]
    lots = column(panel.lines_model, "Lot · expiry · bin")[0].splitlines()
    soon, late = TODAY + timedelta(days=100), TODAY + timedelta(days=400)
    assert lots == [f"SOON · {soon.isoformat()} · A-01 ×5", f"LATE · {late.isoformat()} · A-02 ×2"]
    facts = panel.facts_label.text()
    assert "by office" in facts and "customer PO MS-881" in facts and "30 days" in facts
    assert not screen.confirm_button.isEnabled() and screen.release_button.isEnabled()
    assert screen.pick_list_button.isEnabled() and not screen.allocate_button.isEnabled()


def test_a_blocked_customer_shows_the_license_and_stays_draft(qtbot, wait_tasks, db,
                                                              stock):  # noqa: F811
    office = stock[Role.OFFICE]
    blocked = blocked_customer(stock)
    screen = so_screen(qtbot, wait_tasks, db, office)
    screen.new_button.click()
    wait_tasks()
    dialog = screen.dialog
    dialog.choose_customer(blocked)
    assert "NJ license NJ-RX-1 expired 2020-10-31" in dialog.atp_label.text()
    find_and_add(dialog, wait_tasks, "atorvastatin", 3)
    dialog.confirm_button.click()  # saved, then refused at confirmation
    wait_tasks()
    assert not dialog.isVisible()
    boxes = message_boxes()
    assert [b.windowTitle() for b in boxes] == ["Customer not authorized"]
    text = boxes[0].text()
    assert "was not confirmed" in text and "Lapsed Drugs LLC" in text
    assert "NJ license NJ-RX-1 expired 2020-10-31" in text and "stays a draft" in text
    boxes[0].close()
    (row,) = list_orders()
    assert row.status is SoStatus.DRAFT
    assert column(screen.model, "Status") == ["Draft"]
    assert "stays a draft" in screen.result_label.text()
    assert screen.confirm_button.isEnabled()
    assert column(screen.detail_panel.lines_model, "Backorder") == ["–"]  # not yet

    screen.confirm_button.click()  # again, from the screen
    wait_tasks()
    assert [b.windowTitle() for b in message_boxes()] == ["Customer not authorized"]
    assert order_detail(row.id).order.status is SoStatus.DRAFT


def test_price_override_is_refused_without_the_permission(qtbot, wait_tasks, db,
                                                          stock):  # noqa: F811
    main = customer(stock)
    sales.set_customer_price(stock[Role.OWNER], main, GTIN, "39.00")
    screen = so_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    screen.new_button.click()
    wait_tasks()
    dialog = screen.dialog
    dialog.choose_customer(main)
    wait_tasks()
    find_and_add(dialog, wait_tasks, "12345-678-90", 4, "35.00")
    assert "Price override" in dialog.price_hint.text() or dialog.lines_model.rowCount()
    (line,) = dialog.lines_model.rows
    assert (line.unit_price, line.default_price, line.source) == (
        Decimal("35.00"), Decimal("39.00"), "override")
    assert "1 price override" in dialog.total_label.text()
    dialog.draft_button.click()
    wait_tasks()
    assert dialog.isVisible()
    error = dialog.field_error("lines")
    assert "sells to this customer at 39.00 (customer price)" in error
    assert "only a user allowed to override a price" in error
    assert list_orders() == []

    # The customer price itself is fine.
    dialog.lines_table.selectRow(0)
    dialog.remove_button.click()
    find_and_add(dialog, wait_tasks, "12345-678-90", 4)
    assert dialog.lines_model.rows[0].source == "customer"
    dialog.draft_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    (row,) = list_orders()
    assert row.total == Decimal("156.00")
    assert "saved as a draft" in screen.result_label.text()

    # The owner may override; the detail says so.
    owner_screen = so_screen(qtbot, wait_tasks, db, stock[Role.OWNER])
    owner_screen.new_button.click()
    wait_tasks()
    dialog = owner_screen.dialog
    dialog.choose_customer(main)
    wait_tasks()
    find_and_add(dialog, wait_tasks, "12345-678-90", 2, "35.00")
    dialog.draft_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert column(owner_screen.detail_panel.lines_model, "Amount") == [
        "$70.00\n@ $35.00 override"]


def test_cancel_asks_for_a_reason(qtbot, wait_tasks, db, stock):  # noqa: F811
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 3)])
    sales.confirm_order(office, order_id)
    screen = so_screen(qtbot, wait_tasks, db, office)
    assert screen.cancel_button.isEnabled()
    screen.cancel_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.ok_button.click()
    assert "Say why" in dialog.form.error_text("reason")
    dialog.reason_edit.setText("customer ordered elsewhere")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert column(screen.model, "Status") == ["Cancelled"]
    panel = screen.detail_panel
    assert "Cancelled: customer ordered elsewhere" in panel.note_label.text().replace(
        "<b>", "").replace("</b>", "")
    assert column(panel.lines_model, "Allocated") == ["–"]  # the stock went back
    assert not screen.cancel_button.isEnabled() and not screen.pick_list_button.isEnabled()
    assert order_detail(order_id).order.status is SoStatus.CANCELLED
    assert any("customer ordered elsewhere" in e.summary for e in recent_entries())


def test_a_backorder_shows_why_and_is_allocated_when_stock_arrives(
        qtbot, wait_tasks, db, stock):  # noqa: F811
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 15)])
    screen = so_screen(qtbot, wait_tasks, db, office)
    screen.confirm_button.click()
    wait_tasks()
    text = screen.result_label.text()
    assert "10 of 15 units allocated" in text and "Atorvastatin" in text and "×5" in text
    panel = screen.detail_panel
    assert column(panel.lines_model, "Backorder") == ["5"]
    assert "5 on backorder" in panel.counts_label.text()
    assert screen.allocate_button.isEnabled()
    assert not screen.why_button.isEnabled()  # no line selected yet
    panel.lines_table.selectRow(0)
    assert screen.why_button.isEnabled()
    screen.why_button.click()
    wait_tasks()
    dialog = screen.dialog
    assert isinstance(dialog, AvailabilityDialog)
    why = dialog.text
    assert "5 on backorder" in why and "On hand: 15" in why
    assert "Free for this order now: <b>0</b>" in why
    assert "Reserved for this order" in why and "<b>10</b>" in why
    assert "other orders" not in why  # its own units are not someone else's
    assert "Quarantined" in why and "Expired" in why
    dialog.close()

    add_opening_stock(stock[Role.ADMIN], GTIN, "NEW", TODAY + timedelta(days=500), "B-01",
                      serials=[f"N{i:04d}" for i in range(6)])
    screen.allocate_button.click()
    wait_tasks()
    assert "15 of 15 units allocated" in screen.result_label.text()
    assert column(panel.lines_model, "Backorder") == ["–"]
    assert not screen.allocate_button.isEnabled()

    screen.release_button.click()
    wait_tasks()
    assert column(screen.model, "Status") == ["Confirmed"]
    assert column(panel.lines_model, "Allocated") == ["–"]
    assert order_detail(order_id).order.status is SoStatus.CONFIRMED


def test_pick_list_pdf(qtbot, wait_tasks, db, stock, tmp_path, monkeypatch):  # noqa: F811
    from desktop import print_preview

    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 7)],
                                  customer_po="MS-881")
    screen = so_screen(qtbot, wait_tasks, db, office)
    assert not screen.pick_list_button.isEnabled()  # a draft reserves nothing
    sales.confirm_order(office, order_id)
    screen.refresh()
    wait_tasks()
    dialog = open_pdf(screen, wait_tasks, screen.pick_list_button)
    number = f"SO-{order_id:06d}"
    assert dialog.windowTitle() == f"Pick list {number}" and dialog.pages == 1
    text = pdf_text(dialog.path)
    assert "Pick List" in text and number in text and "MS-881" in text
    assert "SOON" in text and "LATE" in text and "A-01" in text and "A-02" in text
    target = tmp_path / "pick"
    monkeypatch.setattr(print_preview.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF documents (*.pdf)"))
    dialog.save_button.click()
    assert (tmp_path / "pick.pdf").exists()


@pytest.fixture
def shipped(stock):  # noqa: F811
    """Seven atorvastatin ordered, five shipped in two cartons (the LATE lot was released
    before packing, so two went to a backorder)."""
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 5)],
                                  customer_po="MS-881")
    sales.confirm_order(office, order_id)
    shipment_id = shipping.auto_pack(lead, order_id, per_carton=3)
    shipping.ship(lead, shipment_id)
    return order_id, shipment_id


def test_documents_of_a_shipped_order(qtbot, wait_tasks, db, stock, shipped,  # noqa: F811
                                      tmp_path, monkeypatch):
    order_id, shipment_id = shipped
    shipment = f"SH-{shipment_id:06d}"
    screen = so_screen(qtbot, wait_tasks, db, stock[Role.OFFICE])
    assert screen.selected().id == order_id
    panel = screen.detail_panel
    assert panel.shipments_box.isVisible()
    assert column(panel.shipments_model, "Shipment") == [shipment]
    assert column(panel.shipments_model, "Status") == ["Shipped"]
    assert column(panel.shipments_model, "Cartons") == ["2"]
    assert column(panel.shipments_model, "Units") == ["5"]
    assert column(panel.lines_model, "Shipped") == ["5"]
    assert not screen.cancel_button.isEnabled() and not screen.pick_list_button.isEnabled()

    slip = open_pdf(screen, wait_tasks, screen.slip_button)
    text = pdf_text(slip.path)
    assert "Packing Slip" in text and shipment in text and "SOON" in text
    labels = open_pdf(screen, wait_tasks, screen.labels_button)
    assert labels.pages == 2  # one label per carton
    assert "(00)" in pdf_text(labels.path)
    t3 = open_pdf(screen, wait_tasks, screen.t3_button)
    text = pdf_text(t3.path)
    assert shipment in text and "Transaction" in text and "SOON" in text

    target = tmp_path / "for-customer"
    monkeypatch.setattr(sales_orders.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "EPCIS documents (*.xml)"))
    screen.epcis_button.click()
    wait_tasks()
    saved = tmp_path / "for-customer.xml"
    assert screen.exported_to == saved and saved.exists()
    assert not (tmp_path / "for-customer.xml.part").exists()
    data = saved.read_bytes()
    assert b"EPCISDocument" in data and shipment.encode() in data
    boxes = message_boxes()
    assert [b.windowTitle() for b in boxes] == ["EPCIS file saved"]
    assert "5 packages in 2 cartons" in boxes[0].text()
    assert any("export_epcis" == e.action for e in recent_entries())


def test_search_filter_and_who_sees_the_screen(qtbot, wait_tasks, db, stock):  # noqa: F811
    office = stock[Role.OFFICE]
    main = customer(stock)
    oak = customer(stock, "Oak Clinic Pharmacy", gln="0614141000043")
    first = sales.create_order(office, main, [SoLineInput(GTIN, 1)], customer_po="MS-881")
    sales.create_order(office, oak, [SoLineInput(BULK_GTIN, 2)])
    sales.confirm_order(office, first)
    screen = so_screen(qtbot, wait_tasks, db, office)
    assert column(screen.model, "Customer") == ["Oak Clinic Pharmacy", "Main Street Pharmacy"]
    screen.search_edit.setText("ms-88")
    screen.search_edit.flush()
    wait_tasks()
    assert column(screen.model, "Customer") == ["Main Street Pharmacy"]
    assert screen.count_label.text() == "1 order found"
    screen.search_edit.clear()
    screen.search_edit.flush()
    screen.status_combo.setCurrentIndex(screen.status_combo.findData(SoStatus.DRAFT.value))
    wait_tasks()
    assert column(screen.model, "Customer") == ["Oak Clinic Pharmacy"]

    window = MainWindow(Session(db.target.url, db.target, actor=stock[Role.WAREHOUSE]))
    qtbot.addWidget(window)
    assert "Sales orders" not in window.screen_titles()
    titles = so_screen(qtbot, wait_tasks, db, office).window().screen_titles()
    assert titles.index("Sales orders") == titles.index("Purchase orders") + 1


def test_screenshot_with_a_few_orders(qtbot, wait_tasks, db, stock, tmp_path):  # noqa: F811
    """The screen and the new-order dialog at 1280x800 (a common laptop screen).
    RXDESK_SCREENSHOTS=1 saves docs/screenshots/sales-orders.png."""
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    main = customer(stock, min_shelf_life_days=30)
    oak = customer(stock, "Oak Clinic Pharmacy", gln="0614141000043")
    lapsed = blocked_customer(stock)
    sales.set_customer_price(stock[Role.OWNER], main, BULK_GTIN, "1.25")
    shipped_id = sales.create_order(office, oak, [SoLineInput(GTIN, 2)], customer_po="OC-17")
    sales.confirm_order(office, shipped_id)
    shipping.ship(lead, shipping.auto_pack(lead, shipped_id))
    cancelled = sales.create_order(office, main, [SoLineInput(BULK_GTIN, 10)])
    sales.cancel_order(office, cancelled, "ordered twice")
    sales.create_order(office, lapsed, [SoLineInput(GTIN, 3)])
    shown = sales.create_order(office, main, [SoLineInput(GTIN, 12),
                                              SoLineInput(BULK_GTIN, 24)],
                               customer_po="MS-881", note="Deliver before noon.")
    sales.confirm_order(office, shown)
    screen = so_screen(qtbot, wait_tasks, db, office, QSize(1280, 800))
    window = screen.window()
    screen.table.select_where(lambda r: r.id == shown)
    wait_tasks()
    screen.detail_panel.lines_table.selectRow(0)
    qtbot.wait(50)
    assert screen.detail_panel.lines_model.rowCount() == 2
    screen.new_button.click()
    wait_tasks()
    dialog = screen.dialog
    dialog.choose_customer(main)
    wait_tasks()
    find_and_add(dialog, wait_tasks, "12345-678-90", 12)
    find_and_add(dialog, wait_tasks, "water", 24, "1.25")
    dialog.customer_po_edit.setText("MS-902")
    dialog.product_search.setText("12345")
    dialog.product_search.flush()
    wait_tasks()
    out_dir = ROOT / "docs" / "screenshots" if os.environ.get("RXDESK_SCREENSHOTS") \
        else tmp_path
    assert dialog.grab().save(str(tmp_path / "new-sales-order-dialog.png"))
    dialog.reject()
    image = window.grab()
    assert (image.width(), image.height()) == (1280, 800)
    assert image.save(str(out_dir / "sales-orders.png"))
    screen.table.select_where(lambda r: r.id == shipped_id)
    wait_tasks()
    assert screen.detail_panel.shipments_box.isVisible()
    assert window.grab().save(str(tmp_path / "sales-orders-shipped.png"))


def test_credit_hold_is_overridden_only_with_permission_and_a_reason(
        qtbot, wait_tasks, db, stock):  # noqa: F811
    from core.models import Partner

    from tests.desktop.conftest import find_button

    office = stock[Role.OFFICE]
    main = customer(stock)
    Partner.update(credit_limit=Decimal("50.00")).where(Partner.id == main).execute()
    order_id = sales.create_order(office, main, [SoLineInput(GTIN, 3)])
    screen = so_screen(qtbot, wait_tasks, db, office)
    screen.confirm_button.click()
    wait_tasks()
    (box,) = message_boxes()
    assert box.windowTitle() == "Credit hold" and "over the credit limit of 50.00" in box.text()
    assert [b.text() for b in box.buttons()] == ["OK"]  # office may not override
    box.close()
    assert order_detail(order_id).order.status is SoStatus.DRAFT

    screen = so_screen(qtbot, wait_tasks, db, stock[Role.OWNER])
    screen.confirm_button.click()
    wait_tasks()
    box = next(b for b in message_boxes() if b.parent() is screen)
    find_button(box, "Confirm anyway…").click()
    dialog = screen.dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.reason_edit.setText("payment promised by phone")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert column(screen.model, "Status") == ["Allocated"]
    assert any("credit hold overridden" in e.summary and "payment promised" in e.summary
               for e in recent_entries())
