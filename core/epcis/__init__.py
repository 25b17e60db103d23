"""EPCIS 1.2 documents for DSCSA: read (safely, checked against GS1's XSD) and write."""

from core.epcis.model import (
    Aggregation, Commissioning, EpcisDocument, Header, Lot, Package, Party, ProductClass,
    ShippingEvent, TransactionStatement,
)
from core.epcis.reader import EpcisError, read_epcis
from core.epcis.writer import write_epcis

__all__ = [
    "Aggregation", "Commissioning", "EpcisDocument", "EpcisError", "Header", "Lot", "Package",
    "Party", "ProductClass", "ShippingEvent", "TransactionStatement", "read_epcis",
    "write_epcis",
]
