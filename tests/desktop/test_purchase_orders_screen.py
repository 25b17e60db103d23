"""Purchase orders on their screen: a new draft through the dialog, confirming it (and
being refused for an unauthorized supplier), cancelling with a reason, and the PDF for
the supplier."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QSize

from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.purchasing import list_pos, po_detail
from core.services import purchasing
from core.services.purchasing import PoLineInput
from core.vocab import PoStatus
from desktop import print_preview
from desktop.main_window import MainWindow
from desktop.print_preview import PdfDocumentDialog
from desktop.purchase_order_dialogs import NewPurchaseOrderDialog, ReasonDialog
from desktop.screens.purchase_orders import PurchaseOrdersScreen
from desktop.session import Session
from tests.core.conftest import warehouse  # noqa: F401 (fixture)
from tests.desktop.conftest import message_boxes
from tests.purchase_orders_data import add_authorized_supplier, add_blocked_supplier, add_catalog

GTIN = "00312345678906"
WATER_GTIN = "00312345111113"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def suppliers(actors):
    add_catalog(actors[Role.ADMIN])
    office = actors[Role.OFFICE]
    return add_authorized_supplier(office), add_blocked_supplier(office)


def po_screen(qtbot, wait_tasks, db, actor, size: QSize | None = None) -> PurchaseOrdersScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    if size is not None:
        window.resize(size)
    window.show()
    window.show_screen(window.screen_titles().index("Purchase orders"))
    wait_tasks()
    return window.screen(PurchaseOrdersScreen)


def column(screen, title: str) -> list[str]:
    model = screen.model
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def find_and_add(dialog, wait_tasks, text: str, quantity: int, cost: str | None = None):
    dialog.product_search.setText(text)
    dialog.product_search.flush()
    wait_tasks()
    if dialog.matches_model.rowCount() and dialog.chosen_product() is None:
        dialog.matches_table.selectRow(0)
    dialog.quantity_spin.setValue(quantity)
    if cost is not None:
        dialog.cost_edit.setText(cost)
    dialog.add_button.click()


def test_create_a_po_in_the_dialog_then_confirm_it(qtbot, wait_tasks, db, actors, suppliers):
    authorized, _blocked = suppliers
    screen = po_screen(qtbot, wait_tasks, db, actors[Role.OFFICE])
    assert screen.count_label.text() == "0 orders"
    screen.new_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, NewPurchaseOrderDialog)
    wait_tasks()
    # Only suppliers, the blocked one marked.
    names = [dialog.supplier_combo.itemText(i) for i in range(dialog.supplier_combo.count())]
    assert names == ["Gray Market LLC  (blocked)", "Pharmaco Labs Inc."]

    dialog.ok_button.click()
    assert "Choose the supplier" in dialog.field_error("supplier")
    dialog.choose_supplier(authorized)
    dialog.ok_button.click()
    assert "Add at least one line" in dialog.field_error("lines")

    dialog.add_button.click()  # nothing picked yet
    assert "Find the product" in dialog.field_error("product")
    find_and_add(dialog, wait_tasks, "12345-678-90", 10)
    assert dialog.lines_model.rowCount() == 1
    assert dialog.lines_model.rows[0].unit_cost == dialog.lines_model.total / 10  # std cost
    assert str(dialog.lines_model.total) == "122.50"
    find_and_add(dialog, wait_tasks, "sterile water", 100, "0.855")
    assert "fractions of a cent" in dialog.field_error("unit_cost")
    dialog.cost_edit.setText("0.85")
    dialog.add_button.click()
    find_and_add(dialog, wait_tasks, GTIN, 5)
    assert "already line 1" in dialog.field_error("product")
    assert dialog.lines_model.rowCount() == 2
    assert "Total $207.50" in dialog.total_label.text()

    dialog.expected_edit.setText("next Tuesday")
    dialog.ok_button.click()
    wait_tasks()
    assert "YYYY-MM-DD" in dialog.field_error("expected_on")
    assert list_pos() == []
    dialog.expected_edit.setText("2026-12-05")
    dialog.note_edit.setText("Dock 2")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()

    (row,) = list_pos()
    assert column(screen, "Number") == [row.number]
    assert column(screen, "Status") == ["Draft"]
    assert column(screen, "Total") == ["$207.50"]
    assert screen.selected().id == row.id
    panel = screen.detail_panel
    assert panel.lines_model.rowCount() == 2
    assert "Total $207.50" in panel.total_label.text()
    assert "Expected 2026-12-05" in panel.facts_label.text()
    assert screen.confirm_button.isEnabled() and not screen.close_button.isEnabled()

    screen.confirm_button.click()
    wait_tasks()
    assert column(screen, "Status") == ["Confirmed"]
    assert panel.status_badge.text() == "Confirmed"
    assert "Confirmed" in panel.facts_label.text() and "by office" in panel.facts_label.text()
    assert not screen.confirm_button.isEnabled()
    assert po_detail(row.id).order.status is PoStatus.CONFIRMED


def test_a_blocked_supplier_is_refused_with_its_reasons(qtbot, wait_tasks, db, actors,
                                                        suppliers):
    _authorized, blocked = suppliers
    office = actors[Role.OFFICE]
    po_id = purchasing.create_po(office, blocked, [PoLineInput(GTIN, 3, "12.25")])
    screen = po_screen(qtbot, wait_tasks, db, office)
    screen.confirm_button.click()
    wait_tasks()
    boxes = message_boxes()
    assert [b.windowTitle() for b in boxes] == ["Supplier not authorized"]
    text = boxes[0].text()
    assert "was not confirmed" in text and "Gray Market LLC" in text
    assert "TX license TX-1 expired 2020-10-31" in text
    boxes[0].close()
    assert column(screen, "Status") == ["Draft"]
    assert po_detail(po_id).order.status is PoStatus.DRAFT


def test_cancel_asks_for_a_reason(qtbot, wait_tasks, db, actors, suppliers):
    authorized, _blocked = suppliers
    office = actors[Role.OFFICE]
    po_id = purchasing.create_po(office, authorized, [PoLineInput(GTIN, 3, "12.25")])
    screen = po_screen(qtbot, wait_tasks, db, office)
    screen.cancel_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, ReasonDialog)
    dialog.ok_button.click()
    assert "Say why" in dialog.form.error_text("reason")
    assert dialog.isVisible()
    dialog.reason_edit.setText("supplier out of stock")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert column(screen, "Status") == ["Cancelled"]
    assert not screen.cancel_button.isEnabled() and not screen.confirm_button.isEnabled()
    assert po_detail(po_id).order.status is PoStatus.CANCELLED
    assert any("supplier out of stock" in e.summary for e in recent_entries())


def test_print_saves_the_pdf_for_the_supplier(qtbot, wait_tasks, db, actors, suppliers,
                                              tmp_path, monkeypatch):
    authorized, _blocked = suppliers
    po_id = purchasing.create_po(actors[Role.OFFICE], authorized,
                                 [PoLineInput(GTIN, 3, "12.25")])
    number = f"PO-{po_id:06d}"
    screen = po_screen(qtbot, wait_tasks, db, actors[Role.OWNER])
    screen.print_button.click()
    wait_tasks()
    dialog = screen.dialog
    assert isinstance(dialog, PdfDocumentDialog)
    assert dialog.pages == 1 and dialog.path.exists()
    target = tmp_path / "to-supplier"
    monkeypatch.setattr(print_preview.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(target), "PDF documents (*.pdf)"))
    dialog.save_button.click()
    saved = tmp_path / "to-supplier.pdf"
    assert dialog.saved_to == saved and saved.exists()
    assert f"Saved to {saved}" in dialog.status_label.text()
    text = subprocess.run(["pdftotext", str(saved), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert number in text and "$36.75" in text and "DRAFT" in text
    opened = []
    monkeypatch.setattr(print_preview.QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    dialog.open_button.click()
    assert opened == [str(dialog.path)]


def test_search_filter_and_who_sees_the_screen(qtbot, wait_tasks, db, actors, suppliers):
    authorized, blocked = suppliers
    office = actors[Role.OFFICE]
    first = purchasing.create_po(office, authorized, [PoLineInput(GTIN, 1, "1")])
    purchasing.create_po(office, blocked, [PoLineInput(WATER_GTIN, 2, "1")])
    purchasing.confirm_po(office, first)
    screen = po_screen(qtbot, wait_tasks, db, office)
    assert column(screen, "Supplier") == ["Gray Market LLC", "Pharmaco Labs Inc."]
    screen.search_edit.setText("pharmaco")
    screen.search_edit.flush()
    wait_tasks()
    assert column(screen, "Supplier") == ["Pharmaco Labs Inc."]
    assert screen.count_label.text() == "1 order found"
    screen.search_edit.clear()
    screen.search_edit.flush()
    screen.status_combo.setCurrentIndex(screen.status_combo.findData(PoStatus.DRAFT.value))
    wait_tasks()
    assert column(screen, "Supplier") == ["Gray Market LLC"]

    window = MainWindow(Session(db.target.url, db.target, actor=actors[Role.WAREHOUSE]))
    qtbot.addWidget(window)
    assert "Purchase orders" not in window.screen_titles()


def test_screenshot_with_a_few_orders(qtbot, wait_tasks, db, actors, suppliers, tmp_path):
    """The screen and the new-order dialog at 1280x800 (a common laptop screen).
    RXDESK_SCREENSHOTS=1 saves docs/screenshots/purchase-orders.png."""
    authorized, blocked = suppliers
    office = actors[Role.OFFICE]
    lines = [PoLineInput(GTIN, 24, "12.25"), PoLineInput(WATER_GTIN, 300, "0.85"),
             PoLineInput("00300937146568", 10, "18.40"),
             PoLineInput("00350580449066", 12, "31.10")]
    confirmed = purchasing.create_po(office, authorized, lines, expected_on="2026-12-05",
                                     note="Deliver to dock 2, mornings only.")
    purchasing.confirm_po(office, confirmed)
    cancelled = purchasing.create_po(office, authorized, lines[:1])
    purchasing.cancel_po(office, cancelled, "ordered twice")
    purchasing.create_po(office, blocked, lines[1:3], expected_on="2026-12-12")
    purchasing.create_po(office, authorized, lines[:2], expected_on="2026-12-19")
    screen = po_screen(qtbot, wait_tasks, db, office, QSize(1280, 800))
    window = screen.window()
    screen.table.select_where(lambda r: r.id == confirmed)
    wait_tasks()
    qtbot.wait(50)
    assert screen.detail_panel.lines_model.rowCount() == 4
    screen.new_button.click()
    wait_tasks()
    dialog = screen.dialog
    dialog.choose_supplier(blocked)
    find_and_add(dialog, wait_tasks, "12345", 12)
    find_and_add(dialog, wait_tasks, "amox", 6)
    dialog.product_search.setText("12345")
    dialog.product_search.flush()
    wait_tasks()
    assert dialog.grab().save(str(tmp_path / "new-po-dialog.png"))
    dialog.reject()
    image = window.grab()
    assert (image.width(), image.height()) == (1280, 800)
    out = (ROOT / "docs" / "screenshots" if os.environ.get("RXDESK_SCREENSHOTS")
           else tmp_path) / "purchase-orders.png"
    assert image.save(str(out))


def test_close_a_partly_received_order(qtbot, wait_tasks, db, actors, suppliers):
    from core.models import PurchaseOrder

    authorized, _blocked = suppliers
    office = actors[Role.OFFICE]
    po_id = purchasing.create_po(office, authorized, [PoLineInput(GTIN, 10, "12.25")])
    purchasing.confirm_po(office, po_id)
    line = po_detail(po_id).lines[0]
    purchasing.record_received(PurchaseOrder.get_by_id(po_id), {line.product_id: 4})
    screen = po_screen(qtbot, wait_tasks, db, office)
    panel = screen.detail_panel
    assert [panel.lines_model.index(0, c).data() for c in (3, 4, 5)] == ["10", "4", "6"]
    assert "4 received" in panel.total_label.text()
    assert not screen.cancel_button.isEnabled() and screen.close_button.isEnabled()
    screen.close_button.click()
    dialog = screen.dialog
    dialog.ok_button.click()  # the reason is optional here
    wait_tasks()
    assert not dialog.isVisible()
    assert column(screen, "Status") == ["Closed"]
    assert po_detail(po_id).order.status is PoStatus.CLOSED


def test_enter_the_bill_of_a_received_order_from_its_row(qtbot, wait_tasks, db, warehouse,  # noqa: F811
                                                          tmp_path):
    from core.models import SupplierBill
    from tests.payables_data import received_po

    number = received_po(warehouse, tmp_path)
    window = MainWindow(Session(db.target.url, db.target, actor=warehouse[Role.OFFICE]))
    qtbot.addWidget(window)
    window.show()
    window.show_screen(window.screen_titles().index("Purchase orders"))
    wait_tasks()
    screen = window.screen(PurchaseOrdersScreen)
    row = next(r for r in range(screen.model.rowCount())
               if screen.model.row_at(r).number == number)
    screen.table.selectRow(row)
    wait_tasks()
    assert screen.bill_button.isEnabled()
    screen.bill_button.click()
    wait_tasks()
    dialog = screen.dialog
    assert dialog.po_combo.currentText().startswith(number)  # chosen already
    dialog.number_edit.setText("ACME-7001")
    dialog.ok_button.click()
    wait_tasks()
    bill = SupplierBill.get(SupplierBill.number == "ACME-7001")
    assert bill.po.number == number
