"""`rxdesk-admin import-epcis` and `rxdesk-admin receive`: a supplier's file in, the delivery
received by --all or by a file of wedge-scanner lines, all or nothing."""

import json
from datetime import date

import pytest

from core.permissions import Actor
from core.queries.inventory import on_hand_rows
from core.queries.users import list_users
from core.services import purchasing
from core.services.locations import add_bin
from core.services.partners import add_evidence, add_partner
from core.services.products import add_product
from core.services.purchasing import PoLineInput
from tests.epcis_documents import SUPPLIER_GLN, Line, sscc, supplier_document, write_file

GS = "\x1d"
GTIN = "00312345678906"
GOOD = date(2028, 6, 30)


@pytest.fixture
def ready(seeded_url, open_db):
    """A product, a bin, an authorized supplier and a confirmed PO for 8 units."""
    open_db(seeded_url)
    admin = next(Actor(u.id, u.username, u.role) for u in list_users() if u.username == "admin")
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                standard_cost="12.25")
    add_bin(admin, "A-01")
    supplier = add_partner(admin, "Acme Pharma Inc.", "supplier", "manufacturer",
                           gln=SUPPLIER_GLN)
    add_evidence(admin, supplier, "fda_registration", "FEI-1", expiry="2030-12-31")
    po_id = purchasing.create_po(admin, supplier, [PoLineInput(GTIN, 8, "12.10")])
    purchasing.confirm_po(admin, po_id)
    return seeded_url, f"PO-{po_id:06d}"


def test_import_epcis_json_names_the_notice_po_and_counts(cli, ready, tmp_path):
    url, po = ready
    path = write_file(tmp_path, supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], po=po))
    done = cli("import-epcis", str(path), "--json", db=url)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert {k: data[k] for k in ("po", "supplier_gln", "products", "lots", "packages", "cases",
                                 "new_products")} == {
        "po": po, "supplier_gln": SUPPLIER_GLN, "products": 1, "lots": 1, "packages": 8,
        "cases": 2, "new_products": []}
    assert isinstance(data["asn"], int)
    again = cli("import-epcis", str(path), db=url)
    assert again.code == 0 and again.out.startswith(f"Already imported as ship notice "
                                                    f"{data['asn']}")


def test_import_epcis_refusals_exit_2_with_the_reason(cli, ready, tmp_path):
    url, _ = ready
    wrong = write_file(tmp_path, supplier_document(receiver="0614141000005"))
    done = cli("import-epcis", str(wrong), db=url)
    assert done.code == 2 and "not to us" in done.err and done.out == ""
    (tmp_path / "evil.xml").write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                                       '"file:///etc/passwd">]><x>&e;</x>')
    done = cli("import-epcis", str(tmp_path / "evil.xml"), db=url)
    assert done.code == 2 and "DOCTYPE" in done.err
    assert cli("import-epcis", str(tmp_path / "missing.xml"), db=url).code == 2
    big = write_file(tmp_path, supplier_document(), "big.xml")
    assert cli("import-epcis", str(big), "--max-size", "0", db=url).code == 2


def test_receive_all_puts_everything_expected_away(cli, ready, tmp_path):
    url, po = ready
    path = write_file(tmp_path, supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], po=po))
    asn = json.loads(cli("import-epcis", str(path), "--json", db=url).out)["asn"]
    done = cli("receive", "--asn", str(asn), "--all", "--json", db=url)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["received"] == [{"gtin": GTIN, "product": "Atorvastatin 20 mg tablets, 90 count",
                                 "lot": "LOT42A", "quantity": 8, "location": "A-01"}]
    assert (data["exceptions"], data["asn_status"], data["po_status"]) == (
        [], "received", "received")
    assert data["receipt"].startswith("RC-")


def test_receive_scans_reports_each_exception_with_its_outcome(cli, ready, tmp_path):
    url, po = ready
    path = write_file(tmp_path, supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], po=po))
    asn = json.loads(cli("import-epcis", str(path), "--json", db=url).out)["asn"]
    scans = tmp_path / "scans.txt"
    scans.write_text("\n".join([
        f"]C100{sscc(1)}",
        f"]d201{GTIN}17{GOOD:%y%m%d}10LOT99{GS}21LOT40000004",  # wrong lot on the label
        f"01{GTIN}17{GOOD:%y%m%d}10LOT42A<GS>21EXTRA1",  # not in the file, replacement GS
        "",
    ]) + "\n", encoding="utf-8")
    done = cli("receive", "--asn", str(asn), "--scans", str(scans), "--gs", "<GS>", "--final",
               "--json", db=url)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["received"][0]["quantity"] == 4
    outcomes = sorted((e["outcome"], e["quantity"], e["serial"]) for e in data["exceptions"])
    assert outcomes == [("lot_mismatch", 1, "LOT40000004"), ("overage", 1, "EXTRA1"),
                        ("shortage", 3, None)]
    assert all(e["consequence"] for e in data["exceptions"])
    assert (data["asn_status"], data["still_expected"]) == ("closed_short", 0)
    text = cli("inventory", db=url).out
    assert "quarantined" in text


def test_receive_without_final_leaves_the_rest_expected(cli, ready, tmp_path):
    url, po = ready
    path = write_file(tmp_path, supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], po=po))
    asn = json.loads(cli("import-epcis", str(path), "--json", db=url).out)["asn"]
    scans = tmp_path / "scans.txt"
    scans.write_text(f"00{sscc(1)}\n", encoding="utf-8")
    done = cli("receive", "--asn", str(asn), "--scans", str(scans), db=url)
    assert done.code == 0, done.err
    assert "Shortage" not in done.out
    assert "4 packages of the ship notice still expected" in done.out


def test_receive_scans_is_all_or_nothing(cli, ready, tmp_path):
    url, po = ready
    path = write_file(tmp_path, supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], po=po))
    asn = json.loads(cli("import-epcis", str(path), "--json", db=url).out)["asn"]
    scans = tmp_path / "scans.txt"
    scans.write_text(f"00{sscc(1)}\n00{sscc(1)}\n0100312345678907\n", encoding="utf-8")
    done = cli("receive", "--asn", str(asn), "--scans", str(scans), db=url)
    assert done.code == 2
    assert "scans.txt line 2: Case" in done.err and "already scanned" in done.err
    assert "scans.txt line 3:" in done.err and "check digit" in done.err
    assert "nothing was received" in done.err
    assert on_hand_rows() == []


def test_receive_usage_errors(cli, ready, tmp_path):
    url, po = ready
    assert cli("receive", "--asn", "1", db=url).code == 2  # neither --all nor --scans
    done = cli("receive", "--po", po, "--all", db=url)
    assert done.code == 2 and "--all needs a ship notice" in done.err
    done = cli("receive", "--asn", "999", "--all", db=url)
    assert done.code == 2 and "999" in done.err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    done = cli("receive", "--po", po, "--scans", str(empty), db=url)
    assert done.code == 2 and "holds no scans" in done.err
