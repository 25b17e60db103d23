"""Signing in and passwords: argon2id hashes, lockout after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.db import is_postgres, write_transaction
from core.errors import AccountDisabled, AccountLocked, InvalidInput, LoginFailed
from core.models import User
from core.models.base import utc_now
from core.permissions import Actor, Role
from core.services import audit

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()  # argon2id, memory-hard (64 MiB, 3 passes)


@cache
def _dummy_hash() -> str:
    """Verified when the user name is unknown, so a wrong name costs the same time as a
    wrong password and does not reveal which accounts exist; made on first need (argon2
    takes ~0.1 s), not at start-up."""
    return _hasher.hash("rxdesk-no-such-user")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            field, f"A password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    if password.strip() != password:
        raise InvalidInput(field, "A password may not start or end with a space.")


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _lock_user(username: str):
    query = User.select().where(User.username == username)
    return (query.for_update() if is_postgres() else query).first()


def sign_in(username: str, password: str) -> Actor:
    """The Actor for a correct user name and password.

    Failures are counted and audited; the fifth in a row locks the account for
    LOCKOUT. The transaction commits before the error is raised, so the count sticks.
    """
    name = (username or "").strip().lower()
    error: Exception | None = None
    with write_transaction():
        user = _lock_user(name)
        now = utc_now()
        if user is None:
            _verify(_dummy_hash(), password)
            audit.record(Actor(None, name or "?", Role.WAREHOUSE), "sign_in_failed", "user", name,
                         "unknown user name")
            error = LoginFailed()
        elif user.locked_until and user.locked_until > now:
            error = AccountLocked(user.username, user.locked_until)
        elif not _verify(user.password_hash, password):
            actor = Actor(user.id, user.username, Role(user.role))
            user.failed_attempts += 1
            summary = f"failed attempt {user.failed_attempts}"
            if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
                user.locked_until = now + LOCKOUT
                user.failed_attempts = 0
                summary += f"; locked until {user.locked_until:%Y-%m-%d %H:%M} UTC"
                error = AccountLocked(user.username, user.locked_until)
            else:
                error = LoginFailed(MAX_FAILED_ATTEMPTS - user.failed_attempts)
            user.save(only=[User.failed_attempts, User.locked_until])
            audit.record(actor, "sign_in_failed", "user", user.id, summary)
        elif not user.active:
            error = AccountDisabled(user.username)
        else:
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login_at = now
            user.save(only=[User.failed_attempts, User.locked_until, User.last_login_at])
            actor = Actor(user.id, user.username, Role(user.role))
            audit.record(actor, "sign_in", "user", user.id)
    if error is not None:
        raise error
    return actor


def change_password(actor: Actor, current: str, new: str) -> None:
    """A signed-in user changes their own password (needs the current one)."""
    check_password_rules(new, "new_password")
    if new == current:
        raise InvalidInput("new_password", "The new password must differ from the current one.")
    with write_transaction():
        user = _lock_user(actor.username)
        if user is None or user.id != actor.user_id:
            raise LoginFailed()
        if not _verify(user.password_hash, current):
            raise InvalidInput("current_password", "The current password is not correct.")
        user.password_hash = _hasher.hash(new)
        user.must_change_password = False
        user.save(only=[User.password_hash, User.must_change_password])
        audit.record(actor, "change_password", "user", user.id)
