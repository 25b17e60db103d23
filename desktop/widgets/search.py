"""The search box of list screens: waits for a pause in typing before searching,
Enter searches at once, Escape clears, Down arrow moves into the list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 250


class SearchEdit(QLineEdit):
    search = Signal(str)  # the text to search for, after the pause
    down = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.flush)
        self.textChanged.connect(lambda _text: self.timer.start())
        self.returnPressed.connect(self.flush)
        self._sent = ""

    def flush(self) -> None:
        """Search now (also what tests call instead of waiting)."""
        self.timer.stop()
        text = self.text().strip()
        if text != self._sent:
            self._sent = text
            self.search.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.flush()
            self.down.emit()
        elif event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
        else:
            super().keyPressEvent(event)
