"""The product master: find a product by name, manufacturer, NDC or GTIN digits; office
staff add and edit products, the warehouse looks them up."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from core.permissions import Permission
from core.queries.products import ProductRow, count_products, search_products
from core.vocab import Schedule
from desktop.paged_table import PagedColumn, PagedTableModel, PagedTableView
from desktop.product_dialog import ProductDialog
from desktop.screens.base import Screen
from desktop.widgets.badges import BadgeDelegate
from desktop.widgets.search import SearchEdit

MUTED = QColor("#8a96a3")


def money_text(amount: Decimal) -> str:
    """Decimal dollars as $1,234.50 (never through float)."""
    return f"${amount:,.2f}"


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class ProductsTableModel(PagedTableModel[ProductRow]):
    columns = (
        PagedColumn("NDC", lambda p: p.ndc, order_by="ndc"),
        PagedColumn("Name", lambda p: p.name, order_by="name"),
        PagedColumn("Strength", lambda p: p.strength),
        PagedColumn("Form", lambda p: p.dosage_form),
        PagedColumn("Package", lambda p: p.package_description),
        PagedColumn("Manufacturer", lambda p: p.manufacturer, order_by="manufacturer"),
        PagedColumn("Schedule", lambda p: "" if p.schedule is Schedule.NONE else p.schedule.label,
                    tone=lambda p: "bad" if p.schedule is Schedule.CII else "warn"),
        PagedColumn("List price", lambda p: money_text(p.list_price), align_right=True,
                    order_by="list_price"),
        PagedColumn("Review", lambda p: "Review" if p.needs_review else "",
                    tone=lambda p: "warn"),
        PagedColumn("GTIN", lambda p: p.gtin, order_by="ndc"),
    )
    NAME, SCHEDULE, REVIEW = 1, 6, 8

    def __init__(self, owner, parent=None):
        super().__init__(owner, parent)
        self.text = ""
        self.order_by = "name"

    def query(self):
        text, order_by, descending = self.text, self.order_by, self.descending
        return (lambda: count_products(text),
                lambda offset, limit: search_products(text, order_by, descending, offset, limit))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid()
                and not self.rows[index.row()].active):
            return MUTED  # inactive products stay findable but look retired
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.rows[index.row()]
            return (f"{row.name}\nNDC {row.ndc} (billing {row.ndc11})\nGTIN {row.gtin}"
                    + ("" if row.active else "\nInactive"))
        return super().data(index, role)


class ProductsScreen(Screen):
    title = "Products"
    icon_name = "products"
    summary = "Product master: NDC, GTIN, schedule, storage and prices."
    areas = frozenset({"products"})

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.editable = self.actor.may(Permission.MANAGE_PRODUCTS)
        self.model = ProductsTableModel(self, self)
        self.table = PagedTableView(self.model, stretch=ProductsTableModel.NAME)
        badges = BadgeDelegate(self.table)
        for column in (ProductsTableModel.SCHEDULE, ProductsTableModel.REVIEW):
            self.table.setItemDelegateForColumn(column, badges)
        self.table.sort_by(ProductsTableModel.NAME)
        self.table.activated_row.connect(self.edit_product)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.loaded.connect(self._loaded)
        self.model.rowsInserted.connect(self._update_count)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.search_edit = SearchEdit("Search name, manufacturer, NDC or GTIN digits")
        self.search_edit.setMinimumWidth(240)
        self.search_edit.search.connect(self.search)
        self.search_edit.down.connect(self._into_table)
        search_label = QLabel("&Find:")
        search_label.setBuddy(self.search_edit)
        self.count_label = QLabel()
        self.count_label.setObjectName("muted")
        self.new_button = QPushButton("&New product…")
        self.new_button.clicked.connect(self.new_product)
        self.edit_button = QPushButton("&Edit…" if self.editable else "&Details…")
        self.edit_button.clicked.connect(self.edit_product)
        self.new_button.setVisible(self.editable)
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.count_label)
        bar.addStretch()
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        self.layout_.addLayout(bar)
        self.layout_.addWidget(self.table, 1)
        self.dialog: ProductDialog | None = None
        self._select_id: int | None = None
        self._update_buttons()

    def refresh(self) -> None:
        if self._select_id is None and (row := self.selected()):
            self._select_id = row.id
        self.model.reload()

    def search(self, text: str) -> None:
        self.model.text = text
        self.model.reload()

    def _loaded(self) -> None:
        self._update_count()
        if self._select_id is not None:
            wanted, self._select_id = self._select_id, None
            self.table.select_where(lambda p: p.id == wanted)
        self._update_buttons()

    def _update_count(self) -> None:
        total = self.model.total
        text = plural(total, "product")
        self.count_label.setText(f"{text} found" if self.model.text else text)

    def _into_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> ProductRow | None:
        return self.table.selected_row()

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def _open(self, dialog: ProductDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after(dialog))
        dialog.open()

    def _after(self, dialog: ProductDialog) -> None:
        if dialog.result_row is not None:
            self._select_id = dialog.result_row.id
            self.changed.emit({"products"})

    def new_product(self) -> None:
        if self.editable:
            self._open(ProductDialog(self.actor, None, True, self))

    def edit_product(self) -> None:
        if row := self.selected():
            self._open(ProductDialog(self.actor, row, self.editable, self))
