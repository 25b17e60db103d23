"""NDC layouts, the billing and GS1 forms, and every refusal of parse_ndc."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.ndc import LAYOUTS, Ndc, NdcError, ndc_from_gtin, parse_ndc

# ndc10, layout, ndc11, gtin14 (indicator 0), gtin14 (indicator 5), SGTIN prefix . item ref
TABLE = [
    ("12345-678-90", "5-3-2", "12345-0678-90", "00312345678906", "50312345678901", "0312345.067890"),
    ("1234-5678-90", "4-4-2", "01234-5678-90", "00312345678906", "50312345678901", "031234.0567890"),
    ("12345-6789-0", "5-4-1", "12345-6789-00", "00312345678906", "50312345678901", "0312345.067890"),
    ("0002-1433-80", "4-4-2", "00002-1433-80", "00300021433802", "50300021433807", "030002.0143380"),
    ("50090-012-01", "5-3-2", "50090-0012-01", "00350090012019", "50350090012014", "0350090.001201"),
    ("68180-0512-1", "5-4-1", "68180-0512-01", "00368180051213", "50368180051218", "0368180.005121"),
]


@pytest.mark.parametrize("ndc10, layout, ndc11, gtin0, gtin5, epc", TABLE)
def test_conversion_table(ndc10, layout, ndc11, gtin0, gtin5, epc):
    ndc = parse_ndc(ndc10)
    assert (ndc.ndc10, ndc.layout, ndc.ndc11) == (ndc10, layout, ndc11)
    assert ndc.ndc11_digits == ndc11.replace("-", "")
    assert ndc.gtin14() == gtin0 and ndc.gtin14(5) == gtin5
    prefix, item = epc.split(".")
    assert ndc.company_prefix == prefix and ndc.company_prefix_length == len(prefix)
    assert ndc.item_reference() == item and ndc.item_reference(5) == "5" + item[1:]
    assert ndc.sgtin_uri("A1") == f"urn:epc:id:sgtin:{epc}.A1"
    assert ndc.lgtin_uri("L1", 5) == f"urn:epc:class:lgtin:{prefix}.5{item[1:]}.L1"
    # and back: billing form (hyphens or not), GTIN with the layout, GTIN of a case
    assert parse_ndc(ndc11, layout=layout) == ndc
    assert parse_ndc(ndc11.replace("-", ""), layout=layout) == ndc
    assert parse_ndc(gtin0, layout=layout) == ndc
    assert parse_ndc(gtin5, layout=layout) == ndc
    assert ndc_from_gtin(gtin5, layout=layout) == ndc
    assert parse_ndc(ndc.ndc10_digits, layout=layout) == ndc
    assert str(ndc) == ndc10


def test_domain_example():
    assert parse_ndc("12345-678-90").gtin14() == "00312345678906"


def test_every_indicator_from_0_to_8():
    ndc = parse_ndc("12345-678-90")
    for indicator in range(9):
        gtin = ndc.gtin14(indicator)
        assert gtin.startswith(f"{indicator}03")
        assert ndc_from_gtin(gtin, layout="5-3-2") == ndc
    with pytest.raises(NdcError, match="0 .unit of sale. or 1 to 8 .cases., not 9"):
        ndc.gtin14(9)


def test_upc_a_and_ean13_forms_of_the_gtin():
    assert parse_ndc("312345678906", layout="5-3-2").ndc10 == "12345-678-90"
    assert parse_ndc("0312345678906", layout="5-3-2").ndc10 == "12345-678-90"


def test_billing_form_resolution_rules():
    # Labeler starting with 0 is a padded 4-digit labeler, whatever else starts with 0.
    assert parse_ndc("01234-0567-09").ndc10 == "1234-0567-09"
    assert parse_ndc("00378451793").ndc10 == "0378-4517-93"
    assert parse_ndc("12345-0678-90").layout == "5-3-2"
    assert parse_ndc("12345-6789-01").ndc10 == "12345-6789-1"
    assert parse_ndc("12345-0678-09", layout="5-4-1").ndc10 == "12345-0678-9"
    assert parse_ndc("12345-0678-09", layout="5-3-2").ndc10 == "12345-678-09"


def test_labeler_length_four_is_enough():
    assert parse_ndc("00312345678906", labeler_length=4).ndc10 == "1234-5678-90"
    assert ndc_from_gtin("00312345678906", 4).ndc10 == "1234-5678-90"
    assert parse_ndc("1234567890", labeler_length=4).ndc10 == "1234-5678-90"


@pytest.mark.parametrize("text, kwargs, cause, words", [
    ("", {}, "empty", "An NDC is required"),
    ("   ", {}, "empty", "An NDC is required"),
    ("12a45-678-90", {}, "invalid_character", "contains 'a'"),
    ("12345 678 90", {}, "invalid_character", "contains a space"),
    ("123-45-6", {}, "wrong_segments", "segments of 3-2-1 digits; an NDC is 4-4-2, 5-3-2 or 5-4-1"),
    ("123456-78-90", {}, "wrong_segments", "segments of 6-2-2 digits"),
    ("12345-678", {}, "wrong_segments", "product NDC without the package code"),
    ("12-345-678-90", {}, "wrong_segments", "three segments"),
    ("12345--90", {}, "wrong_segments", "three segments"),
    ("1234567890", {}, "ambiguous", "has no hyphens, so it could be 4-4-2, 5-3-2 or 5-4-1. "
                                    "Enter it with hyphens"),
    ("12345-0678-09", {}, "ambiguous",
     "could be 12345-678-09 (5-3-2) or 12345-0678-9 (5-4-1); give the layout"),
    ("12345067809", {}, "ambiguous", "could be 12345-678-09 (5-3-2) or 12345-0678-9 (5-4-1)"),
    ("12345-6789-12", {}, "no_padding", "none of its segments starts with 0"),
    ("12345-0678-90", {"layout": "5-4-1"}, "layout_mismatch",
     "cannot be layout 5-4-1: its package segment does not start with the padding 0"),
    ("12345-678-90", {"layout": "4-4-2"}, "layout_mismatch", "written as 5-3-2, but layout 4-4-2"),
    ("12345-678-90", {"labeler_length": 4}, "layout_mismatch", "5-digit labeler, but 4"),
    ("12345-678-90", {"layout": "6-4-2"}, "bad_layout", "'6-4-2' is not an NDC layout"),
    ("00312345678906", {}, "ambiguous",
     "is a GTIN for NDC digits 1234567890, but the digits alone do not say where"),
    ("00312345678906", {"labeler_length": 5}, "ambiguous", "leaves two layouts open"),
    ("00312345678907", {"layout": "5-3-2"}, "check_digit",
     "GTIN 00312345678907 has check digit 7; it should be 6"),
    ("00712345678904", {"layout": "5-3-2"}, "not_ndc_gtin", "not an NDC-based GTIN"),
    ("90312345678909", {"layout": "5-3-2"}, "not_ndc_gtin", "indicator digit 9"),
    ("12345678", {}, "wrong_length", "has 8 digits; an NDC has 10"),
])
def test_refusals(text, kwargs, cause, words):
    with pytest.raises(NdcError) as caught:
        parse_ndc(text, **kwargs)
    assert caught.value.cause == cause
    assert words in str(caught.value), str(caught.value)
    assert isinstance(caught.value, InvalidInput) and caught.value.field == "ndc"


def test_constructing_a_bad_ndc_is_refused():
    with pytest.raises(NdcError, match="3-2-1 digits"):
        Ndc("123", "45", "6")
    with pytest.raises(NdcError, match="is 5-3-2, not 4-4-2"):
        Ndc("12345", "678", "90", "4-4-2")
    assert Ndc("12345", "678", "90").layout == "5-3-2"


def _ndc(layout_and_digits):
    layout, digits = layout_and_digits
    a, b, _ = (int(n) for n in layout.split("-"))
    return Ndc(digits[:a], digits[a:a + b], digits[a + b:], layout)


ndcs = st.tuples(st.sampled_from(LAYOUTS), st.text("0123456789", min_size=10, max_size=10)).map(_ndc)


@given(ndc=ndcs, indicator=st.integers(0, 8))
def test_round_trip_through_gtin(ndc, indicator):
    assert ndc_from_gtin(ndc.gtin14(indicator), layout=ndc.layout) == ndc
    assert parse_ndc(ndc.gtin14(indicator), layout=ndc.layout) == ndc


@given(ndc=ndcs)
def test_round_trip_through_written_forms(ndc):
    assert parse_ndc(ndc.ndc10) == ndc
    assert parse_ndc(ndc.ndc11, layout=ndc.layout) == ndc
    if ndc.layout == "4-4-2":  # a padded labeler is never ambiguous
        assert parse_ndc(ndc.ndc11) == ndc
