"""Storing a PostgreSQL password in the keyring."""

import pytest

from core.db import parse_url
from core.errors import PasswordUnavailable


def test_login_db_tests_then_stores_the_password(cli, blank_url, backend, memory_keyring,
                                                  password_file):
    done = cli("login-db", "--password-file", password_file("db-pass word"), db=blank_url)
    if backend == "sqlite":
        assert done.code == 2
        assert "SQLite databases have no password" in done.err
        assert memory_keyring.store == {}
        return
    assert done.code == 0, done.err
    assert "the database is empty" in done.out
    key = parse_url(blank_url).keyring_key
    assert memory_keyring.store == {("RxDesk", key): "db-pass word"}


@pytest.mark.backends("postgresql")
def test_login_db_without_keyring_says_so(cli, blank_url, backend, password_file,
                                          monkeypatch):

    def no_keyring(target, password):
        raise PasswordUnavailable("This computer has no password keyring, so RxDesk cannot "
                                  "remember the database password; it will ask for it each time.")

    monkeypatch.setattr("core.secrets.store_database_password", no_keyring)
    done = cli("login-db", "--password-file", password_file("pw"), db=blank_url)
    assert done.code == 2
    assert "no password keyring" in done.err


def test_login_db_unreachable_server_is_a_named_error(cli, password_file):
    done = cli("login-db", "--password-file", password_file("pw"),
               db="postgresql://nobody@127.0.0.1:1/nothing")
    assert done.code == 2
    assert done.err.startswith("rxdesk-admin: Cannot open 127.0.0.1/nothing")


def test_login_db_refuses_an_empty_password(cli, tmp_path, memory_keyring):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    done = cli("login-db", "--password-file", str(empty),
               db="postgresql://nobody@127.0.0.1:1/nothing")
    assert (done.code, memory_keyring.store) == (2, {})
    assert "No password was given" in done.err
