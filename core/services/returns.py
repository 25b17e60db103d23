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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from peewee import JOIN, fn

from core.db import is_postgres, write_transaction
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
class InvoicedAs:
    """The invoice that billed a package: its credit follows that invoice's tax rate."""

    invoice_id: int
    number: str
    subtotal: Decimal
    tax: Decimal


@dataclass(frozen=True)
class ReturnCandidate:
    """A returned package that passed verification, with everything taking it back
    moves and credits, so a screen can show each scan's verdict before anything is
    written."""

    gtin: str
    serial: str
    package_id: int
    product_id: int
    product: str
    lot_id: int
    lot: str
    expiry: date
    shipment_id: int
    shipment: str
    unit_price: Decimal  # the order line's price, which its invoice billed
    invoiced: InvoicedAs | None  # None: not invoiced yet, so nothing to credit
    picked_from_id: int
    picked_from: str  # the bin it was picked from: where a restock puts it back

    def expired(self, today: date | None = None) -> bool:
        """Expired product is never restocked, only quarantined."""
        return self.expiry <= (today or date.today())

    def key(self) -> Returned:
        return Returned(self.gtin, self.serial, self.lot, self.expiry)


@dataclass(frozen=True)
class ReturnCredit:
    invoice: InvoicedAs | None
    subtotal: Decimal  # the invoiced prices of the packages
    tax: Decimal  # the invoice's tax on them

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


@dataclass(frozen=True)
class ReturnResult:
    return_id: int
    number: str
    shipment: str
    packages: int
    value: Decimal  # Inventory debited, at the lots' cost
    credit_memo: str | None
    credit: Decimal  # refunded to the customer (zero when nothing was invoiced yet)


def check_returned(customer_id: int, returned: Returned | tuple,
                   so_far: Sequence[ReturnCandidate] = ()) -> ReturnCandidate:
    """Verify one more scanned package of a return being put together (`so_far`: the
    packages already accepted), writing nothing: the Customer returns screen shows each
    scan's verdict at once, and receive_return runs this same check on every package
    again inside its transaction."""
    return _checked(_customer(customer_id), Returned(*returned), so_far)


def return_credit(candidates: Sequence[ReturnCandidate]) -> ReturnCredit:
    """What a credit memo for these packages credits: their invoiced prices plus the
    invoice's tax on them (tax x returned subtotal / invoice subtotal, half up, once);
    packages not invoiced yet add nothing. Pure, so a screen's running total is the
    amount receive_return posts."""
    billed = [c for c in candidates if c.invoiced is not None]
    if not billed:
        return ReturnCredit(None, ZERO, ZERO)
    invoice = billed[0].invoiced
    subtotal = sum((c.unit_price for c in billed), ZERO)
    tax = ((subtotal * invoice.tax / invoice.subtotal).quantize(CENT, ROUND_HALF_UP)
           if invoice.tax and subtotal else ZERO)
    return ReturnCredit(invoice, subtotal, tax)


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
    reason = reason.strip()
    with write_transaction():
        authorize(actor, Permission.RECEIVE_RETURNS)
        customer = _customer(customer_id)
        items: list[ReturnCandidate] = []
        for key in packages:
            items.append(_checked(customer, Returned(*key), items, lock=True))
        destinations = _destinations(items, disposition, bin_code)
        costs = _lot_costs({item.lot_id for item in items})
        customers = ledger.system_location(LocationKind.CUSTOMER)
        to_status = (PackageStatus.SALEABLE if disposition is ReturnDisposition.RESTOCK
                     else PackageStatus.QUARANTINED)
        number = next_number("RET")
        ledger.post(actor, [MoveLine(item.product_id, item.lot_id, 1, customers, None,
                                     destinations[item.package_id], to_status,
                                     item.package_id)
                            for item in items],
                    MoveReason.RETURN, number, note=reason, unit_costs=costs)
        memo, credit = _credit(actor, customer, number, items, reason)
        shipment = items[0].shipment
        record = CustomerReturn.create(
            number=number, customer=customer, shipment=items[0].shipment_id,
            reason=reason[:300], credit_memo=memo, received_at=utc_now(),
            received_by=actor.username)
        CustomerReturnLine.insert_many([
            {"customer_return": record.id, "package": item.package_id,
             "product": item.product_id, "lot": item.lot_id,
             "to_location": destinations[item.package_id], "disposition": disposition.value,
             "unit_price": item.unit_price} for item in items]).execute()
        value = sum((costs[item.lot_id] for item in items), ZERO)
        audit.record(actor, "customer_return", "customer_return", record.id,
                     f"{number}: {len(items)} package(s) from {customer.name} on "
                     f"{shipment} -> {disposition.value}; {reason}"
                     + (f"; {memo.number} {credit}" if memo else "; not invoiced yet"))
        return ReturnResult(record.id, number, shipment, len(items), value,
                            memo.number if memo else None, credit)


