"""Who is signed in to which database, for one run of the app."""

from __future__ import annotations

from dataclasses import dataclass

from core.db import DatabaseTarget
from core.permissions import Actor


@dataclass
class Session:
    url: str
    target: DatabaseTarget
    # Only when the keyring could not store it: kept in memory, never written anywhere.
    password: str | None = None
    actor: Actor | None = None
    full_name: str = ""

    @property
    def user_label(self) -> str:
        """'Alex Admin (admin) · Admin' for the status bar."""
        if self.actor is None:
            return ""
        who = (f"{self.full_name} ({self.actor.username})" if self.full_name
               else self.actor.username)
        return f"{who} · {self.actor.role.label}"
