"""National Drug Codes: the three segments, their billing and GS1 forms, and how text becomes one.

An NDC is stored as its segments (labeler, product, package), never as one string: the
digits alone do not say where the segments split, and FDA's move to 12-digit NDCs
(6-4-2, from 2033) will add a fourth layout.

How `parse_ndc` decides (digits alone are often ambiguous; we refuse rather than guess):

* Hyphenated 10-digit NDC in 4-4-2, 5-3-2 or 5-4-1: taken as written.
* 11-digit billing NDC (5-4-2, with or without hyphens; the billing form is always 5-4-2
  so hyphens add nothing): exactly one segment was padded with a leading zero.
  - A labeler segment starting with 0 means a 4-digit labeler (4-4-2). FDA's 5-digit
    labeler codes never start with 0 — if they did, their billing NDCs would collide
    with those of the 4-digit labelers — so this holds whatever the other segments are.
  - Otherwise a product starting with 0 means 5-3-2 and a package starting with 0
    means 5-4-1. If both start with 0 the NDC could be either: refused, naming both
    candidates, unless `layout` says which. If none starts with 0 it is not a valid
    billing NDC.
* A GTIN (14 digits; also the 12-digit UPC-A and 13-digit EAN forms, which are the same
  number with leading zeros dropped) whose digits after the indicator are "03": the next
  10 digits are the NDC, but nothing in them says where the segments split, so `layout`
  (or `labeler_length=4`, which can only be 4-4-2) is required.
* Ten digits without hyphens: could be any of the three layouts; refused unless `layout`.
"""

from __future__ import annotations

from dataclasses import dataclass

from biip.checksums import gs1_standard_check_digit

from core import gs1
from core.gs1 import IdentifierError

LAYOUTS = ("4-4-2", "5-3-2", "5-4-1")
_LENGTHS = {layout: tuple(int(n) for n in layout.split("-")) for layout in LAYOUTS}
_BY_LENGTHS = {lengths: layout for layout, lengths in _LENGTHS.items()}
# Which segment the billing form pads with a zero, per layout.
_PADDED = {"4-4-2": 0, "5-3-2": 1, "5-4-1": 2}
_SEGMENT = ("labeler", "product", "package")


class NdcError(IdentifierError):
    """An NDC (or a GTIN given as one) cannot be read; `cause` names the kind of problem."""

    def __init__(self, message: str, cause: str, field: str = "ndc"):
        super().__init__(field, message, cause)


@dataclass(frozen=True)
class Ndc:
    labeler: str
    product: str
    package: str
    layout: str = ""

    def __post_init__(self) -> None:
        lengths = (len(self.labeler), len(self.product), len(self.package))
        if not all(s.isdigit() for s in (self.labeler, self.product, self.package)):
            raise NdcError(f"NDC segments must be digits, not {self.labeler}-{self.product}-"
                           f"{self.package}.", "invalid_character")
        actual = _BY_LENGTHS.get(lengths)
        if actual is None:
            raise NdcError(f"NDC segments {self.labeler}-{self.product}-{self.package} have "
                           f"{'-'.join(map(str, lengths))} digits; an NDC is 4-4-2, 5-3-2 or "
                           "5-4-1.", "wrong_segments")
        if self.layout and self.layout != actual:
            raise NdcError(f"NDC {self.labeler}-{self.product}-{self.package} is {actual}, "
                           f"not {self.layout}.", "layout_mismatch")
        object.__setattr__(self, "layout", actual)

    def __str__(self) -> str:
        return self.ndc10

    @property
    def ndc10(self) -> str:
        """The FDA form, e.g. 12345-678-90."""
        return f"{self.labeler}-{self.product}-{self.package}"

    @property
    def ndc10_digits(self) -> str:
        return f"{self.labeler}{self.product}{self.package}"

    @property
    def ndc11(self) -> str:
        """The 5-4-2 billing form with hyphens, e.g. 12345-0678-90."""
        return f"{self.labeler:0>5}-{self.product:0>4}-{self.package:0>2}"

    @property
    def ndc11_digits(self) -> str:
        return self.ndc11.replace("-", "")

    @property
    def company_prefix(self) -> str:
        """GS1 company prefix of the NDC's GTINs: "03" + labeler."""
        return "03" + self.labeler

    @property
    def company_prefix_length(self) -> int:
        return len(self.company_prefix)

    def item_reference(self, indicator: int = 0) -> str:
        """Indicator + product + package: the middle part of SGTIN/LGTIN EPC URIs."""
        return f"{_indicator(indicator)}{self.product}{self.package}"

    def gtin14(self, indicator: int = 0) -> str:
        """Indicator (0 = unit of sale, 1-8 = cases) + "03" + the 10 digits + check digit."""
        body = f"{_indicator(indicator)}03{self.ndc10_digits}"
        return body + str(gs1_standard_check_digit(body))

    def sgtin_uri(self, serial: str, indicator: int = 0) -> str:
        return gs1.sgtin_uri(self.gtin14(indicator), serial, self.company_prefix_length)

    def lgtin_uri(self, lot: str, indicator: int = 0) -> str:
        return gs1.lgtin_uri(self.gtin14(indicator), lot, self.company_prefix_length)


