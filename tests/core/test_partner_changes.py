"""Trading partners change: new details, another ship-to, a renewed license, a partner
one no longer trades with. Every change is audited; a refused one writes nothing."""

from datetime import date, timedelta

import pytest

from core.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied
from core.models import AuditEntry, PartnerAddress, PartnerEvidence
from core.permissions import Role
from core.queries.atp import (
    PartnerNotAuthorized, atp_status, atp_statuses, require_authorized,
)
from core.queries.audit import recent_entries
from core.queries.partners import partner_detail, search_partners
from core.services.partners import (
    Address, NotRenewable, PartnerInUse, add_address, add_evidence, add_partner,
    deactivate_partner, reactivate_partner, renew_evidence, retire_address, update_address,
    update_partner,
)
from core.services.purchasing import (
    InvalidTransition, PoLineInput, cancel_po, confirm_po, create_po,
)
from core.vocab import AddressKind, Schedule
from tests.core.conftest import GTIN

TODAY = date.today()
BILL_TO = Address(AddressKind.BILL_TO, "1 Office Rd", "Trenton", "NJ", "08608")
SHIP_TO = Address(AddressKind.SHIP_TO, "12 Main St", "Trenton", "NJ", "08608")
DOCK = Address(AddressKind.SHIP_TO, "40 Dock Rd", "Camden", "NJ", "08102")


def audit_count() -> int:
    return AuditEntry.select().count()


def last_entry():
    return recent_entries(1)[0]


def pharmacy(actor, name="Main Street Pharmacy", gln="0614141000029"):
    return add_partner(actor, name, "customer", "dispenser", gln=gln,
                       addresses=[BILL_TO, SHIP_TO], phone="(609) 555-0100")


def snapshot(pid):
    """Everything a refused change must leave as it was."""
    d = partner_detail(pid)
    return d.partner, d.email, d.addresses, d.evidence


# --- details ---------------------------------------------------------------------------------

