"""Customer returns: the warehouse lead (or the office) takes back what a customer sent
back, scanner first like the pack station.

Receive: choose the customer, then scan each returned package's 2D barcode. Every scan
is verified at once against our own shipment to that customer, writing nothing
(core.services.returns.check_returned): green adds a line with the product, lot,
expiry, the shipment it left on, the bin it was picked from and the invoiced price;
red says why it is refused (not shipped to this customer, labelled with another lot,
already back, ...) and the package is not added: it goes on the refused list, to be
kept apart as suspect product. Then where the packages go (back to the bins they were
picked from, into one bin, or quarantine for inspection) and why they came back;
Receive return (F9) posts it all through receive_return, which verifies every package
again inside its transaction. The running credit is return_credit over the lines, the
very amount the credit memo will carry. Recent returns lists what was taken back.

Scans are checked one at a time in the order they were made, so each check sees the
packages accepted before it (a package scanned twice, or one from another shipment, is
refused by the same rule the service applies).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QButtonGroup, QComboBox, QCompleter, QHBoxLayout, QHeaderView,
    QLabel, QMessageBox, QRadioButton, QSplitter, QTableView, QTabWidget,
    QVBoxLayout, QWidget,
)

from core import settings
from core.errors import InvalidInput, RxDeskError
from core.permissions import Permission
from core.queries.locations import LocationRow, list_locations
from core.queries.returns import (
    ReturnCustomer, ReturnLineRow, ReturnRow, recent_returns, return_customers, return_lines,
)
from core.scanning import parse_scan, require_product_identifier
from core.services import returns
from core.services.returns import ReturnCandidate, ReturnResult, Returned, return_credit
from core.vocab import LocationKind, ReturnDisposition
from desktop.books_models import money
from desktop.receiving_dialogs import units_phrase
from desktop.screens.inventory import configure_table, titled
from desktop.screens.scan_station import ScanStationScreen
from desktop.stock_dialogs import combo_code, fill_locations, location_combo
from desktop.table_models import ROW_ROLE, Column, RowTableModel, local_time, sort_time
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import BadgeDelegate
from desktop.widgets.scan_feedback import feedback_label
from desktop.widgets.scan_input import GS, GS_SHOWN

AREA = "returns"
KEY_REMOVE, KEY_START_OVER, KEY_RECEIVE = "F6", "F8", "F9"
REASONS = ("Ordered in error", "Damaged in transit", "Wrong product shipped",
           "Short-dated for the customer", "Recall", "Overstock")
TO_BINS, TO_ONE_BIN, TO_QUARANTINE = range(3)


def expiry_text(line: ReturnCandidate) -> str:
    return f"{line.expiry:%Y-%m-%d}" + (" expired" if line.expired() else "")


class LinesModel(RowTableModel[ReturnCandidate]):
    """The packages of the return being put together, in scan order; "Back to" follows
    the disposition chosen below the table."""

    columns = (
        Column("#", lambda r: "", align_right=True),  # numbered in data()
        Column("Product", lambda r: r.product),
        Column("Serial", lambda r: r.serial),
        Column("Lot", lambda r: r.lot),
        Column("Expiry", expiry_text, lambda r: r.expiry,
               tone=lambda r: "warn" if r.expired() else None),
        Column("Shipment", lambda r: r.shipment),
        Column("Back to", lambda r: ""),  # see destination
        Column("Credit", lambda r: money(r.unit_price) if r.invoiced else "not invoiced",
               lambda r: r.unit_price if r.invoiced else Decimal(0), align_right=True,
               tone=lambda r: None if r.invoiced else "muted"),
    )
    NUMBER, PRODUCT, SERIAL, LOT, EXPIRY, SHIPMENT, BACK_TO, CREDIT = range(8)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.destination: Callable[[ReturnCandidate], str] = lambda r: r.picked_from

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            if index.column() == self.NUMBER:
                return str(index.row() + 1)
            if index.column() == self.BACK_TO:
                return self.destination(self.rows[index.row()])
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            r = self.rows[index.row()]
            return (f"{r.product}\nGTIN {r.gtin} · serial {r.serial}\nShipped on {r.shipment}"
                    f" from {r.picked_from}"
                    + (f"; invoiced on {r.invoiced.number}" if r.invoiced else
                       "; not invoiced yet"))
        return super().data(index, role)

    def add(self, line: ReturnCandidate) -> None:
        self.append_rows([line])

    def remove(self, row: int) -> ReturnCandidate:
        self.beginRemoveRows(self.index(0, 0).parent(), row, row)
        line = self.rows.pop(row)
        self.endRemoveRows()
        self.renumber()
        return line

    def renumber(self) -> None:
        """The # and Back to columns are derived; repaint them."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.rows) - 1, self.columnCount() - 1))


