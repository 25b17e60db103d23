"""Dialogs of the Purchase orders screen: a new order (supplier, lines found by NDC,
GTIN or name, quantities and costs) and the reason asked for when an order is
cancelled or closed. Refused input stays in the form with the reason under the field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from core.errors import InvalidInput
from core.money import parse_money
from core.permissions import Actor
from core.queries.atp import AtpStatus, atp_statuses
from core.queries.partners import PartnerRow, search_partners
from core.queries.products import ProductRow, search_products
from core.services.purchasing import PoLineInput, create_po
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import restyle
from desktop.widgets.detail_card import compact_table
from desktop.widgets.forms import FieldForm
from desktop.widgets.search import SearchEdit

MAX_SUPPLIERS = 2000  # a small distributor has a few dozen
PRODUCT_MATCHES = 25
ROW_HEIGHT = 26


def money_text(amount: Decimal) -> str:
    return f"${amount:,.2f}"


@dataclass(frozen=True)
class DraftLine:
    product: ProductRow
    quantity: int
    unit_cost: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_cost * self.quantity


class ProductMatchesModel(RowTableModel[ProductRow]):
    columns = (
        Column("NDC", lambda p: p.ndc),
        Column("Product", lambda p: " ".join(x for x in (p.name, p.strength) if x)),
        Column("Std. cost", lambda p: money_text(p.standard_cost), align_right=True),
    )
    PRODUCT = 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            p = self.rows[index.row()]
            return "\n".join(x for x in (p.name, p.package_description, p.manufacturer,
                                         f"NDC {p.ndc} · GTIN {p.gtin}") if x)
        return super().data(index, role)


class DraftLinesModel(RowTableModel[DraftLine]):
    columns = (
        Column("#", lambda line: "", align_right=True),
        Column("NDC", lambda line: line.product.ndc),
        Column("Product", lambda line: line.product.name),
        Column("Qty", lambda line: f"{line.quantity:,}", align_right=True),
        Column("Unit cost", lambda line: money_text(line.unit_cost), align_right=True),
        Column("Amount", lambda line: money_text(line.amount), align_right=True),
    )
    PRODUCT = 2

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.DisplayRole:
            return str(index.row() + 1)
        return super().data(index, role)

    def remove(self, row: int) -> None:
        self.set_rows(self.rows[:row] + self.rows[row + 1:])

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.rows), Decimal("0.00"))


def _suppliers() -> tuple[list[PartnerRow], dict[int, AtpStatus]]:
    rows = [r for r in search_partners(role="supplier", limit=MAX_SUPPLIERS) if r.active]
    return rows, atp_statuses([r.id for r in rows])


class NewPurchaseOrderDialog(QDialog):
    """Accepted with `result` = the new draft order's id."""

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.result: int | None = None
        self.statuses: dict[int, AtpStatus] = {}
        self.setWindowTitle("New purchase order")
        self.setMinimumSize(1100, 680)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        intro = QLabel("The order is saved as a draft. Confirm it on the Purchase orders "
                       "screen before sending it: only an authorized supplier can be "
                       "confirmed.")
        intro.setObjectName("muted")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid, 1)

        # -- the order ---------------------------------------------------------------
        order_box = QGroupBox("Order")
        self.order_form = FieldForm()
        self.order_form.label_width = 96
        order_box.setLayout(self.order_form)
        self.supplier_combo = QComboBox()
        self.supplier_combo.setPlaceholderText("Loading suppliers…")
        self.supplier_combo.setEnabled(False)
        self.supplier_combo.currentIndexChanged.connect(self._supplier_changed)
        self.order_form.add_field("supplier", "&Supplier:", self.supplier_combo)
        self.atp_label = QLabel()
        self.atp_label.setWordWrap(True)
        self.atp_label.hide()
        self.order_form.addRow("", self.atp_label)
        self.expected_edit = self.order_form.add_field("expected_on", "E&xpected:",
                                                       QLineEdit())
        self.expected_edit.setPlaceholderText("YYYY-MM-DD (optional)")
        self.note_edit = self.order_form.add_field("note", "N&ote:", QLineEdit())
        self.note_edit.setMaxLength(500)
        self.note_edit.setPlaceholderText("Printed on the order, e.g. delivery hours")
        grid.addWidget(order_box, 0, 0)

        # -- adding a line -----------------------------------------------------------
        add_box = QGroupBox("Add a line")
        add_column = QVBoxLayout(add_box)
        add_column.setSpacing(6)
        self.find_form = FieldForm()
        self.find_form.label_width = 96
        self.product_search = SearchEdit("NDC, GTIN or product name")
        self.product_search.search.connect(self.find_products)
        self.product_search.down.connect(self._into_matches)
        self.find_form.add_field("product", "&Product:", self.product_search)
        add_column.addLayout(self.find_form)
        self.matches_model = ProductMatchesModel(self)
        self.matches_table = compact_table(self.matches_model, ProductMatchesModel.PRODUCT,
                                           ROW_HEIGHT)
        self.matches_table.setMinimumHeight(130)
        self.matches_table.selectionModel().selectionChanged.connect(self._product_chosen)
        self.matches_table.doubleClicked.connect(lambda _i: self.quantity_spin.setFocus())
        self.matches_label = QLabel("Type to find a product.")
        self.matches_label.setObjectName("muted")
        add_column.addWidget(self.matches_table, 1)
        add_column.addWidget(self.matches_label)
        self.line_form = FieldForm()
        self.line_form.label_width = 96
        add_column.addLayout(self.line_form)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, 1_000_000)
        self.quantity_spin.setGroupSeparatorShown(True)
        self.quantity_spin.setToolTip("Number of packages (the unit that carries a serial).")
        self.line_form.add_field("quantity", "&Quantity:", self.quantity_spin)
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("e.g. 12.50")
        self.cost_edit.setToolTip("Per package, in dollars; starts at the product's "
                                  "standard cost.")
        self.line_form.add_field("unit_cost", "&Unit cost:", self.cost_edit)
        self.add_button = QPushButton("&Add line")
        self.add_button.clicked.connect(self.add_line)
        self.cost_edit.returnPressed.connect(self.add_line)
        self.line_form.addRow("", self.add_button)
        grid.addWidget(add_box, 1, 0)

        # -- the lines ---------------------------------------------------------------
        lines_box = QGroupBox("Lines")
        self.lines_form = FieldForm()
        lines_box.setLayout(self.lines_form)
        lines_widget = QWidget()
        lines_column = QVBoxLayout(lines_widget)
        lines_column.setContentsMargins(0, 0, 0, 0)
        self.lines_model = DraftLinesModel(self)
        self.lines_table = compact_table(self.lines_model, DraftLinesModel.PRODUCT, ROW_HEIGHT)
        self.lines_table.selectionModel().selectionChanged.connect(self._update_buttons)
        lines_column.addWidget(self.lines_table, 1)
        row = QHBoxLayout()
        self.remove_button = QPushButton("&Remove line")
        self.remove_button.clicked.connect(self.remove_line)
        self.total_label = QLabel()
        row.addWidget(self.remove_button)
        row.addStretch()
        row.addWidget(self.total_label)
        lines_column.addLayout(row)
        self.lines_form.addRow(lines_widget)
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        self.lines_form.addRow(error)
        self.lines_form.fields["lines"] = self.lines_table
        self.lines_form.errors["lines"] = error
        grid.addWidget(lines_box, 0, 1, 2, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Create draft order")
        self.ok_button.setAutoDefault(False)
        self.ok_button.setDefault(False)
        self.add_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.forms = (self.order_form, self.find_form, self.line_form, self.lines_form)
        self._update_total()
        self._update_buttons()
        run_task(self, _suppliers, self._suppliers_loaded)

    # -- suppliers ---------------------------------------------------------------------

    def _suppliers_loaded(self, result) -> None:
        rows, self.statuses = result
        self.supplier_combo.clear()
        for r in rows:
            status = self.statuses.get(r.id)
            mark = "" if status is None or status.authorized else "  (blocked)"
            self.supplier_combo.addItem(f"{r.name}{mark}", r.id)
        self.supplier_combo.setCurrentIndex(-1)
        self.supplier_combo.setPlaceholderText(
            "Choose a supplier" if rows else "No suppliers yet: add one on the Partners screen")
        self.supplier_combo.setEnabled(bool(rows))

    def choose_supplier(self, partner_id: int) -> bool:
        index = self.supplier_combo.findData(partner_id)
        self.supplier_combo.setCurrentIndex(index)
        return index >= 0

    def _supplier_changed(self) -> None:
        self.order_form.clear_errors()
        status = self.statuses.get(self.supplier_combo.currentData())
        if status is None or (status.authorized and not status.warnings):
            self.atp_label.hide()
            return
        if status.reasons:
            self.atp_label.setObjectName("danger")
            text = ("Not authorized today: " + "; ".join(status.reasons) + ". You can save "
                    "a draft, but it cannot be confirmed until this is fixed.")
        else:
            self.atp_label.setObjectName("warning")
            text = "Renew soon: " + "; ".join(status.warnings) + "."
        self.atp_label.setText(text)
        restyle(self.atp_label, self.atp_label.objectName())
        self.atp_label.show()

    # -- products and lines ------------------------------------------------------------

    def find_products(self, text: str) -> None:
        if not text:
            self.matches_model.set_rows([])
            self.matches_label.setText("Type to find a product.")
            return
        run_task(self, lambda: search_products(text, limit=PRODUCT_MATCHES),
                 lambda rows: self._matches(text, rows))

    def _matches(self, text: str, rows: list[ProductRow]) -> None:
        if text != self.product_search.text().strip():
            return  # typed on since
        self.matches_model.set_rows(rows)
        self.matches_label.setText(
            f"No product matches '{text}'." if not rows else
            f"First {len(rows)} matches; type more to narrow." if len(rows) == PRODUCT_MATCHES
            else f"{len(rows)} match{'es' if len(rows) != 1 else ''}.")
        if len(rows) == 1:
            self.matches_table.selectRow(0)

    def _into_matches(self) -> None:
        self.matches_table.setFocus()
        if self.matches_model.rowCount() and not self.matches_table.selectionModel().hasSelection():
            self.matches_table.selectRow(0)

    def chosen_product(self) -> ProductRow | None:
        rows = self.matches_table.selectionModel().selectedRows()
        return self.matches_model.row_at(rows[0].row()) if rows else None

    def _product_chosen(self) -> None:
        if product := self.chosen_product():
            self.find_form.clear_errors()
            self.line_form.clear_errors()
            self.cost_edit.setText(f"{product.standard_cost:.2f}")

    def add_line(self) -> bool:
        for form in (self.find_form, self.line_form, self.lines_form):
            form.clear_errors()
        product = self.chosen_product()
        if product is None:
            self.find_form.show_error("product", "Find the product by NDC, GTIN or name, "
                                                 "then pick it in the list.")
            return False
        for number, line in enumerate(self.lines_model.rows, start=1):
            if line.product.id == product.id:
                self.find_form.show_error("product", f"{product.name} is already line "
                                          f"{number}; remove that line to change it.")
                return False
        try:
            cost = parse_money(self.cost_edit.text(), "unit_cost")
        except InvalidInput as exc:
            self.line_form.show_error("unit_cost", str(exc))
            return False
        # A reset (not an insert) so the columns re-fit their contents.
        self.lines_model.set_rows([*self.lines_model.rows,
                                   DraftLine(product, self.quantity_spin.value(), cost)])
        self.matches_table.clearSelection()
        self.quantity_spin.setValue(1)
        self.cost_edit.clear()
        self.product_search.selectAll()
        self.product_search.setFocus()
        self._update_total()
        return True

    def remove_line(self) -> None:
        rows = self.lines_table.selectionModel().selectedRows()
        if rows:
            self.lines_model.remove(rows[0].row())
            self._update_total()
            self._update_buttons()

    def _update_total(self) -> None:
        lines = self.lines_model.rows
        units = sum(line.quantity for line in lines)
        self.total_label.setText(
            f"{len(lines)} line{'s' if len(lines) != 1 else ''} · {units:,} packages · "
            f"<b>Total {money_text(self.lines_model.total)}</b>")

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.lines_table.selectionModel().hasSelection())

    # -- saving ------------------------------------------------------------------------

    def field_error(self, name: str) -> str:
        for form in self.forms:
            if name in form.errors:
                return form.error_text(name)
        return ""

    def submit(self) -> None:
        for form in self.forms:
            form.clear_errors()
        supplier_id = self.supplier_combo.currentData()
        if supplier_id is None:
            self.order_form.show_error("supplier", "Choose the supplier to order from.")
            return
        if not self.lines_model.rows:
            self.lines_form.show_error("lines", "Add at least one line: find a product, "
                                                "enter the quantity and cost, then Add line.")
            return
        actor, expected, note = self.actor, self.expected_edit.text(), self.note_edit.text()
        lines = [PoLineInput(line.product.gtin, line.quantity, line.unit_cost)
                 for line in self.lines_model.rows]
        self.ok_button.setEnabled(False)
        run_task(self, lambda: create_po(actor, supplier_id, lines, expected, note),
                 self._done, self._failed)

    def _done(self, po_id: int) -> None:
        self.ok_button.setEnabled(True)
        self.result = po_id
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, InvalidInput) and any(
                form.show_error(exc.field, str(exc)) for form in self.forms):
            return
        show_error(self, exc)


class ReasonDialog(QDialog):
    """Asks why (cancel, close) and runs `action(reason)` off the GUI thread; accepted
    when it succeeded."""

    def __init__(self, title: str, intro: str, ok_text: str,
                 action: Callable[[str], Callable[[], object]], required: bool = True,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.action, self.required = action, required
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(12)
        label = QLabel(intro)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.form = FieldForm()
        self.reason_edit = self.form.add_field("reason", "&Reason:", QLineEdit())
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText("Required, e.g. supplier out of stock" if required
                                            else "Optional")
        layout.addLayout(self.form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep the order")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus()

    def submit(self) -> None:
        self.form.clear_errors()
        reason = self.reason_edit.text().strip()
        if self.required and not reason:
            self.form.show_error("reason", "Say why, for the audit trail and the people "
                                           "who will ask later.")
            return
        self.ok_button.setEnabled(False)
        run_task(self, self.action(reason), lambda _r: self._done(), self._failed)

    def _done(self) -> None:
        self.ok_button.setEnabled(True)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if not (isinstance(exc, InvalidInput) and self.form.show_error(exc.field, str(exc))):
            show_error(self, exc)
