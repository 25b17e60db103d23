"""PostgreSQL passwords in the OS keyring (Windows Credential Manager, macOS Keychain,
Secret Service), never in a file or a URL.

Headless machines often have no keyring; then `PasswordUnavailable` tells the caller to
ask for the password each time instead of storing it. We never fall back to a plaintext
store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from core.errors import PasswordUnavailable

if TYPE_CHECKING:
    from core.db import DatabaseTarget

SERVICE = "RxDesk"


def get_database_password(target: DatabaseTarget) -> str | None:
    """The stored password, or None when none is stored or there is no keyring."""
    try:
        return keyring.get_password(SERVICE, target.keyring_key)
    except (NoKeyringError, KeyringError):
        return None


def store_database_password(target: DatabaseTarget, password: str) -> None:
    try:
        keyring.set_password(SERVICE, target.keyring_key, password)
    except NoKeyringError:
        raise PasswordUnavailable(
            "This computer has no password keyring, so RxDesk cannot remember the "
            "database password; it will ask for it each time."
        ) from None
    except KeyringError as exc:
        raise PasswordUnavailable(f"The keyring refused to store the password: {exc}") from None


def forget_database_password(target: DatabaseTarget) -> None:
    try:
        keyring.delete_password(SERVICE, target.keyring_key)
    except (PasswordDeleteError, NoKeyringError, KeyringError):
        pass
