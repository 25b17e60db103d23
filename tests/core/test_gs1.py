"""GS1 check digits and EPC URIs (GS1 Tag Data Standard pure-identity forms)."""

from __future__ import annotations

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from core import gs1
from core.errors import InvalidInput
from core.gs1 import IdentifierError

SSCC = "003123450000000011"
GLN = "0614141000012"


def test_gtin_forms_pad_to_gtin14():
    assert gs1.validate_gtin("00312345678906") == "00312345678906"
    assert gs1.validate_gtin("312345678906") == "00312345678906"  # UPC-A
    assert gs1.validate_gtin("0312345678906") == "00312345678906"  # EAN-13
    assert gs1.validate_gtin(" 10312345678903 ") == "10312345678903"


@pytest.mark.parametrize("text, cause, words", [
    ("00312345678907", "check_digit", "GTIN 00312345678907 has check digit 7; it should be 6"),
    ("0031234567890", "check_digit", "it should be"),
    ("0031234567890A", "invalid_character", "contains 'A'"),
    ("003123456789", "check_digit", "should be"),
    ("00312345678", "wrong_length", "has 11 digits; a GTIN has 8, 12, 13 or 14"),
    ("", "empty", "A GTIN is required"),
])
def test_gtin_refusals(text, cause, words):
    with pytest.raises(IdentifierError) as caught:
        gs1.validate_gtin(text)
    assert caught.value.cause == cause
    assert words in str(caught.value)
    assert isinstance(caught.value, InvalidInput)


def test_scanned_advice_talks_about_the_label():
    with pytest.raises(IdentifierError, match="the label may be damaged or mis-scanned"):
        gs1.validate_gtin("00312345678907", advice=gs1.SCANNED)


def test_sscc_check_digit():
    assert gs1.validate_sscc(SSCC) == SSCC
    assert gs1.validate_sscc("00" + SSCC) == SSCC  # with its AI
    with pytest.raises(IdentifierError, match="SSCC 003123450000000017 has check digit 7; "
                                              "it should be 1") as caught:
        gs1.validate_sscc("003123450000000017")
    assert caught.value.cause == "check_digit"
    with pytest.raises(IdentifierError, match="has 17 digits; an SSCC has 18"):
        gs1.validate_sscc("00312345000000001")


def test_gln_check_digit_keeps_its_message():
    assert gs1.validate_gln(GLN) == GLN
    with pytest.raises(IdentifierError, match="check digit 3; it should be 2") as caught:
        gs1.validate_gln("0614141000013")
    assert caught.value.cause == "check_digit"


def test_domain_examples():
    assert gs1.sgtin_uri("00312345678906", "A00001", 7) == "urn:epc:id:sgtin:0312345.067890.A00001"
    assert gs1.lgtin_uri("00312345678906", "LOT1", 7) == "urn:epc:class:lgtin:0312345.067890.LOT1"
    assert gs1.sgtin_pattern_uri("00312345678906", 7) == "urn:epc:idpat:sgtin:0312345.067890.*"
    assert gs1.sscc_uri(SSCC, 7) == "urn:epc:id:sscc:0312345.0000000001"
    assert gs1.sgln_uri(GLN, 7) == "urn:epc:id:sgln:0614141.00001.0"
    assert gs1.sgln_uri(GLN, 6) == "urn:epc:id:sgln:061414.100001.0"


def test_case_gtin_indicator_goes_in_front_of_item_reference():
    assert gs1.sgtin_uri("50312345678901", "S1", 7) == "urn:epc:id:sgtin:0312345.567890.S1"
    assert gs1.parse_sgtin_uri("urn:epc:id:sgtin:0312345.567890.S1") == ("50312345678901", "S1")


def test_sscc_extension_digit_leads_serial_reference():
    body = "3" + "0312345" + "000000042"
    sscc = body + str(gs1_standard_check_digit(body))
    assert gs1.sscc_uri(sscc, 7) == "urn:epc:id:sscc:0312345.3000000042"
    assert gs1.parse_sscc_uri("urn:epc:id:sscc:0312345.3000000042") == sscc


