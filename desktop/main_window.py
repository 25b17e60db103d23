"""The main window: a sidebar of the screens this role may use, a status bar naming
the database and the user, and the File and Help menus."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMessageBox,
    QProgressBar, QStackedWidget, QWidget,
)

from desktop import theme
from desktop.screens.audit import AuditScreen
from desktop.screens.base import Screen
from desktop.screens.books import BooksScreen
from desktop.screens.company import CompanyScreen
from desktop.screens.counts import CountsScreen
from desktop.screens.home import HomeScreen
from desktop.screens.inventory import InventoryScreen
from desktop.screens.invoices import InvoicesScreen
from desktop.screens.locations import LocationsScreen
from desktop.screens.pack_station import PackStationScreen
from desktop.screens.partners import PartnersScreen
from desktop.screens.products import ProductsScreen
from desktop.screens.purchase_orders import PurchaseOrdersScreen
from desktop.screens.receiving import ReceivingScreen
from desktop.screens.returns import ReturnsScreen
from desktop.screens.sales_orders import SalesOrdersScreen
from desktop.screens.supplier_bills import SupplierBillsScreen
from desktop.screens.users import UsersScreen
from desktop.session import Session
from desktop.tasks import runner, show_message
from desktop.version import app_version

SCREENS: tuple[type[Screen], ...] = (
    HomeScreen, InventoryScreen, LocationsScreen, CountsScreen, ProductsScreen, PartnersScreen,
    PurchaseOrdersScreen, SalesOrdersScreen, InvoicesScreen, SupplierBillsScreen,
    ReceivingScreen, PackStationScreen, ReturnsScreen, BooksScreen, CompanyScreen, UsersScreen,
    AuditScreen)
LICENSE = "AGPL-3.0-or-later"


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    connection_settings_requested = Signal()
    change_password_requested = Signal()
    quit_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.leaving = False  # set by the shell when it closes the window on purpose
        self.setWindowTitle(f"RxDesk – {session.target.display_name}")
        self.resize(1100, 720)

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFixedWidth(210)
        self.stack = QStackedWidget()
        self.screens: list[Screen] = []
        for number, screen_class in enumerate(
                [s for s in SCREENS if s.available_to(session.actor)], start=1):
            screen = screen_class(session)
            screen.changed.connect(self.broadcast)
            self.screens.append(screen)
            self.stack.addWidget(screen)
            item = QListWidgetItem(theme.icon(screen.icon_name), screen.title)
            item.setSizeHint(QSize(0, 38))
            item.setToolTip(f"{screen.summary} (Ctrl+{number})")
            self.sidebar.addItem(item)
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, n=number - 1: self.show_screen(n))
            self.addAction(action)
        self.home.set_screens(self.screens)
        self.sidebar.currentRowChanged.connect(self._screen_chosen)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._menus()
        self._status_bar()
        self.show_screen(0)

    @property
    def home(self) -> HomeScreen:
        return self.screens[0]

    def screen_titles(self) -> list[str]:
        return [self.sidebar.item(i).text() for i in range(self.sidebar.count())]

    def screen(self, screen_class: type[Screen]) -> Screen | None:
        return next((s for s in self.screens if isinstance(s, screen_class)), None)

    def show_screen(self, index: int) -> None:
        if 0 <= index < len(self.screens):
            self.sidebar.setCurrentRow(index)

    def _screen_chosen(self, index: int) -> None:
        if index >= 0:
            self.stack.setCurrentIndex(index)
            self.screens[index].activate()

    def broadcast(self, areas: set[str]) -> None:
        for screen in self.screens:
            screen.on_changed(areas)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.change_password_action = file_menu.addAction("Change &password…")
        self.change_password_action.triggered.connect(self.change_password_requested)
        self.sign_out_action = file_menu.addAction("Sign &out")
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        file_menu.addSeparator()
        self.connection_action = file_menu.addAction("&Connection settings…")
        self.connection_action.triggered.connect(self.connection_settings_requested)
        file_menu.addSeparator()
        self.quit_action = file_menu.addAction("&Quit")
        # QKeySequence.Quit is empty on Windows; Ctrl+Q everywhere.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.quit_requested)
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = help_menu.addAction("&About RxDesk")
        self.about_action.triggered.connect(self.about)

    def _status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.database_label = QLabel(f"Database: {self.session.target.display_name}")
        self.database_label.setToolTip(self.session.target.url)
        self.user_label = QLabel(self.session.user_label)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setFixedWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(runner().pending > 0)
        bar.addWidget(self.database_label)
        bar.addWidget(self.user_label)
        bar.addPermanentWidget(self.busy)
        runner().busy_changed.connect(self._set_busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)

    def status_text(self) -> str:
        return f"{self.database_label.text()} | {self.user_label.text()}"

    def about(self) -> QMessageBox:
        return show_message(
            self, "About RxDesk",
            f"<b>RxDesk {app_version()}</b><br>"
            "ERP, warehouse and DSCSA compliance for small prescription-drug "
            "wholesale distributors.<br><br>"
            f"Database: {self.session.target.display_name}<br>"
            f"License: {LICENSE}")

    def closeEvent(self, event) -> None:
        """Closing the window (title bar X) quits; the shell's own closes do not."""
        super().closeEvent(event)
        if not self.leaving:
            self.leaving = True
            self.quit_requested.emit()
