"""Cycle counts: start a count of a bin or a product, scan what is on the shelf,
enter quantities of non-serialized lots, watch the variances, approve (or cancel a
count that should not be posted, with the reason).

Variances are worked out against the stock records at approval, so stock in the
counted bin or of the counted product must not move while the count is open.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QRadioButton, QSpinBox, QSplitter, QTableView, QVBoxLayout,
    QWidget,
)

from core import settings
from core.errors import RxDeskError
from core.ndc import parse_ndc
from core.permissions import Permission
from core.queries.counts import (
    CountEntryRow, CountSheetRow, count_entries, count_sheet, describe_variances, list_counts,
)
from core.queries.locations import LocationRow, list_locations
from core.scanning import Scan, ScanError, parse_scan
from core.services import counts as count_service
from core.services.counts import Variances
from core.vocab import CountStatus, LocationKind
from desktop.screens.base import Screen
from desktop.screens.inventory import configure_table, select_rows, set_tone, titled
from desktop.stock_dialogs import (
    ApproveCountDialog, CancelCountDialog, combo_code, location_combo,
)
from desktop.stock_models import CountSheetsModel, VarianceModel
from desktop.table_models import ROW_ROLE, local_time
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import TONES, restyle
from desktop.widgets.scan_input import ScanField, WedgeCatcher

INTERNAL = (LocationKind.BIN, LocationKind.RECEIVING, LocationKind.QUARANTINE, LocationKind.PACK)


def message_tone(message: str) -> str:
    if "not in RxDesk" in message:
        return "danger"
    if "another location" in message:
        return "warning"
    return "ok"


def summarize(lines) -> str:
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.kind] = counts.get(line.kind, 0) + 1
    if not counts:
        return "No variances: the shelf matches the records."
    order = ("Missing", "Misplaced", "Found", "Quantity", "Exception")
    names = {"Missing": "missing", "Misplaced": "misplaced", "Found": "found",
             "Quantity": "lot quantity change", "Exception": "exception"}
    parts = []
    for kind in order:
        if kind in counts:
            n = counts[kind]
            plural = "s" if n != 1 and kind in ("Quantity", "Exception") else ""
            parts.append(f"{n} {names[kind]}{plural}")
    return "Variances: " + ", ".join(parts) + "."


class CountsScreen(Screen):
    title = "Cycle counts"
    icon_name = "counts"
    summary = "Count a bin or a product by scanning; review variances and approve."
    permission = Permission.TRANSFER_STOCK
    areas = frozenset({"stock", "locations", "counts"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.locations: list[LocationRow] = []
        self.sheet: CountSheetRow | None = None
        self.variances: list = []
        self.dialog = None
        self._select_after: int | None = None
        self._sheet_generation = 0

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_left())
        split.addWidget(self._build_right())
        split.setSizes([330, 770])
        self.layout_.addWidget(split, 1)
        self.catcher = WedgeCatcher(self, self.scan_field)
        self.scan_field.scanned.connect(self.scan)
        self._show_sheet(None)

    # -- layout ----------------------------------------------------------------------
    def _build_left(self) -> QWidget:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(8)
        start = QFrame()
        start.setObjectName("card")
        grid = QGridLayout(start)
        grid.setContentsMargins(12, 10, 12, 12)
        grid.setHorizontalSpacing(8)
        heading = QLabel("Start a count")
        heading.setObjectName("sectionTitle")
        grid.addWidget(heading, 0, 0, 1, 2)
        self.bin_radio = QRadioButton("&Bin")
        self.product_radio = QRadioButton("&Product")
        self.bin_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.bin_radio)
        group.addButton(self.product_radio)
        self.start_bin_combo = location_combo([], INTERNAL)
        self.start_product_edit = QLineEdit()
        self.start_product_edit.setPlaceholderText("Scan the product, or type its GTIN or NDC")
        grid.addWidget(self.bin_radio, 1, 0)
        grid.addWidget(self.start_bin_combo, 1, 1)
        grid.addWidget(self.product_radio, 2, 0)
        grid.addWidget(self.start_product_edit, 2, 1)
        self.start_button = QPushButton("&Start count")
        self.start_button.clicked.connect(self.start)
        self.start_error = QLabel()
        self.start_error.setObjectName("fieldError")
        self.start_error.setWordWrap(True)
        self.start_error.hide()
        grid.addWidget(self.start_error, 3, 0, 1, 2)
        grid.addWidget(self.start_button, 4, 1, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)
        self.start_bin_combo.currentTextChanged.connect(
            lambda _t: self.bin_radio.setChecked(True))
        self.start_product_edit.textEdited.connect(
            lambda _t: self.product_radio.setChecked(True))
        self.start_product_edit.returnPressed.connect(self.start)
        column.addWidget(start)

        self.sheets = CountSheetsModel(self)
        self.sheet_table = QTableView()
        self.sheet_table.setModel(self.sheets)
        configure_table(self.sheet_table, stretch=1)
        self.sheet_table.selectionModel().selectionChanged.connect(self._sheet_chosen)
        box, self.sheet_count_label = titled("Counts", self.sheet_table)
        column.addWidget(box, 1)
        return left

    def _build_right(self) -> QWidget:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.setSpacing(8)
        self.sheet_label = QLabel()
        self.sheet_label.setObjectName("dialogTitle")
        column.addWidget(self.sheet_label)
        self.freeze_label = QLabel()
        self.freeze_label.setObjectName("warning")
        self.freeze_label.setWordWrap(True)
        column.addWidget(self.freeze_label)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.where_combo = location_combo([], INTERNAL)
        self.where_combo.setToolTip("The bin you are counting in (scan its label to switch)")
        where_label = QLabel("Counting &in")
        where_label.setBuddy(self.where_combo)
        grid.addWidget(where_label, 0, 0)
        grid.addWidget(self.where_combo, 0, 1)
        self.scan_field = ScanField("Scan each package (or a bin label to switch bins)")
        scan_label = QLabel("S&can")
        scan_label.setBuddy(self.scan_field)
        grid.addWidget(scan_label, 1, 0)
        grid.addWidget(self.scan_field, 1, 1, 1, 3)
        quantity_row = QHBoxLayout()
        self.gtin_edit = QLineEdit()
        self.gtin_edit.setPlaceholderText("GTIN (scan the lot)")
        self.lot_edit = QLineEdit()
        self.lot_edit.setPlaceholderText("Lot")
        self.lot_edit.setMaximumWidth(140)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(0, 1_000_000)
        self.quantity_spin.setMinimumWidth(90)
        self.record_button = QPushButton("&Record quantity")
        self.record_button.clicked.connect(self.record_quantity)
        for widget in (self.gtin_edit, self.lot_edit, self.quantity_spin, self.record_button):
            quantity_row.addWidget(widget)
        quantity_label = QLabel("Non-serialized")
        grid.addWidget(quantity_label, 2, 0)
        grid.addLayout(quantity_row, 2, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)

        self.messages = QListWidget()
        self.messages.setObjectName("scanLog")
        self.messages.setMaximumHeight(150)
        self.messages.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.messages.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.messages.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        log_box, self.entry_count_label = titled("Scanned", self.messages)
        column.addWidget(log_box)

        self.variance_model = VarianceModel(self)
        self.variance_table = QTableView()
        self.variance_table.setModel(self.variance_model)
        configure_table(self.variance_table, stretch=1)
        actions = QWidget()
        row = QHBoxLayout(actions)
        row.setContentsMargins(0, 4, 0, 0)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.refresh_button = QPushButton("Re&check")
        self.refresh_button.clicked.connect(self.load_sheet)
        self.approve_button = QPushButton("&Approve…")
        self.approve_button.clicked.connect(self.approve)
        self.cancel_button = QPushButton("Ca&ncel count…")
        self.cancel_button.clicked.connect(self.cancel_count)
        row.addWidget(self.summary_label, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.approve_button)
        box, _ = titled("Variances if approved now", self.variance_table, actions)
        column.addWidget(box, 1)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        column.addWidget(self.result_label)
        return right

    # -- loading -----------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.scan_field.setFocus()

    def refresh(self) -> None:
        run_task(self, lambda: (list_locations(True), list_counts()), self._show_lists)

    def _show_lists(self, result) -> None:
        self.locations, sheets = result
        for combo in (self.start_bin_combo, self.where_combo):
            keep = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            for loc in self.locations:
                if loc.kind in INTERNAL and loc.active:
                    combo.addItem(loc.code + (f"  ·  {loc.name}" if loc.name else ""), loc.code)
            combo.setCurrentIndex(combo.findText(keep) if keep else -1)
            combo.blockSignals(False)
        keep_id = self._select_after or (self.sheet.id if self.sheet else None)
        self._select_after = None
        self.sheets.set_rows(sheets)
        open_count = sum(1 for s in sheets if s.status == "open")
        self.sheet_count_label.setText(f"{open_count} open")
        row = self.sheets.row_of(keep_id) if keep_id else -1
        if row >= 0:
            select_rows(self.sheet_table, [row])
        elif self.sheet is not None:
            self._show_sheet(None)

    def selected_sheet(self) -> CountSheetRow | None:
        rows = self.sheet_table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def _sheet_chosen(self, *_args) -> None:
        sheet = self.selected_sheet()
        if sheet is None:
            return
        self._show_sheet(sheet)
        self.load_sheet()

    def load_sheet(self) -> None:
        """Entries and the variance preview of the current sheet."""
        if self.sheet is None:
            return
        self._sheet_generation += 1
        generation, sheet_id = self._sheet_generation, self.sheet.id
        run_task(self, lambda: (count_sheet(sheet_id), count_entries(sheet_id),
                                describe_variances(count_service.variances(sheet_id))),
                 lambda result: self._show_details(generation, result))

    def _show_details(self, generation: int, result) -> None:
        if generation != self._sheet_generation:
            return
        sheet, entries, lines = result
        self._show_sheet(sheet)
        if not self.messages.count():
            for entry in reversed(entries):
                self._log(describe_entry(entry), "danger" if entry.unknown else "ok")
        self.entry_count_label.setText(f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'}")
        self.variances = lines
        self.variance_model.set_rows(lines)
        self.summary_label.setText(summarize(lines) if sheet and sheet.status == "open"
                                   else "")
        self._update_actions()

    def _show_sheet(self, sheet: CountSheetRow | None) -> None:
        changed = (sheet.id if sheet else None) != (self.sheet.id if self.sheet else None)
        self.sheet = sheet
        if changed:
            self.messages.clear()
            self.variance_model.set_rows([])
            self.result_label.hide()
        if sheet is None:
            self.sheet_label.setText("No count selected")
            self.freeze_label.setText("Start a count on the left, or pick an open one. Then "
                                      "scan every package on the shelf.")
            self.summary_label.setText("")
        else:
            scope = f"bin {sheet.location}" if sheet.location else f"{sheet.product} ({sheet.ndc})"
            self.sheet_label.setText(f"Count {sheet.id} · {scope} · {sheet.status}")
            self.sheet_label.setToolTip(f"Started {local_time(sheet.created_at)} by "
                                        f"{sheet.created_by}")
            if sheet.status == "open":
                what = (f"in {sheet.location}" if sheet.location
                        else f"of {sheet.product}")
                self.freeze_label.setText(
                    f"Started {local_time(sheet.created_at)} by {sheet.created_by}. Do not "
                    f"move stock {what} until this count is approved: variances are worked "
                    "out at approval.")
                self.freeze_label.setObjectName("warning")
            else:
                done = "Cancelled" if sheet.status == CountStatus.CANCELLED else "Approved"
                self.freeze_label.setText(f"{done} by {sheet.closed_by}"
                                          + (f": {sheet.note}" if sheet.note else "."))
                self.freeze_label.setObjectName("muted")
            restyle(self.freeze_label, self.freeze_label.objectName())
            if sheet.location:
                index = self.where_combo.findData(sheet.location)
                self.where_combo.setCurrentIndex(index)
                if index < 0:
                    self.where_combo.setEditText(sheet.location)
        self.where_combo.setEnabled(bool(sheet and not sheet.location and sheet.status == "open"))
        self._update_actions()

    def _update_actions(self) -> None:
        is_open = self.sheet is not None and self.sheet.status == "open"
        for widget in (self.scan_field, self.gtin_edit, self.lot_edit, self.quantity_spin,
                       self.record_button, self.refresh_button):
            widget.setEnabled(is_open)
        may = self.actor is not None and self.actor.may(Permission.ADJUST_STOCK)
        for button, verb in ((self.approve_button, "approves"), (self.cancel_button, "cancels")):
            button.setEnabled(is_open and may)
            button.setToolTip("" if may else
                              f"An owner or admin {verb} counts (adjusts stock).")

    # -- starting --------------------------------------------------------------------------
    def start(self) -> None:
        self.start_error.hide()
        actor = self.actor
        if self.bin_radio.isChecked():
            code = combo_code(self.start_bin_combo)
            if not code:
                return self._start_failed_text("Choose or scan the bin to count.")
            def job():
                return count_service.start_count(actor, location_code=code)
        else:
            try:
                gtin = product_gtin(self.start_product_edit.text())
            except RxDeskError as exc:
                return self._start_failed_text(str(exc))
            def job():
                return count_service.start_count(actor, gtin=gtin)
        self.start_button.setEnabled(False)
        run_task(self, job, self._started, self._start_failed)

    def _start_failed_text(self, text: str) -> None:
        self.start_error.setText(text)
        self.start_error.show()

    def _start_failed(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        if isinstance(exc, RxDeskError):
            self._start_failed_text(str(exc))
        else:
            show_error(self, exc)

    def _started(self, sheet_id: int) -> None:
        self.start_button.setEnabled(True)
        self.start_product_edit.clear()
        self._select_after = sheet_id
        self.refresh()
        self.scan_field.setFocus()

    # -- counting --------------------------------------------------------------------------
    def counting_location(self) -> str:
        if self.sheet and self.sheet.location:
            return self.sheet.location
        return combo_code(self.where_combo)

    def scan(self, raw: str) -> None:
        if self.sheet is None or self.sheet.status != "open":
            self._log("Start a count or pick an open one before scanning.", "warning")
            return
        code = raw.strip().upper()
        if any(loc.code == code for loc in self.locations):
            if self.sheet.location and code != self.sheet.location:
                self._log(f"This count is for bin {self.sheet.location}, not {code}.", "danger")
            else:
                self._switch_bin(code)
            return
        try:
            scan = parse_scan(raw, settings.load().gs_replacement)
        except ScanError as exc:
            self._log(str(exc), "danger")
            return
        if scan.gtin and scan.serial:
            self._count_package(scan)
        elif scan.gtin:
            self.gtin_edit.setText(scan.gtin)
            self.lot_edit.setText(scan.lot or "")
            self.quantity_spin.setFocus()
            self.quantity_spin.selectAll()
            self._log(f"GTIN {scan.gtin}{' lot ' + scan.lot if scan.lot else ''}: enter the "
                      "number of units on the shelf and press Record quantity.", "ok")
        else:
            self._log("That is a case label: open the case and scan each package.", "warning")

    def _switch_bin(self, code: str) -> None:
        index = self.where_combo.findData(code)
        if index >= 0:
            self.where_combo.setCurrentIndex(index)
        self._log(f"Counting in {code}.", "ok")

    def _count_package(self, scan: Scan) -> None:
        where = self.counting_location()
        if not where:
            self._log("Choose or scan the bin you are counting in first.", "warning")
            return
        actor, sheet_id = self.actor, self.sheet.id
        run_task(self, lambda: count_service.count_package(actor, sheet_id, where, scan.gtin,
                                                           scan.serial),
                 self._counted, self._count_failed)

    def _counted(self, message: str) -> None:
        self._log(message, message_tone(message))
        self.load_sheet()

    def _count_failed(self, exc: BaseException) -> None:
        if isinstance(exc, RxDeskError):
            self._log(str(exc), "danger")
        else:
            show_error(self, exc)

    def record_quantity(self) -> None:
        if self.sheet is None:
            return
        where, gtin = self.counting_location(), self.gtin_edit.text().strip()
        lot, qty = self.lot_edit.text().strip(), self.quantity_spin.value()
        if not (where and gtin and lot):
            self._log("Scan the lot's barcode (or type GTIN and lot) and choose the bin.",
                      "warning")
            return
        actor, sheet_id = self.actor, self.sheet.id
        run_task(self, lambda: count_service.count_quantity(actor, sheet_id, where, gtin, lot,
                                                            qty),
                 lambda _r: self._quantity_recorded(lot, qty, where), self._count_failed)

    def _quantity_recorded(self, lot: str, qty: int, where: str) -> None:
        self._log(f"Lot {lot}: {qty:,} units counted in {where}.", "ok")
        self.quantity_spin.setValue(0)
        self.scan_field.setFocus()
        self.load_sheet()

    def _log(self, text: str, tone: str) -> None:
        item = QListWidgetItem(text)
        item.setForeground(QBrush(QColor(TONES["bad" if tone == "danger" else
                                               "warn" if tone == "warning" else "ok"][2])))
        item.setData(Qt.ItemDataRole.UserRole, tone)
        self.messages.insertItem(0, item)
        self.messages.setCurrentRow(-1)

    def messages_text(self) -> list[str]:
        return [self.messages.item(i).text() for i in range(self.messages.count())]

    # -- approving -----------------------------------------------------------------------
    def approve(self) -> None:
        if self.sheet is None:
            return
        dialog = ApproveCountDialog(self.actor, self.sheet.id, summarize(self.variances), self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._approved(dialog.result_value))
        dialog.open()

    def cancel_count(self) -> None:
        if self.sheet is None or self.sheet.status != CountStatus.OPEN:
            return
        dialog = CancelCountDialog(self.actor, self.sheet.id, self.sheet.entries, self)
        self.dialog = dialog
        dialog.accepted.connect(self._cancelled)
        dialog.open()

    def _cancelled(self) -> None:
        set_tone(self.result_label, "warning")
        self.result_label.setText(f"Count {self.sheet.id} cancelled: no stock was changed.")
        self.result_label.show()
        self.changed.emit({"counts"})

    def _approved(self, result: Variances) -> None:
        set_tone(self.result_label, "ok")
        self.result_label.setText(
            f"Count approved: {len(result.missing)} missing written off, "
            f"{len(result.misplaced)} moved, {len(result.found)} found, "
            f"{len(result.quantities)} lot quantity change(s), "
            f"{len(result.exceptions)} exception(s) to investigate.")
        self.result_label.show()
        self.changed.emit({"stock", "counts"})


def describe_entry(entry: CountEntryRow) -> str:
    if entry.unknown:
        return f"{entry.product} serial {entry.serial} is not in RxDesk ({entry.location})."
    if entry.serial:
        return f"Serial {entry.serial} ({entry.product}) counted in {entry.location}."
    return f"Lot {entry.lot}: {entry.quantity:,} units counted in {entry.location}."


def product_gtin(text: str) -> str:
    """A scanned or typed product: GS1 barcode / GTIN, or an NDC in any accepted form."""
    text = text.strip()
    if not text:
        raise ScanError("Scan the product or type its GTIN or NDC.", "empty")
    try:
        scan = parse_scan(text, settings.load().gs_replacement)
        if scan.gtin:
            return scan.gtin
    except ScanError:
        if not any(c == "-" for c in text):
            raise
    return parse_ndc(text).gtin14()
