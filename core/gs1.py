"""GS1 identifiers: GTIN, SSCC and GLN check digits, and the EPC URIs EPCIS uses for them.

Check digits come from `biip`, GS1's rules implemented once and well tested; here we
only turn its verdicts into messages a person can act on.

EPC URIs follow the GS1 Tag Data Standard (pure identity URIs). A GTIN, SSCC or GLN
alone does not say where its company prefix ends, but the URI needs that split, so
every function that builds a URI takes the prefix length (for NDC-based GTINs it is
2 + the labeler code's length; see `core.ndc.Ndc.company_prefix`).
"""

from __future__ import annotations

import re

from biip.checksums import gs1_standard_check_digit

from core.errors import InvalidInput


class IdentifierError(InvalidInput):
    """A GS1 identifier, NDC or scan is not acceptable.

    `cause` names the kind of problem ("check_digit", "wrong_length", ...) so callers
    and tests can react without parsing the message.
    """

    def __init__(self, field: str, message: str, cause: str):
        super().__init__(field, message)
        self.cause = cause


# GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1).
_SET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
# Characters of set 82 that must be %-escaped in an EPC URI (Tag Data Standard, table A-1).
_URI_ESCAPED = {c: f"%{ord(c):02X}" for c in '"%&/<>?'}

_TYPED = "check for a mistyped digit."
SCANNED = "the label may be damaged or mis-scanned."


def _digits(text: str, what: str, field: str, lengths: tuple[int, ...]) -> str:
    value = (text or "").strip().replace(" ", "")
    *most, last = [str(n) for n in lengths]
    wanted = f"{', '.join(most)} or {last}" if most else last
    a = "an" if what == "SSCC" else "a"
    if not value:
        raise IdentifierError(field, f"{a.capitalize()} {what} is required ({wanted} digits).",
                              "empty")
    if not value.isdigit():
        bad = next(c for c in value if not c.isdigit())
        raise IdentifierError(
            field, f"{what} '{value}' contains '{bad}'; {a} {what} has only digits.",
            "invalid_character",
        )
    if len(value) not in lengths:
        raise IdentifierError(
            field, f"{what} '{value}' has {len(value)} digits; {a} {what} has {wanted}.",
            "wrong_length",
        )
    return value


def check_digit_problem(value: str, what: str) -> tuple[int, int] | None:
    """(found, expected) when the last digit of `value` is not its GS1 check digit."""
    expected = gs1_standard_check_digit(value[:-1])
    found = int(value[-1])
    return None if found == expected else (found, expected)


def _check(value: str, what: str, field: str, advice: str) -> None:
    problem = check_digit_problem(value, what)
    if problem:
        found, expected = problem
        raise IdentifierError(
            field, f"{what} {value} has check digit {found}; it should be {expected} — {advice}",
            "check_digit",
        )


def validate_gln(text: str, field: str = "gln") -> str:
    """A GLN-13 with a correct check digit, or InvalidInput saying what is wrong."""
    value = (text or "").strip().replace(" ", "")
    if not value:
        raise IdentifierError(
            field, "A GLN is required (13 digits, printed on your GS1 certificate).", "empty"
        )
    if not value.isdigit():
        raise IdentifierError(
            field, f"GLN '{value}' must contain only digits.", "invalid_character"
        )
    if len(value) != 13:
        raise IdentifierError(
            field, f"GLN '{value}' has {len(value)} digits; a GLN has 13.", "wrong_length"
        )
    expected = gs1_standard_check_digit(value[:-1])
    if int(value[-1]) != expected:
        raise IdentifierError(
            field, f"GLN '{value}' has check digit {value[-1]}; it should be {expected}. "
            "Check for a mistyped digit.",
            "check_digit",
        )
    return value


def validate_gtin(text: str, field: str = "gtin", *, advice: str = _TYPED) -> str:
    """The GTIN-14 for a GTIN-8, -12 (UPC-A), -13 (EAN) or -14 with a correct check digit.

    Shorter GTINs are padded with leading zeros, GS1's rule for comparing and storing
    them. `advice` ends the check-digit message (typed input vs a scanned label).
    """
    value = _digits(text, "GTIN", field, (8, 12, 13, 14))
    gtin14 = value.zfill(14)
    _check(gtin14, "GTIN", field, advice)
    return gtin14


def validate_sscc(text: str, field: str = "sscc", *, advice: str = _TYPED) -> str:
    """An SSCC-18 with a correct check digit (the 20-digit '00'-prefixed form is accepted)."""
    value = (text or "").strip().replace(" ", "")
    if len(value) == 20 and value.startswith("00"):
        value = value[2:]
    value = _digits(value, "SSCC", field, (18,))
    _check(value, "SSCC", field, advice)
    return value


