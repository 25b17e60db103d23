"""Trading partners: customers and suppliers, their addresses and the authorization
evidence (licenses, registrations, FDA database checks) with who verified it.

Nothing here deletes a row: a changed ship-to is retired, a renewed license is a new
evidence row next to the old one (DSCSA records are kept six years), a partner one no
longer trades with is deactivated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from core.db import is_postgres, write_transaction
from core.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied, RxDeskError
from core.gs1 import validate_gln
from core.licenses import parse_date, validate_dea, validate_state
from core.models import Partner, PartnerAddress, PartnerEvidence, PurchaseOrder
from core.models.base import utc_now
from core.models.partners import RETIRED_SHIP_TO
from core.money import parse_money, parse_tax_rate, percent_text
from core.permissions import Actor, Permission, roles_with
from core.queries.atp import newest_first
from core.services import audit
from core.services.access import authorize
from core.vocab import AddressKind, EvidenceKind, PartnerType, PoStatus

_POSTAL = re.compile(r"^\d{5}(-\d{4})?$")
_DEA_SCHEDULES = re.compile(r"^(2N?|3N?|4|5)(,(2N?|3N?|4|5))*$")
# A purchase order in any other state may still bring goods, invoices or returns.
CLOSED_PO_STATES = (PoStatus.CLOSED.value, PoStatus.CANCELLED.value)
_LIMITS = {"name": ("legal name", 200), "phone": ("phone number", 30),
           "email": ("email address", 120)}
_ADDRESS_LIMITS = {"name": 200, "street": 200, "city": 100}


class PartnerInUse(RxDeskError):
    """The change would leave open business without the role or address it needs."""

    title = "Not possible now"


class NotRenewable(RxDeskError):
    title = "Renew the newest record"


class NotACustomer(InvalidInput):
    """Billing and credit terms other than payment terms were asked of a partner that
    only supplies us; `field` is the first such term, so a form shows it there."""

    def __init__(self, name: str, terms: list[str]):
        labels = [TERM_LABELS[t] for t in terms]
        named = " and ".join(filter(None, (", ".join(labels[:-1]), labels[-1])))
        super().__init__(terms[0], f"{name} is a supplier, not a customer: only payment "
                         f"terms apply to a supplier, so its {named} cannot be set.")


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
    for field_name, limit in _ADDRESS_LIMITS.items():
        if len(getattr(a, field_name).strip()) > limit:
            raise InvalidInput(field_name, f"The {field_name.replace('_', ' ')} is longer than "
                               f"{limit} characters; shorten it.")
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




def _clean_text(field_name: str, value: str) -> str:
    text = (value or "").strip()
    noun, limit = _LIMITS[field_name]
    if len(text) > limit:
        raise InvalidInput(field_name, f"The {noun} is longer than {limit} characters; "
                           "shorten it.")
    return text


def _legal_name(name: str) -> str:
    legal = _clean_text("name", name)
    if not legal:
        raise InvalidInput("name", "The partner's legal name is required.")
    return legal


def _partner_type(value: str | PartnerType) -> PartnerType:
    return value if isinstance(value, PartnerType) else PartnerType.parse(value, "partner_type")


def roles_text(is_customer: bool, is_supplier: bool) -> str:
    return "+".join(r for r, on in (("customer", is_customer), ("supplier", is_supplier)) if on)


def add_partner(actor: Actor, name: str, roles: str, partner_type: str | PartnerType,
                gln: str = "", addresses: list[Address] = (), phone: str = "",
                email: str = "", gs1_prefix_length: int = 7) -> int:
    legal = _legal_name(name)
    is_customer, is_supplier = parse_roles(roles)
    ptype = _partner_type(partner_type)
    gln_value = validate_gln(gln) if (gln or "").strip() else None
    phone, email = _clean_text("phone", phone), _clean_text("email", email)
    rows = [_clean_address(a) for a in addresses]
    if is_customer and not any(r["kind"] == AddressKind.SHIP_TO.value for r in rows):
        raise InvalidInput("addresses", f"Customer {legal} needs at least one ship-to address.")
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        if gln_value and Partner.select().where(Partner.gln == gln_value).exists():
            raise AlreadyExists("trading partner with GLN", gln_value)
        partner = Partner.create(name=legal, gln=gln_value, gs1_prefix_length=gs1_prefix_length,
                                 is_customer=is_customer, is_supplier=is_supplier,
                                 partner_type=ptype.value, phone=phone, email=email,
                                 created_at=utc_now())
        for kind in AddressKind:
            of_kind = [r for r in rows if r["kind"] == kind.value]
            if of_kind and not any(r["is_default"] for r in of_kind):
                of_kind[0]["is_default"] = True
        for row in rows:
            PartnerAddress.create(partner=partner, **row)
        audit.record(actor, "add_partner", "partner", partner.id,
                     f"{legal} ({roles}, {ptype.value}) GLN {gln_value or '-'}")
        return partner.id


def _locked_partner(partner_id: int) -> Partner:
    query = Partner.select().where(Partner.id == partner_id)
    partner = (query.for_update() if is_postgres() else query).first()
    if partner is None:
        raise NotFound("trading partner", partner_id)
    return partner


def _details(p: Partner) -> dict[str, object]:
    return {"name": p.name, "roles": roles_text(p.is_customer, p.is_supplier),
            "partner_type": p.partner_type, "gln": p.gln or "", "phone": p.phone,
            "email": p.email}


def open_purchase_orders(partner_id: int) -> list[str]:
    """Numbers of the supplier's purchase orders that are neither closed nor cancelled."""
    return [n for (n,) in PurchaseOrder.select(PurchaseOrder.number).where(
        (PurchaseOrder.supplier == partner_id)
        & PurchaseOrder.status.not_in(CLOSED_PO_STATES)).order_by(PurchaseOrder.id).tuples()]


