"""Our company profile, as every document and screen reads it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from core.models import Company


@dataclass(frozen=True)
class CompanyProfile:
    legal_name: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str
    gln: str
    gs1_prefix_length: int
    phone: str
    license_state: str
    license_number: str
    license_expiry: date | None
    dea_number: str
    dea_expiry: date | None
    is_demo: bool
    remit_to: str = ""
    billing_email: str = ""

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def company_profile() -> CompanyProfile | None:
    row = Company.get_or_none(Company.id == 1)
    if row is None:
        return None
    return CompanyProfile(**{f.name: getattr(row, f.name) for f in fields(CompanyProfile)})
