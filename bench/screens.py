"""The inventory screen itself, offscreen (issue 7: first rows <= 300 ms, a filter <=
200 ms): the real InventoryScreen on the open database, its queries on the background
worker as in the app, timed until the rows are in the table.

First rows: from choosing the screen (activating it: the main window builds its
screens at sign-in) to its product table holding the first page (and its count). Filter: from Enter in the search box (the app also searches 300 ms after the
last key; that pause is the user's, not the database's) to the filtered rows shown.
Floors: the same questions as plain SQL (bench.measure.Raw).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from bench.measure import FILTER, FIRST_ROWS, Raw, Result, median_time

TIMEOUT = 30.0


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop import theme

    app = QApplication.instance()
    if app is None:
        app = QApplication(["rxdesk-bench"])
        theme.apply(app)
    return app


def _until(app, done: Callable[[], bool]) -> None:
    from desktop.tasks import runner

    deadline = time.perf_counter() + TIMEOUT
    while not (runner().pending == 0 and done()):
        if time.perf_counter() > deadline:
            raise SystemExit("the inventory screen did not show its rows in time")
        app.processEvents()
        time.sleep(0.0005)


def run(backend: str, target, dsn: str, name_fragment: str, runs: int) -> list[Result]:
    """Time the screen on the database open in core.db (`target`, a DatabaseTarget);
    `dsn` for the floor."""
    from core.demo_data import demo_admin
    from desktop.screens.inventory import InventoryScreen
    from desktop.session import Session

    app = _app()
    session = Session(target.url, target, actor=demo_admin())
    raw = Raw(backend, dsn)
    screens = []

    def first_rows() -> float:
        # The main window builds its screens at sign-in; choosing one activates it.
        screen = InventoryScreen(session)
        screen.resize(1280, 800)
        screen.show()
        app.processEvents()
        started = time.perf_counter()
        screen.activate()
        _until(app, lambda: screen.products.rowCount() > 0)
        screens.append(screen)
        return time.perf_counter() - started

    first_rows()  # warm the caches
    first = statistics.median(first_rows() for _ in range(runs))
    screen = screens[-1]

    def search(text: str) -> Callable[[], None]:
        def go() -> None:
            screen.search_edit.setText(text)
            screen.search_edit.returnPressed.emit()
            _until(app, lambda: screen.products.rowCount() > 0
                   and screen.search_edit.text() == text)
        return go

    clear = search("")

    def filtered() -> None:
        clear()
        started = time.perf_counter()
        search(name_fragment)()
        timings.append(time.perf_counter() - started)

    timings: list[float] = []
    for _ in range(runs + 1):
        filtered()
    timings = sorted(timings[1:])  # the first warmed the caches
    for s in screens:
        s.close()
        s.deleteLater()
    app.processEvents()
    return [Result("inventory screen (Qt): first rows", backend, first,
                   median_time(raw.first_page, runs), FIRST_ROWS),
            Result(f"inventory screen (Qt): filter '{name_fragment}'", backend,
                   timings[len(timings) // 2],
                   median_time(lambda: raw.name_filter(name_fragment), runs), FILTER)]

