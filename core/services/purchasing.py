"""Purchase orders: draft -> confirmed (only to an authorized supplier) -> partially
received -> received -> closed, or cancelled before anything arrives."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.db import is_postgres, write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.licenses import parse_date
from core.models import Partner, Product, PurchaseOrder, PurchaseOrderLine
from core.models.base import utc_now
from core.money import parse_money
from core.permissions import Actor, Permission
from core.queries.atp import require_authorized
from core.services import audit
from core.services.access import authorize
from core.vocab import PO_TRANSITIONS, PoStatus, Schedule


class InvalidTransition(RxDeskError):
    title = "Not possible now"


@dataclass(frozen=True)
class PoLineInput:
    gtin: str
    quantity: int
    unit_cost: str | Decimal


def _lines(lines: Sequence[PoLineInput]) -> list[tuple[Product, int, Decimal]]:
    if not lines:
        raise InvalidInput("lines", "A purchase order needs at least one line.")
    out = []
    for number, line in enumerate(lines, start=1):
        product = Product.get_or_none(Product.gtin == line.gtin)
        if product is None:
            raise InvalidInput("lines", f"Line {number}: no product has GTIN {line.gtin}.")
        if not isinstance(line.quantity, int) or line.quantity <= 0:
            raise InvalidInput("lines", f"Line {number}: the quantity must be a whole number "
                               "above zero.")
        out.append((product, line.quantity, parse_money(line.unit_cost, "unit_cost")))
    return out


def create_po(actor: Actor, supplier_id: int, lines: Sequence[PoLineInput],
              expected_on: str | date | None = None, note: str = "") -> int:
    """A draft purchase order; its number is PO-nnnnnn."""
    expected = parse_date(expected_on, "expected_on")
    with write_transaction():
        authorize(actor, Permission.PURCHASE)
        supplier = Partner.get_or_none(Partner.id == supplier_id)
        if supplier is None:
            raise NotFound("trading partner", supplier_id)
        if not supplier.is_supplier:
            raise InvalidInput("supplier", f"{supplier.name} is not set up as a supplier.")
        checked = _lines(lines)
        po = PurchaseOrder.create(number=f"tmp-{uuid.uuid4().hex[:12]}", supplier=supplier,
                                  expected_on=expected, note=(note or "")[:500],
                                  created_at=utc_now(), created_by=actor.username)
        po.number = f"PO-{po.id:06d}"
        PurchaseOrder.update(number=po.number).where(PurchaseOrder.id == po.id).execute()
        PurchaseOrderLine.insert_many([
            {"order": po.id, "line_no": n, "product": product.id, "quantity": qty,
             "unit_cost": cost} for n, (product, qty, cost) in enumerate(checked, start=1)
        ]).execute()
        audit.record(actor, "create_po", "purchase_order", po.id,
                     f"{po.number} to {supplier.name}: {len(checked)} line(s)")
        return po.id


def _locked(po_id: int) -> PurchaseOrder:
    query = PurchaseOrder.select().where(PurchaseOrder.id == po_id)
    po = (query.for_update() if is_postgres() else query).first()
    if po is None:
        raise NotFound("purchase order", po_id)
    return po


def _move(po: PurchaseOrder, to: PoStatus) -> None:
    now = PoStatus(po.status)
    if (now, to) not in PO_TRANSITIONS:
        raise InvalidTransition(f"{po.number} is {now.label.lower()}; it cannot become "
                                f"{to.label.lower()}.")
    PurchaseOrder.update(status=to.value).where(PurchaseOrder.id == po.id).execute()


def confirm_po(actor: Actor, po_id: int) -> None:
    """Send-ready: only to an authorized trading partner (licenses checked today,
    DEA schedules from the products ordered)."""
    with write_transaction():
        authorize(actor, Permission.PURCHASE)
        po = _locked(po_id)
        schedules = {Schedule(s) for (s,) in Product.select(Product.schedule)
                     .join(PurchaseOrderLine).where(PurchaseOrderLine.order == po).tuples()}
        require_authorized(po.supplier_id, schedules=schedules)
        _move(po, PoStatus.CONFIRMED)
        PurchaseOrder.update(confirmed_at=utc_now(), confirmed_by=actor.username).where(
            PurchaseOrder.id == po.id).execute()
        audit.record(actor, "confirm_po", "purchase_order", po.id, po.number)


def cancel_po(actor: Actor, po_id: int, reason: str) -> None:
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the order is cancelled.")
    with write_transaction():
        authorize(actor, Permission.PURCHASE)
        po = _locked(po_id)
        _move(po, PoStatus.CANCELLED)
        audit.record(actor, "cancel_po", "purchase_order", po.id, f"{po.number}: {reason.strip()}")


def close_po(actor: Actor, po_id: int, reason: str = "") -> None:
    """Stop expecting the rest of a partly received order (short-close)."""
    with write_transaction():
        authorize(actor, Permission.PURCHASE)
        po = _locked(po_id)
        _move(po, PoStatus.CLOSED)
        audit.record(actor, "close_po", "purchase_order", po.id,
                     f"{po.number}: {(reason or 'closed').strip()}")


def record_received(po: PurchaseOrder, quantities: dict[int, int]) -> None:
    """Add received units per product to the PO lines and advance its status; called
    inside the receipt's transaction (the receipt is the record)."""
    lines = list(PurchaseOrderLine.select().where(PurchaseOrderLine.order == po)
                 .order_by(PurchaseOrderLine.line_no))
    remaining = dict(quantities)
    last_line = {line.product_id: line.id for line in lines}
    for line in lines:
        extra = remaining.get(line.product_id, 0)
        if not extra:
            continue
        room = max(line.quantity - line.received_quantity, 0)
        # Fill lines in order; any overage lands on the product's last line.
        take = extra if last_line[line.product_id] == line.id else min(extra, room)
        if take:
            PurchaseOrderLine.update(received_quantity=PurchaseOrderLine.received_quantity + take
                                     ).where(PurchaseOrderLine.id == line.id).execute()
            line.received_quantity += take
            remaining[line.product_id] -= take
    complete = all(line.received_quantity >= line.quantity for line in lines)
    target = PoStatus.RECEIVED if complete else PoStatus.PARTIALLY_RECEIVED
    if PoStatus(po.status) != target:
        _move(po, target)
