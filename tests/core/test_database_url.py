"""Database addresses, the keyring and opening either backend."""

from pathlib import Path

import pytest

from core import connection, secrets, settings
from core.db import database, parse_url
from core.errors import BadDatabaseUrl, DatabaseError


def test_sqlite_url_names_an_absolute_file():
    target = parse_url("sqlite:////srv/rx/main.db")
    assert (target.backend, target.path, target.display_name) == ("sqlite", Path("/srv/rx/main.db"), "main.db")


def test_postgres_url_defaults_the_port_and_shows_host_and_database():
    target = parse_url("postgresql://rx@db.local/rxdesk")
    assert (target.host, target.port, target.name, target.user) == ("db.local", 5432, "rxdesk", "rx")
    assert target.display_name == "db.local/rxdesk"
    assert target.url == "postgresql://rx@db.local:5432/rxdesk"


@pytest.mark.parametrize("url, reason", [
    ("mysql://x/y", "must start with sqlite:/// or postgresql://"),
    ("sqlite:relative.db", "absolute path"),
    ("postgresql://rx:secret@db/rxdesk", "passwords do not belong in the address"),
    ("postgresql://db.local", "expected postgresql://USER@HOST:PORT/DBNAME"),
    ("postgresql://rx@db.local:99999/rxdesk", "port"),
])
def test_bad_urls_say_what_is_wrong(url, reason):
    with pytest.raises(BadDatabaseUrl) as exc:
        parse_url(url)
    assert reason in str(exc.value)
    assert "secret" not in str(exc.value)


def test_url_resolution_order(monkeypatch, tmp_path):
    monkeypatch.delenv("RXDESK_DB", raising=False)
    assert connection.resolve_url() == connection.default_url()
    settings.save(settings.WorkstationSettings(database_url="postgresql://rx@saved/rx"))
    try:
        assert connection.resolve_url() == "postgresql://rx@saved/rx"
        monkeypatch.setenv("RXDESK_DB", "sqlite:////env.db")
        assert connection.resolve_url() == "sqlite:////env.db"
        assert connection.resolve_url("sqlite:////cli.db") == "sqlite:////cli.db"
    finally:
        settings.save(settings.WorkstationSettings())


def test_sqlite_is_durable_wal_with_foreign_keys(tmp_path):
    connection.connect(f"sqlite:///{tmp_path / 'pragmas.db'}")
    pragmas = {p: database.execute_sql(f"PRAGMA {p}").fetchone()[0]
               for p in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2,
                       "busy_timeout": 15000}


def test_unreachable_postgres_reports_the_driver_reason():
    with pytest.raises(DatabaseError) as exc:
        connection.connect("postgresql://rx@127.0.0.1:1/rxdesk")
    assert "Cannot open 127.0.0.1/rxdesk" in str(exc.value)


def test_password_goes_to_the_keyring_never_to_settings(memory_keyring, seeded_url, backend):
    target = parse_url(seeded_url if backend == "postgresql" else "postgresql://rx@h/db")
    secrets.store_database_password(target, "s3cret-pw")
    assert memory_keyring.store[("RxDesk", target.keyring_key)] == "s3cret-pw"
    assert secrets.get_database_password(target) == "s3cret-pw"
    settings.save(settings.WorkstationSettings(database_url=target.url))
    assert "s3cret-pw" not in settings.settings_path().read_text()
    if backend == "postgresql":  # the stored password is used to connect
        assert connection.connect(seeded_url).state is connection.SchemaState.READY
    secrets.forget_database_password(target)
    assert secrets.get_database_password(target) is None


def test_no_keyring_means_asking_each_time(monkeypatch):
    import keyring
    from keyring.backends import fail

    from core.errors import PasswordUnavailable

    keyring.set_keyring(fail.Keyring())
    target = parse_url("postgresql://rx@h/db")
    assert secrets.get_database_password(target) is None
    with pytest.raises(PasswordUnavailable, match="ask for it each time"):
        secrets.store_database_password(target, "pw")


def test_testing_a_connection_leaves_the_open_database_alone(seeded_url, tmp_path):
    from core.queries.company import company_profile

    connection.connect(seeded_url)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert "empty (not initialised yet)" in connection.test_connection(other)
    assert company_profile().legal_name.endswith("(DEMO)")
