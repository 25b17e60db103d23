"""Onboarding a new customer's product and partner spreadsheets: all rows or none, with
every problem named by line."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core.errors import PermissionDenied
from core.importing import (
    PARTNER_COLUMNS,
    PRODUCT_COLUMNS,
    ImportRejected,
    import_partners,
    import_products,
)
from core.models import Partner, PartnerAddress, Product
from core.ndc import parse_ndc
from core.permissions import Role
from core.queries.atp import atp_status
from core.queries.audit import recent_entries
from core.queries.partners import partner_by_gln, partner_detail
from core.queries.products import product_by_gtin
from core.services.partners import Address, add_partner
from core.services.products import add_product
from core.vocab import AddressKind, EvidenceKind, Schedule, Storage

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


def gtin(ndc: str) -> str:
    return parse_ndc(ndc).gtin14()


def write_csv(path: Path, header, rows, encoding="utf-8", newline="\n") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, header, rows) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("Notes").append(["this second sheet is ignored"])
    book.save(path)
    return path


def product(ndc, name="Test tablets 10 mg", **overrides):
    row = {"ndc": ndc, "name": name, "strength": "10 mg", "dosage_form": "tablet",
           "package_description": "bottle of 100", "manufacturer": "Granite Generics LLC",
           "schedule": "none", "units_per_case": "24", "list_price": "12.50",
           "standard_cost": "4.00", **overrides}
    return [row[c] for c in PRODUCT_COLUMNS]


def partner(name, gln, **overrides):
    row = {"name": name, "gln": gln, "roles": "customer", "partner_type": "dispenser",
           "street": "12 Maple St", "city": "Trenton", "state": "NJ", "postal_code": "08608",
           "country": "US", "license_state": "NJ", "license_number": "28RS00123400",
           "license_expiry": "2030-06-30", "dea_number": "", "dea_expiry": "", **overrides}
    return [row[c] for c in PARTNER_COLUMNS]


def problems(excinfo) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for p in excinfo.value.problems:
        found.setdefault(p.line, []).append(p.message)
    return {line: " | ".join(messages) for line, messages in found.items()}


def test_sample_files_import_with_their_audit_entries(db, actors):
    admin = actors[Role.ADMIN]
    done = import_products(admin, SAMPLES / "products.csv")
    assert (done.rows, done.imported) == (6, 6)

    big = product_by_gtin(gtin("70010-492-05"))
    assert big.list_price == Decimal("1234.50") and big.standard_cost == Decimal("610.00")
    assert big.units_per_case == 12 and big.min_shelf_life_days == 180
    billing = product_by_gtin(gtin("70010-075-10"))  # written 70010-0075-10 in the file
    assert billing.ndc == "70010-075-10" and billing.schedule is Schedule.CII
    insulin = product_by_gtin(gtin("61919-412-10"))
    assert insulin.storage is Storage.REFRIGERATED and insulin.serialized
    flush = product_by_gtin(gtin("61919-813-25"))
    assert not flush.serialized and flush.storage is Storage.ROOM
    assert not flush.needs_review and flush.active
    assert product_by_gtin(gtin("0781-5180-10")).min_shelf_life_days == 0

    entry = recent_entries(1)[0]
    assert (entry.action, entry.username) == ("import_products", admin.username)
    assert "6 products from products.csv" in entry.summary and done.sha256 in entry.summary

    done = import_partners(admin, SAMPLES / "partners.csv")
    assert done.imported == 3
    pharmacy = partner_detail(partner_by_gln("0614141000029").id)
    assert {a.kind for a in pharmacy.addresses} == {AddressKind.BILL_TO, AddressKind.SHIP_TO}
    assert all(a.postal_code == "08608" and a.is_default for a in pharmacy.addresses)
    kinds = {e.kind: e for e in pharmacy.evidence}
    assert set(kinds) == {EvidenceKind.STATE_LICENSE, EvidenceKind.DEA}
    assert kinds[EvidenceKind.DEA].schedules == "2,2N,3,3N,4,5"
    assert kinds[EvidenceKind.STATE_LICENSE].expiry == date(2027, 6, 30)
    assert all(e.verified_on == date.today() and e.verified_by == admin.username
               for e in kinds.values())
    assert pharmacy.atp.authorized
    wholesaler = partner_detail(partner_by_gln("0614141000043").id)
    assert wholesaler.partner.is_customer and wholesaler.partner.is_supplier
    assert EvidenceKind.FDA_ANNUAL_REPORT in {e.kind for e in wholesaler.evidence}
    maker = partner_detail(partner_by_gln("0614141000036").id)
    assert [e.kind for e in maker.evidence] == [EvidenceKind.FDA_REGISTRATION]

    actions = [e.action for e in recent_entries(12)]
    assert actions[0] == "import_partners"
    assert actions.count("add_partner") == 3 and actions.count("add_evidence") == 6
    assert "3 trading partners from partners.csv" in recent_entries(1)[0].summary


def test_every_bad_product_row_is_reported_and_nothing_is_written(db, actors, tmp_path):
    admin = actors[Role.ADMIN]
    add_product(admin, "50090-111-01", "Already here 5 mg")
    before = Product.select().count()
    audit_before = recent_entries(1)[0].id
    rows = [
        product("70010-491-01"),  # line 2: fine
        product("00370010491019"),  # 3: GTIN with a bad check digit
        product("70010-0491-01"),  # 4: billing form that could be 5-3-2 or 5-4-1
        product("70010-492-05", name=""),  # 5: no name
        product("70010-493-05", list_price="12.3.4"),  # 6
        product("70010-494-05", schedule="C7"),  # 7
        product("00781518010"),  # 8: 0781-5180-10 in billing form ...
        product("0781-5180-10"),  # 9: ... and again as printed
        product("50090-111-01"),  # 10: already in the product master
        product("78151801"),  # 11: a spreadsheet ate the leading zero and the hyphens
        product("7.0010E+9"),  # 12: scientific notation
        product("70010-49-1"),  # 13: segments 5-2-1
        product("70010-495-05", units_per_case="0", standard_cost="-1"),  # 14: two problems
        product("70010-496-05") + ["10370010496053"],  # 15: case GTIN check digit
    ]
    header = PRODUCT_COLUMNS + ("case_gtin",)
    rows = [r if len(r) == len(header) else r + [""] for r in rows]
    path = write_csv(tmp_path / "bad.csv", header, rows)
    with pytest.raises(ImportRejected) as excinfo:
        import_products(admin, path)
    found = problems(excinfo)
    assert sorted(found) == [n for n in range(3, 16) if n != 8]
    assert "check digit 9; it should be" in found[3]
    assert "could be 70010-491-01 (5-3-2) or 70010-0491-1 (5-4-1)" in found[4]
    assert found[5] == "name: The product name is required."
    assert "list_price: '12.3.4' is not an amount of money" in found[6]
    assert "schedule:" in found[7] and "'c7' is not one of" in found[7]
    assert found[9] == "ndc: NDC 0781-5180-10 is also on line 8; each product once."
    assert found[10] == ("ndc: NDC 50090-111-01 is already in the product master "
                         "(Already here 5 mg).")
    assert "only 8 digits" in found[11] and "leading zero" in found[11]
    assert "scientific notation" in found[12]
    assert "segments of 5-2-1 digits" in found[13] and "dropped a leading zero" in found[13]
    assert "units_per_case:" in found[14] and "standard_cost: '-1' must be zero" in found[14]
    assert "case_gtin: GTIN 10370010496053 has check digit 3" in found[15]
    assert 2 not in found and 8 not in found
    assert "nothing was imported" in str(excinfo.value)

    assert Product.select().count() == before
    assert recent_entries(1)[0].id == audit_before


def test_missing_and_unknown_columns_are_named_in_one_message(db, actors, tmp_path):
    header = [c for c in PRODUCT_COLUMNS if c not in ("schedule", "list_price")] + ["notes"]
    path = write_csv(tmp_path / "p.csv", header, [["x"] * len(header)])
    with pytest.raises(ImportRejected) as excinfo:
        import_products(actors[Role.ADMIN], path)
    [problem] = excinfo.value.problems
    assert problem.line == 1
    assert problem.message.startswith("Missing column(s): schedule, list_price.")
    assert "Unknown column(s): notes" in problem.message


def test_every_bad_partner_row_is_reported(db, actors, tmp_path):
    admin = actors[Role.ADMIN]
    add_partner(admin, "Existing Pharmacy", "customer", "dispenser", "0614141000050",
                [Address(AddressKind.SHIP_TO, "1 Main St", "Newark", "NJ", "07102")])
    before = Partner.select().count()
    rows = [
        partner("Good Pharmacy", "0614141000067"),  # 2
        partner("Bad GLN", "0614141000068"),  # 3
        partner("Bad Roles", "", roles="buyer"),  # 4
        partner("Twin A", "0614141000074"),  # 5
        partner("Twin B", "0614141000074"),  # 6: same GLN as line 5
        partner("Already", "0614141000050"),  # 7: in the database
        partner("", "0614141000081"),  # 8: no name
        partner("Bad DEA", "", dea_number="BM1234564", dea_expiry="2030-01-01"),  # 9
        partner("No expiry", "", license_expiry=""),  # 10
        partner("Lost zero", "614141000098"),  # 11
        partner("Bad place", "", state="XX", postal_code="8608"),  # 12
        partner("Bad type", "", partner_type="hospital"),  # 13
    ]
    path = write_csv(tmp_path / "partners.csv", PARTNER_COLUMNS, rows)
    with pytest.raises(ImportRejected) as excinfo:
        import_partners(admin, path)
    found = problems(excinfo)
    assert sorted(found) == [n for n in range(3, 14) if n != 5]
    assert "gln: GLN '0614141000068' has check digit 8; it should be" in found[3]
    assert "roles: Roles 'buyer' must be customer, supplier or customer+supplier" in found[4]
    assert 5 not in found and found[6] == ("gln: GLN 0614141000074 is also on line 5; each "
                                           "partner once.")
    assert found[7] == ("gln: GLN 0614141000050 already belongs to trading partner "
                        "Existing Pharmacy.")
    assert found[8] == "name: The partner's legal name is required."
    assert "dea: DEA number 'BM1234564' has check digit 4" in found[9]
    assert found[10] == "license: Enter the state license's expiry date."
    assert "12 digits" in found[11] and "leading zero" in found[11]
    assert "state: 'XX' is not a US state" in found[12]
    assert "postal_code: ZIP code '8608' has 4 digits" in found[12]
    assert "'hospital' is not one of" in found[13]
    assert Partner.select().count() == before


def test_an_expired_license_is_imported_but_the_partner_is_blocked(db, actors, tmp_path):
    path = write_csv(tmp_path / "p.csv", PARTNER_COLUMNS, [
        partner("Lapsed Pharmacy", "0614141000067", license_expiry="2020-01-31")])
    assert import_partners(actors[Role.OWNER], path).imported == 1
    status = atp_status(partner_by_gln("0614141000067").id)
    assert status.label == "Blocked"
    assert status.reasons == ["NJ license 28RS00123400 expired 2020-01-31"]


def test_xlsx_reads_like_csv_including_excel_numbers_and_dates(db, actors, tmp_path):
    admin = actors[Role.ADMIN]
    bad = [product("70010-491-01", name=""), product("70010-492-05"),
           product("70010-492-05", list_price="abc")]
    with pytest.raises(ImportRejected) as from_csv:
        import_products(admin, write_csv(tmp_path / "bad.csv", PRODUCT_COLUMNS, bad))
    with pytest.raises(ImportRejected) as from_xlsx:
        import_products(admin, write_xlsx(tmp_path / "bad.xlsx", PRODUCT_COLUMNS, bad))
    assert from_xlsx.value.problems == from_csv.value.problems
    assert sorted(problems(from_xlsx)) == [2, 4]

    good = product("70010-491-01", units_per_case=48, list_price=1234.5, standard_cost=4)
    done = import_products(admin, write_xlsx(tmp_path / "good.xlsx", PRODUCT_COLUMNS, [good]))
    assert done.imported == 1
    row = product_by_gtin(gtin("70010-491-01"))
    assert (row.units_per_case, row.list_price, row.standard_cost) == (
        48, Decimal("1234.50"), Decimal("4.00"))

    numeric_ndc = product(7001049201)  # the NDC column was not formatted as Text
    with pytest.raises(ImportRejected) as excinfo:
        import_products(admin, write_xlsx(tmp_path / "n.xlsx", PRODUCT_COLUMNS, [numeric_ndc]))
    assert "spreadsheet may have removed the hyphens" in problems(excinfo)[2]

    expiry = date(2030, 6, 30)
    path = write_xlsx(tmp_path / "partners.xlsx", PARTNER_COLUMNS,
                      [partner("Excel Pharmacy", "0614141000067", license_expiry=expiry)])
    assert import_partners(admin, path).imported == 1
    evidence = partner_detail(partner_by_gln("0614141000067").id).evidence
    assert evidence[0].expiry == expiry


def test_bom_windows_line_endings_blank_rows_us_dates_and_windows_1252(db, actors, tmp_path):
    admin = actors[Role.ADMIN]
    path = write_csv(tmp_path / "p.csv", PRODUCT_COLUMNS,
                     [product("70010-491-01", list_price="$1,234.50"), [""] * 10,
                      product("70010-492-05"), [""] * 10, [""] * 3],
                     encoding="utf-8-sig", newline="\r\n")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfndc,")
    assert import_products(admin, path).imported == 2
    assert product_by_gtin(gtin("70010-491-01")).list_price == Decimal("1234.50")

    path = write_csv(tmp_path / "partners.csv", PARTNER_COLUMNS,
                     [partner("Caf\u00e9 Pharmacy", "0614141000067",
                              license_expiry="6/30/2030")],
                     encoding="cp1252", newline="\r\n")
    assert import_partners(admin, path).imported == 1
    detail = partner_detail(partner_by_gln("0614141000067").id)
    assert detail.partner.name == "Caf\u00e9 Pharmacy"
    assert detail.evidence[0].expiry == date(2030, 6, 30)


def test_multi_line_cells_keep_line_numbers_of_later_rows(db, actors, tmp_path):
    rows = [product("70010-491-01", package_description="bottle\nof 100"),
            product("70010-492-05", list_price="x")]
    path = write_csv(tmp_path / "p.csv", PRODUCT_COLUMNS, rows)
    with pytest.raises(ImportRejected) as excinfo:
        import_products(actors[Role.ADMIN], path)
    assert list(problems(excinfo)) == [4]


def test_check_only_writes_nothing_and_roles_are_enforced(db, actors):
    checked = import_products(actors[Role.ADMIN], SAMPLES / "products.csv", check_only=True)
    assert (checked.rows, checked.imported) == (6, 0)
    assert Product.select().count() == 0
    with pytest.raises(PermissionDenied):
        import_products(actors[Role.WAREHOUSE], SAMPLES / "products.csv")
    with pytest.raises(PermissionDenied):
        import_partners(actors[Role.WAREHOUSE], SAMPLES / "partners.csv")
    assert PartnerAddress.select().count() == 0


def test_thousands_of_rows_cross_insert_batches(db, actors, tmp_path):
    rows = [product(f"7{i // 100:04d}-{i % 100:03d}-01", name=f"Product {i}")
            for i in range(1234)]
    path = write_csv(tmp_path / "many.csv", PRODUCT_COLUMNS, rows)
    assert import_products(actors[Role.ADMIN], path).imported == 1234
    assert Product.select().count() == 1234
    assert product_by_gtin(gtin("70012-033-01")).name == "Product 1233"
    assert sum(e.action == "import_products" for e in recent_entries(5)) == 1
