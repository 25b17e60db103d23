"""Shared helpers for the desktop tests: real widgets, real databases, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from core import settings
from desktop import theme
from desktop.tasks import runner

pytestmark = pytest.mark.gui


@pytest.fixture(scope="session", autouse=True)
def styled_app(qapp):
    theme.apply(qapp)
    qapp.setQuitOnLastWindowClosed(False)
    return qapp


@pytest.fixture(autouse=True)
def fresh_settings():
    """Each test starts with no saved connection."""
    path = settings.settings_path()
    path.unlink(missing_ok=True)
    yield
    path.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def close_leftover_windows(qapp):
    yield
    runner().wait_idle()
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.close()
        widget.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def wait_tasks(qtbot):
    """Wait until every background task has finished and its callback has run."""

    def wait(timeout: int = 20_000) -> None:
        qtbot.waitUntil(lambda: runner().pending == 0, timeout=timeout)

    return wait


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def find_button(box, text: str):
    for button in box.buttons():
        if button.text().replace("&", "") == text.replace("&", ""):
            return button
    raise AssertionError(f"no button {text!r} in {[b.text() for b in box.buttons()]}")
