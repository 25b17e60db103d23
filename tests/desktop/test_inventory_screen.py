"""Inventory screen: search, drill down, scan, export, quarantine, per-role actions."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from core.db import database
from core.ndc import parse_ndc
from core.permissions import Role
from core.services import stock
from core.services.products import add_product
from core.queries.inventory import lot_stock, package_stock, product_stock
from desktop import stock_models
from desktop.widgets.badges import TONES
from desktop.screens.inventory import InventoryScreen, select_rows
from desktop.stock_dialogs import QuarantineDialog
from tests.desktop.warehouse_data import (  # noqa: F401 (fixtures)
    GTIN, LATER, PAST, SOON, element_string, open_screen, scanner_types, stocked, warehouse,
)


@pytest.fixture
def screen(qtbot, wait_tasks, db, stocked) -> InventoryScreen:  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.ADMIN], "Inventory")
    assert isinstance(screen, InventoryScreen)
    return screen


def names(screen: InventoryScreen) -> list[str]:
    return [screen.products.row_at(r).name for r in range(screen.products.rowCount())]


def column(model, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def choose_product(screen, wait_tasks, name_start: str) -> None:
    row = next(r for r, n in enumerate(names(screen)) if n.startswith(name_start))
    select_rows(screen.product_table, [row])
    wait_tasks()


def test_search_and_filters_narrow_the_products(screen, wait_tasks):
    assert names(screen) == ["Atorvastatin 20 mg tablets, 90 count",
                             "Lisinopril 10 mg tablets, 100 count", "Sterile water 10 mL vial"]
    assert screen.product_count_label.text() == "3 products"
    screen.search_edit.setText("steril")
    screen.reload_products()
    wait_tasks()
    assert names(screen) == ["Sterile water 10 mL vial"]

    screen.search_edit.setText("S101")  # a serial finds its product
    screen.reload_products()
    wait_tasks()
    assert names(screen) == ["Atorvastatin 20 mg tablets, 90 count"]

    screen.search_edit.clear()
    screen.expired_check.setChecked(True)
    wait_tasks()
    assert names(screen) == ["Sterile water 10 mL vial"]
    screen.expired_check.setChecked(False)
    screen.expiring_check.setChecked(True)  # within 90 days: the expired lot and ATV2
    wait_tasks()
    assert names(screen) == ["Atorvastatin 20 mg tablets, 90 count", "Sterile water 10 mL vial"]


def test_selecting_a_product_shows_its_lots_with_expiry_colours(screen, wait_tasks):
    choose_product(screen, wait_tasks, "Atorvastatin")
    assert column(screen.lots, 0) == ["ATV2", "ATV1"]  # FEFO
    assert column(screen.lots, 1) == [SOON.isoformat(), LATER.isoformat()]
    assert column(screen.lots, 2) == ["A-02", "A-01"]
    assert screen.lots.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is not None  # amber
    assert screen.lots.index(1, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    amber = screen.lots.index(0, 1).data(Qt.ItemDataRole.ForegroundRole).color().name()

    select_rows(screen.lot_table, [1])
    wait_tasks()
    assert column(screen.packages, 0) == ["S001", "S002", "S003"]
    assert "3 packages" in screen.package_count_label.text()

    choose_product(screen, wait_tasks, "Sterile")
    red = screen.lots.index(0, 1).data(Qt.ItemDataRole.ForegroundRole).color().name()
    assert red != amber and red == TONES["bad"][2]
    select_rows(screen.lot_table, [0])
    wait_tasks()
    assert screen.packages.rowCount() == 0
    assert "not serialized: 40 units at B-01" in screen.package_count_label.text()
    assert screen.transfer_button.isEnabled()  # a quantity transfer


def test_a_scan_anywhere_on_the_screen_selects_the_package(qtbot, screen, wait_tasks):
    screen.product_table.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S002", "ATV1", LATER))
    wait_tasks()
    assert screen.selected_product().gtin == GTIN
    lot = screen.selected_lot()
    assert (lot.lot_number, lot.location) == ("ATV1", "A-01")
    assert [p.serial for p in screen.selected_packages()] == ["S002"]
    assert screen.search_edit.text() == "12345-678-90"
    assert "Serial S002" in screen.banner.text() and "Saleable at A-01" in screen.banner.text()
    assert screen.scan_field.raw_text().endswith("ATV1\x1d21S002")


def test_a_burst_into_the_search_box_is_a_scan_not_a_search(qtbot, screen, wait_tasks):
    screen.search_edit.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S101", "ATV2", SOON))
    wait_tasks()
    assert screen.search_edit.text() == "12345-678-90"  # not the barcode's characters
    assert [p.serial for p in screen.selected_packages()] == ["S101"]


def test_typing_by_hand_still_reaches_the_search_box(qtbot, screen, wait_tasks):
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, "lisi", delay=60)
    assert screen.search_edit.text() == "lisi"
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return, delay=60)
    wait_tasks()
    assert names(screen) == ["Lisinopril 10 mg tablets, 100 count"]


def test_a_fast_pair_of_keys_without_enter_is_typing_not_a_scan(qtbot, screen):
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, "zol")  # rolled keys: a burst, but no Enter
    qtbot.waitUntil(lambda: screen.search_edit.text() == "zol", timeout=1000)
    assert screen.scan_field.raw_text() == ""


def test_a_bad_scan_shows_why_in_a_red_banner(qtbot, screen, wait_tasks):
    screen.scan_field.setFocus()
    wrong_check_digit = GTIN[:-1] + "7"
    scanner_types(qtbot, element_string(wrong_check_digit, "S002", "ATV1", LATER))
    wait_tasks()
    assert screen.banner.isVisible() and screen.banner.objectName() == "danger"
    assert screen.banner.contentsMargins().top() >= 8  # the banner's padding, not bare text
    assert "check digit" in screen.banner.text()
    assert screen.selected_product() is None

    scanner_types(qtbot, element_string(GTIN, "NOPE9", "ATV1", LATER))
    wait_tasks()
    assert "Serial NOPE9" in screen.banner.text() and "not in RxDesk" in screen.banner.text()


def test_export_pages_through_the_whole_query(qtbot, screen, wait_tasks, tmp_path,
                                              monkeypatch):
    pages = []

    def spy(flt, sort, descending, offset, limit):
        pages.append((offset, limit))
        return product_stock(flt, sort, descending, offset, limit)

    screen.products.page_size = 2
    monkeypatch.setattr(stock_models, "product_stock", spy)
    screen.reload_products()
    qtbot.waitUntil(lambda: screen.products.exhausted)  # the view scrolled all in
    wait_tasks()
    assert (2, 2) in pages  # the view fetched the second page lazily
    pages.clear()
    screen.export("products", str(tmp_path / "stock.csv"))
    wait_tasks()
    assert pages == [(0, 2), (2, 2)]  # the export read every page itself
    with open(tmp_path / "stock.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["NDC", "Product", "Available"]
    assert [r[1] for r in rows[1:]] == ["Atorvastatin 20 mg tablets, 90 count",
                                        "Lisinopril 10 mg tablets, 100 count",
                                        "Sterile water 10 mL vial"]
    assert rows[3][2] == "40" and rows[3][7] == PAST.isoformat()

    screen.export("products", str(tmp_path / "stock.xlsx"))
    wait_tasks()
    sheet = load_workbook(tmp_path / "stock.xlsx").active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "NDC" and len(values) == 4
    assert values[1][1].startswith("Atorvastatin") and values[1][2] == 5  # a number
    assert values[3][7].date() == PAST  # a date, not text
    assert screen.last_export == (str(tmp_path / "stock.xlsx"), 3)

    choose_product(screen, wait_tasks, "Atorvastatin")
    screen.export("lots", str(tmp_path / "lots.csv"))
    wait_tasks()
    with open(tmp_path / "lots.csv", encoding="utf-8-sig", newline="") as f:
        assert [r[0] for r in csv.reader(f)] == ["Lot", "ATV2", "ATV1"]


def test_quarantine_through_the_dialog(qtbot, screen, wait_tasks):
    screen.scan_field.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S003", "ATV1", LATER))
    wait_tasks()
    assert screen.quarantine_button.isEnabled() and not screen.release_button.isEnabled()
    screen.quarantine_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, QuarantineDialog)
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    assert "why" in dialog.form.error_text("reason")

    dialog.reason_edit.setText("Crushed carton")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    lot = screen.selected_lot()
    assert (lot.lot_number, lot.status) == ("ATV1", "quarantined")
    packages = screen.selected_packages()
    assert [(p.serial, p.status) for p in packages] == [("S003", "quarantined")]
    row = screen.packages.row_of(lambda p: p.package_id == packages[0].package_id)
    assert screen.packages.index(row, 1).data() == "Quarantined"
    assert screen.release_button.isEnabled()
    assert {p.serial for p in package_stock(lot.lot_id, lot.location_id)} == {"S003"}


def test_actions_follow_the_role(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.WAREHOUSE], "Inventory")
    screen.scan_field.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S001", "ATV1", LATER))
    wait_tasks()
    assert screen.transfer_button.isEnabled() and screen.quarantine_button.isEnabled()
    assert not screen.write_off_button.isEnabled()
    assert "may not adjust stock" in screen.write_off_button.toolTip()


@pytest.fixture
def held(screen, stocked, wait_tasks):  # noqa: F811
    """S002 quarantined and S003 suspect: both in the quarantine cage, so one location
    holds packages of lot ATV1 in two statuses."""
    admin = stocked[Role.ADMIN]
    stock.quarantine_packages(admin, [(GTIN, "S002")], "Crushed carton")
    stock.quarantine_packages(admin, [(GTIN, "S003")], "Label does not match", suspect=True)
    screen.refresh()
    wait_tasks()
    return screen


def test_the_status_filter_applies_to_the_packages(held, wait_tasks):
    screen = held
    screen.status_combo.setCurrentIndex(screen.status_combo.findText("Suspect"))
    wait_tasks()
    choose_product(screen, wait_tasks, "Atorvastatin")
    assert [(lot.lot_number, lot.location, lot.status) for lot in screen.lots.rows] == [
        ("ATV1", "QUARANTINE", "suspect")]
    select_rows(screen.lot_table, [0])
    wait_tasks()
    assert column(screen.packages, 0) == ["S003"]  # not S002, quarantined in the same cage
    assert "1 package" in screen.package_count_label.text()

    screen.status_combo.setCurrentIndex(screen.status_combo.findText("On hold"))
    wait_tasks()
    choose_product(screen, wait_tasks, "Atorvastatin")
    select_rows(screen.lot_table, [0])
    wait_tasks()
    assert column(screen.packages, 0) == ["S002", "S003"]
    assert column(screen.packages, 1) == ["Quarantined", "Suspect"]


def test_lots_page_in_and_a_scan_reads_up_to_its_lot_row(qtbot, held, wait_tasks, monkeypatch):
    screen = held
    pages = []

    def spy(product_id, flt, offset, limit):
        pages.append((offset, limit))
        return lot_stock(product_id, flt, offset, limit)

    monkeypatch.setattr(stock_models, "lot_stock", spy)
    screen.lots.page_size = 2
    choose_product(screen, wait_tasks, "Atorvastatin")
    qtbot.waitUntil(lambda: screen.lots.exhausted)  # the view scrolled the rest in
    wait_tasks()
    assert pages == [(0, 2), (2, 2)]
    assert [(lot.lot_number, lot.location, lot.status) for lot in screen.lots.rows] == [
        ("ATV2", "A-02", "saleable"), ("ATV1", "A-01", "saleable"),
        ("ATV1", "QUARANTINE", "quarantined"), ("ATV1", "QUARANTINE", "suspect")]
    assert screen.lot_count_label.text().endswith("· 4 rows")

    screen.products.page_size = 1  # the scan reads one row at a time up to its target
    screen.scan_field.setFocus()
    scanner_types(qtbot, element_string(GTIN, "S003", "ATV1", LATER))
    wait_tasks()
    lot = screen.selected_lot()
    assert (lot.lot_number, lot.location, lot.status) == ("ATV1", "QUARANTINE", "suspect")
    assert [p.serial for p in screen.selected_packages()] == ["S003"]


def test_scrolling_three_pages_of_products_costs_a_few_queries_per_page(
        qtbot, screen, stocked, wait_tasks, monkeypatch):  # noqa: F811
    """No query per row (N+1): each page is a page of product ids plus one aggregate
    over their balances, whatever the page size."""
    admin = stocked[Role.ADMIN]
    for n in range(12):  # 3 products in stock already: 15 = three pages of five
        ndc = f"54321-{n:03d}-11"
        add_product(admin, ndc, f"Zinc oxide {n:02d} ointment", serialized=False)
        stock.add_opening_stock(admin, parse_ndc(ndc).gtin14(), f"Z{n}", LATER, "B-01",
                                quantity=5 + n)
    screen.products.page_size = 5
    statements: list[str] = []
    backend = database.obj
    execute_sql = backend.execute_sql

    def counted(sql, *args, **kwargs):
        statements.append(sql)
        return execute_sql(sql, *args, **kwargs)

    monkeypatch.setattr(backend, "execute_sql", counted)
    screen.reload_products()
    wait_tasks()
    for shown in (10, 15):
        screen.product_table.scrollToBottom()  # the view asks for the next page
        qtbot.waitUntil(lambda n=shown: screen.products.rowCount() >= n)
    qtbot.waitUntil(lambda: screen.products.exhausted)
    wait_tasks()
    monkeypatch.undo()
    assert screen.products.rowCount() == 15 and screen.products.total == 15
    assert "of" not in screen.product_count_label.text()  # "15 products": all shown
    # The first page also counts the matches; every page is ids + one aggregate.
    assert len(statements) <= 1 + 3 * 2, statements
