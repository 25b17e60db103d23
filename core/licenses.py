"""US license identifiers: state codes and DEA registration numbers."""

from __future__ import annotations

from datetime import date

from core.errors import InvalidInput

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR VI GU AS MP".split()
)


def validate_state(text: str, field: str = "state", required: bool = False) -> str:
    value = (text or "").strip().upper()
    if not value and not required:
        return ""
    if value not in US_STATES:
        raise InvalidInput(field, f"'{text}' is not a US state or territory code (e.g. NJ, CA).")
    return value


def validate_dea(text: str, field: str = "dea_number") -> str:
    """Two letters and seven digits whose last digit is the DEA check digit."""
    value = (text or "").strip().upper()
    if not value:
        return ""
    if len(value) != 9 or not value[:2].isalpha() or not value[2:].isdigit():
        raise InvalidInput(
            field, f"DEA number '{text}' must be two letters followed by seven digits."
        )
    d = [int(c) for c in value[2:]]
    check = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    if check != d[6]:
        raise InvalidInput(
            field, f"DEA number '{value}' has check digit {d[6]}; it should be {check}."
        )
    return value


def parse_date(text: str | date | None, field: str) -> date | None:
    """ISO dates (YYYY-MM-DD) from forms, files and command-line arguments."""
    if text is None or isinstance(text, date):
        return text
    value = text.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, f"'{text}' is not a date; write it as YYYY-MM-DD.") from None