def _active_ship_tos(partner_id: int):
    return PartnerAddress.select().where(
        (PartnerAddress.partner == partner_id)
        & (PartnerAddress.kind == AddressKind.SHIP_TO.value)).order_by(PartnerAddress.id)


def update_partner(actor: Actor, partner_id: int, *, name: str | None = None,
                   roles: str | None = None, partner_type: str | PartnerType | None = None,
                   gln: str | None = None, phone: str | None = None,
                   email: str | None = None) -> dict[str, tuple[object, object]]:
    """Change the details given (None = leave as is; gln='' removes the GLN), checked as
    add_partner checks them. Returns {field: (before, after)} of what changed; when
    nothing did, nothing is written or audited.

    A supplier with open purchase orders keeps its supplier role (the orders still need
    a supplier to receive from); a partner becomes a customer only once it has a ship-to.
    """
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = _legal_name(name)
    if roles is not None:
        wanted["roles"] = roles_text(*parse_roles(roles))
    if partner_type is not None:
        wanted["partner_type"] = _partner_type(partner_type).value
    if gln is not None:
        wanted["gln"] = validate_gln(gln) if gln.strip() else ""
    if phone is not None:
        wanted["phone"] = _clean_text("phone", phone)
    if email is not None:
        wanted["email"] = _clean_text("email", email)
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        partner = _locked_partner(partner_id)
        before = _details(partner)
        changes = {k: (before[k], v) for k, v in wanted.items() if before[k] != v}
        if not changes:
            return {}
        new_gln = changes.get("gln", (None, None))[1]
        if new_gln and Partner.select().where(
                (Partner.gln == new_gln) & (Partner.id != partner.id)).exists():
            raise AlreadyExists("trading partner with GLN", new_gln)
        is_customer, is_supplier = partner.is_customer, partner.is_supplier
        if "roles" in changes:
            is_customer, is_supplier = parse_roles(changes["roles"][1])
            if partner.is_supplier and not is_supplier and (
                    orders := open_purchase_orders(partner.id)):
                shown = ", ".join(orders[:5]) + (" …" if len(orders) > 5 else "")
                raise PartnerInUse(
                    f"{partner.name} has {len(orders)} open purchase order"
                    f"{'s' if len(orders) != 1 else ''} ({shown}); receive and close or "
                    "cancel them before removing the supplier role.")
            if is_customer and not partner.is_customer and not _active_ship_tos(
                    partner.id).exists():
                raise InvalidInput("roles", f"{partner.name} needs a ship-to address before "
                                   "it can be a customer; add one first.")
        after = {k: new for k, (_old, new) in changes.items()}
        fields = {k: after[k] for k in ("name", "partner_type", "phone", "email") if k in after}
        if "gln" in after:
            fields["gln"] = after["gln"] or None
        Partner.update(is_customer=is_customer, is_supplier=is_supplier, **fields).where(
            Partner.id == partner.id).execute()
        audit.record(actor, "update_partner", "partner", partner.id, f"{partner.name}: "
                     + audit.describe_changes({k: old for k, (old, _new) in changes.items()},
                                              after))
        return changes


