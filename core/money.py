"""Money as exact Decimal dollars with cents; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.errors import InvalidInput

CENT = Decimal("0.01")
# The highest sales tax rate accepted, in basis points: no US state and local rate comes
# near 20%, so a higher figure is a typing slip (65 for 6.5).
MAX_TAX_RATE_BP = Decimal(2000)
_THOUSANDTH = Decimal("0.001")


def from_cents(value: int | Decimal | None) -> Decimal:
    """Dollars from a sum of money columns as the driver returns it: integer cents
    (MoneyField stores cents; SUMs and arithmetic in SQL are not converted back)."""
    return Decimal(int(value or 0)).scaleb(-2).quantize(CENT)


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


def parse_tax_rate(value: str | int | Decimal, field: str) -> Decimal:
    """A sales tax rate typed as a percent ('6.625', '6.625%', 0) -> basis points
    (Decimal 662.5), exactly. Rates are kept in basis points, never as a float or a
    fraction, so tax on an invoice is the same to the cent on every machine and backend
    (see sales_tax); a thousandth of a percent (a tenth of a point) is the finest step a
    US state or city sets. More decimals, negative rates and rates over 20% are refused."""
    if isinstance(value, float):
        raise TypeError(f"{field}: a tax rate must not be a float")
    text = str(value).strip().removesuffix("%").strip()
    try:
        percent = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(field, f"Sales tax rate '{value}' is not a percentage; enter it "
                           "like 6.625 for 6.625%, or 0 if the customer is exempt.") from None
    if not percent.is_finite() or percent < 0:
        raise InvalidInput(field, f"Sales tax rate '{value}' must be zero (exempt) or more.")
    if percent != percent.quantize(_THOUSANDTH):
        raise InvalidInput(field, f"Sales tax rate {text}% has more than 3 decimals; rates "
                           "are set to a thousandth of a percent (e.g. 6.625).")
    rate_bp = (percent * 100).quantize(Decimal("0.1"))
    if rate_bp > MAX_TAX_RATE_BP:
        raise InvalidInput(field, f"Sales tax rate {text}% is over 20%; check the figure "
                           "(6.625 means 6.625%).")
    return rate_bp


def percent_text(rate_bp: Decimal | int) -> str:
    """Basis points as the percent people write: 662.5 -> '6.625', 700 -> '7'."""
    text = f"{Decimal(rate_bp).scaleb(-2):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def sales_tax(subtotal: Decimal, rate_bp: Decimal | int) -> Decimal:
    """The customer's rate (basis points) on an invoice subtotal, rounded half up to the
    cent once per invoice, never per line (docs/accounting.md, Rounding)."""
    return (subtotal * rate_bp / Decimal(10000)).quantize(CENT, ROUND_HALF_UP)
