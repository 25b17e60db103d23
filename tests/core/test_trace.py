"""Package and lot trace: the DSCSA history we must hand over within one business day, read
back from the ledger, the receipts and the supplier's file, in a bounded number of queries."""

from contextlib import contextmanager
from datetime import date

import pytest
from biip.checksums import gs1_standard_check_digit

from core.db import database, write_transaction
from core.errors import InvalidInput, NotFound
from core.models import (DscsaLine, DscsaPackage, DscsaTransaction, ExpectedReceipt,
                         Location, Package, PartnerAddress, Product, SalesOrder, Shipment)
from core.models.base import utc_now
from core.permissions import Role
from core.queries.trace import trace_lot, trace_package
from core.services import ledger, purchasing, receiving
from core.services.epcis_import import import_epcis
from core.services.ledger import MoveLine
from core.services.partners import Address, add_evidence, add_partner
from core.services.purchasing import PoLineInput
from core.services.receiving import Delivery
from core.services.stock import quarantine_packages, release_packages, transfer_packages
from core.vocab import AddressKind, MoveReason, PackageStatus
from tests.core.conftest import GTIN
from tests.epcis_documents import SUPPLIER_GLN, Line, sscc, supplier_document, write_file

GS = "\x1d"
GOOD = date(2028, 6, 30)
ACME = f"Acme Pharma Inc. (GLN {SUPPLIER_GLN})"
US = "Garden State Rx Distributors, Inc. (DEMO) (GLN 0614141000012)"


def package_scan(serial: str, lot: str = "LOT42A", expiry: date = GOOD) -> str:
    return f"01{GTIN}17{expiry:%y%m%d}10{lot}{GS}21{serial}"


@pytest.fixture
def clerk(warehouse):
    return warehouse[Role.WAREHOUSE]


@pytest.fixture
def received(warehouse, clerk, tmp_path):
    """Ship notice ACME-2026-0001 for 8 packages of LOT42A in two cases; case 1 received
    whole, LOT40000004 scanned with label lot LOT99, the other three never came."""
    office = warehouse[Role.OFFICE]
    supplier = add_partner(office, "Acme Pharma Inc.", "supplier", "manufacturer",
                           gln=SUPPLIER_GLN)
    add_evidence(office, supplier, "fda_registration", "FEI-3001234567", expiry="2030-12-31")
    po_id = purchasing.create_po(office, supplier, [PoLineInput(GTIN, 8, "12.10")])
    purchasing.confirm_po(office, po_id)
    doc = supplier_document([Line(GTIN, "LOT42A", GOOD, 8)], per_case=4, po=f"PO-{po_id:06d}")
    delivery = Delivery(asn_id=import_epcis(clerk, write_file(tmp_path, doc)).asn_id)
    assert receiving.record_scan(clerk, delivery, f"00{sscc(1)}").ok
    receiving.record_scan(clerk, delivery, package_scan("LOT40000004", lot="LOT99"))
    return receiving.post_receipt(clerk, delivery)


def test_package_history_from_ship_notice_to_release_in_order(clerk, received):
    key = [(GTIN, "LOT40000000")]
    transfer_packages(clerk, key, "A-02")
    quarantine_packages(clerk, key, "label smudged")
    release_packages(clerk, key, "B-01", "label legible after inspection")

    trace = trace_package(GTIN, "LOT40000000")
    assert (trace.product, trace.ndc, trace.lot, trace.expiry) == (
        "Atorvastatin 20 mg tablets, 90 count", "12345-678-90", "LOT42A", GOOD)
    assert (trace.status, trace.location, trace.containers) == ("saleable", "B-01", (sscc(1),))
    assert [e.type for e in trace.events] == [
        "ship notice received", "received", "put away", "moved", "quarantined", "released"]
    notice, receipt, putaway, moved, quarantined, released = trace.events
    assert (notice.from_party, notice.to_party) == (ACME, US)
    assert notice.document.startswith("ACME-2026-0001 (supplier.xml, sha256 ")
    assert (receipt.from_party, receipt.to_party) == (ACME, US)
    assert (receipt.document, receipt.location) == (received.number, "SUPPLIER -> RECEIVING")
    assert "ship notice ACME-2026-0001" in receipt.detail
    assert "TI/TS received from Acme Pharma Inc." in receipt.detail
    assert (putaway.location, putaway.document) == ("RECEIVING -> A-01", received.number)
    assert (moved.from_party, moved.to_party, moved.location) == (US, US, "A-01 -> A-02")
    assert (quarantined.location, quarantined.detail) == ("A-02 -> QUARANTINE", "label smudged")
    assert (released.location, released.detail) == ("QUARANTINE -> B-01",
                                                     "label legible after inspection")
    assert released.user == clerk.username
    assert [e.at for e in trace.events] == sorted(e.at for e in trace.events)
    assert all(e.at.tzinfo is not None for e in trace.events)