# --- billing and credit terms -------------------------------------------------------------

# field: (what it is called, most days accepted, what 0 means)
_TERM_DAYS = {
    "payment_terms_days": ("Payment terms", 365, "0: due on receipt"),
    "hold_past_due_days": ("Credit hold", 365, "0: never hold"),
    "min_shelf_life_days": ("Minimum shelf life", 1825, "5 years; 0: anything unexpired"),
}
# A credit limit and the past-due hold decide when a customer's orders are held; whoever
# may only edit partners must not be able to lift them to get round a hold.
CREDIT_POLICY = frozenset({"credit_limit", "hold_past_due_days"})
CREDIT_POLICY_PERMISSION = Permission.OVERRIDE_HOLD


def _term_days(field_name: str, value: int | str) -> int:
    noun, most, zero = _TERM_DAYS[field_name]
    text = "" if isinstance(value, bool) else str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise InvalidInput(field_name, f"{noun}: '{value}' is not a whole number of days.")
    days = int(text)
    if days > most:
        raise InvalidInput(field_name, f"{noun}: {days} days is too many; enter 0 to {most} "
                           f"({zero}).")
    return days


def term_text(name: str, value: object) -> str:
    """A term as the audit trail and the command line say it (`name` and `value` as in
    what set_customer_terms returns: tax_rate as a percent)."""
    if name == "payment_terms_days":
        return f"Net {value}"
    if name == "credit_limit":
        return f"{value}" if value else "no limit"
    if name == "invoice_on_ship":
        return "on shipping" if value else "by hand"
    if name == "tax_rate":
        return f"{value}%" if value else "exempt"
    if name == "hold_past_due_days":
        return f"after {value} days past due" if value else "never"
    return f"{value} days" if value else "none"


TERM_LABELS = {"payment_terms_days": "payment terms", "credit_limit": "credit limit",
               "invoice_on_ship": "invoicing", "tax_rate": "sales tax",
               "hold_past_due_days": "credit hold", "min_shelf_life_days": "minimum shelf life"}


def describe_terms(changes: dict[str, tuple[object, object]]) -> str:
    """'payment terms Net 30 -> Net 45; sales tax exempt -> 6.625%' for what
    set_customer_terms returned."""
    return "; ".join(f"{TERM_LABELS[k]} {term_text(k, before)} -> {term_text(k, after)}"
                     for k, (before, after) in changes.items())


