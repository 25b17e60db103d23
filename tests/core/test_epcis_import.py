"""Importing a supplier's EPCIS file as an advance ship notice: all or nothing, once only,
from authorized suppliers to us, with the original bytes kept."""

import hashlib
from datetime import date
from pathlib import Path

import pytest

from core.epcis import EpcisError
from core.models import (AuditEntry, ExpectedContainer, ExpectedPackage, ExpectedReceipt,
                         Product, StoredFile, StoredFileChunk)
from core.permissions import Role
from core.queries.atp import PartnerNotAuthorized
from core.services import purchasing
from core.services.epcis_import import EpcisNotAccepted, import_epcis
from core.services.partners import add_evidence, add_partner
from core.services.purchasing import PoLineInput
from tests.core.conftest import GTIN
from tests.epcis_documents import SUPPLIER_GLN, Line, supplier_document, write_file

FIXTURES = Path(__file__).resolve().parents[1] / "epcis_fixtures"
NEW_GTIN = "00312345222222"  # NDC 12345-222-22, not in the product master


@pytest.fixture
def po_number(warehouse, supplier):
    office = warehouse[Role.OFFICE]
    po_id = purchasing.create_po(office, supplier, [PoLineInput(GTIN, 8, "12.10")])
    purchasing.confirm_po(office, po_id)
    return f"PO-{po_id:06d}"


def written_rows() -> tuple[int, ...]:
    return (StoredFile.select().count(), StoredFileChunk.select().count(),
            ExpectedReceipt.select().count(), ExpectedPackage.select().count(),
            ExpectedContainer.select().count(), Product.select().count())


def test_supplier_file_becomes_a_ship_notice_linked_to_its_po(warehouse, po_number, tmp_path):
    path = write_file(tmp_path, supplier_document(
        [Line(GTIN, "LOT42A", date(2028, 6, 30), 8)], per_case=4, po=po_number))
    result = import_epcis(warehouse[Role.WAREHOUSE], path)
    assert result.as_json() | {"asn": 0, "sha256": ""} == {
        "asn": 0, "po": po_number, "supplier_gln": SUPPLIER_GLN, "supplier": "Acme Pharma Inc.",
        "products": 1, "lots": 1, "packages": 8, "cases": 2, "new_products": [],
        "warnings": [], "sha256": "", "already_imported": False}
    asn = ExpectedReceipt.get_by_id(result.asn_id)
    assert asn.purchase_order.number == po_number
    assert (asn.seller_name, asn.statement_affirmed) == ("Acme Pharma Inc.", True)
    assert "Springfield" in asn.seller_address and "581(27)" in asn.legal_notice
    packages = list(ExpectedPackage.select().where(ExpectedPackage.asn == asn)
                    .order_by(ExpectedPackage.serial))
    assert [(p.serial, p.lot_number, p.expiry) for p in packages[:1]] == [
        ("LOT40000000", "LOT42A", date(2028, 6, 30))]
    assert len({p.case_sscc for p in packages}) == 2
    kept = b"".join(c.data for c in StoredFileChunk.select().where(
        StoredFileChunk.file == asn.file).order_by(StoredFileChunk.seq))
    assert bytes(kept) == path.read_bytes()
    assert asn.file.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.action == "import_epcis" and "8 packages" in entry.summary


def test_importing_the_same_file_again_duplicates_nothing(warehouse, po_number, tmp_path):
    path = write_file(tmp_path, supplier_document(po=po_number))
    first = import_epcis(warehouse[Role.WAREHOUSE], path)
    before = written_rows()
    again = import_epcis(warehouse[Role.OFFICE], path)
    assert written_rows() == before
    assert again.already_imported and again.asn_id == first.asn_id
    assert (again.packages, again.cases, again.po_number) == (8, 2, po_number)


def test_pallet_of_cases_keeps_each_case_on_its_pallet(warehouse, po_number, tmp_path):
    path = write_file(tmp_path, supplier_document(
        [Line(GTIN, "LOT42A", date(2028, 6, 30), 12)], per_case=4, pallet=True, po=po_number))
    result = import_epcis(warehouse[Role.WAREHOUSE], path)
    assert result.cases == 4
    containers = {c.sscc: c.parent_sscc for c in ExpectedContainer.select()}
    pallets = [s for s, parent in containers.items() if not parent]
    assert len(pallets) == 1
    assert sorted(parent for parent in containers.values() if parent) == [pallets[0]] * 3


