"""What a keyboard-wedge scanner typed, turned into GTIN, serial, lot, expiry and SSCC.

Accepted: GS1 DataMatrix / GS1-128 / GS1 QR element strings with or without a symbology
identifier (`]d2`, `]C1`, `]Q3`), the group separator as ASCII 29 or as the workstation's
replacement string (every occurrence is replaced, so pick one that GS1 data cannot hold,
such as "<GS>", "^" or "|"), the human-readable form `(01)...(21)...`, plain UPC-A / EAN-13 /
GTIN-14 barcodes, and SSCC-18 with AI (00). A trailing Enter is ignored.

Element strings are cut into AIs by `biip` (its AI table, patterns and dates: day 00
means the last day of the month); this module walks them one at a time so that every
refusal can say which field was wrong and why. A scan without an AI table problem can
still be wrong for the job (e.g. no serial); `require_product_identifier` checks that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from biip import ParseError
from biip.gs1_application_identifiers import (
    _GS1_APPLICATION_IDENTIFIERS,
    GS1ApplicationIdentifier,
)
from biip.gs1_element_strings import GS1ElementString
from biip.symbology import GS1Symbology, SymbologyIdentifier

from core import gs1
from core.gs1 import IdentifierError

GS = "\x1d"

_SYMBOLOGY = {
    GS1Symbology.GS1_DATAMATRIX: "gs1_datamatrix",
    GS1Symbology.GS1_128: "gs1_128",
    GS1Symbology.GS1_QR_CODE: "gs1_qr",
    GS1Symbology.GS1_DATABAR: "gs1_databar",
    GS1Symbology.GS1_DOTCODE: "gs1_dotcode",
    GS1Symbology.EAN_13: "upc/ean",
    GS1Symbology.EAN_13_WITH_ADD_ON: "upc/ean",
    GS1Symbology.EAN_8: "upc/ean",
    GS1Symbology.ITF_14: "itf14",
}
_PLAIN_GTIN_SYMBOLOGIES = {"upc/ean", "itf14"}

_FIELD_NAMES = {
    "00": "SSCC (case/pallet code)",
    "01": "GTIN",
    "10": "lot number",
    "17": "expiry date",
    "21": "serial number",
}
_DATE_AIS = {"11", "12", "13", "15", "16", "17"}
_GS_HINT = (
    "If the label's {name} is shorter, the scanner is probably dropping the group separator: "
    "configure it to send GS (ASCII 29), or set the replacement string it sends in Settings."
)


class ScanError(IdentifierError):
    """A scan cannot be used; `cause` is one of "empty", "check_digit", "invalid_date",
    "unknown_ai", "truncated", "serial_too_long", "lot_too_long", "too_long",
    "invalid_character", "invalid_value", "duplicate_ai", "not_gs1", "incomplete"
    ("unknown_gtin" is raised by the product lookup, not here)."""

    def __init__(self, message: str, cause: str, field: str = "scan"):
        super().__init__(field, message, cause)


@dataclass(frozen=True)
class Scan:
    raw: str
    symbology: str
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    sscc: str | None = None
    # Every element string as (AI, value), in scan order, for fields beyond the five above.
    elements: tuple[tuple[str, str], ...] = ()


def to_dict(scan: Scan) -> dict[str, str | None]:
    """The product identifier fields for JSON (expiry as YYYY-MM-DD)."""
    return {
        "gtin": scan.gtin,
        "serial": scan.serial,
        "lot": scan.lot,
        "expiry": scan.expiry.isoformat() if scan.expiry else None,
        "sscc": scan.sscc,
    }


def parse_scan(data: str, gs_replacement: str = "") -> Scan:
    """Read one scan; raise ScanError naming the cause when it cannot be used."""
    raw = data or ""
    text = raw.strip(" \t\r\n")
    if gs_replacement:
        text = text.replace(gs_replacement, GS)
    text = text.strip(GS)
    if not text:
        raise ScanError("The scan was empty — nothing was read. Scan the barcode again.", "empty")

    symbology = ""
    if text.startswith("]"):
        try:
            identifier = SymbologyIdentifier.extract(text)
        except (ParseError, IndexError):
            raise ScanError(f"The scan starts with '{text[:3]}', which is not a barcode type "
                            "RxDesk knows. Check the scanner's symbology-identifier setting.",
                            "not_gs1") from None
        if identifier.gs1_symbology not in _SYMBOLOGY:
            raise ScanError(f"This barcode ({identifier.iso_symbology.name.replace('_', ' ')}, "
                            f"identifier {identifier.value}) is not a GS1 barcode, so it carries "
                            "no product data. Scan the GS1 DataMatrix or GS1-128 barcode.",
                            "not_gs1")
        symbology = _SYMBOLOGY[identifier.gs1_symbology]
        text = text[len(identifier):].strip(GS)
        if not text:
            raise ScanError("The scan held only a barcode type and no data. Scan again.", "empty")

    if text.startswith("("):
        elements = _hri_elements(text)
        return _scan(raw, symbology or "human_readable", elements)
    if text.isdigit() and len(text) in (12, 13, 14) and (
        not symbology or symbology in _PLAIN_GTIN_SYMBOLOGIES
    ):
        gtin = _checked(gs1.validate_gtin, text, "gtin")
        return Scan(raw=raw, symbology=symbology or ("gtin14" if len(text) == 14 else "upc/ean"),
                    gtin=gtin, elements=(("01", gtin),))
    if symbology in _PLAIN_GTIN_SYMBOLOGIES:
        raise ScanError(f"This UPC/EAN barcode read '{text}', which is not a 12-, 13- or "
                        "14-digit GTIN. Scan again.", "invalid_value")
    return _scan(raw, symbology or "gs1", _raw_elements(text))


def require_product_identifier(scan: Scan) -> Scan:
    """The scan, if it carries a full DSCSA product identifier (GTIN, serial, lot, expiry)."""
    missing = [name for name, value in (("GTIN", scan.gtin), ("serial number", scan.serial),
                                         ("lot number", scan.lot), ("expiry date", scan.expiry))
               if value is None]
    if not missing:
        return scan
    message = (f"This scan has no {', '.join(missing)}; a package's product identifier needs "
               "GTIN, serial number, lot and expiry. Scan the 2D (DataMatrix) barcode.")
    stuffed = scan.serial or scan.lot or ""
    if ("expiry date" in missing and re.search(r"17\d{6}", stuffed)) or (
        "lot number" in missing and scan.serial and "10" in scan.serial
    ):
        message += (" The serial number read as '" + (scan.serial or "") + "' may include the "
                    "fields after it: the scanner may be dropping the group separator; configure "
                    "it to send GS or set the replacement string in Settings.")
    raise ScanError(message, "incomplete")


def _name(ai: GS1ApplicationIdentifier) -> str:
    return _FIELD_NAMES.get(ai.ai, f"{ai} {ai.description.lower()}")


def _max_variable(ai: GS1ApplicationIdentifier) -> int | None:
    """Maximum length of a simple variable-length field ("N2+X..20" -> 20)."""
    found = re.fullmatch(r"N\d\+[XN]\.\.(\d+)", ai.format)
    return int(found.group(1)) if found else None


def _fixed_length(ai: GS1ApplicationIdentifier) -> int | None:
    found = re.fullmatch(r"N\d\+N(\d+)", ai.format)
    return int(found.group(1)) if found else None


def _too_long(ai: GS1ApplicationIdentifier, value: str, limit: int, hint: bool) -> ScanError:
    name = _name(ai)
    cause = {"21": "serial_too_long", "10": "lot_too_long"}.get(ai.ai, "too_long")
    message = (f"The {name} is longer than {limit} characters, the most GS1 allows "
               f"(it read '{value}').")
    if hint:
        message += " " + _GS_HINT.format(name=name)
    return ScanError(message, cause, ai.ai)


def _unknown_ai(rest: str) -> ScanError:
    digits = re.match(r"\d*", rest).group(0)  # type: ignore[union-attr]
    cut_off = any(code.startswith(rest) for code in _GS1_APPLICATION_IDENTIFIERS)
    if rest == digits and len(rest) < 4 and cut_off:
        return ScanError(f"The scan ends with '{rest}', the start of a field that was cut off. "
                         "Scan again.", "truncated")
    return ScanError(f"The scan has '{rest[:12]}' where a GS1 application identifier (such as "
                     "01 for the GTIN) should start. This is not a GS1 product barcode, or it "
                     "was misread.", "unknown_ai")


def _date_problem(ai: GS1ApplicationIdentifier, value: str) -> ScanError:
    name = _name(ai)
    reason = ""
    if len(value) >= 6 and value[:6].isdigit():
        year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:6])
        if not 1 <= month <= 12:
            reason = f" (there is no month {month:02d})"
        else:
            reason = f" (there is no day {day:02d} in {date(year, month, 1):%B} {year})"
    return ScanError(f"The {name} '{value[:6]}' is not a real date{reason}; GS1 dates are "
                     "YYMMDD. The label may be misprinted or mis-scanned.", "invalid_date", ai.ai)


def _element_failure(ai: GS1ApplicationIdentifier, data: str, exc: ParseError) -> ScanError:
    """Turn biip's refusal of one element into a cause and a message."""
    name = _name(ai)
    full_date = ai.ai in _DATE_AIS and len(data) >= 6 and data[:6].isdigit()
    if "date/time from" in str(exc) or full_date:
        return _date_problem(ai, data)
    fixed = _fixed_length(ai)
    if fixed is not None:
        digits = re.match(r"\d*", data).group(0)  # type: ignore[union-attr]
        if len(digits) < fixed and len(digits) == len(data):
            return ScanError(f"The {name} has only {len(digits)} of its {fixed} digits — the scan "
                             "was cut off. Scan again.", "truncated", ai.ai)
        return ScanError(f"The {name} should be {fixed} digits but read '{data[:fixed]}'. "
                         "Scan again.", "invalid_value", ai.ai)
    if not data:
        return ScanError(f"The {name} field is empty — the scan was cut off. Scan again.",
                         "truncated", ai.ai)
    return ScanError(f"The {name} '{data}' contains {data[0]!r}, which a GS1 barcode cannot "
                     "carry.", "invalid_character", ai.ai)


