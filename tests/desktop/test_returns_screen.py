"""Customer returns screen: the lead chooses the customer and scans the returned
packages with a wedge scanner; each scan is verified at once (green with the product,
lot, shipment and price, or red with the reason and not added), then Receive return
(F9) puts them back in their bins or in quarantine and credits the customer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from core.models import CreditMemo, CustomerReturn, Package
from core.permissions import Role
from desktop.screens.returns import TO_QUARANTINE, LinesModel, ReturnsScreen
from tests.core.conftest import GTIN, customer, on_hand, stock, warehouse  # noqa: F401
from tests.core.test_invoicing import shipped
from tests.core.test_returns import shipped_serials
from tests.desktop.conftest import find_button, message_boxes
from tests.desktop.warehouse_data import element_string, open_screen, scanner_types

SOON_EXPIRY = date.today() + timedelta(days=100)  # lot SOON of the stock fixture, bin A-01


def label(serial: str, lot: str = "SOON", expiry: date = SOON_EXPIRY) -> str:
    """The returned package's 2D barcode as the scanner types it."""
    return element_string(GTIN, serial, lot, expiry)


@pytest.fixture
def sold(stock):  # noqa: F811
    """Three atorvastatin shipped and invoiced to Main Street Pharmacy at 41.50 (from
    lot SOON in A-01): (customer id, the shipment, its serials)."""
    pid, result = shipped(stock, 3)
    return pid, result, shipped_serials(result.shipment_id)


def open_returns(qtbot, wait_tasks, db, actor, customer_id: int) -> ReturnsScreen:
    _window, screen = open_screen(qtbot, wait_tasks, db, actor, "Customer returns")
    assert isinstance(screen, ReturnsScreen)
    assert screen.scan_field.hasFocus()
    assert screen.choose_customer(customer_id)
    return screen


def scan(wait_tasks, qtbot, text: str) -> None:
    scanner_types(qtbot, text)
    wait_tasks()


def lines(screen: ReturnsScreen) -> list[tuple[str, ...]]:
    """(serial, lot, shipment, back to, credit) as the table shows them."""
    model = screen.lines_model
    return [tuple(model.index(row, col).data()
                  for col in (LinesModel.SERIAL, LinesModel.LOT, LinesModel.SHIPMENT,
                              LinesModel.BACK_TO, LinesModel.CREDIT))
            for row in range(model.rowCount())]


def receive(qtbot, wait_tasks, screen: ReturnsScreen, reason: str) -> str:
    """Type the reason, press F9 and confirm; the confirmation's text."""
    qtbot.keyClicks(screen.reason_combo.lineEdit(), reason)
    screen.refocus()
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F9)
    [box] = message_boxes()
    text = box.text()
    find_button(box, "Receive").click()
    wait_tasks()
    return text


def test_scanned_packages_go_back_to_their_bin_and_are_credited(qtbot, wait_tasks, db,
                                                                 stock, sold):  # noqa: F811
    pid, result, serials = sold
    screen = open_returns(qtbot, wait_tasks, db, stock[Role.WAREHOUSE], pid)
    before = on_hand("A-01")

    scan(wait_tasks, qtbot, label(serials[0]))
    assert screen.feedback_tone() == "ok", screen.feedback.text()
    text = screen.feedback.text()
    assert "Accepted 1 package" in text and "Atorvastatin" in text and "lot SOON" in text
    assert f"shipped on {result.number} from A-01" in text and "$41.50" in text
    assert screen.last_sound == "ok" and screen.scan_field.hasFocus()
    scan(wait_tasks, qtbot, label(serials[1]))
    scan(wait_tasks, qtbot, label(serials[1]))  # the same package again
    assert screen.feedback_tone() == "bad" and "scanned twice" in screen.feedback.text()
    assert lines(screen) == [(s, "SOON", result.number, "A-01", "$41.50") for s in serials[:2]]
    assert "credit <b>$83.00</b> on " + result.invoice in screen.summary_label.text()

    scan(wait_tasks, qtbot, label(serials[2]))
    screen.lines_table.selectRow(2)
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F6)  # take the third off again
    assert [line[0] for line in lines(screen)] == serials[:2]
    assert not screen.customer_combo.isEnabled()  # one customer per return

    asked = receive(qtbot, wait_tasks, screen, "ordered too many")
    assert "2 packages from Main Street Pharmacy" in asked and "$83.00" in asked
    assert screen.feedback_tone() == "ok", screen.feedback.text()
    done = screen.last_result
    assert f"Received {done.number}" in screen.feedback.text()
    assert f"Credit memo {done.credit_memo} for $83.00" in screen.feedback.text()
    assert on_hand("A-01") == before + 2
    assert {p.status for p in Package.select().where(Package.serial.in_(serials[:2]))} == {
        "saleable"}
    memo = CreditMemo.get(CreditMemo.number == done.credit_memo)
    assert (memo.amount, memo.invoice.number) == (Decimal("83.00"), result.invoice)
    assert CustomerReturn.get_by_id(done.return_id).reason == "ordered too many"
    assert screen.lines_model.rows == [] and screen.reason() == ""
    assert screen.customer_combo.isEnabled() and screen.scan_field.hasFocus()

    [row] = screen.returns_model.rows  # the Recent returns tab
    assert (row.number, row.customer, row.shipment, row.packages, row.credit_memo,
            row.credit) == (done.number, "Main Street Pharmacy", result.number, 2,
                            done.credit_memo, Decimal("83.00"))
    assert [(r.serial, r.to_location) for r in screen.return_lines_model.rows] == [
        (s, "A-01") for s in serials[:2]]


