"""The schema ladder: upgrade with a copy aside, refusal of newer databases."""

import peewee
import pytest

from core import connection, migrations
from core.connection import SchemaState
from core.db import database
from core.errors import DatabaseTooNew, MigrationNeeded
from core.queries.audit import recent_entries, verify_chain


def test_blank_database_is_reported_empty_then_migrated(blank_url):
    opened = connection.connect(blank_url)
    assert opened.state is SchemaState.EMPTY
    result = connection.upgrade(opened)
    assert (result.from_version, result.to_version) == (0, migrations.LATEST)
    assert connection.connect(blank_url).state is SchemaState.READY


def test_newer_database_is_refused_naming_both_versions(seeded_url):
    connection.connect(seeded_url)
    database.execute_sql("UPDATE schema_version SET version = 99")
    opened = connection.connect(seeded_url)
    assert opened.state is SchemaState.TOO_NEW
    with pytest.raises(DatabaseTooNew) as exc:
        opened.require_ready()
    assert "schema version 99" in str(exc.value)
    assert f"supports up to version {migrations.LATEST}" in str(exc.value)
    with pytest.raises(DatabaseTooNew):
        connection.upgrade(opened)


def _step_adding_a_column(db):
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("company", "fax", peewee.CharField(default="")))


def test_pending_step_copies_sqlite_aside_then_upgrades(seeded_url, backend, monkeypatch):
    current = migrations.LATEST
    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, type("m", (), {
        "up": staticmethod(_step_adding_a_column)})])
    monkeypatch.setattr(migrations, "LATEST", len(migrations.STEPS))
    opened = connection.connect(seeded_url)
    assert opened.state is SchemaState.NEEDS_UPGRADE
    with pytest.raises(MigrationNeeded, match="run 'rxdesk-admin migrate'|Run 'rxdesk-admin migrate'"):
        opened.require_ready()
    result = connection.upgrade(opened)
    assert (result.from_version, result.to_version) == (current, current + 1)
    assert database.execute_sql("SELECT fax FROM company").fetchone() == ("",)
    entry = recent_entries(1)[0]
    assert (entry.action, entry.summary.split(";")[0]) == ("migrate", f"version {current} -> {current + 1}")
    assert verify_chain().intact
    if backend == "sqlite":
        import sqlite3

        copy = sqlite3.connect(result.backup)
        assert copy.execute("SELECT version FROM schema_version").fetchone() == (current,)
        assert copy.execute("SELECT legal_name FROM company").fetchone()[0].endswith("(DEMO)")
        copy.close()
    else:
        assert result.backup is None
