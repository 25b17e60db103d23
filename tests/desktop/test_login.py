"""The sign-in dialog as a person uses it, against real databases."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from core import connection
from core.db import close_database, parse_url
from core.permissions import Role
from core.queries.users import list_users
from core.services.setup import initialise
from core.services.users import add_user
from desktop.main_window import MainWindow
from desktop.password_dialog import ChangePasswordDialog
from desktop.startup import Shell
from tests.conftest import PASSWORDS


def start_login(qtbot, wait_tasks, url: str) -> Shell:
    shell = Shell(url)
    shell.start()
    qtbot.waitUntil(lambda: shell.stage == "login", timeout=20_000)
    wait_tasks()  # the demo-account query
    return shell


def sign_in(qtbot, wait_tasks, shell: Shell, username: str, password: str) -> None:
    login = shell.login
    login.username_edit.setText(username)
    login.password_edit.setText(password)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    wait_tasks()


def test_wrong_password_shows_the_reason_inline(qtbot, wait_tasks, seeded_url):
    shell = start_login(qtbot, wait_tasks, seeded_url)
    login = shell.login
    assert login.database_label.text() == f"Database: {parse_url(seeded_url).display_name}"
    sign_in(qtbot, wait_tasks, shell, "admin", "not-the-password")
    assert login.isVisible()
    assert login.error_label.isVisible()
    assert "Wrong user name or password." in login.error_label.text()
    assert login.password_edit.text() == ""
    assert shell.window is None


def test_demo_database_lists_the_demo_accounts(qtbot, wait_tasks, seeded_url):
    shell = start_login(qtbot, wait_tasks, seeded_url)
    login = shell.login
    assert login.demo_box.isVisible()
    shown = {(login.demo_table.item(r, 0).text(), login.demo_table.item(r, 1).text())
             for r in range(login.demo_table.rowCount())}
    assert shown == {(role.value, password) for role, password in PASSWORDS.items()}
    login.demo_table.selectRow(3)  # fills the form
    chosen = login.demo_accounts[3]
    assert (login.username_edit.text(), login.password_edit.text()) == (
        chosen.username, chosen.password)


def test_a_real_database_lists_no_accounts(qtbot, wait_tasks, migrated_url):
    opened = connection.connect(migrated_url)
    initialise(opened.target.display_name, company_name="Real Rx Supply LLC",
               gln="0614141000012", admin_username="boss", admin_password="boss-password-1")
    close_database()
    shell = start_login(qtbot, wait_tasks, migrated_url)
    login = shell.login
    assert login.demo_accounts == ()
    assert not login.demo_box.isVisible()
    assert login.demo_table.rowCount() == 0


def test_repeated_failures_lock_the_account(qtbot, wait_tasks, seeded_url):
    shell = start_login(qtbot, wait_tasks, seeded_url)
    for _attempt in range(4):
        sign_in(qtbot, wait_tasks, shell, "office", "wrong-password")
    assert "1 attempt(s) left" in shell.login.error_label.text()
    sign_in(qtbot, wait_tasks, shell, "office", "wrong-password")
    text = shell.login.error_label.text()
    assert "locked" in text
    assert re.search(r"after \d\d:\d\d", text)
    # Even the right password is refused now.
    sign_in(qtbot, wait_tasks, shell, "office", PASSWORDS[Role.OFFICE])
    assert "locked" in shell.login.error_label.text()
    assert shell.window is None


def test_sign_in_opens_the_main_window_and_sign_out_returns(qtbot, wait_tasks, seeded_url):
    shell = start_login(qtbot, wait_tasks, seeded_url)
    sign_in(qtbot, wait_tasks, shell, "owner", PASSWORDS[Role.OWNER])
    assert shell.stage == "main"
    assert isinstance(shell.window, MainWindow)
    assert shell.window.isVisible()
    shell.window.sign_out_action.trigger()
    assert shell.stage == "login"
    assert shell.window is None
    assert shell.session.actor is None


def test_must_change_password_comes_before_the_main_window(qtbot, wait_tasks, seeded_url,
                                                           actors):
    add_user(actors[Role.ADMIN], "newbie", "New Person", Role.OFFICE, "temporary-pass-1")
    close_database()
    shell = start_login(qtbot, wait_tasks, seeded_url)
    sign_in(qtbot, wait_tasks, shell, "newbie", "temporary-pass-1")
    assert shell.stage == "change_password"
    dialog = shell.dialog
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.current_edit.setText("temporary-pass-1")
    dialog.new_edit.setText("short")
    dialog.repeat_edit.setText("short")
    dialog.ok_button.click()
    wait_tasks()
    assert "at least 10 characters" in dialog.form.error_text("new_password")
    assert shell.window is None
    dialog.new_edit.setText("my-own-password-1")
    dialog.repeat_edit.setText("my-own-password-1")
    dialog.ok_button.click()
    wait_tasks()
    assert shell.stage == "main"
    newbie = next(u for u in list_users() if u.username == "newbie")
    assert not newbie.must_change_password


def test_change_from_the_login_dialog_switches_database(qtbot, wait_tasks, seeded_url,
                                                        tmp_path):
    from desktop.connection_dialog import ConnectionDialog

    shell = start_login(qtbot, wait_tasks, seeded_url)
    shell.login.change_button.click()
    dialog = shell.dialog
    assert isinstance(dialog, ConnectionDialog) and dialog.isVisible()
    dialog.sqlite_choice.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "other.db"))  # new file: an empty database
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: shell.stage == "question", timeout=20_000)
    assert shell.login is None  # the old sign-in dialog closed
    assert "holds no RxDesk data yet" in shell.prompt.text()
