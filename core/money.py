"""Money as exact Decimal dollars with cents; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import InvalidInput

CENT = Decimal("0.01")


def parse_money(value: str | int | Decimal | None, field: str) -> Decimal:
    """'12.5', '$1,234.50', 7 or Decimal('3.10') -> Decimal with two places. Floats,
    negative amounts and fractions of a cent are refused."""
    if isinstance(value, float):
        raise TypeError(f"{field}: money must not be a float")
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal("0.00")
    text = str(value).strip().replace("$", "").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(field, f"'{value}' is not an amount of money (e.g. 12.50).") from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(field, f"'{value}' must be zero or more.")
    if amount != amount.quantize(CENT):
        raise InvalidInput(field, f"'{value}' has fractions of a cent.")
    if amount >= Decimal("100000000"):
        raise InvalidInput(field, f"'{value}' is too large.")
    return amount.quantize(CENT)


def sales_tax(subtotal: Decimal, rate_bp: int) -> Decimal:
    """The customer's rate (basis points) on an invoice subtotal, rounded half up to the
    cent once per invoice, never per line (docs/accounting.md, Rounding)."""
    return (subtotal * rate_bp / Decimal(10000)).quantize(CENT, ROUND_HALF_UP)
