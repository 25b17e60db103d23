"""Receiving screen: import the supplier's file, scan cases and packages with a wedge
scanner (raw GS included), see the tally and the coloured feedback, post, and find the
stock where the receipt said it went."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QFileDialog

from core.permissions import Role
from core.queries.inventory import lot_stock
from core.queries.products import product_by_gtin
from core.queries.purchasing import po_detail
from core.services import purchasing
from core.services.partners import add_evidence, add_partner
from core.services.purchasing import PoLineInput
from core.vocab import AsnStatus
from core.vocab import ReceiveOutcome as Outcome
from desktop.receiving_dialogs import CloseShortDialog, PostReceiptDialog
from desktop.screens.receiving import ReceivingScreen
from tests.desktop.conftest import find_button, message_boxes
from tests.desktop.warehouse_data import (  # noqa: F401 (fixture)
    GS, GTIN, open_screen, scanner_types, warehouse,
)
from tests.epcis_documents import SUPPLIER_GLN, Line, sscc, supplier_document, write_file

GOOD = date(2028, 6, 30)


def package(serial: str, lot: str = "LOT42A", expiry: date = GOOD) -> str:
    """A package's GS1 DataMatrix as the scanner types it (raw GS after the lot)."""
    return f"]d201{GTIN}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def case(number: int) -> str:
    return f"]C100{sscc(number)}"


@pytest.fixture
def ordered(warehouse):  # noqa: F811
    """Acme (an authorized supplier) and a confirmed PO for 12 atorvastatin."""
    office = warehouse[Role.OFFICE]
    supplier = add_partner(office, "Acme Pharma Inc.", "supplier", "manufacturer",
                           gln=SUPPLIER_GLN)
    add_evidence(office, supplier, "fda_registration", "FEI-3001234567", expiry="2030-12-31")
    po_id = purchasing.create_po(office, supplier, [PoLineInput(GTIN, 12, "12.10")])
    purchasing.confirm_po(office, po_id)
    return warehouse, po_detail(po_id).order.number


def supplier_file(tmp_path, po_number: str | None, name: str = "acme.xml", **options):
    doc = supplier_document(options.pop("lines", [Line(GTIN, "LOT42A", GOOD, 12)]),
                            per_case=4, po=po_number, **options)
    return write_file(tmp_path, doc, name)


def import_through_screen(qtbot, wait_tasks, screen, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))
    screen.import_button.click()
    wait_tasks()


def tally(screen: ReceivingScreen) -> list[tuple]:
    return [(r.lot_number, r.expected, r.ok, r.exceptions, r.still_expected)
            for r in screen.tally_model.rows]


def on_hand(location: str, status: str) -> int:
    product = product_by_gtin(GTIN)
    return sum(lot.quantity for lot in lot_stock(product.id)
               if lot.location == location and lot.status == status)


def receive(qtbot, wait_tasks, scan: str) -> None:
    scanner_types(qtbot, scan)
    wait_tasks()
    qtbot.wait(200)  # the debounced reload of the scan list
    wait_tasks()


