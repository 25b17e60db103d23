"""Reading a supplier's EPCIS file: hostile, broken and non-DSCSA files are refused by name.

Each refusal names the cause, the line and the element or identifier, so a warehouse lead
can tell the supplier what to fix. The fixtures in tests/epcis_fixtures/ are handwritten.
"""

import io
import resource
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.epcis import EpcisError, read_epcis, write_epcis
from core.errors import InvalidInput
from tests.core.test_epcis_writer import supplier_document

FIXTURES = Path(__file__).resolve().parents[1] / "epcis_fixtures"


def test_supplier_file_reads_as_packages_cases_parties_and_transactions():
    doc = read_epcis(FIXTURES / "supplier_valid.xml")
    assert doc.header.sender_gln == "0312345000004"
    assert doc.header.receiver_gln == "0614141000005"
    assert doc.header.document_id == "ACME-2025-0001"
    assert doc.header.created == datetime(2025, 3, 1, 15, 0, tzinfo=timezone.utc)
    assert doc.statement.affirmed and "581(27)" in doc.statement.legal_notice
    assert [(p.gtin, p.serial, p.lot, p.expiry, p.case_sscc) for p in doc.packages()] == [
        ("00312345678906", "A00001", "LOT42A", date(2027, 6, 30), "003123450000000011"),
        ("00312345678906", "A00002", "LOT42A", date(2027, 6, 30), "003123450000000011"),
        ("00312345678906", "A00003", "LOT42A", date(2027, 6, 30), "003123450000000028"),
        ("00312345678906", "A00004", "LOT42A", date(2027, 6, 30), "003123450000000028"),
    ]
    assert doc.cases() == ["003123450000000011", "003123450000000028"]
    assert [(lot.lot, lot.packages) for lot in doc.lots()] == [("LOT42A", 4)]
    product = doc.product("00312345678906")
    assert (product.ndc, product.ndc_type, product.name, product.strength) == (
        "12345067890", "FDA_NDC_11", "Examplin", "10 mg")
    assert product.company_prefix_length == 7
    assert doc.party("urn:epc:id:sgln:0614141.00000.0").name == "Small Wholesale LLC"
    shipping = doc.shipping_events[0]
    assert shipping.biz_transactions == [
        ("po", "urn:epcglobal:cbv:bt:0614141000005:PO-123"),
        ("desadv", "urn:epcglobal:cbv:bt:0312345000004:ASN-77"),
    ]
    assert shipping.source_owning_party == "urn:epc:id:sgln:0312345.00000.0"
    assert shipping.destination_owning_party == "urn:epc:id:sgln:0614141.00000.0"
    assert shipping.event_time.utcoffset() == timedelta(hours=-5)


REFUSED = [
    # fixture, cause, line, words the message must contain
    ("xxe.xml", "dtd_refused", 2, ["DOCTYPE", "XXE"]),
    ("billion_laughs.xml", "dtd_refused", 2, ["DOCTYPE", "billion laughs"]),
    ("doctype_only.xml", "dtd_refused", 3, ["DOCTYPE"]),
    ("truncated.xml", "truncated", 111, ["cut off", "epc"]),
    ("not_xml.csv", "not_xml", 1, ["not an XML document"]),
    ("schema_no_event_time.xml", "schema", 108,
     ["EPCIS 1.2 schema", "<AggregationEvent> starting on line 107", "eventTime"]),
    ("missing_statement.xml", "missing_statement", 10,
     ["<EPCISHeader>", "Transaction Statement"]),
    ("statement_false.xml", "statement_not_affirmed", 67,
     ["<gs1ushc:affirmTransactionStatement>", "'false'"]),
    ("sgtin_check_digit.xml", "bad_epc", 79,
     ["<epc>", "'urn:epc:id:sgtin:0312345.0678906.A00003'", "14 digits", "check digit"]),
    ("sgtin_no_serial.xml", "bad_epc", 80,
     ["<epc> 'urn:epc:id:sgtin:0312345.067890' is not an SGTIN URI (it has no serial)"]),
    ("sender_gln_check_digit.xml", "bad_gln", 14,
     ["Sender", "'0312345000006'", "check digit 6", "should be 4"]),
    ("commissioning_no_lot.xml", "missing_lot", 73,
     ["<ObjectEvent>", "GTIN 00312345678906", "cbvmda:lotNumber"]),
    ("commissioning_no_expiry.xml", "missing_expiry", 73,
     ["<ObjectEvent>", "lot LOT42A", "cbvmda:itemExpirationDate"]),
    ("child_not_commissioned.xml", "not_commissioned", 114,
     ["'urn:epc:id:sgtin:0312345.067890.B99999'", "urn:epc:id:sscc:0312345.0000000002",
      "commissioning"]),
]


