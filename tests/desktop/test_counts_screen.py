"""Cycle counts: start, scan, see variances, approve; the missing package is written off."""

from __future__ import annotations

from core.permissions import Role
from core.queries.lookup import lookup_scan
from core.scanning import Scan
from desktop.screens.counts import CountsScreen
from core.models import AuditEntry
from desktop.stock_dialogs import ApproveCountDialog, CancelCountDialog
from tests.desktop.warehouse_data import (  # noqa: F401 (fixtures)
    BULK_GTIN, GTIN, LATER, PAST, element_string, open_screen, scanner_types, stocked,
    warehouse,
)


def variance_kinds(screen: CountsScreen) -> list[tuple[str, str]]:
    return [(line.kind, line.serial or line.lot) for line in screen.variance_model.rows]


def start_bin_count(qtbot, wait_tasks, screen: CountsScreen, code: str) -> None:
    screen.start_bin_combo.setEditText(code)
    screen.start_button.click()
    wait_tasks()
    assert screen.sheet is not None and screen.sheet.location == code


def test_count_a_bin_and_approve(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.ADMIN], "Cycle counts")
    assert isinstance(screen, CountsScreen)
    start_bin_count(qtbot, wait_tasks, screen, "A-01")
    assert "Do not move stock in A-01" in screen.freeze_label.text()
    assert variance_kinds(screen) == [("Missing", "S001"), ("Missing", "S002"),
                                      ("Missing", "S003")]

    screen.scan_field.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S001", "ATV1", LATER))
    wait_tasks()
    screen.sheet_table.setFocus()  # a scan anywhere on the screen counts
    scanner_types(qtbot, element_string(GTIN, "S002", "ATV1", LATER))
    wait_tasks()
    scanner_types(qtbot, element_string(GTIN, "X999", "ATV1", LATER))
    wait_tasks()
    assert screen.messages_text()[:3] == [
        "Serial X999 is not in RxDesk: set the package aside for investigation.",
        "Serial S002 counted.", "Serial S001 counted."]
    assert variance_kinds(screen)[0] == ("Missing", "S003")
    assert [k for k, _ in variance_kinds(screen)] == ["Missing", "Exception"]
    assert "1 missing, 1 exception" in screen.summary_label.text()

    scanner_types(qtbot, element_string(GTIN, "S002", "ATV1", LATER))  # twice
    wait_tasks()
    assert "already counted" in screen.messages_text()[0]

    screen.approve_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, ApproveCountDialog)
    dialog.note_edit.setText("Monthly count of A-01")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert "1 missing written off" in screen.result_label.text()
    assert screen.sheet.status == "approved"
    assert not screen.scan_field.isEnabled() and not screen.approve_button.isEnabled()
    missing = lookup_scan(Scan("", "", gtin=GTIN, serial="S003"))
    assert missing.package_status == "missing"
    assert lookup_scan(Scan("", "", gtin=GTIN, serial="S001")).package_status == "saleable"


def test_quantities_and_a_misplaced_package(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.WAREHOUSE],
                                  "Cycle counts")
    start_bin_count(qtbot, wait_tasks, screen, "B-01")
    screen.scan_field.setFocus()
    scanner_types(qtbot, f"]C101{BULK_GTIN}17{PAST:%y%m%d}10W1")  # lot barcode, no serial
    assert screen.gtin_edit.text() == BULK_GTIN and screen.lot_edit.text() == "W1"
    screen.quantity_spin.setValue(37)
    screen.record_button.click()
    wait_tasks()
    scanner_types(qtbot, element_string(GTIN, "S101", "ATV2", LATER))  # belongs in A-02
    wait_tasks()
    assert "recorded at another location" in screen.messages_text()[0]
    kinds = variance_kinds(screen)
    assert ("Misplaced", "S101") in kinds and ("Quantity", "W1") in kinds
    quantity = next(v for v in screen.variance_model.rows if v.kind == "Quantity")
    assert quantity.change == -3
    assert not screen.approve_button.isEnabled()  # warehouse may not adjust stock


def test_a_count_needs_a_bin_or_product(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.ADMIN], "Cycle counts")
    screen.start_button.click()
    assert "Choose or scan the bin" in screen.start_error.text()
    screen.product_radio.setChecked(True)
    screen.start_product_edit.setText("12345-678-90")
    screen.start_button.click()
    wait_tasks()
    assert screen.sheet is not None and screen.sheet.product.startswith("Atorvastatin")
    assert screen.where_combo.isEnabled()


def test_cancel_an_open_count_with_a_reason(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.ADMIN], "Cycle counts")
    start_bin_count(qtbot, wait_tasks, screen, "A-01")
    screen.scan_field.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S001", "ATV1", LATER))
    wait_tasks()
    assert screen.cancel_button.isEnabled()

    screen.cancel_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, CancelCountDialog)
    assert "1 entry" in dialog.intro.text()
    dialog.ok_button.click()  # no reason
    wait_tasks()
    assert dialog.isVisible() and "why" in dialog.form.error_text("reason")
    assert screen.sheet.status == "open"

    dialog.reason_edit.setText("Started in the wrong bin")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert screen.sheet.status == "cancelled"
    assert "no stock was changed" in screen.result_label.text()
    assert screen.freeze_label.text() == "Cancelled by admin: Started in the wrong bin"
    assert screen.sheets.index(screen.sheets.row_of(screen.sheet.id), 2).data() == "Cancelled"
    assert screen.sheet_count_label.text() == "0 open"
    assert not (screen.cancel_button.isEnabled() or screen.approve_button.isEnabled()
                or screen.scan_field.isEnabled())
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).get().action == "cancel_count"
    # Nothing was written off: the packages not scanned are still saleable.
    assert lookup_scan(Scan("", "", gtin=GTIN, serial="S003")).package_status == "saleable"


def test_the_warehouse_cannot_cancel_a_count(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.WAREHOUSE],
                                  "Cycle counts")
    start_bin_count(qtbot, wait_tasks, screen, "A-01")
    assert not screen.cancel_button.isEnabled()
    assert "owner or admin cancels" in screen.cancel_button.toolTip()
