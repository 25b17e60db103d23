"""Pack station: the lead opens an order by scanning the pick list's order number, scans
packages into cartons with a wedge scanner (raw GS included), sees green and red
feedback with the reason, and ships with F9; taking a package out needs a supervisor.
The scan field has the focus after every scan, refusal, dialog and button."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from core.models import PartnerEvidence
from core.permissions import Role
from core.queries.inventory import lot_stock
from core.queries.products import product_by_gtin
from core.queries.sales import order_detail
from core.services import sales
from core.services.sales import SoLineInput
from core.vocab import SoStatus
from desktop.pack_station_dialogs import RemovePackageDialog
from desktop.print_preview import PdfDocumentDialog
from desktop.screens import pack_station
from desktop.screens.pack_station import PackStationScreen
from tests.core.conftest import GTIN, customer, stock, warehouse  # noqa: F401 (fixtures)
from tests.desktop.conftest import find_button, message_boxes
from tests.desktop.warehouse_data import element_string, open_screen, scanner_types

TODAY = date.today()


def soon(i: int) -> str:
    return element_string(GTIN, f"S{i:04d}", "SOON", TODAY + timedelta(days=100))


def late(i: int) -> str:
    return element_string(GTIN, f"L{i:04d}", "LATE", TODAY + timedelta(days=400))


def quarantined(i: int) -> str:
    return element_string(GTIN, f"Q{i:04d}", "HOLD", TODAY + timedelta(days=300))


@pytest.fixture
def order(stock):  # noqa: F811
    """Seven atorvastatin for Main Street Pharmacy (PO MS-881): allocated SOON x5 in
    A-01 and LATE x2 in A-02."""
    office = stock[Role.OFFICE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 7)],
                                  customer_po="MS-881")
    sales.confirm_order(office, order_id)
    return order_id


def number_of(order_id: int) -> str:
    return order_detail(order_id).order.number


def packed_at_station() -> int:
    product = product_by_gtin(GTIN)
    return sum(lot.quantity for lot in lot_stock(product.id)
               if lot.location == "PACK" and lot.status == "allocated")


def open_pack_station(qtbot, wait_tasks, db, actor) -> PackStationScreen:
    _window, screen = open_screen(qtbot, wait_tasks, db, actor, "Pack station")
    assert isinstance(screen, PackStationScreen)
    assert screen.scan_field.hasFocus()
    return screen


def scan(qtbot, wait_tasks, text: str) -> None:
    scanner_types(qtbot, text)
    wait_tasks()
    qtbot.wait(RELOAD_WAIT)  # the debounced reload after a scan
    wait_tasks()


RELOAD_WAIT = 200


def press(qtbot, wait_tasks, screen: PackStationScreen, key: Qt.Key) -> None:
    qtbot.keyClick(screen.scan_field, key)
    wait_tasks()


def line_counts(screen: PackStationScreen) -> list[tuple[int, int, int]]:
    """(ordered, packed, remaining) as the lines table shows them."""
    model = screen.lines_model
    return [tuple(model.index(row, col).data() for col in (2, 3, 4))
            for row in range(model.rowCount())]


def test_scan_pack_refuse_and_ship_an_order(qtbot, wait_tasks, db, stock, order):  # noqa: F811
    lead = stock[Role.WAREHOUSE]
    screen = open_pack_station(qtbot, wait_tasks, db, lead)
    number = number_of(order)
    assert [o.number for o in screen.orders.rows] == [number]
    assert screen.orders.rows[0].status is SoStatus.ALLOCATED

    scan(qtbot, wait_tasks, number)  # the Code 128 on the pick list
    assert screen.order_id == order and screen.view is not None
    assert screen.order_label.text() == f"{number} · Main Street Pharmacy"
    info = screen.order_info.text()
    assert "12 Main Street" in info and "MS-881" in info and "no shelf-life minimum" in info
    assert line_counts(screen) == [("7", "0", "7")]
    pick_from = screen.lines_model.index(0, 5).data()
    assert f"A-01 · SOON · {TODAY + timedelta(days=100):%m/%Y} × 5" in pick_from
    assert "A-02 · LATE" in pick_from
    assert screen.shipment_id is None  # looking at an order changes nothing
    assert sales_status(order) is SoStatus.ALLOCATED

    scan(qtbot, wait_tasks, soon(0))
    assert screen.feedback_tone() == "ok", screen.feedback.text()
    text = screen.feedback.text()
    assert "Packed 1 of 7" in text and "lot SOON" in text and "serial S0000" in text
    assert screen.last_sound == "ok"
    assert line_counts(screen) == [("7", "1", "6")]
    assert [(c.seq, c.units) for c in screen.cartons_model.rows] == [(1, 1)]
    assert screen.scan_field.hasFocus()
    assert packed_at_station() == 1 and sales_status(order) is SoStatus.PICKING

    scan(qtbot, wait_tasks, quarantined(0))
    assert screen.feedback_tone() == "bad"
    assert "Do not pack" in screen.feedback.text() and "quarantine" in screen.feedback.text()
    assert screen.last_sound == "error"
    assert line_counts(screen) == [("7", "1", "6")] and packed_at_station() == 1
    assert screen.log_model.rows[0].tone == "bad" and "Q0000" in screen.log_model.rows[0].text
    assert screen.scan_field.hasFocus()

    scan(qtbot, wait_tasks, soon(0))  # the same package again
    assert screen.feedback_tone() == "bad" and "already packed" in screen.feedback.text()
    scan(qtbot, wait_tasks, "0100312345678907")  # a misread: wrong check digit
    assert screen.feedback_tone() == "bad" and "check digit" in screen.feedback.text()
    assert packed_at_station() == 1 and screen.scan_field.hasFocus()

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F5)  # new carton
    assert [(c.seq, c.units) for c in screen.cartons_model.rows] == [(1, 1), (2, 0)]
    assert screen.cartons_model.current == screen.cartons_model.rows[1].sscc
    for raw in [soon(i) for i in range(1, 5)] + [late(0)]:
        scan(qtbot, wait_tasks, raw)
    assert screen.feedback_tone() == "ok" and "Packed 6 of 7" in screen.feedback.text()
    scan(qtbot, wait_tasks, late(1))
    assert "Packed 7 of 7" in screen.feedback.text() and "complete" in screen.feedback.text()
    assert line_counts(screen) == [("7", "7", "✓")]
    assert [(c.seq, c.units) for c in screen.cartons_model.rows] == [(1, 1), (2, 6)]
    assert screen.summary_label.text() == "<b>7 of 7</b> packed · complete"
    assert screen.orders.rows[0].status is SoStatus.PACKED

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F6)  # a lead may not take a package out
    assert screen.feedback_tone() == "bad" and "needs a supervisor" in screen.feedback.text()
    assert not any(isinstance(w, RemovePackageDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())
    assert screen.scan_field.hasFocus()

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F9)
    [box] = message_boxes()
    assert "7 units in 2 cartons" in box.text()
    find_button(box, "Ship").click()
    wait_tasks()
    assert screen.feedback_tone() == "ok" and "Shipped SH-" in screen.feedback.text()
    assert screen.last_ship.units == 7 and screen.last_ship.backorder_id is None
    assert sales_status(order) is SoStatus.SHIPPED
    assert screen.view.detail.order.status is SoStatus.SHIPPED
    assert screen.status_badge.text() == "Shipped"
    assert screen.orders.rows == []  # nothing left to pack
    assert screen.t3_button.isEnabled() and not screen.ship_button.isEnabled()
    assert screen.scan_field.hasFocus()

    scan(qtbot, wait_tasks, late(2))  # nothing more goes into a shipped order
    assert screen.feedback_tone() == "bad" and "shipped" in screen.feedback.text()


def sales_status(order_id: int) -> SoStatus:
    return order_detail(order_id).order.status


def test_a_supervisor_takes_a_package_out(qtbot, wait_tasks, db, stock, order):  # noqa: F811
    admin = stock[Role.ADMIN]
    screen = open_pack_station(qtbot, wait_tasks, db, admin)
    screen.order_list.setCurrentIndex(screen.orders.index(0, 0))  # or choose it in the list
    wait_tasks()
    assert screen.order_id == order and screen.scan_field.hasFocus()
    scan(qtbot, wait_tasks, soon(0))
    scan(qtbot, wait_tasks, soon(1))
    assert line_counts(screen) == [("7", "2", "5")]

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F6)
    dialog = screen.dialog
    assert isinstance(dialog, RemovePackageDialog) and dialog.isVisible()
    qtbot.waitUntil(dialog.scan_edit.hasFocus)
    scanner_types(qtbot, soon(1))  # the package; Enter moves on to the reason
    wait_tasks()
    assert dialog.isVisible() and dialog.reason_combo.hasFocus()
    assert dialog.form.errors["reason"].text() == ""
    dialog.ok_button.click()  # no reason yet
    assert dialog.isVisible() and "Say why" in dialog.form.errors["reason"].text()
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), "crushed box")
    dialog.ok_button.click()
    wait_tasks()
    qtbot.wait(RELOAD_WAIT)
    wait_tasks()
    assert not dialog.isVisible()
    assert screen.feedback_tone() == "info" and "serial S0001" in screen.feedback.text()
    assert line_counts(screen) == [("7", "1", "6")]
    assert packed_at_station() == 1
    assert screen.scan_field.hasFocus()

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F6)
    dialog = screen.dialog
    qtbot.waitUntil(dialog.scan_edit.hasFocus)
    scanner_types(qtbot, late(4))  # never packed
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), "damaged")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible() and "not packed in SH-" in dialog.form.errors["scan"].text()
    dialog.reject()
    qtbot.waitUntil(screen.scan_field.hasFocus, timeout=2000)


def test_a_customer_who_lost_authorization_is_not_shipped(qtbot, wait_tasks, db, stock,  # noqa: F811
                                                         order):
    lead = stock[Role.WAREHOUSE]
    screen = open_pack_station(qtbot, wait_tasks, db, lead)
    scan(qtbot, wait_tasks, number_of(order))
    scan(qtbot, wait_tasks, soon(0))
    assert screen.feedback_tone() == "ok"
    PartnerEvidence.update(expiry=TODAY - timedelta(days=1)).execute()  # license lapsed

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F9)
    [box] = message_boxes()
    find_button(box, "Ship").click()
    wait_tasks()
    assert screen.feedback_tone() == "bad"
    assert "not an authorized trading partner" in screen.feedback.text()
    assert sales_status(order) is SoStatus.PICKING and packed_at_station() == 1

    scan(qtbot, wait_tasks, number_of(order))  # opened again: refused before any scan
    assert screen.blocked_label.isVisible() and "NJ license" in screen.blocked_label.text()
    scan(qtbot, wait_tasks, soon(1))
    assert screen.feedback_tone() == "bad" and packed_at_station() == 1
    assert screen.scan_field.hasFocus()


def test_unknown_order_number_and_documents(qtbot, wait_tasks, db, stock, order,  # noqa: F811
                                             tmp_path, monkeypatch):
    lead = stock[Role.WAREHOUSE]
    screen = open_pack_station(qtbot, wait_tasks, db, lead)
    scan(qtbot, wait_tasks, soon(0))  # no order open yet
    assert screen.feedback_tone() == "bad" and "Open the order first" in \
        screen.feedback.text()
    scan(qtbot, wait_tasks, "]C0SO-999999")
    assert screen.feedback_tone() == "bad" and "No order SO-999999" in screen.feedback.text()
    assert screen.order_id is None

    scan(qtbot, wait_tasks, number_of(order))
    press(qtbot, wait_tasks, screen, Qt.Key.Key_F2)
    dialog = screen.dialog
    assert isinstance(dialog, PdfDocumentDialog) and dialog.pages == 1
    assert dialog.file_name == f"pick-list-{number_of(order)}.pdf"
    dialog.reject()
    qtbot.waitUntil(screen.scan_field.hasFocus, timeout=2000)

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F3)  # no cartons yet
    assert screen.feedback_tone() == "bad" and "no cartons yet" in screen.feedback.text()
    scan(qtbot, wait_tasks, soon(0))
    press(qtbot, wait_tasks, screen, Qt.Key.Key_F5)
    scan(qtbot, wait_tasks, soon(1))
    press(qtbot, wait_tasks, screen, Qt.Key.Key_F3)
    assert isinstance(screen.dialog, PdfDocumentDialog) and screen.dialog.pages == 2
    screen.dialog.reject()
    qtbot.waitUntil(screen.scan_field.hasFocus, timeout=2000)
    zpl = tmp_path / "zebra"  # the .zpl is added
    monkeypatch.setattr(pack_station.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(zpl), "ZPL labels (*.zpl)"))
    screen.zpl_button.click()
    wait_tasks()
    labels = (tmp_path / "zebra.zpl").read_text(encoding="ascii")
    assert labels.count("^XA") == 2 and "Labels saved" in screen.feedback.text()
    press(qtbot, wait_tasks, screen, Qt.Key.Key_F7)  # the T3 waits for the shipment
    assert screen.feedback_tone() == "bad" and "once the shipment has shipped" in \
        screen.feedback.text()

    press(qtbot, wait_tasks, screen, Qt.Key.Key_F9)
    [box] = message_boxes()
    assert "5 units not packed" in box.text() and "backorder" in box.text()
    find_button(box, "Ship").click()
    wait_tasks()
    assert screen.last_ship.backorder_id is not None
    assert "backorder SO-" in screen.feedback.text()
    for key, name in ((Qt.Key.Key_F4, "packing-slip"), (Qt.Key.Key_F7, "T3")):
        press(qtbot, wait_tasks, screen, key)
        dialog = screen.dialog
        assert isinstance(dialog, PdfDocumentDialog) and dialog.pages >= 1
        assert dialog.file_name == f"{name}-{screen.last_ship.number}.pdf"
        dialog.reject()
        qtbot.waitUntil(screen.scan_field.hasFocus, timeout=2000)
    # The backorder is waiting to be packed.
    assert [o.id for o in screen.orders.rows] == [screen.last_ship.backorder_id]


def test_page_keys_choose_the_order_without_the_mouse(qtbot, wait_tasks, db, stock,  # noqa: F811
                                                      order):
    office = stock[Role.OFFICE]
    second = sales.create_order(office, order_detail(order).order.customer_id,
                                [SoLineInput(GTIN, 1)])
    sales.confirm_order(office, second)
    screen = open_pack_station(qtbot, wait_tasks, db, stock[Role.WAREHOUSE])
    assert len(screen.orders.rows) == 2 and screen.order_id is None
    press(qtbot, wait_tasks, screen, Qt.Key.Key_PageDown)
    first = screen.orders.rows[0].id
    assert screen.order_id == first and screen.scan_field.hasFocus()
    press(qtbot, wait_tasks, screen, Qt.Key.Key_PageDown)
    assert screen.order_id == screen.orders.rows[1].id
    press(qtbot, wait_tasks, screen, Qt.Key.Key_PageDown)  # stays on the last
    assert screen.order_id == screen.orders.rows[1].id
    press(qtbot, wait_tasks, screen, Qt.Key.Key_PageUp)
    assert screen.order_id == first and screen.scan_field.hasFocus()
