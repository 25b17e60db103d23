"""Receiving: import a supplier's EPCIS file, then scan the delivery at the dock.

Left, what is waiting: the open ship notices (supplier files) and, for a delivery that
came without a file, the confirmed purchase orders. Right, the delivery being received:
a scan field for the keyboard-wedge scanner, a big feedback line (green received, amber
held in quarantine, red not counted or suspect), the live tally of expected against
scanned per product and lot, the open scans, and posting.

A scan is one task on the worker thread; its result updates the tally at once (from
ScanResult.counted), and a short debounced reload then brings the scan list (and the
tally, when a scan could not be placed exactly) in line with the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListView, QMessageBox,
    QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from core import settings
from core.errors import RxDeskError
from core.permissions import Permission
from core.queries.locations import list_locations
from core.queries.purchasing import PoRow
from core.queries.receiving import (
    OpenScanRow, ShipNoticeRow, TallyRow, count_open_scans, count_open_ship_notices,
    delivery_tally, open_pos_to_receive, open_scans, open_ship_notices, putaway_suggestions,
    ship_notice, shortfalls_if_closed,
)
from core.services import receiving
from core.services.epcis_import import ImportResult, import_epcis
from core.services.receiving import Delivery, ReceiptResult, ScanResult
from core.vocab import AsnStatus, LocationKind
from core.vocab import ReceiveOutcome as Outcome
from desktop.receiving_dialogs import CloseShortDialog, PostReceiptDialog, units_phrase
from desktop.screens.base import Screen
from desktop.screens.inventory import configure_table, select_rows, set_tone, titled
from desktop.table_models import ROW_ROLE, Column, RowTableModel, local_time
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import TONES, BadgeDelegate
from desktop.widgets.scan_input import ScanField, WedgeCatcher

AREA = "receiving"
RELOAD_MS = 150  # after the last scan, bring the scan list in line with the database
# Outcomes whose counted lot may not be the row the tally keeps them under.
RELOCATED = (Outcome.LOT_MISMATCH, Outcome.ALREADY_IN_STOCK)


def escape(text: str) -> str:
    """Plain text for a rich-text label (apostrophes stay readable)."""
    return html.escape(text, quote=False)


def outcome_tone(outcome: Outcome) -> str:
    if outcome is Outcome.RECEIVED:
        return "ok"
    if outcome is Outcome.ALREADY_IN_STOCK:
        return "bad"
    return "warn"


def exceptions_text(row: TallyRow) -> str:
    return ", ".join(f"{n:,} {o.label.lower()}" for o, n in row.exceptions)


def fmt_date(value) -> str:
    return value.isoformat() if value else ""


class NoticesModel(RowTableModel[ShipNoticeRow]):
    """Shown in a list: supplier and PO on the first line, progress on the second."""

    columns = (
        Column("Delivery", lambda n: f"{n.title}\n{notice_progress(n)}",
               tone=lambda n: "warn" if n.warnings else None),
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            n = self.rows[index.row()]
            return (f"Ship notice {n.id}: document {n.document_id}"
                    + "".join(f"\n{w}" for w in n.warnings))
        return super().data(index, role)

    def row_of(self, asn_id: int) -> int:
        return next((i for i, n in enumerate(self.rows) if n.id == asn_id), -1)

    def replace_row(self, notice: ShipNoticeRow) -> None:
        number = self.row_of(notice.id)
        if number >= 0:
            self.rows[number] = notice
            self.dataChanged.emit(self.index(number, 0), self.index(number, 0))


def notice_progress(n: ShipNoticeRow) -> str:
    shipped = f"shipped {local_time(n.shipped_at)[5:10]} · " if n.shipped_at else ""
    return f"{shipped}{n.scanned:,} of {n.expected:,} scanned"


class TallyModel(RowTableModel[TallyRow]):
    columns = (
        Column("Product", lambda r: r.product),
        Column("Lot", lambda r: r.lot_number or "(any)"),
        Column("Expiry", lambda r: fmt_date(r.expiry), lambda r: r.expiry),
        Column("Expected", lambda r: f"{r.expected:,}", lambda r: r.expected,
               align_right=True),
        Column("Earlier", lambda r: f"{r.earlier:,}" if r.earlier else "",
               lambda r: r.earlier, align_right=True),
        Column("OK", lambda r: f"{r.ok:,}" if r.ok else "", lambda r: r.ok,
               align_right=True, tone=lambda r: "ok"),
        Column("Held", lambda r: exceptions_text(r), lambda r: r.exception_units,
               tone=lambda r: "bad" if any(o is Outcome.ALREADY_IN_STOCK
                                           for o, _ in r.exceptions) else "warn"),
        Column("To come", lambda r: f"{r.still_expected:,}" if r.still_expected
               else "", lambda r: r.still_expected, align_right=True),
    )
    EARLIER = 4

    def key_of(self, product_id: int, lot: str) -> int:
        return next((i for i, r in enumerate(self.rows)
                     if (r.product_id, r.lot_number) == (product_id, lot)), -1)

    def replace_row(self, number: int, row: TallyRow) -> None:
        self.rows[number] = row
        self.dataChanged.emit(self.index(number, 0),
                              self.index(number, self.columnCount() - 1))


class ScansModel(RowTableModel[OpenScanRow]):
    columns = (
        Column("Time", lambda s: s.scanned_at.astimezone().strftime("%H:%M:%S"),
               lambda s: s.id),
        Column("Outcome", lambda s: s.outcome.label, tone=lambda s: outcome_tone(s.outcome)),
        Column("Units", lambda s: f"{s.units:,}", lambda s: s.units, align_right=True),
        Column("Scan", lambda s: scan_text(s)),
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return scan_text(self.rows[index.row()])
        return super().data(index, role)


def scan_text(s: OpenScanRow) -> str:
    text = s.what
    if s.detail and s.serial:
        text += f" — {s.detail}"
    if s.note and s.note != s.detail:
        text += f" ({s.note})"
    return text


@dataclass
class Loaded:
    """One delivery as read in one worker task."""

    notice: ShipNoticeRow | None
    tally: list[TallyRow]
    scans: list[OpenScanRow]
    scan_count: int


class ReceivingScreen(Screen):
    title = "Receiving"
    icon_name = "receiving"
    summary = "Import a supplier's file, scan the delivery, post the receipt."
    permission = Permission.IMPORT_SUPPLIER_FILES
    areas = frozenset({AREA, "purchase_orders", "products", "partners", "locations"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.delivery: Delivery | None = None
        self.notice: ShipNoticeRow | None = None
        self.po: PoRow | None = None
        self.pos: list[PoRow] = []
        self.bins: list[str] = []
        self.dialog = None
        self.last_receipt: ReceiptResult | None = None
        self.last_import: ImportResult | None = None
        self._generation = 0  # bumps when another delivery is chosen
        self._select_after: int | None = None
        self._reload_tally = False
        self.may_receive = self.actor is not None and self.actor.may(Permission.RECEIVE)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_left())
        split.addWidget(self._build_right())
        split.setStretchFactor(1, 1)
        split.setSizes([262, 798])
        self.layout_.addWidget(split, 1)
        self.catcher = WedgeCatcher(self, self.scan_field)
        self.scan_field.scanned.connect(self.scan)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_MS)
        self._reload_timer.timeout.connect(self._reload_after_scans)
        self._show_delivery(None)

    # -- layout ----------------------------------------------------------------------
    def _build_left(self) -> QWidget:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        column.setSpacing(8)
        self.import_button = QPushButton("&Import supplier file…")
        self.import_button.setToolTip("Read a supplier's EPCIS 1.2 file (DSCSA transaction "
                                      "information) as a ship notice to receive against")
        self.import_button.clicked.connect(self.choose_file)
        column.addWidget(self.import_button)
        self.import_label = QLabel()
        self.import_label.setWordWrap(True)
        self.import_label.setTextFormat(Qt.TextFormat.RichText)
        self.import_label.hide()
        column.addWidget(self.import_label)

        self.notices = NoticesModel(self)
        self.notice_table = QListView()
        self.notice_table.setObjectName("noticeList")
        self.notice_table.setModel(self.notices)
        self.notice_table.setSpacing(2)
        self.notice_table.setAlternatingRowColors(True)
        self.notice_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.notice_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notice_table.setStyleSheet(
            "QListView { background: #ffffff; alternate-background-color: #f4f7f9; "
            "border: 1px solid #d5dde5; selection-background-color: #cfe5ee; "
            "selection-color: #1d2733; } QListView::item { padding: 4px 6px; }")
        self.notice_table.selectionModel().selectionChanged.connect(self._notice_chosen)
        box, self.notice_count_label = titled("Ship notices to receive", self.notice_table)
        column.addWidget(box, 1)

        po_box = QWidget()
        po_column = QVBoxLayout(po_box)
        po_column.setContentsMargins(0, 4, 0, 0)
        po_column.setSpacing(6)
        caption = QLabel("No file came with the delivery?")
        caption.setObjectName("sectionTitle")
        po_column.addWidget(caption)
        self.po_combo = QComboBox()
        self.po_combo.setToolTip("Confirmed purchase orders not yet fully received")
        po_column.addWidget(self.po_combo)
        self.po_button = QPushButton("Receive P&O without file")
        self.po_button.setToolTip("Everything scanned is held in quarantine until the "
                                  "supplier's transaction information arrives")
        self.po_button.clicked.connect(self.choose_po)
        po_column.addWidget(self.po_button)
        column.addWidget(po_box)
        return left

    def _build_right(self) -> QWidget:
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.setSpacing(8)
        self.delivery_label = QLabel()
        self.delivery_label.setObjectName("dialogTitle")
        self.delivery_label.setWordWrap(True)
        column.addWidget(self.delivery_label)
        self.delivery_info = QLabel()
        self.delivery_info.setObjectName("muted")
        self.delivery_info.setWordWrap(True)
        column.addWidget(self.delivery_info)
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("warning")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.hide()
        column.addWidget(self.warnings_label)

        row = QHBoxLayout()
        row.setSpacing(8)
        scan_label = QLabel("S&can")
        self.scan_field = ScanField("Scan a case label or a package's DataMatrix")
        scan_label.setBuddy(self.scan_field)
        row.addWidget(scan_label)
        row.addWidget(self.scan_field, 1)
        self.damaged_button = QPushButton("&Damaged")
        self.damaged_button.setCheckable(True)
        self.damaged_button.setToolTip("The next scan is damaged: it is received into "
                                       "quarantine with your note")
        self.damaged_button.toggled.connect(self._damaged_toggled)
        row.addWidget(self.damaged_button)
        column.addLayout(row)
        self.damage_note = QLineEdit()
        self.damage_note.setPlaceholderText("What is damaged? (e.g. crushed case, seal broken) "
                                            "— then scan it")
        self.damage_note.setMaxLength(200)
        self.damage_note.returnPressed.connect(self.scan_field.setFocus)
        self.damage_note.hide()
        column.addWidget(self.damage_note)

        self.feedback = QLabel()
        self.feedback.setObjectName("scanFeedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setMinimumHeight(48)
        column.addWidget(self.feedback)
        self.receipt_label = QLabel()
        self.receipt_label.setWordWrap(True)
        self.receipt_label.setTextFormat(Qt.TextFormat.RichText)
        self.receipt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.receipt_label.hide()
        column.addWidget(self.receipt_label)

        tables = QSplitter(Qt.Orientation.Vertical)
        tables.setChildrenCollapsible(False)
        self.tally_model = TallyModel(self)
        self.tally_table = QTableView()
        self.tally_table.setModel(self.tally_model)
        configure_table(self.tally_table, stretch=0)
        # Narrow headers over short numbers leave the product name the room it needs.
        self.tally_table.horizontalHeader().setStyleSheet(
            "QHeaderView::section { padding: 5px 4px; }")
        tally_box, self.tally_note = titled("Expected and scanned", self.tally_table)
        tables.addWidget(tally_box)

        self.scans_model = ScansModel(self)
        self.scans_table = QTableView()
        self.scans_table.setModel(self.scans_model)
        configure_table(self.scans_table, stretch=3)
        self.scans_table.setItemDelegateForColumn(1, BadgeDelegate(self.scans_table))
        self.scans_table.selectionModel().selectionChanged.connect(self._update_actions)
        self.remove_button = QPushButton("&Remove scan")
        self.remove_button.setToolTip("Take back the selected scan (a case takes its packages "
                                      "with it)")
        self.remove_button.clicked.connect(self.remove_scan)
        scans_actions = QWidget()
        scans_row = QHBoxLayout(scans_actions)
        scans_row.setContentsMargins(0, 2, 0, 0)
        scans_row.addStretch()
        scans_row.addWidget(self.remove_button)
        scans_box, self.scans_note = titled("Scans not yet posted", self.scans_table,
                                            scans_actions)
        tables.addWidget(scans_box)
        tables.setSizes([160, 260])
        column.addWidget(tables, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        actions.addWidget(self.summary_label, 1)
        self.everything_button = QPushButton("Receive &all expected…")
        self.everything_button.setToolTip("Count every case and package of the file not yet "
                                          "scanned, as if each had been scanned")
        self.everything_button.clicked.connect(self.receive_everything)
        self.close_button = QPushButton("C&lose short…")
        self.close_button.setToolTip("The rest of this ship notice will not come")
        self.close_button.clicked.connect(self.close_short)
        self.post_button = QPushButton("&Post receipt…")
        self.post_button.setDefault(True)
        self.post_button.clicked.connect(self.post)
        for button in (self.everything_button, self.close_button, self.post_button):
            actions.addWidget(button)
        column.addLayout(actions)
        return right

    # -- lists ---------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.scan_field.isEnabled():
            self.scan_field.setFocus()

    def activate(self) -> None:
        """Every visit re-reads the lists: another workstation may have imported a file."""
        if self.loaded:
            self.refresh()
        super().activate()

    def refresh(self) -> None:
        def job():
            bins = [loc.code for loc in list_locations(True)
                    if loc.kind is LocationKind.BIN and loc.active]
            return (open_ship_notices(), count_open_ship_notices(), open_pos_to_receive(),
                    bins)
        run_task(self, job, self._show_lists)

    def _show_lists(self, result) -> None:
        notices, total, self.pos, self.bins = result
        keep = self._select_after or (self.delivery.asn_id if self.delivery else None)
        self._select_after = None
        self.notices.set_rows(notices)
        shown = f"{len(notices)} of {total:,}" if total > len(notices) else f"{total:,}"
        self.notice_count_label.setText(f"{shown} open")
        row = self.notices.row_of(keep) if keep else -1
        if row >= 0:
            select_rows(self.notice_table, [row])  # opens it unless it is open already
        current = self.po_combo.currentData()
        self.po_combo.clear()
        for po in self.pos:
            expected = f", expected {po.expected_on:%m-%d}" if po.expected_on else ""
            self.po_combo.addItem(f"{po.number} · {po.supplier}{expected}", po.id)
        index = self.po_combo.findData(current)
        self.po_combo.setCurrentIndex(max(index, 0))
        self._update_actions()

    def _notice_chosen(self, *_args) -> None:
        rows = self.notice_table.selectionModel().selectedRows()
        if rows:
            notice = rows[0].data(ROW_ROLE)
            if self.delivery is None or self.delivery.asn_id != notice.id:
                self.open_delivery(Delivery(asn_id=notice.id))

    def choose_po(self) -> None:
        po_id = self.po_combo.currentData()
        if po_id is None:
            return
        self.notice_table.clearSelection()
        self.open_delivery(Delivery(po_id=po_id))

    # -- import --------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import supplier file", "", "EPCIS files (*.xml);;All files (*)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        actor = self.actor
        max_bytes = settings.load().epcis_max_mb << 20
        self.import_button.setEnabled(False)
        set_tone(self.import_label, "ok")
        self.import_label.setText(f"Reading {escape(path.replace(chr(92), '/').split('/')[-1])}…")
        self.import_label.show()
        run_task(self, lambda: import_epcis(actor, path, max_bytes=max_bytes),
                 self._imported, self._import_failed)

    def _imported(self, result: ImportResult) -> None:
        self.import_button.setEnabled(True)
        self.last_import = result
        lines = [f"<b>{'Already imported as' if result.already_imported else 'Imported as'} "
                 f"ship notice {result.asn_id}</b>",
                 escape(result.supplier) + (f" · {escape(result.po_number)}" if
                                            result.po_number else " · no PO linked"),
                 f"{result.packages:,} packages in {result.cases:,} cases, {result.lots} "
                 f"lot{'s' if result.lots != 1 else ''} of {result.products} "
                 f"product{'s' if result.products != 1 else ''}"]
        if result.new_products:
            lines.append("New, to review in Products: "
                         + escape(", ".join(result.new_products)))
        lines += [f"⚠ {escape(w)}" for w in result.warnings
                  if not any(code in w for code in result.new_products)]
        set_tone(self.import_label, "warning" if result.new_products or result.warnings
                 else "ok")
        self.import_label.setText("<br>".join(lines))
        self._select_after = result.asn_id
        self.changed.emit({AREA, "products"} if result.new_products else {AREA})  # reloads

    def _import_failed(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if not isinstance(exc, RxDeskError):
            self.import_label.hide()
            show_error(self, exc)
            return
        set_tone(self.import_label, "danger")
        self.import_label.setText(f"<b>{escape(exc.title)}</b><br>{escape(str(exc))}")
        self.import_label.show()

    # -- the delivery --------------------------------------------------------------------
    def open_delivery(self, delivery: Delivery) -> None:
        self._generation += 1
        self.delivery = delivery
        self.po = next((p for p in self.pos if p.id == delivery.po_id), None)
        self.notice = None
        self.tally_model.set_rows([])
        self.scans_model.set_rows([])
        self.receipt_label.hide()
        self._set_damaged(False)
        self._feedback("info", "Ready", "Scan each case label, or each package of an opened "
                       "case.")
        self._show_delivery(delivery)
        self.load_delivery()

    def load_delivery(self) -> None:
        if self.delivery is None:
            return
        generation, delivery = self._generation, self.delivery
        run_task(self, lambda: _load(delivery),
                 lambda loaded: self._show_loaded(generation, loaded))

    def _show_loaded(self, generation: int, loaded: Loaded, tally: bool = True) -> None:
        if generation != self._generation:
            return
        self.notice = loaded.notice
        if loaded.notice is not None:
            self.notices.replace_row(loaded.notice)
        if tally:
            self.tally_model.set_rows(loaded.tally)
        keep = self.selected_scan()
        self.scans_model.set_rows(loaded.scans)
        if keep is not None:
            row = next((i for i, s in enumerate(loaded.scans) if s.id == keep.id), -1)
            if row >= 0:
                select_rows(self.scans_table, [row])
        shown = len(loaded.scans)
        self.scans_note.setText(f"newest {shown} of {loaded.scan_count:,}"
                                if loaded.scan_count > shown else f"{loaded.scan_count:,}")
        self._show_delivery(self.delivery)

    def _show_delivery(self, delivery: Delivery | None) -> None:
        notice, po = self.notice, self.po
        self.warnings_label.hide()
        if delivery is None:
            self.delivery_label.setText("No delivery chosen")
            self.delivery_info.setText("Pick a ship notice on the left (import the supplier's "
                                       "file first if it is not there), or receive a purchase "
                                       "order without a file.")
        elif delivery.asn_id is not None:
            if notice is None:
                self.delivery_label.setText(f"Ship notice {delivery.asn_id}")
                self.delivery_info.setText("Loading…")
            else:
                self.delivery_label.setText(notice.title)
                shipped = (f"shipped {local_time(notice.shipped_at)[:10]} · "
                           if notice.shipped_at else "")
                status = ("" if notice.status is AsnStatus.EXPECTED
                          else f" · {notice.status.label.lower()}")
                self.delivery_info.setText(
                    f"Ship notice {notice.id} · document {notice.document_id} · {shipped}"
                    f"{notice.scanned:,} of {notice.expected:,} packages scanned{status}")
                if notice.warnings:
                    self.warnings_label.setText("From the file: " + " ".join(notice.warnings))
                    self.warnings_label.show()
        else:
            self.delivery_label.setText(f"{po.supplier} · {po.number}" if po
                                        else "Purchase order")
            self.delivery_info.setText(
                "No supplier file: every package is scanned one by one and held in quarantine "
                "until the supplier's transaction information arrives. Cases cannot be "
                "received without the file.")
        self.tally_table.setColumnHidden(TallyModel.EARLIER,
                                         not any(r.earlier for r in self.tally_model.rows))
        self._update_summary()
        self._update_actions()

    def is_open(self) -> bool:
        if self.delivery is None:
            return False
        if self.delivery.asn_id is not None:
            return self.notice is None or self.notice.status in (
                AsnStatus.EXPECTED, AsnStatus.PARTIALLY_RECEIVED)
        return True

    def _update_actions(self, *_args) -> None:
        can = self.may_receive and self.is_open()
        has_scans = bool(self.scans_model.rows)
        for widget in (self.scan_field, self.damaged_button, self.damage_note):
            widget.setEnabled(can)
        self.remove_button.setEnabled(can and self.selected_scan() is not None)
        self.post_button.setEnabled(can and has_scans)
        asn = can and self.delivery is not None and self.delivery.asn_id is not None
        self.everything_button.setEnabled(asn and any(r.still_expected
                                                      for r in self.tally_model.rows))
        self.close_button.setEnabled(asn and not has_scans)
        self.close_button.setToolTip("The rest of this ship notice will not come" if
                                     not has_scans else "Post or remove the open scans first")
        self.po_button.setEnabled(self.may_receive and self.po_combo.count() > 0)
        if not self.may_receive:
            why = "Receiving needs the warehouse role (or owner/admin)."
            for widget in (self.scan_field, self.post_button, self.po_button,
                           self.everything_button, self.close_button):
                widget.setToolTip(why)

    def _update_summary(self) -> None:
        rows = self.tally_model.rows
        ok = sum(r.ok for r in rows)
        held = sum(r.exception_units for r in rows)
        still = sum(r.still_expected for r in rows)
        if self.delivery is None or not rows:
            self.summary_label.setText("")
            return
        parts = [f"{ok + held:,} scanned" + (f" ({held:,} held)" if held else "")]
        if self.delivery.asn_id is not None:
            parts.append(f"{still:,} to come")
        else:
            parts.append(f"{still:,} open on the PO")
        self.summary_label.setText(" · ".join(parts))

    def selected_scan(self) -> OpenScanRow | None:
        rows = self.scans_table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    # -- scanning ------------------------------------------------------------------------
    def _damaged_toggled(self, on: bool) -> None:
        self.damage_note.setVisible(on)
        if on:
            self.damage_note.setFocus()
        else:
            self.damage_note.clear()
            self.scan_field.setFocus()

    def _set_damaged(self, on: bool) -> None:
        self.damaged_button.setChecked(on)
        self._damaged_toggled(on)

    def scan(self, raw: str) -> None:
        if self.delivery is None:
            self._feedback("bad", "Not counted", "Choose the delivery first: a ship notice on "
                           "the left, or a purchase order without a file.")
            return
        if not (self.may_receive and self.is_open()):
            self._feedback("bad", "Not counted", "This delivery cannot be received here.")
            return
        damaged = self.damaged_button.isChecked()
        note = self.damage_note.text().strip()
        if damaged and not note:
            self._feedback("bad", "Not counted", "Say what is damaged first, then scan the "
                           "package again.")
            self.damage_note.setFocus()
            return
        actor, delivery, generation = self.actor, self.delivery, self._generation
        replacement = settings.load().gs_replacement
        run_task(self, lambda: receiving.record_scan(actor, delivery, raw, replacement,
                                                     damaged=damaged, note=note),
                 lambda result: self._scanned(generation, result, damaged),
                 lambda exc: self._scan_failed(generation, exc))
        self.scan_field.setFocus()

    def _scanned(self, generation: int, result: ScanResult, damaged: bool = False) -> None:
        if generation != self._generation:
            return
        if damaged:
            self._set_damaged(False)  # one damaged package (or case) at a time
        if not result.has_exceptions:
            tone, headline = "ok", "Received"
            text = f"{result.message} · {Outcome.RECEIVED.consequence}"
        else:
            problems = [c for c in result.counted if c.outcome is not Outcome.RECEIVED]
            worst = problems[0].outcome
            suspect = any(c.outcome is Outcome.ALREADY_IN_STOCK for c in problems)
            tone = "bad" if suspect else "warn"
            headline = (worst.label if result.outcome is not Outcome.RECEIVED
                        else "Received with exceptions")
            text = result.message
        self._feedback(tone, headline, text)
        self.receipt_label.hide()
        self._count(result)
        self._reload_timer.start()

    def _count(self, result: ScanResult) -> None:
        """The incremental tally update; a count the tally cannot place for sure waits for
        the reload instead."""
        by_asn = self.delivery is not None and self.delivery.asn_id is not None
        for c in result.counted:
            number = self.tally_model.key_of(c.product_id, c.lot_number if by_asn else "")
            if number < 0 or c.outcome in RELOCATED:
                self._reload_tally = True
                continue
            self.tally_model.replace_row(number, self.tally_model.rows[number]
                                         .with_counted(c.outcome, c.units))
        self._update_summary()

    def _scan_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if not isinstance(exc, RxDeskError):
            show_error(self, exc)
            return
        self._feedback("bad", "Not counted", str(exc))

    def _reload_after_scans(self) -> None:
        if self.delivery is None:
            return
        generation, delivery, tally = self._generation, self.delivery, self._reload_tally
        self._reload_tally = False
        run_task(self, lambda: _load(delivery, tally),
                 lambda loaded: self._show_loaded(generation, loaded, tally))

    def _feedback(self, tone: str, headline: str, text: str) -> None:
        background, border, color = TONES[tone]
        mark = {"ok": "✓", "warn": "!", "bad": "✗"}.get(tone, "")
        self.feedback.setProperty("tone", tone)
        self.feedback.setStyleSheet(
            f"QLabel {{ background: {background}; border: 1px solid {border}; color: {color}; "
            "border-radius: 6px; padding: 8px 12px; font-size: 12pt; }")
        self.feedback.setText(f"<b>{mark + ' ' if mark else ''}{escape(headline)}</b>"
                              f" — {escape(text)}")

    def feedback_tone(self) -> str:
        return self.feedback.property("tone") or ""

    # -- actions -------------------------------------------------------------------------
    def remove_scan(self) -> None:
        scan = self.selected_scan()
        if scan is None:
            return
        actor, generation = self.actor, self._generation
        run_task(self, lambda: receiving.remove_scan(actor, scan.id),
                 lambda _units: self._removed(generation, scan),
                 lambda exc: self._scan_failed(generation, exc))

    def _removed(self, generation: int, scan: OpenScanRow) -> None:
        if generation != self._generation:
            return
        self._feedback("info", "Scan removed", f"{scan.what} is no longer counted.")
        self.load_delivery()
        self.scan_field.setFocus()

    def receive_everything(self) -> None:
        if self.delivery is None or self.delivery.asn_id is None:
            return
        still = sum(r.still_expected for r in self.tally_model.rows)
        box = QMessageBox(QMessageBox.Icon.Question, "Receive everything expected",
                          f"Count the {units_phrase(still, 'package')} of the supplier's file "
                          "not scanned yet as if each case had been scanned?\n\nOnly do this "
                          "when every case is on the dock and unopened.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("rxdeskMessage")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Yes).setText("Receive everything")
        box.accepted.connect(self._receive_everything)
        self.dialog = box
        box.open()

    def _receive_everything(self) -> None:
        actor, asn_id, generation = self.actor, self.delivery.asn_id, self._generation
        run_task(self, lambda: receiving.scan_everything_expected(actor, asn_id),
                 lambda results: self._everything_done(generation, results),
                 lambda exc: self._scan_failed(generation, exc))

    def _everything_done(self, generation: int, results: Sequence[ScanResult]) -> None:
        if generation != self._generation:
            return
        units = sum(r.units for r in results)
        held = sum(c.units for r in results for c in r.counted
                   if c.outcome is not Outcome.RECEIVED)
        if held:
            self._feedback("warn", "Received with exceptions",
                           f"{units_phrase(units, 'package')} counted; {held:,} held (see the "
                           "tally).")
        else:
            self._feedback("ok", "Received", f"{units_phrase(units, 'package')} counted · "
                           f"{Outcome.RECEIVED.consequence}")
        self.load_delivery()

    def post(self) -> None:
        if self.delivery is None:
            return
        delivery, generation = self.delivery, self._generation
        held = sum(r.exception_units for r in self.tally_model.rows)

        def job():
            suggestions = putaway_suggestions(delivery.asn_id, delivery.po_id)
            short = shortfalls_if_closed(delivery.asn_id) if delivery.asn_id else []
            return suggestions, short
        run_task(self, job, lambda plan: self._confirm_post(generation, plan, held))

    def _confirm_post(self, generation: int, plan, held: int) -> None:
        if generation != self._generation:
            return
        suggestions, short = plan
        dialog = PostReceiptDialog(self.actor, self.delivery, self.delivery_label.text(),
                                   suggestions, short, held, self.bins, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._posted(generation, dialog.result_value))
        dialog.open()

    def _posted(self, generation: int, result: ReceiptResult) -> None:
        self.last_receipt = result
        self.receipt_label.setText(receipt_html(result))
        set_tone(self.receipt_label, "warning" if result.exceptions or result.warnings
                 else "ok")
        self.receipt_label.show()
        self._feedback("ok", f"Receipt {result.number} posted",
                       "Put the stock away as listed below.")
        self.changed.emit({AREA, "stock", "purchase_orders"})  # the lists reload
        if generation == self._generation:
            self.load_delivery()

    def close_short(self) -> None:
        if self.delivery is None or self.delivery.asn_id is None:
            return
        still = sum(r.still_expected for r in self.tally_model.rows)
        dialog = CloseShortDialog(self.actor, self.delivery.asn_id, self.delivery_label.text(),
                                  still, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._closed(dialog.result_value))
        dialog.open()

    def _closed(self, closed: receiving.ClosedShort | None = None) -> None:
        text = "The rest of this ship notice will not come; it is off the list."
        if closed is not None and closed.units:
            text = (f"{units_phrase(closed.units, 'package')} recorded as not delivered on "
                    f"{closed.number}; the ship notice is off the list.")
        self._feedback("info", "Closed short", text)
        self.changed.emit({AREA})  # the lists reload
        self.load_delivery()


def _load(delivery: Delivery, tally: bool = True) -> Loaded:
    asn_id, po_id = delivery.asn_id, delivery.po_id
    return Loaded(ship_notice(asn_id) if asn_id is not None else None,
                  delivery_tally(asn_id, po_id) if tally else [],
                  open_scans(asn_id, po_id), count_open_scans(asn_id, po_id))


def receipt_html(result: ReceiptResult, limit: int = 6) -> str:
    """What went where and what was held or short, for the banner after posting."""
    lines = [f"<b>Receipt {escape(result.number)} posted.</b>"]
    for _gtin, product, lot, units, where in result.received[:limit]:
        lines.append(f"{units:,} × {escape(product)}, lot {escape(lot)} → <b>{escape(where)}</b>")
    if len(result.received) > limit:
        lines.append(f"… and {len(result.received) - limit} more lines")
    if result.exceptions:
        kinds: dict[str, int] = {}
        for e in result.exceptions:
            kinds[e.outcome.label.lower()] = kinds.get(e.outcome.label.lower(), 0) + e.units
        lines.append("Exceptions recorded: " + ", ".join(f"{n:,} {k}" for k, n in kinds.items()))
    if result.asn_status is AsnStatus.CLOSED_SHORT:
        lines.append("The ship notice is closed: what did not come is recorded as not "
                     "delivered.")
    elif result.still_expected:
        lines.append(f"{units_phrase(result.still_expected, 'package')} of the ship notice "
                     "still expected (not short until the notice is closed).")
    lines += [f"⚠ {escape(w)}" for w in result.warnings]
    return "<br>".join(lines)
