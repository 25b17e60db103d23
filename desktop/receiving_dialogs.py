"""Dialogs of the Receiving screen: posting a receipt (the putaway bin of each product,
editable, what is held, what is still expected and whether this posting is the whole
delivery) and closing a ship notice short. Each runs its one service call off the GUI
thread and stays open with the message under the field when the service refuses."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHeaderView, QLabel, QLineEdit, QTableWidget,
    QTableWidgetItem, QWidget,
)

from core.errors import InvalidInput
from core.permissions import Actor
from core.queries.receiving import PutawayRow, Shortfall
from core.services import receiving
from core.services.receiving import Delivery
from desktop.stock_dialogs import StockDialog


def units_phrase(count: int, what: str = "unit") -> str:
    return f"{count:,} {what}{'s' if count != 1 else ''}"


class PostReceiptDialog(StockDialog):
    """Confirm a posting: bins per product (the suggestion, or any active bin typed or
    picked), the units held in quarantine, and what of the ship notice has not come.
    That is recorded as not delivered only when the clerk ticks "This is the whole
    delivery" (a final posting, which closes the notice); otherwise it stays expected."""

    ok_text = "&Post receipt"

    def __init__(self, actor: Actor, delivery: Delivery, title: str,
                 putaway: Sequence[PutawayRow], shortfalls: Sequence[Shortfall],
                 held_units: int, bins: Sequence[str], parent: QWidget | None = None):
        to_bins = sum(p.units for p in putaway)
        intro = (f"Post what was scanned for {title} as one receipt: "
                 f"{units_phrase(to_bins)} to saleable bins, "
                 f"{units_phrase(held_units)} held in quarantine.")
        super().__init__("Post receipt", intro, parent)
        self.setMinimumWidth(620)
        self.actor, self.delivery = actor, delivery
        self.putaway_rows = list(putaway)
        self.shortfalls = list(shortfalls)
        self.bin_table = QTableWidget(len(self.putaway_rows), 4)
        self.bin_table.setHorizontalHeaderLabels(["Product", "Units", "Bin", "Why this bin"])
        self.bin_table.verticalHeader().hide()
        self.bin_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.bin_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bin_combos: dict[str, QComboBox] = {}
        for number, row in enumerate(self.putaway_rows):
            self.bin_table.setItem(number, 0, QTableWidgetItem(row.product))
            units = QTableWidgetItem(f"{row.units:,}")
            units.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.bin_table.setItem(number, 1, units)
            combo = QComboBox()
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.addItems(list(bins))
            combo.setCurrentText(row.bin_code)
            combo.lineEdit().setPlaceholderText("Bin code")
            combo.setMinimumWidth(110)
            self.bin_combos[row.gtin] = combo
            self.bin_table.setCellWidget(number, 2, combo)
            self.bin_table.setItem(number, 3, QTableWidgetItem(row.because))
        header = self.bin_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.bin_table.verticalHeader().setDefaultSectionSize(30)
        self.bin_table.setMaximumHeight(34 + 30 * min(max(len(self.putaway_rows), 1), 6))
        if self.putaway_rows:
            self.form.add_field("putaway", "Put away", self.bin_table)
        else:
            note = QLabel("Nothing goes to a saleable bin: every unit scanned is held.")
            note.setWordWrap(True)
            self.form.add_field("putaway", "Put away", note)
        self.short_label = QLabel(self.shortfall_text())
        self.short_label.setWordWrap(True)
        self.short_label.setObjectName("warning" if self.shortfalls else "muted")
        self.form.add_field("short", "Not scanned", self.short_label)
        self.final_check = QCheckBox("This is the &whole delivery: record the rest as not "
                                     "delivered and close the ship notice")
        if delivery.asn_id is not None and self.shortfalls:
            self.form.add_field("final", "", self.final_check)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("Optional, e.g. 'driver waited, 2 cases wet'")
        self.note_edit.setMaxLength(300)
        self.form.add_field("note", "&Note", self.note_edit)
        self.ok_button.setDefault(True)

    def shortfall_text(self) -> str:
        if self.delivery.asn_id is None:
            return "No supplier file: nothing is recorded as short (the PO keeps what is open)."
        if not self.shortfalls:
            return "Nothing: every package in the supplier's file was scanned."
        lines = [f"{s.units:,} × {s.product}, lot {s.lot_number} — {s.outcome.label.lower()}"
                 for s in self.shortfalls[:8]]
        if len(self.shortfalls) > 8:
            lines.append(f"… and {len(self.shortfalls) - 8} more lots")
        return ("Still expected; recorded as not delivered only if this is the whole "
                "delivery:\n" + "\n".join(lines))

    def putaway(self) -> dict[str, str]:
        return {gtin: combo.currentText().strip().split()[0]
                for gtin, combo in self.bin_combos.items() if combo.currentText().strip()}

    def work(self):
        actor, delivery, note = self.actor, self.delivery, self.note_edit.text()
        missing = [row.product for row in self.putaway_rows
                   if not self.bin_combos[row.gtin].currentText().strip()]
        if missing:
            self.form.show_error("putaway", f"Choose a bin for {missing[0]}.")
            return None
        putaway = self.putaway()
        final = self.final_check.isChecked()
        return lambda: receiving.post_receipt(actor, delivery, putaway=putaway, note=note,
                                              final=final)


class CloseShortDialog(StockDialog):
    """The rest of a ship notice will not come: close it with the reason."""

    ok_text = "&Close short"

    def __init__(self, actor: Actor, asn_id: int, title: str, still_expected: int,
                 parent: QWidget | None = None):
        super().__init__(
            "Close ship notice short",
            f"Close {title}: {units_phrase(still_expected, 'package')} in the supplier's file "
            "will not be received. Nothing more can be scanned against it afterwards.",
            parent)
        self.actor, self.asn_id = actor, asn_id
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("e.g. supplier confirmed short shipment, credit "
                                            "requested")
        self.reason_edit.setMaxLength(300)
        self.form.add_field("reason", "&Reason", self.reason_edit)

    def work(self):
        actor, asn_id, reason = self.actor, self.asn_id, self.reason_edit.text()
        if not reason.strip():
            self.form.show_error("reason", "Say why the rest will not arrive.")
            return None
        return lambda: receiving.close_asn(actor, asn_id, reason)

    def _failed(self, exc: BaseException) -> None:
        """Open scans, or a notice closed meanwhile: said under the reason."""
        if isinstance(exc, InvalidInput):
            self.ok_button.setEnabled(True)
            self.form.show_error("reason", str(exc))
            return
        super()._failed(exc)
