"""What a DSCSA EPCIS 1.2 document says, as plain values shared by the reader and the writer.

The shape follows the GS1 US guideline "Applying GS1 Standards for DSCSA and Traceability":
an SBDH header, master data for products (EPCClass) and parties/locations (Location), the
Transaction Statement, then commissioning, packing (aggregation) and shipping events.

Identifiers are kept as GS1 keys (GTIN-14 + serial, SSCC-18, GLN-13) where RxDesk stores
them, and as EPC URIs where the document names a place or party (SGLNs: the extension
matters). A key alone does not say where its company prefix ends, which its EPC URI needs;
`EpcisDocument.company_prefix_lengths` remembers that per GTIN and SSCC (the reader fills
it from the URIs it read; a caller writing a document fills it from partner/product setup).
Short CBV names are stored ("commissioning", "in_transit", "po", "owning_party"); the
full URNs are the writer's and reader's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from core.errors import InvalidInput

NS_EPCIS = "urn:epcglobal:epcis:xsd:1"
NS_SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
NS_GS1USHC = "http://epcis.gs1us.org/hc/ns"
NS_CBVMDA = "urn:epcglobal:cbv:mda"

BIZSTEP = "urn:epcglobal:cbv:bizstep:"
DISP = "urn:epcglobal:cbv:disp:"
BTT = "urn:epcglobal:cbv:btt:"
SDT = "urn:epcglobal:cbv:sdt:"
MDA = "urn:epcglobal:cbv:mda#"
VTYPE_EPCCLASS = "urn:epcglobal:epcis:vtype:EPCClass"
VTYPE_LOCATION = "urn:epcglobal:epcis:vtype:Location"

NDC_TYPE = "FDA_NDC_11"


@dataclass
class Header:
    """The SBDH: who sends, who receives, which document, when."""

    sender_gln: str
    receiver_gln: str
    document_id: str
    created: datetime


@dataclass
class TransactionStatement:
    """DSCSA Transaction Statement (gs1ushc:dscsaTransactionStatement)."""

    affirmed: bool = True
    legal_notice: str = ""


@dataclass
class Party:
    """A party or location from Location master data, keyed by its SGLN URI."""

    sgln: str
    gln: str
    name: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass
class ProductClass:
    """A product from EPCClass master data (urn:epc:idpat:sgtin:... pattern)."""

    pattern: str
    gtin: str
    company_prefix_length: int
    ndc: str = ""  # additionalTradeItemIdentification, 11 digits when its type is FDA_NDC_11
    ndc_type: str = NDC_TYPE
    name: str = ""  # regulatedProductName
    manufacturer: str = ""  # manufacturerOfTradeItemPartyName
    dosage_form: str = ""  # dosageFormType
    strength: str = ""  # strengthDescription
    net_content: str = ""  # netContentDescription (container size)


@dataclass
class Commissioning:
    """Serialized packages of one GTIN and lot coming into existence (ObjectEvent ADD)."""

    gtin: str
    serials: list[str]
    lot: str
    expiry: date
    event_time: datetime
    read_point: str = ""  # SGLN URI
    biz_location: str = ""  # SGLN URI


@dataclass
class Aggregation:
    """Packing (ADD) or unpacking (DELETE) of packages and cases into an SSCC case/pallet."""

    parent_sscc: str
    child_sgtins: list[tuple[str, str]]  # (gtin, serial)
    child_ssccs: list[str]
    event_time: datetime
    action: str = "ADD"
    biz_step: str = "packing"
    disposition: str = "in_progress"
    read_point: str = ""
    biz_location: str = ""


@dataclass
class ShippingEvent:
    """An ObjectEvent other than commissioning: shipping, receiving, decommissioning, ...

    `epcs` are EPC URIs (SSCCs of cases, SGTINs of loose packages). Business
    transactions are (type, id) with type short ("po", "desadv", "inv") when it is a
    CBV type, e.g. ("po", "urn:epcglobal:cbv:bt:0614141000012:PO-123"). Sources and
    destinations are (type, SGLN URI) with type "owning_party" or "location".
    """

    epcs: list[str]
    event_time: datetime
    biz_step: str = "shipping"
    disposition: str = "in_transit"
    action: str = "OBSERVE"
    read_point: str = ""
    biz_location: str = ""
    biz_transactions: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    destinations: list[tuple[str, str]] = field(default_factory=list)

    def _first(self, pairs: list[tuple[str, str]], kind: str) -> str:
        return next((value for what, value in pairs if what == kind), "")

    @property
    def source_owning_party(self) -> str:
        return self._first(self.sources, "owning_party")

    @property
    def source_location(self) -> str:
        return self._first(self.sources, "location")

    @property
    def destination_owning_party(self) -> str:
        return self._first(self.destinations, "owning_party")

    @property
    def destination_location(self) -> str:
        return self._first(self.destinations, "location")

    def biz_transaction(self, kind: str) -> str:
        """The id of the first business transaction of type `kind` ("po", ...), or ""."""
        return self._first(self.biz_transactions, kind)


class Package(NamedTuple):
    gtin: str
    serial: str
    lot: str
    expiry: date
    case_sscc: str  # "" when the package travels loose


class Lot(NamedTuple):
    gtin: str
    lot: str
    expiry: date
    packages: int


@dataclass
class EpcisDocument:
    header: Header
    statement: TransactionStatement | None = None
    parties: list[Party] = field(default_factory=list)
    products: list[ProductClass] = field(default_factory=list)
    commissionings: list[Commissioning] = field(default_factory=list)
    aggregations: list[Aggregation] = field(default_factory=list)
    shipping_events: list[ShippingEvent] = field(default_factory=list)
    created: datetime | None = None  # EPCISDocument/@creationDate; header.created when None
    # GTIN-14 or SSCC-18 -> length of its GS1 company prefix (how its EPC URI splits it).
    company_prefix_lengths: dict[str, int] = field(default_factory=dict)

    def packages(self) -> list[Package]:
        """Every commissioned package with its lot, expiry and the case it is packed in."""
        case = self._case_of_packages()
        return [
            Package(c.gtin, serial, c.lot, c.expiry, case.get((c.gtin, serial), ""))
            for c in self.commissionings
            for serial in c.serials
        ]

    def cases(self) -> list[str]:
        """SSCCs that hold packages or other cases once all packing/unpacking is applied."""
        contents: dict[str, set] = {}
        for agg in self.aggregations:
            children = contents.setdefault(agg.parent_sscc, set())
            members = set(agg.child_sgtins) | set(agg.child_ssccs)
            if agg.action == "DELETE":
                children -= members if members else children.copy()
            else:
                children |= members
        return [sscc for sscc, children in contents.items() if children]

    def lots(self) -> list[Lot]:
        """(gtin, lot, expiry, number of packages), in the order first commissioned."""
        counts: dict[tuple[str, str, date], int] = {}
        for c in self.commissionings:
            key = (c.gtin, c.lot, c.expiry)
            counts[key] = counts.get(key, 0) + len(c.serials)
        return [Lot(gtin, lot, expiry, n) for (gtin, lot, expiry), n in counts.items()]

    def product(self, gtin: str) -> ProductClass | None:
        return next((p for p in self.products if p.gtin == gtin), None)

    def party(self, sgln: str) -> Party | None:
        return next((p for p in self.parties if p.sgln == sgln), None)

    def prefix_length(self, key: str, what: str = "GTIN") -> int:
        """Company prefix length for a GTIN (product master data first) or an SSCC."""
        product = self.product(key) if what == "GTIN" else None
        if product is not None:
            return product.company_prefix_length
        if key in self.company_prefix_lengths:
            return self.company_prefix_lengths[key]
        raise InvalidInput(
            "company_prefix_length",
            f"The {what} {key} has no known GS1 company prefix length, which its EPC URI "
            "needs. Set it in the product or partner setup (for NDC-based GTINs it is 2 + "
            "the labeler code's length).",
        )

    def _case_of_packages(self) -> dict[tuple[str, str], str]:
        case: dict[tuple[str, str], str] = {}
        for agg in self.aggregations:
            for child in agg.child_sgtins:
                if agg.action == "DELETE":
                    if case.get(child) == agg.parent_sscc:
                        del case[child]
                else:
                    case[child] = agg.parent_sscc
        return case
