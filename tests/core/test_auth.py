"""Signing in, lockout, password changes and account management."""

import pytest

from core.errors import (AccountDisabled, AccountLocked, InvalidInput, LoginFailed,
                         PermissionDenied)
from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.users import list_users
from core.services import auth, users
from tests.conftest import PASSWORDS


def test_correct_password_signs_in_with_role(db):
    actor = auth.sign_in("Office", PASSWORDS[Role.OFFICE])
    assert (actor.username, actor.role) == ("office", Role.OFFICE)
    assert recent_entries(1)[0].action == "sign_in"


def test_wrong_password_and_unknown_user_give_the_same_message(db):
    with pytest.raises(LoginFailed) as wrong:
        auth.sign_in("office", "not-the-password")
    with pytest.raises(LoginFailed) as unknown:
        auth.sign_in("nobody", "not-the-password")
    assert str(wrong.value).startswith("Wrong user name or password.")
    assert str(unknown.value) == "Wrong user name or password."
    assert [e.action for e in recent_entries(2)] == ["sign_in_failed", "sign_in_failed"]


def test_five_failures_lock_the_account_even_for_the_right_password(db):
    for attempt in range(4):
        with pytest.raises(LoginFailed):
            auth.sign_in("warehouse", "wrong-password")
    with pytest.raises(AccountLocked) as locked:
        auth.sign_in("warehouse", "wrong-password")
    assert "locked after too many failed sign-ins" in str(locked.value)
    with pytest.raises(AccountLocked):
        auth.sign_in("warehouse", PASSWORDS[Role.WAREHOUSE])
    status = {u.username: u.status for u in list_users()}
    assert status["warehouse"] == "Locked"


def test_warning_names_attempts_left(db):
    for _ in range(3):
        with pytest.raises(LoginFailed) as exc:
            auth.sign_in("owner", "wrong-password")
    assert "2 attempt(s) left" in str(exc.value)


def test_admin_reset_unlocks_and_forces_a_new_password(db, actors):
    for _ in range(5):
        with pytest.raises((LoginFailed, AccountLocked)):
            auth.sign_in("office", "wrong-password")
    row = users.reset_password(actors[Role.ADMIN], "office", "temporary-pass-1")
    assert row.status == "Active" and row.must_change_password
    actor = auth.sign_in("office", "temporary-pass-1")
    auth.change_password(actor, "temporary-pass-1", "my-own-secret-9")
    assert auth.sign_in("office", "my-own-secret-9").username == "office"


def test_change_password_needs_the_current_one(db, actors):
    with pytest.raises(InvalidInput, match="current password is not correct"):
        auth.change_password(actors[Role.OFFICE], "wrong-current", "another-secret-1")
    with pytest.raises(InvalidInput, match="at least 10 characters"):
        auth.change_password(actors[Role.OFFICE], PASSWORDS[Role.OFFICE], "short")


def test_disabled_user_can_neither_sign_in_nor_act(db, actors):
    owner = actors[Role.OWNER]
    users.set_active(actors[Role.ADMIN], "owner", False)
    with pytest.raises(AccountDisabled):
        auth.sign_in("owner", PASSWORDS[Role.OWNER])
    from core.services.company import update_company

    with pytest.raises(AccountDisabled):
        update_company(owner, phone="(732) 555-0199")


def test_only_admins_manage_users(db, actors):
    with pytest.raises(PermissionDenied) as exc:
        users.add_user(actors[Role.OWNER], "newbie", "New Person", "office", "long-enough-1")
    assert str(exc.value) == "User 'owner' (owner) may not manage users. Ask an administrator."
    assert "newbie" not in {u.username for u in list_users()}


def test_last_admin_cannot_be_disabled_or_demoted(db, actors):
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.set_active(actors[Role.ADMIN], "admin", False)
    with pytest.raises(InvalidInput, match="last active administrator"):
        users.set_role(actors[Role.ADMIN], "admin", "office")


def test_add_user_validates_and_refuses_duplicates(db, actors):
    admin = actors[Role.ADMIN]
    row = users.add_user(admin, "Pat.Smith", "Pat Smith", "warehouse", "long-enough-1")
    assert row.username == "pat.smith" and row.must_change_password
    from core.errors import AlreadyExists

    with pytest.raises(AlreadyExists):
        users.add_user(admin, "pat.smith", "", "office", "long-enough-1")
    with pytest.raises(InvalidInput, match="not a role"):
        users.add_user(admin, "someone", "", "boss", "long-enough-1")
    with pytest.raises(InvalidInput, match="User name"):
        users.add_user(admin, "a b", "", "office", "long-enough-1")
