"""Background tasks: results and errors come back on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from core.errors import InvalidInput
from desktop.tasks import describe_error, run_task, runner
from tests.desktop.conftest import message_boxes


def test_a_task_runs_off_the_gui_thread_and_reports_back_on_it(qtbot, wait_tasks):
    seen = {}
    main = threading.get_ident()

    def body():
        seen["worker"] = threading.get_ident()
        return 42

    def done(value):
        seen["value"], seen["callback"] = value, threading.get_ident()

    with qtbot.waitSignal(runner().busy_changed) as busy:
        run_task(None, body, done)
    assert busy.args == [True]
    wait_tasks()
    assert seen == {"worker": seen["worker"], "value": 42, "callback": main}
    assert seen["worker"] != main


def test_named_and_unexpected_errors_are_described_without_tracebacks():
    assert describe_error(InvalidInput("gln", "GLN is wrong.")) == ("Check the input",
                                                                    "GLN is wrong.")
    assert describe_error(ValueError("bad value\nmore detail")) == (
        "Unexpected error", "Unexpected error: ValueError: bad value")


def test_an_unexpected_error_shows_a_message_box(qtbot, wait_tasks):
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    def body():
        raise KeyError("boom")

    run_task(parent, body, lambda _v: None)
    wait_tasks()
    [box] = message_boxes()
    assert box.text() == "Unexpected error: KeyError: 'boom'"
    box.close()
