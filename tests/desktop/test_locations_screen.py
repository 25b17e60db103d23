"""Locations screen: bins and system areas with their units; adding a bin."""

from __future__ import annotations

from openpyxl import load_workbook

from core.permissions import Role
from core.queries.locations import list_locations
from desktop.screens.locations import LocationsScreen
from desktop.stock_dialogs import NewBinDialog
from tests.desktop.warehouse_data import open_screen, stocked, warehouse  # noqa: F401


def test_bins_in_pick_order_then_system_areas_with_units(qtbot, wait_tasks, db, stocked):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.OFFICE], "Locations")
    assert isinstance(screen, LocationsScreen)
    codes = screen.codes()
    assert codes[:3] == ["A-01", "A-02", "B-01"]
    assert {"QUARANTINE", "RECEIVING"} <= set(codes) or len(codes) > 3
    row = screen.model.row_of("B-01")
    assert screen.model.index(row, 7).data() == "41"  # 40 units of water + 1 package
    assert screen.model.index(row, 2).data() == "Bin"
    assert not screen.new_button.isEnabled()  # office does not set up bins
    screen.filter_edit.setText("a-0")
    assert screen.codes() == ["A-01", "A-02"]


def test_adding_a_bin(qtbot, wait_tasks, db, stocked, tmp_path):  # noqa: F811
    _window, screen = open_screen(qtbot, wait_tasks, db, stocked[Role.WAREHOUSE], "Locations")
    screen.new_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, NewBinDialog)
    dialog.code_edit.setText("C 01")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    assert "letters, digits or '-'" in dialog.form.error_text("code")

    dialog.code_edit.setText("c-01")
    dialog.zone_edit.setText("c")
    dialog.sequence_spin.setValue(40)
    dialog.storage_combo.setCurrentIndex(dialog.storage_combo.findText("Refrigerated"))
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert screen.selected().code == "C-01"
    assert screen.codes()[:4] == ["A-01", "A-02", "B-01", "C-01"]
    added = next(loc for loc in list_locations() if loc.code == "C-01")
    assert (added.zone, added.pick_sequence, added.storage.value) == ("C", 40, "refrigerated")

    screen.export(str(tmp_path / "bins.xlsx"))
    wait_tasks()
    rows = list(load_workbook(tmp_path / "bins.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] == "Code" and rows[4][0] == "C-01" and rows[4][5] == 40