def test_reserved_characters_are_percent_escaped_both_ways():
    uri = gs1.sgtin_uri("00312345678906", 'A/1%&<>?"', 7)
    assert uri == "urn:epc:id:sgtin:0312345.067890.A%2F1%25%26%3C%3E%3F%22"
    assert gs1.parse_sgtin_uri(uri) == ("00312345678906", 'A/1%&<>?"')
    assert gs1.sgtin_uri("00312345678906", "a-b.c_d:e(f)*+,;=!'", 7).endswith("a-b.c_d:e(f)*+,;=!'")


@pytest.mark.parametrize("serial, cause, words", [
    ("A#1", "invalid_character", "contains '#'"),
    ("A 1", "invalid_character", "contains ' '"),
    ("X" * 21, "too_long", "has 21 characters; GS1 allows at most 20"),
    ("", "empty", "The serial number is empty"),
])
def test_serials_a_uri_cannot_hold(serial, cause, words):
    with pytest.raises(IdentifierError) as caught:
        gs1.sgtin_uri("00312345678906", serial, 7)
    assert caught.value.cause == cause and words in str(caught.value)


@pytest.mark.parametrize("uri, cause, words", [
    ("urn:epc:id:sgtin:0312345.067890.A/1", "invalid_escape", "must be written %2F"),
    ("urn:epc:id:sgtin:0312345.067890.A%2", "invalid_escape", "two hex digits"),
    ("urn:epc:id:sgtin:0312345.06789.A1", "wrong_length", "an SGTIN URI has 13"),
    ("urn:epc:id:sgtin:03123.45067890.A1", "bad_prefix_length", "6 to 12 digits, not 5"),
    ("urn:epc:id:sscc:0312345.000000001", "wrong_length", "an SSCC URI has 17"),
    ("urn:epc:id:sgtin:0312345.067890", "not_epc_uri", "expected urn:epc:id:sgtin:"),
    ("00312345678906", "not_epc_uri", "is not an SGTIN EPC URI"),
])
def test_uri_refusals(uri, cause, words):
    parser = gs1.parse_sscc_uri if ":sscc:" in uri else gs1.parse_sgtin_uri
    with pytest.raises(IdentifierError) as caught:
        parser(uri)
    assert caught.value.cause == cause and words in str(caught.value)


def test_prefix_length_out_of_range_is_refused():
    with pytest.raises(IdentifierError, match="6 to 12 digits, not 13"):
        gs1.sgtin_uri("00312345678906", "A1", 13)


def test_reverse_parsers_and_prefix_length():
    assert gs1.parse_lgtin_uri("urn:epc:class:lgtin:0312345.067890.LOT1") == ("00312345678906", "LOT1")
    assert gs1.parse_sgln_uri("urn:epc:id:sgln:0614141.00001.0") == (GLN, "0")
    assert gs1.parse_sgln_uri("urn:epc:id:sgln:061414100001..7") == (GLN, "7")  # 12-digit prefix
    assert gs1.epc_company_prefix_length("urn:epc:id:sgln:061414.100001.0") == 6
    assert gs1.epc_company_prefix_length("urn:epc:idpat:sgtin:0312345.067890.*") == 7
    with pytest.raises(IdentifierError, match="not an EPC URI"):
        gs1.epc_company_prefix_length("urn:epc:id:grai:0312345.00001.1")


SET_82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
digits = st.text("0123456789", min_size=13, max_size=13)


@given(body=digits, prefix_length=st.integers(6, 12), serial=st.text(SET_82, min_size=1, max_size=20))
def test_sgtin_round_trip(body, prefix_length, serial):
    gtin = body + str(gs1_standard_check_digit(body))
    uri = gs1.sgtin_uri(gtin, serial, prefix_length)
    assert gs1.parse_sgtin_uri(uri) == (gtin, serial)
    assert gs1.epc_company_prefix_length(uri) == prefix_length


@given(body=st.text("0123456789", min_size=17, max_size=17), prefix_length=st.integers(6, 12))
def test_sscc_round_trip(body, prefix_length):
    sscc = body + str(gs1_standard_check_digit(body))
    assert gs1.parse_sscc_uri(gs1.sscc_uri(sscc, prefix_length)) == sscc


@given(body=st.text("0123456789", min_size=12, max_size=12), prefix_length=st.integers(6, 12),
       extension=st.text(SET_82, min_size=1, max_size=20))
def test_sgln_round_trip(body, prefix_length, extension):
    gln = body + str(gs1_standard_check_digit(body))
    assert gs1.parse_sgln_uri(gs1.sgln_uri(gln, prefix_length, extension)) == (gln, extension)
