"""What every screen in the main window shares."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from core.permissions import Actor, Permission
from desktop.session import Session


class Screen(QWidget):
    """One sidebar entry. `changed` carries the areas a mutation touched (e.g.
    {"company"}); the main window passes them to every screen's `on_changed`, and a
    screen reloads only when it shows one of them (Anki's OpChanges idea)."""

    title = ""
    icon_name = ""
    summary = ""
    permission: Permission | None = None
    areas: frozenset[str] = frozenset()

    changed = Signal(object)

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.loaded = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 20, 24, 16)
        self.layout_.setSpacing(12)
        heading = QLabel(self.title)
        heading.setObjectName("screenTitle")
        self.layout_.addWidget(heading)

    @property
    def actor(self) -> Actor:
        return self.session.actor

    @classmethod
    def available_to(cls, actor: Actor) -> bool:
        return cls.permission is None or actor.may(cls.permission)

    def activate(self) -> None:
        """Shown in the window: load once, later only on changes."""
        if not self.loaded:
            self.loaded = True
            self.refresh()

    def refresh(self) -> None:
        """Reload from the database (off the GUI thread)."""

    def on_changed(self, areas: set[str]) -> None:
        if self.loaded and self.areas & areas:
            self.refresh()