def test_update_partner_changes_only_what_is_given_and_audits_it(db, actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(office)
    changes = update_partner(office, pid, name="Main Street Pharmacy LLC",
                             phone="(609) 555-0199", roles="customer", partner_type="dispenser")
    assert changes == {"name": ("Main Street Pharmacy", "Main Street Pharmacy LLC"),
                       "phone": ("(609) 555-0100", "(609) 555-0199")}
    row = partner_detail(pid).partner
    assert (row.name, row.phone, row.gln) == ("Main Street Pharmacy LLC", "(609) 555-0199",
                                              "0614141000029")
    entry = last_entry()
    assert (entry.action, entry.entity, entry.entity_id, entry.username) == (
        "update_partner", "partner", str(pid), "office")
    assert entry.summary == ("Main Street Pharmacy: name: 'Main Street Pharmacy' -> "
                             "'Main Street Pharmacy LLC'; phone: '(609) 555-0100' -> "
                             "'(609) 555-0199'")
    assert "roles" not in entry.summary and "type" not in entry.summary

    update_partner(office, pid, gln="", roles="customer+supplier", partner_type="wholesaler")
    row = partner_detail(pid).partner
    assert (row.gln, row.is_supplier, row.partner_type.value) == ("", True, "wholesaler")
    assert "gln: '0614141000029' -> ''" in last_entry().summary
    # The freed GLN can be given to another partner.
    assert pharmacy(office, "Corner Drug", gln="0614141000029")


def test_nothing_changed_writes_no_audit_entry(db, actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(office)
    before = audit_count()
    assert update_partner(office, pid, name="  Main Street Pharmacy ", gln="0614141000029",
                          roles="customer", phone="(609) 555-0100") == {}
    assert update_partner(office, pid) == {}
    assert audit_count() == before


def test_update_partner_refuses_bad_input_and_writes_nothing(db, actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(office)
    pharmacy(office, "Corner Drug", gln="0614141000036")
    before, count = snapshot(pid), audit_count()
    with pytest.raises(InvalidInput, match="check digit") as bad:
        update_partner(office, pid, name="Renamed", gln="0614141000013")
    assert bad.value.field == "gln"
    with pytest.raises(AlreadyExists, match="0614141000036"):
        update_partner(office, pid, name="Renamed", gln="0614141000036")
    with pytest.raises(InvalidInput, match="customer, supplier") as bad:
        update_partner(office, pid, name="Renamed", roles="buyer")
    assert bad.value.field == "roles"
    with pytest.raises(InvalidInput, match="legal name is required"):
        update_partner(office, pid, name="   ")
    with pytest.raises(InvalidInput, match="longer than 200"):
        update_partner(office, pid, name="x" * 201)
    with pytest.raises(InvalidInput, match="is not one of"):
        update_partner(office, pid, name="Renamed", partner_type="hospital")
    with pytest.raises(PermissionDenied):
        update_partner(actors[Role.WAREHOUSE], pid, name="Renamed")
    with pytest.raises(NotFound):
        update_partner(office, 999_999, name="Renamed")
    assert snapshot(pid) == before
    assert audit_count() == count


def test_supplier_role_stays_while_purchase_orders_are_open(db, warehouse):
    office = warehouse[Role.OFFICE]
    pid = add_partner(office, "Acme Pharma", "customer+supplier", "manufacturer",
                      addresses=[SHIP_TO])
    po = create_po(office, pid, [PoLineInput(GTIN, 10, "12.00")])
    count = audit_count()
    with pytest.raises(PartnerInUse, match=r"Acme Pharma has 1 open purchase order \(PO-\d{6}\)"
                       r"; receive and close or cancel them"):
        update_partner(office, pid, roles="customer", phone="555")
    assert partner_detail(pid).partner.is_supplier
    assert partner_detail(pid).partner.phone == ""
    assert audit_count() == count
    cancel_po(office, po, "ordered from the wrong supplier")
    assert update_partner(office, pid, roles="customer") == {
        "roles": ("customer+supplier", "customer")}
    assert [r.name for r in search_partners(role="supplier")] == []


def test_a_partner_becomes_a_customer_only_with_a_ship_to(db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Acme Pharma", "supplier", "manufacturer")
    with pytest.raises(InvalidInput, match="needs a ship-to address"):
        update_partner(office, pid, roles="customer+supplier")
    add_address(office, pid, DOCK)
    update_partner(office, pid, roles="customer+supplier")
    assert partner_detail(pid).partner.is_customer


# --- deactivation -------------------------------------------------------------------------

def test_deactivated_partner_is_blocked_until_reactivated(db, warehouse):
    office = warehouse[Role.OFFICE]
    pid = add_partner(office, "Acme Pharma", "supplier", "manufacturer")
    add_evidence(office, pid, "fda_registration", "FEI-1", expiry="2099-12-31")
    po = create_po(office, pid, [PoLineInput(GTIN, 10, "12.00")])
    count = audit_count()
    with pytest.raises(InvalidInput, match="Say why") as bad:
        deactivate_partner(office, pid, " ")
    assert bad.value.field == "reason"
    with pytest.raises(PermissionDenied):
        deactivate_partner(warehouse[Role.WAREHOUSE], pid, "license revoked")
    assert audit_count() == count and atp_status(pid).authorized

    assert deactivate_partner(office, pid, "FDA registration revoked") is True
    entry = last_entry()
    assert (entry.action, entry.summary) == ("deactivate_partner",
                                             "Acme Pharma: FDA registration revoked")
    assert atp_status(pid).reasons == ["the partner is marked inactive"]
    assert not partner_detail(pid).partner.active
    with pytest.raises(PartnerNotAuthorized, match="marked inactive"):
        confirm_po(office, po)
    assert deactivate_partner(office, pid, "again") is False
    assert audit_count() == count + 1

    assert reactivate_partner(office, pid) is True
    assert last_entry().action == "reactivate_partner"
    confirm_po(office, po)
    with pytest.raises(InvalidTransition):
        confirm_po(office, po)


# --- addresses ----------------------------------------------------------------------------

def test_add_update_and_retire_ship_to_addresses(db, actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(office)
    dock = add_address(office, pid, DOCK)
    entry = last_entry()
    assert (entry.action, entry.entity_id) == ("add_address", str(pid))
    assert "Ship to" in entry.summary and "40 Dock Rd, Camden, NJ 08102" in entry.summary
    addresses = partner_detail(pid).addresses
    assert [(a.kind, a.street, a.is_default, a.active) for a in addresses] == [
        (AddressKind.BILL_TO, "1 Office Rd", True, True),
        (AddressKind.SHIP_TO, "12 Main St", True, True),
        (AddressKind.SHIP_TO, "40 Dock Rd", False, True)]

    changes = update_address(office, dock, Address(AddressKind.SHIP_TO, "40 Dock Rd, Suite 2",
                                                   "Camden", "NJ", "08102", is_default=True))
    assert changes == {"street": ("40 Dock Rd", "40 Dock Rd, Suite 2"),
                       "is_default": (False, True)}
    assert last_entry().summary == ("Main Street Pharmacy: Ship to #%d: street: '40 Dock Rd' "
                                    "-> '40 Dock Rd, Suite 2'; is_default: False -> True" % dock)
    defaults = [a.street for a in partner_detail(pid).addresses if a.is_default]
    assert defaults == ["1 Office Rd", "40 Dock Rd, Suite 2"]  # one per kind
    count = audit_count()
    assert update_address(office, dock, Address(AddressKind.SHIP_TO, "40 Dock Rd, Suite 2",
                                                "Camden", "nj", "08102")) == {}
    assert audit_count() == count

    assert retire_address(office, dock, "dock closed") is True
    entry = last_entry()
    assert entry.action == "retire_address" and entry.summary.endswith("retired: dock closed")
    addresses = partner_detail(pid).addresses
    retired = [a for a in addresses if not a.active]
    assert [(a.id, a.kind, a.is_default) for a in retired] == [
        (dock, AddressKind.SHIP_TO, False)]  # kept as history
    assert [a.street for a in addresses if a.active and a.is_default] == [
        "1 Office Rd", "12 Main St"]  # the remaining ship-to became the default
    assert PartnerAddress.select().where(PartnerAddress.partner == pid).count() == 3
    assert retire_address(office, dock) is False
    with pytest.raises(InvalidInput, match="retired"):
        update_address(office, dock, DOCK)


def test_address_rules_refuse_and_write_nothing(db, actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(office)
    detail = partner_detail(pid)
    bill = next(a.id for a in detail.addresses if a.kind is AddressKind.BILL_TO)
    ship = next(a.id for a in detail.addresses if a.kind is AddressKind.SHIP_TO)
    before, count = snapshot(pid), audit_count()
    with pytest.raises(PartnerInUse, match="only ship-to address of customer Main Street"):
        retire_address(office, ship)
    with pytest.raises(InvalidInput, match="bill-to address cannot be retired"):
        retire_address(office, bill)
    with pytest.raises(InvalidInput, match="already has a bill-to"):
        add_address(office, pid, BILL_TO)
    with pytest.raises(InvalidInput, match="ZIP code '081' must be 5 digits") as bad:
        add_address(office, pid, Address(AddressKind.SHIP_TO, "40 Dock Rd", "Camden", "NJ",
                                          "081"))
    assert bad.value.field == "postal_code"
    with pytest.raises(InvalidInput, match="not a US state"):
        update_address(office, ship, Address(AddressKind.SHIP_TO, "12 Main St", "Trenton",
                                             "ZZ", "08608"))
    with pytest.raises(InvalidInput, match="cannot change between bill-to and ship-to"):
        update_address(office, ship, BILL_TO)
    for call in (lambda a: add_address(a, pid, DOCK), lambda a: update_address(a, ship, DOCK),
                 lambda a: retire_address(a, ship)):
        with pytest.raises(PermissionDenied):
            call(actors[Role.WAREHOUSE])
    with pytest.raises(NotFound):
        retire_address(office, 999_999)
    assert snapshot(pid) == before
    assert audit_count() == count


def test_a_supplier_may_retire_its_last_ship_to(db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Acme Pharma", "supplier", "manufacturer", addresses=[DOCK])
    ship = partner_detail(pid).addresses[0].id
    assert retire_address(office, ship)
    assert [a.active for a in partner_detail(pid).addresses] == [False]
    with pytest.raises(InvalidInput, match="needs a ship-to"):
        update_partner(office, pid, roles="customer+supplier")


# --- license renewal ---------------------------------------------------------------------

def test_renewing_an_expired_license_authorizes_again_and_keeps_history(db, actors):
    office, owner = actors[Role.OFFICE], actors[Role.OWNER]
    pid = pharmacy(office)
    old = add_evidence(office, pid, "state_license", "CA-100", state="CA",
                       expiry=TODAY - timedelta(days=3), verified_on=TODAY - timedelta(days=400),
                       license_type="Pharmacy")
    assert atp_status(pid).reasons == [
        f"CA license CA-100 expired {(TODAY - timedelta(days=3)).isoformat()}"]
    new = renew_evidence(owner, old, expiry=TODAY + timedelta(days=730))
    status = atp_status(pid)
    assert (status.authorized, status.label) == (True, "Authorized")
    assert atp_statuses([pid])[pid] == status
    evidence = partner_detail(pid).evidence
    assert [(e.id, e.current, e.number, e.license_type, e.verified_by) for e in evidence] == [
        (new, True, "CA-100", "Pharmacy", "owner"),
        (old, False, "CA-100", "Pharmacy", "office")]  # newest first, old kept as history
    assert evidence[0].verified_on == TODAY
    entry = last_entry()
    assert (entry.action, entry.username, entry.entity_id) == ("renew_evidence", "owner",
                                                               str(pid))
    assert f"(replaces #{old})" in entry.summary
    assert f"expiry: {TODAY - timedelta(days=3)} -> {TODAY + timedelta(days=730)}" in \
        entry.summary

    count = audit_count()
    with pytest.raises(NotRenewable, match="already renewed"):
        renew_evidence(office, old, expiry=TODAY + timedelta(days=900))
    with pytest.raises(InvalidInput, match="expiry date") as bad:
        renew_evidence(office, new, expiry="")
    assert bad.value.field == "expiry"
    with pytest.raises(InvalidInput, match="cannot be verified before"):
        renew_evidence(office, new, expiry="2099-01-01", verified_on=TODAY - timedelta(days=1))
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        renew_evidence(office, new, expiry="next year")
    with pytest.raises(PermissionDenied):
        renew_evidence(actors[Role.WAREHOUSE], new, expiry="2099-01-01")
    with pytest.raises(NotFound):
        renew_evidence(office, 999_999, expiry="2099-01-01")
    assert PartnerEvidence.select().where(PartnerEvidence.partner == pid).count() == 2
    assert audit_count() == count


def test_the_newest_record_of_each_kind_and_state_decides(db, actors):
    office = actors[Role.OFFICE]
    pid = pharmacy(office)
    # Renewed a week before it ran out: no "renew soon" warning from the old record.
    soon = add_evidence(office, pid, "state_license", "NJ-1", state="NJ",
                        expiry=TODAY + timedelta(days=7), verified_on=TODAY - timedelta(days=300))
    assert atp_status(pid).warnings
    renew_evidence(office, soon, expiry=TODAY + timedelta(days=372))
    assert atp_status(pid).warnings == []
    # A renewed DEA registration that no longer covers C-II: the old one does not count.
    dea = add_evidence(office, pid, "dea", "BM1234563", expiry=TODAY + timedelta(days=200),
                       verified_on=TODAY - timedelta(days=10), schedules="2,3,4,5")
    assert require_authorized(pid, schedules=[Schedule.CII])
    renew_evidence(office, dea, expiry=TODAY + timedelta(days=900), schedules="3,4,5")
    assert atp_status(pid, schedules=[Schedule.CII]).reasons == [
        "DEA registration does not cover schedule C-II"]
    # A license in a second state is its own record, not a renewal of the first.
    add_evidence(office, pid, "state_license", "PA-9", state="PA",
                 expiry=TODAY - timedelta(days=1))
    assert atp_status(pid).authorized
    assert all(e.current for e in partner_detail(pid).evidence if e.state == "PA")


def test_a_new_fda_check_renews_without_an_expiry(db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Keystone Wholesale", "supplier", "wholesaler")
    add_evidence(office, pid, "state_license", "PA-9", state="PA", expiry="2099-12-31")
    check = add_evidence(office, pid, "fda_annual_report",
                         verified_on=TODAY - timedelta(days=400))
    assert "FDA annual-report check is out of date" in atp_status(pid).reasons[0]
    renew_evidence(office, check)
    assert atp_status(pid).authorized
