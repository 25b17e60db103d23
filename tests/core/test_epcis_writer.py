"""Writing DSCSA EPCIS 1.2: what we send validates against GS1's XSD and reads back the same."""

import io
from datetime import date, datetime, timedelta, timezone

from biip.checksums import gs1_standard_check_digit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from core import gs1
from core.epcis import (
    Aggregation, Commissioning, EpcisDocument, Header, Party, ProductClass, ShippingEvent,
    TransactionStatement, read_epcis, write_epcis,
)
from core.epcis.reader import epcis_schema

SUPPLIER_GLN = "0312345000004"
BUYER_GLN = "0614141000005"
SUPPLIER = gs1.sgln_uri(SUPPLIER_GLN, 7)
BUYER = gs1.sgln_uri(BUYER_GLN, 7)
EST = timezone(timedelta(hours=-5))
LEGAL = "Seller has complied with each applicable subsection of FDCA Sec. 581(27)(A)-(G)."


def sscc(serial_reference: int, prefix: str = "0312345") -> str:
    body = "0" + prefix + f"{serial_reference:0{16 - len(prefix)}d}"
    return body + str(gs1_standard_check_digit(body))


def supplier_document(packages: int = 8, per_case: int = 4,
                      products=(("00312345678906", "LOT42A", date(2027, 6, 30)),)) -> EpcisDocument:
    """A manufacturer's shipment: commission each lot, pack into cases, ship the cases."""
    t0 = datetime(2025, 3, 1, 8, 0, tzinfo=EST)
    commissionings, aggregations, cases = [], [], []
    for number, (gtin, lot, expiry) in enumerate(products):
        serials = [f"{lot[:3]}{i:07d}" for i in range(packages)]
        for start in range(0, packages, 25_000):
            commissionings.append(Commissioning(gtin, serials[start:start + 25_000], lot, expiry,
                                                t0, read_point=SUPPLIER, biz_location=SUPPLIER))
        for start in range(0, packages, per_case):
            case = sscc(len(cases) + 1)
            cases.append(case)
            aggregations.append(Aggregation(
                case, [(gtin, s) for s in serials[start:start + per_case]], [],
                t0 + timedelta(hours=1), read_point=SUPPLIER))
    shipping = ShippingEvent(
        [gs1.sscc_uri(case, 7) for case in cases], t0 + timedelta(hours=2),
        read_point=SUPPLIER,
        biz_transactions=[("po", f"urn:epcglobal:cbv:bt:{BUYER_GLN}:PO-123"),
                          ("desadv", f"urn:epcglobal:cbv:bt:{SUPPLIER_GLN}:ASN-77")],
        sources=[("owning_party", SUPPLIER), ("location", SUPPLIER)],
        destinations=[("owning_party", BUYER), ("location", BUYER)],
    )
    return EpcisDocument(
        header=Header(SUPPLIER_GLN, BUYER_GLN, "ACME-2025-0001", t0 + timedelta(hours=3)),
        statement=TransactionStatement(True, LEGAL),
        parties=[
            Party(SUPPLIER, SUPPLIER_GLN, "Acme Pharma Inc.", "1 Main Street", "Springfield",
                  "IL", "62701", "US"),
            Party(BUYER, BUYER_GLN, "Small Wholesale LLC", "2 Elm Street", "Columbus", "OH",
                  "43004", "US"),
        ],
        products=[
            ProductClass(gs1.sgtin_pattern_uri(gtin, 7), gtin, 7, "12345" + "0" + gtin[8:13],
                         "FDA_NDC_11", f"Examplin {n}", "Acme Pharma Inc.", "TABLET",
                         "10 mg", "100 TABLET")
            for n, (gtin, _, _) in enumerate(products)
        ],
        commissionings=commissionings, aggregations=aggregations, shipping_events=[shipping],
        company_prefix_lengths={case: 7 for case in cases},
    )


def written(doc: EpcisDocument) -> bytes:
    out = io.BytesIO()
    write_epcis(doc, out)
    return out.getvalue()


def assert_valid(data: bytes) -> None:
    schema = epcis_schema()
    ok = schema.validate(etree.fromstring(data))
    assert ok, schema.error_log


