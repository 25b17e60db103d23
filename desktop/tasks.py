"""Database work off the GUI thread (the idea of Anki's QueryOp/CollectionOp).

`run_task(parent, fn, on_success, on_error=None)` runs `fn()` on RxDesk's single
database worker thread and calls `on_success(result)` or `on_error(exc)` back on the
GUI thread. Task bodies never touch widgets. One worker thread means tasks run in the
order they were started and never race for SQLite's write lock; peewee keeps that
thread's connection open between tasks.

While a task runs, `parent` shows a busy cursor and the runner's `busy_changed`
signal drives the status-bar indicator. Without `on_error`, errors are shown in a
message box: the named title and text of an RxDeskError, or "Unexpected error:
<type>: <first line>" for anything else (the traceback goes to the log only).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.errors import RxDeskError

log = logging.getLogger(__name__)


def describe_error(exc: BaseException) -> tuple[str, str]:
    """(title, text) a person can read; never a traceback."""
    if isinstance(exc, RxDeskError):
        return exc.title, str(exc)
    lines = str(exc).strip().splitlines()
    first = lines[0] if lines else ""
    text = f"Unexpected error: {type(exc).__name__}"
    return "Unexpected error", f"{text}: {first}" if first else text


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A window-modal, non-blocking message box (tests find and close it)."""
    title, text = describe_error(exc)
    return show_message(parent, title, text, QMessageBox.Icon.Warning)


def show_message(parent: QWidget | None, title: str, text: str,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("rxdeskMessage")
    box.open()
    return box


class _Signals(QObject):
    # Emitted on the worker thread; the runner lives on the GUI thread, so the
    # connection is queued and its slot runs on the GUI thread.
    done = Signal(int, bool, object)


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.task_id, self.fn, self.signals = task_id, fn, signals

    def run(self) -> None:
        try:
            result, ok = self.fn(), True
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            if not isinstance(exc, RxDeskError):
                log.exception("task %s failed", self.task_id)
            result, ok = exc, False
        self.signals.done.emit(self.task_id, ok, result)


class TaskRunner(QObject):
    """Runs database tasks in order on one worker thread."""

    busy_changed = Signal(bool)
    idle = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the thread, and so its DB connection
        self._signals = _Signals()
        self._signals.done.connect(self._finished)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple] = {}

    @property
    def pending(self) -> int:
        return len(self._pending)

    def run(self, parent: QWidget | None, fn: Callable[[], Any],
            on_success: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> int:
        task_id = next(self._ids)
        if parent is not None:
            parent.setCursor(Qt.CursorShape.BusyCursor)
        self._pending[task_id] = (parent, on_success, on_error)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(task_id, fn, self._signals))
        return task_id

    def _finished(self, task_id: int, ok: bool, result: object) -> None:
        parent, on_success, on_error = self._pending.pop(task_id)
        alive = parent is None or shiboken6.isValid(parent)
        if alive and parent is not None and not any(
                p is parent for p, _, _ in self._pending.values()):
            parent.unsetCursor()
        try:
            if not alive:
                pass  # the window closed while its task ran; nothing to update
            elif ok:
                if on_success is not None:
                    on_success(result)
            elif on_error is not None:
                on_error(result)
            else:
                show_error(parent if parent is not None and parent.isVisible() else None,
                           result)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)
                self.idle.emit()

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until the worker is done (for shutdown); callbacks still need the
        event loop to run."""
        return self._pool.waitForDone(msecs)


_runner: TaskRunner | None = None


def runner() -> TaskRunner:
    """The application's one runner (parented to the QApplication)."""
    global _runner
    if _runner is None or not shiboken6.isValid(_runner):
        _runner = TaskRunner(QApplication.instance())
    return _runner


def run_task(parent: QWidget | None, fn: Callable[[], Any],
             on_success: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> int:
    return runner().run(parent, fn, on_success, on_error)
