"""App start to the login dialog (issue 7: <= 2 s), measured as a user sees it: from
launching the process to the sign-in dialog on screen (offscreen Qt).

The parent starts `python -m bench.startup --child URL`, which runs the real entry
point (desktop.app.main) with an application event filter that reports the moment a
LoginDialog is shown and exits. The floor is a bare PySide6 process that shows an empty
QDialog: interpreter, Qt and the platform plugin, nothing of RxDesk.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import Result

GOAL = 2.0
REPO = Path(__file__).resolve().parents[1]
_FLOOR = ("from PySide6.QtWidgets import QApplication, QDialog; import sys; "
          "app = QApplication(sys.argv); d = QDialog(); d.show(); app.processEvents(); "
          "print('shown', flush=True)")


def _launch(argv: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.kill()
    _, err = child.communicate(timeout=30)
    if line.strip() != "shown":
        raise SystemExit(f"the app did not reach its login dialog: {err[-1500:]}")
    return elapsed


def run(url: str, runs: int, backend: str) -> Result:
    """Median of `runs` launches against the database at `url` (already created)."""
    _launch([sys.executable, "-m", "bench.startup", "--child", url])  # warm the disk cache
    app = [_launch([sys.executable, "-m", "bench.startup", "--child", url])
           for _ in range(runs)]
    floor = [_launch([sys.executable, "-c", _FLOOR]) for _ in range(runs)]
    return Result("app start to login dialog", backend, statistics.median(app),
                  statistics.median(floor), GOAL)


def run_backend(backend: str, admin_url: str, runs: int, temp: Path) -> Result:
    """Launch against a tiny demo database on `backend` (created here, dropped after)."""
    import uuid

    from core import connection
    from core.db import close_database, parse_url

    if backend == "sqlite":
        url, drop = f"sqlite:///{temp / 'startup.db'}", None
    else:
        import psycopg

        admin = parse_url(admin_url)
        name = f"rxdesk_bench_start_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql://{admin.user + '@' if admin.user else ''}{admin.host}:{admin.port}/{name}"
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    try:
        connection.open_demo(url, scale="tiny")
        close_database()
        return run(url, runs, backend)
    finally:
        close_database()
        if drop:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(drop)


def _child(url: str) -> int:
    from PySide6.QtCore import QEvent, QObject

    from desktop.app import create_application, main
    from desktop.login_dialog import LoginDialog

    class Watch(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Show and isinstance(watched, LoginDialog):
                print("shown", flush=True)
                os._exit(0)
            return False

    app = create_application()
    watch = Watch()
    app.installEventFilter(watch)
    return main(["--db", url])


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    sys.exit(_child(sys.argv[2]))
