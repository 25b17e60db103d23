"""`rxdesk-admin trace --serial GTIN:SERIAL | --lot GTIN:LOT`: a package's or a lot's DSCSA
history as JSON or a table; a malformed argument or an unknown package exits 2."""

import json
from datetime import date

import pytest

from core.permissions import Actor
from core.queries.users import list_users
from core.services import purchasing, receiving
from core.services.epcis_import import import_epcis
from core.services.locations import add_bin
from core.services.partners import add_evidence, add_partner
from core.services.products import add_product
from core.services.purchasing import PoLineInput
from core.services.receiving import Delivery
from tests.epcis_documents import SUPPLIER_GLN, Line, sscc, supplier_document, write_file

GTIN = "00312345678906"
GOOD = date(2028, 6, 30)
EVENT_KEYS = {"at", "type", "from", "to", "location", "document", "user", "detail"}


@pytest.fixture
def received(seeded_url, open_db, tmp_path):
    """Ship notice ACME-2026-0001 for 8 packages of LOT42A, all received into A-01."""
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
    doc = supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], po=f"PO-{po_id:06d}")
    delivery = Delivery(asn_id=import_epcis(admin, write_file(tmp_path, doc)).asn_id)
    receiving.scan_everything_expected(admin, delivery.asn_id)
    posted = receiving.post_receipt(admin, delivery)
    return seeded_url, posted.number


def test_trace_serial_json_has_the_package_and_its_events(cli, received):
    url, receipt = received
    done = cli("trace", "--serial", f"{GTIN}:LOT40000001", "--json", db=url)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert {k: data[k] for k in ("gtin", "ndc", "product", "serial", "lot", "expiry",
                                 "status", "location")} == {
        "gtin": GTIN, "ndc": "12345-678-90", "product": "Atorvastatin 20 mg tablets, 90 count",
        "serial": "LOT40000001", "lot": "LOT42A", "expiry": "2028-06-30",
        "status": "saleable", "location": "A-01"}
    assert data["containers"] == [sscc(1)]
    assert [e["type"] for e in data["events"]] == ["ship notice received", "received",
                                                   "put away"]
    assert all(set(e) == EVENT_KEYS for e in data["events"])
    notice, arrival, _ = data["events"]
    assert notice["document"].startswith("ACME-2026-0001 (supplier.xml, sha256 ")
    assert (arrival["document"], arrival["from"]) == (
        receipt, f"Acme Pharma Inc. (GLN {SUPPLIER_GLN})")
    assert arrival["at"].endswith("+00:00")


def test_trace_lot_json_and_table(cli, received):
    url, receipt = received
    done = cli("trace", "--lot", f"{GTIN}:LOT42A", "--json", db=url)
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert (data["lot"], data["status"], data["location"]) == ("LOT42A", "8 saleable", "A-01")
    assert data["totals"]["received"] == 8 and data["totals"]["on_hand"] == 8
    assert [(e["type"], e["quantity"]) for e in data["events"]] == [
        ("ship notice received", 8), ("received", 8), ("put away", 8)]
    table = cli("trace", "--lot", f"{GTIN}:LOT42A", db=url)
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[1].startswith("Product:  Atorvastatin 20 mg tablets, 90 count (NDC 12345-678-90")
    header = next(line for line in lines if line.startswith("WHEN"))
    assert header.split() == ["WHEN", "EVENT", "QTY", "FROM", "TO", "LOCATION", "DOCUMENT",
                              "USER"]
    arrival = next(line for line in lines if receipt in line and "SUPPLIER -> RECEIVING" in line)
    assert "Acme Pharma Inc.  us" in arrival


@pytest.mark.parametrize("argv, message", [
    (("--serial", f"{GTIN}-LOT40000001"), "--serial takes GTIN:SERIAL"),
    (("--serial", f"{GTIN}:"), "--serial takes GTIN:SERIAL"),
    (("--lot", "LOT42A"), "--lot takes GTIN:LOT"),
])
def test_trace_bad_form_exits_2_naming_the_form(cli, received, argv, message):
    url, _ = received
    done = cli("trace", *argv, db=url)
    assert done.code == 2 and done.out == ""
    assert message in done.err and len(done.err.strip().splitlines()) == 1


def test_trace_needs_exactly_one_of_serial_or_lot(cli, received):
    url, _ = received
    both = cli("trace", "--serial", f"{GTIN}:X", "--lot", f"{GTIN}:Y", db=url)
    assert both.code == 2 and "not allowed with argument" in both.err
    assert cli("trace", db=url).code == 2


def test_trace_unknown_serial_or_bad_gtin_exits_2(cli, received):
    url, _ = received
    unknown = cli("trace", "--serial", f"{GTIN}:NOPE", db=url)
    assert unknown.code == 2 and "No package 'GTIN 00312345678906 serial NOPE" in unknown.err
    bad = cli("trace", "--serial", "00312345678907:LOT40000001", db=url)
    assert bad.code == 2 and "check digit" in bad.err