def test_unknown_product_is_created_from_master_data_and_flagged(warehouse, po_number,
                                                                  tmp_path):
    path = write_file(tmp_path, supplier_document(
        [Line(GTIN, "LOT42A", date(2028, 6, 30), 4),
         Line(NEW_GTIN, "NEW1", date(2028, 1, 31), 4, name="Lisinopril 10 mg tablets")],
        po=po_number))
    result = import_epcis(warehouse[Role.WAREHOUSE], path)
    assert result.new_products == ["12345-222-22"]
    assert any("review it before selling" in w for w in result.warnings)
    product = Product.get(Product.gtin == NEW_GTIN)
    assert (product.name, product.needs_review, product.ndc_layout) == (
        "Lisinopril 10 mg tablets", True, "5-3-2")


def test_unknown_product_without_master_data_is_refused_writing_nothing(warehouse, supplier,
                                                                         tmp_path):
    path = write_file(tmp_path, supplier_document(
        [Line(NEW_GTIN, "NEW1", date(2028, 1, 31), 4)], master_data=False))
    before = written_rows()
    with pytest.raises(EpcisNotAccepted) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], path)
    assert caught.value.cause == "unknown_product" and NEW_GTIN in str(caught.value)
    assert written_rows() == before


def test_po_we_do_not_have_imports_unlinked_with_a_warning(warehouse, supplier, tmp_path):
    path = write_file(tmp_path, supplier_document(po="PO-999999"))
    result = import_epcis(warehouse[Role.WAREHOUSE], path)
    assert result.po_number is None
    assert any("PO-999999" in w and "unlinked" in w for w in result.warnings)
    assert ExpectedReceipt.get_by_id(result.asn_id).po_reference == "PO-999999"


def test_unknown_sender_is_refused(warehouse, tmp_path):
    path = write_file(tmp_path, supplier_document())
    before = written_rows()
    with pytest.raises(EpcisNotAccepted) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], path)
    assert caught.value.cause == "unknown_sender" and SUPPLIER_GLN in str(caught.value)
    assert written_rows() == before


def test_sender_with_an_expired_license_is_refused_with_the_reason(warehouse, tmp_path):
    office = warehouse[Role.OFFICE]
    pid = add_partner(office, "Gray Market LLC", "supplier", "wholesaler", gln=SUPPLIER_GLN)
    add_evidence(office, pid, "state_license", "TX-1", state="TX", expiry="2026-10-31")
    add_evidence(office, pid, "fda_annual_report", "2026", expiry="2027-12-31")
    before = written_rows()
    with pytest.raises(PartnerNotAuthorized) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], write_file(tmp_path, supplier_document()))
    assert "TX license TX-1 expired 2026-10-31" in str(caught.value)
    assert written_rows() == before


def test_file_for_another_company_is_refused(warehouse, supplier, tmp_path):
    path = write_file(tmp_path, supplier_document(receiver="0614141000005"))
    with pytest.raises(EpcisNotAccepted) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], path)
    assert caught.value.cause == "wrong_receiver"
    assert "0614141000005" in str(caught.value) and "0614141000012" in str(caught.value)


def test_ownership_passing_to_someone_else_is_refused(warehouse, supplier, tmp_path):
    path = write_file(tmp_path, supplier_document(owner="0614141000005"))
    with pytest.raises(EpcisNotAccepted) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], path)
    assert caught.value.cause == "wrong_receiver" and "owning party" in str(caught.value)


def test_a_package_expected_on_another_open_notice_is_refused(warehouse, supplier, tmp_path):
    import_epcis(warehouse[Role.WAREHOUSE], write_file(tmp_path, supplier_document(), "a.xml"))
    second = supplier_document(document_id="ACME-2026-0002", case_start=50)
    before = written_rows()
    with pytest.raises(EpcisNotAccepted) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], write_file(tmp_path, second, "b.xml"))
    assert caught.value.cause == "already_expected" and "LOT40000000" in str(caught.value)
    assert written_rows() == before


@pytest.mark.parametrize("name,cause", [
    ("xxe.xml", "dtd_refused"), ("billion_laughs.xml", "dtd_refused"),
    ("truncated.xml", "truncated"), ("schema_no_event_time.xml", "schema"),
    ("missing_statement.xml", "missing_statement"), ("statement_false.xml",
                                                     "statement_not_affirmed"),
    ("not_xml.csv", "not_xml"),
])
def test_hostile_and_broken_files_are_refused_writing_nothing(warehouse, supplier, name, cause):
    before = written_rows()
    with pytest.raises(EpcisError) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], FIXTURES / name)
    assert caught.value.cause == cause
    assert written_rows() == before


def test_size_limit_is_named(warehouse, supplier, tmp_path):
    path = write_file(tmp_path, supplier_document())
    with pytest.raises(EpcisError) as caught:
        import_epcis(warehouse[Role.WAREHOUSE], path, max_bytes=1000)
    assert caught.value.cause == "too_large"
