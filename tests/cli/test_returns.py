"""`rxdesk-admin return`: a customer's returned packages scanned back in, verified, and
credited; a package that fails verification refuses the whole return."""

import json

from core.models import CustomerReturn, Package
from tests.cli.selling import CUSTOMER_GLN, GTIN, scan


def shipped_order(cli, db: str) -> dict:
    made = json.loads(cli("order", "create", "--customer", CUSTOMER_GLN, "--line",
                          "12345-678-90:3", "--json", db=db).out)
    return json.loads(cli("ship", "--order", str(made["order"]), "--auto", "--json",
                          db=db).out)


def shipped_serials() -> list[str]:
    return sorted(p.serial for p in Package.select().where(Package.status == "shipped"))


def test_return_by_scans_restocks_and_credits(cli, ready, tmp_path):
    shipment = shipped_order(cli, ready)
    back = shipped_serials()[:2]
    scans = tmp_path / "returned.txt"
    scans.write_text("".join(scan(s) + "\n" for s in back), encoding="utf-8")
    done = cli("return", "--customer", CUSTOMER_GLN, "--scans", str(scans), "--reason",
               "ordered too many", "--json", db=ready)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert (data["number"], data["shipment"], data["packages"], data["disposition"],
            data["value"], data["credit"]) == ("RET-000001", shipment["number"], 2, "restock",
                                               "24.50", "83.00")
    assert data["credit_memo"].startswith("CM-")
    assert {p.status for p in Package.select().where(Package.serial.in_(back))} == {"saleable"}


def test_return_quarantine_by_serial_in_plain_text(cli, ready):
    shipped_order(cli, ready)
    serial = shipped_serials()[0]
    done = cli("return", "--customer", CUSTOMER_GLN, "--serial", f"{GTIN}:{serial}",
               "--reason", "crushed", "--quarantine", db=ready)
    assert done.code == 0, done.err
    assert "to quarantine" in done.out and "credit memo CM-" in done.out
    assert Package.get(Package.serial == serial).status == "quarantined"


def test_bad_returns_are_refused_whole(cli, ready, tmp_path):
    shipped_order(cli, ready)
    good = shipped_serials()[0]
    scans = tmp_path / "returned.txt"
    scans.write_text(scan(good) + "\n" + scan("P009") + "\n", encoding="utf-8")  # P009 never left
    refused = cli("return", "--customer", CUSTOMER_GLN, "--scans", str(scans), "--reason",
                  "x", db=ready)
    assert refused.code == 2
    assert "serial P009 was not shipped to Main Street Pharmacy" in refused.err
    unreadable = tmp_path / "bad.txt"
    unreadable.write_text(f"01{GTIN}21{good}\n", encoding="utf-8")
    refused = cli("return", "--customer", CUSTOMER_GLN, "--scans", str(unreadable),
                  "--reason", "x", db=ready)
    assert refused.code == 2 and "line 1" in refused.err and "lot number" in refused.err
    for argv, message in ((["--serial", "nonsense"], "is not GTIN:SERIAL"),
                          (["--serial", f"{GTIN}:{good}", "--quarantine", "--bin", "A-01"],
                           "choose one"),
                          (["--serial", f"{GTIN}:{good}", "--customer", "0000000000000"],
                           "")):
        base = ["return", "--customer", CUSTOMER_GLN, "--reason", "x"]
        result = cli(*base, *argv, db=ready)
        assert result.code == 2 and message in result.err
    assert CustomerReturn.select().count() == 0
    assert Package.get(Package.serial == good).status == "shipped"
