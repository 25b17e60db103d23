"""`rxdesk-admin order create` and `rxdesk-admin ship`: an order entered, confirmed and
shipped by automation; a blocked customer and bad scans refused with nothing written."""

import json
from datetime import date

from core.models import SalesOrder, Shipment
from tests.cli.selling import CUSTOMER_GLN, scan


def test_order_create_then_ship_auto(cli, ready):
    made = cli("order", "create", "--customer", CUSTOMER_GLN, "--line", "12345-678-90:4",
               "--customer-po", "MS-1", "--json", db=ready)
    assert made.code == 0, made.err
    order = json.loads(made.out)
    assert (order["status"], order["lines"][0]["allocated"], order["lines"][0]["unit_price"]) \
        == ("allocated", 4, "41.50")
    shipped = cli("ship", "--order", str(order["order"]), "--auto", "--per-carton", "3",
                  "--json", db=ready)
    assert shipped.code == 0, shipped.err
    data = json.loads(shipped.out)
    assert (data["packages"], len(data["cartons"]), data["backorder"]) == (4, 2, None)
    assert Shipment.get_by_id(data["shipment"]).status == "shipped"


def test_blocked_customer_is_refused_with_exit_2_and_no_order(cli, ready):
    done = cli("order", "create", "--customer", "0614141000036", "--line", "12345-678-90:1",
               db=ready)
    assert done.code == 2 and "not an authorized trading partner" in done.err
    assert "NJ license NJ-RX-1 expired 2020-01-31" in done.err
    assert SalesOrder.select().count() == 0


def test_bad_line_arguments_say_what_is_wrong(cli, ready):
    done = cli("order", "create", "--customer", CUSTOMER_GLN, "--line", "12345-678-90", db=ready)
    assert done.code == 2 and "NDC:QTY" in done.err
    done = cli("order", "create", "--customer", CUSTOMER_GLN, "--line", "99999-999-99:1",
               db=ready)
    assert done.code == 2 and "no product has NDC 99999-999-99" in done.err


def test_ship_by_scans_is_all_or_nothing(cli, ready, tmp_path):
    order = json.loads(cli("order", "create", "--customer", CUSTOMER_GLN, "--line",
                           "00312345678906:2", "--json", db=ready).out)
    bad = tmp_path / "bad.txt"
    bad.write_text(f"{scan('P000')}\n{scan('P000')}\nnot a barcode\n", encoding="utf-8")
    done = cli("ship", "--order", order["number"], "--scans", str(bad), db=ready)
    assert done.code == 2
    assert "line 2:" in done.err and "already packed" in done.err and "line 3:" in done.err
    assert Shipment.select().where(Shipment.status == "shipped").count() == 0
    assert SalesOrder.get_by_id(order["order"]).status == "allocated"

    good = tmp_path / "good.txt"
    good.write_text(f"{scan('P000')}\n\n{scan('P001')}\n", encoding="utf-8")
    done = cli("ship", "--order", order["number"], "--scans", str(good), "--json", db=ready)
    assert done.code == 0, done.err
    assert json.loads(done.out)["units"] == 2


def test_trial_balance_and_valuation_follow_the_shipment(cli, ready):
    before = json.loads(cli("valuation", "--json", db=ready).out)
    assert before["total"] == "122.50" and before["lines"][0]["quantity"] == 10
    order = json.loads(cli("order", "create", "--customer", CUSTOMER_GLN, "--line",
                           "12345-678-90:4", "--json", db=ready).out)
    assert cli("ship", "--order", str(order["order"]), "--auto", db=ready).code == 0
    after = json.loads(cli("valuation", "--json", db=ready).out)
    assert after["total"] == "73.50"
    tb = json.loads(cli("trial-balance", "--json", db=ready).out)
    assert tb["balanced"] is True
    balances = {a["code"]: a["balance"] for a in tb["accounts"]}
    assert (balances["1200"], balances["5000"]) == ("73.50", "49.00")
    assert {"code", "name", "debit", "credit", "balance"} <= set(tb["accounts"][0])
    bad = cli("trial-balance", "--as-of", "yesterday", db=ready)
    assert bad.code == 2 and "is not a date" in bad.err