@dataclass(frozen=True)
class Refusal:
    at: datetime
    scan: str
    why: str


class RefusedModel(RowTableModel[Refusal]):
    """Scans refused while putting this return together, newest first."""

    columns = (
        Column("Time", lambda r: r.at.strftime("%H:%M:%S")),
        Column("Why", lambda r: r.why, tone=lambda r: "bad"),
        Column("Scan", lambda r: r.scan),
    )
    WHY, SCAN = 1, 2

    def add(self, refusal: Refusal) -> None:
        self.beginInsertRows(self.index(0, 0).parent(), 0, 0)
        self.rows.insert(0, refusal)
        self.endInsertRows()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return f"{self.rows[index.row()].why}\n\n{self.rows[index.row()].scan}"
        return super().data(index, role)


DISPOSITION_TONES = {ReturnDisposition.RESTOCK: "ok", ReturnDisposition.QUARANTINE: "warn"}
DISPOSITION_TEXT = {ReturnDisposition.RESTOCK: "Restocked",
                    ReturnDisposition.QUARANTINE: "Quarantine"}


def credit_text(r: ReturnRow) -> str:
    return f"{r.credit_memo} · {money(r.credit)}" if r.credit_memo else "not invoiced"


class ReturnsModel(RowTableModel[ReturnRow]):
    """Who received each return and why are under the table, with its packages."""

    columns = (
        Column("Return", lambda r: r.number),
        Column("Received", lambda r: local_time(r.received_at),
               lambda r: sort_time(r.received_at)),
        Column("Customer", lambda r: r.customer),
        Column("Shipment", lambda r: r.shipment),
        Column("Packages", lambda r: f"{r.packages:,}", lambda r: r.packages,
               align_right=True),
        Column("Where", lambda r: DISPOSITION_TEXT[r.disposition],
               tone=lambda r: DISPOSITION_TONES[r.disposition]),
        Column("Credit", credit_text, lambda r: r.credit or Decimal(0)),
    )
    CUSTOMER, WHERE = 2, 5

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            r = self.rows[index.row()]
            return f"{r.number} · {r.customer}\nWhy: {r.reason}"
        return super().data(index, role)

    def row_of(self, return_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == return_id), -1)


class ReturnLinesModel(RowTableModel[ReturnLineRow]):
    columns = (
        Column("Product", lambda r: r.product),
        Column("Serial", lambda r: r.serial),
        Column("Lot", lambda r: r.lot),
        Column("Expiry", lambda r: f"{r.expiry:%Y-%m-%d}", lambda r: r.expiry),
        Column("Went to", lambda r: r.to_location),
        Column("Credited at", lambda r: money(r.unit_price), lambda r: r.unit_price,
               align_right=True),
    )


def describe(line: ReturnCandidate) -> str:
    """What one accepted scan is, as the lead reads it off the banner."""
    price = (f"{money(line.unit_price)} on {line.invoiced.number}" if line.invoiced
             else "not invoiced yet")
    return (f"{line.product} · lot {line.lot} · expires {line.expiry:%Y-%m-%d} · serial "
            f"{line.serial} · shipped on {line.shipment} from {line.picked_from} · {price}")


