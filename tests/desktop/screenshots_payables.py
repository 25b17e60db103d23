"""Grab the Supplier bills screen for docs/screenshots/ (and, to look at, the Enter bill
dialog and the Books chart of accounts).

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots_payables [OUT_DIR]

Builds a throw-away company, orders from three suppliers, receives each order from the
supplier's file and enters their bills (some dated weeks ago so the aging has amounts
past due, one with costs above the PO), pays a few. Never touches the user's own data.
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
from core.db import close_database  # noqa: E402
from core.permissions import Actor, Role  # noqa: E402
from core.queries.users import list_users  # noqa: E402
from core.services import payables  # noqa: E402
from core.services.accounting import add_account  # noqa: E402
from core.services.payables import BillLineInput  # noqa: E402
from core.services.setup import build_demo  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.screens.books import BooksScreen, ChartOfAccountsTab  # noqa: E402
from desktop.screens.supplier_bills import SupplierBillsScreen  # noqa: E402
from desktop.session import Session  # noqa: E402
from tests.desktop.screenshots import ROOT, settle  # noqa: E402
from tests.payables_data import (ATORVASTATIN, LISINOPRIL, Ordered,  # noqa: E402
                                 authorized_supplier, received_po)

TODAY = date.today()
METFORMIN = ("23155-102-01", "Metformin HCl 500 mg tablets, 1000 count", "18.60")
AMLODIPINE = ("68180-720-03", "Amlodipine besylate 5 mg tablets, 500 count", "9.75")
MERIDIAN, NORTHWIND = "0614141000074", "0614141000081"


def prepare(url: str) -> Actor:
    opened = connection.connect(url)
    connection.upgrade(opened)
    build_demo(opened.target.display_name)
    actors = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    office, folder = actors[Role.OFFICE], _TMP / "files"
    folder.mkdir()
    authorized_supplier(actors)
    authorized_supplier(actors, "Meridian Generics LLC", MERIDIAN)
    authorized_supplier(actors, "Northwind Pharmaceuticals", NORTHWIND)

    def bill(po: str, number: str, lines, days_ago: int, paid: str = "") -> None:
        made = payables.enter_bill(office, po, number, [BillLineInput(*x) for x in lines],
                                   bill_date=TODAY - timedelta(days=days_ago))
        if paid:
            payables.pay_bill(office, made, paid, method="check", reference=f"CHK {number[-4:]}")

    old = received_po(actors, folder, [Ordered(METFORMIN, 20, "18.40", 20)], MERIDIAN)
    bill(old, "MG-INV-40117", [(1, 20, "18.40")], 95, paid="150.00")
    late = received_po(actors, folder, [Ordered(AMLODIPINE, 40, "9.60", 40)], NORTHWIND)
    bill(late, "NW-88213", [(1, 40, "9.60")], 48)
    acme = received_po(actors, folder, [Ordered(ATORVASTATIN, 24, "12.10", 24),
                                        Ordered(LISINOPRIL, 30, "4.00", 30)])
    bill(acme, "ACME-9001", [(1, 24, "12.35"), (2, 30, "3.95")], 12, paid="120.00")
    second = received_po(actors, folder, [Ordered(ATORVASTATIN, 12, "12.10", 12)])
    bill(second, "ACME-9047", [(1, 12, "12.10")], 3)
    paid = received_po(actors, folder, [Ordered(METFORMIN, 10, "18.40", 10)], MERIDIAN)
    bill(paid, "MG-INV-40388", [(1, 10, "18.40")], 20, paid="184.00")
    received_po(actors, folder, [Ordered(LISINOPRIL, 50, "4.00", 36),
                                 Ordered(AMLODIPINE, 20, "9.60", 20)])  # waiting for its bill
    add_account(actors[Role.ADMIN], "6100", "Freight in", "expense")
    close_database()
    return actors[Role.OWNER]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    url = f"sqlite:///{_TMP / 'payables.db'}"
    owner = prepare(url)
    opened = connection.connect(url)
    window = MainWindow(Session(url, opened.target, actor=owner, full_name="Olivia Owner"))
    window.resize(QSize(1280, 800))
    window.show()
    settle()
    window.show_screen(window.screen_titles().index("Supplier bills"))
    settle()
    screen = window.screen(SupplierBillsScreen)
    screen.table.select_where(lambda r: r.number == "ACME-9001")
    settle()
    window.grab().save(str(out / "supplier-bills.png"))

    screen.enter_button.click()
    settle()
    dialog = screen.dialog
    dialog.number_edit.setText("ACME-9112")
    model = dialog.lines_model
    model.setData(model.index(0, model.COST), "4.05")
    settle()
    dialog.grab().save(str(_TMP / "enter-bill.png"))
    dialog.reject()
    screen.pay_bill()  # ACME-9001, still selected
    settle()
    screen.dialog.grab().save(str(_TMP / "pay-bill.png"))
    screen.dialog.reject()

    window.show_screen(window.screen_titles().index("Books"))
    settle()
    window.screen(BooksScreen).show_tab(ChartOfAccountsTab)
    settle()
    window.grab().save(str(_TMP / "chart-of-accounts.png"))
    window.leaving = True
    window.close()
    QApplication.processEvents()
    print(f"Saved supplier-bills.png in {out}; the dialogs and the chart in {_TMP}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
