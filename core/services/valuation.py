"""The value side of every stock move: cost layers and the matching journal entry.

`ledger.post` calls `book` in the same transaction as the moves, so the Inventory
account can never drift from the stock: units entering our books (a receipt, opening
stock, a count gain, a customer return) add a cost layer to their lot at the unit cost
given (the PO cost on a receipt) or the product's standard cost; units leaving them (a
shipment, a write-off, destruction) consume the lot's layers oldest first (FIFO) and
credit Inventory with exactly what those layers held. Moves inside the warehouse (put
away, transfer, quarantine) change no value. Valuation is therefore
sum(remaining x unit cost) over the layers, and equals the Inventory balance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from core.db import bulk_insert
from core.models import CostLayer, Product
from core.models.base import utc_now
from core.permissions import Actor
from core.services.accounting import Posting, post_entry
from core.vocab import AccountRole, LocationKind, MoveReason

ZERO = Decimal("0.00")

# What the other side of the entry is, by why the units came in or went out.
_INBOUND = {
    MoveReason.RECEIPT: AccountRole.GRNI,
    MoveReason.OPENING_BALANCE: AccountRole.OPENING_EQUITY,
    MoveReason.RETURN: AccountRole.COGS,
}
_OUTBOUND = {
    MoveReason.SHIPMENT: AccountRole.COGS,
    MoveReason.RETURN: AccountRole.GRNI,  # back to the supplier
}
_MEMO = {AccountRole.GRNI: "received, not yet invoiced", AccountRole.COGS: "cost of goods",
         AccountRole.WRITE_OFFS: "inventory adjustment",
         AccountRole.OPENING_EQUITY: "opening stock"}


def book(actor: Actor, lines: Sequence, kinds: Mapping[int, LocationKind],
         reason: MoveReason, document: str,
         unit_costs: Mapping[int, Decimal] | None = None) -> int | None:
    """Layers and one journal entry for the units `lines` (ledger MoveLines) bring into
    or take out of our walls; returns the entry id, or None when no value changed."""
    inbound: dict[tuple[int, int], int] = defaultdict(int)
    outbound: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        came_in = kinds[line.to_location_id].internal
        was_in = kinds[line.from_location_id].internal
        if came_in and not was_in:
            inbound[(line.product_id, line.lot_id)] += line.quantity
        elif was_in and not came_in:
            outbound[(line.product_id, line.lot_id)] += line.quantity
    if not inbound and not outbound:
        return None
    standard = dict(Product.select(Product.id, Product.standard_cost).where(
        Product.id.in_(list({p for p, _ in inbound} | {p for p, _ in outbound}))).tuples())
    value_in = _add_layers(inbound, unit_costs or {}, standard, document)
    value_out, topped_up = _consume(outbound, standard, document)
    postings = []
    if value_in:
        other = _INBOUND.get(reason, AccountRole.WRITE_OFFS)
        postings += [Posting(AccountRole.INVENTORY, debit=value_in, memo=_MEMO[other]),
                     Posting(other, credit=value_in, memo=_MEMO[other])]
    if topped_up:  # units leaving that never had a layer: booked in at standard first
        postings += [Posting(AccountRole.INVENTORY, debit=topped_up, memo="opening stock"),
                     Posting(AccountRole.OPENING_EQUITY, credit=topped_up,
                             memo="opening stock")]
    if value_out:
        other = _OUTBOUND.get(reason, AccountRole.WRITE_OFFS)
        postings += [Posting(other, debit=value_out, memo=_MEMO[other]),
                     Posting(AccountRole.INVENTORY, credit=value_out, memo=_MEMO[other])]
    if not postings:
        return None  # zero-cost units: layers kept, nothing to post
    return post_entry(actor, postings, document or reason.value,
                      f"{reason.label}: stock value")


def _add_layers(inbound: dict[tuple[int, int], int], unit_costs: Mapping[int, Decimal],
                standard: dict[int, Decimal], document: str) -> Decimal:
    now, total, rows = utc_now(), ZERO, []
    for (product_id, lot_id), quantity in inbound.items():
        cost = unit_costs.get(lot_id, standard[product_id])
        rows.append((product_id, lot_id, document or "stock", now, quantity, quantity, cost))
        total += cost * quantity
    bulk_insert([CostLayer.product, CostLayer.lot, CostLayer.source, CostLayer.created_at,
                 CostLayer.quantity, CostLayer.remaining, CostLayer.unit_cost], rows)
    return total


def _consume(outbound: dict[tuple[int, int], int], standard: dict[int, Decimal],
             document: str) -> tuple[Decimal, Decimal]:
    """FIFO through each lot's layers; (value taken out, value first booked in for units
    that had no layer, e.g. stock that predates a bulk load)."""
    if not outbound:
        return ZERO, ZERO
    layers: dict[int, list[CostLayer]] = defaultdict(list)
    for layer in (CostLayer.select().where(CostLayer.lot.in_(list({lot for _, lot in outbound}))
                                           & (CostLayer.remaining > 0))
                  .order_by(CostLayer.id)):
        layers[layer.lot_id].append(layer)
    taken, topped_up = ZERO, ZERO
    for (product_id, lot_id), quantity in outbound.items():
        for layer in layers[lot_id]:
            use = min(layer.remaining, quantity)
            if use:
                CostLayer.update(remaining=CostLayer.remaining - use).where(
                    CostLayer.id == layer.id).execute()
                taken += layer.unit_cost * use
                quantity -= use
            if not quantity:
                break
        if quantity:
            cost = standard[product_id]
            CostLayer.create(product=product_id, lot=lot_id, source=document or "stock",
                             created_at=utc_now(), quantity=quantity, remaining=0,
                             unit_cost=cost)
            topped_up += cost * quantity
            taken += cost * quantity
    return taken, topped_up
