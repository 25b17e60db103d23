"""Stock for the warehouse screen tests, set up through the core services, and a
keyboard-wedge scanner that types into whatever has focus."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from core.ndc import parse_ndc
from core.permissions import Role
from core.services import stock
from core.services.products import add_product
from desktop.main_window import MainWindow
from desktop.session import Session
from tests.core.conftest import BULK_GTIN, GTIN, warehouse  # noqa: F401 (fixture)

GS = "\x1d"
TODAY = date.today()
SOON = TODAY + timedelta(days=30)
LATER = TODAY + timedelta(days=400)
PAST = TODAY - timedelta(days=10)
LISINOPRIL_GTIN = parse_ndc("12345-333-33").gtin14()


@pytest.fixture
def stocked(warehouse):  # noqa: F811
    """Atorvastatin: lot ATV1 (S001-S003 in A-01, far expiry) and ATV2 (S101, S102 in
    A-02, expiring in 30 days); sterile water: 40 units of expired lot W1 in B-01;
    lisinopril: one package L1 in B-01."""
    admin = warehouse[Role.ADMIN]
    add_product(admin, "12345-333-33", "Lisinopril 10 mg tablets, 100 count")
    stock.add_opening_stock(admin, GTIN, "ATV1", LATER, "A-01",
                            serials=["S001", "S002", "S003"])
    stock.add_opening_stock(admin, GTIN, "ATV2", SOON, "A-02", serials=["S101", "S102"])
    stock.add_opening_stock(admin, BULK_GTIN, "W1", PAST, "B-01", quantity=40)
    stock.add_opening_stock(admin, LISINOPRIL_GTIN, "LIS1", LATER, "B-01", serials=["L1"])
    return warehouse


def element_string(gtin: str, serial: str, lot: str, expiry: date) -> str:
    """A GS1 DataMatrix as a scanner types it: symbology id, raw GS after the lot."""
    return f"]d201{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def open_screen(qtbot, wait_tasks, db, actor, title: str):
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    window.show_screen(window.screen_titles().index(title))
    wait_tasks()
    return window, window.stack.currentWidget()


def scanner_types(qtbot, text: str) -> None:
    """Type `text` + Enter into the focused widget as fast as a scanner does; GS goes
    as the raw control character (QTest cannot type it as a key)."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    for char in text:
        if char == GS:
            QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, GS,
                               Qt.KeyboardModifier.NoModifier)
        else:
            qtbot.keyClicks(widget, char)
    qtbot.keyClick(widget, Qt.Key.Key_Return)