def set_customer_terms(actor: Actor, partner_id: int, *,
                       payment_terms_days: int | str | None = None,
                       credit_limit: str | Decimal | None = None,
                       invoice_on_ship: bool | None = None,
                       tax_rate: str | Decimal | None = None,
                       hold_past_due_days: int | str | None = None,
                       min_shelf_life_days: int | str | None = None,
                       ) -> dict[str, tuple[object, object]]:
    """Set a customer's billing and credit terms, or a supplier's payment terms
    (None = leave as is): days to pay
    (Net N), credit limit (0 or '' = none), whether shipping raises the invoice, sales
    tax as a percent ('6.625'; 0 = exempt, as for prescription drugs sold for resale),
    days past due before new orders are held (0 = never) and the least remaining shelf
    life allocated to its orders. Invoices raised afterwards use the new terms; posted
    invoices keep theirs.

    A supplier that is not a customer has payment terms only (Net N: when its bills fall
    due, see payables.enter_bill); any other term for it raises NotACustomer. A partner
    that is both keeps one value, used for its invoices and its bills alike.

    Partner editors set terms, tax, invoicing and shelf life; the credit limit and the
    hold threshold are credit policy and also need CREDIT_POLICY_PERMISSION (owner,
    administrator), checked only when they change so one form can submit every value.
    Returns {argument: (before, after)} of what changed (tax as a Decimal percent);
    when nothing did, nothing is written or audited."""
    if invoice_on_ship is not None and not isinstance(invoice_on_ship, bool):
        raise InvalidInput("invoice_on_ship", "Invoicing on shipping is yes or no, not "
                           f"'{invoice_on_ship}'.")
    given = (  # (model field, value, cleaned), in the order the audit entry lists them
        ("payment_terms_days", payment_terms_days, partial(_term_days, "payment_terms_days")),
        ("tax_rate_bp", tax_rate, lambda v: parse_tax_rate(v, "tax_rate")),
        ("invoice_on_ship", invoice_on_ship, bool),
        ("credit_limit", credit_limit, lambda v: parse_money(v, "credit_limit")),
        ("hold_past_due_days", hold_past_due_days, partial(_term_days, "hold_past_due_days")),
        ("min_shelf_life_days", min_shelf_life_days,
         partial(_term_days, "min_shelf_life_days")))
    wanted = {name: clean(value) for name, value, clean in given if value is not None}
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        partner = _locked_partner(partner_id)
        if not partner.is_customer and (refused := [
                "tax_rate" if k == "tax_rate_bp" else k for k in wanted
                if k != "payment_terms_days"]):
            raise NotACustomer(partner.name, refused)
        changes = {k: (getattr(partner, k), v) for k, v in wanted.items()
                   if getattr(partner, k) != v}
        if not changes:
            return {}
        if CREDIT_POLICY & changes.keys() and not actor.may(CREDIT_POLICY_PERMISSION):
            who = " or ".join(r.value for r in roles_with(Permission.MANAGE_PARTNERS,
                                                          CREDIT_POLICY_PERMISSION))
            raise PermissionDenied(actor.username, actor.role.value,
                                   "change a customer's credit limit or credit hold (credit "
                                   f"policy: only the {who} role may)")
        Partner.update(**{k: after for k, (_before, after) in changes.items()}).where(
            Partner.id == partner.id).execute()
        result = {("tax_rate" if k == "tax_rate_bp" else k):
                  tuple(Decimal(percent_text(bp)) for bp in v) if k == "tax_rate_bp" else v
                  for k, v in changes.items()}
        audit.record(actor, "set_customer_terms", "partner", partner.id,
                     f"{partner.name}: {describe_terms(result)}")
        return result


def set_partner_active(actor: Actor, partner_id: int, active: bool, reason: str = "") -> bool:
    """Deactivate (or reactivate) a partner. An inactive partner fails the ATP check, so
    nothing can be ordered from, received from or shipped to it; its records stay.
    Returns False, writing nothing, when it already was in that state."""
    reason = (reason or "").strip()
    if not active and not reason:
        raise InvalidInput("reason", "Say why the partner is deactivated, e.g. 'license "
                           "revoked' or 'no longer a customer'.")
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        partner = _locked_partner(partner_id)
        if partner.active == active:
            return False
        Partner.update(active=active).where(Partner.id == partner.id).execute()
        audit.record(actor, "reactivate_partner" if active else "deactivate_partner",
                     "partner", partner.id,
                     f"{partner.name}" + (f": {reason}" if reason else ""))
        return True


def deactivate_partner(actor: Actor, partner_id: int, reason: str) -> bool:
    return set_partner_active(actor, partner_id, False, reason)


def reactivate_partner(actor: Actor, partner_id: int, reason: str = "") -> bool:
    return set_partner_active(actor, partner_id, True, reason)


# --- addresses ---------------------------------------------------------------------------

def _locked_address(address_id: int) -> PartnerAddress:
    query = PartnerAddress.select().where(PartnerAddress.id == address_id)
    address = (query.for_update() if is_postgres() else query).first()
    if address is None:
        raise NotFound("partner address", address_id)
    return address


_ADDRESS_FIELDS = ("name", "street", "city", "state", "postal_code", "country", "gln")


def _one_line(values) -> str:
    get = values.get if isinstance(values, dict) else lambda k: getattr(values, k)
    return f"{get('street')}, {get('city')}, {get('state')} {get('postal_code')}"


def _make_default(address: PartnerAddress | int, partner_id: int, kind: str) -> None:
    address_id = address if isinstance(address, int) else address.id
    PartnerAddress.update(is_default=PartnerAddress.id == address_id).where(
        (PartnerAddress.partner == partner_id) & (PartnerAddress.kind == kind)).execute()


