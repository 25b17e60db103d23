"""The EPCIS file sent with a shipment: valid against GS1's XSD, every part the GS1 US
guideline asks for, built from the shipped record, the same bytes every time."""

import io
from datetime import date, timedelta

import pytest
from lxml import etree

from core import gs1
from core.epcis import read_epcis
from core.epcis.reader import epcis_schema
from core.errors import NotFound
from core.models import AuditEntry, Company, Partner, PartnerAddress, ShipmentItem
from core.permissions import Role
from core.services import sales, shipping
from core.services.epcis_export import (ShipmentNotExportable, export_shipment, find_shipment,
                                        outbound_document)
from core.services.partners import Address, add_address, add_evidence, add_partner
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock
from core.vocab import AddressKind
from tests.core.conftest import BULK_GTIN, GTIN, customer
from tests.core.test_trace import counting_queries

SBDH = "{http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader}"
US = "{http://epcis.gs1us.org/hc/ns}"
MDA = "urn:epcglobal:cbv:mda#"
CUSTOMER_GLN = "0614141000029"
TODAY = date.today()


def ship_order(actors, customer_id: int, quantity: int = 7, per_carton: int = 3,
               customer_po: str = "MS-881", ship_to: int | None = None,
               lines=None) -> int:
    office, lead = actors[Role.OFFICE], actors[Role.WAREHOUSE]
    order_id = sales.create_order(office, customer_id, lines or [SoLineInput(GTIN, quantity)],
                                  customer_po=customer_po, ship_to_id=ship_to)
    sales.confirm_order(office, order_id)
    shipment_id = shipping.auto_pack(lead, order_id, per_carton=per_carton)
    shipping.ship(lead, shipment_id)
    return shipment_id


def exported(actor, shipment_id: int) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = export_shipment(actor, shipment_id, out)
    return out.getvalue(), result


def assert_valid(data: bytes) -> None:
    schema = epcis_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log


def attributes(element) -> dict[str, str]:
    return {a.get("id").removeprefix(MDA): a.text for a in element.findall("attribute")}


@pytest.fixture
def shipped(stock):
    """Seven Atorvastatin packages (lots SOON x5, LATE x2) for Main Street Pharmacy in
    three cartons of at most three."""
    return ship_order(stock, customer(stock))


