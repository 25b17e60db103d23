"""Trading partners on the Partners screen: adding and changing them, their addresses,
their licenses (renewed, with history) and whether RxDesk may trade with them."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from core.permissions import Role
from core.queries.audit import recent_entries
from core.queries.partners import count_partners, partner_detail, search_partners
from core.services.partners import Address, add_evidence, add_partner
from core.services.products import add_product
from core.services.purchasing import PoLineInput, cancel_po, create_po
from core.vocab import AddressKind, EvidenceKind, PartnerType
from desktop.main_window import MainWindow
from desktop.partner_dialogs import (
    AddEvidenceDialog, AddressDialog, EditPartnerDialog, NewPartnerDialog, PartnerActiveDialog,
    RenewEvidenceDialog, RetireAddressDialog,
)
from desktop.screens.partners import PartnersScreen
from desktop.session import Session
from tests.desktop.conftest import message_boxes

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
    assert panel.addresses_text() == ("Bill to | 1 Bill St, Trenton, NJ 08608\n"
                                      "Default ship-to | 1 Bill St, Trenton, NJ 08608")

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
    assert column(screen, "Authorization") == ["Renew soon"]
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
    assert not any(b.isVisibleTo(screen) for b in screen.detail_panel.buttons())


# --- changing a partner -------------------------------------------------------------------

def open_from(screen, button, wait_tasks, dialog_type):
    assert button.isEnabled(), button.text()
    button.click()
    dialog = screen.dialog
    assert isinstance(dialog, dialog_type) and dialog.isVisible()
    return dialog


def submit(dialog, wait_tasks) -> None:
    dialog.ok_button.click()
    wait_tasks()


def selected_screen(qtbot, wait_tasks, db, actor) -> PartnersScreen:
    screen = partners_screen(qtbot, wait_tasks, db, actor)
    screen.table.selectRow(0)
    wait_tasks()
    return screen


def test_edit_partner_shows_errors_under_the_field_then_saves(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Corner Drug", "customer+supplier", "dispenser",
                      addresses=[SHIP_TO], phone="(609) 555-0100")
    add_partner(office, "Acme Pharma", "supplier", "manufacturer", gln="0614141000036")
    add_product(office, "12345-678-90", "Atorvastatin 20 mg tablets, 90 count")
    po = create_po(office, pid, [PoLineInput("00312345678906", 10, "12.00")])
    screen = partners_screen(qtbot, wait_tasks, db, office)
    screen.table.select_where(lambda p: p.row.id == pid)
    wait_tasks()
    panel = screen.detail_panel
    dialog = open_from(screen, panel.edit_button, wait_tasks, EditPartnerDialog)
    assert (dialog.name_edit.text(), dialog.phone_edit.text()) == ("Corner Drug",
                                                                   "(609) 555-0100")
    assert dialog.roles_combo.currentData() == "customer+supplier"
    assert dialog.type_combo.currentData() == PartnerType.DISPENSER

    dialog.name_edit.setText("Corner Drug LLC")
    dialog.gln_edit.setText("0614141000013")
    submit(dialog, wait_tasks)
    assert dialog.isVisible()
    assert "check digit" in dialog.field_error("gln")
    dialog.gln_edit.setText("0614141000036")  # Acme's
    submit(dialog, wait_tasks)
    assert "already exists" in dialog.field_error("gln")
    dialog.gln_edit.setText("")
    dialog.roles_combo.setCurrentIndex(0)  # Customer only: the PO is still open
    submit(dialog, wait_tasks)
    assert "open purchase order" in dialog.field_error("roles")
    assert dialog.field_error("gln") == ""
    assert partner_detail(pid).partner.name == "Corner Drug"  # nothing written yet

    cancel_po(office, po, "wrong supplier")
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert dialog.result == {"name": ("Corner Drug", "Corner Drug LLC"),
                             "roles": ("customer+supplier", "customer")}
    assert column(screen, "Name") == ["Acme Pharma", "Corner Drug LLC"]
    assert screen.selected().id == pid
    assert panel.name_label.text() == "Corner Drug LLC"
    assert "Supplier" not in panel.facts_label.text()
    assert recent_entries(1)[0].action == "update_partner"


def test_ship_to_added_made_default_and_retired(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Corner Drug", "customer", "dispenser", addresses=[SHIP_TO])
    screen = selected_screen(qtbot, wait_tasks, db, office)
    panel = screen.detail_panel
    assert not panel.edit_address_button.isEnabled()  # nothing selected yet

    dialog = open_from(screen, panel.add_address_button, wait_tasks, AddressDialog)
    for name, value in (("street", "40 Dock Rd"), ("city", "Camden"), ("state", "NJ"),
                        ("postal_code", "081")):
        dialog.edits[name].setText(value)
    submit(dialog, wait_tasks)
    assert "5 digits" in dialog.field_error("postal_code")
    dialog.edits["postal_code"].setText("08102")
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert panel.addresses_text() == ("Default ship-to | 12 Main St, Trenton, NJ 08608\n"
                                      "Ship to | 40 Dock Rd, Camden, NJ 08102")

    dock = partner_detail(pid).addresses[1]
    assert panel.select_address(dock.id)
    dialog = open_from(screen, panel.edit_address_button, wait_tasks, AddressDialog)
    assert dialog.edits["street"].text() == "40 Dock Rd"
    dialog.edits["street"].setText("40 Dock Rd, Suite 2")
    dialog.default_check.setChecked(True)
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert panel.addresses_text() == ("Default ship-to | 40 Dock Rd, Suite 2, Camden, NJ 08102\n"
                                      "Ship to | 12 Main St, Trenton, NJ 08608")

    main_st = partner_detail(pid).addresses[1]
    assert panel.select_address(main_st.id)
    dialog = open_from(screen, panel.retire_address_button, wait_tasks, RetireAddressDialog)
    dialog.reason_edit.setText("store moved")
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert panel.addresses_text() == ("Default ship-to | 40 Dock Rd, Suite 2, Camden, NJ 08102\n"
                                      "Retired ship-to | 12 Main St, Trenton, NJ 08608")
    assert panel.select_address(main_st.id)
    assert not panel.retire_address_button.isEnabled()  # already retired
    assert not panel.edit_address_button.isEnabled()

    # The last ship-to of a customer stays: the refusal is shown, nothing changes.
    assert panel.select_address(dock.id)
    dialog = open_from(screen, panel.retire_address_button, wait_tasks, RetireAddressDialog)
    submit(dialog, wait_tasks)
    boxes = message_boxes()
    assert boxes and "only ship-to address of customer Corner Drug" in boxes[0].text()
    assert dialog.isVisible()
    assert [a.active for a in partner_detail(pid).addresses] == [True, False]


def test_renewing_an_expired_license_from_the_license_panel(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Corner Drug", "customer", "dispenser", addresses=[SHIP_TO])
    expired = TODAY - timedelta(days=2)
    old = add_evidence(office, pid, "state_license", "CA-100", state="CA", expiry=expired,
                       verified_on=TODAY - timedelta(days=300), license_type="Pharmacy")
    screen = selected_screen(qtbot, wait_tasks, db, office)
    panel = screen.detail_panel
    assert panel.atp_badge.text() == "Blocked"
    assert not panel.renew_button.isEnabled()
    assert panel.select_evidence(old)
    dialog = open_from(screen, panel.renew_button, wait_tasks, RenewEvidenceDialog)
    assert (dialog.number_edit.text(), dialog.type_edit.text()) == ("CA-100", "Pharmacy")
    submit(dialog, wait_tasks)
    assert "expiry date" in dialog.field_error("expiry")
    renewed = TODAY + timedelta(days=730)
    dialog.expiry_edit.setText(renewed.isoformat())
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()

    assert panel.atp_badge.text() == "Authorized"
    assert panel.reasons_text() == ""
    assert column(screen, "Authorization") == ["Authorized"]
    model = panel.evidence_model
    rows = [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    assert rows == [
        ["CA state license", "CA-100", renewed.isoformat(), "Current",
         f"{TODAY.isoformat()} by office"],
        ["CA state license", "CA-100", expired.isoformat(), "Replaced",
         f"{(TODAY - timedelta(days=300)).isoformat()} by office"]]
    assert model.tone(model.row_at(1)) == "muted"  # history, not an alarm
    assert "kept as history" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert panel.select_evidence(old)
    assert not panel.renew_button.isEnabled()  # only the newest record renews


def test_deactivate_needs_a_reason_and_blocks_the_partner(qtbot, wait_tasks, db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Acme Pharma", "supplier", "manufacturer")
    add_evidence(office, pid, "fda_registration", "FEI-3004", expiry="2099-12-31")
    screen = selected_screen(qtbot, wait_tasks, db, office)
    panel = screen.detail_panel
    assert panel.active_button.text().replace("&", "") == "Deactivate…"
    dialog = open_from(screen, panel.active_button, wait_tasks, PartnerActiveDialog)
    submit(dialog, wait_tasks)
    assert "Say why" in dialog.field_error("reason")
    dialog.reason_edit.setText("FDA registration revoked")
    submit(dialog, wait_tasks)
    assert not dialog.isVisible()
    assert panel.atp_badge.text() == "Blocked"
    assert "marked inactive" in panel.reasons_text()
    assert "Inactive" in panel.facts_label.text()
    assert column(screen, "Authorization") == ["Blocked"]

    dialog = open_from(screen, panel.active_button, wait_tasks, PartnerActiveDialog)
    assert dialog.windowTitle() == "Reactivate partner"
    submit(dialog, wait_tasks)
    assert panel.atp_badge.text() == "Authorized"
    assert [e.action for e in recent_entries(2)] == ["reactivate_partner",
                                                     "deactivate_partner"]
