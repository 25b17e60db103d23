"""Managing accounts (administrators only)."""

from __future__ import annotations

import re

from core.db import write_transaction
from core.errors import AlreadyExists, InvalidInput, NotFound
from core.models import User
from core.models.base import utc_now
from core.permissions import Actor, Permission, Role
from core.queries.users import UserRow, user_row
from core.services import audit
from core.services.access import authorize
from core.services.auth import hash_password

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def validate_username(text: str) -> str:
    name = (text or "").strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "username", f"User name '{text}' must be 2-40 characters: letters, digits, "
            "'.', '_' or '-', starting with a letter or digit."
        )
    return name


def parse_role(text: str) -> Role:
    try:
        return Role((text or "").strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise InvalidInput("role", f"'{text}' is not a role; choose one of {choices}.") from None


def create_user_row(username: str, full_name: str, role: Role, password: str) -> User:
    """Insert without permission or audit: for the caller's own transaction only."""
    name = validate_username(username)
    password_hash = hash_password(password)
    if User.select().where(User.username == name).exists():
        raise AlreadyExists("user", name)
    return User.create(
        username=name, full_name=(full_name or "").strip(), role=role.value,
        password_hash=password_hash, created_at=utc_now(),
    )


def add_user(actor: Actor, username: str, full_name: str, role: str | Role, password: str,
             must_change_password: bool = True) -> UserRow:
    role = parse_role(role) if isinstance(role, str) else role
    with write_transaction():
        authorize(actor, Permission.MANAGE_USERS)
        user = create_user_row(username, full_name, role, password)
        if must_change_password:
            User.update(must_change_password=True).where(User.id == user.id).execute()
        audit.record(actor, "add_user", "user", user.id,
                     f"{user.username} ({role.value}) {user.full_name}".strip())
        return user_row(user.id)


def _get(username: str) -> User:
    user = User.get_or_none(User.username == (username or "").strip().lower())
    if user is None:
        raise NotFound("user", username)
    return user


def _ensure_an_admin_remains(user: User, new_role: str, new_active: bool) -> None:
    if user.role != Role.ADMIN.value or (new_role == Role.ADMIN.value and new_active):
        return
    others = User.select().where(
        (User.role == Role.ADMIN.value) & User.active & (User.id != user.id)
    ).exists()
    if not others:
        raise InvalidInput("username", f"'{user.username}' is the last active administrator; "
                           "make someone else an administrator first.")


def set_active(actor: Actor, username: str, active: bool) -> UserRow:
    """Disable (or re-enable) an account; disabled accounts cannot sign in or act."""
    with write_transaction():
        authorize(actor, Permission.MANAGE_USERS)
        user = _get(username)
        if user.active == active:
            return user_row(user.id)
        if not active:
            _ensure_an_admin_remains(user, user.role, False)
        User.update(active=active).where(User.id == user.id).execute()
        audit.record(actor, "enable_user" if active else "disable_user", "user", user.id,
                     f"{user.username}: active {user.active} -> {active}")
        return user_row(user.id)


def set_role(actor: Actor, username: str, role: str | Role) -> UserRow:
    role = parse_role(role) if isinstance(role, str) else role
    with write_transaction():
        authorize(actor, Permission.MANAGE_USERS)
        user = _get(username)
        _ensure_an_admin_remains(user, role.value, user.active)
        User.update(role=role.value).where(User.id == user.id).execute()
        audit.record(actor, "set_role", "user", user.id,
                     f"{user.username}: role {user.role} -> {role.value}")
        return user_row(user.id)


def reset_password(actor: Actor, username: str, new_password: str) -> UserRow:
    """Set a temporary password, unlock the account, and make the user choose a new
    one at next sign-in."""
    with write_transaction():
        authorize(actor, Permission.MANAGE_USERS)
        user = _get(username)
        User.update(
            password_hash=hash_password(new_password), must_change_password=True,
            failed_attempts=0, locked_until=None,
        ).where(User.id == user.id).execute()
        audit.record(actor, "reset_password", "user", user.id, user.username)
        return user_row(user.id)
