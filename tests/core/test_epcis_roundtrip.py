"""Round trip between two RxDesk businesses: what distributor A ships and exports,
pharmacy B (a second, empty RxDesk database whose company is A's customer) imports as a
ship notice and receives, package for package, lot for lot, carton for carton."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from lxml import etree

from core import connection
from core import db as core_db
from core.epcis.reader import epcis_schema
from core.models import (Company, Container, DscsaTransaction, ExpectedContainer,
                         ExpectedPackage, ExpectedReceipt, Location, Lot, Package, Product,
                         ShipmentItem)
from core.permissions import Role
from core.services import receiving, sales, shipping
from core.services.epcis_export import export_shipment
from core.services.epcis_import import import_epcis
from core.services.locations import add_bin
from core.services.partners import Address, add_evidence, add_partner
from core.services.receiving import Delivery
from core.services.sales import SoLineInput
from core.services.setup import initialise
from core.services.stock import add_opening_stock
from core.vocab import AddressKind, AsnStatus
from tests.core.conftest import GTIN, customer

CUSTOMER_GLN = "0614141000029"
TODAY = date.today()


@pytest.fixture
def customer_database(backend, request, tmp_path, templates):
    """URL of a second, empty RxDesk database (schema only), removed afterwards. Ask for
    it before `db`: building the template the first time uses the global connection."""
    if backend == "sqlite":
        path = tmp_path / "pharmacy.db"
        shutil.copyfile(templates("sqlite", "migrated", None), path)
        yield f"sqlite:///{path}"
        core_db.close_database()
        return
    server = request.getfixturevalue("pg_server")
    name = server.create(templates("postgresql", "migrated", server))
    yield server.url(name)
    core_db.close_database()
    with server._admin() as conn:  # stays listed: names count the databases made
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def shipped_by_a(stock, tmp_path):
    """In A: 27 packages of three lots for Main Street Pharmacy, auto-packed 5 to a
    carton and shipped; returns (file, what was shipped)."""
    admin, office, lead = stock[Role.ADMIN], stock[Role.OFFICE], stock[Role.WAREHOUSE]
    add_opening_stock(admin, GTIN, "LOT&9/B", TODAY + timedelta(days=700), "A-02",
                      serials=[f"X-{i:03d}" for i in range(20)])
    order_id = sales.create_order(office, customer(stock), [SoLineInput(GTIN, 27)],
                                  customer_po="MS-881")
    sales.confirm_order(office, order_id)
    shipment_id = shipping.auto_pack(lead, order_id, per_carton=5)
    shipping.ship(lead, shipment_id)
    path = tmp_path / "to-main-street.xml"
    with path.open("wb") as out:
        export_shipment(lead, shipment_id, out)
    items = list(ShipmentItem.select().where(ShipmentItem.shipment == shipment_id))
    company = Company.get_by_id(1)
    sent = {
        "packages": {(GTIN, i.package.serial): (i.lot.lot_number, i.lot.expiry,
                                                i.carton.container.sscc) for i in items},
        "cartons": {i.carton.container.sscc for i in items},
        "seller": (company.legal_name, company.gln),
    }
    return path, sent


def test_what_a_ships_b_imports_and_receives(customer_database, stock, tmp_path):
    path, sent = shipped_by_a(stock, tmp_path)
    assert epcis_schema().validate(etree.parse(str(path))), epcis_schema().error_log
    assert len(sent["packages"]) == 27 and len(sent["cartons"]) == 6
    assert {lot for lot, _, _ in sent["packages"].values()} == {"SOON", "LATE", "LOT&9/B"}
    seller_name, seller_gln = sent["seller"]

    # B: a pharmacy running its own RxDesk, with A as an authorized supplier.
    core_db.close_database()
    opened = connection.connect(customer_database)
    admin = initialise(opened.target.display_name, "Main Street Pharmacy", CUSTOMER_GLN,
                       "admin", "a long enough password")
    add_bin(admin, "R-01", zone="R", aisle="R")
    supplier = add_partner(admin, seller_name, "supplier", "wholesaler", gln=seller_gln,
                           addresses=[Address(AddressKind.BILL_TO, "100 Commerce Way",
                                              "Edison", "NJ", "08817")])
    add_evidence(admin, supplier, "state_license", "WDB-5012345", state="NJ",
                 expiry="2030-06-30")
    add_evidence(admin, supplier, "fda_annual_report", verified_on=TODAY)

    imported = import_epcis(admin, path)
    assert (imported.supplier_gln, imported.packages, imported.cases, imported.lots) == (
        seller_gln, 27, 6, 3)
    assert imported.new_products == ["12345-678-90"]
    asn = ExpectedReceipt.get_by_id(imported.asn_id)
    assert (asn.seller_name, asn.po_reference, asn.statement_affirmed) == (
        seller_name, "MS-881", True)
    assert asn.seller_address == "100 Commerce Way, Edison, NJ, 08817, US"
    assert asn.despatch_reference.startswith("SH-")
    expected = {(p.product.gtin, p.serial): (p.lot_number, p.expiry, p.case_sscc)
                for p in ExpectedPackage.select(ExpectedPackage, Product).join(Product)
                .where(ExpectedPackage.asn == asn)}
    assert expected == sent["packages"]
    assert {c.sscc for c in ExpectedContainer.select().where(
        ExpectedContainer.asn == asn)} == sent["cartons"]
    product = Product.get(Product.gtin == GTIN)
    assert (product.ndc_labeler, product.ndc_product, product.ndc_package, product.name,
            product.strength, product.dosage_form) == (
        "12345", "678", "90", "Atorvastatin 20 mg tablets, 90 count", "20 mg", "tablet")

    receiving.scan_everything_expected(admin, asn.id)
    result = receiving.post_receipt(admin, Delivery(asn_id=asn.id))
    assert result.exceptions == [] and result.asn_status is AsnStatus.RECEIVED
    in_stock = {(GTIN, p.serial): (p.lot.lot_number, p.lot.expiry, p.container.sscc)
                for p in Package.select(Package, Lot, Container).join(Lot)
                .switch(Package).join(Container)
                .where((Package.status == "saleable")
                       & (Package.location == Location.get(Location.code == "R-01")))}
    assert in_stock == sent["packages"]
    inbound = DscsaTransaction.get(DscsaTransaction.direction == "in")
    assert (inbound.seller_name, inbound.buyer_name) == (seller_name, "Main Street Pharmacy")
