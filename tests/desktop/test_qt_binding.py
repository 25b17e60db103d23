"""The Qt binding itself: a PySide6 release that drops a reference to None on every
void call (6.12.0 did) aborts a long-running app with "deallocating None" on Python
3.11, so a pack station would crash mid-shift. Fail here instead."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_alive(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("scan")
        qapp.processEvents()
    # A little drift either way is other code; a binding bug loses one per call.
    assert before - sys.getrefcount(None) < 100
