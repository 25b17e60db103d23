"""Customer returns: take back packages we sold, verified against our own records, and
refund them, in one transaction.

DSCSA lets a wholesaler resell a returned package only after verifying its product
identifier; as the seller we verify against our own shipment: each package must be one
we shipped to this customer and not already returned. A package that fails is refused
by name (keep it apart as suspect product; it never enters stock here).

Verified packages come back from the customer's location to the bin they were picked
from (or a bin named) as saleable, or to quarantine for inspection. The value side
follows the stock ledger (core.services.valuation): Inventory is debited and Cost of
Goods Sold credited at the lot's cost. If the shipment was invoiced, a credit memo at
the invoiced prices (and the invoice's tax on them) posts Sales Returns / Accounts
Receivable; whatever exceeds the invoice's open balance stays on the customer's account
as credit. If it was not invoiced yet, its invoice later bills only what was kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from peewee import fn

from core.db import write_transaction
from core.errors import InvalidInput, NotFound, RxDeskError
from core.models import (CostLayer, CreditMemo, CustomerReturn, CustomerReturnLine, Invoice,
                         InvoiceLine, Location, Lot, Package, Partner, Product, SalesOrder,
                         SalesOrderLine, Shipment, ShipmentItem)
from core.models.base import utc_now
from core.money import CENT
from core.permissions import Actor, Permission
from core.services import audit, ledger
from core.services.access import authorize
from core.services.accounting import Posting, post_entry
from core.services.ledger import MoveLine
from core.services.numbering import next_number
from core.vocab import (AccountRole, LocationKind, MoveReason, PackageStatus,
                        ReturnDisposition, ShipmentStatus)

ZERO = Decimal("0.00")


class Returned(NamedTuple):
    """A package as the customer sent it back: GTIN and serial, and the lot and expiry
    its label shows when it was scanned (they must match our record of it)."""

    gtin: str
    serial: str
    lot: str | None = None
    expiry: date | None = None


class ReturnRefused(RxDeskError):
    """A scanned package fails returns verification or cannot go where asked."""

    title = "Return refused"


@dataclass(frozen=True)
class ReturnResult:
    return_id: int
    number: str
    shipment: str
    packages: int
    value: Decimal  # Inventory debited, at the lots' cost
    credit_memo: str | None
    credit: Decimal  # refunded to the customer (zero when nothing was invoiced yet)


def receive_return(actor: Actor, customer_id: int, packages: Sequence[tuple],
                   reason: str, disposition: ReturnDisposition = ReturnDisposition.RESTOCK,
                   bin_code: str = "") -> ReturnResult:
    """Take back `packages` (Returned, or (GTIN, serial) pairs; all from one of our
    shipments to this customer): verify, move them in, value them, credit them; all or
    nothing."""
    if not packages:
        raise InvalidInput("packages", "Scan at least one returned package.")
    if not (reason or "").strip():
        raise InvalidInput("reason", "Say why the customer sent the packages back.")
    packages = [Returned(*key) for key in packages]
    twice = [key for key, n in Counter((p.gtin, p.serial) for p in packages).items()
             if n > 1]
    if twice:
        raise InvalidInput("packages", f"GTIN {twice[0][0]} serial {twice[0][1]} is scanned "
                           "twice; each package is returned once.")
    with write_transaction():
        authorize(actor, Permission.RECEIVE_RETURNS)
        customer = Partner.get_or_none(Partner.id == customer_id)
        if customer is None or not customer.is_customer:
            raise NotFound("customer", customer_id)
        items = _verified(customer, packages)
        shipment = items[0].shipment
        destinations = _destinations(items, disposition, bin_code)
        costs = _lot_costs({item.lot_id for item in items})
        customers = ledger.system_location(LocationKind.CUSTOMER)
        to_status = (PackageStatus.SALEABLE if disposition is ReturnDisposition.RESTOCK
                     else PackageStatus.QUARANTINED)
        number = next_number("RET")
        ledger.post(actor, [MoveLine(item.package.product_id, item.lot_id, 1, customers, None,
                                     destinations[item.id], to_status, item.package_id)
                            for item in items],
                    MoveReason.RETURN, number, note=reason.strip(), unit_costs=costs)
        prices = {item.id: item.line.unit_price for item in items}
        memo, credit = _credit(actor, customer, shipment, number, items, prices,
                               reason.strip())
        record = CustomerReturn.create(
            number=number, customer=customer, shipment=shipment, reason=reason.strip()[:300],
            credit_memo=memo, received_at=utc_now(), received_by=actor.username)
        CustomerReturnLine.insert_many([
            {"customer_return": record.id, "package": item.package_id,
             "product": item.package.product_id, "lot": item.lot_id,
             "to_location": destinations[item.id], "disposition": disposition.value,
             "unit_price": prices[item.id]} for item in items]).execute()
        value = sum((costs[item.lot_id] for item in items), ZERO)
        audit.record(actor, "customer_return", "customer_return", record.id,
                     f"{number}: {len(items)} package(s) from {customer.name} on "
                     f"{shipment.number} -> {disposition.value}; {reason.strip()}"
                     + (f"; {memo.number} {credit}" if memo else "; not invoiced yet"))
        return ReturnResult(record.id, number, shipment.number, len(items), value,
                            memo.number if memo else None, credit)


def _verified(customer: Partner, returned: Sequence[Returned]) -> list[ShipmentItem]:
    """Each package's last shipped item, refused by name unless it is one we shipped to
    this customer, still with them, labelled with the lot and expiry we shipped, and all
    on one shipment."""
    items: list[ShipmentItem] = []
    for gtin, serial, lot, expiry in returned:
        package = (Package.select(Package, Product, Lot).join(Product)
                   .switch(Package).join(Lot)
                   .where((Product.gtin == gtin) & (Package.serial == serial)).first())
        who = f"GTIN {gtin} serial {serial}"
        if package is None:
            raise ReturnRefused(f"{who} is not in our records: it fails returns "
                                "verification. Keep it apart as suspect product.")
        if (lot is not None and lot != package.lot.lot_number) or (
                expiry is not None and expiry != package.lot.expiry):
            raise ReturnRefused(
                f"{who} is labelled lot {lot or '?'} expiring "
                f"{expiry or '?'}, but we shipped it as lot {package.lot.lot_number} expiring "
                f"{package.lot.expiry}: it fails returns verification. Keep it apart as "
                "suspect product.")
        item = (ShipmentItem.select(ShipmentItem, Shipment, SalesOrder, SalesOrderLine)
                .join(Shipment).join(SalesOrder)
                .switch(ShipmentItem).join(SalesOrderLine)
                .where((ShipmentItem.package == package.id)
                       & (Shipment.status == ShipmentStatus.SHIPPED.value))
                .order_by(Shipment.shipped_at.desc(), Shipment.id.desc()).first())
        if item is None or item.shipment.order.customer_id != customer.id:
            raise ReturnRefused(f"{who} was not shipped to {customer.name}: it fails returns "
                                "verification. Keep it apart as suspect product.")
        if package.status != PackageStatus.SHIPPED.value:
            raise ReturnRefused(f"{who} is already back with us ({package.status}); it "
                                "cannot be returned again.")
        if items and item.shipment_id != items[0].shipment_id:
            raise ReturnRefused(f"{who} left on {item.shipment.number}, the others on "
                                f"{items[0].shipment.number}: return each shipment's "
                                "packages separately (each has its own invoice).")
        item.package = package
        items.append(item)
    return items


def _destinations(items: Sequence[ShipmentItem], disposition: ReturnDisposition,
                  bin_code: str) -> dict[int, int]:
    """Shipment item id -> location: quarantine; the bin named; else the bin each package
    was picked from. Expired product is never restocked."""
    if disposition is ReturnDisposition.QUARANTINE:
        cage = ledger.system_location(LocationKind.QUARANTINE)
        return {item.id: cage for item in items}
    today = date.today()
    expiries = dict(Lot.select(Lot.id, Lot.expiry)
                    .where(Lot.id.in_(list({i.lot_id for i in items}))).tuples())
    for item in items:
        if expiries[item.lot_id] <= today:
            raise ReturnRefused(f"Serial {item.package.serial} expired on "
                                f"{expiries[item.lot_id]:%Y-%m-%d}: return it to quarantine "
                                "for destruction, not to stock.")
    bins = {loc.id: loc for loc in Location.select().where(
        (Location.kind == LocationKind.BIN.value) & Location.active)}
    if bin_code.strip():
        named = next((b for b in bins.values() if b.code == bin_code.strip().upper()), None)
        if named is None:
            raise InvalidInput("bin", f"{bin_code.strip()} is not an active bin.")
        return {item.id: named.id for item in items}
    missing = next((i for i in items if i.from_location_id not in bins), None)
    if missing is not None:
        raise InvalidInput("bin", f"Serial {missing.package.serial} was picked from a "
                           "location that is no longer an active bin: name the bin to "
                           "restock into.")
    return {item.id: item.from_location_id for item in items}


def _lot_costs(lot_ids: set[int]) -> dict[int, Decimal]:
    """Each lot's cost per unit: the quantity-weighted average of the layers it entered
    our books with (a lot normally has one), to the cent; docs/accounting.md."""
    rows = (CostLayer.select(CostLayer.lot, fn.SUM(CostLayer.quantity),
                             fn.SUM(CostLayer.unit_cost * CostLayer.quantity).coerce(False))
            .where(CostLayer.lot.in_(list(lot_ids))).group_by(CostLayer.lot).tuples())
    costs = {lot: (Decimal(total) / 100 / quantity).quantize(CENT, ROUND_HALF_UP)
             for lot, quantity, total in rows if quantity}
    standard = dict(Lot.select(Lot.id, Product.standard_cost).join(Product)
                    .where(Lot.id.in_(list(lot_ids - set(costs)))).tuples()) \
        if lot_ids - set(costs) else {}
    return {**standard, **costs}


def _credit(actor: Actor, customer: Partner, shipment: Shipment, number: str,
            items: Sequence[ShipmentItem], prices: dict[int, Decimal],
            reason: str) -> tuple[CreditMemo | None, Decimal]:
    """The credit memo for the returned packages at the invoiced prices plus the
    invoice's tax on them; none when the shipment has not been invoiced."""
    invoice = Invoice.get_or_none(Invoice.shipment == shipment.id)
    if invoice is None:
        return None, ZERO
    billed = set(InvoiceLine.select(InvoiceLine.order_line)
                 .where(InvoiceLine.invoice == invoice.id).tuples())
    subtotal = sum((prices[i.id] for i in items if (i.line_id,) in billed), ZERO)
    if not subtotal:
        return None, ZERO
    tax = ((subtotal * invoice.tax / invoice.subtotal).quantize(CENT, ROUND_HALF_UP)
           if invoice.tax else ZERO)
    credit = subtotal + tax
    memo_number = next_number("CM")
    postings = [Posting(AccountRole.SALES_RETURNS, debit=subtotal, memo=memo_number),
                Posting(AccountRole.RECEIVABLES, credit=credit, partner_id=customer.id,
                        memo=memo_number)]
    if tax:
        postings.append(Posting(AccountRole.SALES_TAX, debit=tax, memo=memo_number))
    entry = post_entry(actor, postings, f"credit:{memo_number}",
                       f"{memo_number} on {invoice.number} for return {number}: {reason}")
    memo = CreditMemo.create(number=memo_number, customer=customer, invoice=invoice,
                             memo_date=date.today(), amount=credit,
                             reason=f"Return {number}: {reason}"[:300], entry=entry,
                             created_at=utc_now(), created_by=actor.username)
    return memo, credit
