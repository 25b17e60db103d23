"""Customer returns: verified against our own shipment, back into stock or quarantine at
the lot's cost, credited at the invoiced price; refusals write nothing."""

from decimal import Decimal

import pytest

from core.errors import InvalidInput
from core.models import CreditMemo, CustomerReturn, Invoice, Package, StockMove
from core.permissions import Role
from core.queries.accounting import role_balance, trial_balance
from core.queries.receivables import ar_aging, open_invoices
from core.services import invoicing, returns
from core.services.returns import ReturnRefused, Returned
from core.vocab import AccountRole, ReturnDisposition
from tests.core.conftest import GTIN, customer, on_hand
from tests.core.test_invoicing import shipped
from tests.core.test_ledger_books import assert_books_equal_warehouse


def shipped_serials(shipment_id: int) -> list[str]:
    from core.models import ShipmentItem
    return sorted(p.serial for p in Package.select().join(
        ShipmentItem, on=(ShipmentItem.package == Package.id))
        .where(ShipmentItem.shipment == shipment_id))


def test_restocked_return_goes_back_to_its_bin_and_is_credited(stock):
    lead = stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 3)  # 3 x 41.50 from lot SOON, cost 12.25
    back = shipped_serials(result.shipment_id)[:2]
    before = on_hand("A-01")
    done = returns.receive_return(lead, pid, [(GTIN, s) for s in back], "ordered too many")
    assert (done.packages, done.value, done.credit) == (2, Decimal("24.50"), Decimal("83.00"))
    assert on_hand("A-01") == before + 2
    assert {p.status for p in Package.select().where(Package.serial.in_(back))} == {"saleable"}
    assert role_balance(AccountRole.SALES_RETURNS) == Decimal("-83.00")  # contra-income
    assert role_balance(AccountRole.RECEIVABLES) == Decimal("41.50")  # 124.50 - 83.00
    assert role_balance(AccountRole.COGS) == Decimal("12.25")  # 36.75 shipped - 24.50 back
    memo = CreditMemo.get(CreditMemo.number == done.credit_memo)
    assert memo.invoice.number == result.invoice and memo.number.startswith("CM-")
    assert CustomerReturn.get_by_id(done.return_id).credit_memo_id == memo.id
    assert_books_equal_warehouse()


def test_quarantined_return_after_payment_leaves_credit_on_account(stock):
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 2, tax_rate_bp=663)  # 83.00 + 5.50 tax
    invoicing.record_payment(office, pid, "88.50", [result.invoice])
    serial = shipped_serials(result.shipment_id)[0]
    done = returns.receive_return(lead, pid, [(GTIN, serial)], "dented carton",
                                  ReturnDisposition.QUARANTINE)
    assert done.credit == Decimal("44.25")  # 41.50 + 41.50 x 5.50 / 83.00
    assert Package.get(Package.serial == serial).status == "quarantined"
    assert on_hand("QUARANTINE", "quarantined") == 4  # 3 from the fixture and this one
    assert open_invoices(pid) == {}
    aging = next(a for a in ar_aging() if a.customer_id == pid)
    assert (aging.unapplied, aging.balance) == (Decimal("44.25"), Decimal("-44.25"))
    assert role_balance(AccountRole.SALES_TAX) == Decimal("2.75")
    assert_books_equal_warehouse()


def test_a_return_before_invoicing_is_not_billed(stock):
    office, lead = stock[Role.OFFICE], stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 3, invoice_on_ship=False)
    back = shipped_serials(result.shipment_id)[:1]
    done = returns.receive_return(lead, pid, [(GTIN, back[0])], "wrong strength")
    assert (done.credit_memo, done.credit) == (None, Decimal("0.00"))
    invoice = invoicing.invoice_shipment(office, result.shipment_id)
    assert invoice.total == Decimal("83.00")  # two kept, not three shipped
    assert [line.quantity for line in Invoice.get_by_id(invoice.invoice_id).lines] == [2]
    assert_books_equal_warehouse()


def test_returns_verification_refuses_by_name_and_writes_nothing(stock):
    lead = stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 2)
    serial = shipped_serials(result.shipment_id)[0]
    other = customer(stock, "Elm Pharmacy", "0614141000036")
    moves = StockMove.select().count()
    cases = [
        (other, [(GTIN, serial)], "was not shipped to Elm Pharmacy"),
        (pid, [(GTIN, "L0001")], "was not shipped to Main Street"),  # still on our shelf
        (pid, [(GTIN, "NOPE")], "not in our records"),
        (pid, [Returned(GTIN, serial, "LATE")], "labelled lot LATE .* we shipped it as lot SOON"),
    ]
    for who, keys, message in cases:
        with pytest.raises(ReturnRefused, match=message):
            returns.receive_return(lead, who, keys, "damaged")
    with pytest.raises(InvalidInput, match="scanned twice"):
        returns.receive_return(lead, pid, [(GTIN, serial), (GTIN, serial)], "damaged")
    with pytest.raises(InvalidInput, match="Say why"):
        returns.receive_return(lead, pid, [(GTIN, serial)], " ")
    with pytest.raises(InvalidInput, match="not an active bin"):
        returns.receive_return(lead, pid, [(GTIN, serial)], "damaged", bin_code="Z-99")
    returns.receive_return(lead, pid, [(GTIN, serial)], "damaged")
    with pytest.raises(ReturnRefused, match="already back with us"):
        returns.receive_return(lead, pid, [(GTIN, serial)], "again")
    assert StockMove.select().count() == moves + 1
    assert CustomerReturn.select().count() == 1