def add_address(actor: Actor, partner_id: int, address: Address) -> int:
    """Another ship-to (the default if `address.is_default` or the first), or the bill-to
    of a partner that has none (a partner has one bill-to: change it instead)."""
    row = _clean_address(address)
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        partner = _locked_partner(partner_id)
        if address.kind is AddressKind.BILL_TO:
            if PartnerAddress.select().where(
                    (PartnerAddress.partner == partner.id)
                    & (PartnerAddress.kind == AddressKind.BILL_TO.value)).exists():
                raise InvalidInput("kind", f"{partner.name} already has a bill-to address; "
                                   "change that one instead of adding another.")
            row["is_default"] = True
        else:
            row["is_default"] = row["is_default"] or not _active_ship_tos(partner.id).exists()
        created = PartnerAddress.create(partner=partner, **row)
        if address.kind is AddressKind.SHIP_TO and row["is_default"]:
            _make_default(created, partner.id, address.kind.value)
        audit.record(actor, "add_address", "partner", partner.id,
                     f"{partner.name}: {address.kind.label} #{created.id} {_one_line(row)}"
                     + (" (default)" if row["is_default"] else ""))
        return created.id


def update_address(actor: Actor, address_id: int, address: Address) -> dict[str, tuple]:
    """Correct an address in place (a typo, a new suite number). `address.is_default`
    True makes a ship-to the default; the default is changed by choosing another one.
    Returns {field: (before, after)}; nothing is written when nothing changed."""
    row = _clean_address(address)
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        stored = _locked_address(address_id)
        if stored.kind == RETIRED_SHIP_TO:
            raise InvalidInput("address", "This ship-to address is retired; add a new ship-to "
                               "instead of changing it.")
        if stored.kind != row["kind"]:
            raise InvalidInput("kind", "An address cannot change between bill-to and ship-to; "
                               "add a new ship-to and retire the old one.")
        before = {k: getattr(stored, k) or "" for k in _ADDRESS_FIELDS}
        after = {k: row[k] or "" for k in _ADDRESS_FIELDS}
        changes = {k: (before[k], after[k]) for k in _ADDRESS_FIELDS if before[k] != after[k]}
        if row["is_default"] and not stored.is_default:
            changes["is_default"] = (False, True)
        if not changes:
            return {}
        PartnerAddress.update(**{k: row[k] for k in _ADDRESS_FIELDS}).where(
            PartnerAddress.id == stored.id).execute()
        if "is_default" in changes:
            _make_default(stored, stored.partner_id, stored.kind)
        name = Partner.select(Partner.name).where(Partner.id == stored.partner_id).scalar()
        audit.record(actor, "update_address", "partner", stored.partner_id,
                     f"{name}: {AddressKind(stored.kind).label} #{stored.id}: "
                     + audit.describe_changes({k: b for k, (b, _a) in changes.items()},
                                              {k: a for k, (_b, a) in changes.items()}))
        return changes


def retire_address(actor: Actor, address_id: int, reason: str = "") -> bool:
    """Stop using a ship-to without deleting it (orders and shipments may name it). A
    customer keeps at least one ship-to; if the default goes, the oldest remaining one
    becomes the default. Returns False when it was already retired."""
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        stored = _locked_address(address_id)
        if stored.kind == RETIRED_SHIP_TO:
            return False
        if stored.kind != AddressKind.SHIP_TO.value:
            raise InvalidInput("kind", "The bill-to address cannot be retired; change it "
                               "instead.")
        partner = _locked_partner(stored.partner_id)
        remaining = [a.id for a in _active_ship_tos(partner.id) if a.id != stored.id]
        if partner.is_customer and not remaining:
            raise PartnerInUse(f"{_one_line(stored)} is the only ship-to address of customer "
                               f"{partner.name}; add another ship-to before retiring this one.")
        PartnerAddress.update(kind=RETIRED_SHIP_TO, is_default=False).where(
            PartnerAddress.id == stored.id).execute()
        if stored.is_default and remaining:
            _make_default(remaining[0], partner.id, AddressKind.SHIP_TO.value)
        note = (reason or "").strip()
        audit.record(actor, "retire_address", "partner", partner.id,
                     f"{partner.name}: ship-to #{stored.id} {_one_line(stored)} retired"
                     + (f": {note}" if note else ""))
        return True