def _indicator(indicator: int) -> int:
    if not isinstance(indicator, int) or not 0 <= indicator <= 8:
        raise NdcError(f"The GTIN indicator digit must be 0 (unit of sale) or 1 to 8 (cases), "
                       f"not {indicator!r}.", "bad_indicator")
    return indicator


def _check_layout(layout: str | None) -> str | None:
    if layout in (None, ""):
        return None
    if layout not in LAYOUTS:
        raise NdcError(f"'{layout}' is not an NDC layout; use 4-4-2, 5-3-2 or 5-4-1.",
                       "bad_layout")
    return layout


def _layout_from(layout: str | None, labeler_length: int | None, what: str) -> str:
    layout = _check_layout(layout)
    if layout:
        if labeler_length is not None and labeler_length != _LENGTHS[layout][0]:
            raise NdcError(f"Layout {layout} has a {_LENGTHS[layout][0]}-digit labeler, "
                           f"not {labeler_length}.", "layout_mismatch")
        return layout
    if labeler_length == 4:
        return "4-4-2"
    if labeler_length == 5:
        raise NdcError(f"{what}: a 5-digit labeler code leaves two layouts open, 5-3-2 and "
                       "5-4-1; give the layout from the product master.", "ambiguous")
    if labeler_length is not None:
        raise NdcError(f"An NDC labeler code has 4 or 5 digits, not {labeler_length}.",
                       "bad_layout")
    raise NdcError(f"{what}: the digits alone do not say where the labeler, product and "
                   "package segments split (4-4-2, 5-3-2 or 5-4-1); give the layout from "
                   "the product master.", "ambiguous")


def _split(digits: str, layout: str) -> Ndc:
    a, b, _ = _LENGTHS[layout]
    return Ndc(digits[:a], digits[a:a + b], digits[a + b:], layout)


def _from_billing(segments: tuple[str, str, str], layout: str | None, text: str) -> Ndc:
    labeler, product, package = segments
    written = "-".join(segments)
    if layout:
        index = _PADDED[layout]
        if not segments[index].startswith("0"):
            raise NdcError(f"11-digit NDC {written} cannot be layout {layout}: its "
                           f"{_SEGMENT[index]} segment does not start with the padding 0.",
                           "layout_mismatch")
        candidates = [layout]
    elif labeler.startswith("0"):
        candidates = ["4-4-2"]
    else:
        candidates = [lay for lay in ("5-3-2", "5-4-1") if segments[_PADDED[lay]].startswith("0")]
    if not candidates:
        raise NdcError(f"NDC {written} has 11 digits but none of its segments starts with 0; "
                       "the 11-digit billing form always pads one segment with a leading 0. "
                       "Check the number.", "no_padding")
    options = []
    for lay in candidates:
        parts = list(segments)
        parts[_PADDED[lay]] = parts[_PADDED[lay]][1:]
        options.append(Ndc(*parts, layout=lay))
    if len(options) > 1:
        listed = " or ".join(f"{o.ndc10} ({o.layout})" for o in options)
        raise NdcError(f"11-digit NDC {written} could be {listed}; give the layout, or enter "
                       "the 10-digit NDC as printed on the package.", "ambiguous")
    return options[0]


def ndc_from_gtin(gtin: str, labeler_length: int | None = None, *,
                  layout: str | None = None) -> Ndc:
    """The NDC inside an NDC-based GTIN, given where its segments split.

    `layout` comes from the product master; `labeler_length=4` alone is enough (4-4-2),
    a 5-digit labeler still needs the layout.
    """
    value = gs1.validate_gtin(gtin, "gtin")
    if value[0] == "9":
        raise NdcError(f"GTIN {value} has indicator digit 9 (a variable-measure item); drug "
                       "packages use 0 to 8.", "not_ndc_gtin", "gtin")
    if value[1:3] != "03":
        raise NdcError(f"GTIN {value} is not an NDC-based GTIN: after the indicator digit an "
                       f"NDC GTIN has 03, this one has {value[1:3]}.", "not_ndc_gtin", "gtin")
    chosen = _layout_from(layout, labeler_length, f"GTIN {value} holds NDC digits {value[3:13]}")
    return _split(value[3:13], chosen)


