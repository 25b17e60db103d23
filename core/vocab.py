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


class ReturnDisposition(_Choice):
    """Where a verified customer return goes: back on the shelf, or held for inspection."""

    RESTOCK = "restock"
    QUARANTINE = "quarantine"


ADJUSTMENT_REASONS = (MoveReason.DAMAGED, MoveReason.EXPIRED, MoveReason.COUNT_CORRECTION,
                      MoveReason.DESTROYED, MoveReason.FOUND)


class CountStatus(_Choice):
    """A cycle count sheet: open while counting, then approved (variances posted) or
    cancelled (nothing posted, the reason on record)."""

    OPEN = "open"
    APPROVED = "approved"
    CANCELLED = "cancelled"


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


class SoStatus(_Choice):
    DRAFT = "draft"
    CONFIRMED = "confirmed"  # accepted; waiting for (more) stock to allocate
    ALLOCATED = "allocated"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


# The sales-order state machine. Allocation may fall back to confirmed (released) and
# packing back to picking (a package removed); shipped and cancelled are final.
SO_TRANSITIONS = frozenset({
    (SoStatus.DRAFT, SoStatus.CONFIRMED), (SoStatus.DRAFT, SoStatus.CANCELLED),
    (SoStatus.CONFIRMED, SoStatus.ALLOCATED), (SoStatus.CONFIRMED, SoStatus.CANCELLED),
    (SoStatus.ALLOCATED, SoStatus.CONFIRMED), (SoStatus.ALLOCATED, SoStatus.PICKING),
    (SoStatus.ALLOCATED, SoStatus.CANCELLED), (SoStatus.PICKING, SoStatus.PACKED),
    (SoStatus.PICKING, SoStatus.CANCELLED), (SoStatus.PACKED, SoStatus.PICKING),
    (SoStatus.PACKED, SoStatus.SHIPPED),
    # Shipping what is packed of a partly packed order: the rest becomes a backorder.
    (SoStatus.PICKING, SoStatus.SHIPPED),
})


class ShipmentStatus(_Choice):
    PACKING = "packing"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class AsnStatus(_Choice):
    """An advance ship notice (a supplier's EPCIS file) as its deliveries arrive."""

    EXPECTED = "expected"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED_SHORT = "closed_short"  # the rest will not come; the shortage is on record


class ReceiveOutcome(_Choice):
    """What receiving made of one scan or one expected package: the GS1 US DSCSA exception
    cases by name, and where the stock goes (only RECEIVED goes to a saleable bin)."""

    RECEIVED = "received"
    OVERAGE = "overage"  # scanned, not in the supplier's data
    PRODUCT_WITHOUT_DATA = "product_without_data"  # no EPCIS at all for this delivery
    LOT_MISMATCH = "lot_mismatch"
    EXPIRY_MISMATCH = "expiry_mismatch"
    DAMAGED = "damaged"
    EXPIRED = "expired"
    SHORT_DATED = "short_dated"  # below the product's minimum remaining shelf life
    ALREADY_IN_STOCK = "already_in_stock"  # the serial is already ours: suspect
    SHORTAGE = "shortage"  # in the data, not delivered (some of the lot came)
    DATA_WITHOUT_PRODUCT = "data_without_product"  # in the data, none of the lot came

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]

    @property
    def stock_status(self) -> PackageStatus | None:
        """The status the package enters with; None when nothing enters stock."""
        if self is ReceiveOutcome.RECEIVED:
            return PackageStatus.SALEABLE
        if self is ReceiveOutcome.ALREADY_IN_STOCK:
            return PackageStatus.SUSPECT
        if self in (ReceiveOutcome.SHORTAGE, ReceiveOutcome.DATA_WITHOUT_PRODUCT):
            return None
        return PackageStatus.QUARANTINED

    @property
    def consequence(self) -> str:
        return _OUTCOME_CONSEQUENCES[self]


_OUTCOME_LABELS = {
    ReceiveOutcome.RECEIVED: "Received",
    ReceiveOutcome.OVERAGE: "Overage",
    ReceiveOutcome.PRODUCT_WITHOUT_DATA: "Product without data",
    ReceiveOutcome.LOT_MISMATCH: "Lot mismatch",
    ReceiveOutcome.EXPIRY_MISMATCH: "Expiry mismatch",
    ReceiveOutcome.DAMAGED: "Damaged",
    ReceiveOutcome.EXPIRED: "Expired",
    ReceiveOutcome.SHORT_DATED: "Short-dated",
    ReceiveOutcome.ALREADY_IN_STOCK: "Serial already in stock",
    ReceiveOutcome.SHORTAGE: "Shortage",
    ReceiveOutcome.DATA_WITHOUT_PRODUCT: "Data without product",
}

