"""Trading partners on the Partners screen: adding them, their licenses and whether
RxDesk may trade with them."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from core.permissions import Role
from core.queries.partners import count_partners, search_partners
from core.services.partners import Address, add_evidence, add_partner
from core.vocab import AddressKind, EvidenceKind, PartnerType
from desktop.main_window import MainWindow
from desktop.partner_dialogs import AddEvidenceDialog, NewPartnerDialog
from desktop.screens.partners import PartnersScreen
from desktop.session import Session

TODAY = date.today()
SHIP_TO = Address(AddressKind.SHIP_TO, "12 Main St", "Trenton", "NJ", "08608")


def partners_screen(qtbot, wait_tasks, db, actor) -> PartnersScreen:
    window = MainWindow(Session(db.target.url, db.target, actor=actor))
    qtbot.addWidget(window)
    window.show()
    window.show_screen(window.screen_titles().index("Partners"))
    wait_tasks()
    return window.screen(PartnersScreen)


def column(screen: PartnersScreen, title: str) -> list[str]:
    model = screen.model
    number = [c.title for c in model.columns].index(title)
    return [model.index(r, number).data() for r in range(model.rowCount())]


def fill_address(box, street, city, state, postal_code) -> None:
    for name, value in zip(("street", "city", "state", "postal_code"),
                           (street, city, state, postal_code)):
        box.edits[name].setText(value)


def add_license(screen, wait_tasks, kind, **fields) -> AddEvidenceDialog:
    screen.evidence_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, AddEvidenceDialog)
    dialog.kind_combo.setCurrentIndex(list(EvidenceKind).index(kind))
    for name, value in fields.items():
        getattr(dialog, f"{name}_edit").setText(value)
    dialog.ok_button.click()
    wait_tasks()
    return dialog


def test_new_partner_then_an_expired_license_blocks_it(qtbot, wait_tasks, db, actors):
    screen = partners_screen(qtbot, wait_tasks, db, actors[Role.OFFICE])
    screen.new_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, NewPartnerDialog)
    dialog.name_edit.setText("Main Street Pharmacy")
    dialog.type_combo.setCurrentIndex(list(PartnerType).index(PartnerType.DISPENSER))
    dialog.gln_edit.setText("0614141000029")
    fill_address(dialog.bill_to, "1 Bill St", "Trenton", "NJ", "08608")
    fill_address(dialog.ship_to, "2 Dock Rd", "Trenton", "ZZ", "08609")
    dialog.ok_button.click()
    wait_tasks()
    assert dialog.isVisible()
    assert "not a US state" in dialog.field_error("ship_to.state")  # under the right box
    assert dialog.field_error("bill_to.state") == ""
    assert count_partners() == 0

    dialog.same_check.setChecked(True)
    assert dialog.ship_to.edits["street"].text() == "1 Bill St"
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    assert column(screen, "Name") == ["Main Street Pharmacy"]
    assert column(screen, "Roles") == ["Customer"]
    assert column(screen, "Authorization") == ["Blocked"]  # no license yet
    assert screen.selected().name == "Main Street Pharmacy"
    panel = screen.detail_panel
    assert "no state license on file" in panel.reasons_text().lower()
    assert "1 Bill St, Trenton, NJ 08608" in panel.addresses_label.text()

    expired = TODAY - timedelta(days=3)
    add_license(screen, wait_tasks, EvidenceKind.STATE_LICENSE, state="NJ", number="RS-1",
                expiry=expired.isoformat())
    assert panel.atp_badge.text() == "Blocked"
    assert f"NJ license RS-1 expired {expired.isoformat()}" in panel.reasons_text()
    evidence = panel.evidence_model
    assert evidence.rowCount() == 1
    verified = evidence.index(0, evidence.VERIFIED).data()
    assert verified == f"{TODAY.isoformat()} by office"  # the signed-in user
    assert evidence.tone(evidence.row_at(0)) == "bad"
    assert evidence.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_a_license_expiring_soon_warns_but_authorizes(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    add_partner(office, "Corner Drug", "customer", "dispenser", addresses=[SHIP_TO])
    screen = partners_screen(qtbot, wait_tasks, db, office)
    screen.table.selectRow(0)
    wait_tasks()
    soon = TODAY + timedelta(days=12)
    dialog = add_license(screen, wait_tasks, EvidenceKind.STATE_LICENSE, state="NJ",
                         number="NJ-7", expiry="next week")
    assert dialog.isVisible()
    assert "YYYY-MM-DD" in dialog.field_error("expiry")
    dialog.expiry_edit.setText(soon.isoformat())
    dialog.ok_button.click()
    wait_tasks()
    assert not dialog.isVisible()
    panel = screen.detail_panel
    assert panel.atp_badge.text() == "Authorized (expiring soon)"
    assert panel.reasons_text() == ""
    assert f"NJ license NJ-7 expires {soon.isoformat()} (in 12 days)" in panel.warnings_text()
    assert column(screen, "Authorization") == ["Authorized (expiring soon)"]
    assert panel.evidence_model.tone(panel.evidence_model.row_at(0)) == "warn"


def test_role_filter_and_search(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    add_partner(office, "Corner Drug", "customer", "dispenser", addresses=[SHIP_TO])
    supplier = add_partner(office, "Acme Pharma", "supplier", "manufacturer",
                           gln="0614141000036")
    add_evidence(office, supplier, "fda_registration", "FEI-3004", expiry="2099-12-31")
    screen = partners_screen(qtbot, wait_tasks, db, office)
    assert column(screen, "Name") == ["Acme Pharma", "Corner Drug"]
    assert column(screen, "Authorization") == ["Authorized", "Blocked"]
    assert screen.count_label.text() == "2 partners"
    screen.role_combo.setCurrentIndex(2)  # Suppliers
    wait_tasks()
    assert column(screen, "Name") == ["Acme Pharma"]
    screen.role_combo.setCurrentIndex(0)
    screen.search_edit.setText("corner")
    screen.search_edit.flush()
    wait_tasks()
    assert column(screen, "Name") == ["Corner Drug"]
    assert screen.count_label.text() == "1 partner found"
    assert [r.name for r in search_partners("corner")] == ["Corner Drug"]


def test_warehouse_sees_partners_but_cannot_change_them(qtbot, wait_tasks, db, actors):
    add_partner(actors[Role.OFFICE], "Corner Drug", "customer", "dispenser",
                addresses=[SHIP_TO])
    screen = partners_screen(qtbot, wait_tasks, db, actors[Role.WAREHOUSE])
    assert column(screen, "Name") == ["Corner Drug"]
    assert not screen.new_button.isVisibleTo(screen)
    assert not screen.evidence_button.isVisibleTo(screen)
    screen.table.selectRow(0)
    wait_tasks()
    assert screen.detail_panel.name_label.text() == "Corner Drug"