def test_import_scan_and_post_a_delivery(qtbot, wait_tasks, db, ordered,
                                         tmp_path, monkeypatch):
    warehouse_, po_number = ordered
    _window, screen = open_screen(qtbot, wait_tasks, db, warehouse_[Role.WAREHOUSE],
                                  "Receiving")
    assert isinstance(screen, ReceivingScreen)
    import_through_screen(qtbot, wait_tasks, screen, monkeypatch,
                          supplier_file(tmp_path, po_number))
    text = screen.import_label.text()
    assert "Imported as ship notice" in text and f"Acme Pharma Inc. · {po_number}" in text
    assert "12 packages in 3 cases" in text and "Acme Pharma Inc." in text
    assert screen.delivery is not None and screen.delivery.asn_id == screen.last_import.asn_id
    assert screen.notices.rows[0].title == f"Acme Pharma Inc. · {po_number}"
    assert tally(screen) == [("LOT42A", 12, 0, (), 12)]

    screen.scan_field.setFocus()
    receive(qtbot, wait_tasks, case(1))
    assert screen.feedback_tone() == "ok" and "4 received" in screen.feedback.text()
    assert tally(screen) == [("LOT42A", 12, 4, (), 8)]
    assert screen.scan_field.hasFocus()

    receive(qtbot, wait_tasks, package("LOT40000004", lot="LOT99"))  # wrong lot on the label
    assert screen.feedback_tone() == "warn"
    assert "Lot mismatch" in screen.feedback.text() and "quarantined" in screen.feedback.text()
    assert tally(screen) == [("LOT42A", 12, 4, ((Outcome.LOT_MISMATCH, 1),), 7)]

    receive(qtbot, wait_tasks, case(1))
    assert screen.feedback_tone() == "bad" and "already scanned" in screen.feedback.text()
    receive(qtbot, wait_tasks, case(77))
    assert "Not counted" in screen.feedback.text() and "not in ship notice" in \
        screen.feedback.text()
    assert [(s.outcome, s.units) for s in screen.scans_model.rows] == [
        (Outcome.LOT_MISMATCH, 1), (Outcome.RECEIVED, 4)]
    assert screen.summary_label.text() == "5 scanned (1 held) · 7 to come"
    assert screen.notices.rows[0].scanned == 5  # the list follows the scans

    screen.post_button.click()
    wait_tasks()
    dialog = screen.dialog
    assert isinstance(dialog, PostReceiptDialog)
    assert dialog.bin_combos[GTIN].currentText() == "A-01"
    assert "7 × Atorvastatin 20 mg tablets, 90 count, lot LOT42A — shortage" in \
        dialog.short_label.text()
    dialog.bin_combos[GTIN].setCurrentText("B-01")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    summary = screen.receipt_label.text()
    assert screen.last_receipt.number in summary and "lot LOT42A → <b>B-01</b>" in summary
    # Not the whole delivery: the seven are still expected, not short.
    assert "1 lot mismatch" in summary and "shortage" not in summary
    assert "7 packages of the ship notice still expected" in summary
    assert on_hand("B-01", "saleable") == 4 and on_hand("QUARANTINE", "quarantined") == 1
    assert screen.scans_model.rows == [] and not screen.post_button.isEnabled()
    assert screen.notice.status is AsnStatus.PARTIALLY_RECEIVED

    # The second case comes on the next truck, and that is all: a final posting.
    screen.window().activateWindow()
    qtbot.waitUntil(lambda: screen.window().isActiveWindow())
    screen.scan_field.setFocus()
    receive(qtbot, wait_tasks, case(2))
    assert tally(screen) == [("LOT42A", 12, 3, (), 4)]
    screen.post_button.click()
    wait_tasks()
    dialog = screen.dialog
    assert "4 × Atorvastatin 20 mg tablets, 90 count, lot LOT42A — shortage" in \
        dialog.short_label.text()
    dialog.final_check.setChecked(True)
    dialog.ok_button.click()
    wait_tasks()
    assert "4 shortage" in screen.receipt_label.text()
    assert screen.notice.status is AsnStatus.CLOSED_SHORT and not screen.scan_field.isEnabled()


def test_refused_file_damaged_scan_remove_and_receive_everything(
        qtbot, wait_tasks, db, ordered, tmp_path, monkeypatch):
    warehouse_, po_number = ordered
    _window, screen = open_screen(qtbot, wait_tasks, db, warehouse_[Role.WAREHOUSE],
                                  "Receiving")
    junk = tmp_path / "junk.xml"
    junk.write_text("this is not a supplier file")
    import_through_screen(qtbot, wait_tasks, screen, monkeypatch, junk)
    assert screen.import_label.objectName() == "danger"
    assert "EPCIS file refused" in screen.import_label.text()
    assert screen.delivery is None and screen.notices.rows == []

    import_through_screen(qtbot, wait_tasks, screen, monkeypatch,
                          supplier_file(tmp_path, po_number))
    screen.damaged_button.click()
    assert screen.damage_note.isVisible() and screen.damage_note.hasFocus()
    scanner_types(qtbot, case(2))  # a scan while the note is empty is not counted
    wait_tasks()
    assert screen.feedback_tone() == "bad" and "what is damaged" in screen.feedback.text()
    assert screen.damage_note.text() == ""
    qtbot.keyClicks(screen.damage_note, "crushed case")
    screen.scan_field.setFocus()
    receive(qtbot, wait_tasks, case(2))
    assert screen.feedback_tone() == "warn" and "4 damaged" in screen.feedback.text()
    assert not screen.damaged_button.isChecked()
    assert tally(screen) == [("LOT42A", 12, 0, ((Outcome.DAMAGED, 4),), 8)]

    damaged = [n for n, s in enumerate(screen.scans_model.rows) if s.is_case]
    screen.scans_table.selectRow(damaged[0])
    screen.remove_button.click()
    wait_tasks()
    assert tally(screen) == [("LOT42A", 12, 0, (), 12)] and screen.scans_model.rows == []

    screen.everything_button.click()
    [box] = message_boxes()
    find_button(box, "Receive everything").click()
    wait_tasks()
    assert tally(screen) == [("LOT42A", 12, 12, (), 0)]
    assert screen.feedback_tone() == "ok"
    screen.post_button.click()
    wait_tasks()
    screen.dialog.ok_button.click()
    wait_tasks()
    assert on_hand("A-01", "saleable") == 12
    assert screen.notice.status is AsnStatus.RECEIVED and not screen.scan_field.isEnabled()
    assert screen.notices.rows == []


