"""What customers have sent back, as invoicing and screens read it."""

from __future__ import annotations

from peewee import fn

from core.models import CustomerReturn, CustomerReturnLine, ShipmentItem


def returned_quantities(shipment_id: int) -> dict[int, int]:
    """Units of each order line of a shipment that the customer has sent back."""
    return dict(CustomerReturnLine
                .select(ShipmentItem.line, fn.COUNT(CustomerReturnLine.id))
                .join(CustomerReturn)
                .switch(CustomerReturnLine)
                .join(ShipmentItem, on=(ShipmentItem.package == CustomerReturnLine.package))
                .where((CustomerReturn.shipment == shipment_id)
                       & (ShipmentItem.shipment == shipment_id))
                .group_by(ShipmentItem.line).tuples())
