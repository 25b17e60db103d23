"""Dialogs of the Sales orders screen: a new order (customer, ship-to, customer PO,
shelf-life minimum, lines found by NDC, GTIN or name at the customer's price) and the
answer to "why is this line not allocated?". Refused input stays in the form with the
core's reason under the field."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from core.errors import InvalidInput
from core.money import parse_money
from core.permissions import Actor, Permission
from core.queries.products import ProductRow, search_products
from core.queries.sales import (Availability, CustomerChoice, OrderLineRow, default_prices,
                                order_customers)
from core.services.sales import SoLineInput, create_order
from desktop.table_models import Column, RowTableModel
from desktop.tasks import run_task, show_error
from desktop.widgets.badges import restyle
from desktop.widgets.detail_card import compact_table
from desktop.widgets.forms import FieldForm
from desktop.widgets.search import SearchEdit

PRODUCT_MATCHES = 25
ROW_HEIGHT = 26
SOURCE_LABELS = {"customer": "Customer price", "list": "List price", "override": "Override"}


def money_text(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def product_text(p: ProductRow) -> str:
    return " ".join(x for x in (p.name, p.strength) if x)


@dataclass(frozen=True)
class PricedProduct:
    """A product found for a line, with what it sells for to the chosen customer."""

    product: ProductRow
    price: Decimal
    source: str  # customer | list


@dataclass(frozen=True)
class DraftSoLine:
    product: ProductRow
    quantity: int
    unit_price: Decimal
    default_price: Decimal  # the customer or list price the price started at
    default_source: str  # customer | list

    @property
    def source(self) -> str:
        return "override" if self.unit_price != self.default_price else self.default_source

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class ProductMatchesModel(RowTableModel[PricedProduct]):
    columns = (
        Column("NDC", lambda m: m.product.ndc),
        Column("Product", lambda m: product_text(m.product)),
        Column("Price", lambda m: money_text(m.price), align_right=True),
        Column("", lambda m: "customer" if m.source == "customer" else "list",
               tone=lambda m: "ok" if m.source == "customer" else None),
    )
    PRODUCT = 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            p = self.rows[index.row()].product
            return "\n".join(x for x in (p.name, p.package_description, p.manufacturer,
                                         f"NDC {p.ndc} · GTIN {p.gtin}") if x)
        return super().data(index, role)


class DraftLinesModel(RowTableModel[DraftSoLine]):
    columns = (
        Column("NDC", lambda line: line.product.ndc),
        Column("Product", lambda line: product_text(line.product)),
        Column("Qty", lambda line: f"{line.quantity:,}", align_right=True),
        Column("Unit price", lambda line: money_text(line.unit_price), align_right=True),
        Column("Price", lambda line: SOURCE_LABELS[line.source],
               tone=lambda line: "warn" if line.source == "override" else None),
        Column("Amount", lambda line: money_text(line.amount), align_right=True),
    )
    PRODUCT = 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            line = self.rows[index.row()]
            if line.source == "override":
                return (f"Overrides the {SOURCE_LABELS[line.default_source].lower()} "
                        f"{money_text(line.default_price)}")
        return super().data(index, role)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.rows), Decimal("0.00"))

    def remove(self, row: int) -> None:
        self.beginRemoveRows(self.index(row, 0).parent(), row, row)
        del self.rows[row]
        self.endRemoveRows()


def _search_priced(text: str, customer_id: int | None) -> list[PricedProduct]:
    rows = [p for p in search_products(text, limit=PRODUCT_MATCHES) if p.active]
    prices = default_prices(customer_id, [p.id for p in rows])
    return [PricedProduct(p, *prices.get(p.id, (p.list_price, "list"))) for p in rows]


class NewSalesOrderDialog(QDialog):
    """Enter a sales order. "Save as draft" creates it; "Save and confirm" creates it
    and asks the screen to confirm it (`confirm_after`), so a refusal (a blocked
    customer, a credit hold) is shown there with the order kept as a draft."""

    def __init__(self, actor: Actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle("New sales order")
        self.setMinimumSize(1180, 700)
        self.result: int | None = None
        self.confirm_after = False
        self.customers: dict[int, CustomerChoice] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        layout.addLayout(grid, 1)

        # -- the order ---------------------------------------------------------------
        order_box = QGroupBox("Order")
        self.order_form = FieldForm()
        self.order_form.label_width = 100
        order_box.setLayout(self.order_form)
        self.customer_combo = QComboBox()
        self.customer_combo.setPlaceholderText("Loading customers…")
        self.customer_combo.setEnabled(False)
        self.customer_combo.currentIndexChanged.connect(self._customer_changed)
        self.order_form.add_field("customer", "&Customer:", self.customer_combo)
        self.atp_label = QLabel()
        self.atp_label.setWordWrap(True)
        self.atp_label.hide()
        self.order_form.addRow("", self.atp_label)
        self.ship_to_combo = QComboBox()
        self.ship_to_combo.setPlaceholderText("Choose the customer first")
        self.ship_to_combo.setEnabled(False)
        self.order_form.add_field("ship_to", "S&hip to:", self.ship_to_combo)
        self.customer_po_edit = self.order_form.add_field("customer_po", "Customer &PO:",
                                                          QLineEdit())
        self.customer_po_edit.setMaxLength(40)
        self.customer_po_edit.setPlaceholderText("Their purchase order number (optional)")
        self.shelf_life_spin = QSpinBox()
        self.shelf_life_spin.setRange(0, 3650)
        self.shelf_life_spin.setSuffix(" days")
        self.shelf_life_spin.setToolTip("Stock expiring sooner than this is not allocated "
                                        "to the order. Starts at the customer's minimum.")
        self.order_form.add_field("min_shelf_life_days", "&Shelf life min.:",
                                  self.shelf_life_spin)
        self.note_edit = self.order_form.add_field("note", "N&ote:", QLineEdit())
        self.note_edit.setMaxLength(500)
        self.note_edit.setPlaceholderText("For the warehouse, e.g. deliver before noon")
        grid.addWidget(order_box, 0, 0)

        # -- adding a line -----------------------------------------------------------
        add_box = QGroupBox("Add a line")
        add_column = QVBoxLayout(add_box)
        add_column.setSpacing(6)
        self.find_form = FieldForm()
        self.find_form.label_width = 100
        self.product_search = SearchEdit("NDC, GTIN or product name")
        self.product_search.search.connect(self.find_products)
        self.product_search.down.connect(self._into_matches)
        self.find_form.add_field("product", "P&roduct:", self.product_search)
        add_column.addLayout(self.find_form)
        self.matches_model = ProductMatchesModel(self)
        self.matches_table = compact_table(self.matches_model, ProductMatchesModel.PRODUCT,
                                           ROW_HEIGHT)
        self.matches_table.setMinimumHeight(110)
        self.matches_table.selectionModel().selectionChanged.connect(self._product_chosen)
        self.matches_table.doubleClicked.connect(lambda _i: self.quantity_spin.setFocus())
        self.matches_label = QLabel("Type to find a product.")
        self.matches_label.setObjectName("muted")
        add_column.addWidget(self.matches_table, 1)
        add_column.addWidget(self.matches_label)
        self.line_form = FieldForm()
        self.line_form.label_width = 100
        add_column.addLayout(self.line_form)
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, 1_000_000)
        self.quantity_spin.setGroupSeparatorShown(True)
        self.quantity_spin.setToolTip("Number of packages (the unit that carries a serial).")
        self.line_form.add_field("quantity", "&Quantity:", self.quantity_spin)
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText("Pick a product")
        self.price_edit.setToolTip("Per package, in dollars; starts at the customer's "
                                   "contract price, else the list price.")
        self.price_edit.textEdited.connect(self._update_price_hint)
        self.line_form.add_field("unit_price", "&Unit price:", self.price_edit)
        self.price_hint = QLabel()
        self.price_hint.setObjectName("muted")
        self.price_hint.setWordWrap(True)
        self.line_form.addRow("", self.price_hint)
        self.add_button = QPushButton("&Add line")
        self.add_button.clicked.connect(self.add_line)
        self.price_edit.returnPressed.connect(self.add_line)
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
        self.remove_button = QPushButton("Re&move line")
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

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.draft_button = QPushButton("Save as &draft")
        self.confirm_button = QPushButton("Save and &confirm")
        self.confirm_button.setToolTip("Checks the customer's licenses and credit, then "
                                       "reserves stock first-expiry-first-out.")
        self.buttons.addButton(self.draft_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in (self.draft_button, self.confirm_button, self.add_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.draft_button.clicked.connect(lambda: self.submit(confirm=False))
        self.confirm_button.clicked.connect(lambda: self.submit(confirm=True))
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.forms = (self.order_form, self.find_form, self.line_form, self.lines_form)
        self._update_total()
        self._update_buttons()
        self._update_price_hint()
        run_task(self, order_customers, self._customers_loaded)

    # -- customers ---------------------------------------------------------------------

    def _customers_loaded(self, rows: list[CustomerChoice]) -> None:
        self.customers = {c.id: c for c in rows}
        self.customer_combo.clear()
        for c in rows:
            mark = "" if c.atp.authorized else "  (blocked)"
            self.customer_combo.addItem(f"{c.name}{mark}", c.id)
        self.customer_combo.setCurrentIndex(-1)
        self.customer_combo.setPlaceholderText(
            "Choose a customer" if rows else "No active customers: add one on the Partners "
                                             "screen")
        self.customer_combo.setEnabled(bool(rows))

    def chosen_customer(self) -> CustomerChoice | None:
        return self.customers.get(self.customer_combo.currentData())

    def choose_customer(self, partner_id: int) -> bool:
        index = self.customer_combo.findData(partner_id)
        self.customer_combo.setCurrentIndex(index)
        return index >= 0

    def _customer_changed(self) -> None:
        self.order_form.clear_errors()
        customer = self.chosen_customer()
        self.ship_to_combo.clear()
        if customer is None:
            self.atp_label.hide()
            self.ship_to_combo.setEnabled(False)
            return
        for address in customer.ship_tos:
            self.ship_to_combo.addItem(address.one_line(), address.id)
        self.ship_to_combo.setEnabled(bool(customer.ship_tos))
        self.ship_to_combo.setCurrentIndex(0 if customer.ship_tos else -1)
        self.ship_to_combo.setPlaceholderText(
            "" if customer.ship_tos else "No ship-to address: add one on the Partners screen")
        self.shelf_life_spin.setValue(customer.min_shelf_life_days)
        self._show_atp(customer)
        self._reprice(customer.id)

    def _show_atp(self, customer: CustomerChoice) -> None:
        status = customer.atp
        if status.authorized and not status.warnings:
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

    def _reprice(self, customer_id: int) -> None:
        """A different customer may have contract prices: lines not overridden follow."""
        ids = list({line.product.id for line in self.lines_model.rows}
                   | {m.product.id for m in self.matches_model.rows})
        if ids:
            run_task(self, lambda: default_prices(customer_id, ids),
                     lambda prices: self._repriced(customer_id, prices))

    def _repriced(self, customer_id: int, prices: dict[int, tuple[Decimal, str]]) -> None:
        if self.customer_combo.currentData() != customer_id:
            return  # chosen another since
        lines = []
        for line in self.lines_model.rows:
            price, source = prices.get(line.product.id, (line.default_price,
                                                         line.default_source))
            keep = line.unit_price if line.source == "override" else price
            lines.append(replace(line, unit_price=keep, default_price=price,
                                 default_source=source))
        self.lines_model.set_rows(lines)
        chosen = self.matches_table.selectionModel().selectedRows()
        self.matches_model.set_rows([
            PricedProduct(m.product, *prices.get(m.product.id, (m.price, m.source)))
            for m in self.matches_model.rows])
        if chosen:
            self.matches_table.selectRow(chosen[0].row())  # the price field follows
        self._update_total()

    # -- products and lines ------------------------------------------------------------

    def find_products(self, text: str) -> None:
        if not text:
            self.matches_model.set_rows([])
            self.matches_label.setText("Type to find a product.")
            return
        customer_id = self.customer_combo.currentData()
        run_task(self, lambda: _search_priced(text, customer_id),
                 lambda rows: self._matches(text, customer_id, rows))

    def _matches(self, text: str, customer_id: int | None,
                 rows: list[PricedProduct]) -> None:
        if text != self.product_search.text().strip():
            return  # typed on since
        if customer_id != self.customer_combo.currentData():
            self.find_products(text)  # prices for another customer; ask again
            return
        self.matches_model.set_rows(rows)
        self.matches_label.setText(
            f"No product on sale matches '{text}'." if not rows else
            f"First {len(rows)} matches; type more to narrow." if len(rows) == PRODUCT_MATCHES
            else f"{len(rows)} match{'es' if len(rows) != 1 else ''}"
            + ("." if customer_id else "; list prices until you choose the customer."))
        if len(rows) == 1:
            self.matches_table.selectRow(0)

    def _into_matches(self) -> None:
        self.matches_table.setFocus()
        if self.matches_model.rowCount() and not self.matches_table.selectionModel().hasSelection():
            self.matches_table.selectRow(0)

    def chosen_match(self) -> PricedProduct | None:
        rows = self.matches_table.selectionModel().selectedRows()
        return self.matches_model.row_at(rows[0].row()) if rows else None

    def _product_chosen(self) -> None:
        if match := self.chosen_match():
            self.find_form.clear_errors()
            self.line_form.clear_errors()
            self.price_edit.setText(f"{match.price:.2f}")
        self._update_price_hint()

    def _entered_price(self) -> Decimal | None:
        try:
            return parse_money(self.price_edit.text(), "unit_price")
        except InvalidInput:
            return None

    def _update_price_hint(self) -> None:
        match = self.chosen_match()
        if match is None:
            self.price_hint.setText("Starts at the customer's contract price, else the "
                                    "list price.")
            return
        default = f"{SOURCE_LABELS[match.source].lower()} {money_text(match.price)}"
        price = self._entered_price()
        if price is None or price == match.price:
            self.price_hint.setText(f"The {default}.")
        elif self.actor.may(Permission.OVERRIDE_PRICE):
            self.price_hint.setText(f"<b>Price override</b> (the {default}); it goes on "
                                    "the record with your name.")
        else:
            self.price_hint.setText(f"<b>Price override</b> (the {default}). Your role may "
                                    "not override prices: saving will be refused.")

    def add_line(self) -> bool:
        for form in (self.find_form, self.line_form, self.lines_form):
            form.clear_errors()
        match = self.chosen_match()
        if match is None:
            self.find_form.show_error("product", "Find the product by NDC, GTIN or name, "
                                                 "then pick it in the list.")
            return False
        for number, line in enumerate(self.lines_model.rows, start=1):
            if line.product.id == match.product.id:
                self.find_form.show_error("product", f"{match.product.name} is already line "
                                          f"{number}; remove that line to change it.")
                return False
        try:
            price = parse_money(self.price_edit.text(), "unit_price")
        except InvalidInput as exc:
            self.line_form.show_error("unit_price", str(exc))
            return False
        # A reset (not an insert) so the columns re-fit their contents.
        self.lines_model.set_rows([*self.lines_model.rows, DraftSoLine(
            match.product, self.quantity_spin.value(), price, match.price, match.source)])
        self.matches_table.clearSelection()
        self.quantity_spin.setValue(1)
        self.price_edit.clear()
        self._update_price_hint()
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
        overrides = sum(1 for line in lines if line.source == "override")
        self.total_label.setText(
            f"{len(lines)} line{'s' if len(lines) != 1 else ''} · {units:,} packages"
            + (f" · {overrides} price override{'s' if overrides != 1 else ''}"
               if overrides else "")
            + f" · <b>Total {money_text(self.lines_model.total)}</b>")

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.lines_table.selectionModel().hasSelection())

    # -- saving ------------------------------------------------------------------------

    def field_error(self, name: str) -> str:
        for form in self.forms:
            if name in form.errors:
                return form.error_text(name)
        return ""

    def submit(self, confirm: bool = False) -> None:
        for form in self.forms:
            form.clear_errors()
        customer = self.chosen_customer()
        if customer is None:
            self.order_form.show_error("customer", "Choose the customer to sell to.")
            return
        ship_to = self.ship_to_combo.currentData()
        if ship_to is None:
            self.order_form.show_error("ship_to", f"{customer.name} has no ship-to address; "
                                                  "add one on the Partners screen first.")
            return
        if not self.lines_model.rows:
            self.lines_form.show_error("lines", "Add at least one line: find a product, "
                                                "enter the quantity, then Add line.")
            return
        actor, customer_id = self.actor, customer.id
        po, note = self.customer_po_edit.text(), self.note_edit.text()
        shelf_life = self.shelf_life_spin.value()
        lines = [SoLineInput(line.product.gtin, line.quantity,
                             line.unit_price if line.source == "override" else None)
                 for line in self.lines_model.rows]
        self._busy(True)
        run_task(self, lambda: create_order(actor, customer_id, lines, ship_to, po,
                                            shelf_life, note),
                 lambda order_id: self._done(order_id, confirm), self._failed)

    def _busy(self, busy: bool) -> None:
        self.draft_button.setEnabled(not busy)
        self.confirm_button.setEnabled(not busy)

    def _done(self, order_id: int, confirm: bool) -> None:
        self._busy(False)
        self.result, self.confirm_after = order_id, confirm
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, InvalidInput):
            field = "lines" if exc.field == "unit_price" else exc.field
            if any(form.show_error(field, str(exc)) for form in
                   (self.order_form, self.lines_form)):
                return
        show_error(self, exc)


class AvailabilityDialog(QDialog):
    """Why a line is (partly) on backorder: the product's stock on hand, what this
    order could be given, and what holds the rest, with the units of each reason."""

    def __init__(self, order_number: str, line: OrderLineRow, shelf_life_days: int,
                 found: Availability, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Why not allocatable? · {order_number} line {line.line_no}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(10)
        title = QLabel(f"{escape(found.product)}")
        title.setObjectName("dialogTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        short = line.backordered
        self.summary_label = QLabel(
            f"Line {line.line_no} wants {line.quantity:,}; <b>{short:,} on backorder</b>. "
            f"On hand: {found.on_hand:,}. Free for this order now: "
            f"<b>{found.allocatable:,}</b>"
            + (f" (with its {shelf_life_days}-day shelf-life minimum)." if shelf_life_days
               else "."))
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        if found.blocked:
            items = "".join(f"<tr><td>{escape(reason[:1].upper() + reason[1:])}</td>"
                            f"<td align='right'>&nbsp;&nbsp;<b>{units:,}</b></td></tr>"
                            for reason, units in found.blocked)
            text = f"What holds the rest of the stock on hand:<table>{items}</table>"
        else:
            text = "Nothing else is on hand: it has to be bought or received."
        self.reasons_label = QLabel(text)
        self.reasons_label.setWordWrap(True)
        layout.addWidget(self.reasons_label)
        if found.allocatable:
            hint = ("Stock is free for this order now: use Allocate again to reserve it.")
        else:
            hint = ("When stock arrives (or is released from quarantine or put away), use "
                    "Allocate again.")
        self.hint_label = QLabel(hint)
        self.hint_label.setObjectName("muted")
        self.hint_label.setWordWrap(True)
        layout.addWidget(self.hint_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def text(self) -> str:
        return " ".join(label.text() for label in (self.summary_label, self.reasons_label,
                                                    self.hint_label))
