"""`rxdesk-admin recall --lot GTIN:LOT`: every customer who received the lot, from the
outbound DSCSA records, with returns netted out; CSV for the notices."""

import csv
import json

from core.models import Package
from core.permissions import Actor
from core.queries.users import list_users
from core.services.partners import Address, add_evidence, add_partner
from core.vocab import AddressKind
from tests.cli.selling import CUSTOMER_GLN, GTIN

ELM_GLN = "0614141000043"


def ship(cli, db: str, gln: str, quantity: int) -> dict:
    made = json.loads(cli("order", "create", "--customer", gln, "--line",
                          f"12345-678-90:{quantity}", "--json", db=db).out)
    return json.loads(cli("ship", "--order", str(made["order"]), "--auto", "--json",
                          db=db).out)


def test_recall_lists_each_customer_with_units_and_returns(cli, ready, tmp_path):
    admin = next(Actor(u.id, u.username, u.role) for u in list_users() if u.username == "admin")
    elm = add_partner(admin, "Elm Street Pharmacy", "customer", "dispenser", gln=ELM_GLN,
                      phone="609-555-0142", email="orders@elm.example", addresses=[
                          Address(AddressKind.SHIP_TO, "4 Elm Street", "Princeton", "NJ",
                                  "08540", is_default=True)])
    add_evidence(admin, elm, "state_license", "NJ-RX-2", state="NJ", expiry="2030-06-30")
    first = ship(cli, ready, CUSTOMER_GLN, 3)
    ship(cli, ready, ELM_GLN, 4)
    ship(cli, ready, CUSTOMER_GLN, 1)
    back = sorted(p.serial for p in Package.select().where(Package.status == "shipped"))[0]
    assert cli("return", "--customer", CUSTOMER_GLN, "--serial", f"{GTIN}:{back}",
               "--reason", "recall test", db=ready).code == 0
    target = tmp_path / "recall.csv"
    result = cli("recall", "--lot", f"{GTIN}:LOT7", "-o", str(target), "--json", db=ready)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert (data["lot"], data["customers"], data["units"], data["outstanding"]) == (
        "LOT7", 2, 8, 7)
    elm_row, main_row = data["recipients"]
    assert (elm_row["customer"], elm_row["units"], elm_row["phone"], elm_row["email"]) == (
        "Elm Street Pharmacy", 4, "609-555-0142", "orders@elm.example")
    assert "4 Elm Street" in elm_row["ship_to"][0]
    assert (main_row["units"], main_row["returned"], main_row["outstanding"]) == (4, 1, 3)
    assert main_row["shipments"][0] == first["number"] and len(main_row["shipments"]) == 2
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["customer"], r["outstanding"]) for r in rows] == [
        ("Elm Street Pharmacy", "4"), ("Main Street Pharmacy", "3")]
    text = cli("recall", "--lot", f"{GTIN}:LOT7", db=ready)
    assert "2 customer(s) received 8 unit(s); 7 not returned." in text.out


def test_recall_refuses_what_it_cannot_answer(cli, ready):
    for lot, message in ((f"{GTIN}:NOLOT", "NOLOT"), ("LOT7", "GTIN:LOT"),
                         ("00312345678907:LOT7", "check digit")):
        result = cli("recall", "--lot", lot, db=ready)
        assert result.code == 2 and message in result.err, result.err
    never_shipped = cli("recall", "--lot", f"{GTIN}:LOT7", "--json", db=ready)
    assert json.loads(never_shipped.out)["customers"] == 0
