"""Choosing and testing a database connection, and where the password ends up."""

from __future__ import annotations

import keyring
from keyring.backends import fail

from core import secrets, settings
from core.migrations import LATEST
from core.db import parse_url
from desktop.connection_dialog import ConnectionDialog


def fill(dialog: ConnectionDialog, url: str, password: str = "") -> None:
    target = parse_url(url)
    if target.backend == "sqlite":
        dialog.sqlite_choice.setChecked(True)
        dialog.path_edit.setText(str(target.path))
    else:
        dialog.postgres_choice.setChecked(True)
        dialog.host_edit.setText(target.host)
        dialog.port_edit.setText(str(target.port))
        dialog.name_edit.setText(target.name)
        dialog.user_edit.setText(target.user)
        dialog.password_edit.setText(password)


def open_dialog(qtbot, url: str = "") -> ConnectionDialog:
    dialog = ConnectionDialog(url)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_test_connection_reports_the_real_database(qtbot, wait_tasks, seeded_url):
    dialog = open_dialog(qtbot)
    fill(dialog, seeded_url)
    dialog.test_button.click()
    wait_tasks()
    text = dialog.result_label.text()
    assert text.startswith(f"Connected to {parse_url(seeded_url).display_name}")
    assert f"schema version {LATEST}." in text
    assert dialog.result_label.objectName() == "okText"


def test_the_dialog_opens_on_the_current_connection(qtbot, seeded_url):
    dialog = open_dialog(qtbot, seeded_url)
    assert dialog.current_url() == parse_url(seeded_url).url


def test_an_unknown_host_shows_the_error(qtbot, wait_tasks):
    dialog = open_dialog(qtbot)
    fill(dialog, "postgresql://rx@no-such-host.invalid:5432/rxdesk")
    dialog.test_button.click()
    wait_tasks()
    text = dialog.result_label.text()
    assert text.startswith("Cannot open no-such-host.invalid/rxdesk:")
    assert dialog.result_label.objectName() == "errorText"
    assert "Traceback" not in text


def test_a_missing_folder_shows_the_error(qtbot, wait_tasks, tmp_path):
    dialog = open_dialog(qtbot)
    dialog.path_edit.setText(str(tmp_path / "nowhere" / "rx.db"))
    dialog.test_button.click()
    wait_tasks()
    assert "does not exist" in dialog.result_label.text()


def test_ok_saves_the_address_and_keeps_the_password_in_the_keyring(
        qtbot, memory_keyring):
    dialog = open_dialog(qtbot)
    url = "postgresql://clerk@db.example.com:5433/rxdesk"
    fill(dialog, url, password="s3cret-pass")
    assert dialog.remember_check.isChecked()
    dialog.buttons.accepted.emit()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert settings.load().database_url == url
    assert "s3cret" not in settings.settings_path().read_text()
    assert secrets.get_database_password(parse_url(url)) == "s3cret-pass"
    assert list(memory_keyring.store.values()) == ["s3cret-pass"]
    assert dialog.session_password is None


def test_without_a_keyring_the_password_stays_in_memory(qtbot):
    keyring.set_keyring(fail.Keyring())
    dialog = open_dialog(qtbot)
    url = "postgresql://clerk@db.example.com:5432/rxdesk"
    fill(dialog, url, password="s3cret-pass")
    dialog.buttons.accepted.emit()
    assert "no password keyring" in dialog.keyring_note
    assert dialog.session_password == "s3cret-pass"
    assert settings.load().database_url == url
    assert "s3cret" not in settings.settings_path().read_text()


def test_sqlite_file_choice_is_saved(qtbot, tmp_path):
    dialog = open_dialog(qtbot)
    dialog.path_edit.setText(str(tmp_path / "shop.db"))
    assert not dialog.share_warning.isVisible()
    dialog.buttons.accepted.emit()
    assert settings.load().database_url == f"sqlite:///{tmp_path / 'shop.db'}"


def test_empty_fields_are_named(qtbot):
    dialog = open_dialog(qtbot)
    dialog.postgres_choice.setChecked(True)
    dialog.buttons.accepted.emit()
    assert dialog.postgres_form.error_text("host") == "Enter the server's name or address."
    assert dialog.isVisible()
    assert settings.load().database_url == ""