_OUTCOME_CONSEQUENCES = {
    ReceiveOutcome.RECEIVED: "goes to its bin, saleable",
    ReceiveOutcome.OVERAGE: "not in the supplier's data: quarantined until the supplier sends "
                            "its transaction information",
    ReceiveOutcome.PRODUCT_WITHOUT_DATA: "no transaction information received: quarantined "
                                         "until the supplier's file arrives",
    ReceiveOutcome.LOT_MISMATCH: "the label's lot differs from the supplier's data: "
                                 "quarantined until the supplier corrects it",
    ReceiveOutcome.EXPIRY_MISMATCH: "the label's expiry differs from the supplier's data: "
                                    "quarantined until the supplier corrects it",
    ReceiveOutcome.DAMAGED: "quarantined as damaged",
    ReceiveOutcome.EXPIRED: "expired on arrival: quarantined for return or destruction",
    ReceiveOutcome.SHORT_DATED: "below the product's minimum shelf life: quarantined for "
                                "return to the supplier",
    ReceiveOutcome.ALREADY_IN_STOCK: "this serial is already in our stock: both packages are "
                                     "suspect and quarantined for investigation",
    ReceiveOutcome.SHORTAGE: "in the supplier's data but not delivered: not received",
    ReceiveOutcome.DATA_WITHOUT_PRODUCT: "the supplier's data lists it but none arrived: not "
                                         "received",
}


# The Transaction Statement as one sentence (the GS1 US guideline's legal notice): the
# seller affirms every subsection of FD&C Act 581(27). Stored with each outbound DSCSA
# transaction, printed on the T3 and sent in the EPCIS header.
TS_LEGAL_NOTICE = ("Seller has complied with each applicable subsection of FDCA Sec. "
                   "581(27)(A)-(G).")


class AccountKind(_Choice):
    """Debit-normal: asset, expense; credit-normal: liability, equity, income."""

    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        return self in (AccountKind.ASSET, AccountKind.EXPENSE)


class AccountRole(_Choice):
    """What an automatic posting needs an account for; the chart maps each to one account
    (its code and name may be changed by the owner)."""

    CASH = "cash"
    RECEIVABLES = "receivables"
    INVENTORY = "inventory"
    PAYABLES = "payables"
    GRNI = "grni"  # goods received, not invoiced
    SALES_TAX = "sales_tax"
    OPENING_EQUITY = "opening_equity"
    SALES = "sales"
    SALES_RETURNS = "sales_returns"
    COGS = "cogs"
    WRITE_OFFS = "write_offs"
    PRICE_VARIANCE = "price_variance"

    @property
    def label(self) -> str:
        return {"grni": "GRNI", "cogs": "COGS"}.get(self.value, super().label)


# The chart a new database starts with: (code, name, kind, role).
DEFAULT_CHART = (
    ("1000", "Cash", AccountKind.ASSET, AccountRole.CASH),
    ("1100", "Accounts Receivable", AccountKind.ASSET, AccountRole.RECEIVABLES),
    ("1200", "Inventory", AccountKind.ASSET, AccountRole.INVENTORY),
    ("2000", "Accounts Payable", AccountKind.LIABILITY, AccountRole.PAYABLES),
    ("2100", "Goods Received Not Invoiced", AccountKind.LIABILITY, AccountRole.GRNI),
    ("2200", "Sales Tax Payable", AccountKind.LIABILITY, AccountRole.SALES_TAX),
    ("3000", "Opening Balance Equity", AccountKind.EQUITY, AccountRole.OPENING_EQUITY),
    ("4000", "Sales", AccountKind.INCOME, AccountRole.SALES),
    ("4100", "Sales Returns", AccountKind.INCOME, AccountRole.SALES_RETURNS),
    ("5000", "Cost of Goods Sold", AccountKind.EXPENSE, AccountRole.COGS),
    ("5100", "Inventory Write-offs", AccountKind.EXPENSE, AccountRole.WRITE_OFFS),
    ("5200", "Purchase Price Variance", AccountKind.EXPENSE, AccountRole.PRICE_VARIANCE),
)