def test_receipt_exception_outcome_is_in_the_detail(received):
    trace = trace_package(GTIN, "LOT40000004")
    assert (trace.lot, trace.status, trace.location) == ("LOT99", "quarantined", "QUARANTINE")
    assert [e.type for e in trace.events] == ["ship notice received", "received", "quarantined"]
    assert "lot mismatch: label lot LOT99, supplier data lot LOT42A" in trace.events[1].detail
    assert "lot LOT42A" in trace.events[0].detail  # what the supplier's data said


def test_lot_trace_totals_receipts_and_moves(clerk, received):
    transfer_packages(clerk, [(GTIN, "LOT40000000"), (GTIN, "LOT40000001")], "A-02")
    quarantine_packages(clerk, [(GTIN, "LOT40000002")], "dented box")

    lot = trace_lot(GTIN, "LOT42A")
    assert (lot.product, lot.lot, lot.expiry) == (
        "Atorvastatin 20 mg tablets, 90 count", "LOT42A", GOOD)
    totals = lot.totals
    assert (totals.expected, totals.received, totals.shipped, totals.written_off,
            totals.on_hand) == (8, 4, 0, 0, 4)
    assert {(b.location, b.status, b.quantity) for b in lot.on_hand} == {
        ("A-01", "saleable", 1), ("A-02", "saleable", 2), ("QUARANTINE", "quarantined", 1)}
    assert lot.status == "1 quarantined, 3 saleable"
    assert [(e.type, e.quantity) for e in lot.events] == [
        ("ship notice received", 8), ("received", 4), ("put away", 4), ("moved", 2),
        ("quarantined", 1)]
    receipt = lot.events[1]
    assert (receipt.from_party, receipt.document) == (ACME, received.number)
    assert "shortage" not in receipt.detail  # the rest is still expected
    # Closed short: the three that never came are on file, on the closing record.
    notice = ExpectedReceipt.get(ExpectedReceipt.document_id == "ACME-2026-0001")
    closed = receiving.close_asn(clerk, notice.id, "supplier confirmed short shipment")
    shortage = trace_lot(GTIN, "LOT42A").events[-1]
    assert (shortage.type, shortage.document, shortage.quantity) == (
        "receipt exception", closed.number, 3)
    assert "shortage x3" in shortage.detail

    mismatch = trace_lot(GTIN, "LOT99")
    assert (mismatch.totals.expected, mismatch.totals.received, mismatch.totals.on_hand) == (
        0, 1, 1)
    assert "lot mismatch" in mismatch.events[0].detail


def test_serial_on_an_open_ship_notice_traces_as_expected(clerk, received, tmp_path):
    doc = supplier_document([Line(GTIN, "LOT77", GOOD, 4, serial_prefix="NEXT")], per_case=4,
                            po=None, document_id="ACME-2026-0002", case_start=10)
    import_epcis(clerk, write_file(tmp_path, doc, "second.xml"))
    trace = trace_package(GTIN, "NEXT0000002")
    assert (trace.status, trace.location, trace.lot, trace.containers) == (
        "expected", "", "LOT77", (sscc(10),))
    assert [e.type for e in trace.events] == ["ship notice received"]
    assert "ACME-2026-0002 (second.xml" in trace.events[0].document
    assert "not yet received" in trace.events[0].detail
    lot = trace_lot(GTIN, "LOT77")
    assert (lot.totals.expected, lot.totals.received, lot.status) == (4, 0, "expected")
    # The three that never came on the first notice are still expected until it is
    # closed short; after that they trace as not received.
    missing = trace_package(GTIN, "LOT40000007")
    assert missing.status == "expected" and "partially received" in missing.events[0].detail
    first = ExpectedReceipt.get(ExpectedReceipt.document_id == "ACME-2026-0001")
    receiving.close_asn(clerk, first.id, "supplier confirmed short shipment")
    missing = trace_package(GTIN, "LOT40000007")
    assert missing.status == "not received" and "closed short" in missing.events[0].detail


def _ship(clerk, serial: str, document: str, partner_id: int, shipment=None) -> None:
    """A sale as shipping writes it: the move to the CUSTOMER location under the shipment's
    document and the outbound DSCSA transaction naming the buyer and the package."""
    package = Package.get(Package.serial == serial)
    customer = Location.get(Location.kind == "customer")
    with write_transaction():
        ledger.post(clerk, [MoveLine(package.product_id, package.lot_id, 1,
                                     package.location_id, PackageStatus.SALEABLE, customer.id,
                                     None, package.id, PackageStatus.SHIPPED)],
                    MoveReason.SHIPMENT, document)
    txn = DscsaTransaction.create(
        direction="out", partner=partner_id, shipment=shipment, transaction_date=date.today(),
        seller_name="Garden State Rx", seller_address="", buyer_name="Main Street Pharmacy",
        buyer_address="", statement_affirmed=True, created_at=utc_now())
    product = Product.get(Product.gtin == GTIN)
    line = DscsaLine.create(transaction=txn, product=product, lot=package.lot_id, quantity=1,
                            product_name=product.name, strength="", dosage_form="",
                            ndc="12345-678-90", container_size="")
    DscsaPackage.create(line=line, package=package)


