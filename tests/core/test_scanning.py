"""What keyboard-wedge scanners deliver, and every way a scan is refused."""

from __future__ import annotations

from datetime import date

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.scanning import ScanError, parse_scan, require_product_identifier, to_dict

GS = "\x1d"
GTIN = "00312345678906"
FULL = {"gtin": GTIN, "serial": "A1B2C3", "lot": "LOT42", "expiry": "2027-05-31", "sscc": None}


@pytest.mark.parametrize("data, gs_replacement, symbology", [
    (f"0100312345678906" f"21A1B2C3{GS}17270531" f"10LOT42", "", "gs1"),
    (f"]d2010031234567890621A1B2C3{GS}1727053110LOT42", "", "gs1_datamatrix"),
    (f"]C1010031234567890621A1B2C3{GS}1727053110LOT42\r\n", "", "gs1_128"),
    (f"]Q3010031234567890621A1B2C3{GS}1727053110LOT42", "", "gs1_qr"),
    (f"{GS}010031234567890621A1B2C3{GS}1727053110LOT42{GS}\n", "", "gs1"),
    ("010031234567890621A1B2C3<GS>1727053110LOT42", "<GS>", "gs1"),
    ("]d2010031234567890621A1B2C3^1727053110LOT42\r", "^", "gs1_datamatrix"),
    ("010031234567890621A1B2C3|1727053110LOT42", "|", "gs1"),
    # element order varies between manufacturers
    (f"172705311" f"0LOT42{GS}0100312345678906" f"21A1B2C3", "", "gs1"),
    (f"10LOT42{GS}21A1B2C3{GS}172705310100312345678906", "", "gs1"),
    (f"0100312345678906" f"1727053121A1B2C3{GS}10LOT42\n", "", "gs1"),
    ("(01)00312345678906(21)A1B2C3(17)270531(10)LOT42", "", "human_readable"),
    ("(01) 00312345678906 (17) 270531 (10) LOT42 (21) A1B2C3\r\n", "", "human_readable"),
    ("]d2(01)00312345678906(21)A1B2C3(17)270531(10)LOT42", "", "gs1_datamatrix"),
])
def test_package_identifier_forms(data, gs_replacement, symbology):
    scan = parse_scan(data, gs_replacement)
    assert to_dict(scan) == FULL
    assert scan.expiry == date(2027, 5, 31)
    assert scan.symbology == symbology and scan.raw == data
    assert require_product_identifier(scan) is scan


@pytest.mark.parametrize("data, symbology", [
    ("00312345678906", "gtin14"),
    ("00312345678906\r\n", "gtin14"),
    ("312345678906", "upc/ean"),  # UPC-A on the package
    ("0312345678906\n", "upc/ean"),  # EAN-13 form
    ("]E0312345678906", "upc/ean"),
    ("]I100312345678906", "itf14"),
    ("0100312345678906", "gs1"),
    ("]C10100312345678906", "gs1_128"),
])
def test_gtin_only_barcodes(data, symbology):
    scan = parse_scan(data)
    assert (scan.gtin, scan.serial, scan.lot, scan.expiry, scan.sscc) == (GTIN, None, None, None, None)
    assert scan.symbology == symbology


def test_case_gtin_indicator_is_kept():
    assert parse_scan("(01)50312345678901(21)C1").gtin == "50312345678901"


@pytest.mark.parametrize("data", ["00003123450000000011", "]C100003123450000000011\r\n",
                                  "(00)003123450000000011"])
def test_sscc(data):
    assert to_dict(parse_scan(data)) == {"gtin": None, "serial": None, "lot": None,
                                         "expiry": None, "sscc": "003123450000000011"}


@pytest.mark.parametrize("yymmdd, expected", [
    ("270500", date(2027, 5, 31)),
    ("270400", date(2027, 4, 30)),
    ("280200", date(2028, 2, 29)),  # leap year
    ("270200", date(2027, 2, 28)),
    ("271200", date(2027, 12, 31)),
    ("280229", date(2028, 2, 29)),
])
def test_expiry_day_00_is_the_last_day_of_the_month(yymmdd, expected):
    assert parse_scan(f"0100312345678906{'17' + yymmdd}21S1").expiry == expected
    assert parse_scan(f"(01)00312345678906(17){yymmdd}").expiry == expected


def test_other_ais_are_kept_but_not_required():
    scan = parse_scan(f"0100312345678906" f"11250101{GS}30{'12'}{GS}21S1")
    assert scan.serial == "S1" and ("11", "250101") in scan.elements and ("30", "12") in scan.elements


def test_to_dict_of_an_empty_field_is_null():
    assert to_dict(parse_scan("(01)00312345678906(21)S1"))["expiry"] is None


