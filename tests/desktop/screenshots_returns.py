"""Grab the Customer returns screen mid-return for docs/screenshots/returns.png: three
packages accepted, one refused because it was shipped to another customer.

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots_returns [OUT_DIR]

Builds a throw-away database (company, bins, two products in stock, two authorized
pharmacies, each with a shipped and invoiced order). Never touches the user's own data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="rxdesk-shots-"))
os.environ["RXDESK_DATA_DIR"] = str(_TMP / "data")
os.environ["RXDESK_CONFIG_DIR"] = str(_TMP / "config")
os.environ.pop("RXDESK_DB", None)

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core import connection  # noqa: E402
from core.ndc import parse_ndc  # noqa: E402
from core.permissions import Actor, Role  # noqa: E402
from core.queries.users import list_users  # noqa: E402
from core.services import returns, sales, shipping, stock  # noqa: E402
from core.services.locations import add_bin  # noqa: E402
from core.services.partners import Address, add_evidence, add_partner  # noqa: E402
from core.services.products import add_product  # noqa: E402
from core.services.sales import SoLineInput  # noqa: E402
from core.services.setup import build_demo  # noqa: E402
from core.vocab import AddressKind, ReturnDisposition  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.screens.returns import ReturnsScreen  # noqa: E402
from desktop.session import Session  # noqa: E402
from tests.desktop.screenshots import ROOT, settle  # noqa: E402

GS = "\x1d"
ATORVASTATIN = parse_ndc("12345-678-90").gtin14()
LISINOPRIL = parse_ndc("12345-333-33").gtin14()
TODAY = date.today()
SOON, LATER = TODAY + timedelta(days=240), TODAY + timedelta(days=600)


def datamatrix(gtin: str, lot: str, expiry: date, serial: str) -> str:
    return f"]d201{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def pharmacy(office: Actor, name: str, gln: str, street: str, city: str, zip_code: str,
             license_no: str) -> int:
    pid = add_partner(office, name, "customer", "dispenser", gln=gln, addresses=[
        Address(AddressKind.SHIP_TO, street, city, "NJ", zip_code, is_default=True)])
    add_evidence(office, pid, "state_license", license_no, state="NJ", expiry="2030-06-30")
    return pid


def prepare(url: str) -> tuple[Actor, int]:
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    users = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    admin, office, lead = users[Role.ADMIN], users[Role.OFFICE], users[Role.WAREHOUSE]
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50",
                standard_cost="12.25")
    add_product(admin, "12345-333-33", "Lisinopril 10 mg tablets, 100 count",
                strength="10 mg", dosage_form="tablet", list_price="18.40",
                standard_cost="4.10")
    for code, seq in (("A-01", 10), ("A-02", 20), ("B-01", 30), ("B-02", 40)):
        add_bin(admin, code, zone="A", aisle=code[:1], pick_sequence=seq)
    stock.add_opening_stock(admin, ATORVASTATIN, "ATV2611", SOON, "A-01",
                            serials=[f"ATV{i:06d}" for i in range(1, 9)])
    stock.add_opening_stock(admin, LISINOPRIL, "LIS5", LATER, "B-02",
                            serials=[f"LIS{i:06d}" for i in range(1, 9)])
    main_street = pharmacy(office, "Main Street Pharmacy", "0614141000029",
                           "12 Main Street", "Trenton", "08608", "NJ-RX-1")
    elm = pharmacy(office, "Elm Street Drugs", "0614141000036", "4 Elm Street", "Princeton",
                   "08540", "NJ-RX-2")
    order = sales.create_order(office, main_street, [SoLineInput(ATORVASTATIN, 4),
                                                     SoLineInput(LISINOPRIL, 2)],
                               customer_po="MS-4471")
    sales.confirm_order(office, order)
    shipping.ship_allocation(lead, order)
    other = sales.create_order(office, elm, [SoLineInput(LISINOPRIL, 2)], customer_po="E-19")
    sales.confirm_order(office, other)
    shipping.ship_allocation(lead, other)
    returns.receive_return(lead, main_street, [(ATORVASTATIN, "ATV000004")],
                           "Damaged in transit", ReturnDisposition.QUARANTINE)
    del opened
    return lead, main_street


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    url = f"sqlite:///{_TMP / 'returns.db'}"
    lead, customer_id = prepare(url)
    opened = connection.connect(url)
    window = MainWindow(Session(url, opened.target, actor=lead, full_name="Wanda Warehouse"))
    window.resize(QSize(1280, 800))
    window.show()
    settle()
    window.show_screen(window.screen_titles().index("Customer returns"))
    settle()
    screen = window.screen(ReturnsScreen)
    screen.choose_customer(customer_id)
    settle()
    for raw in (datamatrix(ATORVASTATIN, "ATV2611", SOON, "ATV000001"),
                datamatrix(ATORVASTATIN, "ATV2611", SOON, "ATV000002"),
                datamatrix(LISINOPRIL, "LIS5", LATER, "LIS000001"),
                datamatrix(LISINOPRIL, "LIS5", LATER, "LIS000003")):  # went to Elm Street
        screen.scan_field.submit(raw)
        settle(120)
    screen.reason_combo.setEditText("Ordered in error")
    settle()
    window.grab().save(str(out / "returns.png"))
    window.leaving = True
    window.close()
    QApplication.processEvents()
    print(f"Saved returns.png in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
