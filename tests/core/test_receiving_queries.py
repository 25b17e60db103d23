"""What the receiving screen reads: ship notices waiting, the live tally (expected against
scanned per product and lot), open scans newest first, putaway bins and the shortfalls a
posting would record — each agreeing with what the services then do."""

from datetime import date

from core.models import Product
from core.permissions import Role
from core.queries import receiving as q
from core.services import receiving
from core.services.epcis_import import import_epcis
from core.services.receiving import Delivery
from core.services.stock import add_opening_stock
from core.vocab import AsnStatus
from core.vocab import ReceiveOutcome as Outcome
from tests.core.conftest import GTIN
from tests.core.test_receiving import (  # noqa: F401 (fixtures)
    GOOD, case_scan, clerk, package_scan, po, ship_notice,
)
from tests.epcis_documents import Line, supplier_document, write_file


def tally_of(delivery: Delivery) -> dict[str, tuple]:
    return {row.lot_number: (row.expected, row.earlier, row.ok, row.exceptions,
                             row.still_expected)
            for row in q.delivery_tally(delivery.asn_id, delivery.po_id)}


def test_open_ship_notices_page_and_search(clerk, po, tmp_path):  # noqa: F811
    first = ship_notice(clerk, tmp_path, po)
    other = supplier_document([Line(GTIN, "LOT77B", GOOD, 6)], per_case=0, po=None,
                              document_id="ACME-2026-0002")
    second = import_epcis(clerk, write_file(tmp_path, other, "second.xml")).asn_id
    assert q.count_open_ship_notices() == 2
    rows = q.open_ship_notices()
    assert [r.id for r in rows] == [first.asn_id, second]
    head = rows[0]
    assert (head.supplier, head.po_number, head.status, head.expected, head.scanned,
            head.open_scans) == ("Acme Pharma Inc.", po.number, AsnStatus.EXPECTED, 12, 0, 0)
    assert head.title == f"Acme Pharma Inc. · {po.number}"
    assert rows[1].po_number == "" and rows[1].expected == 6
    assert [r.id for r in q.open_ship_notices(text=po.number.lower())] == [first.asn_id]
    assert [r.id for r in q.open_ship_notices(text="0002")] == [second]
    assert [r.id for r in q.open_ship_notices(offset=1, limit=1)] == [second]
    assert q.count_open_ship_notices("no such supplier") == 0
    assert [p.number for p in q.open_pos_to_receive()] == [po.number]

    receiving.scan_everything_expected(clerk, second)
    receiving.post_receipt(clerk, Delivery(asn_id=second))
    assert [r.id for r in q.open_ship_notices()] == [first.asn_id]
    assert q.ship_notice(second).status is AsnStatus.RECEIVED


def test_tally_scans_shortfalls_and_putaway_agree_with_the_posting(clerk, po, tmp_path):  # noqa: F811
    delivery = ship_notice(clerk, tmp_path, po)
    assert tally_of(delivery) == {"LOT42A": (12, 0, 0, (), 12)}

    case = receiving.record_scan(clerk, delivery, case_scan(1))
    before = q.delivery_tally(delivery.asn_id)[0]
    # The screen updates its tally from the scan result; it must match a reload.
    assert [before] == [q.TallyRow(before.product_id, GTIN, before.product, "LOT42A",
                                   GOOD, 12, 0, 0).with_counted(c.outcome, c.units)
                        for c in case.counted]
    receiving.record_scan(clerk, delivery, package_scan("LOT40000004", "LOT99"))
    receiving.record_scan(clerk, delivery, package_scan("EXTRA001"))
    # The wrong-lot package stands for an expected one; the overage does not.
    assert tally_of(delivery) == {"LOT42A": (
        12, 0, 4, ((Outcome.OVERAGE, 1), (Outcome.LOT_MISMATCH, 1)), 7)}

    scans = q.open_scans(delivery.asn_id)
    assert q.count_open_scans(delivery.asn_id) == 3
    assert [(s.outcome, s.units, s.is_case) for s in scans] == [
        (Outcome.OVERAGE, 1, False), (Outcome.LOT_MISMATCH, 1, False),
        (Outcome.RECEIVED, 4, True)]
    assert scans[1].lot_number == "LOT99" and "supplier data lot LOT42A" in scans[1].detail
    assert scans[2].what.startswith("Case ") and scans[0].what.endswith("serial EXTRA001")

    shortfalls = q.shortfalls_if_closed(delivery.asn_id)
    assert [(s.lot_number, s.units, s.outcome) for s in shortfalls] == [
        ("LOT42A", 7, Outcome.SHORTAGE)]
    putaway = q.putaway_suggestions(delivery.asn_id)
    assert [(p.gtin, p.units, p.bin_code) for p in putaway] == [(GTIN, 4, "A-01")]

    posted = receiving.post_receipt(clerk, delivery)
    # Not final: the seven are still expected, not short.
    assert [e.outcome for e in posted.exceptions if e.outcome is Outcome.SHORTAGE] == []
    assert posted.still_expected == 7 and posted.received[0][3:] == (4, "A-01")
    assert tally_of(delivery) == {"LOT42A": (12, 5, 0, (), 7)}
    assert q.open_scans(delivery.asn_id) == [] and q.putaway_suggestions(delivery.asn_id) == []
    notice = q.ship_notice(delivery.asn_id)
    assert (notice.status, notice.scanned, notice.open_scans) == (
        AsnStatus.PARTIALLY_RECEIVED, 5, 0)
    # Closing the notice records what the query said, once.
    closed = receiving.close_asn(clerk, delivery.asn_id, "rest not coming")
    assert [(s.lot_number, s.units, s.outcome) for s in closed.shortages] == [
        (s.lot_number, s.units, s.outcome) for s in shortfalls]


def test_a_po_without_a_file_is_tallied_per_product(clerk, po):  # noqa: F811
    delivery = Delivery(po_id=po.id)
    receiving.record_scan(clerk, delivery, package_scan("NODATA1"))
    receiving.record_scan(clerk, delivery, package_scan("NODATA2", "LOT2"))
    assert tally_of(delivery) == {"": (12, 0, 0, ((Outcome.PRODUCT_WITHOUT_DATA, 2),), 10)}
    assert [s.serial for s in q.open_scans(po_id=po.id)] == ["NODATA2", "NODATA1"]
    assert q.putaway_suggestions(po_id=po.id) == []  # everything goes to quarantine
    receiving.post_receipt(clerk, delivery)
    assert tally_of(delivery) == {"": (12, 2, 0, (), 10)}


def test_putaway_follows_the_bin_holding_the_product(warehouse, clerk, po, tmp_path):  # noqa: F811
    add_opening_stock(warehouse[Role.ADMIN], GTIN, "OLD1", date(2029, 1, 31), "B-01",
                      serials=["OLD0001"])
    delivery = ship_notice(clerk, tmp_path, po)
    receiving.record_scan(clerk, delivery, case_scan(2))
    [row] = q.putaway_suggestions(delivery.asn_id)
    assert (row.bin_code, row.because, row.units) == ("B-01", "already holds this product", 4)
    assert receiving.suggest_bin(Product.get(Product.gtin == GTIN)).code == row.bin_code
