"""rxdesk-admin partners terms: a customer's billing and credit terms shown and set from a
shell, with the Partners screen's checks and its split between the office (billing)
and the owner or an administrator (credit policy); a supplier's payment terms, the only
terms that apply to it."""

import json
from decimal import Decimal

from core.queries.audit import recent_entries
from core.queries.partners import partner_by_gln, partner_detail
from tests.cli.test_partners import GLN, OTHER_GLN, seed_partners


def terms_of(open_db, url):
    open_db(url)
    return partner_detail(partner_by_gln(GLN).id).terms


def test_terms_shown_then_set_by_the_office(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    shown = cli("partners", "terms", GLN, db=seeded_url)
    assert shown.code == 0, shown.err
    assert shown.out == ("Terms of Main Street Pharmacy:\n"
                         "  Payment terms:      Net 30\n"
                         "  Sales tax:          exempt\n"
                         "  Invoicing:          on shipping\n"
                         "  Credit limit:       no limit\n"
                         "  Credit hold:        after 30 days past due\n"
                         "  Minimum shelf life: none\n")
    done = cli("--user", "office", "partners", "terms", GLN, "--terms-days", "45",
               "--tax-rate", "6.625", "--invoice-on-ship", "no", "--min-shelf-life-days",
               "180", db=seeded_url)
    assert done.code == 0, done.err
    assert done.out == ("Updated the terms of Main Street Pharmacy: payment terms Net 30 -> "
                        "Net 45; sales tax exempt -> 6.625%; invoicing on shipping -> by "
                        "hand; minimum shelf life none -> 180 days\n")
    again = cli("partners", "terms", GLN, "--tax-rate", "6.625%", "--json", db=seeded_url)
    assert again.code == 0, again.err
    assert json.loads(again.out) == {
        "id": partner_by_gln(GLN).id, "name": "Main Street Pharmacy", "gln": GLN,
        "terms": {"payment_terms_days": 45, "tax_rate": "6.625", "invoice_on_ship": False,
                  "credit_limit": "0.00", "hold_past_due_days": 30,
                  "min_shelf_life_days": 180},
        "changes": {}}
    terms = terms_of(open_db, seeded_url)
    assert (terms.payment_terms_days, terms.tax_rate_bp) == (45, Decimal("662.5"))
    assert (recent_entries(1)[0].action, recent_entries(1)[0].username) == (
        "set_customer_terms", "office")


def test_credit_policy_needs_the_owner_or_an_administrator(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    refused = cli("--user", "office", "partners", "terms", GLN, "--credit-limit", "5000",
                  db=seeded_url)
    assert refused.code == 2
    assert "may not change a customer's credit limit or credit hold" in refused.err
    assert "only the admin or owner role may" in refused.err
    done = cli("--user", "owner", "partners", "terms", GLN, "--credit-limit", "$5,000.00",
               "--hold-after-days", "0", "--json", db=seeded_url)
    assert done.code == 0, done.err
    assert json.loads(done.out)["changes"] == {"credit_limit": ["0.00", "5000.00"],
                                               "hold_past_due_days": [30, 0]}
    terms = terms_of(open_db, seeded_url)
    assert (terms.credit_limit, terms.hold_past_due_days) == (Decimal("5000.00"), 0)


def test_refusals_exit_2_and_change_nothing(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    before = len(recent_entries(500))
    for options, message in (
            (["--terms-days", "400"], "Payment terms: 400 days is too many; enter 0 to 365"),
            (["--tax-rate", "abc"], "Sales tax rate 'abc' is not a percentage"),
            (["--tax-rate", "6.6251", "--terms-days", "45"], "more than 3 decimals"),
            (["--min-shelf-life-days", "2000"], "enter 0 to 1825"),
            (["--credit-limit", "12.345"], "fractions of a cent")):
        bad = cli("partners", "terms", GLN, *options, db=seeded_url)
        assert bad.code == 2 and message in bad.err and bad.err.count("\n") == 1, bad.err
    usage = cli("partners", "terms", GLN, "--invoice-on-ship", "maybe", db=seeded_url)
    assert usage.code == 2 and "invalid choice: 'maybe'" in usage.err
    assert cli("--user", "warehouse", "partners", "terms", GLN, "--terms-days", "45",
               db=seeded_url).code == 2
    assert terms_of(open_db, seeded_url).payment_terms_days == 30
    assert len(recent_entries(500)) == before


def test_a_supplier_has_payment_terms_only(cli, seeded_url, open_db):
    seed_partners(open_db, seeded_url)
    shown = cli("partners", "terms", OTHER_GLN, db=seeded_url)
    assert (shown.code, shown.out) == (0, "Terms of Acme Pharma:\n"
                                          "  Payment terms:      Net 30\n")
    done = cli("--user", "office", "partners", "terms", OTHER_GLN, "--terms-days", "45",
               "--json", db=seeded_url)
    assert done.code == 0, done.err
    assert json.loads(done.out) == {
        "id": partner_by_gln(OTHER_GLN).id, "name": "Acme Pharma", "gln": OTHER_GLN,
        "terms": {"payment_terms_days": 45}, "changes": {"payment_terms_days": [30, 45]}}
    assert (recent_entries(1)[0].summary, recent_entries(1)[0].username) == (
        "Acme Pharma: payment terms Net 30 -> Net 45", "office")
    before = len(recent_entries(500))
    for options, named in ((["--tax-rate", "6.625"], "sales tax"),
                           (["--terms-days", "60", "--invoice-on-ship", "no",
                             "--min-shelf-life-days", "90"], "invoicing and minimum shelf life")):
        bad = cli("--user", "owner", "partners", "terms", OTHER_GLN, *options, db=seeded_url)
        assert (bad.code, bad.err) == (
            2, "rxdesk-admin: Acme Pharma is a supplier, not a customer: only payment terms "
            f"apply to a supplier, so its {named} cannot be set.\n")
    open_db(seeded_url)
    assert partner_detail(partner_by_gln(OTHER_GLN).id).terms.payment_terms_days == 45
    assert len(recent_entries(500)) == before
