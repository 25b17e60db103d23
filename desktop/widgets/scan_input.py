"""Scan capture for a USB scanner in keyboard mode.

A scanner "types" a barcode in a burst of keystrokes a few milliseconds apart and
ends it with Enter; the group separator (ASCII 29) may come as a raw control
character, which QLineEdit would silently drop. Two pieces:

- `ScanField`: an always-visible line edit that keeps a raw GS (shown as "␝") and
  emits `scanned(raw_text)` on Enter.
- `WedgeCatcher`: an application event filter for one screen. When keystrokes
  arrive in a burst (< `gap_ms` apart) while focus is elsewhere on the screen's
  window, it takes them away from the focused widget; a burst of at least
  `min_length` characters ending with Enter is a scan and goes to the ScanField.
  A short burst without Enter (two keys rolled by a fast typist) is replayed to
  the widget it was meant for, so nobody loses a keystroke. The first key of a
  burst cannot be known as such; it reaches the widget and is undone when the
  burst turns out to be a scan (line edits, spin boxes and combo boxes).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication, QComboBox, QLineEdit, QSpinBox, QWidget,
)

GS = "\x1d"
GS_SHOWN = "\u241d"  # SYMBOL FOR GROUP SEPARATOR
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ScanField(QLineEdit):
    """Where scans land; typing by hand followed by Enter works the same."""

    scanned = Signal(str)

    def __init__(self, placeholder: str = "Scan a barcode (or type it and press Enter)",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("scanField")
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(280)
        self._shown_done = False  # the text is a finished scan: the next key replaces it
        self.returnPressed.connect(self._enter)

    def raw_text(self) -> str:
        return self.text().replace(GS_SHOWN, GS)

    def show_scan(self, raw: str) -> None:
        self.setText(raw.replace(GS, GS_SHOWN))

    def submit(self, raw: str) -> None:
        """Show `raw` as the last scan and announce it (used by the WedgeCatcher)."""
        self.show_scan(raw)
        self._shown_done = True
        self.scanned.emit(raw)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if self._shown_done and text and (text == GS or text.isprintable()):
            self.clear()
        if text and event.key() not in ENTER_KEYS:
            self._shown_done = False
        if text == GS:
            self.insert(GS_SHOWN)
            event.accept()
            return
        super().keyPressEvent(event)

    def _enter(self) -> None:
        raw = self.raw_text()
        if raw.strip():
            self._shown_done = True
            self.scanned.emit(raw)


def _snapshot(widget: QWidget):
    """What the first key of a burst may change, so it can be put back."""
    if isinstance(widget, QLineEdit):
        return widget.text(), widget.cursorPosition()
    if isinstance(widget, QSpinBox):
        return widget.value()
    if isinstance(widget, QComboBox):
        return widget.currentIndex()
    return None


def _restore(widget: QWidget, saved) -> None:
    if saved is None:
        return
    if isinstance(widget, QLineEdit):
        widget.setText(saved[0])
        widget.setCursorPosition(saved[1])
    elif isinstance(widget, QSpinBox):
        widget.setValue(saved)
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(saved)


class WedgeCatcher(QObject):
    """Redirects scanner bursts typed anywhere in `screen`'s window to `field`."""

    def __init__(self, screen: QWidget, field: ScanField, gap_ms: int = 30,
                 min_length: int = 4):
        super().__init__(screen)
        self.screen, self.field = screen, field
        self.gap = gap_ms / 1000
        self.min_length = min_length
        self._last_at = 0.0
        self._first: tuple[QWidget, str, object] | None = None  # widget, text, snapshot
        self._buffer: list[QKeyEvent] = []
        self._replaying = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._burst_over)
        QApplication.instance().installEventFilter(self)
        screen.destroyed.connect(self._uninstall)

    def _uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _watching(self, obj: QObject) -> bool:
        return (isinstance(obj, QWidget) and obj is QApplication.focusWidget()
                and obj is not self.field and self.screen.isVisible()
                and obj.window() is self.screen.window()
                and QApplication.activeModalWidget() is None)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        if not self._watching(obj):
            return False
        now = time.monotonic()
        fast = now - self._last_at < self.gap
        self._last_at = now
        key, text = event.key(), event.text()
        if key in ENTER_KEYS:
            if fast and self._first is not None and len(self._buffer) + 1 >= self.min_length:
                self._scan_complete()
                return True
            self._flush()
            return False
        if not text or event.isAutoRepeat() or event.modifiers() & (
                Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
            self._flush()
            return False
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and text != GS:
            self._flush()
            return False
        if fast and self._first is not None and self._first[0] is obj:
            self._buffer.append(QKeyEvent(event.type(), key, event.modifiers(), text))
            self._timeout.start(max(100, int(self.gap * 4000)))
            return True
        self._flush()
        self._first = (obj, text, _snapshot(obj))
        return False

    def _scan_complete(self) -> None:
        widget, first, saved = self._first
        raw = first + "".join(e.text() for e in self._buffer)
        self._first, self._buffer = None, []
        self._timeout.stop()
        _restore(widget, saved)
        self.field.submit(raw)

    def _burst_over(self) -> None:
        self._flush()

    def _flush(self) -> None:
        """Not a scan after all: hand the held keys to the widget they were for."""
        self._timeout.stop()
        first, held = self._first, self._buffer
        self._first, self._buffer = None, []
        if first is None or not held:
            return
        widget = first[0]
        self._replaying = True
        try:
            for event in held:
                QApplication.sendEvent(widget, event)
        finally:
            self._replaying = False
