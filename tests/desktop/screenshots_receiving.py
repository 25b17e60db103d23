"""Grab the Receiving screen mid-receipt for docs/screenshots/receiving.png.

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots_receiving [OUT_DIR]

Builds a throw-away database (company, three bins, two products, an authorized supplier
with a confirmed PO), imports the supplier's EPCIS file through the screen (one product
in it is new) and scans three cases and a package whose label shows another lot.
Never touches the user's own data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
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
from core.services import purchasing, stock  # noqa: E402
from core.services.locations import add_bin  # noqa: E402
from core.services.partners import add_evidence, add_partner  # noqa: E402
from core.services.products import add_product  # noqa: E402
from core.services.purchasing import PoLineInput  # noqa: E402
from core.services.setup import build_demo  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.screens.receiving import ReceivingScreen  # noqa: E402
from desktop.session import Session  # noqa: E402
from tests.desktop.screenshots import ROOT, settle  # noqa: E402
from tests.epcis_documents import (  # noqa: E402
    SUPPLIER_GLN, Line, sscc, supplier_document, write_file,
)

GS = "\x1d"
ATORVASTATIN = parse_ndc("12345-678-90").gtin14()
LISINOPRIL = parse_ndc("12345-333-33").gtin14()
METFORMIN = parse_ndc("12345-444-44").gtin14()
EXPIRY = date(2028, 6, 30)


def prepare(url: str) -> tuple[Actor, Path]:
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    users = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    admin, office = users[Role.ADMIN], users[Role.OFFICE]
    add_product(admin, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count",
                strength="20 mg", dosage_form="tablet", list_price="41.50",
                standard_cost="12.25")
    add_product(admin, "12345-333-33", "Lisinopril 10 mg tablets, 100 count",
                strength="10 mg", dosage_form="tablet", list_price="18.40",
                standard_cost="6.10")
    for code, seq in (("A-01", 10), ("A-02", 20), ("B-01", 30), ("B-02", 40)):
        add_bin(admin, code, zone="A", aisle=code[:1], pick_sequence=seq)
    stock.add_opening_stock(admin, LISINOPRIL, "LIS5", date(2027, 9, 30), "B-02",
                            serials=["LIS50000001", "LIS50000002"])
    supplier = add_partner(office, "Acme Pharma Inc.", "supplier", "manufacturer",
                           gln=SUPPLIER_GLN)
    add_evidence(office, supplier, "fda_registration", "FEI-3001234567", expiry="2030-12-31")
    po_id = purchasing.create_po(office, supplier, [PoLineInput(ATORVASTATIN, 12, "12.10"),
                                                    PoLineInput(LISINOPRIL, 8, "5.95")])
    purchasing.confirm_po(office, po_id)
    number = f"PO-{po_id:06d}"
    doc = supplier_document([
        Line(ATORVASTATIN, "LOT42A", EXPIRY, 12, "Atorvastatin 20 mg tablets, 90 count"),
        Line(LISINOPRIL, "LIS7", EXPIRY, 8, "Lisinopril 10 mg tablets, 100 count"),
        Line(METFORMIN, "MET3", EXPIRY, 4, "Metformin 500 mg tablets, 100 count"),
    ], per_case=4, po=number)
    path = write_file(_TMP, doc, "ACME-ASN-0001.xml")
    del opened
    return users[Role.WAREHOUSE], path


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    url = f"sqlite:///{_TMP / 'receiving.db'}"
    clerk, path = prepare(url)
    opened = connection.connect(url)
    window = MainWindow(Session(url, opened.target, actor=clerk, full_name="Wanda Warehouse"))
    window.resize(QSize(1280, 800))
    window.show()
    settle()
    window.show_screen(window.screen_titles().index("Receiving"))
    settle()
    screen = window.screen(ReceivingScreen)
    screen.import_file(str(path))
    settle()
    for raw in (f"]C100{sscc(1)}", f"]C100{sscc(2)}", f"]C100{sscc(4)}",
                f"]d201{LISINOPRIL}17{EXPIRY:%y%m%d}10LIS8{GS}21LIS70000004"):
        screen.scan_field.submit(raw)
        settle(250)
    settle()
    window.grab().save(str(out / "receiving.png"))
    window.leaving = True
    window.close()
    QApplication.processEvents()
    print(f"Saved receiving.png in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
