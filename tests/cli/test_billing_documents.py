"""`rxdesk-admin invoice-pdf` and `rxdesk-admin statement`: an office's month end by
script, from the order to the PDFs sent to the customer."""

import json
from datetime import date, timedelta

from tests.cli.selling import CUSTOMER_GLN
from tests.reports.readback import pdf_text

TODAY = date.today()


def _sold(cli, db: str) -> str:
    """Three bottles at 41.50 shipped and invoiced, 50.00 paid by check, 10.00 credited;
    the remit-to set with `company set`. Returns the invoice number."""
    assert cli("company", "set", "--remit-to", r"Main Street Lockbox\nPO Box 7731\n"
               r"Newark, NJ 07101", "--billing-email", "ar@example.com", db=db).code == 0
    order = json.loads(cli("order", "create", "--customer", CUSTOMER_GLN, "--line",
                           "12345-678-90:3", "--customer-po", "MS-9", "--json", db=db).out)
    shipped = cli("ship", "--order", order["number"], "--auto", "--json", db=db)
    invoice = json.loads(shipped.out)["invoice"]
    assert cli("payment", "--customer", CUSTOMER_GLN, "--amount", "50.00", "--apply", invoice,
               "--reference", "CHK 77", db=db).code == 0
    assert cli("credit-memo", "--invoice", invoice, "--amount", "10.00", "--reason",
               "price match", db=db).code == 0
    return invoice


def test_invoice_and_statement_pdfs(cli, ready, tmp_path):
    invoice = _sold(cli, ready)
    target = tmp_path / "invoice.pdf"
    done = cli("invoice-pdf", "--invoice", invoice, "-o", str(target), db=ready)
    assert done.code == 0, done.err
    assert done.out == f"wrote invoice {invoice} to {target} (1 page)\n"
    text = pdf_text(target)
    assert "REMIT TO Main Street Lockbox PO Box 7731 Newark, NJ 07101" in text
    assert ("Invoice total $124.50 Payments received -$50.00 Credits -$10.00 "
            "Balance due $64.50") in text

    target = tmp_path / "statement.pdf"
    done = cli("statement", "--customer", CUSTOMER_GLN, "-o", str(target), "--json", db=ready)
    assert done.code == 0, done.err
    assert json.loads(done.out) == {
        "file": str(target), "pages": 1,
        "document": f"statement for Main Street Pharmacy to {TODAY.isoformat()}"}
    text = pdf_text(target)
    assert "AMOUNT DUE $64.50" in text and "Closing balance $124.50 $60.00 $64.50" in text
    assert "Main Street Lockbox" in text

    done = cli("statement", "--customer", CUSTOMER_GLN, "--from",
               (TODAY - timedelta(days=7)).isoformat(), "--to", TODAY.isoformat(), "-o",
               str(target), db=ready)
    assert done.code == 0, done.err
    assert "Balance forward owed before this period $0.00" in pdf_text(target)


def test_unknown_invoice_customer_and_bad_dates_exit_2_without_a_file(cli, ready, tmp_path):
    target = tmp_path / "documents" / "out.pdf"
    target.parent.mkdir()
    for argv, message in (
            (("invoice-pdf", "--invoice", "INV-999999"), "No invoice 'INV-999999' exists."),
            (("invoice-pdf", "--invoice", "invoice 1"),
             "give its number (INV-000012) or its id (12)"),
            (("statement", "--customer", "0614141999999"),
             "No customer with GLN '0614141999999' exists."),
            (("statement", "--customer", CUSTOMER_GLN, "--from", "2026-02-30"),
             "--from '2026-02-30' is not a date like 2026-11-30."),
            (("statement", "--customer", CUSTOMER_GLN, "--from", "2026-03-01", "--to",
              "2026-02-01"), "after it ends")):
        done = cli(*argv, "-o", str(target), db=ready)
        assert done.code == 2 and message in done.err, (argv, done.err)
    assert not list(target.parent.iterdir())