def _customer(customer_id: int) -> Partner:
    customer = Partner.get_or_none(Partner.id == customer_id)
    if customer is None or not customer.is_customer:
        raise NotFound("customer", customer_id)
    return customer


def _checked(customer: Partner, returned: Returned, so_far: Sequence[ReturnCandidate],
             lock: bool = False) -> ReturnCandidate:
    """The package refused by name unless it is one we shipped to this customer, still
    with them, labelled with the lot and expiry we shipped, not scanned already, and on
    the same shipment as `so_far`. `lock`: inside receive_return, so that two
    workstations cannot take the same package back at once on PostgreSQL."""
    gtin, serial, lot, expiry = returned
    who = f"GTIN {gtin} serial {serial}"
    if any((c.gtin, c.serial) == (gtin, serial) for c in so_far):
        raise InvalidInput("packages", f"{who} is scanned twice; each package is returned "
                           "once.")
    query = (Package.select(Package, Product, Lot).join(Product)
             .switch(Package).join(Lot)
             .where((Product.gtin == gtin) & (Package.serial == serial)))
    package = (query.for_update(of=Package) if lock and is_postgres() else query).first()
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
    shipped = (ShipmentItem
               .select(ShipmentItem.shipment, Shipment.number, SalesOrder.customer,
                       SalesOrderLine.unit_price, ShipmentItem.from_location, Location.code,
                       Invoice.id, Invoice.number, Invoice.subtotal, Invoice.tax,
                       InvoiceLine.id)
               .join(Shipment).join(SalesOrder)
               .switch(ShipmentItem).join(SalesOrderLine)
               .switch(ShipmentItem)
               .join(Location, on=(ShipmentItem.from_location == Location.id))
               .switch(ShipmentItem)
               .join(Invoice, JOIN.LEFT_OUTER, on=(Invoice.shipment == ShipmentItem.shipment))
               .join(InvoiceLine, JOIN.LEFT_OUTER,
                     on=((InvoiceLine.invoice == Invoice.id)
                         & (InvoiceLine.order_line == ShipmentItem.line)))
               .where((ShipmentItem.package == package.id)
                      & (Shipment.status == ShipmentStatus.SHIPPED.value))
               .order_by(Shipment.shipped_at.desc(), Shipment.id.desc()).tuples().first())
    if shipped is None or shipped[2] != customer.id:
        raise ReturnRefused(f"{who} was not shipped to {customer.name}: it fails returns "
                            "verification. Keep it apart as suspect product.")
    if package.status != PackageStatus.SHIPPED.value:
        raise ReturnRefused(f"{who} is already back with us ({package.status}); it "
                            "cannot be returned again.")
    (shipment_id, shipment, _, price, picked_from_id, picked_from, invoice_id,
     invoice_number, invoice_subtotal, invoice_tax, billed) = shipped
    if so_far and shipment_id != so_far[0].shipment_id:
        raise ReturnRefused(f"{who} left on {shipment}, the others on "
                            f"{so_far[0].shipment}: return each shipment's "
                            "packages separately (each has its own invoice).")
    invoiced = (InvoicedAs(invoice_id, invoice_number, invoice_subtotal, invoice_tax)
                if billed is not None else None)
    return ReturnCandidate(gtin, serial, package.id, package.product_id, package.product.name,
                           package.lot_id, package.lot.lot_number, package.lot.expiry,
                           shipment_id, shipment, price, invoiced, picked_from_id, picked_from)