def test_supplier_document_validates_against_gs1_xsd_in_guideline_shape():
    data = written(supplier_document())
    assert_valid(data)
    root = etree.fromstring(data)
    header = root.find("EPCISHeader")
    assert [etree.QName(c).localname for c in header] == [
        "StandardBusinessDocumentHeader", "extension", "dscsaTransactionStatement"]
    sbdh = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}"
    sender = header.find(f"{sbdh}StandardBusinessDocumentHeader/{sbdh}Sender/{sbdh}Identifier")
    assert (sender.get("Authority"), sender.text) == ("GS1", SUPPLIER_GLN)
    commissioning = root.find("EPCISBody/EventList/ObjectEvent")
    assert [c.tag for c in commissioning] == [
        "eventTime", "eventTimeZoneOffset", "epcList", "action", "bizStep", "disposition",
        "readPoint", "bizLocation", "extension"]
    assert commissioning.findtext("{urn:epcglobal:cbv:mda}lotNumber") is None
    assert commissioning.findtext("extension/ilmd/{urn:epcglobal:cbv:mda}lotNumber") == "LOT42A"
    shipping = root.findall("EPCISBody/EventList/ObjectEvent")[-1]
    assert shipping.findtext("bizStep") == "urn:epcglobal:cbv:bizstep:shipping"
    assert shipping.find("bizTransactionList/bizTransaction").get("type") == \
        "urn:epcglobal:cbv:btt:po"
    assert [c.tag for c in shipping.find("extension")] == ["sourceList", "destinationList"]


def test_round_trip_keeps_packages_lots_cases_parties_products_and_transactions():
    doc = supplier_document(packages=10, per_case=4, products=(
        ("00312345678906", "LOT42A", date(2027, 6, 30)),
        ("00312345111113", "B&<7>", date(2026, 1, 31)),  # a lot that needs escaping
    ))
    back = read_epcis(io.BytesIO(written(doc)))
    assert back.packages() == doc.packages()
    assert len(back.packages()) == 20 and back.packages()[0].case_sscc == sscc(1)
    assert back.lots() == doc.lots()
    assert back.cases() == doc.cases()
    assert back.parties == doc.parties
    assert back.products == doc.products
    assert back.header == doc.header
    assert back.statement == TransactionStatement(True, LEGAL)
    shipping = back.shipping_events[0]
    assert shipping.biz_transaction("po") == f"urn:epcglobal:cbv:bt:{BUYER_GLN}:PO-123"
    assert shipping.biz_transaction("desadv").endswith(":ASN-77")
    assert (shipping.source_owning_party, shipping.destination_owning_party) == (SUPPLIER, BUYER)
    assert shipping == doc.shipping_events[0]


def test_document_without_known_prefix_length_is_refused_before_writing():
    doc = supplier_document()
    doc.company_prefix_lengths = {}
    try:
        written(doc)
    except Exception as error:  # noqa: BLE001 - checking the message a user sees
        assert "company prefix length" in str(error)
    else:
        raise AssertionError("writing an SSCC without its prefix length should fail")


serial_text = st.text(alphabet="ABCXYZ0123456789-!&/%", min_size=1, max_size=20)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    serials=st.lists(serial_text, min_size=1, max_size=12, unique=True),
    per_case=st.integers(min_value=1, max_value=5),
    lot=st.text(alphabet="ABC123-./", min_size=1, max_size=20).map(str.strip).filter(bool),
    expiry=st.dates(min_value=date(2024, 1, 1), max_value=date(2035, 12, 31)),
    minutes=st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_random_small_documents_validate_and_read_back(serials, per_case, lot, expiry, minutes):
    zone = timezone(timedelta(minutes=minutes))
    gtin = "00312345678906"
    when = datetime(2025, 5, 6, 7, 8, 9, 123000, tzinfo=zone)
    cases = [sscc(i + 1) for i in range(0, len(serials), per_case)]
    doc = EpcisDocument(
        header=Header(SUPPLIER_GLN, BUYER_GLN, "X-1", when),
        statement=TransactionStatement(True, LEGAL),
        products=[ProductClass(gs1.sgtin_pattern_uri(gtin, 7), gtin, 7)],
        commissionings=[Commissioning(gtin, serials, lot, expiry, when)],
        aggregations=[
            Aggregation(case, [(gtin, s) for s in serials[i * per_case:(i + 1) * per_case]], [],
                        when)
            for i, case in enumerate(cases)
        ],
        shipping_events=[ShippingEvent([gs1.sscc_uri(c, 7) for c in cases], when,
                                       sources=[("owning_party", SUPPLIER)],
                                       destinations=[("owning_party", BUYER)])],
        company_prefix_lengths={c: 7 for c in cases},
    )
    data = written(doc)
    assert_valid(data)
    back = read_epcis(io.BytesIO(data))
    assert back.packages() == doc.packages()
    assert back.commissionings[0].event_time == when
    assert back.commissionings[0].event_time.utcoffset() == when.utcoffset()