@pytest.mark.parametrize("name,cause,line,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_files_are_refused_with_cause_line_and_identifier(name, cause, line, words):
    with pytest.raises(EpcisError) as caught:
        read_epcis(FIXTURES / name)
    error = caught.value
    assert (error.cause, error.line) == (cause, line), str(error)
    message = str(error)
    assert message.startswith(f"Line {line}: ")
    for word in words:
        assert word in message
    assert isinstance(error, InvalidInput)


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_entities_are_never_expanded_even_from_a_stream(name):
    data = (FIXTURES / name).read_bytes()
    with pytest.raises(EpcisError) as caught:
        read_epcis(io.BytesIO(data))
    assert caught.value.cause == "dtd_refused"
    assert "root:" not in str(caught.value) and "lollol" not in str(caught.value)


def test_doctype_in_utf16_file_is_refused_too():
    data = (FIXTURES / "xxe.xml").read_text().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(EpcisError) as caught:
        read_epcis(io.BytesIO(data.encode("utf-16")))
    assert caught.value.cause == "dtd_refused"


def test_oversize_file_is_refused_before_parsing_naming_the_limit():
    with pytest.raises(EpcisError) as caught:
        read_epcis(FIXTURES / "supplier_valid.xml", max_bytes=1024)
    assert caught.value.cause == "too_large"
    assert "1 KiB" in str(caught.value)


class Pipe(io.RawIOBase):
    """A stream whose size is unknown up front (e.g. a network download)."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)

    def readable(self):
        return True

    def read(self, size=-1):
        return self.data.read(size)


def test_oversize_stream_of_unknown_size_is_refused_while_reading():
    with pytest.raises(EpcisError) as caught:
        read_epcis(Pipe((FIXTURES / "supplier_valid.xml").read_bytes()), max_bytes=3000)
    assert caught.value.cause == "too_large"
    assert "3,000 bytes" in str(caught.value)


def test_schema_problem_in_a_stream_that_cannot_rewind_still_names_the_schema():
    data = (FIXTURES / "schema_no_event_time.xml").read_bytes()
    with pytest.raises(EpcisError) as caught:
        read_epcis(Pipe(data))
    assert caught.value.cause == "schema"
    assert "eventTime" in str(caught.value)


def test_malformed_xml_in_the_middle_names_the_line():
    data = (FIXTURES / "supplier_valid.xml").read_text().replace("</action>", "</actio>", 1)
    with pytest.raises(EpcisError) as caught:
        read_epcis(io.BytesIO(data.encode()))
    assert (caught.value.cause, caught.value.line) == ("not_xml", 81)
    assert "action" in str(caught.value)


def test_epcis_2_document_is_named_as_such():
    data = (FIXTURES / "supplier_valid.xml").read_text().replace(
        'xmlns:epcis="urn:epcglobal:epcis:xsd:1"', 'xmlns:epcis="urn:epcglobal:epcis:xsd:2"')
    with pytest.raises(EpcisError) as caught:
        read_epcis(io.BytesIO(data.encode()))
    assert caught.value.cause == "not_epcis"
    assert "urn:epcglobal:epcis:xsd:2" in str(caught.value)


def test_shipped_case_without_packing_is_refused():
    data = (FIXTURES / "supplier_valid.xml").read_text().replace(
        "<epc>urn:epc:id:sscc:0312345.0000000002</epc>\n        </epcList>",
        "<epc>urn:epc:id:sscc:0312345.0000000002</epc>\n"
        "          <epc>urn:epc:id:sscc:0312345.0000000003</epc>\n        </epcList>")
    with pytest.raises(EpcisError) as caught:
        read_epcis(io.BytesIO(data.encode()))
    assert (caught.value.cause, caught.value.line) == ("unknown_case", 125)
    assert "urn:epc:id:sscc:0312345.0000000003" in str(caught.value)


def test_hundred_thousand_packages_parse_and_validate_quickly(tmp_path):
    path = tmp_path / "big.xml"
    doc = supplier_document(packages=100_000, per_case=100)
    with path.open("wb") as out:
        write_epcis(doc, out)
    del doc
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    back = read_epcis(path)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = path.stat().st_size
    print(f"\n100k packages, {size / 1e6:.1f} MB: read+validate {elapsed:.2f} s, "
          f"max RSS {after / 1024:.0f} MiB (was {before / 1024:.0f} MiB before reading)")
    assert len(back.packages()) == 100_000
    assert len(back.cases()) == 1_000
    assert elapsed < 30
