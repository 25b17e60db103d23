"""Purchase orders: the state machine and the authorized-supplier check at confirm."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.models import PurchaseOrder
from core.permissions import Role
from core.queries.atp import PartnerNotAuthorized
from core.queries.purchasing import list_pos, po_by_number, po_detail
from core.services import purchasing
from core.services.partners import add_evidence, add_partner
from core.services.purchasing import InvalidTransition, PoLineInput
from core.vocab import PoStatus
from tests.core.conftest import BULK_GTIN, GTIN


@pytest.fixture
def supplier(warehouse):
    office = warehouse[Role.OFFICE]
    pid = add_partner(office, "Pharmaco Labs Inc.", "supplier", "manufacturer",
                      gln="0614141000036")
    add_evidence(office, pid, "fda_registration", "FEI-3001234567", expiry="2030-12-31")
    return pid


def _po(actor, supplier, *lines):
    return purchasing.create_po(actor, supplier, [PoLineInput(*line) for line in lines],
                                expected_on="2026-12-05")


def test_draft_then_confirm_then_receive_in_parts(warehouse, supplier):
    office = warehouse[Role.OFFICE]
    po_id = _po(office, supplier, (GTIN, 10, "12.25"), (BULK_GTIN, 100, "0.85"))
    detail = po_detail(po_id)
    assert detail.order.number == f"PO-{po_id:06d}"
    assert (detail.order.status, detail.total) == (PoStatus.DRAFT, Decimal("207.50"))
    purchasing.confirm_po(office, po_id)
    po = PurchaseOrder.get_by_id(po_id)
    from core.models import Product

    gtin_ids = {p.gtin: p.id for p in Product.select()}
    purchasing.record_received(po, {gtin_ids[GTIN]: 4})
    assert po_detail(po_id).order.status is PoStatus.PARTIALLY_RECEIVED
    purchasing.record_received(PurchaseOrder.get_by_id(po_id),
                               {gtin_ids[GTIN]: 6, gtin_ids[BULK_GTIN]: 100})
    detail = po_detail(po_id)
    assert detail.order.status is PoStatus.RECEIVED
    assert [(line.received_quantity, line.open_quantity) for line in detail.lines] == [
        (10, 0), (100, 0)]
    assert po_by_number(f"po-{po_id:06d}").id == po_id
    assert [p.id for p in list_pos(PoStatus.RECEIVED)] == [po_id]


def test_confirm_refused_for_an_unauthorized_supplier(warehouse):
    office = warehouse[Role.OFFICE]
    pid = add_partner(office, "Gray Market LLC", "supplier", "wholesaler", gln="0614141000043")
    add_evidence(office, pid, "state_license", "TX-1", state="TX", expiry="2026-10-31")
    po_id = _po(office, pid, (GTIN, 5, "10"))
    with pytest.raises(PartnerNotAuthorized) as exc:
        purchasing.confirm_po(office, po_id)
    assert "TX license TX-1 expired 2026-10-31" in str(exc.value)
    assert po_detail(po_id).order.status is PoStatus.DRAFT


def test_state_machine_and_input_refusals(warehouse, supplier):
    office = warehouse[Role.OFFICE]
    with pytest.raises(InvalidInput, match="no product has GTIN"):
        _po(office, supplier, ("00312345000009", 1, "1"))
    with pytest.raises(InvalidInput, match="fractions of a cent"):
        _po(office, supplier, (GTIN, 1, "1.005"))
    with pytest.raises(PermissionDenied):
        _po(warehouse[Role.WAREHOUSE], supplier, (GTIN, 1, "1"))
    po_id = _po(office, supplier, (GTIN, 1, "1"))
    with pytest.raises(InvalidTransition, match="is draft; it cannot become closed"):
        purchasing.close_po(office, po_id)
    purchasing.cancel_po(office, po_id, "supplier out of stock")
    with pytest.raises(InvalidTransition):
        purchasing.confirm_po(office, po_id)
    assert PurchaseOrder.select().count() == 1
