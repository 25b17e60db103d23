"""Paging and text matching shared by the list queries that feed lazy table views."""

from __future__ import annotations

from core.db import is_postgres

PAGE = 200


def contains(field, text: str):
    """Case-insensitive substring match (ILIKE on PostgreSQL, LIKE on SQLite). '%' and
    '_' typed by a user act as wildcards, which is harmless for searching."""
    pattern = f"%{text}%"
    return field.ilike(pattern) if is_postgres() else field ** pattern


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())
