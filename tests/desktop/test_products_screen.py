"""Finding, adding and editing products on the Products screen."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from core.permissions import Role
from core.queries.products import count_products, search_products
from core.services.products import add_product
from core.vocab import Schedule
from desktop.main_window import MainWindow
from desktop.product_dialog import NDC_HINT, ProductDialog
from desktop.screens.products import ProductsScreen, money_text
from desktop.session import Session


def products_screen(qtbot, wait_tasks, db, actor) -> ProductsScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.show()
    window.show_screen(window.screen_titles().index("Products"))
    wait_tasks()
    return window.screen(ProductsScreen)


def column(screen: ProductsScreen, title: str) -> list[str]:
    model = screen.model
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def search(screen, wait_tasks, text: str) -> None:
    screen.search_edit.setText(text)
    screen.search_edit.flush()
    wait_tasks()


def test_money_is_shown_with_dollar_sign_and_thousands():
    assert money_text(Decimal("1234.50")) == "$1,234.50"
    assert money_text(Decimal("0.00")) == "$0.00"


def test_adding_a_product_through_the_dialog(qtbot, wait_tasks, db, actors):
    screen = products_screen(qtbot, wait_tasks, db, actors[Role.OFFICE])
    assert screen.count_label.text() == f"{count_products():,} products"
    screen.new_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, ProductDialog)
    dialog.ndc_edit.setText("12345-678-90")
    assert dialog.gtin_edit.text() == "00312345678906"  # derived as you type
    assert dialog.gtin_edit.isReadOnly()
    dialog.edits["name"].setText("Atorvastatin 20 mg tablets, 90 count")
    dialog.edits["strength"].setText("20 mg")
    dialog.edits["manufacturer"].setText("Acme Generics")
    dialog.schedule_combo.setCurrentIndex(list(Schedule).index(Schedule.CIV))
    dialog.money_edits["list_price"].setText("1234.5")
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()

    saved = search_products("Atorvastatin")[0]
    assert (saved.ndc, saved.gtin, saved.schedule, saved.list_price) == (
        "12345-678-90", "00312345678906", Schedule.CIV, Decimal("1234.50"))
    assert screen.selected().id == saved.id
    assert "$1,234.50" in column(screen, "List price")

    search(screen, wait_tasks, "999")
    assert column(screen, "Name") == []
    assert screen.count_label.text() == "0 products found"
    search(screen, wait_tasks, "12345678")  # NDC digits without hyphens
    assert column(screen, "Name") == ["Atorvastatin 20 mg tablets, 90 count"]
    assert column(screen, "Schedule") == ["C-IV"]
    assert screen.count_label.text() == "1 product found"


def test_a_bad_ndc_is_explained_next_to_the_field_and_nothing_is_written(
        qtbot, wait_tasks, db, actors):
    screen = products_screen(qtbot, wait_tasks, db, actors[Role.OFFICE])
    before = count_products()
    screen.new_button.click()
    dialog = screen.dialog
    assert NDC_HINT in dialog.hint_label.text()  # the accepted forms, before typing
    dialog.ndc_edit.setText("1234567890")
    dialog.edits["name"].setText("Mystery tablets")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    assert "could be 4-4-2, 5-3-2 or 5-4-1" in dialog.field_error("ndc")
    assert dialog.field_error("name") == ""
    assert count_products() == before

    dialog.ndc_edit.setText("12345-678-90")
    dialog.money_edits["standard_cost"].setText("12.345")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.field_error("ndc") == ""
    assert "fractions of a cent" in dialog.field_error("standard_cost")
    assert count_products() == before


def test_editing_keeps_the_ndc_and_saves_only_changes(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    add_product(office, "12345-111-11", "Sterile water 10 mL vial", list_price="3.10")
    screen = products_screen(qtbot, wait_tasks, db, office)
    screen.table.selectRow(0)
    screen.edit_button.click()
    dialog = screen.dialog
    assert dialog.ndc_edit.isReadOnly()
    assert dialog.money_edits["list_price"].text() == "3.10"
    assert dialog.changes() == {}
    dialog.money_edits["list_price"].setText("3.25")
    dialog.review_check.setChecked(True)
    assert dialog.changes() == {"list_price": "3.25", "needs_review": True}
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert column(screen, "List price") == ["$3.25"]
    assert column(screen, "Review") == ["Review"]


def test_warehouse_looks_up_products_but_cannot_add_or_edit(qtbot, wait_tasks, db, actors):
    add_product(actors[Role.OFFICE], "12345-111-11", "Sterile water 10 mL vial")
    screen = products_screen(qtbot, wait_tasks, db, actors[Role.WAREHOUSE])
    assert not screen.new_button.isVisibleTo(screen)
    assert screen.edit_button.text() == "&Details…"
    screen.table.selectRow(0)
    screen.edit_button.click()
    dialog = screen.dialog
    assert dialog.ok_button is None
    assert dialog.edits["name"].isReadOnly()
    assert not dialog.schedule_combo.isEnabled()


def test_the_list_fetches_pages_as_it_scrolls_and_sorts_in_the_database(
        qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    for n in range(25):
        add_product(office, f"12345-{n:03d}-01", f"Product {n:02d}", list_price=f"{n}.00")
    screen = products_screen(qtbot, wait_tasks, db, office)
    price = [c.title for c in screen.model.columns].index("List price")
    screen.model.page_size = 5
    screen.refresh()
    wait_tasks()
    assert screen.count_label.text() == "25 products"
    assert screen.model.rowCount() % 5 == 0 and screen.model.rowCount() < 25  # a screenful

    def scrolled_to_the_end() -> bool:
        screen.table.scrollToBottom()
        return screen.model.rowCount() == 25

    qtbot.waitUntil(scrolled_to_the_end, timeout=10_000)
    wait_tasks()
    assert not screen.model.canFetchMore()
    screen.table.sort_by(price, Qt.SortOrder.DescendingOrder)
    wait_tasks()
    assert column(screen, "List price")[:2] == ["$24.00", "$23.00"]
    strength = [c.title for c in screen.model.columns].index("Strength")
    screen.table.sort_by(strength)  # not sortable: the order stays
    wait_tasks()
    assert screen.table.horizontalHeader().sortIndicatorSection() == price
    assert column(screen, "List price")[0] == "$24.00"
