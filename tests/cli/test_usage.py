"""How rxdesk-admin reports mistakes: exit codes and one-line messages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import migrations


@pytest.mark.parametrize("argv, names", [
    ([], "SUBCOMMAND"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["users"], "ACTION"),
    (["users", "add", "pat"], "--role"),
    (["users", "add", "pat", "--role", "boss"], "invalid choice: 'boss'"),
    (["--bogus", "users", "list"], "--bogus"),
    (["backup"], "--to"),
    (["company", "set", "--phone"], "--phone"),
])
def test_usage_errors_exit_2_with_one_line(cli, argv, names):
    done = cli(*argv)
    assert done.code == 2
    assert done.out == ""
    assert done.err.count("\n") == 1 and done.err.startswith("rxdesk-admin")
    assert names in done.err


def test_version_and_help(cli):
    done = cli("--version")
    assert done.code == 0
    assert f"schema version {migrations.LATEST}" in done.out
    helped = cli("users", "--help")
    assert helped.code == 0 and "reset-password" in helped.out


def test_unexpected_error_is_one_line_unless_debug(cli, seeded_url, monkeypatch):
    def broken():
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("core.cli.list_users", broken)
    done = cli("users", "list", db=seeded_url)
    assert done.code == 1
    assert done.err == "rxdesk-admin: unexpected error: ZeroDivisionError: division by zero\n"
    debug = cli("users", "list", "--debug", db=seeded_url)
    assert debug.code == 1
    assert "Traceback" in debug.err and debug.err.endswith("division by zero\n")


def test_database_url_comes_from_the_environment(cli, seeded_url, monkeypatch):
    monkeypatch.setenv("RXDESK_DB", seeded_url)
    done = cli("users", "list", "--json")
    assert done.code == 0, done.err
    assert len(json.loads(done.out)) == 4
    bad = cli("--db", "mysql://x/y", "users", "list")
    assert bad.code == 2 and "sqlite:/// or postgresql://" in bad.err


def test_installed_script(seeded_url, tmp_path):
    script = Path(sys.executable).with_name("rxdesk-admin")
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    env.pop("RXDESK_DB", None)
    done = subprocess.run([str(script), "--db", seeded_url, "verify-audit", "--json"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["intact"] is True
    wrong = subprocess.run([str(script), "users", "list", "--db",
                            f"sqlite:///{tmp_path / 'none.db'}"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert wrong.returncode == 2
    assert wrong.stderr.count("\n") == 1 and "none.db" in wrong.stderr