# --- authorization evidence -----------------------------------------------------------------

def _clean_evidence(kind: EvidenceKind, number: str, state: str, expiry, verified_on,
                    license_type: str, schedules: str) -> dict[str, object]:
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
    if len(number) > 40:
        raise InvalidInput("number", "The number is longer than 40 characters.")
    license_type = (license_type or "").strip()
    if len(license_type) > 60:
        raise InvalidInput("license_type", "The license type is longer than 60 characters.")
    expiry = parse_date(expiry, "expiry")
    verified = parse_date(verified_on, "verified_on") or date.today()
    if kind in (EvidenceKind.STATE_LICENSE, EvidenceKind.DEA) and expiry is None:
        raise InvalidInput("expiry", f"Enter the {kind.label.lower()}'s expiry date.")
    return {"kind": kind.value, "state": state, "number": number, "license_type": license_type,
            "schedules": schedules if kind is EvidenceKind.DEA else "", "expiry": expiry,
            "verified_on": verified}


def add_evidence(actor: Actor, partner_id: int, kind: str | EvidenceKind, number: str = "",
                 state: str = "", expiry: str | date | None = None,
                 verified_on: str | date | None = None, license_type: str = "",
                 schedules: str = "") -> int:
    """Record a license, registration or FDA database check; the acting user is
    recorded as the verifier."""
    kind = kind if isinstance(kind, EvidenceKind) else EvidenceKind.parse(kind, "kind")
    values = _clean_evidence(kind, number, state, expiry, verified_on, license_type, schedules)
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        if not Partner.select().where(Partner.id == partner_id).exists():
            raise NotFound("trading partner", partner_id)
        row = PartnerEvidence.create(partner=partner_id, verified_by=actor.username, **values)
        audit.record(actor, "add_evidence", "partner", partner_id,
                     f"{kind.label} {values['state']} {values['number']} expires "
                     f"{values['expiry'] or '-'} verified {values['verified_on']}")
        return row.id


def renew_evidence(actor: Actor, evidence_id: int, expiry: str | date | None = None,
                   number: str | None = None, verified_on: str | date | None = None,
                   license_type: str | None = None, schedules: str | None = None) -> int:
    """A renewed license (or a new FDA check) is a new evidence row of the same kind and
    state; the old row stays as history and stops counting, because the ATP check uses
    the newest record of each kind and state. Only the newest record can be renewed.
    Number, type and schedules default to the old record's. Returns the new row's id."""
    with write_transaction():
        authorize(actor, Permission.MANAGE_PARTNERS)
        old = PartnerEvidence.get_or_none(PartnerEvidence.id == evidence_id)
        if old is None:
            raise NotFound("license or evidence record", evidence_id)
        kind = EvidenceKind(old.kind)
        newest = newest_first(PartnerEvidence.select().where(
            (PartnerEvidence.partner == old.partner_id) & (PartnerEvidence.kind == old.kind)
            & (PartnerEvidence.state == old.state)))[0]
        what = f"{kind.label} {old.state} {old.number}".replace("  ", " ").strip()
        if newest.id != old.id:
            raise NotRenewable(f"{what} was already renewed (record verified "
                               f"{newest.verified_on}); renew the newest record instead.")
        values = _clean_evidence(
            kind, old.number if number is None else number, old.state, expiry, verified_on,
            old.license_type if license_type is None else license_type,
            old.schedules if schedules is None else schedules)
        if old.verified_on and values["verified_on"] < old.verified_on:
            raise InvalidInput("verified_on", f"The renewal cannot be verified before the "
                               f"record it replaces (verified {old.verified_on}).")
        if old.expiry and values["expiry"] is None:
            raise InvalidInput("expiry", f"Enter the renewed {kind.label.lower()}'s expiry "
                               "date.")
        row = PartnerEvidence.create(partner=old.partner_id, verified_by=actor.username,
                                     **values)
        audit.record(actor, "renew_evidence", "partner", old.partner_id,
                     f"{what} renewed as record #{row.id} (replaces #{old.id}): "
                     + audit.describe_changes(
                         {"number": old.number, "expiry": old.expiry,
                          "verified_on": old.verified_on},
                         {"number": values["number"], "expiry": values["expiry"],
                          "verified_on": values["verified_on"]}))
        return row.id
