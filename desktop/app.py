"""`rxdesk [--db URL] [--demo]`: the desktop app's entry point."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core.db import close_database
from desktop import theme
from desktop.startup import Shell
from desktop.tasks import runner
from desktop.version import app_version


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rxdesk", description="RxDesk: ERP, warehouse and DSCSA compliance.")
    parser.add_argument("--db", metavar="URL",
                        help="database address: sqlite:///PATH.db or "
                             "postgresql://USER@HOST:PORT/NAME (overrides $RXDESK_DB and "
                             "the saved connection)")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo database (created on first use)")
    return parser


def create_application(qt_args: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(["rxdesk", *(qt_args or [])])
    app.setApplicationName("RxDesk")
    app.setOrganizationName("RxDesk")
    app.setApplicationVersion(app_version())
    theme.apply(app)
    # The shell decides when to quit: between steps no window may be visible.
    app.setQuitOnLastWindowClosed(False)
    return app


def main(argv: list[str] | None = None) -> int:
    """`argv` without the program name (default: sys.argv[1:])."""
    logging.basicConfig(level=logging.WARNING)
    args, qt_args = build_parser().parse_known_args(sys.argv[1:] if argv is None else argv)
    app = create_application(qt_args)
    shell = Shell(args.db, args.demo)
    shell.finished.connect(app.quit)
    QTimer.singleShot(0, shell.start)
    code = app.exec()
    runner().run(None, close_database)  # the worker thread holds the connection
    runner().wait_idle(10_000)
    return code


if __name__ == "__main__":
    sys.exit(main())