def test_shipments_to_customers_fit_the_trace(warehouse, clerk, received):
    office = warehouse[Role.OFFICE]
    body = "061414100004"
    pharmacy_gln = body + str(gs1_standard_check_digit(body))
    pharmacy = add_partner(office, "Main Street Pharmacy", "customer", "dispenser",
                           gln=pharmacy_gln, addresses=[Address(
                               AddressKind.SHIP_TO, "5 Oak Ave", "Trenton", "NJ", "08608")])
    order = SalesOrder.create(number="SO-000031", customer=pharmacy,
                              ship_to=PartnerAddress.get(PartnerAddress.partner == pharmacy),
                              customer_po="MS-88", created_at=utc_now(), created_by="office")
    shipment = Shipment.create(number="SH-000007", order=order, created_at=utc_now(),
                               created_by="warehouse")
    _ship(clerk, "LOT40000003", f"shipment:{shipment.id}", pharmacy, shipment)
    pharmacy_name = f"Main Street Pharmacy (GLN {pharmacy_gln})"

    trace = trace_package(GTIN, "LOT40000003")
    shipped = trace.events[-1]
    assert (trace.status, trace.location) == ("shipped", "CUSTOMER")
    assert (shipped.type, shipped.from_party, shipped.to_party, shipped.location,
            shipped.document) == ("shipped", US, pharmacy_name, "A-01 -> CUSTOMER", "SH-000007")
    assert shipped.detail == ("SO-000031, customer PO MS-88; "
                              "TI/TS sent to Main Street Pharmacy")
    # A shipment whose document cannot be resolved still names the buyer, from the
    # outbound DSCSA transaction that lists the package.
    _ship(clerk, "LOT40000002", "shipment:999", pharmacy)
    assert trace_package(GTIN, "LOT40000002").events[-1].to_party == pharmacy_name
    lot = trace_lot(GTIN, "LOT42A")
    assert (lot.totals.shipped, lot.totals.on_hand) == (2, 2)
    assert [(e.type, e.document, e.to_party, e.quantity) for e in lot.events[-2:]] == [
        ("shipped", "SH-000007", pharmacy_name, 1), ("shipped", "shipment:999",
                                                     pharmacy_name, 1)]


def test_unknown_serial_lot_or_product_is_not_found(received):
    with pytest.raises(NotFound, match="GTIN 00312345678906 serial NOPE.*ship notice"):
        trace_package(GTIN, "NOPE")
    with pytest.raises(NotFound, match="LOT00 of GTIN 00312345678906"):
        trace_lot(GTIN, "LOT00")
    with pytest.raises(NotFound, match="product with GTIN '00312345999995'"):
        trace_package("00312345999995", "LOT40000000")


def test_malformed_gtin_or_missing_serial_is_invalid_input(received):
    with pytest.raises(InvalidInput, match="check digit 7; it should be 6"):
        trace_package("00312345678907", "LOT40000000")
    with pytest.raises(InvalidInput, match="check digit"):
        trace_lot("00312345678907", "LOT42A")
    with pytest.raises(InvalidInput, match="serial"):
        trace_package(GTIN, "  ")


@contextmanager
def counting_queries():
    """Counts the SQL statements the database runs inside the block."""
    real = database.obj
    original = real.execute_sql
    seen: list[str] = []

    def counted(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    real.execute_sql = counted
    try:
        yield seen
    finally:
        del real.execute_sql


def test_trace_query_count_does_not_grow_with_the_history(clerk, received):
    key = [(GTIN, "LOT40000000")]
    with counting_queries() as short_package:
        short = trace_package(GTIN, "LOT40000000")
    with counting_queries() as short_lot:
        trace_lot(GTIN, "LOT42A")
    for n in range(6):
        transfer_packages(clerk, key, "A-02" if n % 2 == 0 else "A-01")
        quarantine_packages(clerk, [(GTIN, "LOT40000001")], f"check {n}")
        release_packages(clerk, [(GTIN, "LOT40000001")], "A-01", f"cleared {n}")
    with counting_queries() as long_package:
        long = trace_package(GTIN, "LOT40000000")
    with counting_queries() as long_lot:
        lot = trace_lot(GTIN, "LOT42A")
    assert len(long.events) == len(short.events) + 6 and len(lot.events) > 12
    assert len(long_package) == len(short_package) <= 8, long_package
    print(f"queries per trace: package {len(long_package)}, lot {len(long_lot)}")
    assert len(long_lot) == len(short_lot) <= 8, long_lot
