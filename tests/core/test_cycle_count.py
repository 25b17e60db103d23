"""Cycle counts: scanned and entered counts become adjustment moves on approval."""

from datetime import date

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import AuditEntry, CountSheet, Package, StockMove
from core.permissions import Role
from core.queries.stock_check import ledger_discrepancies
from core.services import counts, stock
from tests.core.conftest import BULK_GTIN, GTIN, on_hand as _on_hand


@pytest.fixture
def shelf(warehouse):
    admin = warehouse[Role.ADMIN]
    stock.add_opening_stock(admin, GTIN, "C1", date(2028, 3, 31), "A-01",
                            serials=["P1", "P2", "P3"])
    stock.add_opening_stock(admin, GTIN, "C1", date(2028, 3, 31), "A-02", serials=["P4"])
    stock.add_opening_stock(admin, BULK_GTIN, "W9", date(2029, 3, 31), "A-01", quantity=40)
    return warehouse


def test_count_of_a_bin_posts_missing_misplaced_and_quantity_variances(shelf):
    wh, owner = shelf[Role.WAREHOUSE], shelf[Role.OWNER]
    sheet = counts.start_count(wh, location_code="A-01")
    assert counts.count_package(wh, sheet, "A-01", GTIN, "P1") == "Serial P1 counted."
    assert "approval moves it here" in counts.count_package(wh, sheet, "A-01", GTIN, "P4")
    assert "not in RxDesk" in counts.count_package(wh, sheet, "A-01", GTIN, "ZZ9")
    with pytest.raises(InvalidInput, match="already counted"):
        counts.count_package(wh, sheet, "A-01", GTIN, "P1")
    counts.count_quantity(wh, sheet, "A-01", BULK_GTIN, "W9", 37)
    preview = counts.variances(sheet)
    assert len(preview.missing) == 2 and len(preview.misplaced) == 1
    assert [delta for *_, delta in preview.quantities] == [-3]
    assert preview.exceptions == [f"GTIN {GTIN} serial ZZ9 is not in RxDesk "
                                  "(product without data: quarantine it)"]
    with pytest.raises(PermissionDenied):
        counts.approve_count(wh, sheet)
    counts.approve_count(owner, sheet, "quarterly count")
    statuses = dict(Package.select(Package.serial, Package.status).tuples())
    assert statuses == {"P1": "saleable", "P2": "missing", "P3": "missing", "P4": "saleable"}
    assert _on_hand("A-01") == 2 + 37 and _on_hand("A-02") == 0
    assert StockMove.select().where(StockMove.document == f"count:{sheet}").count() == 4
    assert ledger_discrepancies() == []
    with pytest.raises(counts.CountClosed):
        counts.count_package(wh, sheet, "A-01", GTIN, "P2")


def test_a_missing_package_found_later_comes_back(shelf):
    wh, owner = shelf[Role.WAREHOUSE], shelf[Role.OWNER]
    first = counts.start_count(wh, location_code="A-02")
    counts.approve_count(owner, first)
    assert Package.get(Package.serial == "P4").status == "missing"
    second = counts.start_count(wh, gtin=GTIN)
    for serial in ("P1", "P2", "P3"):
        counts.count_package(wh, second, "A-01", GTIN, serial)
    counts.count_package(wh, second, "A-01", GTIN, "P4")
    result = counts.approve_count(owner, second)
    assert (len(result.found), result.missing) == (1, [])
    assert _on_hand("A-01") == 4 + 40
    assert ledger_discrepancies() == []


def test_scope_is_enforced(shelf):
    wh = shelf[Role.WAREHOUSE]
    with pytest.raises(InvalidInput, match="either one bin or one product"):
        counts.start_count(wh)
    sheet = counts.start_count(wh, location_code="A-01")
    with pytest.raises(InvalidInput, match="for A-01, not A-02"):
        counts.count_package(wh, sheet, "A-02", GTIN, "P4")


def _sheet_state(sheet_id: int) -> tuple:
    sheet = CountSheet.get_by_id(sheet_id)
    return sheet.status, sheet.closed_by, sheet.note


def test_an_open_count_can_be_cancelled_with_a_reason(shelf):
    wh, owner = shelf[Role.WAREHOUSE], shelf[Role.OWNER]
    sheet = counts.start_count(wh, location_code="A-01")
    counts.count_package(wh, sheet, "A-01", GTIN, "P1")
    audit_before = AuditEntry.select().count()

    with pytest.raises(InvalidInput, match="why the count is cancelled"):
        counts.cancel_count(owner, sheet, "   ")
    with pytest.raises(InvalidInput, match="200 characters"):
        counts.cancel_count(owner, sheet, "x" * 201)
    with pytest.raises(PermissionDenied):
        counts.cancel_count(wh, sheet, "Counted the wrong bin")
    with pytest.raises(NotFound):
        counts.cancel_count(owner, 999_999, "Counted the wrong bin")
    assert _sheet_state(sheet) == ("open", "", "")  # nothing written on bad input
    assert AuditEntry.select().count() == audit_before

    counts.cancel_count(owner, sheet, "  Counted the wrong bin ")
    assert _sheet_state(sheet) == ("cancelled", owner.username, "Counted the wrong bin")
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert (entry.action, entry.entity, entry.entity_id) == ("cancel_count", "count", str(sheet))
    assert entry.summary == "1 entry, nothing posted: Counted the wrong bin"
    assert StockMove.select().where(StockMove.document == f"count:{sheet}").count() == 0
    assert Package.get(Package.serial == "P2").status == "saleable"  # not written off
    assert ledger_discrepancies() == []

    with pytest.raises(counts.CountClosed, match="is cancelled") as closed:
        counts.cancel_count(owner, sheet, "again")
    assert (closed.value.sheet_id, closed.value.status) == (sheet, "cancelled")
    with pytest.raises(counts.CountClosed):
        counts.approve_count(owner, sheet)
    with pytest.raises(counts.CountClosed):
        counts.count_package(wh, sheet, "A-01", GTIN, "P2")


def test_an_approved_count_cannot_be_cancelled(shelf):
    wh, owner = shelf[Role.WAREHOUSE], shelf[Role.OWNER]
    sheet = counts.start_count(wh, location_code="A-02")
    counts.count_package(wh, sheet, "A-02", GTIN, "P4")
    counts.approve_count(owner, sheet)
    with pytest.raises(counts.CountClosed, match="is approved"):
        counts.cancel_count(owner, sheet, "Too late")
    assert _sheet_state(sheet)[0] == "approved"