def parse_ndc(text: str, *, layout: str | None = None,
              labeler_length: int | None = None) -> Ndc:
    """An NDC from what a person typed or a file held; see the module docstring for the rules.

    `layout` / `labeler_length` resolve forms whose digits do not say where the segments
    split; a hyphenated NDC-10 must agree with them.
    """
    value = (text or "").strip()
    layout = _check_layout(layout)
    if not value:
        raise NdcError("An NDC is required, e.g. 12345-678-90.", "empty")
    bad = next((c for c in value if not (c.isdigit() or c == "-")), None)
    if bad is not None:
        name = "a space" if bad.isspace() else f"'{bad}'"
        raise NdcError(f"NDC '{value}' contains {name}; an NDC has only digits, with hyphens "
                       "between its three segments, e.g. 12345-678-90.", "invalid_character")
    if "-" in value:
        return _parse_hyphenated(value, layout, labeler_length)
    digits = value
    if len(digits) == 11:
        if labeler_length is not None and layout is None:
            layout = "4-4-2" if labeler_length == 4 else None
        return _from_billing((digits[:5], digits[5:9], digits[9:]), layout, value)
    if len(digits) in (12, 13, 14):
        try:
            return ndc_from_gtin(digits, labeler_length, layout=layout)
        except NdcError as error:
            if error.cause == "ambiguous" and labeler_length is None:
                raise NdcError(
                    f"'{digits}' is a GTIN for NDC digits {digits.zfill(14)[3:13]}, but the digits "
                    "alone do not say where the labeler, product and package segments split "
                    "(4-4-2, 5-3-2 or 5-4-1). Enter the NDC with hyphens as printed on the "
                    "package, or give the layout.", "ambiguous") from None
            raise NdcError(error.message, error.cause) from None
        except IdentifierError as error:
            raise NdcError(error.message, error.cause) from None
    if len(digits) == 10:
        if layout is None and labeler_length != 4:
            raise NdcError(f"NDC {digits} has no hyphens, so it could be 4-4-2, 5-3-2 or 5-4-1. "
                           "Enter it with hyphens as printed on the package, e.g. "
                           "12345-678-90.", "ambiguous")
        return _split(digits, _layout_from(layout, labeler_length, f"NDC {digits}"))
    raise NdcError(f"'{digits}' has {len(digits)} digits; an NDC has 10 (11 in the billing "
                   "form, 14 as a GTIN).", "wrong_length")


def _parse_hyphenated(value: str, layout: str | None, labeler_length: int | None) -> Ndc:
    segments = tuple(value.split("-"))
    if len(segments) != 3 or not all(segments):
        if len(segments) == 2 and all(segments):
            raise NdcError(f"'{value}' has two segments; it looks like a product NDC without "
                           "the package code. A package NDC has three, e.g. 12345-678-90.",
                           "wrong_segments")
        raise NdcError(f"'{value}' is not written as three segments labeler-product-package, "
                       "e.g. 12345-678-90.", "wrong_segments")
    lengths = tuple(len(s) for s in segments)
    if lengths == (5, 4, 2):
        if layout is None and labeler_length == 4:
            layout = "4-4-2"
        return _from_billing(segments, layout, value)  # type: ignore[arg-type]
    actual = _BY_LENGTHS.get(lengths)  # type: ignore[arg-type]
    if actual is None:
        shape = "-".join(str(n) for n in lengths)
        raise NdcError(f"NDC '{value}' has segments of {shape} digits; an NDC is 4-4-2, 5-3-2 "
                       "or 5-4-1 (5-4-2 in the 11-digit billing form).", "wrong_segments")
    if layout and layout != actual:
        raise NdcError(f"NDC {value} is written as {actual}, but layout {layout} was given.",
                       "layout_mismatch")
    if labeler_length is not None and labeler_length != lengths[0]:
        raise NdcError(f"NDC {value} has a {lengths[0]}-digit labeler, but {labeler_length} "
                       "was given.", "layout_mismatch")
    return Ndc(*segments, layout=actual)