def _destinations(items: Sequence[ReturnCandidate], disposition: ReturnDisposition,
                  bin_code: str) -> dict[int, int]:
    """Package id -> location: quarantine; the bin named; else the bin each package
    was picked from. Expired product is never restocked."""
    if disposition is ReturnDisposition.QUARANTINE:
        cage = ledger.system_location(LocationKind.QUARANTINE)
        return {item.package_id: cage for item in items}
    expired = next((item for item in items if item.expired()), None)
    if expired is not None:
        raise ReturnRefused(f"Serial {expired.serial} expired on {expired.expiry:%Y-%m-%d}: "
                            "return it to quarantine for destruction, not to stock.")
    bins = {loc.id: loc for loc in Location.select().where(
        (Location.kind == LocationKind.BIN.value) & Location.active)}
    if bin_code.strip():
        named = next((b for b in bins.values() if b.code == bin_code.strip().upper()), None)
        if named is None:
            raise InvalidInput("bin", f"{bin_code.strip()} is not an active bin.")
        return {item.package_id: named.id for item in items}
    missing = next((i for i in items if i.picked_from_id not in bins), None)
    if missing is not None:
        raise InvalidInput("bin", f"Serial {missing.serial} was picked from a "
                           "location that is no longer an active bin: name the bin to "
                           "restock into.")
    return {item.package_id: item.picked_from_id for item in items}


def _lot_costs(lot_ids: set[int]) -> dict[int, Decimal]:
    """Each lot's cost per unit: the quantity-weighted average of the layers it entered
    our books with (a lot normally has one), to the cent; docs/accounting.md."""
    rows = (CostLayer.select(CostLayer.lot, fn.SUM(CostLayer.quantity),
                             fn.SUM(CostLayer.unit_cost * CostLayer.quantity).coerce(False))
            .where(CostLayer.lot.in_(list(lot_ids))).group_by(CostLayer.lot).tuples())
    costs = {lot: (Decimal(total) / 100 / quantity).quantize(CENT, ROUND_HALF_UP)
             for lot, quantity, total in rows if quantity}
    unlayered = lot_ids - set(costs)  # stock older than the ledger: the standard cost
    if unlayered:
        costs.update(Lot.select(Lot.id, Product.standard_cost).join(Product)
                     .where(Lot.id.in_(list(unlayered))).tuples())
    return costs


def _credit(actor: Actor, customer: Partner, number: str, items: Sequence[ReturnCandidate],
            reason: str) -> tuple[CreditMemo | None, Decimal]:
    """The credit memo for the returned packages (return_credit); none when the
    shipment has not been invoiced."""
    due = return_credit(items)
    if due.invoice is None or not due.subtotal:
        return None, ZERO
    invoice, credit = due.invoice, due.total
    memo_number = next_number("CM")
    postings = [Posting(AccountRole.SALES_RETURNS, debit=due.subtotal, memo=memo_number),
                Posting(AccountRole.RECEIVABLES, credit=credit, partner_id=customer.id,
                        memo=memo_number)]
    if due.tax:
        postings.append(Posting(AccountRole.SALES_TAX, debit=due.tax, memo=memo_number))
    entry = post_entry(actor, postings, f"credit:{memo_number}",
                       f"{memo_number} on {invoice.number} for return {number}: {reason}")
    memo = CreditMemo.create(number=memo_number, customer=customer, invoice=invoice.invoice_id,
                             memo_date=date.today(), amount=credit,
                             reason=f"Return {number}: {reason}"[:300], entry=entry,
                             created_at=utc_now(), created_by=actor.username)
    return memo, credit
