"""Receipts booked at PO cost (Inventory / GRNI), supplier bills matched to what was
received (GRNI / AP, price variance), bills paid (AP / Cash), AP aging."""

from datetime import date
from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.models import PurchaseOrder
from core.permissions import Role
from core.queries.accounting import inventory_valuation, role_balance, trial_balance
from core.queries.payables import ap_aging
from core.services import payables, purchasing, receiving
from core.services.epcis_import import import_epcis
from core.services.payables import BillLineInput
from core.services.purchasing import PoLineInput
from core.services.receiving import Delivery
from core.vocab import AccountRole
from tests.core.conftest import GTIN
from tests.epcis_documents import Line, supplier_document, write_file

GOOD = date(2028, 6, 30)


@pytest.fixture
def received(warehouse, supplier, tmp_path):
    """PO-... for 12 at 12.10, all 12 received with the supplier's file."""
    office, clerk = warehouse[Role.OFFICE], warehouse[Role.WAREHOUSE]
    po_id = purchasing.create_po(office, supplier, [PoLineInput(GTIN, 12, "12.10")])
    purchasing.confirm_po(office, po_id)
    po = PurchaseOrder.get_by_id(po_id)
    doc = supplier_document([Line(GTIN, "LOT42A", GOOD, 12)], po=po.number, per_case=4)
    delivery = Delivery(asn_id=import_epcis(clerk, write_file(tmp_path, doc)).asn_id)
    receiving.scan_everything_expected(clerk, delivery.asn_id)
    receiving.post_receipt(clerk, delivery)
    return po


def test_a_receipt_is_booked_at_po_cost(warehouse, received):
    assert role_balance(AccountRole.INVENTORY) == Decimal("145.20")  # 12 x 12.10
    assert role_balance(AccountRole.GRNI) == Decimal("145.20")
    assert inventory_valuation().total == Decimal("145.20")


def test_bill_clears_grni_at_receipt_cost_and_books_the_variance(warehouse, received):
    office = warehouse[Role.OFFICE]
    bill = payables.enter_bill(office, received.number, "ACME-INV-9001",
                               [BillLineInput(1, 12, "12.35")])
    assert role_balance(AccountRole.GRNI) == 0
    assert role_balance(AccountRole.PAYABLES) == Decimal("148.20")
    assert role_balance(AccountRole.PRICE_VARIANCE) == Decimal("3.00")
    assert trial_balance().balanced
    (aging,) = ap_aging()
    assert (aging.supplier, aging.buckets["current"]) == ("Acme Pharma Inc.", Decimal("148.20"))
    payables.pay_bill(office, bill, "100.00", reference="CHK 5501")
    assert payables.bill_balance(bill) == Decimal("48.20")
    assert role_balance(AccountRole.CASH) == Decimal("-100.00")
    with pytest.raises(InvalidInput, match="48.20 left to pay"):
        payables.pay_bill(office, bill, "50.00")
    assert trial_balance().balanced


def test_bills_are_matched_to_what_was_received(warehouse, received):
    office = warehouse[Role.OFFICE]
    with pytest.raises(InvalidInput, match="only 12 received and not yet billed"):
        payables.enter_bill(office, received.number, "X-1", [BillLineInput(1, 13, "12.10")])
    payables.enter_bill(office, received.number, "X-2", [BillLineInput(1, 8, "12.10")])
    with pytest.raises(InvalidInput, match="only 4 received and not yet billed"):
        payables.enter_bill(office, received.number, "X-3", [BillLineInput(1, 5, "12.10")])
    with pytest.raises(InvalidInput, match="already entered"):
        payables.enter_bill(office, received.number, "X-2", [BillLineInput(1, 1, "12.10")])
    with pytest.raises(InvalidInput, match="no line 7"):
        payables.enter_bill(office, received.number, "X-4", [BillLineInput(7, 1, "1.00")])
    with pytest.raises(PermissionDenied):
        payables.enter_bill(warehouse[Role.WAREHOUSE], received.number, "X-5",
                            [BillLineInput(1, 1, "12.10")])
    assert role_balance(AccountRole.GRNI) == Decimal("48.40")  # 4 still unbilled