class ReturnsScreen(ScanStationScreen):
    title = "Customer returns"
    icon_name = "returns"
    summary = ("Scan what a customer sent back, verified against our shipment; restock "
               "or quarantine it and credit it.")
    permission = Permission.RECEIVE_RETURNS
    areas = frozenset({AREA, "partners", "locations"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.customers: dict[int, ReturnCustomer] = {}
        self.dialog: QMessageBox | None = None
        self.last_result: ReturnResult | None = None
        self._queue: list[str] = []  # scans waiting for their check, oldest first
        self._checking = False
        self._generation = 0  # bumps when the return being put together starts over
        self._selected_return: int | None = None

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(self._build_receive(), "Receive a return")
        self.tabs.addTab(self._build_recent(), "Recent returns")
        self.tabs.currentChanged.connect(lambda _i: self.refocus())
        self.layout_.addWidget(self.tabs, 1)
        self._listen(((KEY_REMOVE, self.remove_line), (KEY_START_OVER, self.start_over),
                      (KEY_RECEIVE, self.receive)))
        self._show_lines()
        self._feedback("info", "Ready", "Choose the customer, then scan each returned "
                       "package's 2D barcode.")

    # -- layout ----------------------------------------------------------------------
    def _build_receive(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 10, 0, 0)
        column.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(8)
        self.customer_combo = QComboBox()
        self.customer_combo.setEditable(True)
        self.customer_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.customer_combo.lineEdit().setPlaceholderText("Loading customers…")
        completer = QCompleter(self.customer_combo.model(), self.customer_combo)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.customer_combo.setCompleter(completer)
        self.customer_combo.currentIndexChanged.connect(self._customer_changed)
        self.customer_combo.activated.connect(lambda _i: self.refocus())
        self.customer_combo.setMinimumWidth(240)
        top.addWidget(self._caption("C&ustomer", self.customer_combo))
        top.addWidget(self.customer_combo, 3)
        top.addSpacing(12)
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems(REASONS)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText("Why did they send it back?")
        self.reason_combo.lineEdit().setMaxLength(200)
        self.reason_combo.lineEdit().returnPressed.connect(self.refocus)
        self.reason_combo.activated.connect(lambda _i: self.refocus())
        self.reason_combo.lineEdit().textEdited.connect(lambda _t: self._mark_reason(False))
        self.reason_combo.setMinimumWidth(220)
        top.addWidget(self._caption("R&eason", self.reason_combo))
        top.addWidget(self.reason_combo, 2)
        column.addLayout(top)

        column.addLayout(self._scan_row("Scan each returned package's 2D barcode"))

        self.feedback = feedback_label(96)
        column.addWidget(self.feedback)

        tables = QSplitter(Qt.Orientation.Vertical)
        tables.setChildrenCollapsible(False)
        self.lines_model = LinesModel(self)
        self.lines_table = self._table(self.lines_model, LinesModel.PRODUCT, 30)
        self.lines_table.setItemDelegateForColumn(LinesModel.EXPIRY,
                                                  BadgeDelegate(self.lines_table))
        self.lines_table.clicked.connect(lambda _index: self.refocus())
        lines_box, self.lines_note = titled("Packages to take back", self.lines_table)
        tables.addWidget(lines_box)
        self.refused_model = RefusedModel(self)
        self.refused_table = self._table(self.refused_model, RefusedModel.WHY, 26)
        self.refused_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.refused_table.horizontalHeader()  # the raw scan is long: the reason first
        header.setSectionResizeMode(RefusedModel.SCAN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(RefusedModel.SCAN, 220)
        refused_box, self.refused_note = titled(
            "Refused: keep these apart as suspect product", self.refused_table)
        tables.addWidget(refused_box)
        tables.setStretchFactor(0, 3)
        tables.setStretchFactor(1, 1)
        tables.setSizes([300, 110])
        column.addWidget(tables, 1)

        where = QHBoxLayout()
        where.setSpacing(14)
        caption = QLabel("Put them")
        caption.setObjectName("sectionTitle")
        where.addWidget(caption)
        self.disposition_group = QButtonGroup(self)
        self.to_bins_radio = QRadioButton("back in the bins they were picked from")
        self.to_bin_radio = QRadioButton("into bin")
        self.quarantine_radio = QRadioButton("in quarantine for inspection")
        for number, radio in enumerate((self.to_bins_radio, self.to_bin_radio,
                                        self.quarantine_radio)):
            radio.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.disposition_group.addButton(radio, number)
        self.to_bins_radio.setChecked(True)
        self.disposition_group.idClicked.connect(self._disposition_changed)
        self.bin_combo = location_combo([], (LocationKind.BIN,))
        self.bin_combo.setMinimumWidth(130)
        self.bin_combo.setEnabled(False)
        self.bin_combo.activated.connect(lambda _i: self._bin_chosen())
        self.bin_combo.lineEdit().editingFinished.connect(self._bin_chosen)
        where.addWidget(self.to_bins_radio)
        bin_row = QHBoxLayout()
        bin_row.setSpacing(4)
        bin_row.addWidget(self.to_bin_radio)
        bin_row.addWidget(self.bin_combo)
        where.addLayout(bin_row)
        where.addWidget(self.quarantine_radio)
        where.addStretch()
        column.addLayout(where)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.summary_label = QLabel()
        self.summary_label.setStyleSheet("font-size: 13pt;")
        self.summary_label.setWordWrap(True)
        actions.addWidget(self.summary_label, 1)
        self.remove_button = self._button(f"Remove line  {KEY_REMOVE}",
                                          "Take the chosen line off this return (nothing "
                                          "has been written yet)", self.remove_line)
        self.start_over_button = self._button(f"Start over  {KEY_START_OVER}",
                                              "Clear the scans to begin another return",
                                              self.start_over)
        self.receive_button = self._button(f"Receive return…  {KEY_RECEIVE}",
                                           "Take the packages back into stock or "
                                           "quarantine and credit the customer",
                                           self.receive)
        self.receive_button.setDefault(True)  # the look only: Enter belongs to the scan field
        for button in (self.remove_button, self.start_over_button, self.receive_button):
            actions.addWidget(button)
        column.addLayout(actions)
        return page

    def _build_recent(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 10, 0, 0)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        self.returns_model = ReturnsModel(self)
        self.returns_table = QTableView()
        self.returns_table.setModel(self.returns_model)
        configure_table(self.returns_table, stretch=ReturnsModel.CUSTOMER)
        self.returns_table.setItemDelegateForColumn(ReturnsModel.WHERE,
                                                   BadgeDelegate(self.returns_table))
        self.returns_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.returns_table.selectionModel().selectionChanged.connect(self._return_chosen)
        box, self.returns_note = titled("Returns, newest first", self.returns_table)
        split.addWidget(box)
        self.return_lines_model = ReturnLinesModel(self)
        self.return_lines_table = QTableView()
        self.return_lines_table.setModel(self.return_lines_model)
        configure_table(self.return_lines_table, stretch=0)
        self.return_lines_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.return_reason = QLabel()
        self.return_reason.setWordWrap(True)
        self.return_reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box, self.return_lines_note = titled("Its packages", self.return_lines_table,
                                             self.return_reason)
        split.addWidget(box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        column.addWidget(split, 1)
        return page

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        label.setBuddy(buddy)
        return label

    # -- screen life -------------------------------------------------------------------
    def refocus(self) -> None:
        if self.tabs.currentIndex() == 0:  # the scan field is on the first tab
            super().refocus()

    def _dialog_closed(self) -> None:
        """Back to this window and its scan field (a window manager may leave no window
        active when a dialog closes)."""
        self.dialog = None
        if self.isVisible():
            self.window().activateWindow()
            self.refocus()

    def refresh(self) -> None:
        run_task(self, lambda: (return_customers(), list_locations()), self._choices_loaded)
        self.load_recent()

    def _choices_loaded(self, result: tuple[list[ReturnCustomer], list[LocationRow]]) -> None:
        customers, locations = result
        keep, bin_text = self.customer_id(), self.bin_combo.currentText()
        self.customers = {c.id: c for c in customers}
        self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        for c in customers:
            self.customer_combo.addItem(c.name + (f"  ·  GLN {c.gln}" if c.gln else ""), c.id)
        self.customer_combo.setCurrentIndex(self.customer_combo.findData(keep) if keep else -1)
        self.customer_combo.blockSignals(False)
        self.customer_combo.lineEdit().setPlaceholderText(
            "Type to search, or choose" if customers else
            "No active customers: add one on the Partners screen")
        fill_locations(self.bin_combo, locations, (LocationKind.BIN,))
        self.bin_combo.setCurrentIndex(self.bin_combo.findText(bin_text) if bin_text else -1)
        self._show_lines()

    def load_recent(self) -> None:
        run_task(self, recent_returns, self._recent_loaded)

    def _recent_loaded(self, rows: list[ReturnRow]) -> None:
        keep = self._selected_return
        self.returns_model.set_rows(rows)
        self.returns_note.setText(units_phrase(len(rows), "return") if rows else "none yet")
        row = self.returns_model.row_of(keep) if keep else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.returns_table.selectRow(row)
        else:
            self.return_lines_model.set_rows([])
            self.return_lines_note.setText("")
            self.return_reason.setText("")

    def _return_chosen(self, *_args) -> None:
        rows = self.returns_table.selectionModel().selectedRows()
        if not rows:
            return
        chosen: ReturnRow = rows[0].data(ROW_ROLE)
        self._selected_return = chosen.id
        run_task(self, lambda: return_lines(chosen.id),
                 lambda lines: self._return_lines_loaded(chosen, lines))

    def _return_lines_loaded(self, chosen: ReturnRow, lines: list[ReturnLineRow]) -> None:
        if chosen.id != self._selected_return:
            return
        self.return_lines_model.set_rows(lines)
        self.return_lines_note.setText(f"{chosen.number} · "
                                       f"{units_phrase(len(lines), 'package')}")
        self.return_reason.setText(f"Received by {chosen.received_by} on "
                                   f"{local_time(chosen.received_at)}. Why: {chosen.reason}")

    # -- the customer, where to, why ---------------------------------------------------
    def customer_id(self) -> int | None:
        """The customer whose name is in the box (typed in full or chosen)."""
        index = self.customer_combo.findText(self.customer_combo.currentText().strip(),
                                             Qt.MatchFlag.MatchFixedString)
        return self.customer_combo.itemData(index) if index >= 0 else None

    def choose_customer(self, customer_id: int) -> bool:
        index = self.customer_combo.findData(customer_id)
        self.customer_combo.setCurrentIndex(index)
        return index >= 0

    def _customer_changed(self, _index: int) -> None:
        self._generation += 1  # a check still running was for the customer before
        self._queue.clear()
        customer = self.customers.get(self.customer_id())
        if customer is not None and not self.lines_model.rows:
            self._feedback("info", customer.name, "Scan each returned package's 2D barcode.")
        self._show_lines()

    def disposition(self) -> int:
        return self.disposition_group.checkedId()

    def choose_disposition(self, which: int) -> None:
        self.disposition_group.button(which).setChecked(True)
        self._disposition_changed(which)

    def _disposition_changed(self, which: int) -> None:
        self.bin_combo.setEnabled(which == TO_ONE_BIN)
        if which == TO_ONE_BIN and not combo_code(self.bin_combo):
            self.bin_combo.setFocus()  # a bin is needed; typing or scanning its code
        else:
            self.refocus()
        self._show_lines()

    def _bin_chosen(self) -> None:
        self._show_lines()
        self.refocus()

    def _destination(self) -> Callable[[ReturnCandidate], str]:
        which = self.disposition()
        if which == TO_QUARANTINE:
            return lambda r: "Quarantine"
        if which == TO_ONE_BIN:
            code = combo_code(self.bin_combo)
            return lambda r: code or "choose the bin"
        return lambda r: r.picked_from

    def _mark_reason(self, invalid: bool) -> None:
        self.reason_combo.setProperty("invalid", invalid)
        self.reason_combo.style().unpolish(self.reason_combo)
        self.reason_combo.style().polish(self.reason_combo)

    def reason(self) -> str:
        return self.reason_combo.currentText().strip()

    # -- scanning ----------------------------------------------------------------------
    def scan(self, raw: str) -> None:
        self.tabs.setCurrentIndex(0)
        self.refocus()
        if self.customer_id() is None:
            self._refuse("Choose the customer first", "Returns are verified against what "
                         "we shipped to one customer: choose them above, then scan again.",
                         raw)
            return
        self._queue.append(raw)
        self._check_next()

    def _check_next(self) -> None:
        """One check at a time, so each sees every package accepted before it."""
        if self._checking or not self._queue:
            return
        raw = self._queue.pop(0)
        self._checking = True
        customer_id, so_far = self.customer_id(), tuple(self.lines_model.rows)
        generation, replacement = self._generation, settings.load().gs_replacement

        def job() -> ReturnCandidate:
            scan = require_product_identifier(parse_scan(raw, replacement))
            return returns.check_returned(
                customer_id, Returned(scan.gtin, scan.serial, scan.lot, scan.expiry), so_far)
        run_task(self, job, lambda line: self._checked(generation, line),
                 lambda exc: self._check_failed(generation, exc, raw))

    def _checked(self, generation: int, line: ReturnCandidate) -> None:
        self._checking = False
        if generation == self._generation:
            self.lines_model.add(line)
            self.lines_table.scrollToBottom()
            count = len(self.lines_model.rows)
            headline = f"Accepted {units_phrase(count, 'package')}"
            if line.expired() and self.disposition() != TO_QUARANTINE:
                self._feedback("warn", headline, describe(line) + ". It has expired: it can "
                               "only go to quarantine, so choose quarantine for this return.")
            else:
                self._feedback("ok", headline, describe(line))
            self._sound(True)
            self._show_lines()
        self._check_next()

    def _check_failed(self, generation: int, exc: BaseException, raw: str) -> None:
        self._checking = False
        if generation == self._generation:
            if isinstance(exc, RxDeskError):
                self._refuse(exc.title, str(exc), raw)
            else:
                self._refuse("Unexpected error", "The scan was not checked; see the message.",
                             raw)
                show_error(self, exc)
        self._check_next()

    def _refuse(self, headline: str, why: str, raw: str) -> None:
        self._feedback("bad", headline, why)
        self.refused_model.add(Refusal(datetime.now(), _shown(raw), why))
        self.refused_table.scrollToTop()
        self._sound(False)
        self._show_lines()

    # -- the lines ---------------------------------------------------------------------
    def remove_line(self) -> None:
        self.refocus()
        rows = self.lines_table.selectionModel().selectedRows()
        if not rows:
            self._feedback("bad", "Nothing removed", "Click the line to take off first.")
            self._sound(False)
            return
        line = self.lines_model.remove(rows[0].row())
        self.lines_table.clearSelection()
        self._feedback("info", "Removed", f"{line.product} · serial {line.serial} is off "
                       "this return; hand it back or set it aside.")
        self._show_lines()

    def start_over(self) -> None:
        self.refocus()
        self._generation += 1  # a check still running is for the return cleared
        self._queue.clear()
        self.lines_model.set_rows([])
        self.refused_model.set_rows([])
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.setEditText("")
        self._mark_reason(False)
        self.choose_disposition(TO_BINS)
        self._feedback("info", "Ready", "Choose the customer, then scan each returned "
                       "package's 2D barcode.")
        self._show_lines()

    def _show_lines(self) -> None:
        rows = self.lines_model.rows
        self.lines_model.destination = self._destination()
        self.lines_model.renumber()
        self.customer_combo.setEnabled(not rows)  # a return is from one customer
        self.customer_combo.setToolTip("Start over to take a return from another customer"
                                       if rows else "Type part of the name to search")
        refused = len(self.refused_model.rows)
        self.refused_note.setText(units_phrase(refused, "scan") if refused else "none")
        self.remove_button.setEnabled(bool(rows))
        self.receive_button.setEnabled(bool(rows))
        if not rows:
            self.lines_note.setText("")
            self.summary_label.setText("Nothing scanned yet.")
            return
        shipment = rows[0].shipment
        self.lines_note.setText(f"all shipped on {shipment}")
        due = return_credit(rows)
        text = f"<b>{units_phrase(len(rows), 'package')}</b> · "
        if due.invoice is None:
            text += "not invoiced yet: no credit memo; its invoice will bill only what is kept"
        else:
            text += f"credit <b>{money(due.total)}</b> on {due.invoice.number}"
            text += f" (tax {money(due.tax)} included)" if due.tax else ""
        self.summary_label.setText(text)

    # -- receiving ---------------------------------------------------------------------
    def receive(self) -> None:
        self.refocus()
        rows = self.lines_model.rows
        customer = self.customers.get(self.customer_id())
        why = ""
        if customer is None:
            why = "Choose the customer first."
        elif not rows:
            why = "Scan at least one returned package."
        elif self._checking or self._queue:
            why = "A scan is still being checked; try again in a moment."
        elif self.disposition() == TO_ONE_BIN and not combo_code(self.bin_combo):
            why = "Choose the bin to put the packages in, or another place for them."
        if why:
            self._feedback("bad", "Not received", why)
            self._sound(False)
            return
        if not self.reason():
            self._feedback("bad", "Say why", "Say why the customer sent the packages back "
                           "(it goes on the return and the credit memo).")
            self._mark_reason(True)
            self._sound(False)
            self.reason_combo.setFocus()
            return
        due = return_credit(rows)
        where = {TO_BINS: "back in the bins they were picked from",
                 TO_ONE_BIN: f"into bin {combo_code(self.bin_combo)}",
                 TO_QUARANTINE: "in quarantine for inspection"}[self.disposition()]
        text = (f"Take back {units_phrase(len(rows), 'package')} from {customer.name} "
                f"(shipped on {rows[0].shipment}) and put them {where}.\n\n")
        text += (f"A credit memo for {money(due.total)} goes on {due.invoice.number}."
                 if due.invoice else "Not invoiced yet: no credit memo; the invoice will "
                                     "bill only what the customer kept.")
        text += "\n\nThe stock moves and the credit are posted; this cannot be undone."
        box = QMessageBox(QMessageBox.Icon.Question, "Receive return", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("rxdeskMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Yes).setText("&Receive")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.accepted.connect(self._post)
        box.finished.connect(lambda _code: self._dialog_closed())
        self.dialog = box
        box.open()

    def _post(self) -> None:
        actor, customer_id = self.actor, self.customer_id()
        keys = [line.key() for line in self.lines_model.rows]
        reason, which = self.reason(), self.disposition()
        disposition = (ReturnDisposition.QUARANTINE if which == TO_QUARANTINE
                       else ReturnDisposition.RESTOCK)
        bin_code = combo_code(self.bin_combo) if which == TO_ONE_BIN else ""
        self.receive_button.setEnabled(False)
        run_task(self, lambda: returns.receive_return(actor, customer_id, keys, reason,
                                                      disposition, bin_code),
                 self._received, self._receive_failed)

    def _received(self, result: ReturnResult) -> None:
        self.last_result = result
        where = self.lines_model.destination
        places = sorted({where(line) for line in self.lines_model.rows})
        self.start_over()
        credit = (f"Credit memo {result.credit_memo} for {money(result.credit)}."
                  if result.credit_memo else
                  "Not invoiced yet: no credit memo; its invoice will bill only what was "
                  "kept.")
        self._feedback("ok", f"Received {result.number}",
                       f"{units_phrase(result.packages, 'package')} from {result.shipment} "
                       f"→ {', '.join(places)}. {credit}")
        self._sound(True)
        self._selected_return = result.return_id
        self.changed.emit({AREA, "stock", "invoices"})  # this screen reloads too (areas)

    def _receive_failed(self, exc: BaseException) -> None:
        self._show_lines()
        self.refocus()
        if not isinstance(exc, RxDeskError):
            show_error(self, exc)
            return
        if isinstance(exc, InvalidInput) and exc.field == "reason":
            self._mark_reason(True)
            self.reason_combo.setFocus()
        self._feedback("bad", exc.title, str(exc))
        self._sound(False)



def _shown(raw: str) -> str:
    return raw.replace(GS, GS_SHOWN).strip()
