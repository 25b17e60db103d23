"""From launch to the main window: connect, check the schema, sign in.

resolve URL -> connect (worker) -> READY: sign in; EMPTY: offer the demo or the
connection dialog; NEEDS_UPGRADE: ask, copy aside and upgrade; TOO_NEW or a connection
error: say so and offer the connection dialog. After sign-in a forced password change
may come first, then the main window. Every step is a callback, never a nested event
loop, so tests drive the same path as a person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from core import connection
from core.connection import Opened, SchemaState
from core.errors import DatabaseNotInitialised, DatabaseTooNew
from desktop.connection_dialog import ConnectionDialog
from desktop.login_dialog import LoginDialog
from desktop.password_dialog import ChangePasswordDialog
from desktop.session import Session
from desktop.tasks import describe_error, run_task, show_message

if TYPE_CHECKING:
    from desktop.main_window import MainWindow

CONNECTION_SETTINGS = "&Connection settings…"
OPEN_DEMO = "Open the &demo database"
QUIT = "&Quit"


class Shell(QObject):
    """Owns the windows of one run. `finished` means the user quit."""

    finished = Signal()
    # Fired when a new step appears (a question, the login dialog, the main window);
    # tests wait on it.
    stage_changed = Signal(str)

    def __init__(self, url: str | None = None, demo: bool = False,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.cli_url, self.demo = url, demo
        self.session: Session | None = None
        self.passwords: dict[str, str] = {}  # memory only, when the keyring cannot help
        self.stage = "starting"
        self.prompt: QMessageBox | None = None
        self.login: LoginDialog | None = None
        self.dialog: QDialog | None = None
        self.window: MainWindow | None = None
        self._busy = 0

    # -- stages ------------------------------------------------------------------
    def _enter(self, stage: str) -> None:
        self.stage = stage
        self.stage_changed.emit(stage)

    def _run(self, fn: Callable, on_success: Callable, on_error: Callable) -> None:
        """A start-up task: no window to host a busy cursor yet, so the whole app
        shows one."""
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

        def done(callback):
            def inner(value):
                QApplication.restoreOverrideCursor()
                callback(value)
            return inner

        run_task(None, fn, done(on_success), done(on_error))

    def start(self) -> None:
        if self.demo:
            self.open_demo()
        else:
            self.connect_to(connection.resolve_url(self.cli_url))

    def connect_to(self, url: str) -> None:
        self._enter("connecting")
        password = self.passwords.get(url)
        self._run(lambda: connection.connect(url, password),
                  lambda opened: self._connected(url, opened),
                  self._connect_failed)

    def open_demo(self) -> None:
        self._enter("connecting")
        url = connection.demo_url()
        self._run(lambda: connection.open_demo(url),
                  lambda opened: self._connected(url, opened), self._connect_failed)

    def _connected(self, url: str, opened: Opened) -> None:
        target = opened.target
        self.session = Session(target.url, target, self.passwords.get(url))
        name = target.display_name
        if opened.state is SchemaState.READY:
            self.show_login()
        elif opened.state is SchemaState.EMPTY:
            self.ask("Database is empty", str(DatabaseNotInitialised(name)),
                     [(OPEN_DEMO, self.open_demo),
                      (CONNECTION_SETTINGS, self.connection_settings), (QUIT, self.quit)])
        elif opened.state is SchemaState.NEEDS_UPGRADE:
            kept = ("(a copy of the file is kept)" if target.backend == "sqlite"
                    else "(make sure the server has a recent backup)")
            self.ask("Upgrade database",
                     f"Upgrade database {name} from version {opened.found_version} to "
                     f"{opened.latest_version}? {kept}",
                     [("&Upgrade", lambda: self.upgrade(opened)),
                      (CONNECTION_SETTINGS, self.connection_settings), (QUIT, self.quit)],
                     QMessageBox.Icon.Question)
        else:
            error = DatabaseTooNew(opened.found_version, opened.latest_version)
            self.ask(error.title, str(error),
                     [(CONNECTION_SETTINGS, self.connection_settings), (QUIT, self.quit)],
                     QMessageBox.Icon.Warning)

    def _connect_failed(self, exc: BaseException) -> None:
        title, text = describe_error(exc)
        self.ask(title, text, [(CONNECTION_SETTINGS, self.connection_settings),
                               (OPEN_DEMO, self.open_demo), (QUIT, self.quit)],
                 QMessageBox.Icon.Warning)

    def upgrade(self, opened: Opened) -> None:
        self._enter("upgrading")
        url, password = opened.target.url, self.passwords.get(opened.target.url)

        def work():
            result = connection.upgrade(opened)
            return result, connection.connect(url, password)

        def done(value) -> None:
            result, reopened = value
            kept = f"\nA copy of the old file is kept at {result.backup}." if result.backup else ""
            box = show_message(None, "Database upgraded",
                               f"The database was upgraded from version {result.from_version} "
                               f"to {result.to_version}.{kept}")
            self.prompt = box
            box.finished.connect(lambda _code: self._connected(url, reopened))
            self._enter("upgraded")

        self._run(work, done, self._connect_failed)

    def ask(self, title: str, text: str, choices: list[tuple[str, Callable[[], None]]],
            icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
        """A non-blocking question; each button runs its callback."""
        box = QMessageBox(icon, title, text)
        box.setWindowTitle(f"{title} – RxDesk")
        actions = {}
        for label, callback in choices:
            role = (QMessageBox.ButtonRole.RejectRole if label == QUIT
                    else QMessageBox.ButtonRole.AcceptRole)
            button = box.addButton(label, role)
            actions[button] = callback
            if label == QUIT:
                box.setEscapeButton(button)
        box.setDefaultButton(next(iter(actions)))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: actions.get(button, self.quit)())
        self.prompt = box
        box.open()
        self._enter("question")
        return box

    # -- connection ----------------------------------------------------------------
    def connection_settings(self, parent: QWidget | None = None,
                            on_cancel: Callable[[], None] | None = None) -> ConnectionDialog:
        """The connection dialog; OK saves the choice and reconnects (signing out)."""
        current = self.session.url if self.session else connection.resolve_url(self.cli_url)
        dialog = ConnectionDialog(current, parent)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._connection_chosen(dialog))
        # Cancelled from a start-up question: check the same database again, which
        # brings the question back (with Quit on it).
        dialog.rejected.connect(on_cancel or (lambda: self.connect_to(current)))
        dialog.open()
        self._enter("connection")
        return dialog

    def _connection_chosen(self, dialog: ConnectionDialog) -> None:
        if dialog.session_password:
            self.passwords[dialog.url] = dialog.session_password
        else:
            self.passwords.pop(dialog.url, None)
        self.cli_url = None
        self._close_login()
        self._close_window()
        self.connect_to(dialog.url)

    # -- signing in ----------------------------------------------------------------
    def show_login(self) -> LoginDialog:
        self._close_login()
        login = LoginDialog(self.session.target)
        self.login = login
        login.accepted.connect(lambda: self._signed_in(login))
        login.rejected.connect(self.quit)
        login.change_connection_requested.connect(
            lambda: self.connection_settings(login, on_cancel=lambda: None))
        login.show()
        self._enter("login")
        return login

    def _close_login(self) -> None:
        if self.login is not None:
            login, self.login = self.login, None
            login.rejected.disconnect()
            login.close()
            login.deleteLater()

    def _signed_in(self, login: LoginDialog) -> None:
        self.session.actor = login.actor
        self.session.full_name = login.user.full_name
        must_change = login.user.must_change_password
        self.login = None
        login.deleteLater()
        if must_change:
            dialog = ChangePasswordDialog(login.actor, forced=True)
            self.dialog = dialog
            dialog.accepted.connect(self.open_main)
            dialog.rejected.connect(self.sign_out)
            dialog.show()
            self._enter("change_password")
        else:
            self.open_main()

    def open_main(self) -> MainWindow:
        # Imported on sign-in: every screen (and reportlab) loads after the login
        # dialog is up, not before it (issue 7: start to login <= 2 s).
        from desktop.main_window import MainWindow

        window = MainWindow(self.session)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.sign_out_requested.connect(self.sign_out)
        window.quit_requested.connect(self.quit)
        window.connection_settings_requested.connect(
            lambda: self.connection_settings(window, on_cancel=lambda: None))
        window.change_password_requested.connect(self._change_password)
        self.window = window
        window.show()
        self._enter("main")
        return window

    def _change_password(self) -> None:
        dialog = ChangePasswordDialog(self.session.actor, parent=self.window)
        self.dialog = dialog
        dialog.accepted.connect(lambda: show_message(
            self.window, "Password changed", "Your password was changed."))
        dialog.open()

    def _close_window(self) -> None:
        if self.window is not None:
            window, self.window = self.window, None
            window.leaving = True
            window.close()

    def sign_out(self) -> None:
        if self.session is not None:
            self.session.actor = None
            self.session.full_name = ""
        self._close_window()
        self.show_login()

    def quit(self) -> None:
        self._close_login()
        self._close_window()
        self._enter("finished")
        self.finished.emit()
