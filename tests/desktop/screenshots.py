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
    window.show_screen(window.screen_titles().index("Partners"))
    settle()
    partners = window.screen(PartnersScreen)
    # A partner whose license expires soon shows the warning and the coloured rows.
    if not partners.table.select_where(lambda p: bool(p.atp.warnings)):
        partners.table.selectRow(0)
    settle()
    window.grab().save(str(out / "partners.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
