"""Recall: every customer who received a lot, with how to reach them.

Read from the outbound DSCSA transaction records (each one's TI lines by lot), not from
the stock moves: they name the buyer and the ship-to address as they were on the day
of sale, which is what a recall notice must reach. Returns of the lot (customer_return
lines) are shown beside what each customer received, so the notice can say how many
units are still out there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from peewee import fn

from core.models import (CustomerReturn, CustomerReturnLine, DscsaLine, DscsaTransaction, Lot,
                         Partner, Shipment)
from core.queries.trace import gtin_and, ndc_of, traced_product


@dataclass(frozen=True)
class Recipient:
    customer_id: int
    customer: str
    gln: str
    phone: str
    email: str
    ship_to: tuple[str, ...]  # the buyer addresses of the sales, as recorded
    shipments: tuple[str, ...]
    first_shipped: date
    last_shipped: date
    units: int
    returned: int

    @property
    def outstanding(self) -> int:
        return self.units - self.returned

    def as_json(self) -> dict[str, object]:
        return {"customer_id": self.customer_id, "customer": self.customer,
                "gln": self.gln, "phone": self.phone, "email": self.email,
                "ship_to": list(self.ship_to), "shipments": list(self.shipments),
                "first_shipped": self.first_shipped.isoformat(),
                "last_shipped": self.last_shipped.isoformat(), "units": self.units,
                "returned": self.returned, "outstanding": self.outstanding}


@dataclass(frozen=True)
class LotRecipients:
    gtin: str
    ndc: str
    product: str
    lot: str
    expiry: date | None
    recipients: tuple[Recipient, ...]

    @property
    def units(self) -> int:
        return sum(r.units for r in self.recipients)

    @property
    def outstanding(self) -> int:
        return sum(r.outstanding for r in self.recipients)

    def as_json(self) -> dict[str, object]:
        return {"gtin": self.gtin, "ndc": self.ndc, "product": self.product, "lot": self.lot,
                "expiry": self.expiry.isoformat() if self.expiry else None,
                "customers": len(self.recipients), "units": self.units,
                "outstanding": self.outstanding,
                "recipients": [r.as_json() for r in self.recipients]}


def lot_recipients(gtin: str, lot_number: str) -> LotRecipients:
    """Customers who received `lot_number` of the product, most units first; NotFound
    for a product or lot we never had."""
    from core.errors import NotFound

    gtin, lot_number = gtin_and(gtin, lot_number, "lot")
    product = traced_product(gtin)
    lot = Lot.get_or_none((Lot.product == product.id) & (Lot.lot_number == lot_number))
    if lot is None:
        raise NotFound("lot", f"{lot_number} of GTIN {gtin}")
    sales = (DscsaLine
             .select(DscsaTransaction.partner, DscsaTransaction.buyer_address,
                     DscsaTransaction.transaction_date, Shipment.number, DscsaLine.quantity)
             .join(DscsaTransaction)
             .join(Shipment, on=(Shipment.id == DscsaTransaction.shipment))
             .where((DscsaLine.lot == lot.id) & (DscsaTransaction.direction == "out"))
             .order_by(DscsaTransaction.transaction_date, Shipment.number).tuples())
    received: dict[int, list[tuple]] = defaultdict(list)
    for partner_id, address, day, shipment, quantity in sales:
        received[partner_id].append((address, day, shipment, quantity))
    returned = dict(CustomerReturnLine
                    .select(CustomerReturn.customer, fn.COUNT(CustomerReturnLine.id))
                    .join(CustomerReturn)
                    .where(CustomerReturnLine.lot == lot.id)
                    .group_by(CustomerReturn.customer).tuples())
    partners = {p.id: p for p in Partner.select(Partner.id, Partner.name, Partner.gln,
                                                Partner.phone, Partner.email)
                .where(Partner.id.in_(list(received)))} if received else {}
    recipients = [
        Recipient(pid, partners[pid].name, partners[pid].gln or "", partners[pid].phone,
                  partners[pid].email, tuple(dict.fromkeys(r[0] for r in rows)),
                  tuple(dict.fromkeys(r[2] for r in rows)), rows[0][1], rows[-1][1],
                  sum(r[3] for r in rows), returned.get(pid, 0))
        for pid, rows in received.items()]
    recipients.sort(key=lambda r: (-r.units, r.customer))
    return LotRecipients(gtin, ndc_of(product), product.name, lot.lot_number, lot.expiry,
                         tuple(recipients))