def test_a_po_without_a_file_and_closing_short(qtbot, wait_tasks, db, ordered,
                                               tmp_path, monkeypatch):
    warehouse_, po_number = ordered
    _window, screen = open_screen(qtbot, wait_tasks, db, warehouse_[Role.WAREHOUSE],
                                  "Receiving")
    assert screen.po_combo.currentText().startswith(po_number)
    screen.po_button.click()
    wait_tasks()
    assert screen.delivery.po_id is not None and "No supplier file" in \
        screen.delivery_info.text()
    screen.scan_field.setFocus()
    receive(qtbot, wait_tasks, package("NODATA1"))
    assert screen.feedback_tone() == "warn" and "Product without data" in \
        screen.feedback.text()
    receive(qtbot, wait_tasks, case(1))
    assert screen.feedback_tone() == "bad" and "without the supplier's file" in \
        screen.feedback.text()
    assert tally(screen) == [("", 12, 0, ((Outcome.PRODUCT_WITHOUT_DATA, 1),), 11)]
    assert not screen.everything_button.isEnabled() and not screen.close_button.isEnabled()

    # A ship notice of two lots: one comes, the other will not.
    import_through_screen(qtbot, wait_tasks, screen, monkeypatch, supplier_file(
        tmp_path, None, lines=[Line(GTIN, "LOTA", GOOD, 4), Line(GTIN, "LOTB", GOOD, 4)]))
    screen.scan_field.setFocus()
    receive(qtbot, wait_tasks, case(1))
    screen.post_button.click()
    wait_tasks()
    assert "4 × Atorvastatin 20 mg tablets, 90 count, lot LOTB — data without product" in \
        screen.dialog.short_label.text()
    screen.dialog.ok_button.click()
    wait_tasks()
    assert screen.close_button.isEnabled()
    screen.close_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, CloseShortDialog) and "4 packages" in dialog.intro.text()
    dialog.ok_button.click()
    assert dialog.isVisible() and "why" in dialog.form.error_text("reason")
    dialog.reason_edit.setText("Supplier confirmed LOTB back-ordered")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible() and screen.notice.status is AsnStatus.CLOSED_SHORT
    assert screen.notices.rows == [] and not screen.scan_field.isEnabled()
    assert "4 packages recorded as not delivered on RC-" in screen.feedback.text()


def test_office_imports_but_does_not_scan(qtbot, wait_tasks, db, ordered, tmp_path,
                                          monkeypatch):
    warehouse_, po_number = ordered
    _window, screen = open_screen(qtbot, wait_tasks, db, warehouse_[Role.OFFICE], "Receiving")
    import_through_screen(qtbot, wait_tasks, screen, monkeypatch,
                          supplier_file(tmp_path, po_number))
    assert "Imported as ship notice" in screen.import_label.text()
    assert screen.delivery is not None and tally(screen)[0][1] == 12
    assert not screen.scan_field.isEnabled() and not screen.post_button.isEnabled()
    assert not screen.po_button.isEnabled()
    assert "warehouse role" in screen.post_button.toolTip()
