"""Grab the login dialog and the main window for docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots [OUT_DIR]

Uses a throw-away demo database; never touches the user's own data or settings.
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

from PySide6.QtCore import QEventLoop, QSize, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop.app import create_application  # noqa: E402
from desktop.screens.partners import PartnersScreen  # noqa: E402
from desktop.screens.products import ProductsScreen  # noqa: E402
from desktop.screens.users import UsersScreen  # noqa: E402
from desktop.startup import Shell  # noqa: E402
from desktop.tasks import runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def settle(ms: int = 300) -> None:
    """Let background tasks finish and their results paint."""
    loop = QEventLoop()
    while runner().pending:
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(predicate, timeout_ms: int = 60_000) -> None:
    loop, waited = QEventLoop(), 0
    while not predicate():
        if waited > timeout_ms:
            raise TimeoutError("the app did not get there in time")
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        waited += 50


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    shell = Shell(demo=True)
    shell.start()
    wait_for(lambda: shell.stage == "login")
    settle()
    login = shell.login
    login.username_edit.setText("admin")
    settle()
    login.grab().save(str(out / "login.png"))

    login.password_edit.setText("admin-demo-1")
    login.submit()
    wait_for(lambda: shell.stage == "main")
    window = shell.window
    window.session.full_name = window.session.full_name or "Alex Admin"
    window.resize(QSize(1100, 700))
    settle()
    window.grab().save(str(out / "main-window.png"))
    window.show_screen(window.screen_titles().index("Users"))
    settle()
    window.screen(UsersScreen).select("office")
    settle()
    window.grab().save(str(out / "users.png"))
    grab_products_and_partners(window, out)
    shell.quit()
    QApplication.processEvents()
    print(f"Saved login.png, main-window.png, users.png, products.png, partners.png in {out}")


def grab_products_and_partners(window, out: Path) -> None:
    window.resize(QSize(1440, 800))  # wide tables: a common laptop screen
    window.show_screen(window.screen_titles().index("Products"))
    settle()
    window.screen(ProductsScreen).table.selectRow(2)
    settle()
    window.grab().save(str(out / "products.png"))
    grab_partners(window, out)


def grab_partners(window, out: Path) -> None:
    """At 1280 x 800: a customer with a second and a retired ship-to, a license renewed
    before it ran out (the old record grey below the new one) and its own billing and
    credit terms."""
    from datetime import date, timedelta

    from core.queries.partners import partner_detail, search_partners
    from core.services.partners import (
        Address, add_address, add_evidence, renew_evidence, retire_address,
        set_customer_terms,
    )
    from core.vocab import AddressKind

    actor = window.session.actor
    pharmacy = next(r for r in search_partners("Bergen Discount") if r.is_customer)
    detail = partner_detail(pharmacy.id)
    old = next((e for e in detail.evidence if e.kind.value == "state_license"), None)
    if old is None:
        old_id = add_evidence(actor, pharmacy.id, "state_license", "RS-0041", state="NJ",
                              expiry=date.today() + timedelta(days=6))
    else:
        old_id = old.id
    renew_evidence(actor, old_id, expiry=date.today() + timedelta(days=730))
    add_address(actor, pharmacy.id, Address(AddressKind.SHIP_TO, "88 Harbor Blvd",
                                            "Hoboken", "NJ", "07030"))
    dock = add_address(actor, pharmacy.id, Address(AddressKind.SHIP_TO, "5 Old Mill Rd",
                                                   "Hoboken", "NJ", "07030"))
    retire_address(actor, dock, "store closed")
    set_customer_terms(actor, pharmacy.id, payment_terms_days=45, credit_limit="25000",
                       min_shelf_life_days=180)
    window.resize(QSize(1280, 800))
    window.show_screen(window.screen_titles().index("Partners"))
    partners = window.screen(PartnersScreen)
    partners.refresh()
    settle()
    partners.table.select_where(lambda p: p.row.id == pharmacy.id)
    settle()
    partners.detail_panel.select_evidence(partner_detail(pharmacy.id).evidence[1].id)
    settle()
    window.grab().save(str(out / "partners.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
