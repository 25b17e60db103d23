"""The look: bundled font, icons and style sheet from the `rxdesk_resources` package."""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file, files
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_FAMILY = "DejaVu Sans"
FONT_POINT_SIZE = 10


@cache
def _root():
    try:
        return files("rxdesk_resources")
    except NotADirectoryError:
        # An editable install made while resources/ had no __init__.py maps it as a
        # namespace package, which importlib.resources cannot read; use its folder.
        import rxdesk_resources

        return Path(next(p for p in rxdesk_resources.__path__ if Path(p).is_dir()))


def _resource(*parts: str):
    return _root().joinpath(*parts)


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons/<name>.svg (cached; SVG scales to any size)."""
    with as_file(_resource("icons", f"{name}.svg")) as path:
        return QIcon(str(path))


def stylesheet() -> str:
    """The .qss with @ICONS@ pointing at the icon folder (style sheets need paths)."""
    icons = Path(str(_resource("icons"))).as_posix()
    return _resource("style", "rxdesk.qss").read_text(encoding="utf-8").replace("@ICONS@", icons)


def register_fonts() -> str:
    """Register the bundled TTFs; returns the family to use (a bundle may have no
    system fonts at all, so never rely on the machine's)."""
    family = FONT_FAMILY
    for name in FONT_FILES:
        with as_file(_resource("fonts", name)) as path:
            font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else family
    return family


def apply(app: QApplication) -> None:
    """Fusion style, the bundled font, the app icon and the light style sheet."""
    app.setStyle("Fusion")
    family = register_fonts()
    app.setFont(QFont(family, FONT_POINT_SIZE))
    app.setWindowIcon(icon("rxdesk"))
    app.setStyleSheet(stylesheet())
