"""The distributor's vocabulary: closed sets of values stored as short strings."""

from __future__ import annotations

from enum import StrEnum


class _Choice(StrEnum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def parse(cls, text: str, field: str):
        from core.errors import InvalidInput

        value = (text or "").strip().lower().replace(" ", "_").replace("-", "_")
        for member in cls:
            if value in (member.value, member.name.lower()):
                return member
        choices = ", ".join(m.value for m in cls)
        raise InvalidInput(field, f"'{text}' is not one of: {choices}.")


class Schedule(_Choice):
    """DEA controlled-substance schedule; II is the strictest RxDesk handles."""

    NONE = "none"
    CII = "cii"
    CIII = "ciii"
    CIV = "civ"
    CV = "cv"

    @property
    def label(self) -> str:
        return "Not controlled" if self is Schedule.NONE else f"C-{self.value[1:].upper()}"


class Storage(_Choice):
    ROOM = "room"
    REFRIGERATED = "refrigerated"
    FROZEN = "frozen"


class PartnerType(_Choice):
    MANUFACTURER = "manufacturer"
    REPACKAGER = "repackager"
    WHOLESALER = "wholesaler"
    THIRD_PARTY_LOGISTICS = "3pl"
    DISPENSER = "dispenser"

    @property
    def label(self) -> str:
        return "3PL" if self is PartnerType.THIRD_PARTY_LOGISTICS else super().label


class AddressKind(_Choice):
    BILL_TO = "bill_to"
    SHIP_TO = "ship_to"


class EvidenceKind(_Choice):
    """Authorization evidence kept per trading partner (DSCSA ATP)."""

    STATE_LICENSE = "state_license"
    DEA = "dea"
    FDA_REGISTRATION = "fda_registration"  # manufacturers and repackagers
    FDA_ANNUAL_REPORT = "fda_annual_report"  # wholesalers and 3PLs, checked yearly

    @property
    def label(self) -> str:
        return {"state_license": "State license", "dea": "DEA registration",
                "fda_registration": "FDA registration",
                "fda_annual_report": "FDA annual report"}[self.value]


class LocationKind(_Choice):
    BIN = "bin"
    RECEIVING = "receiving"
    QUARANTINE = "quarantine"
    PACK = "pack"
    # Outside our walls: stock moved here has left (or not yet entered) the warehouse.
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    ADJUSTMENT = "adjustment"

    @property
    def internal(self) -> bool:
        return self in INTERNAL_LOCATIONS


INTERNAL_LOCATIONS = frozenset(
    {LocationKind.BIN, LocationKind.RECEIVING, LocationKind.QUARANTINE, LocationKind.PACK}
)


class PackageStatus(_Choice):
    SALEABLE = "saleable"
    ALLOCATED = "allocated"
    QUARANTINED = "quarantined"
    SUSPECT = "suspect"
    RECALLED = "recalled"
    SHIPPED = "shipped"
    RETURNED = "returned"
    DESTROYED = "destroyed"
    # Written off by a count: not destroyed, whereabouts unknown (a diversion red flag).
    MISSING = "missing"


class MoveReason(_Choice):
    """Why stock moved; adjustment reasons are the ones a user picks."""

    RECEIPT = "receipt"
    PUTAWAY = "putaway"
    TRANSFER = "transfer"
    QUARANTINE = "quarantine"
    RELEASE = "release"
    DAMAGED = "damaged"
    EXPIRED = "expired"
    COUNT_CORRECTION = "count_correction"
    DESTROYED = "destroyed"
    FOUND = "found"
    ALLOCATION = "allocation"
    SHIPMENT = "shipment"
    RETURN = "return"
    OPENING_BALANCE = "opening_balance"


ADJUSTMENT_REASONS = (MoveReason.DAMAGED, MoveReason.EXPIRED, MoveReason.COUNT_CORRECTION,
                      MoveReason.DESTROYED, MoveReason.FOUND)


class PoStatus(_Choice):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


# The purchase-order state machine: the only transitions a service may make.
PO_TRANSITIONS = frozenset({
    (PoStatus.DRAFT, PoStatus.CONFIRMED), (PoStatus.DRAFT, PoStatus.CANCELLED),
    (PoStatus.CONFIRMED, PoStatus.CANCELLED), (PoStatus.CONFIRMED, PoStatus.PARTIALLY_RECEIVED),
    (PoStatus.CONFIRMED, PoStatus.RECEIVED), (PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED),
    (PoStatus.PARTIALLY_RECEIVED, PoStatus.CLOSED), (PoStatus.RECEIVED, PoStatus.CLOSED),
})
