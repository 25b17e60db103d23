"""`rxdesk-admin bill`, `pay-bill`, `bills`, `ap-aging` and `accounts`: a supplier's bill
entered against a received PO (by line number or NDC, at the PO cost or the billed one),
paid in part, listed and aged; the chart of accounts listed and edited. Bad input exits
2 with the reason and writes nothing."""

import json
from datetime import date, timedelta

import pytest

from core.models import Account, SupplierBill, SupplierPayment
from core.permissions import Actor
from core.queries.users import list_users
from tests.payables_data import SUPPLIER, received_po

BILLED_ON = date.today() - timedelta(days=50)  # due 5 days ago on 45-day terms


@pytest.fixture
def received(seeded_url, open_db, tmp_path):
    """PO-000001 from Acme: 12 atorvastatin at 12.10 received; 10 lisinopril at 4.00,
    6 received."""
    open_db(seeded_url)
    actors = {u.role: Actor(u.id, u.username, u.role) for u in list_users()}
    return seeded_url, received_po(actors, tmp_path)


def test_bill_then_pay_part_of_it(cli, received):
    url, po = received
    done = cli("bill", "--po", po.lower(), "--supplier-invoice", "ACME-9001", "--line",
               "1:12:12.35", "--line", "12345-222-22:4", "--date", BILLED_ON.isoformat(), "--terms",
               "45", "--json", db=url)
    assert done.code == 0, done.err
    bill = json.loads(done.out)
    assert {k: bill[k] for k in ("number", "supplier", "po", "bill_date", "due_date", "total",
                                 "received_value", "variance", "balance")} == {
        "number": "ACME-9001", "supplier": SUPPLIER, "po": po,
        "bill_date": BILLED_ON.isoformat(),
        "due_date": (BILLED_ON + timedelta(days=45)).isoformat(), "total": "164.20",
        "received_value": "161.20",
        "variance": "3.00", "balance": "164.20"}
    assert [(x["po_line"], x["quantity"], x["unit_cost"], x["po_unit_cost"], x["variance"])
            for x in bill["lines"]] == [(1, 12, "12.35", "12.10", "3.00"),
                                        (2, 4, "4.00", "4.00", "0.00")]
    tb = {a["code"]: a["balance"] for a in
          json.loads(cli("trial-balance", "--json", db=url).out)["accounts"]}
    assert (tb["2000"], tb["2100"], tb["5200"]) == ("164.20", "8.00", "3.00")

    paid = cli("pay-bill", "--bill", str(bill["bill"]), "--amount", "100", "--method", "ach",
               "--reference", "TRACE 77", "--json", db=url)
    assert paid.code == 0, paid.err
    assert {k: v for k, v in json.loads(paid.out).items() if k != "payment"} == {
        "bill": bill["bill"], "number": "ACME-9001", "supplier": SUPPLIER, "amount": "100.00",
        "balance": "64.20"}
    too_much = cli("pay-bill", "--bill", str(bill["bill"]), "--amount", "64.21", db=url)
    assert too_much.code == 2 and "64.20 left to pay" in too_much.err
    unknown = cli("pay-bill", "--bill", "999", "--amount", "1", db=url)
    assert unknown.code == 2 and "No supplier bill '999'" in unknown.err
    assert SupplierPayment.select().count() == 1

    listed = json.loads(cli("bills", "--json", db=url).out)["bills"]
    assert [(b["number"], b["balance"], b["status"]) for b in listed] == [
        ("ACME-9001", "64.20", "overdue")]
    assert json.loads(cli("bills", "--show", "paid", "--json", db=url).out)["bills"] == []
    text = cli("bills", "--find", "acme", db=url)
    assert "ACME-9001" in text.out and "64.20" in text.out
    aging = json.loads(cli("ap-aging", "--json", db=url).out)["suppliers"]
    assert [(a["supplier"], a["1-30"], a["balance"], a["open_bills"]) for a in aging] == [
        (SUPPLIER, "64.20", "64.20", 1)]
    plain = cli("bill", "--po", po, "--supplier-invoice", "ACME-9002", "--line", "2:2", db=url)
    assert plain.code == 0 and plain.out.startswith("Entered bill ACME-9002 (id ")
    assert "8.00, due" in plain.out and "variance" not in plain.out