def test_expired_returns_only_go_to_quarantine(stock):
    from datetime import date, timedelta

    from core.models import Lot
    lead = stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 1)
    serial = shipped_serials(result.shipment_id)[0]
    Lot.update(expiry=date.today() - timedelta(days=1)).where(Lot.lot_number == "SOON").execute()
    with pytest.raises(ReturnRefused, match="return it to quarantine"):
        returns.receive_return(lead, pid, [(GTIN, serial)], "expired in transit")
    done = returns.receive_return(lead, pid, [(GTIN, serial)], "expired in transit",
                                  ReturnDisposition.QUARANTINE)
    assert done.packages == 1
    assert trial_balance().balanced



def test_check_returned_shows_what_a_return_will_do_and_writes_nothing(stock):
    from datetime import date, timedelta

    from core.services.returns import check_returned, return_credit
    lead = stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 2, tax_rate_bp=663)  # 83.00 + 5.50 tax
    first, second = shipped_serials(result.shipment_id)
    moves = StockMove.select().count()
    one = check_returned(pid, Returned(GTIN, first, "SOON", date.today() + timedelta(days=100)))
    assert (one.product, one.lot, one.shipment, one.unit_price, one.picked_from) == (
        "Atorvastatin 20 mg tablets, 90 count", "SOON", result.number, Decimal("41.50"),
        "A-01")
    assert one.invoiced.number == result.invoice and not one.expired()
    with pytest.raises(InvalidInput, match="scanned twice"):
        check_returned(pid, (GTIN, first), [one])
    two = check_returned(pid, (GTIN, second), [one])
    assert return_credit([one]).total == Decimal("44.25")  # 41.50 + 2.75 tax
    due = return_credit([one, two])
    assert (due.subtotal, due.tax, due.total) == (
        Decimal("83.00"), Decimal("5.50"), Decimal("88.50"))
    assert StockMove.select().count() == moves
    done = returns.receive_return(lead, pid, [one.key(), two.key()], "recall")
    assert done.credit == due.total


def test_check_returned_refuses_a_package_from_another_shipment(stock):
    from core.services.returns import check_returned
    pid, first = shipped(stock, 1)
    _, second = shipped(stock, 1)
    one = check_returned(pid, (GTIN, shipped_serials(first.shipment_id)[0]))
    with pytest.raises(ReturnRefused, match=f"left on {second.number}, the others on "
                                            f"{first.number}"):
        check_returned(pid, (GTIN, shipped_serials(second.shipment_id)[0]), [one])
    uninvoiced_pid, later = shipped(stock, 1, invoice_on_ship=False)
    assert check_returned(uninvoiced_pid, (GTIN, shipped_serials(later.shipment_id)[0])
                          ).invoiced is None


def test_recent_returns_and_their_lines(stock):
    from core.queries.returns import recent_returns, return_customers, return_lines
    lead = stock[Role.WAREHOUSE]
    pid, result = shipped(stock, 3)
    back = shipped_serials(result.shipment_id)
    assert recent_returns() == []
    first = returns.receive_return(lead, pid, [(GTIN, back[0])], "wrong strength",
                                   ReturnDisposition.QUARANTINE)
    second = returns.receive_return(lead, pid, [(GTIN, s) for s in back[1:]], "overstock")
    rows = recent_returns()
    assert [(r.number, r.customer, r.shipment, r.packages, r.disposition, r.credit_memo,
             r.credit, r.reason, r.received_by) for r in rows] == [
        (second.number, "Main Street Pharmacy", result.number, 2, ReturnDisposition.RESTOCK,
         second.credit_memo, Decimal("83.00"), "overstock", lead.username),
        (first.number, "Main Street Pharmacy", result.number, 1,
         ReturnDisposition.QUARANTINE, first.credit_memo, Decimal("41.50"), "wrong strength",
         lead.username)]
    assert [(line.serial, line.lot, line.to_location, line.unit_price)
            for line in return_lines(rows[0].id)] == [
        (back[1], "SOON", "A-01", Decimal("41.50")), (back[2], "SOON", "A-01", Decimal("41.50"))]
    assert [line.to_location for line in return_lines(rows[1].id)] == ["QUARANTINE"]
    assert [c.name for c in return_customers()] == ["Main Street Pharmacy"]
