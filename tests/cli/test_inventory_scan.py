"""`rxdesk-admin inventory` and `rxdesk-admin scan`: what is on the shelf, and what a
barcode says (with or without a database to name the product)."""

import json
from datetime import date

import pytest

from core import settings
from core.permissions import Actor
from core.queries.users import list_users
from core.services.locations import add_bin
from core.services.products import add_product
from core.services.stock import add_opening_stock

GS = "\x1d"
GTIN = "00312345678906"  # NDC 12345-678-90
UNKNOWN_GTIN = "00370010491014"
SSCC = "006141410000000012"
NULLS = {"gtin": None, "ndc": None, "serial": None, "lot": None, "expiry": None,
         "sscc": None, "product": None}


@pytest.fixture
def stocked(seeded_url, open_db):
    """Atorvastatin (serialized) in two bins, sterile water (not serialized) in one."""
    open_db(seeded_url)
    admin = next(Actor(u.id, u.username, u.role) for u in list_users() if u.username == "admin")
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count")
    add_product(admin, "12345-111-11", "Sterile water 10 mL vial", serialized=False)
    add_bin(admin, "A-01")
    add_bin(admin, "B-01")
    add_opening_stock(admin, GTIN, "LOT42", date(2027, 5, 31), "A-01", serials=["S1", "S2"])
    add_opening_stock(admin, GTIN, "LOT42", date(2027, 5, 31), "B-01", serials=["S3"])
    add_opening_stock(admin, "00312345111113", "W7", date(2026, 12, 31), "A-01",
                      quantity=1200)
    return seeded_url


def test_inventory_json_lists_every_balance(cli, stocked):
    done = cli("inventory", "--json", db=stocked)
    assert done.code == 0, done.err
    assert json.loads(done.out) == [
        {"ndc": "12345-678-90", "gtin": GTIN, "product": "Atorvastatin 20 mg tablets, 90 count",
         "lot": "LOT42", "expiry": "2027-05-31", "location": "A-01", "status": "saleable",
         "quantity": 2},
        {"ndc": "12345-678-90", "gtin": GTIN, "product": "Atorvastatin 20 mg tablets, 90 count",
         "lot": "LOT42", "expiry": "2027-05-31", "location": "B-01", "status": "saleable",
         "quantity": 1},
        {"ndc": "12345-111-11", "gtin": "00312345111113", "product": "Sterile water 10 mL vial",
         "lot": "W7", "expiry": "2026-12-31", "location": "A-01", "status": "saleable",
         "quantity": 1200},
    ]


def test_inventory_table_is_aligned(cli, stocked, seeded_url):
    lines = cli("inventory", db=stocked).out.splitlines()
    assert lines[0].split() == ["NDC", "LOT", "EXPIRY", "LOCATION", "STATUS", "QTY", "PRODUCT"]
    assert lines[3].split()[:6] == ["12345-111-11", "W7", "2026-12-31", "A-01", "saleable",
                                    "1,200"]
    product_at, qty_end = lines[0].index("PRODUCT"), lines[0].index("QTY") + 3
    for line, qty, name in zip(lines[1:], ("2", "1", "1,200"), (
            "Atorvastatin", "Atorvastatin", "Sterile water")):
        assert line[product_at:].startswith(name)
        assert line[:qty_end].endswith(" " + qty)  # quantities right-aligned under QTY


def test_inventory_of_an_empty_warehouse(cli, seeded_url):
    assert cli("inventory", db=seeded_url).out == "no stock on hand\n"
    assert json.loads(cli("inventory", "--json", db=seeded_url).out) == []


FULL = {"gtin": GTIN, "ndc": "12345-678-90", "serial": "S1", "lot": "LOT42",
        "expiry": "2027-05-31", "sscc": None, "product": "Atorvastatin 20 mg tablets, 90 count"}


@pytest.mark.parametrize("data", [
    f"01{GTIN}21S1{GS}17270531{GS}10LOT42",
    f"]d201{GTIN}21S1{GS}1727053110LOT42\r\n",
    f"(01){GTIN}(21)S1(17)270531(10)LOT42",
])
def test_scan_a_package_with_the_database(cli, stocked, data):
    done = cli("scan", data, "--json", db=stocked)
    assert done.code == 0, done.err
    assert json.loads(done.out) == FULL


def test_scan_plain_gtin_sscc_and_unknown_gtin(cli, stocked):
    plain = json.loads(cli("scan", "312345678906", "--json", db=stocked).out)
    assert plain == {**NULLS, "gtin": GTIN, "ndc": "12345-678-90",
                     "product": "Atorvastatin 20 mg tablets, 90 count"}
    case = json.loads(cli("scan", f"]C100{SSCC}", "--json", db=stocked).out)
    assert case == {**NULLS, "sscc": SSCC}
    unknown = cli("scan", f"01{UNKNOWN_GTIN}21X9{GS}10L1", "--json", db=stocked)
    assert unknown.code == 0 and unknown.err == ""
    assert json.loads(unknown.out) == {**NULLS, "gtin": UNKNOWN_GTIN, "serial": "X9",
                                       "lot": "L1"}


def test_scan_text_output(cli, stocked):
    done = cli("scan", f"(01){GTIN}(21)S1(17)270531(10)LOT42", db=stocked)
    assert done.out.splitlines() == [
        f"GTIN:     {GTIN}", "NDC:      12345-678-90", "Serial:   S1", "Lot:      LOT42",
        "Expiry:   2027-05-31", "SSCC:     -",
        "Product:  Atorvastatin 20 mg tablets, 90 count"]


def test_a_bad_scan_exits_2_with_the_reason(cli, stocked, tmp_path):
    bad = cli("scan", f"0100312345678907{GS}21S1", "--json", db=stocked)
    assert (bad.code, bad.out) == (2, "")
    assert bad.err == ("rxdesk-admin: GTIN 00312345678907 has check digit 7; it should be 6 — "
                       "the label may be damaged or mis-scanned.\n")
    no_db = cli("scan", "0100312345678907", db=f"sqlite:///{tmp_path / 'none.db'}")
    assert no_db.code == 2 and "check digit 7" in no_db.err


def test_scan_without_any_database(cli, seeded_url, tmp_path):
    missing = tmp_path / "none.db"
    done = cli("scan", f"01{GTIN}21S1{GS}17270531{GS}10LOT42", "--json",
               db=f"sqlite:///{missing}")
    assert done.code == 0
    assert json.loads(done.out) == {**FULL, "ndc": None, "product": None}
    assert done.err.startswith("rxdesk-admin: no product lookup: There is no database file")
    assert not missing.exists()
    offline = cli("scan", f"00{SSCC}", "--no-db", "--json", db=seeded_url)
    assert (offline.code, offline.err) == (0, "")
    assert json.loads(offline.out) == {**NULLS, "sscc": SSCC}


def test_group_separator_replacement(cli, stocked, tmp_path, monkeypatch):
    data = f"01{GTIN}21S1<GS>17270531<GS>10LOT42"
    assert json.loads(cli("scan", data, "--gs", "<GS>", "--json", db=stocked).out) == FULL
    monkeypatch.setenv("RXDESK_CONFIG_DIR", str(tmp_path / "config"))
    settings.save(settings.WorkstationSettings(gs_replacement="^"))
    caret = cli("scan", data.replace("<GS>", "^"), "--json", db=stocked)
    assert json.loads(caret.out) == FULL
    unreplaced = cli("scan", data, "--json", db=stocked)
    assert unreplaced.code == 2 and "serial number" in unreplaced.err