@pytest.mark.parametrize(("line", "message"), [
    ("1", "must be PO_LINE_OR_NDC:QTY[:UNIT_COST]"),
    ("1:0", "whole quantity above zero"),
    ("1:2:3:4", "must be PO_LINE_OR_NDC:QTY[:UNIT_COST]"),
    ("7:1", "PO-000001 has no line 7"),
    ("99999-999-99:1", "has no line for NDC 99999-999-99"),
    ("12-34:1", "NDC"),
    ("1:2:12.345", "fractions of a cent"),
    ("1:2:", "the unit cost after the second ':' is empty"),
    ("1:13", "only 12 received and not yet billed"),
])
def test_bad_lines_exit_2_with_nothing_written(cli, received, line, message):
    url, po = received
    done = cli("bill", "--po", po, "--supplier-invoice", "X-1", "--line", line, db=url)
    assert done.code == 2 and message in done.err, done.err
    assert done.out == "" and SupplierBill.select().count() == 0


def test_other_refusals_of_bill(cli, received):
    url, po = received
    assert cli("bill", "--po", po, "--supplier-invoice", "DUP", "--line", "2:1", db=url).code == 0
    again = cli("bill", "--po", po, "--supplier-invoice", "DUP", "--line", "2:1", db=url)
    assert again.code == 2 and "Bill DUP from this supplier is already entered" in again.err
    unknown = cli("bill", "--po", "PO-000099", "--supplier-invoice", "Y", "--line", "1:1",
                  db=url)
    assert unknown.code == 2 and "No purchase order 'PO-000099'" in unknown.err
    bad_date = cli("bill", "--po", po, "--supplier-invoice", "Y", "--line", "1:1", "--date",
                   "20/11/2026", db=url)
    assert bad_date.code == 2 and "--date '20/11/2026' is not a date" in bad_date.err
    warehouse = cli("bill", "--po", po, "--supplier-invoice", "Y", "--line", "1:1", "--user",
                    "warehouse", db=url)
    assert warehouse.code == 2 and "may not post invoices" in warehouse.err
    assert [b.number for b in SupplierBill.select()] == ["DUP"]


def test_accounts_list_add_and_rename(cli, received):
    url, _ = received
    listed = json.loads(cli("accounts", "list", "--json", db=url).out)["accounts"]
    grni = next(a for a in listed if a["code"] == "2100")
    assert (grni["role"], grni["kind"], grni["balance"]) == ("grni", "liability", "169.20")
    added = cli("accounts", "add", "--code", "6100", "--name", "Freight in", "--kind",
                "expense", "--json", db=url)
    assert added.code == 0, added.err
    assert json.loads(added.out) == {"code": "6100", "name": "Freight in", "kind": "expense",
                                     "role": None, "active": True, "balance": "0.00"}
    renamed = cli("accounts", "rename", "--code", "1000", "--name", "Operating bank", db=url)
    assert renamed.code == 0 and renamed.out == "Renamed account 1000 to Operating bank.\n"
    text = cli("accounts", "list", db=url).out
    assert "Operating bank" in text and "6100" in text and "grni" in text

    taken = cli("accounts", "add", "--code", "6100", "--name", "Other", "--kind", "expense",
                db=url)
    assert taken.code == 2 and "Account 6100 already exists" in taken.err
    office = cli("accounts", "rename", "--code", "1000", "--name", "Bank", "--user", "office",
                 db=url)
    assert office.code == 2 and "may not edit the chart of accounts" in office.err
    missing = cli("accounts", "rename", "--code", "9999", "--name", "Nothing", db=url)
    assert missing.code == 2 and "No account '9999'" in missing.err
    assert Account.get(Account.code == "1000").name == "Operating bank"
    assert Account.select().count() == 13