def test_the_file_validates_and_holds_every_part_the_guideline_asks_for(stock, shipped):
    data, result = exported(stock[Role.WAREHOUSE], shipped)
    assert_valid(data)
    company = Company.get_by_id(1)
    ours = gs1.sgln_uri(company.gln, 7)
    theirs = gs1.sgln_uri(CUSTOMER_GLN, 7)
    root = etree.fromstring(data)
    header = root.find("EPCISHeader")
    sbdh = header.find(f"{SBDH}StandardBusinessDocumentHeader")
    assert sbdh.findtext(f"{SBDH}Sender/{SBDH}Identifier") == company.gln
    assert sbdh.findtext(f"{SBDH}Receiver/{SBDH}Identifier") == CUSTOMER_GLN
    number = sbdh.findtext(f"{SBDH}DocumentIdentification/{SBDH}InstanceIdentifier")
    assert number == result.shipment == f"SH-{shipped:06d}"

    statement = header.find(f"{US}dscsaTransactionStatement")
    assert statement.findtext(f"{US}affirmTransactionStatement") == "true"
    assert "581(27)" in statement.findtext(f"{US}legalNotice")

    vocabularies = {v.get("type").rsplit(":", 1)[-1]: v for v in
                    header.findall("extension/EPCISMasterData/VocabularyList/Vocabulary")}
    (product,) = vocabularies["EPCClass"].iter("VocabularyElement")
    assert product.get("id") == "urn:epc:idpat:sgtin:0312345.067890.*"
    assert attributes(product) == {
        "additionalTradeItemIdentification": "12345067890",
        "additionalTradeItemIdentificationTypeCode": "FDA_NDC_11",
        "regulatedProductName": "Atorvastatin 20 mg tablets, 90 count",
        "dosageFormType": "tablet", "strengthDescription": "20 mg"}
    locations = {e.get("id"): attributes(e)
                 for e in vocabularies["Location"].iter("VocabularyElement")}
    assert locations[ours]["name"] == company.legal_name
    assert locations[theirs] == {"name": "Main Street Pharmacy", "streetAddressOne":
                                 "12 Main Street", "city": "Trenton", "state": "NJ",
                                 "postalCode": "08608", "countryCode": "US"}

    events = root.find("EPCISBody/EventList")
    commissioning = [e for e in events.findall("ObjectEvent")
                     if e.findtext("bizStep").endswith(":commissioning")]
    lots = {e.findtext("extension/ilmd/{urn:epcglobal:cbv:mda}lotNumber"):
            (e.findtext("extension/ilmd/{urn:epcglobal:cbv:mda}itemExpirationDate"),
             len(e.findall("epcList/epc"))) for e in commissioning}
    assert lots == {"SOON": ((TODAY + timedelta(days=100)).isoformat(), 5),
                    "LATE": ((TODAY + timedelta(days=400)).isoformat(), 2)}

    cartons = {}
    for item in ShipmentItem.select().where(ShipmentItem.shipment == shipped):
        cartons.setdefault(gs1.sscc_uri(item.carton.container.sscc, 7), set()).add(
            gs1.sgtin_uri(GTIN, item.package.serial, 7))
    packing = events.findall("AggregationEvent")
    assert {a.findtext("parentID"): {e.text for e in a.findall("childEPCs/epc")}
            for a in packing} == cartons
    assert len(cartons) == result.cartons == 3
    assert {a.findtext("bizStep") for a in packing} == {"urn:epcglobal:cbv:bizstep:packing"}

    ship = events.findall("ObjectEvent")[-1]
    assert ship.findtext("action") == "OBSERVE"
    assert ship.findtext("bizStep") == "urn:epcglobal:cbv:bizstep:shipping"
    assert ship.findtext("disposition") == "urn:epcglobal:cbv:disp:in_transit"
    assert [e.text for e in ship.findall("epcList/epc")] == [a.findtext("parentID")
                                                           for a in packing]
    assert {t.get("type").rsplit(":", 1)[-1]: t.text
            for t in ship.findall("bizTransactionList/bizTransaction")} == {
        "po": f"urn:epcglobal:cbv:bt:{CUSTOMER_GLN}:MS-881",
        "desadv": f"urn:epcglobal:cbv:bt:{company.gln}:{number}"}
    ends = {(s.tag, s.get("type").rsplit(":", 1)[-1]): s.text
            for s in ship.find("extension").iter("source", "destination")}
    assert ends == {("source", "owning_party"): ours, ("source", "location"): ours,
                    ("destination", "owning_party"): theirs,
                    ("destination", "location"): theirs}
    assert ship.findtext("readPoint/id") == ours
    assert (result.packages, result.lots, result.products) == (7, 2, 1)


def test_what_the_customer_reads_back_is_what_was_shipped(stock, shipped):
    data, _ = exported(stock[Role.WAREHOUSE], shipped)
    doc = read_epcis(io.BytesIO(data))
    expected = sorted((GTIN, item.package.serial, item.lot.lot_number, item.lot.expiry,
                       item.carton.container.sscc)
                      for item in ShipmentItem.select().where(ShipmentItem.shipment == shipped))
    assert sorted(doc.packages()) == expected
    assert doc.shipping_events[0].biz_transaction("po").endswith(":MS-881")
    assert doc.product(GTIN).ndc == "12345067890"


def test_the_same_shipment_gives_the_same_bytes_and_each_export_is_audited(stock, shipped):
    lead, office = stock[Role.WAREHOUSE], stock[Role.OFFICE]
    first, result = exported(lead, shipped)
    # Setup changed after shipping does not change what was sent.
    Partner.update(name="Main St Pharmacy LLC").where(Partner.gln == CUSTOMER_GLN).execute()
    again, _ = exported(office, shipped)
    assert first == again
    entries = list(AuditEntry.select().where(AuditEntry.action == "export_epcis")
                   .order_by(AuditEntry.id))
    assert [e.username for e in entries] == [lead.username, office.username]
    assert all(result.sha256 in e.summary and e.entity_id == str(shipped) for e in entries)
    import hashlib
    assert hashlib.sha256(first).hexdigest() == result.sha256 and result.size == len(first)


def test_a_shipment_not_yet_shipped_or_unknown_is_refused(stock):
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 2)])
    sales.confirm_order(office, order_id)
    shipment_id = shipping.auto_pack(lead, order_id)
    out = io.BytesIO()
    with pytest.raises(ShipmentNotExportable, match="has not shipped yet") as refused:
        export_shipment(lead, shipment_id, out)
    assert refused.value.cause == "not_shipped" and out.getvalue() == b""
    with pytest.raises(NotFound):
        export_shipment(lead, 9999, out)
    with pytest.raises(NotFound):
        find_shipment("SH-999999")
    assert find_shipment(f"sh-{shipment_id:06d}") == shipment_id == find_shipment(shipment_id)
    assert not AuditEntry.select().where(AuditEntry.action == "export_epcis").exists()