def _raw_elements(body: str) -> list[GS1ElementString]:
    elements: list[GS1ElementString] = []
    pos = 0
    while pos < len(body):
        rest = body[pos:]
        try:
            ai = GS1ApplicationIdentifier.extract(rest)
        except ParseError:
            raise _unknown_ai(rest) from None
        data = rest[len(ai):].split(GS, 1)[0]
        try:
            element = GS1ElementString.extract(rest)
        except ParseError as exc:
            raise _element_failure(ai, data, exc) from None
        end = pos + len(element)
        limit = _max_variable(ai)
        if limit is not None and end < len(body) and body[end] != GS:
            if len(element.value) >= limit:
                raise _too_long(ai, data, limit, hint=True)
            bad = body[end]
            raise ScanError(f"The {_name(ai)} '{data}' contains {bad!r}, which a GS1 barcode "
                            "cannot carry. The label may be misread; scan again.",
                            "invalid_character", ai.ai)
        elements.append(element)
        pos = end
        while body[pos:pos + 1] == GS:
            pos += 1
    return elements


def _hri_elements(text: str) -> list[GS1ElementString]:
    hri = "".join(text.replace(GS, "").split())
    parts = re.findall(r"\((\d+)\)([^(]*)", hri)
    if "".join(f"({a}){d}" for a, d in parts) != hri:
        raise ScanError(f"'{text}' is not readable as (AI)value pairs, e.g. "
                        "(01)00312345678906(21)A1B2(17)270531(10)LOT42.", "invalid_value")
    elements = []
    for code, data in parts:
        ai = _GS1_APPLICATION_IDENTIFIERS.get(code)
        if ai is None:
            raise ScanError(f"({code}) is not a GS1 application identifier. Check the text.",
                            "unknown_ai")
        limit = _max_variable(ai)
        if limit is not None and len(data) > limit:
            raise _too_long(ai, data, limit, hint=False)
        fixed = _fixed_length(ai)
        if fixed is not None and len(data) > fixed:
            raise ScanError(f"The {_name(ai)} '{data}' has {len(data)} digits; it should have "
                            f"{fixed}.", "invalid_value", ai.ai)
        try:
            elements.append(GS1ElementString.parse(code + data))
        except ParseError as exc:
            raise _element_failure(ai, data, exc) from None
    return elements


def _checked(validate, value: str, field: str) -> str:  # noqa: ANN001
    try:
        return validate(value, field, advice=gs1.SCANNED)
    except IdentifierError as error:
        raise ScanError(error.message, error.cause, field) from None


def _scan(raw: str, symbology: str, elements: list[GS1ElementString]) -> Scan:
    seen: dict[str, str] = {}
    for element in elements:
        code = element.ai.ai
        if code in seen and seen[code] != element.value:
            raise ScanError(f"The scan has two different {_name(element.ai)} values, "
                            f"'{seen[code]}' and '{element.value}'. Scan again.",
                            "duplicate_ai", code)
        seen[code] = element.value
    gtin = sscc = None
    if "01" in seen:
        gtin = _checked(gs1.validate_gtin, seen["01"], "gtin")
    if "00" in seen:
        sscc = _checked(gs1.validate_sscc, seen["00"], "sscc")
    expiry = next((e.date for e in elements if e.ai.ai == "17"), None)
    return Scan(
        raw=raw,
        symbology=symbology,
        gtin=gtin,
        serial=seen.get("21"),
        lot=seen.get("10"),
        expiry=expiry,
        sscc=sscc,
        elements=tuple((e.ai.ai, e.value) for e in elements),
    )