def test_invoice_and_payment_commands(cli, ready):
    from core.models import Partner
    Partner.update(invoice_on_ship=False).where(Partner.gln == CUSTOMER_GLN).execute()
    order = json.loads(cli("order", "create", "--customer", CUSTOMER_GLN, "--line",
                           "12345-678-90:2", "--json", db=ready).out)
    shipped = json.loads(cli("ship", "--order", str(order["order"]), "--auto", "--json",
                             db=ready).out)
    assert shipped["invoice"] is None
    made = cli("invoice", "--shipment", shipped["number"], "--json", db=ready)
    assert made.code == 0, made.err
    invoice = json.loads(made.out)
    assert (invoice["total"], invoice["number"]) == ("83.00", "INV-000001")
    again = cli("invoice", "--shipment", shipped["number"], db=ready)
    assert again.code == 2 and "already invoiced on INV-000001" in again.err
    paid = cli("payment", "--customer", CUSTOMER_GLN, "--amount", "50.00", "--apply",
               "INV-000001", "--reference", "CHK 77", "--json", db=ready)
    assert paid.code == 0, paid.err
    assert json.loads(paid.out)["balance"] == "33.00"
    aging = json.loads(cli("ar-aging", "--json", db=ready).out)["customers"]
    assert [(a["customer"], a["current"]) for a in aging] == [("Main Street Pharmacy", "33.00")]
    bad = cli("payment", "--customer", CUSTOMER_GLN, "--amount", "abc", db=ready)
    assert bad.code == 2 and "not an amount of money" in bad.err
    credit = cli("credit-memo", "--invoice", "inv-000001", "--amount", "3.00", "--reason",
                 "damaged carton", "--json", db=ready)
    assert credit.code == 0, credit.err
    assert json.loads(credit.out)["credit_memo"] == "CM-000001"
    aging = json.loads(cli("ar-aging", "--json", db=ready).out)["customers"]
    assert aging[0]["balance"] == "30.00"


def test_export_journal_for_quickbooks_and_xero(cli, ready, tmp_path):
    import csv
    from collections import defaultdict
    from decimal import Decimal
    order = json.loads(cli("order", "create", "--customer", CUSTOMER_GLN, "--line",
                           "12345-678-90:2", "--json", db=ready).out)
    assert cli("ship", "--order", str(order["order"]), "--auto", db=ready).code == 0
    today = date.today().isoformat()
    qbo, xero = tmp_path / "qbo.csv", tmp_path / "xero.csv"
    for fmt, path in (("quickbooks", qbo), ("xero", xero)):
        done = cli("export-journal", "--from", today, "--to", today, "--format", fmt, "-o",
                   str(path), "--json", db=ready)
        assert done.code == 0, done.err
        assert json.loads(done.out)["lines"] >= 6  # opening stock, shipment, invoice
    rows = list(csv.DictReader(qbo.open(encoding="utf-8")))
    assert list(rows[0]) == ["Journal No", "Journal Date", "Account Name", "Description",
                             "Debits", "Credits", "Name"]
    sums = defaultdict(Decimal)
    for row in rows:
        sums[row["Journal No"]] += Decimal(row["Debits"] or 0) - Decimal(row["Credits"] or 0)
        assert row["Journal Date"] == date.today().strftime("%m/%d/%Y")
    assert set(sums.values()) == {Decimal(0)}
    receivable = [r for r in rows if r["Account Name"] == "Accounts Receivable"]
    assert receivable and all(r["Name"] == "Main Street Pharmacy" for r in receivable)
    xrows = list(csv.DictReader(xero.open(encoding="utf-8")))
    totals = defaultdict(Decimal)
    for row in xrows:
        totals[row["Narration"]] += Decimal(row["Amount"])
        assert row["TaxRate"] == "Tax Exempt" and row["AccountCode"].isdigit()
    assert set(totals.values()) == {Decimal(0)}
    bad = cli("export-journal", "--from", today, "--to", "2020-01-01", "--format", "xero",
              "-o", str(tmp_path / "x.csv"), db=ready)
    assert bad.code == 2 and "ends" in bad.err and not (tmp_path / "x.csv").exists()
