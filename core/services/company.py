"""Our company profile: who we are on every T3 document and EPCIS file."""

from __future__ import annotations

import re

from core.db import write_transaction
from core.errors import DatabaseNotInitialised, InvalidInput
from core.gs1 import validate_gln
from core.licenses import parse_date, validate_dea, validate_state
from core.models import Company
from core.permissions import Actor, Permission
from core.queries.company import CompanyProfile, company_profile
from core.services import audit
from core.services.access import authorize

EDITABLE = (
    "legal_name", "street", "city", "state", "postal_code", "country", "gln",
    "gs1_prefix_length", "phone", "license_state", "license_number", "license_expiry",
    "dea_number", "dea_expiry", "remit_to", "billing_email",
)
_POSTAL = re.compile(r"^\d{5}(-\d{4})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REMIT_TO_LINES = 8  # what fits the remit-to box on an invoice


def clean_company_fields(values: dict[str, object]) -> dict[str, object]:
    """Validate and normalise profile fields; unknown names are a programming error."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], f"Unknown company field(s): {', '.join(sorted(unknown))}.")
    out: dict[str, object] = {}
    for key, value in values.items():
        text = value.strip() if isinstance(value, str) else value
        if key == "legal_name":
            if not text:
                raise InvalidInput(key, "The company's legal name is required.")
            if len(text) > 200:
                raise InvalidInput(key, "The legal name is longer than 200 characters.")
        elif key == "gln":
            text = validate_gln(text, key)
        elif key in ("state", "license_state"):
            text = validate_state(text, key)
        elif key == "country":
            text = (text or "US").upper()
            if len(text) != 2 or not text.isalpha():
                raise InvalidInput(key, f"'{value}' is not a two-letter country code (e.g. US).")
        elif key == "postal_code":
            if text and not _POSTAL.match(text):
                raise InvalidInput(key, f"ZIP code '{value}' must be 5 digits or ZIP+4 (12345-6789).")
        elif key == "gs1_prefix_length":
            try:
                text = int(text)
            except (TypeError, ValueError):
                text = 0
            if not 6 <= text <= 12:
                raise InvalidInput(key, "The GS1 company prefix is 6 to 12 digits long.")
        elif key in ("license_expiry", "dea_expiry"):
            text = parse_date(text, key)
        elif key == "dea_number":
            text = validate_dea(text, key)
        elif key == "billing_email" and text and not _EMAIL.match(text):
            raise InvalidInput(key, f"'{value}' is not an email address.")
        elif key == "remit_to":
            lines = [line.rstrip() for line in (text or "").replace("\r", "").split("\n")]
            if len(lines) > REMIT_TO_LINES:
                raise InvalidInput(key, f"Remit-to has {len(lines)} lines; an invoice has "
                                   f"room for {REMIT_TO_LINES}.")
            text = "\n".join(lines)
        elif key == "phone" and text and len(re.sub(r"\D", "", text)) < 10:
            raise InvalidInput(key, f"Phone number '{value}' needs at least 10 digits.")
        out[key] = "" if text is None and not key.endswith("expiry") else text
    return out


def update_company(actor: Actor, **changes: object) -> CompanyProfile:
    cleaned = clean_company_fields(changes)
    with write_transaction():
        authorize(actor, Permission.EDIT_COMPANY)
        before = company_profile()
        if before is None:
            raise DatabaseNotInitialised("this database")
        if cleaned:
            Company.update(**cleaned).where(Company.id == 1).execute()
        after = company_profile()
        audit.record(actor, "update_company", "company", 1,
                     audit.describe_changes(before.as_dict(), after.as_dict()))
        return after
