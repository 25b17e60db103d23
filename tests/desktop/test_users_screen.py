"""Administering accounts from the Users screen."""

from __future__ import annotations

from core.permissions import Role
from core.queries.users import list_users
from desktop.main_window import MainWindow
from desktop.screens.users import UsersScreen
from desktop.session import Session
from desktop.user_dialogs import AddUserDialog


def users_screen(qtbot, wait_tasks, db, actor) -> UsersScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.show()
    window.show_screen(window.screen_titles().index("Users"))
    wait_tasks()
    return window.screen(UsersScreen)


def table_usernames(screen: UsersScreen) -> list[str]:
    proxy = screen.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_the_table_lists_every_account_with_status(qtbot, wait_tasks, db, actors):
    screen = users_screen(qtbot, wait_tasks, db, actors[Role.ADMIN])
    assert table_usernames(screen) == ["admin", "office", "owner", "warehouse"]
    assert screen.proxy.index(0, 3).data() == "Active"


def test_adding_a_user(qtbot, wait_tasks, db, actors):
    screen = users_screen(qtbot, wait_tasks, db, actors[Role.ADMIN])
    screen.add_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, AddUserDialog)
    dialog.username_edit.setText("Rita.R")
    dialog.full_name_edit.setText("Rita Receiver")
    dialog.role_combo.setCurrentIndex(list(Role).index(Role.WAREHOUSE))
    dialog.password_edit.setText("short")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    assert "at least 10 characters" in dialog.form.error_text("password")

    dialog.password_edit.setText("temporary-pass-1")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert "rita.r" in table_usernames(screen)
    assert screen.selected().username == "rita.r"
    added = next(u for u in list_users() if u.username == "rita.r")
    assert (added.full_name, added.role, added.must_change_password) == (
        "Rita Receiver", Role.WAREHOUSE, True)


def test_disable_and_enable(qtbot, wait_tasks, db, actors):
    screen = users_screen(qtbot, wait_tasks, db, actors[Role.ADMIN])
    screen.select("office")
    assert screen.active_button.text() == "&Disable"
    screen.active_button.click()
    wait_tasks()
    assert screen.selected().status == "Disabled"
    assert screen.active_button.text() == "&Enable"
    assert not next(u for u in list_users() if u.username == "office").active
    screen.active_button.click()
    wait_tasks()
    assert next(u for u in list_users() if u.username == "office").active


def test_the_last_admin_cannot_be_disabled(qtbot, wait_tasks, db, actors):
    from tests.desktop.conftest import message_boxes

    screen = users_screen(qtbot, wait_tasks, db, actors[Role.ADMIN])
    screen.select("admin")
    screen.active_button.click()
    wait_tasks()
    boxes = message_boxes()
    assert len(boxes) == 1
    assert "last active administrator" in boxes[0].text()
    assert next(u for u in list_users() if u.username == "admin").active
