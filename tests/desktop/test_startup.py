"""What the app does between launch and the sign-in dialog."""

from __future__ import annotations

from core import connection
from core.db import close_database, database, parse_url
from core.migrations import LATEST
from desktop.connection_dialog import ConnectionDialog
from desktop.startup import CONNECTION_SETTINGS, OPEN_DEMO, QUIT, Shell
from tests.desktop.conftest import find_button


def start(qtbot, url: str) -> Shell:
    shell = Shell(url)
    shell.start()
    qtbot.waitUntil(lambda: shell.stage not in ("starting", "connecting"), timeout=20_000)
    return shell


def test_a_newer_database_is_refused_naming_both_versions(qtbot, seeded_url):
    connection.connect(seeded_url)
    database.execute_sql("UPDATE schema_version SET version = 99 WHERE id = 1")
    close_database()
    shell = start(qtbot, seeded_url)
    assert shell.stage == "question"
    text = shell.prompt.text()
    assert "schema version 99" in text
    assert f"supports up to version {LATEST}." in text
    assert shell.login is None
    find_button(shell.prompt, CONNECTION_SETTINGS).click()
    assert isinstance(shell.dialog, ConnectionDialog)
    assert shell.dialog.isVisible()


def test_an_older_database_asks_before_upgrading(qtbot, seeded_url):
    connection.connect(seeded_url)
    database.execute_sql(f"UPDATE schema_version SET version = {LATEST - 1} WHERE id = 1")
    close_database()
    shell = start(qtbot, seeded_url)
    target = parse_url(seeded_url)
    kept = ("(a copy of the file is kept)" if target.backend == "sqlite"
            else "(make sure the server has a recent backup)")
    assert shell.prompt.text() == (f"Upgrade database {target.display_name} from version "
                                   f"{LATEST - 1} to {LATEST}? {kept}")
    assert find_button(shell.prompt, "&Upgrade") is shell.prompt.defaultButton()


def test_an_empty_database_offers_the_demo(qtbot, wait_tasks, blank_url, monkeypatch,
                                           tmp_path):
    shell = start(qtbot, blank_url)
    assert "holds no RxDesk data yet" in shell.prompt.text()
    monkeypatch.setattr(connection, "demo_url",
                        lambda: f"sqlite:///{tmp_path / 'demo.db'}")
    find_button(shell.prompt, OPEN_DEMO).click()
    qtbot.waitUntil(lambda: shell.stage == "login", timeout=120_000)
    wait_tasks()
    assert shell.session.target.display_name == "demo.db"
    assert shell.login.demo_box.isVisible()


def test_a_connection_error_is_shown_and_quit_ends_the_app(qtbot, tmp_path):
    shell = start(qtbot, f"sqlite:///{tmp_path / 'missing' / 'rx.db'}")
    assert shell.prompt.icon() == shell.prompt.Icon.Warning
    assert "does not exist" in shell.prompt.text()
    with qtbot.waitSignal(shell.finished, timeout=2_000):
        find_button(shell.prompt, QUIT).click()


def test_choosing_another_database_after_an_error(qtbot, wait_tasks, seeded_url,
                                                         tmp_path):
    shell = start(qtbot, f"sqlite:///{tmp_path / 'missing' / 'rx.db'}")
    find_button(shell.prompt, CONNECTION_SETTINGS).click()
    dialog = shell.dialog
    from tests.desktop.test_connection_dialog import fill

    fill(dialog, seeded_url)
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: shell.stage == "login", timeout=20_000)
    wait_tasks()
    assert shell.session.url == connection.parse_url(seeded_url).url
    assert connection.settings.load().database_url == shell.session.url