def test_a_package_shipped_to_another_customer_is_refused_in_red(qtbot, wait_tasks, db,
                                                                 stock, sold):  # noqa: F811
    _pid, _result, serials = sold
    elm = customer(stock, "Elm Pharmacy", "0614141000036")
    screen = open_returns(qtbot, wait_tasks, db, stock[Role.WAREHOUSE], elm)
    scan(wait_tasks, qtbot, label(serials[0]))
    assert screen.feedback_tone() == "bad" and screen.last_sound == "error"
    text = screen.feedback.text()
    assert "Return refused" in text and "was not shipped to Elm Pharmacy" in text
    assert "suspect product" in text
    assert screen.lines_model.rows == []
    [refused] = screen.refused_model.rows
    assert serials[0] in refused.scan and "not shipped to Elm" in refused.why
    assert not screen.receive_button.isEnabled() and screen.scan_field.hasFocus()
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F9)
    assert message_boxes() == [] and CustomerReturn.select().count() == 0


def test_a_package_labelled_with_another_lot_is_refused(qtbot, wait_tasks, db,
                                                        stock, sold):  # noqa: F811
    pid, _result, serials = sold
    screen = open_returns(qtbot, wait_tasks, db, stock[Role.WAREHOUSE], pid)
    scan(wait_tasks, qtbot, label(serials[0], lot="LATE"))
    assert screen.feedback_tone() == "bad"
    assert "labelled lot LATE" in screen.feedback.text()
    assert "we shipped it as lot SOON" in screen.feedback.text()
    assert screen.lines_model.rows == [] and len(screen.refused_model.rows) == 1
    scan(wait_tasks, qtbot, label(serials[0]))  # its true label is fine
    assert screen.feedback_tone() == "ok" and len(screen.lines_model.rows) == 1


def test_quarantine_before_invoicing_gives_no_credit(qtbot, wait_tasks, db,
                                                     stock):  # noqa: F811
    pid, result = shipped(stock, 2, invoice_on_ship=False)
    serials = shipped_serials(result.shipment_id)
    screen = open_returns(qtbot, wait_tasks, db, stock[Role.OFFICE], pid)
    scan(wait_tasks, qtbot, label(serials[0]))
    assert lines(screen) == [(serials[0], "SOON", result.number, "A-01", "not invoiced")]
    assert "not invoiced yet" in screen.summary_label.text()
    screen.quarantine_radio.click()
    assert screen.disposition() == TO_QUARANTINE and screen.scan_field.hasFocus()
    assert lines(screen)[0][3] == "Quarantine"

    asked = receive(qtbot, wait_tasks, screen, "crushed carton")
    assert "in quarantine for inspection" in asked and "no credit memo" in asked
    assert screen.feedback_tone() == "ok", screen.feedback.text()
    assert "Not invoiced yet" in screen.feedback.text()
    assert screen.last_result.credit_memo is None
    assert Package.get(Package.serial == serials[0]).status == "quarantined"
    assert on_hand("QUARANTINE", "quarantined") == 4  # 3 from the fixture and this one
    assert screen.returns_model.rows[0].credit_memo is None


def test_the_reason_is_required(qtbot, wait_tasks, db, stock, sold):  # noqa: F811
    pid, _result, serials = sold
    screen = open_returns(qtbot, wait_tasks, db, stock[Role.WAREHOUSE], pid)
    scan(wait_tasks, qtbot, label(serials[0]))
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_F9)
    assert message_boxes() == []  # nothing to confirm yet
    assert screen.feedback_tone() == "bad" and "Say why" in screen.feedback.text()
    assert screen.reason_combo.property("invalid") is True and screen.reason_combo.hasFocus()
    assert CustomerReturn.select().count() == 0 and len(screen.lines_model.rows) == 1

    scan(wait_tasks, qtbot, label(serials[1]))  # a scan still lands in the scan field
    assert len(screen.lines_model.rows) == 2
    receive(qtbot, wait_tasks, screen, "wrong strength")
    assert screen.feedback_tone() == "ok" and CustomerReturn.select().count() == 1


def test_no_customer_no_scan(qtbot, wait_tasks, db, stock, sold):  # noqa: F811
    _pid, _result, serials = sold
    _window, screen = open_screen(qtbot, wait_tasks, db, stock[Role.WAREHOUSE],
                                  "Customer returns")
    scan(wait_tasks, qtbot, label(serials[0]))
    assert screen.feedback_tone() == "bad"
    assert "Choose the customer first" in screen.feedback.text()
    assert screen.lines_model.rows == []
