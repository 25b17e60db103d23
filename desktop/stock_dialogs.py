"""Dialogs of the warehouse screens: transfer, quarantine, release, write off, a new
bin, approving and cancelling a count. Each runs its one service call off the GUI thread and
stays open with the message under the field when the input is refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit,
    QSpinBox, QVBoxLayout, QWidget,
)

from core.errors import InvalidInput
from core.permissions import Actor
from core.queries.locations import LocationRow
from core.services import counts as count_service
from core.services import locations as location_service
from core.services import stock
from core.vocab import LocationKind, MoveReason, Storage
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm

Keys = Sequence[tuple[str, str]]  # (GTIN, serial) as a scanner names a package
WRITE_OFF_REASONS = (MoveReason.DAMAGED, MoveReason.EXPIRED, MoveReason.DESTROYED,
                     MoveReason.COUNT_CORRECTION)


def packages_phrase(count: int) -> str:
    return f"{count} package{'s' if count != 1 else ''}"


def location_combo(locations: Sequence[LocationRow], kinds: Sequence[LocationKind],
                   exclude: str = "") -> QComboBox:
    """Editable, so a scanned or typed bin code works as well as picking one."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    fill_locations(combo, locations, kinds, exclude)
    combo.setCurrentIndex(-1)
    combo.lineEdit().setPlaceholderText("Bin code")
    return combo


def fill_locations(combo: QComboBox, locations: Sequence[LocationRow],
                   kinds: Sequence[LocationKind], exclude: str = "") -> None:
    """(Re)fill a location combo, e.g. once a screen's locations have loaded."""
    combo.clear()
    for loc in locations:
        if loc.kind in kinds and loc.active and loc.code != exclude:
            combo.addItem(f"{loc.code}" + (f"  ·  {loc.name}" if loc.name else ""), loc.code)


def combo_code(combo: QComboBox) -> str:
    text = combo.currentText().strip()
    index = combo.findText(text)
    return combo.itemData(index) if index >= 0 else text.split()[0] if text else ""


