"""GS1 identifiers (GLN now; GTIN, SSCC and scan parsing build on the same rules).

Check digits come from `biip`, GS1's rules implemented once and well tested; here we
only turn its verdicts into messages a person can act on.
"""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit

from core.errors import InvalidInput


def validate_gln(text: str, field: str = "gln") -> str:
    """A GLN-13 with a correct check digit, or InvalidInput saying what is wrong."""
    value = (text or "").strip().replace(" ", "")
    if not value:
        raise InvalidInput(field, "A GLN is required (13 digits, printed on your GS1 certificate).")
    if not value.isdigit():
        raise InvalidInput(field, f"GLN '{value}' must contain only digits.")
    if len(value) != 13:
        raise InvalidInput(field, f"GLN '{value}' has {len(value)} digits; a GLN has 13.")
    expected = gs1_standard_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise InvalidInput(
            field, f"GLN '{value}' has check digit {value[-1]}; it should be {expected}. "
            "Check for a mistyped digit."
        )
    return value
