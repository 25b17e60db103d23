"""Supplier bills as the office works them: the POs waiting for a bill and what each line
may still claim, the bills list (open, overdue, paid; found by invoice number, supplier
or PO), one bill beside its PO costs, AP aging; and the bill rules the form relies on."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput, NotFound
from core.models import Partner, SupplierBill
from core.permissions import Role
from core.queries.payables import (BillShow, ap_aging, bill_detail, billable_po, count_bills,
                                   list_bills, pos_to_bill)
from core.services import payables
from core.services.payables import BillLineInput
from tests.core.conftest import warehouse  # noqa: F401 (fixture)
from tests.core.test_trace import counting_queries
from tests.payables_data import SUPPLIER, received_po

TODAY = date.today()


def test_what_a_received_po_can_still_bill(warehouse, tmp_path):  # noqa: F811
    po = received_po(warehouse, tmp_path)
    (waiting,) = pos_to_bill()
    assert (waiting.number, waiting.supplier, waiting.units) == (po, SUPPLIER, 18)
    assert waiting.value == Decimal("169.20")  # 12 x 12.10 + 6 x 4.00
    billable = billable_po(po)
    assert billable.terms_days == 30
    assert [(b.po_line_no, b.ordered, b.received, b.billed, b.unbilled, b.unit_cost)
            for b in billable.lines] == [(1, 12, 12, 0, 12, Decimal("12.10")),
                                         (2, 10, 6, 0, 6, Decimal("4.00"))]
    assert billable.lines[0].ndc == "12345-678-90"

    payables.enter_bill(warehouse[Role.OFFICE], po, "A-1", [BillLineInput(1, 8, "12.10")])
    assert [b.unbilled for b in billable_po(po.lower()).lines] == [4, 6]
    assert pos_to_bill()[0].value == Decimal("72.40")  # 4 x 12.10 + 6 x 4.00
    payables.enter_bill(warehouse[Role.OFFICE], po, "A-2",
                        [BillLineInput(1, 4, "12.10"), BillLineInput(2, 6, "4.00")])
    assert pos_to_bill() == []
    with pytest.raises(NotFound):
        billable_po("PO-999999")


def _bills(actors, folder):
    """Three bills: overdue 15 days, current, and paid in full."""
    office = actors[Role.OFFICE]
    first, second, third = (received_po(actors, folder) for _ in range(3))
    late = payables.enter_bill(office, first, "INV-OLD", [BillLineInput(1, 12, "12.35")],
                               bill_date=TODAY - timedelta(days=45))
    current = payables.enter_bill(office, second, "INV-NEW", [BillLineInput(2, 6, "4.00")])
    paid = payables.enter_bill(office, third, "CREDIT-9", [BillLineInput(2, 2, "3.90")])
    payables.pay_bill(office, paid, "7.80", method="ach", reference="ACH 77")
    payables.pay_bill(office, late, "48.20", reference="CHK 5501")
    return (first, late), (second, current), (third, paid)


def test_bills_listed_by_state_and_found_by_number_supplier_or_po(warehouse, tmp_path):  # noqa: F811
    (first, late), (second, current), (third, paid) = _bills(warehouse, tmp_path)
    everything = list_bills()
    assert [b.id for b in everything] == [paid, current, late]  # newest first
    by_id = {b.id: b for b in everything}
    assert (by_id[late].total, by_id[late].balance) == (Decimal("148.20"), Decimal("100.00"))
    assert (by_id[late].po, by_id[late].supplier) == (first, SUPPLIER)
    assert by_id[late].due_date == TODAY - timedelta(days=15)
    assert by_id[late].days_overdue(TODAY) == 15
    assert [by_id[i].state(TODAY) for i in (late, current, paid)] == [
        BillShow.OVERDUE, BillShow.OPEN, BillShow.PAID]
    assert by_id[paid].days_overdue(TODAY + timedelta(days=90)) == 0  # paid: never overdue

    assert [b.id for b in list_bills(BillShow.OPEN)] == [current, late]
    assert [b.id for b in list_bills(BillShow.OVERDUE)] == [late]
    assert [b.id for b in list_bills(BillShow.PAID)] == [paid]
    assert count_bills(BillShow.OPEN) == 2 and count_bills() == 3
    # Judged on a later day, the current bill is overdue too (longest overdue first).
    later = TODAY + timedelta(days=40)
    assert [b.id for b in list_bills(BillShow.OVERDUE, on=later)] == [late, current]

    assert [b.id for b in list_bills(text="inv-")] == [current, late]
    assert [b.id for b in list_bills(text=second)] == [current]
    assert [b.id for b in list_bills(text="acme")] == [paid, current, late]
    assert count_bills(BillShow.OPEN, "credit") == 0
    assert [b.id for b in list_bills(offset=1, limit=1)] == [current]
    supplier = Partner.get(Partner.name == SUPPLIER).id
    assert count_bills(supplier_id=supplier) == 3 and count_bills(supplier_id=supplier + 99) == 0
    assert third in {b.po for b in list_bills(BillShow.PAID)}


def test_bill_detail_sets_each_line_beside_its_po_cost(warehouse, tmp_path):  # noqa: F811
    office = warehouse[Role.OFFICE]
    po = received_po(warehouse, tmp_path)
    bill = payables.enter_bill(office, po, "ACME-9001",
                               [BillLineInput(2, 6, "3.90"), BillLineInput(1, 10, "12.35")])
    payables.pay_bill(office, bill, "50.00", paid_on=TODAY, method="wire", reference="W-1")
    detail = bill_detail(bill)
    assert [(line.po_line_no, line.ndc, line.quantity, line.unit_cost, line.po_unit_cost,
             line.amount, line.variance) for line in detail.lines] == [
        (1, "12345-678-90", 10, Decimal("12.35"), Decimal("12.10"), Decimal("123.50"),
         Decimal("2.50")),
        (2, "12345-222-22", 6, Decimal("3.90"), Decimal("4.00"), Decimal("23.40"),
         Decimal("-0.60"))]
    assert detail.lines[1].product == "Lisinopril 10 mg tablets, 100 count"
    assert detail.bill.total == Decimal("146.90")
    assert detail.received_value == Decimal("145.00")  # 10 x 12.10 + 6 x 4.00
    assert detail.variance == Decimal("1.90")
    (payment,) = detail.payments
    assert (payment.amount, payment.method, payment.reference, payment.by) == (
        Decimal("50.00"), "Wire transfer", "W-1", "office")
    assert detail.paid == Decimal("50.00") and detail.bill.balance == Decimal("96.90")
    assert detail.created_by == "office" and detail.entry_id != payment.entry_id
    with pytest.raises(NotFound):
        bill_detail(bill + 1000)


def test_ap_aging_buckets_open_bills_per_supplier(warehouse, tmp_path):  # noqa: F811
    _bills(warehouse, tmp_path)
    (aging,) = ap_aging()
    assert (aging.supplier, aging.open_bills) == (SUPPLIER, 2)
    assert (aging.buckets["current"], aging.buckets["1-30"]) == (Decimal("24.00"),
                                                                  Decimal("100.00"))
    assert aging.balance == Decimal("124.00")
    assert aging.as_json()["1-30"] == "100.00"
    assert ap_aging(TODAY - timedelta(days=30))[0].buckets["current"] == Decimal("124.00")


def test_a_bill_follows_the_supplier_terms_and_names_each_line_once(warehouse, tmp_path):  # noqa: F811
    office = warehouse[Role.OFFICE]
    po = received_po(warehouse, tmp_path)
    Partner.update(payment_terms_days=45).where(Partner.name == SUPPLIER).execute()
    assert billable_po(po).terms_days == 45
    with pytest.raises(InvalidInput, match="Line 1 is named twice"):
        payables.enter_bill(office, po, "TWICE", [BillLineInput(1, 8, "12.10"),
                                                  BillLineInput(1, 4, "12.10")])
    assert SupplierBill.select().count() == 0
    bill = payables.enter_bill(office, po, "NET45", [BillLineInput(1, 12, "12.10")],
                               bill_date=TODAY)
    assert SupplierBill.get_by_id(bill).due_date == TODAY + timedelta(days=45)
    net10 = payables.enter_bill(office, po, "NET10", [BillLineInput(2, 1, "4.00")],
                                terms_days=10)
    assert SupplierBill.get_by_id(net10).due_date == TODAY + timedelta(days=10)


def test_query_counts_do_not_grow_with_bills_lines_or_payments(warehouse, tmp_path):  # noqa: F811
    (_, late), _, _ = _bills(warehouse, tmp_path)
    po = received_po(warehouse, tmp_path)
    with counting_queries() as listed:
        assert len(list_bills()) == 3
    with counting_queries() as aged:
        ap_aging()
    with counting_queries() as detailed:
        bill_detail(late)
    with counting_queries() as billable:
        billable_po(po)
    for n in range(3):
        payables.enter_bill(warehouse[Role.OFFICE], po, f"MORE-{n}",
                            [BillLineInput(1, 1, "12.10"), BillLineInput(2, 1, "4.00")])
    more = list_bills(text="MORE-")[0].id
    payables.pay_bill(warehouse[Role.OFFICE], more, "1.00")
    payables.pay_bill(warehouse[Role.OFFICE], more, "2.00")
    for call, before in ((list_bills, listed), (ap_aging, aged),
                         (lambda: bill_detail(more), detailed),
                         (lambda: billable_po(po), billable)):
        with counting_queries() as after:
            call()
        assert len(after) == len(before), call
    assert len(listed) == 1 and len(aged) == 1
