"""Trading partners and the authorized-trading-partner (ATP) check."""

from datetime import date, timedelta

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.permissions import Role
from core.queries.atp import (
    PartnerNotAuthorized, atp_status, atp_statuses, require_authorized,
)
from core.services.partners import Address, add_evidence, add_partner
from core.vocab import AddressKind, Schedule

TODAY = date(2026, 11, 28)
SHIP_TO = Address(AddressKind.SHIP_TO, "12 Main St", "Trenton", "NJ", "08608")


def _pharmacy(actor, name="Main Street Pharmacy"):
    return add_partner(actor, name, "customer", "dispenser", gln="0614141000029",
                       addresses=[SHIP_TO])


def test_pharmacy_with_a_valid_license_is_authorized(db, actors):
    office = actors[Role.OFFICE]
    pid = _pharmacy(office)
    add_evidence(office, pid, "state_license", "RS-445566", state="NJ", expiry="2027-09-30",
                 verified_on="2026-11-20")
    status = require_authorized(pid, on=TODAY)
    assert (status.authorized, status.label, status.warnings) == (True, "Authorized", [])


def test_expired_license_blocks_with_the_reason(db, actors):
    office = actors[Role.OFFICE]
    pid = _pharmacy(office)
    add_evidence(office, pid, "state_license", "CA-1", state="CA", expiry="2026-10-31")
    with pytest.raises(PartnerNotAuthorized) as exc:
        require_authorized(pid, on=TODAY)
    assert "CA license CA-1 expired 2026-10-31" in str(exc.value)
    assert str(exc.value).startswith("Main Street Pharmacy is not an authorized trading partner")


def test_warning_starts_thirty_days_before_expiry(db, actors):
    office = actors[Role.OFFICE]
    pid = _pharmacy(office)
    add_evidence(office, pid, "state_license", "NJ-7", state="NJ",
                 expiry=TODAY + timedelta(days=30))
    status = atp_status(pid, on=TODAY)
    assert status.authorized
    assert status.warnings == ["NJ license NJ-7 expires 2026-12-28 (in 30 days)"]
    assert atp_status(pid, on=TODAY - timedelta(days=1)).warnings == []


def test_wholesaler_needs_license_and_current_fda_report(db, actors):
    office = actors[Role.OFFICE]
    pid = add_partner(office, "Keystone Wholesale", "supplier", "wholesaler", gln="0614141000036")
    assert atp_status(pid, on=TODAY).reasons == [
        "no state license on file", "no FDA annual-report check on file"]
    add_evidence(office, pid, "state_license", "PA-9", state="PA", expiry="2027-12-31")
    add_evidence(office, pid, "fda_annual_report", verified_on="2025-10-01")
    assert atp_status(pid, on=TODAY).reasons == [
        "FDA annual-report check is out of date (last verified 2025-10-01)"]
    add_evidence(office, pid, "fda_annual_report", verified_on="2025-12-10")
    status = atp_status(pid, on=TODAY)
    assert status.authorized
    assert status.warnings == ["FDA annual-report check is due 2026-12-10 (in 12 days)"]


def test_controlled_substances_need_dea_covering_the_schedule(db, actors):
    office = actors[Role.OFFICE]
    pid = _pharmacy(office)
    add_evidence(office, pid, "state_license", "NJ-1", state="NJ", expiry="2027-12-31")
    assert atp_status(pid, on=TODAY, schedules=[Schedule.CII]).reasons == [
        "no DEA registration on file"]
    add_evidence(office, pid, "dea", "BM1234563", expiry="2027-12-31", schedules="3,4,5")
    assert atp_status(pid, on=TODAY, schedules=[Schedule.CII, Schedule.CIV]).reasons == [
        "DEA registration does not cover schedule C-II"]


def test_bad_partner_input_is_refused_with_reasons(db, actors):
    office = actors[Role.OFFICE]
    with pytest.raises(InvalidInput, match="ship-to"):
        add_partner(office, "No Address Pharmacy", "customer", "dispenser")
    with pytest.raises(InvalidInput, match="customer, supplier or customer\\+supplier"):
        add_partner(office, "X", "buyer", "dispenser", addresses=[SHIP_TO])
    with pytest.raises(InvalidInput, match="check digit"):
        add_partner(office, "X", "supplier", "manufacturer", gln="0614141000013")
    with pytest.raises(PermissionDenied):
        _pharmacy(actors[Role.WAREHOUSE])
    pid = _pharmacy(office)
    with pytest.raises(InvalidInput, match="DEA number 'BM1234564' has check digit 4"):
        add_evidence(office, pid, "dea", "BM1234564", expiry="2027-01-01")
    with pytest.raises(InvalidInput, match="expiry date"):
        add_evidence(office, pid, "state_license", "NJ-2", state="NJ")


def test_a_page_of_partners_gets_the_same_status_in_one_batch(db, actors):
    office = actors[Role.OFFICE]
    good = _pharmacy(office)
    add_evidence(office, good, "state_license", "NJ-2", state="NJ", expiry="2027-09-30")
    expiring = add_partner(office, "Corner Drug", "customer", "dispenser", addresses=[SHIP_TO])
    add_evidence(office, expiring, "state_license", "NJ-3", state="NJ",
                 expiry=TODAY + timedelta(days=5))
    blocked = add_partner(office, "Closed Pharmacy", "customer", "dispenser",
                          addresses=[SHIP_TO])
    statuses = atp_statuses([good, expiring, blocked, 999_999], on=TODAY)
    assert sorted(statuses) == sorted([good, expiring, blocked])
    for pid in (good, expiring, blocked):
        assert statuses[pid] == atp_status(pid, on=TODAY)
    assert [statuses[p].label for p in (good, expiring, blocked)] == [
        "Authorized", "Authorized (expiring soon)", "Blocked"]