def make_sscc(company_prefix: str, serial_reference: int, extension: int = 0) -> str:
    """The SSCC-18 for our own carton: extension digit, GS1 company prefix, serial
    reference zero-padded to fill 16 digits, check digit (GS1 General Specifications 2.2)."""
    width = 16 - len(company_prefix)
    if not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
        raise IdentifierError("company_prefix", f"'{company_prefix}' is not a GS1 company "
                              "prefix (6 to 12 digits).", "bad_prefix_length")
    if not 0 <= serial_reference < 10 ** width:
        raise IdentifierError("sscc", f"The SSCC serial references for company prefix "
                              f"{company_prefix} are used up ({10 ** width - 1} cartons).",
                              "exhausted")
    body = f"{extension}{company_prefix}{serial_reference:0{width}d}"
    return body + str(gs1_standard_check_digit(body))


def _prefix_length(prefix_length: int, low: int = 6, high: int = 12) -> int:
    if not isinstance(prefix_length, int) or not low <= prefix_length <= high:
        raise IdentifierError(
            "company_prefix_length",
            f"A GS1 company prefix has {low} to {high} digits, not {prefix_length!r}.",
            "bad_prefix_length",
        )
    return prefix_length


def escape_uri_component(text: str, what: str = "serial number", max_length: int = 20) -> str:
    """`text` as it appears in an EPC URI: only set-82 characters, some %-escaped."""
    if not text:
        raise IdentifierError(what, f"The {what} is empty.", "empty")
    if len(text) > max_length:
        raise IdentifierError(
            what, f"The {what} '{text}' has {len(text)} characters; GS1 allows at most "
            f"{max_length}.", "too_long",
        )
    bad = [c for c in text if c not in _SET_82]
    if bad:
        raise IdentifierError(
            what, f"The {what} '{text}' contains {bad[0]!r}, which GS1 barcodes and EPC "
            "identifiers cannot carry (allowed: letters A-Z a-z, digits and "
            "!\"%&'()*+,-./:;<=>?_).", "invalid_character",
        )
    return "".join(_URI_ESCAPED.get(c, c) for c in text)