class StockDialog(QDialog):
    """Form + OK/Cancel; OK runs `work()` off-thread; accepted with `result_value`."""

    ok_text = "OK"

    def __init__(self, title: str, intro: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.result_value: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.form = FieldForm()
        layout.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def work(self) -> Callable[[], Any] | None:
        raise NotImplementedError

    def submit(self) -> None:
        self.form.clear_errors()
        job = self.work()
        if job is None:
            return
        self.ok_button.setEnabled(False)
        run_task(self, job, self._done, self._failed)

    def _done(self, value: Any) -> None:
        self.ok_button.setEnabled(True)
        self.result_value = value
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        field = exc.field if isinstance(exc, InvalidInput) else ""
        if field in ("location", "code"):
            field = next((f for f in ("location", "code") if f in self.form.fields), field)
        if not (field and self.form.show_error(field, str(exc))):
            show_error(self, exc)


class TransferDialog(StockDialog):
    """Packages to another bin, or units of a non-serialized lot (`quantity_of`)."""

    ok_text = "&Transfer"

    def __init__(self, actor: Actor, product: str, keys: Keys, locations: Sequence[LocationRow],
                 parent: QWidget | None = None, quantity_of: tuple[str, str, str, int] | None = None):
        if quantity_of:
            _gtin, lot, from_code, available = quantity_of
            intro = f"Move units of {product}, lot {lot}, from {from_code} ({available:,} there)."
        else:
            intro = f"Move {packages_phrase(len(keys))} of {product} to another bin."
        super().__init__("Transfer stock", intro, parent)
        self.actor, self.keys, self.quantity_of = actor, list(keys), quantity_of
        self.location_combo = location_combo(
            locations, (LocationKind.BIN, LocationKind.PACK, LocationKind.RECEIVING),
            exclude=quantity_of[2] if quantity_of else "")
        self.form.add_field("location", "&To bin", self.location_combo)
        self.quantity_spin = QSpinBox()
        if quantity_of:
            self.quantity_spin.setRange(1, max(1, quantity_of[3]))
            self.quantity_spin.setValue(quantity_of[3])
            self.form.add_field("quantity", "&Quantity", self.quantity_spin)

    def work(self):
        actor, to_code = self.actor, combo_code(self.location_combo)
        if not to_code:
            self.form.show_error("location", "Choose or scan the bin to move the stock to.")
            return None
        if self.quantity_of:
            gtin, lot, from_code, _ = self.quantity_of
            qty = self.quantity_spin.value()
            return lambda: stock.transfer_quantity(actor, gtin, lot, qty, from_code, to_code)
        keys = self.keys
        return lambda: stock.transfer_packages(actor, keys, to_code)


class QuarantineDialog(StockDialog):
    ok_text = "&Quarantine"

    def __init__(self, actor: Actor, product: str, keys: Keys, parent: QWidget | None = None):
        super().__init__(
            "Quarantine stock",
            f"Pull {packages_phrase(len(keys))} of {product} out of saleable stock into the "
            "quarantine area. They cannot be sold until released.", parent)
        self.actor, self.keys = actor, list(keys)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("e.g. crushed carton, temperature excursion")
        self.form.add_field("reason", "&Reason", self.reason_edit)
        self.suspect_check = QCheckBox("&Suspect product (possible illegitimate product: "
                                       "start a DSCSA investigation)")
        self.form.add_field("suspect", "", self.suspect_check)

    def work(self):
        actor, keys = self.actor, self.keys
        reason, suspect = self.reason_edit.text(), self.suspect_check.isChecked()
        return lambda: stock.quarantine_packages(actor, keys, reason, suspect)


class ReleaseDialog(StockDialog):
    ok_text = "&Release"

    def __init__(self, actor: Actor, product: str, keys: Keys, locations: Sequence[LocationRow],
                 parent: QWidget | None = None):
        super().__init__(
            "Release from quarantine",
            f"Return {packages_phrase(len(keys))} of {product} to a bin as saleable. "
            "Record why the stock was cleared.", parent)
        self.actor, self.keys = actor, list(keys)
        self.location_combo = location_combo(locations, (LocationKind.BIN,))
        self.form.add_field("location", "&To bin", self.location_combo)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("e.g. supplier confirmed the product is legitimate")
        self.form.add_field("reason", "&Reason", self.reason_edit)

    def work(self):
        actor, keys, to_code = self.actor, self.keys, combo_code(self.location_combo)
        reason = self.reason_edit.text()
        if not to_code:
            self.form.show_error("location", "Choose or scan the bin to put the stock in.")
            return None
        return lambda: stock.release_packages(actor, keys, to_code, reason)


class WriteOffDialog(StockDialog):
    ok_text = "&Write off"

    def __init__(self, actor: Actor, product: str, keys: Keys, parent: QWidget | None = None):
        super().__init__(
            "Write off stock",
            f"Take {packages_phrase(len(keys))} of {product} out of stock for good. The "
            "reason and note become part of the stock record.", parent)
        self.actor, self.keys = actor, list(keys)
        self.reason_combo = QComboBox()
        for reason in WRITE_OFF_REASONS:
            self.reason_combo.addItem(reason.label, reason)
        self.form.add_field("reason", "&Reason", self.reason_combo)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setFixedHeight(72)
        self.note_edit.setTabChangesFocus(True)
        self.form.add_field("note", "&Note", self.note_edit,
                            "Say what happened (e.g. dropped, vial cracked; destroyed by "
                            "the reverse distributor).")

    def work(self):
        actor, keys = self.actor, self.keys
        reason, note = self.reason_combo.currentData(), self.note_edit.toPlainText()
        return lambda: stock.adjust_packages(actor, keys, reason, note)


class NewBinDialog(StockDialog):
    ok_text = "&Add bin"

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__("New bin", "The bin code is what is printed on the shelf label and "
                         "scanned. Pickers walk bins in pick-sequence order.", parent)
        self.actor = actor
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("e.g. A-01-03")
        self.form.add_field("code", "Bin &code", self.code_edit)
        self.name_edit = QLineEdit()
        self.form.add_field("name", "&Name", self.name_edit, "Optional, e.g. 'Top shelf'.")
        self.zone_edit = QLineEdit()
        self.form.add_field("zone", "&Zone", self.zone_edit)
        self.aisle_edit = QLineEdit()
        self.form.add_field("aisle", "&Aisle", self.aisle_edit)
        self.sequence_spin = QSpinBox()
        self.sequence_spin.setRange(0, 999_999)
        self.form.add_field("pick_sequence", "&Pick sequence", self.sequence_spin)
        self.storage_combo = QComboBox()
        for storage in Storage:
            self.storage_combo.addItem(storage.label, storage)
        self.form.add_field("storage", "&Storage", self.storage_combo)

    def work(self):
        actor = self.actor
        values = {"code": self.code_edit.text(), "zone": self.zone_edit.text(),
                  "aisle": self.aisle_edit.text(), "pick_sequence": self.sequence_spin.value(),
                  "storage": self.storage_combo.currentData(), "name": self.name_edit.text()}

        def add() -> str:
            location_service.add_bin(actor, **values)
            return values["code"].strip().upper()
        return add


class ApproveCountDialog(StockDialog):
    ok_text = "&Approve"

    def __init__(self, actor: Actor, sheet_id: int, summary: str, parent: QWidget | None = None):
        super().__init__(
            f"Approve count {sheet_id}",
            f"{summary}\n\nApproving posts these variances as stock moves (missing packages "
            "are written off as missing, misplaced ones move to where they were counted) and "
            "closes the count.", parent)
        self.actor, self.sheet_id = actor, sheet_id
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("e.g. Quarterly count of aisle A")
        self.form.add_field("note", "&Note", self.note_edit)

    def work(self):
        actor, sheet_id, note = self.actor, self.sheet_id, self.note_edit.text().strip()
        return lambda: count_service.approve_count(actor, sheet_id, note)


class CancelCountDialog(StockDialog):
    ok_text = "Cancel &count"

    def __init__(self, actor: Actor, sheet_id: int, entries: int,
                 parent: QWidget | None = None):
        scanned = f"{entries} entr{'ies' if entries != 1 else 'y'}"
        super().__init__(
            f"Cancel count {sheet_id}",
            f"Cancelling closes the count without changing any stock. The {scanned} "
            "recorded so far stay on the sheet for reference; count again with a new "
            "sheet.", parent)
        self.actor, self.sheet_id = actor, sheet_id
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep counting")
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(count_service.REASON_LIMIT)
        self.reason_edit.setPlaceholderText("e.g. Started in the wrong bin")
        self.form.add_field("reason", "&Reason", self.reason_edit)

    def work(self):
        actor, sheet_id, reason = self.actor, self.sheet_id, self.reason_edit.text()
        return lambda: count_service.cancel_count(actor, sheet_id, reason)
