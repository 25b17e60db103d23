"""Receiving a delivery by scanning: every GS1 US exception case gets its named outcome,
and posting writes stock, cost, DSCSA record and PO progress together or not at all."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.models import (AuditEntry, Container, DscsaLine, DscsaPackage, DscsaTransaction,
                         ExpectedPackage, Package, Partner, Product, PurchaseOrder, Receipt,
                         ReceiptException, ReceiptLine, ReceivingScan)
from core.permissions import Role
from core.queries.receiving import delivery_tally, shortfalls_if_closed
from core.queries.stock_check import ledger_discrepancies
from core.scanning import ScanError
from core.services import purchasing, receiving
from core.services.epcis_import import import_epcis
from core.services.purchasing import PoLineInput
from core.services.receiving import Delivery, NothingToPost, ScanRefused, SupplierNotAuthorized
from core.services.stock import add_opening_stock
from core.vocab import AsnStatus, PoStatus
from core.vocab import ReceiveOutcome as Outcome
from tests.core.conftest import GTIN, on_hand
from tests.epcis_documents import Line, sscc, supplier_document, write_file

GS = "\x1d"
GOOD = date(2028, 6, 30)


def package_scan(serial: str, lot: str = "LOT42A", expiry: date = GOOD, gtin: str = GTIN):
    return f"01{gtin}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


def case_scan(number: int) -> str:
    return f"00{sscc(number)}"


@pytest.fixture
def po(warehouse, supplier):
    office = warehouse[Role.OFFICE]
    po_id = purchasing.create_po(office, supplier, [PoLineInput(GTIN, 12, "12.10")])
    purchasing.confirm_po(office, po_id)
    return PurchaseOrder.get_by_id(po_id)


@pytest.fixture
def clerk(warehouse):
    return warehouse[Role.WAREHOUSE]


def ship_notice(clerk, tmp_path, po=None, lines=None, **options) -> Delivery:
    options.setdefault("per_case", 4)
    doc = supplier_document(lines or [Line(GTIN, "LOT42A", GOOD, 12)],
                            po=po.number if po else None, **options)
    return Delivery(asn_id=import_epcis(clerk, write_file(tmp_path, doc)).asn_id)


def test_cases_scanned_go_to_the_bin_with_po_cost_and_dscsa_record(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po)
    for n in (1, 2, 3):
        result = receiving.record_scan(clerk, delivery, case_scan(n))
        assert result.ok and result.units == 4 and "4 received" in result.message
    posted = receiving.post_receipt(clerk, delivery)
    assert posted.number == f"RC-{posted.receipt_id:06d}"
    assert posted.received == [(GTIN, "Atorvastatin 20 mg tablets, 90 count", "LOT42A", 12,
                                "A-01")]
    assert (posted.exceptions, posted.warnings) == ([], [])
    assert (posted.asn_status, posted.po_status) == (AsnStatus.RECEIVED, PoStatus.RECEIVED)
    assert on_hand("A-01") == 12 and on_hand("RECEIVING") == 0
    line = ReceiptLine.get(ReceiptLine.receipt == posted.receipt_id)
    assert (line.quantity, line.unit_cost, line.cost_source) == (12, Decimal("12.10"), "po")
    txn = DscsaTransaction.get(DscsaTransaction.receipt == posted.receipt_id)
    assert (txn.direction, txn.seller_name, txn.statement_affirmed) == (
        "in", "Acme Pharma Inc.", True)
    assert txn.buyer_name.startswith("Garden State Rx") and "Springfield" in txn.seller_address
    ti = DscsaLine.get(DscsaLine.transaction == txn)
    assert (ti.quantity, ti.ndc, ti.lot.lot_number) == (12, "12345-678-90", "LOT42A")
    assert DscsaPackage.select().where(DscsaPackage.line == ti).count() == 12
    assert {c.sscc for c in Container.select()} == {sscc(1), sscc(2), sscc(3)}
    assert all(p.container_id for p in Package.select())
    assert ledger_discrepancies() == []


def test_every_exception_case_has_its_outcome_and_destination(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po)
    assert receiving.record_scan(clerk, delivery, case_scan(1)).ok
    wrong_lot = receiving.record_scan(clerk, delivery, package_scan("LOT40000004", "LOT99"))
    assert wrong_lot.outcome is Outcome.LOT_MISMATCH and "quarantined" in wrong_lot.message
    wrong_date = receiving.record_scan(clerk, delivery, package_scan(
        "LOT40000005", expiry=date(2028, 5, 31)))
    assert wrong_date.outcome is Outcome.EXPIRY_MISMATCH
    damaged = receiving.record_scan(clerk, delivery, package_scan("LOT40000006"), damaged=True,
                                    note="crushed, seal broken")
    assert damaged.outcome is Outcome.DAMAGED
    overage = receiving.record_scan(clerk, delivery, package_scan("EXTRA001"))
    assert overage.outcome is Outcome.OVERAGE and "not in the supplier's data" in overage.message
    with pytest.raises(ScanRefused, match="already scanned"):
        receiving.record_scan(clerk, delivery, package_scan("LOT40000001"))
    with pytest.raises(ScanRefused, match="already scanned"):
        receiving.record_scan(clerk, delivery, package_scan("EXTRA001"))
    with pytest.raises(ScanRefused, match="not in ship notice"):
        receiving.record_scan(clerk, delivery, case_scan(77))

    posted = receiving.post_receipt(clerk, delivery, final=True)
    outcomes = sorted((e.outcome.value, e.units) for e in posted.exceptions)
    assert outcomes == [("damaged", 1), ("expiry_mismatch", 1), ("lot_mismatch", 1),
                        ("overage", 1), ("shortage", 5)]
    assert on_hand("A-01") == 4
    assert on_hand("QUARANTINE", "quarantined") == 4
    assert (posted.asn_status, posted.still_expected) == (AsnStatus.CLOSED_SHORT, 0)
    assert posted.po_status is PoStatus.PARTIALLY_RECEIVED
    assert PurchaseOrder.get_by_id(po.id).lines[0].received_quantity == 8
    recorded = {e.outcome: e for e in ReceiptException.select()}
    assert recorded["lot_mismatch"].lot_number == "LOT99"
    assert recorded["damaged"].detail == "crushed, seal broken"
    assert recorded["shortage"].quantity == 5
    # The overage came without transaction information: it is not on the DSCSA record.
    txn = DscsaTransaction.get(DscsaTransaction.receipt == posted.receipt_id)
    assert sum(line.quantity for line in txn.lines) == 7
    assert ledger_discrepancies() == []


def test_expired_and_short_dated_lots_are_held(clerk, po, tmp_path):
    Product.update(min_shelf_life_days=180).where(Product.gtin == GTIN).execute()
    soon = date.today() + timedelta(days=60)
    delivery = ship_notice(clerk, tmp_path, po, lines=[
        Line(GTIN, "SOON1", soon, 4), Line(GTIN, "OLD1", date.today() - timedelta(days=1), 4),
        Line(GTIN, "GOOD1", GOOD, 4)])
    results = [receiving.record_scan(clerk, delivery, case_scan(n)) for n in (1, 2, 3)]
    assert [r.outcome for r in results] == [Outcome.SHORT_DATED, Outcome.EXPIRED,
                                            Outcome.RECEIVED]
    assert "180 days" in ReceivingScan.get(ReceivingScan.outcome == "short_dated").detail
    receiving.post_receipt(clerk, delivery)
    assert (on_hand("A-01"), on_hand("QUARANTINE", "quarantined")) == (4, 8)


def test_a_serial_already_in_our_stock_makes_both_suspect(clerk, warehouse, po, tmp_path):
    add_opening_stock(warehouse[Role.ADMIN], GTIN, "LOT42A", GOOD, "B-01",
                      serials=["LOT40000002"])
    delivery = ship_notice(clerk, tmp_path, po)
    result = receiving.record_scan(clerk, delivery, case_scan(1))
    # Three of the four go to the bin: the headline is "received", but the scan is not ok.
    assert result.outcome is Outcome.RECEIVED and result.has_exceptions and not result.ok
    assert "3 received; 1 serial already in stock" in result.message
    posted = receiving.post_receipt(clerk, delivery)
    assert [e.outcome for e in posted.exceptions][:1] == [Outcome.ALREADY_IN_STOCK]
    ours = Package.get(Package.serial == "LOT40000002")
    assert (ours.status, ours.location.code) == ("suspect", "QUARANTINE")
    assert Package.select().where(Package.serial == "LOT40000002").count() == 1
    # Putaway follows the bin that already held the product.
    assert (on_hand("B-01"), on_hand("QUARANTINE", "suspect")) == (3, 1)


def test_product_without_data_is_received_only_into_quarantine(clerk, po):
    delivery = Delivery(po_id=po.id)
    result = receiving.record_scan(clerk, delivery, package_scan("NODATA1"))
    assert result.outcome is Outcome.PRODUCT_WITHOUT_DATA
    assert "until the supplier's file arrives" in result.message
    with pytest.raises(ScanRefused, match="without the supplier's file"):
        receiving.record_scan(clerk, delivery, case_scan(1))
    posted = receiving.post_receipt(clerk, delivery)
    assert on_hand("QUARANTINE", "quarantined") == 1 and on_hand("A-01") == 0
    assert posted.po_status is PoStatus.PARTIALLY_RECEIVED
    assert not DscsaTransaction.select().exists()
    assert ReceiptLine.get().cost_source == "po"


def shortages_on_file(asn_id: int) -> list[tuple[str, str, int]]:
    return sorted((e.outcome, e.lot_number, e.quantity) for e in ReceiptException.select()
                  .join(Receipt).where((Receipt.asn == asn_id) & ReceiptException.outcome.in_(
                      [Outcome.SHORTAGE.value, Outcome.DATA_WITHOUT_PRODUCT.value])))


def test_partial_postings_record_the_shortage_once_when_the_notice_closes(clerk, po,
                                                                          tmp_path):
    """A notice of LOTA in three cases and LOTB in one: two cases come on two trucks, then
    the supplier says the rest will not come."""
    delivery = ship_notice(clerk, tmp_path, po, lines=[
        Line(GTIN, "LOTA", GOOD, 12), Line(GTIN, "LOTB", GOOD, 4)])
    for case, still in ((1, 12), (2, 8)):
        receiving.record_scan(clerk, delivery, case_scan(case))
        posted = receiving.post_receipt(clerk, delivery)
        assert (posted.exceptions, posted.asn_status, posted.still_expected) == (
            [], AsnStatus.PARTIALLY_RECEIVED, still)
    assert shortages_on_file(delivery.asn_id) == []
    assert [(s.lot_number, s.units, s.outcome) for s in shortfalls_if_closed(
        delivery.asn_id)] == [("LOTA", 4, Outcome.SHORTAGE),
                              ("LOTB", 4, Outcome.DATA_WITHOUT_PRODUCT)]

    closed = receiving.close_asn(clerk, delivery.asn_id, "supplier confirmed short shipment")
    assert [(s.outcome, s.lot_number, s.units) for s in closed.shortages] == [
        (Outcome.SHORTAGE, "LOTA", 4), (Outcome.DATA_WITHOUT_PRODUCT, "LOTB", 4)]
    assert shortages_on_file(delivery.asn_id) == [("data_without_product", "LOTB", 4),
                                                  ("shortage", "LOTA", 4)]
    record = Receipt.get(Receipt.number == closed.number)
    assert record.note == "Ship notice closed short: supplier confirmed short shipment"
    assert not ReceiptLine.select().where(ReceiptLine.receipt == record).exists()
    assert on_hand("A-01") == 8 and ledger_discrepancies() == []
    entry = AuditEntry.select().where(AuditEntry.action == "close_asn").get()
    assert closed.number in entry.summary and "8 not delivered" in entry.summary
    with pytest.raises(InvalidInput, match="closed short"):
        receiving.record_scan(clerk, delivery, case_scan(3))
    with pytest.raises(InvalidInput, match="closed short"):
        receiving.close_asn(clerk, delivery.asn_id, "again")
    assert shortages_on_file(delivery.asn_id) == [("data_without_product", "LOTB", 4),
                                                  ("shortage", "LOTA", 4)]


def test_a_final_posting_records_the_rest_and_closes_the_notice(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po, lines=[
        Line(GTIN, "LOTA", GOOD, 4), Line(GTIN, "LOTB", GOOD, 8)])
    receiving.record_scan(clerk, delivery, case_scan(1))
    assert receiving.post_receipt(clerk, delivery).still_expected == 8
    receiving.record_scan(clerk, delivery, case_scan(2))
    posted = receiving.post_receipt(clerk, delivery, final=True)
    assert [(e.outcome, e.lot_number, e.units) for e in posted.exceptions] == [
        (Outcome.SHORTAGE, "LOTB", 4)]
    assert (posted.asn_status, posted.still_expected) == (AsnStatus.CLOSED_SHORT, 0)
    assert shortages_on_file(delivery.asn_id) == [("shortage", "LOTB", 4)]
    entry = AuditEntry.select().where(AuditEntry.action == "post_receipt") \
        .order_by(AuditEntry.id.desc()).get()
    assert "closed short" in entry.summary
    with pytest.raises(InvalidInput, match="closed short"):
        receiving.close_asn(clerk, delivery.asn_id, "the rest will not come")


def test_data_without_product_when_none_of_a_lot_arrives(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po, lines=[
        Line(GTIN, "LOTA", GOOD, 4), Line(GTIN, "LOTB", GOOD, 4)])
    receiving.record_scan(clerk, delivery, case_scan(1))
    posted = receiving.post_receipt(clerk, delivery)
    assert (posted.exceptions, posted.still_expected) == ([], 4)
    closed = receiving.close_asn(clerk, delivery.asn_id, "supplier confirmed LOTB back-ordered")
    assert [(e.outcome, e.lot_number, e.units) for e in closed.shortages] == [
        (Outcome.DATA_WITHOUT_PRODUCT, "LOTB", 4)]
    with pytest.raises(InvalidInput, match="closed short"):
        receiving.record_scan(clerk, delivery, case_scan(2))


def test_a_po_delivery_cannot_be_final(clerk, po):
    receiving.record_scan(clerk, Delivery(po_id=po.id), package_scan("NODATA1"))
    with pytest.raises(InvalidInput, match="Close the purchase order"):
        receiving.post_receipt(clerk, Delivery(po_id=po.id), final=True)
    assert not Receipt.select().exists()


def test_without_a_po_the_standard_cost_is_used_with_a_warning(clerk, supplier, tmp_path):
    delivery = ship_notice(clerk, tmp_path, None)
    receiving.scan_everything_expected(clerk, delivery.asn_id)
    posted = receiving.post_receipt(clerk, delivery)
    assert posted.warnings == ["Atorvastatin 20 mg tablets, 90 count: costed at standard cost "
                               "12.25 (no purchase order); fix the cost before the supplier's "
                               "bill is entered."]
    assert ReceiptLine.get().cost_source == "standard"


def test_a_pallet_scan_receives_every_case_on_it(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po, pallet=True)
    result = receiving.record_scan(clerk, delivery, case_scan(90_001))
    assert result.units == 12
    receiving.post_receipt(clerk, delivery, putaway={GTIN: "b-01"})
    assert on_hand("B-01") == 12
    pallet = Container.get(Container.sscc == sscc(90_001))
    assert Container.select().where(Container.parent == pallet).count() == 3


def test_removing_a_case_scan_uncounts_its_packages(clerk, warehouse, po, tmp_path):
    add_opening_stock(warehouse[Role.ADMIN], GTIN, "LOT42A", GOOD, "B-01",
                      serials=["LOT40000001"])
    delivery = ship_notice(clerk, tmp_path, po)
    first = receiving.record_scan(clerk, delivery, case_scan(1))
    assert receiving.remove_scan(clerk, first.scan_id) == 4
    assert not ReceivingScan.select().exists()
    assert not ExpectedPackage.select().where(ExpectedPackage.scan.is_null(False)).exists()
    assert receiving.record_scan(clerk, delivery, case_scan(1)).units == 4


def test_removing_the_loose_packages_row_takes_back_every_package(clerk, po, tmp_path):
    expired = date.today() - timedelta(days=1)
    delivery = ship_notice(clerk, tmp_path, po, per_case=0, lines=[
        Line(GTIN, "LOT42A", GOOD, 4), Line(GTIN, "OLD1", expired, 2)])
    before = delivery_tally(delivery.asn_id)
    [loose] = receiving.scan_everything_expected(clerk, delivery.asn_id)
    assert (loose.units, loose.has_exceptions) == (6, True)
    assert ReceivingScan.select().count() == 3  # the row, and one per expired package
    assert receiving.remove_scan(clerk, loose.scan_id) == 6
    assert not ReceivingScan.select().exists()
    assert not ExpectedPackage.select().where(ExpectedPackage.scan.is_null(False)).exists()
    assert delivery_tally(delivery.asn_id) == before
    entry = AuditEntry.select().where(AuditEntry.action == "remove_scan").get()
    assert entry.summary == "6 loose packages: 6 no longer counted"
    assert len(receiving.scan_everything_expected(clerk, delivery.asn_id)) == 1


def test_removing_a_case_takes_back_only_what_that_scan_counted(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po)
    before = delivery_tally(delivery.asn_id)
    first = receiving.record_scan(clerk, delivery, case_scan(1), damaged=True,
                                  note="crushed case")
    held = {p.serial: p.scan for p in ExpectedPackage.select().where(
        ExpectedPackage.scan.is_null(False))}
    assert len(held) == 4 and all(row.serial == serial and row.outcome == "damaged"
                                  for serial, row in held.items())
    # One package turns out fine: its damaged row is removed and the case scanned again.
    assert receiving.remove_scan(clerk, held["LOT40000003"].id) == 1
    again = receiving.record_scan(clerk, delivery, case_scan(1))
    assert (again.units, again.ok) == (1, True)
    assert receiving.remove_scan(clerk, first.scan_id) == 3
    assert [(r.id, r.sscc) for r in ReceivingScan.select()] == [(again.scan_id, sscc(1))]
    assert [p.serial for p in ExpectedPackage.select().where(
        ExpectedPackage.scan == again.scan_id)] == ["LOT40000003"]
    assert receiving.remove_scan(clerk, again.scan_id) == 1
    assert delivery_tally(delivery.asn_id) == before and not ReceivingScan.select().exists()


def test_a_po_supplier_no_longer_authorized_is_refused_at_the_scan(clerk, po):
    Partner.update(active=False).where(Partner.id == po.supplier_id).execute()
    with pytest.raises(SupplierNotAuthorized) as refused:
        receiving.record_scan(clerk, Delivery(po_id=po.id), package_scan("NODATA1"))
    assert str(refused.value).startswith(
        f"Do not receive {po.number}: Acme Pharma Inc. is not an authorized trading partner "
        "(the partner is marked inactive).")
    assert isinstance(refused.value, ScanRefused)
    assert not ReceivingScan.select().exists()


def test_refusals_write_nothing(clerk, warehouse, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po)
    with pytest.raises(ScanError) as caught:
        receiving.record_scan(clerk, delivery, f"01{GTIN[:-1]}1" + "21X")
    assert caught.value.cause == "check_digit"
    with pytest.raises(PermissionDenied):
        receiving.record_scan(warehouse[Role.OFFICE], delivery, case_scan(1))
    with pytest.raises(InvalidInput, match="what is damaged"):
        receiving.record_scan(clerk, delivery, case_scan(1), damaged=True)
    with pytest.raises(NothingToPost):
        receiving.post_receipt(clerk, delivery)
    assert not ReceivingScan.select().exists() and not Receipt.select().exists()


def test_a_failed_posting_leaves_the_scans_open(clerk, po, tmp_path):
    delivery = ship_notice(clerk, tmp_path, po)
    receiving.record_scan(clerk, delivery, case_scan(1))
    with pytest.raises(InvalidInput, match="not an active bin"):
        receiving.post_receipt(clerk, delivery, putaway={GTIN: "NOPE"})
    assert not Receipt.select().exists() and not Package.select().exists()
    assert ReceivingScan.select().where(ReceivingScan.receipt.is_null()).count() == 1
    assert receiving.post_receipt(clerk, delivery).received[0][3] == 4


def test_handwritten_supplier_file_received_end_to_end(clerk, po):
    """A handwritten file (tests/epcis_fixtures) rather than a generated one: a case, a loose
    package and a product new to us; one of its packages did not arrive."""
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[1] / "epcis_fixtures" / \
        "delivery_to_garden_state.xml"
    imported = import_epcis(clerk, fixture)
    assert (imported.po_number, imported.packages, imported.cases, imported.new_products) == (
        po.number, 5, 1, ["12345-222-22"])
    delivery = Delivery(asn_id=imported.asn_id)
    assert receiving.record_scan(clerk, delivery, f"00{'003123450000000318'}").units == 2
    assert receiving.record_scan(clerk, delivery, package_scan(
        "AT0003", "LOT77", date(2028, 3, 31))).ok
    assert receiving.record_scan(clerk, delivery, package_scan(
        "LS0001", "NEW9", date(2027, 12, 31), gtin="00312345222222")).ok
    posted = receiving.post_receipt(clerk, delivery, final=True)
    assert sorted((r[2], r[3]) for r in posted.received) == [("LOT77", 3), ("NEW9", 1)]
    assert [(e.outcome, e.lot_number, e.units) for e in posted.exceptions] == [
        (Outcome.SHORTAGE, "NEW9", 1)]
    new = ReceiptLine.get(ReceiptLine.product == Product.get(Product.gtin == "00312345222222"))
    assert new.cost_source == "standard"  # not on the PO
    assert any("not on " + po.number in w for w in posted.warnings)
