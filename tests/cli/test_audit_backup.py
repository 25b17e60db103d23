"""Checking the audit trail and taking backups from the command line."""

import json
import sqlite3
import subprocess

import pytest

from core.db import database, is_postgres, parse_url
from core.queries.audit import recent_entries
from core.services import backup


def _tamper(url: str, open_db, sql: str) -> None:
    """Change the audit table behind RxDesk's back (see tests/core/test_audit.py)."""
    open_db(url)
    with database.atomic():
        if is_postgres():
            database.execute_sql("SET LOCAL session_replication_role = replica")
        else:
            database.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")
            database.execute_sql("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        database.execute_sql(sql)
    database.close()


def _entry_count(url, open_db) -> int:
    open_db(url)
    count = recent_entries(1)[0].id
    database.close()
    return count


def test_intact_audit_trail_reports_the_count(cli, seeded_url, open_db):
    assert cli("company", "set", "--city", "Newark", db=seeded_url).code == 0
    count = _entry_count(seeded_url, open_db)
    done = cli("verify-audit", db=seeded_url)
    assert (done.code, done.out) == (0, f"audit trail intact: {count} entries checked\n")
    assert json.loads(cli("verify-audit", "--json", db=seeded_url).out) == {
        "intact": True, "checked": count, "first_broken": None, "problem": ""}


@pytest.mark.parametrize("change, problem", [
    ("UPDATE audit_entry SET summary = 'nothing happened' WHERE id = {id}",
     "entry {id} was changed after it was written"),
    ("DELETE FROM audit_entry WHERE id = {id}", "entry {id} is missing"),
])
def test_tampered_audit_trail_exits_1_naming_the_entry(cli, seeded_url, open_db, change,
                                                       problem):
    for city in ("Newark", "Trenton", "Camden"):
        assert cli("company", "set", "--city", city, db=seeded_url).code == 0
    target = _entry_count(seeded_url, open_db) - 1
    _tamper(seeded_url, open_db, change.format(id=target))

    done = cli("verify-audit", db=seeded_url)
    assert done.code == 1
    assert done.out == f"audit trail BROKEN at entry {target}: {problem.format(id=target)}\n"
    result = json.loads(cli("verify-audit", "--json", db=seeded_url).out)
    assert (result["intact"], result["first_broken"]) == (False, target)


def test_backup_writes_a_restorable_copy(cli, seeded_url, backend, tmp_path, open_db):
    dest = tmp_path / ("copy.db" if backend == "sqlite" else "copy.dump")
    done = cli("backup", "--to", str(dest), "--json", db=seeded_url)
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert result["size"] == dest.stat().st_size > 0
    if backend == "sqlite":
        assert result["check"] == "integrity check ok"
        with sqlite3.connect(dest) as copy:
            name = copy.execute("SELECT legal_name FROM company").fetchone()[0]
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert name.startswith("Garden State Rx")
    else:
        listing = subprocess.run(["pg_restore", "--list", str(dest)], capture_output=True,
                                 text=True, check=True).stdout
        assert "TABLE DATA public company" in listing
        assert "TABLE DATA public audit_entry" in listing

    refused = cli("backup", "--to", str(dest), db=seeded_url)
    assert refused.code == 2 and "--force" in refused.err
    assert cli("backup", "--to", str(dest), "--force", db=seeded_url).code == 0
    assert not list(tmp_path.glob(".*.partial"))

    open_db(seeded_url)
    entry = recent_entries(1)[0]
    assert (entry.action, entry.entity) == ("backup", "database")
    assert str(dest) in entry.summary


def test_backup_needs_database_permission(cli, seeded_url, tmp_path):
    dest = tmp_path / "copy.bak"
    done = cli("--user", "owner", "backup", "--to", str(dest), db=seeded_url)
    assert done.code == 2 and "may not migrate or back up the database" in done.err
    assert not dest.exists()


@pytest.mark.backends("sqlite")
def test_sqlite_backup_refuses_to_overwrite_the_database_itself(cli, seeded_url, backend):
    path = parse_url(seeded_url).path
    done = cli("backup", "--to", str(path), "--force", db=seeded_url)
    assert done.code == 2 and "cannot replace the database" in done.err


@pytest.mark.backends("postgresql")
def test_pg_dump_gets_the_keyring_password_in_its_environment(
        cli, seeded_url, backend, tmp_path, memory_keyring, monkeypatch):
    target = parse_url(seeded_url)
    memory_keyring.set_password("RxDesk", target.keyring_key, "s3cret-in-keyring")
    calls = []
    real_run = subprocess.run

    def spy(command, **kwargs):
        calls.append((command, kwargs.get("env", {})))
        return real_run(command, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", spy)
    assert cli("backup", "--to", str(tmp_path / "x.dump"), db=seeded_url).code == 0
    command, env = calls[0]
    assert command[0].endswith("pg_dump")
    assert "s3cret-in-keyring" not in " ".join(command)
    assert env["PGPASSWORD"] == "s3cret-in-keyring"


@pytest.mark.backends("postgresql")
def test_missing_pg_dump_says_to_install_client_tools(cli, seeded_url, backend, tmp_path,
                                                      monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    done = cli("backup", "--to", str(tmp_path / "x.dump"), db=seeded_url)
    assert done.code == 2
    assert "install the PostgreSQL client tools" in done.err
    assert done.err.count("\n") == 1
