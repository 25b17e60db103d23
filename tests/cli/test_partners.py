"""rxdesk-admin partners: an administrator corrects a partner's details from a shell."""

import json

from core.queries.audit import recent_entries
from core.queries.partners import partner_by_gln
from core.services.partners import Address, add_partner
from core.vocab import AddressKind

GLN = "0614141000029"
OTHER_GLN = "0614141000036"
SHIP_TO = Address(AddressKind.SHIP_TO, "12 Main St", "Trenton", "NJ", "08608")


def seed_partners(open_db, url) -> None:
    open_db(url)
    from core.permissions import Actor, Role

    admin = Actor(None, "setup", Role.ADMIN)
    add_partner(admin, "Main Street Pharmacy", "customer", "dispenser", gln=GLN,
                addresses=[SHIP_TO], phone="(609) 555-0100")
    add_partner(admin, "Acme Pharma", "supplier", "manufacturer", gln=OTHER_GLN)


def test_partners_update_changes_only_the_options_given(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    done = cli("partners", "update", GLN, "--name", "Main Street Pharmacy LLC",
               "--phone", "(609) 555-0199", db=seeded_url)
    assert done.code == 0, done.err
    assert done.out == ("Updated Main Street Pharmacy: name: 'Main Street Pharmacy' -> "
                        "'Main Street Pharmacy LLC'; phone: '(609) 555-0100' -> "
                        "'(609) 555-0199'\n")
    again = cli("partners", "update", GLN, "--phone", "(609) 555-0199", "--json",
                db=seeded_url)
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert (data["name"], data["phone"], data["roles"], data["changes"]) == (
        "Main Street Pharmacy LLC", "(609) 555-0199", "customer", {})

    moved = cli("--user", "office", "partners", "update", GLN, "--gln", "0614141000043",
                "--roles", "customer+supplier", "--json", db=seeded_url)
    assert moved.code == 0, moved.err
    assert json.loads(moved.out)["changes"] == {
        "roles": ["customer", "customer+supplier"], "gln": [GLN, "0614141000043"]}
    open_db(seeded_url)
    assert partner_by_gln(GLN) is None
    assert partner_by_gln("0614141000043").is_supplier
    entry = recent_entries(1)[0]
    assert (entry.action, entry.username) == ("update_partner", "office")


def test_partners_update_refusals_exit_2_and_change_nothing(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    before = len(recent_entries(500))
    bad = cli("partners", "update", GLN, "--gln", "0614141000013", db=seeded_url)
    assert bad.code == 2 and "check digit" in bad.err and bad.err.count("\n") == 1
    taken = cli("partners", "update", GLN, "--gln", OTHER_GLN, "--name", "X", db=seeded_url)
    assert taken.code == 2 and f"GLN '{OTHER_GLN}' already exists" in taken.err
    unknown = cli("partners", "update", "0614141000050", "--name", "X", db=seeded_url)
    assert (unknown.code, unknown.err) == (
        2, "rxdesk-admin: No trading partner with GLN '0614141000050' exists.\n")
    refused = cli("--user", "warehouse", "partners", "update", GLN, "--name", "X",
                  db=seeded_url)
    assert refused.code == 2 and "may not edit customers and suppliers" in refused.err
    nothing = cli("partners", "update", GLN, db=seeded_url)
    assert nothing.code == 2 and "nothing to change" in nothing.err
    assert cli("partners", "update", db=seeded_url).code == 2  # no GLN: usage
    open_db(seeded_url)
    assert partner_by_gln(GLN).name == "Main Street Pharmacy"
    assert len(recent_entries(500)) == before


def test_partners_deactivate_and_reactivate(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    assert cli("partners", "deactivate", OTHER_GLN, db=seeded_url).code == 2  # --reason
    done = cli("partners", "deactivate", OTHER_GLN, "--reason", "license revoked", "--json",
               db=seeded_url)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert (data["active"], data["authorized"], data["changed"]) == (False, False, True)
    assert "the partner is marked inactive" in data["atp_reasons"]
    again = cli("partners", "deactivate", OTHER_GLN, "--reason", "again", db=seeded_url)
    assert again.out == "Acme Pharma is already inactive.\n"
    back = cli("partners", "reactivate", OTHER_GLN, db=seeded_url)
    assert (back.code, back.out) == (0, "Acme Pharma is now active.\n")
    open_db(seeded_url)
    assert [e.action for e in recent_entries(2)] == ["reactivate_partner",
                                                     "deactivate_partner"]
