"""The product form: add a product from its NDC, or edit one (the NDC and GTIN are
then fixed; a different NDC is a different product). Read-only for roles that may not
edit products. Refused input stays in the form with the reason under the field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QLabel,
    QLineEdit, QSpinBox, QVBoxLayout, QWidget,
)

from core.errors import AlreadyExists, InvalidInput
from core.money import parse_money
from core.ndc import parse_ndc
from core.permissions import Actor
from core.queries.products import ProductRow, product
from core.services.products import add_product, update_product
from core.vocab import Schedule, Storage
from desktop.tasks import run_task, show_error
from desktop.widgets.forms import FieldForm

NDC_HINT = ("As printed on the package, with hyphens (4-4-2, 5-3-2 or 5-4-1, e.g. "
            "12345-678-90), or the 11-digit billing NDC.")
TEXT_FIELDS = ("name", "strength", "dosage_form", "package_description", "manufacturer")
MONEY_FIELDS = ("list_price", "standard_cost")


def choice_combo(choices, current) -> QComboBox:
    combo = QComboBox()
    for choice in choices:
        combo.addItem(choice.label, choice)
    combo.setCurrentIndex(list(choices).index(current))
    return combo


class ProductDialog(QDialog):
    """`product_row` None = a new product. Accepted with `result_row` (the saved product)."""

    def __init__(self, actor: Actor, product_row: ProductRow | None, editable: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.actor, self.original, self.editable = actor, product_row, editable
        self.result_row: ProductRow | None = None
        new = product_row is None
        self.setWindowTitle("New product" if new else
                            f"{'Edit' if editable else 'Product'} – {product_row.name}")
        self.setMinimumSize(900, 600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)

        # Hints sit here, full width: wrapped labels inside the side-by-side group
        # boxes do not get their height from Qt's form layouts.
        self.hint_label = QLabel(
            f"<b>NDC:</b> {NDC_HINT} The GTIN is derived from it." if new else
            "The NDC and GTIN of a product never change; a different NDC is a new product.")
        self.hint_label.setObjectName("muted")
        self.hint_label.setWordWrap(True)
        layout.addWidget(self.hint_label)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.forms: list[FieldForm] = []
        identity = self._group("Identity", grid, 0, 0, rows=2)
        handling = self._group("Handling", grid, 0, 1)
        prices = self._group("Prices", grid, 1, 1)
        layout.addLayout(grid)

        self.ndc_edit = QLineEdit(product_row.ndc if product_row else "")
        self.ndc_edit.setReadOnly(not new)
        self.ndc_edit.setPlaceholderText("e.g. 12345-678-90")
        self.ndc_edit.setToolTip(NDC_HINT)
        identity.add_field("ndc", "&NDC:", self.ndc_edit)
        self.gtin_edit = QLineEdit(product_row.gtin if product_row else "")
        self.gtin_edit.setReadOnly(True)
        self.gtin_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab skips it
        identity.add_field("gtin", "GTIN:", self.gtin_edit)
        if new:
            self.gtin_edit.setPlaceholderText("Filled in from the NDC")
            self.ndc_edit.textChanged.connect(self._preview_gtin)

        self.edits: dict[str, QLineEdit] = {}
        for name, label in (("name", "Na&me:"), ("strength", "S&trength:"),
                            ("dosage_form", "Dosage &form:"),
                            ("package_description", "&Package:"),
                            ("manufacturer", "Manu&facturer:")):
            edit = QLineEdit(getattr(product_row, name) if product_row else "")
            self.edits[name] = identity.add_field(name, label, edit)
        self.edits["name"].setPlaceholderText("e.g. Atorvastatin 20 mg tablets, 90 count")
        self.edits["package_description"].setPlaceholderText("e.g. Bottle of 90")

        self.schedule_combo = handling.add_field(
            "schedule", "&Schedule:",
            choice_combo(Schedule, product_row.schedule if product_row else Schedule.NONE))
        self.storage_combo = handling.add_field(
            "storage", "St&orage:",
            choice_combo(Storage, product_row.storage if product_row else Storage.ROOM))
        self.units_spin = QSpinBox()
        self.units_spin.setRange(1, 100_000)
        self.units_spin.setValue(product_row.units_per_case if product_row else 1)
        handling.add_field("units_per_case", "&Units per case:", self.units_spin)
        self.case_gtin_edit = QLineEdit(product_row.case_gtin if product_row else "")
        self.case_gtin_edit.setPlaceholderText("Optional: GTIN on the shipping case")
        handling.add_field("case_gtin", "&Case GTIN:", self.case_gtin_edit)
        self.shelf_spin = QSpinBox()
        self.shelf_spin.setRange(0, 3650)
        self.shelf_spin.setSuffix(" days")
        self.shelf_spin.setValue(product_row.min_shelf_life_days if product_row else 0)
        self.shelf_spin.setToolTip("Refuse receipts expiring sooner than this.")
        handling.add_field("min_shelf_life_days", "Min. s&helf life:", self.shelf_spin)
        self.serialized_check = QCheckBox("Se&rialized (each package has its own serial)")
        self.serialized_check.setChecked(product_row.serialized if product_row else True)
        handling.addRow("", self.serialized_check)

        self.money_edits: dict[str, QLineEdit] = {}
        for name, label in (("list_price", "&List price:"), ("standard_cost", "Standard &cost:")):
            edit = QLineEdit(f"{getattr(product_row, name):.2f}" if product_row else "")
            edit.setPlaceholderText("0.00")
            edit.editingFinished.connect(lambda n=name: self._check_money(n))
            self.money_edits[name] = prices.add_field(name, label, edit)
        self.active_check = QCheckBox("&Active (can be bought and sold)")
        self.active_check.setChecked(product_row.active if product_row else True)
        self.review_check = QCheckBox("Needs re&view (imported data to check)")
        self.review_check.setChecked(product_row.needs_review if product_row else False)
        prices.addRow("", self.active_check)
        prices.addRow("", self.review_check)

        if not editable:
            for widget in (*self.edits.values(), *self.money_edits.values(),
                           self.case_gtin_edit):
                widget.setReadOnly(True)
            for widget in (self.schedule_combo, self.storage_combo, self.units_spin,
                           self.shelf_spin, self.serialized_check, self.active_check,
                           self.review_check):
                widget.setEnabled(False)

        buttons = (QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                   if editable else QDialogButtonBox.StandardButton.Close)
        self.buttons = QDialogButtonBox(buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if self.ok_button is not None:
            self.ok_button.setText("&Add product" if new else "&Save changes")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.ndc_edit if new else self.edits["name"]).setFocus()

    def _group(self, title: str, grid: QGridLayout, row: int, column: int,
               rows: int = 1) -> FieldForm:
        box = QGroupBox(title)
        form = FieldForm(box)
        form.label_width = 110
        grid.addWidget(box, row, column, rows, 1)
        self.forms.append(form)
        return form

    def _preview_gtin(self, text: str) -> None:
        try:
            code = parse_ndc(text)
        except InvalidInput:
            self.gtin_edit.clear()
            return
        self.gtin_edit.setText(code.gtin14())

    def _check_money(self, name: str) -> None:
        """Tidy a price as soon as the field is left ('41.5' -> '41.50')."""
        edit = self.money_edits[name]
        form = self.forms[2]
        form.errors[name].hide()
        form._mark(edit, False)
        if not edit.text().strip():
            return
        try:
            edit.setText(f"{parse_money(edit.text(), name):.2f}")
        except InvalidInput as exc:
            form.errors[name].setText(str(exc))
            form.errors[name].show()
            form._mark(edit, True)

    def field_error(self, name: str) -> str:
        for form in self.forms:
            if name in form.errors:
                return form.error_text(name)
        return ""

    def values(self) -> dict[str, object]:
        values: dict[str, object] = {name: edit.text() for name, edit in self.edits.items()}
        values.update({name: edit.text() for name, edit in self.money_edits.items()})
        values.update(schedule=self.schedule_combo.currentData(),
                      storage=self.storage_combo.currentData(),
                      units_per_case=self.units_spin.value(),
                      case_gtin=self.case_gtin_edit.text(),
                      min_shelf_life_days=self.shelf_spin.value(),
                      serialized=self.serialized_check.isChecked(),
                      active=self.active_check.isChecked(),
                      needs_review=self.review_check.isChecked())
        return values

    def changes(self) -> dict[str, object]:
        """Only what the user changed (so the audit entry lists just that)."""
        old = self.original
        out = {}
        for name, value in self.values().items():
            before = getattr(old, name)
            if name in MONEY_FIELDS:
                try:
                    same = parse_money(value, name) == before
                except InvalidInput:
                    same = False
            elif name in TEXT_FIELDS or name == "case_gtin":
                same = str(value).strip() == (before or "")
            else:
                same = value == before
            if not same:
                out[name] = value
        return out

    def work(self) -> Callable[[], ProductRow] | None:
        actor = self.actor
        if self.original is None:
            ndc, values = self.ndc_edit.text(), self.values()
            name = values.pop("name")

            def create() -> ProductRow:
                return product(add_product(actor, ndc, name, **values))
            return create
        changes, product_id = self.changes(), self.original.id
        if not changes:
            return None

        def save() -> ProductRow:
            update_product(actor, product_id, **changes)
            return product(product_id)
        return save

    def submit(self) -> None:
        for form in self.forms:
            form.clear_errors()
        job = self.work()
        if job is None:
            self.reject()
            return
        self.ok_button.setEnabled(False)
        run_task(self, job, self._done, self._failed)

    def _done(self, row: ProductRow) -> None:
        self.ok_button.setEnabled(True)
        self.result_row = row
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            field = "ndc" if exc.field == "gtin" else exc.field
            if any(form.show_error(field, str(exc)) for form in self.forms):
                return
        if isinstance(exc, AlreadyExists) and self.forms[0].show_error("ndc", str(exc)):
            return
        show_error(self, exc)