def unescape_uri_component(text: str, what: str = "serial number", max_length: int = 20) -> str:
    """Reverse of `escape_uri_component`; refuses characters an EPC URI cannot hold raw."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "%":
            code = text[i + 1:i + 3]
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", code):
                raise IdentifierError(
                    what, f"The {what} '{text}' has a '%' not followed by two hex digits.",
                    "invalid_escape",
                )
            out.append(chr(int(code, 16)))
            i += 3
            continue
        if c in _URI_ESCAPED:
            raise IdentifierError(
                what, f"The {what} '{text}' contains {c!r}, which must be written "
                f"{_URI_ESCAPED[c]} in an EPC URI.", "invalid_escape",
            )
        out.append(c)
        i += 1
    value = "".join(out)
    escape_uri_component(value, what, max_length)  # same checks as when building
    return value


def _split_gtin(gtin14: str, company_prefix_length: int) -> tuple[str, str]:
    gtin = validate_gtin(gtin14)
    length = _prefix_length(company_prefix_length)
    return gtin[1:1 + length], gtin[0] + gtin[1 + length:13]


def sgtin_uri(gtin14: str, serial: str, company_prefix_length: int) -> str:
    """urn:epc:id:sgtin:CompanyPrefix.IndicatorItemReference.Serial for one package."""
    prefix, item = _split_gtin(gtin14, company_prefix_length)
    return f"urn:epc:id:sgtin:{prefix}.{item}.{escape_uri_component(serial)}"


def lgtin_uri(gtin14: str, lot: str, company_prefix_length: int) -> str:
    """urn:epc:class:lgtin:CompanyPrefix.IndicatorItemReference.Lot for a lot (EPC class)."""
    prefix, item = _split_gtin(gtin14, company_prefix_length)
    return f"urn:epc:class:lgtin:{prefix}.{item}.{escape_uri_component(lot, 'lot number')}"


def sgtin_pattern_uri(gtin14: str, company_prefix_length: int) -> str:
    """urn:epc:idpat:sgtin:CompanyPrefix.IndicatorItemReference.* (a product in master data)."""
    prefix, item = _split_gtin(gtin14, company_prefix_length)
    return f"urn:epc:idpat:sgtin:{prefix}.{item}.*"


def sscc_uri(sscc18: str, company_prefix_length: int) -> str:
    """urn:epc:id:sscc:CompanyPrefix.SerialReference; the extension digit leads the reference."""
    sscc = validate_sscc(sscc18)
    length = _prefix_length(company_prefix_length)
    return f"urn:epc:id:sscc:{sscc[1:1 + length]}.{sscc[0]}{sscc[1 + length:17]}"


def sgln_uri(gln13: str, company_prefix_length: int, extension: str = "0") -> str:
    """urn:epc:id:sgln:CompanyPrefix.LocationReference.Extension ("0" = no extension)."""
    gln = validate_gln(gln13)
    length = _prefix_length(company_prefix_length)
    ext = escape_uri_component(extension, "GLN extension")
    return f"urn:epc:id:sgln:{gln[:length]}.{gln[length:12]}.{ext}"


_URI = {
    "sgtin": re.compile(r"urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)"),
    "lgtin": re.compile(r"urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)"),
    "sscc": re.compile(r"urn:epc:id:sscc:(\d+)\.(\d+)"),
    "sgln": re.compile(r"urn:epc:id:sgln:(\d+)\.(\d*)\.(.+)"),
}
_SHAPE = {
    "sgtin": "urn:epc:id:sgtin:CompanyPrefix.ItemReference.Serial",
    "lgtin": "urn:epc:class:lgtin:CompanyPrefix.ItemReference.Lot",
    "sscc": "urn:epc:id:sscc:CompanyPrefix.SerialReference",
    "sgln": "urn:epc:id:sgln:CompanyPrefix.LocationReference.Extension",
}
_TOTAL = {"sgtin": 13, "lgtin": 13, "sscc": 17, "sgln": 12}


def _match(kind: str, uri: str) -> re.Match[str]:
    text = (uri or "").strip()
    found = _URI[kind].fullmatch(text)
    if not found:
        raise IdentifierError(
            "epc", f"'{text}' is not an {kind.upper()} EPC URI; expected {_SHAPE[kind]}.",
            "not_epc_uri",
        )
    prefix, reference = found.group(1), found.group(2)
    _prefix_length(len(prefix))
    if len(prefix) + len(reference) != _TOTAL[kind]:
        raise IdentifierError(
            "epc", f"'{text}' has {len(prefix) + len(reference)} digits in its company prefix "
            f"and reference; an {kind.upper()} URI has {_TOTAL[kind]}.", "wrong_length",
        )
    return found


def _gtin_from_parts(prefix: str, item: str) -> str:
    body = item[0] + prefix + item[1:]
    return body + str(gs1_standard_check_digit(body))


def parse_sgtin_uri(uri: str) -> tuple[str, str]:
    """(gtin14, serial) from an SGTIN URI, the check digit recomputed."""
    found = _match("sgtin", uri)
    return _gtin_from_parts(found.group(1), found.group(2)), unescape_uri_component(found.group(3))


def parse_lgtin_uri(uri: str) -> tuple[str, str]:
    """(gtin14, lot) from an LGTIN class URI."""
    found = _match("lgtin", uri)
    lot = unescape_uri_component(found.group(3), "lot number")
    return _gtin_from_parts(found.group(1), found.group(2)), lot


def parse_sscc_uri(uri: str) -> str:
    """The SSCC-18 of an SSCC URI, the check digit recomputed."""
    found = _match("sscc", uri)
    reference = found.group(2)
    body = reference[0] + found.group(1) + reference[1:]
    return body + str(gs1_standard_check_digit(body))


def parse_sgln_uri(uri: str) -> tuple[str, str]:
    """(gln13, extension) from an SGLN URI; extension "0" means the GLN itself."""
    found = _match("sgln", uri)
    body = found.group(1) + found.group(2)
    extension = unescape_uri_component(found.group(3), "GLN extension")
    return body + str(gs1_standard_check_digit(body)), extension


def epc_company_prefix_length(uri: str) -> int:
    """How long the company prefix is in an SGTIN/LGTIN/SSCC/SGLN URI (to remember per partner)."""
    text = (uri or "").strip()
    for kind, pattern in _URI.items():
        if pattern.fullmatch(text):
            return len(_match(kind, text).group(1))
    found = re.fullmatch(r"urn:epc:idpat:sgtin:(\d+)\.(\d+)\.\*", text)
    if found and len(found.group(1)) + len(found.group(2)) == 13:
        return _prefix_length(len(found.group(1)))
    raise IdentifierError("epc", f"'{text}' is not an EPC URI RxDesk understands.", "not_epc_uri")
