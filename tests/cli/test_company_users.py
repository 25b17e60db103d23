"""The company profile and user accounts, as an administrator manages them in a shell."""

import getpass
import json

from core.queries.audit import recent_entries
from core.services.auth import sign_in


def test_company_set_then_show_round_trip(cli, seeded_url, open_db):
    done = cli("company", "set", "--phone", "(973) 555-0199", "--city", "Newark",
               "--dea-expiry", "2028-01-31", db=seeded_url)
    assert done.code == 0, done.err
    assert "city: 'Edison' -> 'Newark'" in done.out

    shown = cli("company", "show", db=seeded_url)
    assert "Newark" in shown.out and "(973) 555-0199" in shown.out
    profile = json.loads(cli("company", "show", "--json", db=seeded_url).out)
    assert profile["city"] == "Newark"
    assert profile["dea_expiry"] == "2028-01-31"
    assert profile["gln"] == "0614141000012"

    open_db(seeded_url)
    entry = recent_entries(1)[0]
    assert entry.action == "update_company"
    assert entry.username == f"rxdesk-admin:{getpass.getuser()}"


def test_company_set_acts_as_the_named_user(cli, seeded_url, open_db):
    assert cli("--user", "owner", "company", "set", "--city", "Trenton", db=seeded_url).code == 0
    refused = cli("company", "set", "--city", "Camden", "--user", "warehouse", db=seeded_url)
    assert refused.code == 2
    assert "may not edit the company profile" in refused.err
    unknown = cli("--user", "nobody", "company", "set", "--city", "Camden", db=seeded_url)
    assert (unknown.code, unknown.err) == (2, "rxdesk-admin: No user 'nobody' exists.\n")
    open_db(seeded_url)
    entry = recent_entries(1)[0]
    assert (entry.username, entry.action) == ("owner", "update_company")
    assert "Trenton" in entry.summary


def test_company_set_rejects_bad_values_and_no_options(cli, seeded_url):
    bad = cli("company", "set", "--gln", "0614141000013", db=seeded_url)
    assert bad.code == 2 and "check digit 3" in bad.err
    nothing = cli("company", "set", db=seeded_url)
    assert nothing.code == 2
    assert "nothing to change" in nothing.err and nothing.err.count("\n") == 1


def test_users_add_list_disable_enable_reset_password(cli, seeded_url, password_file, open_db):
    added = cli("users", "add", "Pat", "--role", "office", "--name", "Pat Picker",
                "--password-file", password_file("temporary-pw-1"), "--json", db=seeded_url)
    assert added.code == 0, added.err
    assert json.loads(added.out)["must_change_password"] is True

    users = {u["username"]: u for u in json.loads(cli("users", "list", "--json",
                                                      db=seeded_url).out)}
    assert set(users) == {"admin", "owner", "office", "warehouse", "pat"}
    assert (users["pat"]["role"], users["pat"]["full_name"]) == ("office", "Pat Picker")
    assert "Pat Picker" in cli("users", "list", db=seeded_url).out

    assert cli("users", "disable", "pat", db=seeded_url).code == 0
    listed = cli("users", "list", db=seeded_url).out
    assert any(line.startswith("pat ") and "Disabled" in line for line in listed.splitlines())
    as_disabled = cli("--user", "pat", "users", "list", db=seeded_url)
    assert as_disabled.code == 0  # reading needs no acting user
    acting = cli("--user", "pat", "company", "set", "--city", "X", db=seeded_url)
    assert acting.code == 2 and "disabled" in acting.err

    reset = cli("users", "reset-password", "pat",
                "--password-file", password_file("another-pw-22", "new.txt"), db=seeded_url)
    assert reset.code == 0, reset.err
    assert cli("users", "enable", "pat", db=seeded_url).code == 0
    open_db(seeded_url)
    assert sign_in("pat", "another-pw-22").username == "pat"


def test_disabling_the_last_admin_is_refused(cli, seeded_url):
    done = cli("users", "disable", "admin", db=seeded_url)
    assert done.code == 2
    assert "last active administrator" in done.err
    assert json.loads(cli("users", "list", "--json", db=seeded_url).out)[0]["active"] is True


def test_users_add_refuses_short_password_and_duplicates(cli, seeded_url, password_file):
    short = cli("users", "add", "pat", "--role", "office",
                "--password-file", password_file("short"), db=seeded_url)
    assert short.code == 2 and "at least 10 characters" in short.err
    dup = cli("users", "add", "owner", "--role", "office",
              "--password-file", password_file("long-enough-pw"), db=seeded_url)
    assert dup.code == 2 and "already exists" in dup.err
    missing = cli("users", "reset-password", "ghost", db=seeded_url)
    assert missing.code == 2 and "No user 'ghost'" in missing.err
