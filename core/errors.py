"""Named errors raised by core and presented by the desktop and the command line.

Every error a user can cause is a subclass of `RxDeskError` whose message says what
is wrong and, where possible, how to fix it. Screens show `str(error)`; rxdesk-admin
prints it and exits 2. Anything else escaping core is a bug (exit 1, "unexpected").
"""

from __future__ import annotations

from datetime import datetime


class RxDeskError(Exception):
    """Base of every error a user can cause or fix."""

    title = "Cannot continue"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(RxDeskError):
    """A value given by a person or a file is not acceptable; `field` names which."""

    title = "Check the input"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class NotFound(RxDeskError):
    title = "Not found"

    def __init__(self, what: str, key: object):
        super().__init__(f"No {what} '{key}' exists.")
        self.what = what
        self.key = key


class AlreadyExists(RxDeskError):
    title = "Already exists"

    def __init__(self, what: str, key: object):
        super().__init__(f"A {what} '{key}' already exists.")
        self.what = what
        self.key = key


class PermissionDenied(RxDeskError):
    title = "Not allowed"

    def __init__(self, username: str, role: str, permission: str):
        super().__init__(
            f"User '{username}' ({role}) may not {permission}. Ask an administrator."
        )
        self.username = username
        self.role = role
        self.permission = permission


class LoginFailed(RxDeskError):
    """Wrong user name or password; deliberately does not say which."""

    title = "Sign-in failed"

    def __init__(self, attempts_left: int | None = None):
        message = "Wrong user name or password."
        if attempts_left is not None and attempts_left <= 2:
            message += f" {attempts_left} attempt(s) left before the account is locked."
        super().__init__(message)
        self.attempts_left = attempts_left


class AccountLocked(RxDeskError):
    title = "Account locked"

    def __init__(self, username: str, until: datetime):
        local = until.astimezone().strftime("%H:%M")
        super().__init__(
            f"Account '{username}' is locked after too many failed sign-ins. "
            f"Try again after {local}, or ask an administrator to reset the password."
        )
        self.username = username
        self.until = until


class AccountDisabled(RxDeskError):
    title = "Account disabled"

    def __init__(self, username: str):
        super().__init__(f"Account '{username}' is disabled. Ask an administrator.")
        self.username = username


class DatabaseError(RxDeskError):
    """The database cannot be reached or used; the message carries the driver's reason."""

    title = "Database problem"


class BadDatabaseUrl(DatabaseError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"'{url}' is not a database address RxDesk understands: {reason}")
        self.url = url


class DatabaseNotInitialised(DatabaseError):
    def __init__(self, name: str):
        super().__init__(
            f"The database {name} holds no RxDesk data yet. "
            "Create it with 'rxdesk-admin init', or open the demo database."
        )


class DatabaseTooNew(DatabaseError):
    def __init__(self, found: int, supported: int):
        super().__init__(
            f"This database has schema version {found}, made by a newer RxDesk; "
            f"this RxDesk supports up to version {supported}. Install the newer RxDesk."
        )
        self.found = found
        self.supported = supported


class MigrationNeeded(DatabaseError):
    def __init__(self, found: int, latest: int):
        super().__init__(
            f"This database has schema version {found}; this RxDesk needs version {latest}. "
            "Run 'rxdesk-admin migrate' (or accept the upgrade when the app offers it)."
        )
        self.found = found
        self.latest = latest


class AlreadyInitialised(DatabaseError):
    def __init__(self, name: str):
        super().__init__(
            f"The database {name} already holds RxDesk data; refusing to overwrite it."
        )


class PasswordRequired(DatabaseError):
    """The server wants a (different) password; the caller should ask for it."""

    def __init__(self, name: str, user: str, reason: str):
        super().__init__(
            f"{name} needs the password of database user '{user}' ({reason}). Enter it in "
            "Connection settings, or store it with 'rxdesk-admin login-db'."
        )


class PasswordUnavailable(DatabaseError):
    """No keyring on this machine; the password must be typed each time."""
