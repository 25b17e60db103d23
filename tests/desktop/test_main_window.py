"""The main window per role, its status bar, and the company profile screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from core.permissions import Role
from core.queries.company import company_profile
from desktop.main_window import MainWindow
from desktop.screens.company import CompanyScreen
from desktop.screens.home import HomeScreen
from desktop.session import Session


def open_window(qtbot, wait_tasks, db, actor, full_name="") -> MainWindow:
    session = Session(db.target.url, db.target, actor=actor, full_name=full_name)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    wait_tasks()
    return window


def test_admin_sees_every_screen(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.ADMIN], "Alex Admin")
    titles = window.screen_titles()
    assert titles[:6] == ["Home", "Inventory", "Locations", "Cycle counts", "Products",
                          "Partners"]
    assert titles[-3:] == ["Company profile", "Users", "Audit trail"]


def test_warehouse_sees_no_users_or_audit(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.WAREHOUSE])
    titles = window.screen_titles()
    assert titles[:6] == ["Home", "Inventory", "Locations", "Cycle counts", "Products",
                          "Partners"]
    assert "Company profile" in titles
    assert "Users" not in titles and "Audit trail" not in titles
    company = window.screen(CompanyScreen)
    assert company.form_fields["phone"].isReadOnly()
    assert not company.save_button.isVisibleTo(company)


def test_status_bar_names_database_user_and_role(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.OWNER], "Olivia Owner")
    text = window.status_text()
    assert f"Database: {db.target.display_name}" in text
    assert "Olivia Owner (owner) · Owner" in text
    assert "@" not in window.database_label.text()  # host/db only, never user or password
    assert not window.busy.isVisible()


def test_home_shows_the_company_and_what_is_here(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.OFFICE])
    home = window.screen(HomeScreen)
    assert home.company_label.text() == company_profile().legal_name
    assert "Company profile" in home.here_label.text()
    assert "Users" not in home.here_label.text()


def test_ctrl_number_switches_screens(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.ADMIN])
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    wait_tasks()
    assert window.stack.currentWidget().title == "Locations"
    assert window.sidebar.currentRow() == 2


def test_editing_the_phone_saves_it(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.OWNER])
    window.show_screen(window.screen_titles().index("Company profile"))
    wait_tasks()
    company = window.screen(CompanyScreen)
    assert company.form_fields["phone"].text() == "(732) 555-0100"
    company.form_fields["phone"].setText("(732) 555-0199")
    company.save_button.click()
    wait_tasks()
    assert company.status_label.text() == "Saved."
    assert company_profile().phone == "(732) 555-0199"
    assert "555-0199" in window.screen(HomeScreen).details.itemAtPosition(2, 1).widget().text()


def test_a_bad_gln_is_shown_next_to_the_field(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.ADMIN])
    window.show_screen(window.screen_titles().index("Company profile"))
    wait_tasks()
    company = window.screen(CompanyScreen)
    company.form_fields["gln"].setText("0614141000013")  # wrong check digit
    company.form_fields["phone"].setText("(732) 555-0111")
    company.save_button.click()
    wait_tasks()
    assert company.field_error("gln")
    assert company.field_error("phone") == ""
    assert company.status_label.text() == ""
    assert company_profile().gln == "0614141000012"
    assert company_profile().phone == "(732) 555-0100"  # nothing written


def test_billing_email_and_remit_to_are_saved_for_invoices(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.OWNER])
    window.show_screen(window.screen_titles().index("Company profile"))
    wait_tasks()
    company = window.screen(CompanyScreen)
    remit = company.form_fields["remit_to"]
    assert remit.toPlainText() == "" and not remit.isReadOnly()
    assert _a_few_lines_high(remit)
    company.form_fields["billing_email"].setText("billing@example")
    remit.setPlainText("\n".join(f"line {n}" for n in range(1, 10)))
    company.save_button.click()
    wait_tasks()
    assert "not an email address" in company.field_error("billing_email")
    assert company_profile().billing_email == ""  # nothing written
    company.form_fields["billing_email"].setText("ar@gardenstaterx.example")
    company.save_button.click()
    wait_tasks()
    assert "room for 8" in company.field_error("remit_to")
    remit.setPlainText("Garden State Rx  \nLockbox 7731\nNewark, NJ 07101\n")
    company.save_button.click()
    wait_tasks()
    assert company.status_label.text() == "Saved."
    profile = company_profile()
    assert profile.billing_email == "ar@gardenstaterx.example"
    assert profile.remit_to == "Garden State Rx\nLockbox 7731\nNewark, NJ 07101"
    assert remit.toPlainText() == profile.remit_to
    company.save_button.click()
    assert company.status_label.text() == "Nothing changed."


def test_office_reads_the_remit_to_but_cannot_change_it(qtbot, wait_tasks, db, actors):
    window = open_window(qtbot, wait_tasks, db, actors[Role.OFFICE])
    window.show_screen(window.screen_titles().index("Company profile"))
    wait_tasks()
    company = window.screen(CompanyScreen)
    assert company.form_fields["remit_to"].isReadOnly()
    assert _a_few_lines_high(company.form_fields["remit_to"])
    assert company.form_fields["billing_email"].isReadOnly()


def _a_few_lines_high(widget) -> bool:
    return 4 <= widget.height() / widget.fontMetrics().lineSpacing() < 8
