"""Grab the warehouse screens (inventory, locations, cycle counts) for docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots_warehouse [OUT_DIR]

Builds a throw-away demo database (the small demo business: products, lots near and
past expiry, bins, serialized stock), quarantines one package and opens a count, so
the screens show what a warehouse lead sees. Never touches the user's own data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="rxdesk-shots-"))
os.environ["RXDESK_DATA_DIR"] = str(_TMP / "data")
os.environ["RXDESK_CONFIG_DIR"] = str(_TMP / "config")
os.environ.pop("RXDESK_DB", None)

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core import connection  # noqa: E402
from core.permissions import Actor, Role  # noqa: E402
from core.queries.inventory import InventoryFilter, lot_stock, package_stock, product_stock  # noqa: E402
from core.queries.users import list_users  # noqa: E402
from core.services import counts, stock  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.screens.counts import CountsScreen  # noqa: E402
from desktop.screens.inventory import InventoryScreen, select_rows  # noqa: E402
from desktop.screens.locations import LocationsScreen  # noqa: E402
from desktop.session import Session  # noqa: E402
from tests.desktop.screenshots import ROOT, settle  # noqa: E402


def prepare(url: str) -> tuple[Actor, int, str, str]:
    """Quarantine a package of the first product and start a count of its bin with
    all but one package scanned; returns (admin, sheet id, product name, bin)."""
    opened = connection.open_demo(url, "small")
    admin = next(Actor(u.id, u.username, u.role) for u in list_users() if u.role is Role.ADMIN)
    product = product_stock(InventoryFilter(), "name", False, 0, 20)[3]
    lots = [lot for lot in lot_stock(product.product_id) if lot.status == "saleable"]
    lot = max(lots, key=lambda row: row.quantity)
    packages = package_stock(lot.lot_id, lot.location_id, 0, 50)
    stock.quarantine_packages(admin, [(product.gtin, packages[0].serial)],
                              "Crushed carton on receipt")
    sheet = counts.start_count(admin, location_code=lot.location)
    here = InventoryFilter(location_id=lot.location_id)
    seen = 0
    for item in product_stock(here, "name", False, 0, 200):
        for row in lot_stock(item.product_id, here):
            for package in package_stock(row.lot_id, row.location_id, 0, 1000):
                seen += 1
                if seen not in (3, 7):  # two packages are not on the shelf
                    counts.count_package(admin, sheet, lot.location, item.gtin, package.serial)
            if not package_stock(row.lot_id, row.location_id, 0, 1):
                counts.count_quantity(admin, sheet, lot.location, item.gtin, row.lot_number,
                                      max(0, row.quantity - 2))
    elsewhere = next(p for p in product_stock(InventoryFilter(), "name", False, 0, 50)
                     if p.product_id != product.product_id and p.saleable)
    other = next(r for r in lot_stock(elsewhere.product_id) if r.location != lot.location
                 and r.status == "saleable" and package_stock(r.lot_id, r.location_id, 0, 1))
    stray = package_stock(other.lot_id, other.location_id, 0, 1)[0]
    counts.count_package(admin, sheet, lot.location, elsewhere.gtin, stray.serial)
    counts.count_package(admin, sheet, lot.location, product.gtin, "7X4K2P9QW1")
    del opened
    return admin, sheet, product.name, lot.location


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    url = f"sqlite:///{_TMP / 'warehouse.db'}"
    admin, sheet_id, product_name, _bin = prepare(url)
    opened = connection.connect(url)
    window = MainWindow(Session(url, opened.target, actor=admin, full_name="Alex Admin"))
    window.resize(QSize(1280, 800))
    window.show()
    settle()

    window.show_screen(window.screen_titles().index("Inventory"))
    settle()
    inventory = window.screen(InventoryScreen)
    inventory.expiring_check.setChecked(True)
    settle()
    inventory.expiring_check.setChecked(False)
    settle()
    row = next(r for r in range(inventory.products.rowCount())
               if inventory.products.row_at(r).name == product_name)
    select_rows(inventory.product_table, [row])
    settle()
    quarantined = next((r for r in range(inventory.lots.rowCount())
                        if inventory.lots.row_at(r).status == "quarantined"), 0)
    select_rows(inventory.lot_table, [quarantined])
    settle()
    select_rows(inventory.package_table, [0])
    inventory.show_banner(f"Serial {inventory.packages.row_at(0).serial} · {product_name} · "
                          "Quarantined at QUARANTINE.", "warning")
    settle()
    window.grab().save(str(out / "inventory.png"))

    window.show_screen(window.screen_titles().index("Locations"))
    settle()
    window.screen(LocationsScreen).select("A-01")
    settle()
    window.grab().save(str(out / "locations.png"))

    window.show_screen(window.screen_titles().index("Cycle counts"))
    settle()
    counts_screen = window.screen(CountsScreen)
    select_rows(counts_screen.sheet_table, [counts_screen.sheets.row_of(sheet_id)])
    settle()
    window.grab().save(str(out / "counts.png"))
    window.leaving = True
    window.close()
    QApplication.processEvents()
    print(f"Saved inventory.png, locations.png, counts.png in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
