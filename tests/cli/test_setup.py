"""Setting up a database from the command line: init, migrate, demo, version checks."""

import json

from core import migrations, scale_data
from core.db import database
from core.models import Package
from core.queries.audit import recent_entries
from core.services.auth import sign_in

GOOD_GLN = "0614141000012"


def test_init_creates_company_and_admin_then_refuses_again(cli, blank_url, password_file,
                                                           open_db):
    pw = password_file("first-admin-pw")
    done = cli("init", "--company", "Acme Rx Supply", "--gln", GOOD_GLN, "--admin", "Boss",
               "--admin-password-file", pw, "--state", "nj", "--json", db=blank_url)
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert result["admin"] == "boss"
    assert result["schema_version"] == migrations.LATEST
    assert (result["company"]["legal_name"], result["company"]["state"]) == ("Acme Rx Supply", "NJ")

    again = cli("init", "--company", "Other", "--gln", GOOD_GLN,
                "--admin-password-file", pw, db=blank_url)
    assert again.code == 2
    assert "already holds RxDesk data" in again.err
    assert again.err.count("\n") == 1

    open_db(blank_url)
    assert sign_in("boss", "first-admin-pw").username == "boss"


def test_bad_gln_check_digit_names_the_digit_and_leaves_the_database_empty(
        cli, blank_url, password_file, open_db):
    done = cli("init", "--company", "Acme", "--gln", "0614141000013",
               "--admin-password-file", password_file("first-admin-pw"), db=blank_url)
    assert done.code == 2
    assert "check digit 3" in done.err and "should be 2" in done.err
    open_db(blank_url)
    assert migrations.schema_version() == 0


def test_init_asks_for_the_password_twice(cli, blank_url, monkeypatch):
    typed = iter(["first-admin-pw", "first-admin-pX"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    done = cli("init", "--company", "Acme", "--gln", GOOD_GLN, db=blank_url)
    assert done.code == 2
    assert "do not match" in done.err

    typed = iter(["first-admin-pw", "first-admin-pw"])
    done = cli("init", "--company", "Acme", "--gln", GOOD_GLN, db=blank_url)
    assert done.code == 0, done.err
    assert "administrator 'admin'" in done.out


def test_migrate_empty_database_then_nothing_to_do(cli, blank_url):
    first = cli("migrate", db=blank_url)
    assert first.code == 0, first.err
    assert f"schema version 0 -> {migrations.LATEST}" in first.out
    second = cli("migrate", "--json", db=blank_url)
    assert json.loads(second.out) == {"from_version": migrations.LATEST,
                                      "to_version": migrations.LATEST,
                                      "changed": False, "backup": None}
    assert cli("migrate", db=blank_url).out == f"already at version {migrations.LATEST}\n"


def test_database_from_a_newer_rxdesk_is_refused(cli, seeded_url, open_db):
    open_db(seeded_url)
    database.execute_sql("UPDATE schema_version SET version = 99")
    database.close()
    for argv in (["migrate"], ["company", "show"], ["init", "--company", "X", "--gln", GOOD_GLN]):
        done = cli(*argv, db=seeded_url)
        assert done.code == 2, argv
        assert "version 99" in done.err
        assert f"up to version {migrations.LATEST}" in done.err
        assert done.err.count("\n") == 1


def test_commands_on_an_empty_database_say_to_run_init(cli, blank_url, migrated_url):
    for url in (blank_url, migrated_url):
        done = cli("company", "show", db=url)
        assert done.code == 2
        assert "rxdesk-admin init" in done.err


def test_missing_database_file_is_not_created(cli, tmp_path):
    path = tmp_path / "typo.db"
    done = cli("users", "list", db=f"sqlite:///{path}")
    assert done.code == 2
    assert str(path) in done.err
    assert not path.exists()


def test_demo_creates_the_demo_database_and_lists_accounts(cli, tmp_path, open_db):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = cli("demo", "--scale", "tiny", "--json", db=url)
    assert done.code == 0, done.err
    result = json.loads(done.out)
    assert result["url"] == url
    assert [a["username"] for a in result["accounts"]] == ["admin", "owner", "office",
                                                          "warehouse"]
    again = cli("demo", db=url)
    assert "admin-demo-1" in again.out
    open_db(url)
    assert sign_in("office", "office-demo-1").username == "office"
    assert recent_entries(1)[0].action == "sign_in"


def test_demo_at_large_scale_builds_years_of_history(cli, tmp_path, open_db, monkeypatch):
    """`demo --scale large` takes the bulk path (core.scale_data), here at the tiny
    scale its own tests use, reporting each step on stderr."""
    from tests.core.test_scale_data import TINY

    monkeypatch.setitem(scale_data.SCALES, "large", TINY)
    url = f"sqlite:///{tmp_path / 'large.db'}"
    done = cli("demo", "--scale", "large", db=url)
    assert done.code == 0, done.err
    assert "admin-demo-1" in done.out
    for step in ("trading partners", "products", "bins", "days of history", "indexes"):
        assert f"building demo: {step} " in done.err
    open_db(url)
    assert Package.select().count() == TINY.packages


def test_demo_refuses_a_real_company(cli, tmp_path, password_file):
    url = f"sqlite:///{tmp_path / 'real.db'}"
    assert cli("init", "--company", "Acme", "--gln", GOOD_GLN,
               "--admin-password-file", password_file("first-admin-pw"), db=url).code == 0
    done = cli("demo", db=url)
    assert done.code == 2
    assert "not the demo" in done.err
