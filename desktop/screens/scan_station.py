"""What the screens worked with a scanner in hand share (the pack station, customer
returns). The scan field keeps the focus: buttons and tables never take it, function
keys work wherever it is, and a scanner burst typed into another widget is still caught
as a scan (WedgeCatcher). Every scan is answered by the big coloured banner and a beep,
so the lead knows the result without looking up."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableView, QWidget,
)

from desktop.screens.base import Screen
from desktop.screens.inventory import configure_table
from desktop.table_models import RowTableModel
from desktop.widgets.scan_feedback import beep, show_feedback
from desktop.widgets.scan_input import ScanField, WedgeCatcher


class ScanStationScreen(Screen):
    """A subclass lays out `_scan_row()` and `feedback` (scan_feedback.feedback_label),
    then calls `_listen` with its function keys; it handles `scan(raw)`."""

    scan_field: ScanField
    feedback: QLabel

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(session, parent)
        self.last_sound = ""  # "ok" or "error": what the last answer sounded like
        self.shortcuts: dict[str, QShortcut] = {}

    def scan(self, raw: str) -> None:
        raise NotImplementedError

    # -- building --------------------------------------------------------------------
    def _scan_row(self, placeholder: str) -> QHBoxLayout:
        """The big scan field with its caption (Alt+C), readable from across the bench."""
        row = QHBoxLayout()
        row.setSpacing(8)
        scan_label = QLabel("S&can")
        scan_label.setStyleSheet("font-size: 14pt; font-weight: bold; color: #17425a;")
        self.scan_field = ScanField(placeholder)
        self.scan_field.setStyleSheet("QLineEdit#scanField { font-size: 16pt; "
                                      "padding: 6px 10px; border-width: 3px; }")
        self.scan_field.setMinimumHeight(48)
        scan_label.setBuddy(self.scan_field)
        row.addWidget(scan_label)
        row.addWidget(self.scan_field, 1)
        return row

    def _listen(self, keys: Iterable[tuple[str, Callable[[], None]]]) -> None:
        """Scans from the field or from a burst anywhere on the screen, and function keys
        that work wherever the focus is on this screen (a scanner never types them)."""
        self.catcher = WedgeCatcher(self, self.scan_field)
        self.scan_field.scanned.connect(self.scan)
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut

    @staticmethod
    def _button(text: str, tip: str, slot: Callable[[], None]) -> QPushButton:
        """Buttons never take the focus away from the scan field."""
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _=False: slot())
        return button

    @staticmethod
    def _table(model: RowTableModel, stretch: int, row_height: int) -> QTableView:
        """Read-only, and never takes the focus from the scan field."""
        table = QTableView()
        table.setModel(model)
        configure_table(table, stretch=stretch)
        table.verticalHeader().setDefaultSectionSize(row_height)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        return table

    # -- screen life -------------------------------------------------------------------
    def activate(self) -> None:
        super().activate()
        self.refocus()

    def refocus(self) -> None:
        if self.isVisible():
            self.scan_field.setFocus()

    # -- feedback ----------------------------------------------------------------------
    def _feedback(self, tone: str, headline: str, text: str) -> None:
        show_feedback(self.feedback, tone, headline, text)

    def feedback_tone(self) -> str:
        return self.feedback.property("tone") or ""

    def _sound(self, ok: bool) -> None:
        self.last_sound = "ok" if ok else "error"
        beep(ok)
