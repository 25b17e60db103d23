"""Tones and coloured status badges: the palette every table and badge uses, the model
role that carries a cell's tone, a delegate that draws a table cell as a pill, and the
same look as a label for detail panels. Tones: "ok" green, "warn" amber, "bad" red,
"info" blue, "muted" grey."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (QLabel, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QWidget)

TONE_ROLE = Qt.ItemDataRole.UserRole + 10  # a key of TONES, or None

# tone -> (background, border, text)
TONES = {
    "ok": ("#e3f4e8", "#9fd3ae", "#1e6b34"),
    "warn": ("#fff4d6", "#e8c468", "#6b4e00"),
    "bad": ("#fde8e6", "#e6a39d", "#8c1d18"),
    "info": ("#e6f0f5", "#a9c7d6", "#17425a"),
    "muted": ("#eef1f4", "#c8d0d8", "#5b6b7a"),
}


class BadgeDelegate(QStyledItemDelegate):
    """Draws the cell text as a rounded badge coloured by the model's TONE_ROLE."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        tone = index.data(TONE_ROLE)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if tone not in TONES or not text:
            super().paint(painter, option, index)
            return
        # Selection and alternating background first, without the text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.backgroundBrush = QBrush()  # the pill carries the colour, not the cell
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        background, border, color = TONES[tone]
        metrics = QFontMetrics(option.font)
        width = min(metrics.horizontalAdvance(text) + 16, option.rect.width() - 8)
        height = metrics.height() + 4
        rect = QRectF(option.rect.x() + 6, option.rect.center().y() - height / 2 + 1,
                      width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(border), 1))
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(color))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width) - 8))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 32, size.height())


def badge_label(text: str = "", tone: str = "info") -> QLabel:
    label = QLabel(text)
    set_badge(label, text, tone)
    return label


def set_badge(label: QLabel, text: str, tone: str) -> None:
    background, border, color = TONES.get(tone, TONES["info"])
    label.setText(text)
    label.setProperty("tone", tone)
    label.setStyleSheet(f"QLabel {{ background: {background}; border: 1px solid {border}; "
                        f"color: {color}; border-radius: 10px; padding: 2px 10px; "
                        "font-weight: bold; }")


def restyle(widget: QWidget, object_name: str) -> None:
    """Give `widget` another style-sheet role (QLabel#danger, #warning, #okBanner,
    #muted...). Unpolish/polish after setObjectName recolours a label but drops the
    padding its new rule adds; a style sheet of its own re-applies the whole rule."""
    widget.setObjectName(object_name)
    widget.setStyleSheet(f"/* {object_name} */")
