"""Trading partners as the screens read them, with their authorization status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.errors import NotFound
from core.models import Partner, PartnerAddress, PartnerEvidence
from core.models.partners import RETIRED_SHIP_TO
from core.money import percent_text
from core.queries.atp import AtpStatus, atp_status, current_evidence, newest_first
from core.queries.paging import PAGE, contains
from core.vocab import AddressKind, EvidenceKind, PartnerType


@dataclass(frozen=True)
class PartnerRow:
    id: int
    name: str
    gln: str
    is_customer: bool
    is_supplier: bool
    partner_type: PartnerType
    phone: str
    city: str
    state: str
    active: bool

    @property
    def roles(self) -> str:
        return "+".join(r for r, on in (("customer", self.is_customer),
                                        ("supplier", self.is_supplier)) if on)


@dataclass(frozen=True)
class AddressRow:
    id: int
    kind: AddressKind
    name: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str
    gln: str
    is_default: bool
    active: bool = True  # False: a retired ship-to, kept because records may name it

    def one_line(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.postal_code}"


@dataclass(frozen=True)
class EvidenceRow:
    id: int
    kind: EvidenceKind
    state: str
    number: str
    license_type: str
    schedules: str
    expiry: date | None
    verified_on: date | None
    verified_by: str
    current: bool = True  # False: replaced by a newer record of its kind and state


@dataclass(frozen=True)
class CustomerTerms:
    """How a customer is billed and when its new orders are held (set_customer_terms);
    of a supplier only payment_terms_days is used (when its bills fall due), the rest
    carry the defaults, unused."""

    payment_terms_days: int  # Net N
    tax_rate_bp: Decimal  # 0: exempt
    invoice_on_ship: bool  # else invoiced by hand
    credit_limit: Decimal  # 0: none
    hold_past_due_days: int  # 0: never held for past-due invoices
    min_shelf_life_days: int  # 0: anything unexpired

    @property
    def tax_percent(self) -> str:
        return percent_text(self.tax_rate_bp)


@dataclass(frozen=True)
class PartnerDetail:
    partner: PartnerRow
    email: str
    gs1_prefix_length: int
    addresses: list[AddressRow]
    evidence: list[EvidenceRow]
    atp: AtpStatus
    terms: CustomerTerms


def _filtered(text: str, role: str):
    query = Partner.select()
    if role == "customer":
        query = query.where(Partner.is_customer)
    elif role == "supplier":
        query = query.where(Partner.is_supplier)
    text = (text or "").strip()
    if text:
        query = query.where(contains(Partner.name, text) | (Partner.gln == text))
    return query


def count_partners(text: str = "", role: str = "") -> int:
    return _filtered(text, role).count()


def search_partners(text: str = "", role: str = "", offset: int = 0,
                    limit: int = PAGE) -> list[PartnerRow]:
    """A page of partners by name or GLN; `role` is '', 'customer' or 'supplier'."""
    partners = list(_filtered(text, role).order_by(Partner.name, Partner.id)
                    .offset(offset).limit(limit))
    bill_to = {a.partner_id: a for a in PartnerAddress.select().where(
        PartnerAddress.partner.in_([p.id for p in partners]) & PartnerAddress.is_default
    ).order_by(PartnerAddress.kind.desc())} if partners else {}  # bill-to wins
    return [_row(p, bill_to.get(p.id)) for p in partners]


def _row(p: Partner, address: PartnerAddress | None) -> PartnerRow:
    return PartnerRow(p.id, p.name, p.gln or "", p.is_customer, p.is_supplier,
                      PartnerType(p.partner_type), p.phone, address.city if address else "",
                      address.state if address else "", p.active)


def partner_detail(partner_id: int, on: date | None = None) -> PartnerDetail:
    p = Partner.get_or_none(Partner.id == partner_id)
    if p is None:
        raise NotFound("trading partner", partner_id)
    addresses = sorted(
        (_address(a) for a in PartnerAddress.select().where(PartnerAddress.partner == p)),
        key=lambda a: (not a.active, a.kind.value, not a.is_default, a.id))
    stored = newest_first(PartnerEvidence.select().where(PartnerEvidence.partner == p))
    current = {e.id for e in current_evidence(stored)}
    evidence = sorted(
        (EvidenceRow(e.id, EvidenceKind(e.kind), e.state, e.number, e.license_type,
                     e.schedules, e.expiry, e.verified_on, e.verified_by, e.id in current)
         for e in stored),
        key=lambda e: (e.kind.value, e.state))  # stable: newest first within each
    default = next((a for a in addresses if a.is_default and a.kind is AddressKind.BILL_TO),
                   next((a for a in addresses if a.is_default), None))
    row = PartnerRow(p.id, p.name, p.gln or "", p.is_customer, p.is_supplier,
                     PartnerType(p.partner_type), p.phone, default.city if default else "",
                     default.state if default else "", p.active)
    terms = CustomerTerms(p.payment_terms_days, p.tax_rate_bp, p.invoice_on_ship,
                          p.credit_limit, p.hold_past_due_days, p.min_shelf_life_days)
    return PartnerDetail(row, p.email, p.gs1_prefix_length, addresses, evidence,
                         atp_status(p.id, on), terms)


def _address(a: PartnerAddress) -> AddressRow:
    retired = a.kind == RETIRED_SHIP_TO
    return AddressRow(a.id, AddressKind.SHIP_TO if retired else AddressKind(a.kind), a.name,
                      a.street, a.city, a.state, a.postal_code, a.country, a.gln or "",
                      a.is_default, not retired)


def partner_by_gln(gln: str) -> PartnerRow | None:
    p = Partner.get_or_none(Partner.gln == gln)
    return partner_detail(p.id).partner if p else None
