"""Trading partners: customers and suppliers, their addresses and the authorization
evidence (licenses, registrations, FDA database checks) with who verified it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.db import write_transaction
from core.errors import AlreadyExists, InvalidInput, NotFound
from core.gs1 import validate_gln
from core.licenses import parse_date, validate_dea, validate_state
from core.models import Partner, PartnerAddress, PartnerEvidence
from core.models.base import utc_now
from core.permissions import Actor, Permission
from core.services import audit
from core.services.access import authorize
from core.vocab import AddressKind, EvidenceKind, PartnerType

_POSTAL = re.compile(r"^\d{5}(-\d{4})?$")
_DEA_SCHEDULES = re.compile(r"^(2N?|3N?|4|5)(,(2N?|3N?|4|5))*$")


@dataclass(frozen=True)
class Address:
    kind: AddressKind
    street: str
    city: str
    state: str
    postal_code: str
    name: str = ""
    country: str = "US"
    gln: str = ""
    is_default: bool = False


def parse_roles(text: str) -> tuple[bool, bool]:
    """'customer', 'supplier' or 'customer+supplier' -> (is_customer, is_supplier)."""
    parts = {p.strip().lower() for p in re.split(r"[+,/ ]+", text or "") if p.strip()}
    if not parts or parts - {"customer", "supplier"}:
        raise InvalidInput("roles", f"Roles '{text}' must be customer, supplier or "
                           "customer+supplier.")
    return "customer" in parts, "supplier" in parts


def _clean_address(a: Address) -> dict[str, object]:
    for field_name in ("street", "city"):
        if not getattr(a, field_name).strip():
            raise InvalidInput(field_name, f"The {a.kind.label.lower()} address needs a {field_name}.")
    if not _POSTAL.match(a.postal_code.strip()):
        raise InvalidInput("postal_code", f"ZIP code '{a.postal_code}' must be 5 digits or ZIP+4.")
    return {"kind": a.kind.value, "name": a.name.strip(), "street": a.street.strip(),
            "city": a.city.strip(), "state": validate_state(a.state, "state", required=True),
            "postal_code": a.postal_code.strip(), "country": (a.country or "US").upper(),
            "gln": validate_gln(a.gln, "gln") if a.gln.strip() else None,
            "is_default": a.is_default}


def check_address(address: Address) -> None:
    """Raise what add_partner would raise for this address; a form checks each of its
    addresses first so the message lands under the right one."""
    _clean_address(address)


def add_partner(actor: Actor, name: str, roles: str, partner_type: str | PartnerType,
                gln: str = "", addresses: list[Address] = (), phone: str = "",
                email: str = "", gs1_prefix_length: int = 7) -> int:
    legal = (name or "").strip()
    if not legal:
        raise InvalidInput("name", "The partner's legal name is required.")
    is_customer, is_supplier = parse_roles(roles)
    ptype = (partner_type if isinstance(partner_type, PartnerType)
             else PartnerType.parse(partner_type, "partner_type"))
    gln_value = validate_gln(gln) if (gln or "").strip() else None
    rows = [_clean_address(a) for a in addresses]
    if is_customer and not any(r["kind"] == AddressKind.SHIP_TO.value for r in rows):
        raise InvalidInput("addresses", f"Customer {legal} needs at least one ship-to address.")
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        if gln_value and Partner.select().where(Partner.gln == gln_value).exists():
            raise AlreadyExists("trading partner with GLN", gln_value)
        partner = Partner.create(name=legal, gln=gln_value, gs1_prefix_length=gs1_prefix_length,
                                 is_customer=is_customer, is_supplier=is_supplier,
                                 partner_type=ptype.value, phone=(phone or "").strip(),
                                 email=(email or "").strip(), created_at=utc_now())
        for kind in AddressKind:
            of_kind = [r for r in rows if r["kind"] == kind.value]
            if of_kind and not any(r["is_default"] for r in of_kind):
                of_kind[0]["is_default"] = True
        for row in rows:
            PartnerAddress.create(partner=partner, **row)
        audit.record(actor, "add_partner", "partner", partner.id,
                     f"{legal} ({roles}, {ptype.value}) GLN {gln_value or '-'}")
        return partner.id


def add_evidence(actor: Actor, partner_id: int, kind: str | EvidenceKind, number: str = "",
                 state: str = "", expiry: str | date | None = None,
                 verified_on: str | date | None = None, license_type: str = "",
                 schedules: str = "") -> int:
    """Record a license, registration or FDA database check; the acting user is
    recorded as the verifier."""
    kind = kind if isinstance(kind, EvidenceKind) else EvidenceKind.parse(kind, "kind")
    number = (number or "").strip()
    state = validate_state(state, "state", required=kind is EvidenceKind.STATE_LICENSE)
    if kind is EvidenceKind.DEA:
        number = validate_dea(number, "number")
        schedules = (schedules or "2,2N,3,3N,4,5").replace(" ", "").upper()
        if not _DEA_SCHEDULES.match(schedules):
            raise InvalidInput("schedules", f"DEA schedules '{schedules}' must be a list like "
                               "2,2N,3,3N,4,5.")
    if kind is not EvidenceKind.FDA_ANNUAL_REPORT and not number:
        raise InvalidInput("number", f"A {kind.label.lower()} needs its number.")
    expiry = parse_date(expiry, "expiry")
    verified = parse_date(verified_on, "verified_on") or date.today()
    if kind in (EvidenceKind.STATE_LICENSE, EvidenceKind.DEA) and expiry is None:
        raise InvalidInput("expiry", f"Enter the {kind.label.lower()}'s expiry date.")
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        if not Partner.select().where(Partner.id == partner_id).exists():
            raise NotFound("trading partner", partner_id)
        row = PartnerEvidence.create(partner=partner_id, kind=kind.value, state=state,
                                     number=number, license_type=(license_type or "").strip(),
                                     schedules=schedules if kind is EvidenceKind.DEA else "",
                                     expiry=expiry, verified_on=verified,
                                     verified_by=actor.username)
        audit.record(actor, "add_evidence", "partner", partner_id,
                     f"{kind.label} {state} {number} expires {expiry or '-'} verified {verified}")
        return row.id
