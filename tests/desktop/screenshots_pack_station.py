"""Grab the Pack station mid-packing for docs/screenshots/pack-station.png, and the same
order after a refused scan (a short-dated package) into a temporary folder for review.

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots_pack_station [OUT_DIR]

Builds a throw-away database (company, bins, three products in stock, an authorized
pharmacy with two allocated orders), opens one by its order number as the pick list's
barcode reads, and scans packages into two cartons. Never touches the user's own data.
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
from core.models import Partner  # noqa: E402
from core.ndc import parse_ndc  # noqa: E402
from core.permissions import Actor, Role  # noqa: E402
from core.queries.users import list_users  # noqa: E402
from core.services import sales, stock  # noqa: E402
from core.services.locations import add_bin  # noqa: E402
from core.services.partners import Address, add_evidence, add_partner  # noqa: E402
from core.services.products import add_product  # noqa: E402
from core.services.sales import SoLineInput  # noqa: E402
from core.services.setup import build_demo  # noqa: E402
from core.vocab import AddressKind  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.screens.pack_station import PackStationScreen  # noqa: E402
from desktop.session import Session  # noqa: E402
from tests.desktop.screenshots import ROOT, settle  # noqa: E402

GS = "\x1d"
ATORVASTATIN = parse_ndc("12345-678-90").gtin14()
LISINOPRIL = parse_ndc("12345-333-33").gtin14()
WATER = parse_ndc("12345-111-11").gtin14()
TODAY = date.today()
SOON, LATER = TODAY + timedelta(days=240), TODAY + timedelta(days=600)


def datamatrix(gtin: str, lot: str, expiry: date, serial: str) -> str:
    return f"]d201{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def prepare(url: str) -> tuple[Actor, str]:
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    users = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    admin, office = users[Role.ADMIN], users[Role.OFFICE]
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50")
    add_product(admin, "12345-333-33", "Lisinopril 10 mg tablets, 100 count",
                strength="10 mg", dosage_form="tablet", list_price="18.40")
    add_product(admin, "12345-111-11", "Sterile water for injection 10 mL vial",
                serialized=False, list_price="1.10")
    for code, seq in (("A-01", 10), ("A-02", 20), ("B-01", 30), ("B-02", 40)):
        add_bin(admin, code, zone="A", aisle=code[:1], pick_sequence=seq)
    stock.add_opening_stock(admin, ATORVASTATIN, "ATV2611", SOON, "A-01",
                            serials=[f"ATV{i:06d}" for i in range(1, 9)])
    stock.add_opening_stock(admin, ATORVASTATIN, "ATV2704", LATER, "A-02",
                            serials=[f"ATW{i:06d}" for i in range(1, 9)])
    stock.add_opening_stock(admin, LISINOPRIL, "LIS5", LATER, "B-02",
                            serials=[f"LIS{i:06d}" for i in range(1, 9)])
    stock.add_opening_stock(admin, WATER, "W2290", LATER, "B-01", quantity=200)
    stock.add_opening_stock(admin, LISINOPRIL, "LIS4", TODAY + timedelta(days=20), "B-01",
                            serials=["LIS4000001"])
    pharmacy = add_partner(office, "Main Street Pharmacy", "customer", "dispenser",
                           gln="0614141000029", addresses=[
                               Address(AddressKind.SHIP_TO, "12 Main Street", "Trenton",
                                       "NJ", "08608", is_default=True)])
    add_evidence(office, pharmacy, "state_license", "NJ-RX-1", state="NJ",
                 expiry="2030-06-30")
    Partner.update(min_shelf_life_days=90).where(Partner.id == pharmacy).execute()
    elm = add_partner(office, "Elm Street Drugs", "customer", "dispenser",
                      gln="0614141000036", addresses=[
                          Address(AddressKind.SHIP_TO, "4 Elm Street", "Princeton", "NJ",
                                  "08540", is_default=True)])
    add_evidence(office, elm, "state_license", "NJ-RX-2", state="NJ", expiry="2030-06-30")
    order = sales.create_order(office, pharmacy, [SoLineInput(ATORVASTATIN, 10),
                                                  SoLineInput(LISINOPRIL, 4),
                                                  SoLineInput(WATER, 50)],
                               customer_po="MS-4471")
    sales.confirm_order(office, order)
    other = sales.create_order(office, elm, [SoLineInput(LISINOPRIL, 2)], customer_po="E-19")
    sales.confirm_order(office, other)
    del opened
    return users[Role.WAREHOUSE], f"SO-{order:06d}"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    url = f"sqlite:///{_TMP / 'pack.db'}"
    lead, number = prepare(url)
    opened = connection.connect(url)
    window = MainWindow(Session(url, opened.target, actor=lead, full_name="Wanda Warehouse"))
    window.resize(QSize(1280, 800))
    window.show()
    settle()
    window.show_screen(window.screen_titles().index("Pack station"))
    settle()
    screen = window.screen(PackStationScreen)
    screen.scan_field.submit(f"]C0{number}")
    settle()
    scans = [datamatrix(ATORVASTATIN, "ATV2611", SOON, f"ATV{i:06d}") for i in range(1, 9)]
    scans += [f"]C101{WATER}10W2290{GS}3050"]
    for raw in scans:
        screen.scan_field.submit(raw)
        settle(120)
    screen.new_carton()
    settle()
    for i in (1, 2):
        screen.scan_field.submit(datamatrix(LISINOPRIL, "LIS5", LATER, f"LIS{i:06d}"))
        settle(120)
    screen.scan_field.submit(datamatrix(ATORVASTATIN, "ATV2704", LATER, "ATW000001"))
    settle()
    window.grab().save(str(out / "pack-station.png"))
    screen.scan_field.submit(datamatrix(LISINOPRIL, "LIS4", TODAY + timedelta(days=20),
                                        "LIS4000001"))
    settle()
    refused = _TMP / "pack-station-refused.png"
    window.grab().save(str(refused))
    window.leaving = True
    window.close()
    QApplication.processEvents()
    print(f"Saved pack-station.png in {out}; the refused scan in {refused}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
