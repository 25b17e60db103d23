"""`rxdesk-admin export-epcis`: the file of a shipped shipment, whole or not at all."""

import json
import os
from datetime import date, timedelta

import pytest

from core.epcis import read_epcis
from core.models import AuditEntry
from core.permissions import Actor
from core.queries.users import list_users
from core.services import sales, shipping
from core.services.locations import add_bin
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from core.vocab import AddressKind

GTIN = "00312345678906"
CUSTOMER_GLN = "0614141000029"


@pytest.fixture
def folder(tmp_path):
    """Where the files go (the SQLite database sits in tmp_path itself)."""
    path = tmp_path / "files"
    path.mkdir()
    return path


@pytest.fixture
def orders(seeded_url, open_db):
    """Two orders of Main Street Pharmacy: one shipped (4 packages), one still packing."""
    open_db(seeded_url)
    admin = next(Actor(u.id, u.username, u.role) for u in list_users() if u.username == "admin")
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                standard_cost="12.25", list_price="41.50")
    add_bin(admin, "A-01")
    add_opening_stock(admin, GTIN, "LOT7", date.today() + timedelta(days=300), "A-01",
                      serials=[f"P{i:03d}" for i in range(10)])
    customer = add_partner(admin, "Main Street Pharmacy", "customer", "dispenser",
                           gln=CUSTOMER_GLN, addresses=[Address(
                               AddressKind.SHIP_TO, "12 Main Street", "Trenton", "NJ",
                               "08608", is_default=True)])
    add_evidence(admin, customer, "state_license", "NJ-RX-1", state="NJ", expiry="2030-06-30")
    ids = []
    for quantity in (4, 2):
        order = sales.create_order(admin, customer, [SoLineInput(GTIN, quantity)],
                                   customer_po="MS-1")
        sales.confirm_order(admin, order)
        ids.append(shipping.auto_pack(admin, order, per_carton=3))
    shipping.ship(admin, ids[0])
    return seeded_url, ids[0], ids[1]


def test_export_writes_the_file_and_says_what_is_in_it(cli, orders, folder):
    url, shipped, _ = orders
    target = folder / "out.xml"
    done = cli("export-epcis", "--shipment", str(shipped), "-o", str(target), db=url)
    assert done.code == 0, done.err
    assert f"Wrote {target}: EPCIS for SH-{shipped:06d}" in done.out
    assert "4 packages of 1 lot(s) in 2 carton(s)" in done.out
    doc = read_epcis(target)
    assert len(doc.packages()) == 4 and doc.header.receiver_gln == CUSTOMER_GLN
    assert os.listdir(folder) == ["out.xml"]

    again = cli("export-epcis", "--shipment", f"SH-{shipped:06d}", "-o", str(target),
                "--user", "warehouse", "--json", db=url)
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert (data["shipment"], data["packages"], data["cartons"], data["file"]) == (
        f"SH-{shipped:06d}", 4, 2, str(target))
    assert data["bytes"] == target.stat().st_size
    assert [e.username for e in AuditEntry.select().where(
        AuditEntry.action == "export_epcis").order_by(AuditEntry.id)][-1] == "warehouse"


@pytest.mark.parametrize("which", ["packing", "unknown", "SH-999999"])
def test_unknown_or_unshipped_shipment_exits_2_and_writes_nothing(cli, orders, folder,
                                                                  which):
    url, _, packing = orders
    shipment = {"packing": str(packing), "unknown": "9999", "SH-999999": "SH-999999"}[which]
    target = folder / "out.xml"
    done = cli("export-epcis", "--shipment", shipment, "-o", str(target), db=url)
    assert done.code == 2
    expected = "has not shipped yet" if which == "packing" else "No shipment"
    assert expected in done.err and "\n" not in done.err.strip()
    assert os.listdir(folder) == []


def test_unwritable_output_exits_2_and_leaves_no_partial_file(cli, orders, folder,
                                                              monkeypatch):
    url, shipped, _ = orders
    done = cli("export-epcis", "--shipment", str(shipped), "-o",
               str(folder / "missing" / "out.xml"), db=url)
    assert done.code == 2 and "does not exist" in done.err
    done = cli("export-epcis", "--shipment", str(shipped), "-o", str(folder), db=url)
    assert done.code == 2 and "is a folder" in done.err

    def read_only(*args, **kwargs):  # chmod does not stop root, who runs CI containers
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("core.cli_export.tempfile.NamedTemporaryFile", read_only)
    done = cli("export-epcis", "--shipment", str(shipped), "-o", str(folder / "out.xml"),
               db=url)
    assert done.code == 2 and f"Cannot write in {folder}: Permission denied" in done.err
    assert os.listdir(folder) == []
    assert not AuditEntry.select().where(AuditEntry.action == "export_epcis").exists()


def test_a_failure_while_writing_removes_the_temporary_file(cli, orders, folder,
                                                            monkeypatch):
    url, shipped, _ = orders

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("core.services.epcis_export.write_epcis", disk_full)
    target = folder / "out.xml"
    target.write_text("the previous export")
    done = cli("export-epcis", "--shipment", str(shipped), "-o", str(target), db=url)
    assert done.code == 2 and "No space left on device" in done.err
    assert os.listdir(folder) == ["out.xml"] and target.read_text() == "the previous export"
