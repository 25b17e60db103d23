"""Grab the Books screen (customers' accounts; the journal) for docs/screenshots/.

    QT_QPA_PLATFORM=offscreen python -m tests.desktop.screenshots_books [OUT_DIR] [JOURNAL_PNG]

Builds a throw-away tiny demo business, ships orders to a few customers (each invoiced
on shipping, Net 30) and records payments, so the aging shows amounts in several
buckets. The screenshot cannot wait for invoices to fall due, so while each order ships
the invoicing and posting code is told "today" is that many days ago. Never touches the
user's own data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="rxdesk-shots-"))
os.environ["RXDESK_DATA_DIR"] = str(_TMP / "data")
os.environ["RXDESK_CONFIG_DIR"] = str(_TMP / "config")
os.environ.pop("RXDESK_DB", None)

from PySide6.QtCore import QSize  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core import connection  # noqa: E402
from core.db import write_transaction  # noqa: E402
from core.errors import RxDeskError  # noqa: E402
from core.models import Partner  # noqa: E402
from core.permissions import Actor, Role  # noqa: E402
from core.queries.atp import atp_statuses  # noqa: E402
from core.queries.inventory import InventoryFilter, product_stock  # noqa: E402
from core.queries.partners import search_partners  # noqa: E402
from core.queries.users import list_users  # noqa: E402
from core.services import accounting, invoicing, sales, shipping  # noqa: E402
from core.services import accounting as accounting_module  # noqa: E402
from core.services import invoicing as invoicing_module  # noqa: E402
from core.services.accounting import Posting  # noqa: E402
from core.services.sales import SoLineInput  # noqa: E402
from core.vocab import AccountRole  # noqa: E402
from desktop.app import create_application  # noqa: E402
from desktop.main_window import MainWindow  # noqa: E402
from desktop.screens.books import BooksScreen, JournalTab  # noqa: E402
from desktop.session import Session  # noqa: E402
from tests.desktop.screenshots import ROOT, settle  # noqa: E402

# customer number -> (shipped days ago, [(product number, quantity)], paid since)
SALES = {4: (130, [(4, 2)], "0"), 0: (105, [(0, 4), (1, 2)], "0"),
         1: (70, [(2, 3)], "100.00"), 3: (40, [(1, 6)], "0"), 5: (5, [(2, 1)], "500.00"),
         2: (0, [(0, 2), (3, 5)], "0")}


class _Past(date):
    days_ago = 0

    @classmethod
    def today(cls) -> date:
        return date.today() - timedelta(days=cls.days_ago)


def _ship_days_ago(days: int, ship):
    """Run `ship()` with invoicing and posting dated `days` ago."""
    _Past.days_ago = days
    invoicing_module.date, accounting_module.date = _Past, _Past
    try:
        return ship()
    finally:
        invoicing_module.date, accounting_module.date = date, date


def prepare(url: str) -> Actor:
    connection.open_demo(url, "tiny")
    users = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    admin, office = users[Role.ADMIN], users[Role.OFFICE]
    found = [c for c in search_partners(role="customer", limit=50)
             if c.active and not c.is_supplier]
    statuses = atp_statuses([c.id for c in found])
    customers = [c for c in found if statuses[c.id].authorized]
    products = [p for p in product_stock(InventoryFilter(), "name", False, 0, 60)
                if p.saleable >= 10][:5]
    spare = iter(customers[len(SALES):])
    for n, (days_ago, lines, paid) in SALES.items():
        customer = customers[n]
        if customer.name.startswith("Desai"):  # no DEA registration: cannot buy these
            customer = next(spare)
        Partner.update(payment_terms_days=30, invoice_on_ship=True, credit_limit=0,
                       hold_past_due_days=0).where(Partner.id == customer.id).execute()
        try:
            order = sales.create_order(office, customer.id, [
                SoLineInput(products[p].gtin, q) for p, q in lines])
            sales.confirm_order(office, order)
            result = _ship_days_ago(days_ago, lambda o=order: shipping.ship_allocation(admin, o))
        except RxDeskError as exc:
            print(f"skipped {customer.name}: {exc}")
            continue
        if paid != "0":
            invoicing.record_payment(office, customer.id, paid, [result.invoice],
                                     method="check", reference=f"CHK {1040 + n}")
    # One correction, so the journal shows a reversal: a cash sale keyed twice.
    with write_transaction():
        twice = accounting.post_entry(admin, [
            Posting(AccountRole.CASH, debit=Decimal("64.00")),
            Posting(AccountRole.SALES, credit=Decimal("64.00"))], "manual",
            "Counter sale, cash (keyed twice)")
    accounting.reverse_entry(admin, twice, "entered twice")
    return admin


def main(out: Path, journal_png: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    url = f"sqlite:///{_TMP / 'books.db'}"
    admin = prepare(url)
    opened = connection.connect(url)
    window = MainWindow(Session(url, opened.target, actor=admin, full_name="Alex Admin"))
    window.resize(QSize(1280, 800))
    window.show()
    settle()
    window.show_screen(window.screen_titles().index("Books"))
    settle()
    books = window.screen(BooksScreen)
    accounts = books.tabs.currentWidget()
    owing = max(range(accounts.aging_model.rowCount()),
                key=lambda r: accounts.aging_model.row_at(r).balance)
    accounts.aging_table.selectRow(owing)
    settle()
    window.grab().save(str(out / "books.png"))
    for tab in books.pages[1:]:  # the other tabs, to look at (not for the docs)
        books.tabs.setCurrentWidget(tab)
        settle()
        window.grab().save(str(_TMP / f"books-{type(tab).__name__}.png"))
    books.show_tab(JournalTab)
    settle()
    journal = books.tab(JournalTab)
    journal.table.selectRow(0)
    settle()
    window.grab().save(str(journal_png or _TMP / "books-journal.png"))
    window.leaving = True
    window.close()
    QApplication.processEvents()
    print(f"Saved books.png in {out}; the other tabs in {_TMP}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots",
         Path(sys.argv[2]) if len(sys.argv) > 2 else None)
