"""The Pack station's one dialog: taking a package out of a carton again. The package is
scanned (the field keeps a raw GS) and the reason said; the service puts it back in its
bin and restores the order's reservation. Refusals show under the field they concern."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from core import settings
from core.errors import InvalidInput
from core.permissions import Actor
from core.services import shipping
from core.services.shipping import PackRefused
from desktop.stock_dialogs import StockDialog
from desktop.tasks import show_error
from desktop.widgets.scan_input import ScanField

REASONS = ("Damaged package", "Wrong product scanned", "Short-dated for this customer",
           "Customer changed the order")


class RemovePackageDialog(StockDialog):
    """Scan the package, say why; OK takes it out (needs Permission.REMOVE_PACKED)."""

    ok_text = "&Take out"

    def __init__(self, actor: Actor, shipment_id: int, shipment_number: str,
                 parent: QWidget | None = None):
        super().__init__("Take a package out",
                         f"Scan the package to take out of {shipment_number}. It goes back "
                         "to the bin it was picked from, and who took it out and why are "
                         "recorded.", parent)
        self.actor, self.shipment_id = actor, shipment_id
        self.scan_edit = ScanField("Scan the package's 2D barcode")
        self.scan_edit.scanned.connect(self._scanned)
        self._just_scanned = False  # the scan's Enter also reaches the OK button
        self.form.add_field("scan", "&Package", self.scan_edit)
        self.reason_combo = QComboBox()
        self.reason_combo.setEditable(True)
        self.reason_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.reason_combo.addItems(REASONS)
        self.reason_combo.setCurrentIndex(-1)
        self.reason_combo.lineEdit().setPlaceholderText("Why does it come out?")
        self.reason_combo.lineEdit().setMaxLength(150)
        self.form.add_field("reason", "&Reason", self.reason_combo)
        self.scan_edit.setFocus()

    def _scanned(self, _raw: str) -> None:
        self._just_scanned = True
        self.reason_combo.setFocus()

    def work(self):
        raw = self.scan_edit.raw_text()
        reason = self.reason_combo.currentText().strip()
        just_scanned, self._just_scanned = self._just_scanned, False
        if just_scanned and not reason:
            return None  # the scan is in; now the reason
        if not raw.strip():
            self.form.show_error("scan", "Scan the package first.")
            self.scan_edit.setFocus()
            return None
        if not reason:
            self.form.show_error("reason", "Say why the package comes out of the carton.")
            self.reason_combo.setFocus()
            return None
        actor, shipment_id = self.actor, self.shipment_id
        replacement = settings.load().gs_replacement
        return lambda: shipping.remove_packed(actor, shipment_id, raw, reason, replacement)

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, PackRefused | InvalidInput):
            field = "reason" if getattr(exc, "field", "") == "reason" else "scan"
            self.form.show_error(field, str(exc))
            (self.reason_combo if field == "reason" else self.scan_edit).setFocus()
            return
        show_error(self, exc)
