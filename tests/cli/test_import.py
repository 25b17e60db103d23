"""`rxdesk-admin import`: onboarding files from a shell, all rows or none."""

import json
from pathlib import Path

from core.models import Partner, Product
from core.queries.audit import recent_entries

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
HEADER = ("ndc,name,strength,dosage_form,package_description,manufacturer,schedule,"
          "units_per_case,list_price,standard_cost\n")


def test_import_the_sample_files(cli, seeded_url, open_db):
    products = cli("import", "products", str(SAMPLES / "products.csv"), db=seeded_url)
    assert products.code == 0, products.err
    assert products.out.startswith("Imported 6 products from products.csv (SHA-256 ")
    partners = cli("import", "partners", str(SAMPLES / "partners.csv"), "--json",
                   db=seeded_url)
    assert partners.code == 0, partners.err
    assert json.loads(partners.out) == {"imported": 3, "errors": []}

    open_db(seeded_url)
    assert Product.select().count() == 6 and Partner.select().count() == 3
    assert recent_entries(1)[0].username.startswith("rxdesk-admin:")


def test_bad_rows_exit_2_with_every_line_and_nothing_written(cli, seeded_url, open_db,
                                                             tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(HEADER
                    + "70010-491-01,Fine,,,,,none,1,1.00,0.50\n"
                    + "70010-491-01,Twice,,,,,none,1,1.00,0.50\n"
                    + "70010-492-05,,,,,,none,1,1.00,0.50\n"
                    + "7001049205,No hyphens,,,,,C9,1,$1.2.3,0.50\n", encoding="utf-8")
    done = cli("import", "products", str(path), db=seeded_url)
    assert done.code == 2 and done.out == ""
    lines = done.err.splitlines()
    assert lines[0] == ("products.csv line 3: ndc: NDC 70010-491-01 is also on line 2; each "
                        "product once.")
    assert lines[1] == "products.csv line 4: name: The product name is required."
    assert [line.split(":")[0] for line in lines[2:5]] == ["products.csv line 5"] * 3
    assert lines[-1] == ("rxdesk-admin: 5 problem(s) on 3 line(s) of products.csv; nothing "
                         "was imported.")

    as_json = cli("import", "products", str(path), "--json", db=seeded_url)
    assert as_json.code == 2
    report = json.loads(as_json.out)
    assert report["imported"] == 0
    assert [e["line"] for e in report["errors"]] == [3, 4, 5, 5, 5]
    assert "could be 4-4-2, 5-3-2 or 5-4-1" in report["errors"][2]["message"]

    open_db(seeded_url)
    assert Product.select().count() == 0


def test_missing_columns_check_mode_and_refusals(cli, seeded_url, open_db, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text("name,gln,roles\nAcme,,customer\n", encoding="utf-8")
    missing = cli("import", "partners", str(path), "--json", db=seeded_url)
    assert missing.code == 2
    [error] = json.loads(missing.out)["errors"]
    assert error["line"] == 1 and error["message"].startswith(
        "Missing column(s): partner_type, street, city, state, postal_code, country,")

    checked = cli("import", "products", str(SAMPLES / "products.csv"), "--check",
                  db=seeded_url)
    assert checked.code == 0
    assert checked.out == ("products.csv: all 6 products are fine; nothing was imported "
                           "(--check).\n")
    checked = cli("import", "products", str(SAMPLES / "products.csv"), "--check", "--json",
                  db=seeded_url)
    assert json.loads(checked.out) == {"imported": 0, "errors": [], "checked": 6}

    refused = cli("--user", "warehouse", "import", "products",
                  str(SAMPLES / "products.csv"), db=seeded_url)
    assert refused.code == 2 and "may not edit products" in refused.err
    absent = cli("import", "products", str(tmp_path / "nope.csv"), db=seeded_url)
    assert absent.code == 2 and "Cannot read" in absent.err and "nope.csv" in absent.err
    wrong = tmp_path / "products.pdf"
    wrong.write_bytes(b"%PDF")
    assert "not a CSV or XLSX file" in cli("import", "products", str(wrong), db=seeded_url).err

    open_db(seeded_url)
    assert Product.select().count() == 0
