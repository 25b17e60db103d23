"""The big result banner of the scanner-first screens (pack station, customer returns)
and its beeps: the lead reads green or red from across the bench, and hears one beep
for a good scan and three for a refusal without looking up."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from desktop.widgets.badges import TONES

ERROR_BEEPS = (0, 160, 320)  # ms: three short beeps for a refusal, one for a good scan
MARKS = {"ok": "✓", "warn": "!", "bad": "✗"}


def feedback_label(min_height: int = 100) -> QLabel:
    """Tall enough for two lines, so the layout does not jump between scans."""
    label = QLabel()
    label.setObjectName("scanFeedback")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setMinimumHeight(min_height)
    return label


def show_feedback(label: QLabel, tone: str, headline: str, text: str) -> None:
    """`tone` is a key of badges.TONES; the label's "tone" property says which for tests."""
    background, border, color = TONES[tone]
    mark = MARKS.get(tone, "")
    label.setProperty("tone", tone)
    label.setStyleSheet(
        f"QLabel {{ background: {background}; border: 2px solid {border}; color: {color}; "
        "border-radius: 8px; padding: 10px 14px; font-size: 14pt; }")
    label.setText(f"<span style='font-size: 20pt; font-weight: bold;'>"
                  f"{mark + ' ' if mark else ''}{html.escape(headline, quote=False)}</span>"
                  f"<br>{html.escape(text, quote=False)}")


def beep(ok: bool) -> None:
    for delay in ERROR_BEEPS[:1 if ok else None]:
        QTimer.singleShot(delay, QApplication.beep)