@pytest.mark.parametrize("data, gs_replacement, cause, words", [
    ("", "", "empty", "The scan was empty"),
    ("\r\n", "", "empty", "nothing was read"),
    (GS, "", "empty", "The scan was empty"),
    ("]d2", "", "empty", "only a barcode type and no data"),
    ("0100312345678907", "", "check_digit",
     "GTIN 00312345678907 has check digit 7; it should be 6 — the label may be damaged or mis-scanned."),
    ("(01)00312345678907(21)A1", "", "check_digit", "it should be 6"),
    ("312345678907", "", "check_digit", "GTIN 00312345678907 has check digit 7; it should be 6"),
    ("00003123450000000017", "", "check_digit",
     "SSCC 003123450000000017 has check digit 7; it should be 1 — the label may be damaged"),
    ("0100312345678906172701" "32", "", "invalid_date", "there is no day 32 in January 2027"),
    ("0100312345678906172713" "0110X", "", "invalid_date", "there is no month 13"),
    ("(01)00312345678906(17)271301", "", "invalid_date", "there is no month 13"),
    ("0100312345678906172702" "30", "", "invalid_date", "there is no day 30 in February 2027"),
    ("(17)270229", "", "invalid_date", "there is no day 29 in February 2027"),
    ("0100312345678906173201" "40", "", "invalid_date", "is not a real date"),
    ("(01)0031234567", "", "truncated", "The GTIN has only 10 of its 14 digits — the scan was cut off"),
    ("01003123456789062", "", "truncated", "ends with '2', the start of a field that was cut off"),
    ("0100312345678906172705", "", "truncated", "expiry date has only 4 of its 6 digits"),
    ("0100312345", "", "truncated", "The GTIN has only 8 of its 14 digits"),
    (f"0100312345678906" f"21{GS}10LOT", "", "truncated", "serial number field is empty"),
    ("hello", "", "unknown_ai", "'hello' where a GS1 application identifier"),
    ("0100312345678906XY", "", "unknown_ai", "'XY' where a GS1 application identifier"),
    ("(01)00312345678906(999)1", "", "unknown_ai", "(999) is not a GS1 application identifier"),
    ("(01)00312345678906(21", "", "invalid_value", "not readable as (AI)value pairs"),
    ("(01)00312345678906 21 A1", "", "invalid_value", "has 18 digits; it should have 14"),
    ("0100312345678906" "21" + "S" * 21, "", "serial_too_long",
     "The serial number is longer than 20 characters"),
    ("0100312345678906" "21ABCDEFGHIJ" "1727053110LOT12345678", "", "serial_too_long",
     "the scanner is probably dropping the group separator: configure it to send GS (ASCII 29), "
     "or set the replacement string it sends in Settings"),
    ("(01)00312345678906(21)" + "S" * 21, "", "serial_too_long", "longer than 20 characters"),
    ("(01)00312345678906(10)" + "L" * 21, "", "lot_too_long",
     "The lot number is longer than 20 characters"),
    (f"10{'L' * 20}17270531", "", "lot_too_long", "dropping the group separator"),
    (f"0100312345678906" f"21AB CD{GS}10X", "", "invalid_character", "contains ' '"),
    ("(01)003123456789061", "", "invalid_value", "has 15 digits; it should have 14"),
    ("(01)00312345678906(01)00312345678913", "", "duplicate_ai", "two different GTIN values"),
    ("]d1HELLO", "", "not_gs1", "is not a GS1 barcode"),
    ("]E0ABC", "", "invalid_value", "not a 12-, 13- or 14-digit GTIN"),
])
def test_refusals(data, gs_replacement, cause, words):
    with pytest.raises(ScanError) as caught:
        parse_scan(data, gs_replacement)
    assert caught.value.cause == cause
    assert words in str(caught.value), str(caught.value)
    assert isinstance(caught.value, InvalidInput)


def test_lost_separator_inside_20_characters_is_caught_by_the_completeness_check():
    # Without GS the serial swallows expiry and lot; GS1 cannot tell, so the scan parses...
    scan = parse_scan("010031234567890621A1B21727053110LOT42")
    assert scan.serial == "A1B21727053110LOT42" and scan.expiry is None
    # ...but it is not a full product identifier, and the message says why.
    with pytest.raises(ScanError) as caught:
        require_product_identifier(scan)
    assert caught.value.cause == "incomplete"
    assert "no lot number, expiry date" in str(caught.value)
    assert "dropping the group separator" in str(caught.value)


def test_gtin_only_scan_is_not_a_product_identifier():
    with pytest.raises(ScanError, match="no serial number, lot number, expiry date"):
        require_product_identifier(parse_scan("312345678906"))


SET_82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
values = st.text(SET_82, min_size=1, max_size=20)
gtins = st.text("0123456789", min_size=13, max_size=13).map(
    lambda body: body + str(gs1_standard_check_digit(body)))
expiries = st.dates(date(2000, 1, 1), date(2049, 12, 31))


@given(gtin=gtins, serial=values, lot=values, expiry=expiries,
       order=st.permutations(["01", "21", "10", "17"]),
       separator=st.sampled_from([(GS, ""), ("<GS>", "<GS>"), ("^", "^")]),
       prefix=st.sampled_from(["", "]d2", "]C1"]), suffix=st.sampled_from(["", "\r\n", "\n"]))
def test_element_string_round_trip(gtin, serial, lot, expiry, order, separator, prefix, suffix):
    sent, configured = separator
    if configured == "^":
        serial, lot = serial.replace("^", ""), lot.replace("^", "")
    value = {"01": gtin, "21": serial, "10": lot, "17": f"{expiry:%y%m%d}"}
    data = prefix + "".join(ai + value[ai] + (sent if ai in ("21", "10") else "")
                            for ai in order) + suffix
    scan = parse_scan(data, configured)
    assert (scan.gtin, scan.serial, scan.lot, scan.expiry) == (gtin, serial, lot, expiry)


@given(gtin=gtins, serial=values.filter(lambda s: "(" not in s), lot=values.filter(lambda s: "(" not in s),
       expiry=expiries)
def test_human_readable_round_trip(gtin, serial, lot, expiry):
    scan = parse_scan(f"(01){gtin}(21){serial}(17){expiry:%y%m%d}(10){lot}")
    assert (scan.gtin, scan.serial, scan.lot, scan.expiry) == (gtin, serial, lot, expiry)