def test_without_a_customer_po_our_order_number_is_the_po(stock):
    shipment_id = ship_order(stock, customer(stock), quantity=2, customer_po="")
    doc = outbound_document(shipment_id)
    company = Company.get_by_id(1)
    po = doc.shipping_events[0].biz_transaction("po")
    assert po.startswith(f"urn:epcglobal:cbv:bt:{company.gln}:SO-")


def test_a_ship_to_with_its_own_gln_is_the_destination_location(stock):
    office = stock[Role.OFFICE]
    customer_id = customer(stock)
    add_address(office, customer_id, Address(AddressKind.BILL_TO, "1 Office Park", "Newark",
                                             "NJ", "07102"))
    store_gln = "0614141000036"
    ship_to = add_address(office, customer_id, Address(
        AddressKind.SHIP_TO, "99 Shore Road", "Cape May", "NJ", "08204", name="Store 2",
        gln=store_gln))
    shipment_id = ship_order(stock, customer_id, quantity=2, ship_to=ship_to)
    data, _ = exported(stock[Role.WAREHOUSE], shipment_id)
    assert_valid(data)
    doc = read_epcis(io.BytesIO(data))
    store, owner = gs1.sgln_uri(store_gln, 7), gs1.sgln_uri(CUSTOMER_GLN, 7)
    shipping_event = doc.shipping_events[0]
    assert (shipping_event.destination_owning_party, shipping_event.destination_location) == (
        owner, store)
    assert (doc.party(store).name, doc.party(store).city) == ("Store 2", "Cape May")
    assert (doc.party(owner).name, doc.party(owner).city) == ("Main Street Pharmacy", "Newark")


def test_an_address_corrected_after_shipping_keeps_the_address_shipped_to(stock, shipped):
    PartnerAddress.update(street="14 Main Street", city="Ewing").where(
        PartnerAddress.street == "12 Main Street").execute()
    doc = outbound_document(shipped)
    party = doc.party(gs1.sgln_uri(CUSTOMER_GLN, 7))
    assert (party.street, party.city, party.state, party.postal_code, party.country) == (
        "12 Main Street", "Trenton", "NJ", "08608", "US")


def test_non_serialized_units_stay_off_the_file_and_are_counted(stock):
    admin = stock[Role.ADMIN]
    add_opening_stock(admin, BULK_GTIN, "B1", TODAY + timedelta(days=200), "B-01", quantity=9)
    shipment_id = ship_order(stock, customer(stock), lines=[SoLineInput(GTIN, 2),
                                                           SoLineInput(BULK_GTIN, 4)])
    data, result = exported(stock[Role.WAREHOUSE], shipment_id)
    assert_valid(data)
    assert (result.packages, result.units_not_serialized) == (2, 4)
    doc = read_epcis(io.BytesIO(data))
    assert {p.gtin for p in doc.packages()} == {GTIN}
    assert [p.gtin for p in doc.products] == [GTIN]


def test_a_customer_without_a_gln_is_named_as_the_problem(stock):
    office = stock[Role.OFFICE]
    pid = add_partner(office, "Corner Clinic", "customer", "dispenser", addresses=[
        Address(AddressKind.SHIP_TO, "3 Side St", "Trenton", "NJ", "08608", is_default=True)])
    add_evidence(office, pid, "state_license", "NJ-RX-9", state="NJ", expiry="2030-06-30")
    shipment_id = ship_order(stock, pid, quantity=1)
    with pytest.raises(ShipmentNotExportable, match="Corner Clinic has no GLN") as refused:
        exported(stock[Role.WAREHOUSE], shipment_id)
    assert refused.value.cause == "no_customer_gln"


def test_the_number_of_queries_does_not_grow_with_the_shipment(stock):
    customer_id = customer(stock)
    small = ship_order(stock, customer_id, quantity=1)
    admin = stock[Role.ADMIN]
    add_opening_stock(admin, GTIN, "MORE", TODAY + timedelta(days=500), "A-02",
                      serials=[f"M{i:04d}" for i in range(60)])
    large = ship_order(stock, customer_id, quantity=60, per_carton=7)
    with counting_queries() as few:
        exported(stock[Role.WAREHOUSE], small)
    with counting_queries() as many:
        _, result = exported(stock[Role.WAREHOUSE], large)
    assert result.cartons == 9 and result.packages == 60
    assert len(many) == len(few), many
