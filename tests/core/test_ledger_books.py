"""The books equal the warehouse: every stock move that changes what we own posts its
value (FIFO cost layers) to the general ledger in the same transaction."""

from datetime import date, timedelta
from decimal import Decimal

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import database, write_transaction
from core.models import CostLayer, FiscalPeriod, JournalEntry, JournalLine, Payment, Product
from core.permissions import Role
from core.queries.accounting import inventory_valuation, role_balance, trial_balance
from core.queries.receivables import ar_aging, open_invoices
from core.services import accounting, invoicing, returns, sales, shipping
from core.services.accounting import PeriodClosed, Posting, Unbalanced
from core.services.sales import SoLineInput
from core.services.stock import add_opening_stock, adjust_packages, quarantine_packages
from core.vocab import AccountRole, MoveReason, ReturnDisposition
from tests.core.conftest import GTIN, customer

TODAY = date.today()
EXPIRY = TODAY + timedelta(days=400)


def assert_books_equal_warehouse():
    tb = trial_balance()
    assert tb.balanced, tb
    assert inventory_valuation().total == role_balance(AccountRole.INVENTORY)
    owed = sum((a.balance for a in ar_aging()), Decimal("0.00"))
    assert owed == role_balance(AccountRole.RECEIVABLES)


def set_standard_cost(cost: str) -> None:
    Product.update(standard_cost=Decimal(cost)).where(Product.gtin == GTIN).execute()


def test_opening_stock_and_shipment_post_at_fifo_cost(warehouse):
    admin, office, lead = (warehouse[r] for r in (Role.ADMIN, Role.OFFICE, Role.WAREHOUSE))
    add_opening_stock(admin, GTIN, "LOT1", EXPIRY, "A-01", serials=["A1", "A2", "A3"])
    set_standard_cost("15.00")  # a later layer of the same lot costs more
    add_opening_stock(admin, GTIN, "LOT1", EXPIRY, "A-01", serials=["A4", "A5"])
    assert role_balance(AccountRole.INVENTORY) == Decimal("66.75")  # 3 x 12.25 + 2 x 15
    assert role_balance(AccountRole.OPENING_EQUITY) == Decimal("66.75")

    order = sales.create_order(office, customer(warehouse), [SoLineInput(GTIN, 4)])
    sales.confirm_order(office, order)
    shipping.ship_allocation(lead, order)
    # FIFO: the three at 12.25 first, then one at 15.00.
    assert role_balance(AccountRole.COGS) == Decimal("51.75")
    assert role_balance(AccountRole.INVENTORY) == Decimal("15.00")
    valuation = inventory_valuation()
    assert [(v.lot, v.quantity, v.value) for v in valuation.lines] == [
        ("LOT1", 1, Decimal("15.00"))]
    assert_books_equal_warehouse()


def test_internal_moves_change_no_value_and_write_offs_post(warehouse):
    admin = warehouse[Role.ADMIN]
    add_opening_stock(admin, GTIN, "LOT1", EXPIRY, "A-01", serials=["A1", "A2"])
    entries = JournalEntry.select().count()
    quarantine_packages(admin, [(GTIN, "A1")], "dented")
    assert JournalEntry.select().count() == entries  # still ours, still worth the same
    adjust_packages(admin, [(GTIN, "A2")], MoveReason.DAMAGED, "crushed")
    assert role_balance(AccountRole.WRITE_OFFS) == Decimal("12.25")
    assert_books_equal_warehouse()


def test_posting_into_a_closed_month_is_refused_and_nothing_moves(warehouse):
    admin = warehouse[Role.ADMIN]
    accounting.close_period(admin, TODAY.year, TODAY.month)
    with pytest.raises(PeriodClosed, match="closed"):
        add_opening_stock(admin, GTIN, "LOT1", EXPIRY, "A-01", serials=["A1"])
    assert CostLayer.select().count() == 0
    assert inventory_valuation().total == 0


def test_entries_balance_are_immutable_and_corrected_by_reversal(warehouse):
    admin, office = warehouse[Role.ADMIN], warehouse[Role.OFFICE]
    with pytest.raises(Unbalanced, match="differ"), write_transaction():
        accounting.post_entry(admin, [Posting(AccountRole.CASH, debit=Decimal("10.00")),
                                      Posting(AccountRole.SALES, credit=Decimal("9.99"))],
                              "manual")
    with write_transaction():
        entry = accounting.post_entry(admin, [
            Posting(AccountRole.CASH, debit=Decimal("10.00")),
            Posting(AccountRole.SALES, credit=Decimal("10.00"))], "manual", "test sale")
    with pytest.raises(peewee.DatabaseError):
        with database.atomic():
            JournalLine.update(debit=Decimal("1.00")).where(JournalLine.entry == entry).execute()
    with pytest.raises(Exception, match="may not"):
        accounting.reverse_entry(office, entry, "typo")
    accounting.reverse_entry(admin, entry, "typo")
    assert role_balance(AccountRole.CASH) == 0
    with pytest.raises(Exception, match="already reversed"):
        accounting.reverse_entry(admin, entry, "again")
    assert trial_balance().balanced


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.sampled_from(["stock", "ship", "damage", "quarantine",
                                                 "cost", "pay", "return", "close"]),
                                st.integers(min_value=1, max_value=4)),
                      min_size=1, max_size=8))
def test_books_always_equal_the_warehouse(warehouse, steps):
    """Any sequence of stock in, shipments (each invoiced), payments, write-offs,
    quarantines, cost changes, customer returns (credited) and month closes (after which
    a posting dated in the closed month is refused whole): valuation equals the Inventory
    account, what customers owe equals Accounts Receivable, and the trial balance
    balances."""
    admin, office, lead = (warehouse[r] for r in (Role.ADMIN, Role.OFFICE, Role.WAREHOUSE))
    pid = _the_customer(warehouse)  # examples share the database: reuse the customer
    for action, n in steps:
        if action == "stock":
            start = Product.select().count() * 1000 + CostLayer.select().count() * 10
            add_opening_stock(admin, GTIN, f"L{n}", EXPIRY + timedelta(days=n), "A-01",
                              serials=[f"H{start}-{i}" for i in range(n)])
        elif action == "cost":
            set_standard_cost(f"{10 + n}.{n}5")
        elif action == "pay":
            owed = open_invoices(pid).get(pid, [])
            amount = Decimal(f"{n * 17}.{n}3")
            invoicing.record_payment(office, pid, amount, [i.number for i in owed[:1]]
                                     if owed and owed[0].open >= amount else [])
        elif action == "return":
            back = _shipped_to_customer(n)
            if back:
                returns.receive_return(lead, pid, [(GTIN, s) for s in back], "test",
                                       ReturnDisposition.RESTOCK if n % 2
                                       else ReturnDisposition.QUARANTINE)
        elif action == "close":
            month = date(TODAY.year, TODAY.month, 1) - timedelta(days=28 * n)
            period = FiscalPeriod.get_or_none(year=month.year, month=month.month)
            if period is None or period.closed_at is None:
                accounting.close_period(admin, month.year, month.month)
            payments = Payment.select().count()
            with pytest.raises(PeriodClosed):
                invoicing.record_payment(office, pid, "10.00", received_on=month)
            assert Payment.select().count() == payments
        elif action == "ship":
            order = sales.create_order(office, pid, [SoLineInput(GTIN, n)])
            result = sales.confirm_order(office, order)
            if any(got for _, _, _, got in result.lines):
                shipping.ship_allocation(lead, order)
            else:
                sales.cancel_order(office, order, "no stock")
        else:
            package = _any_saleable()
            if package is not None:
                if action == "damage":
                    adjust_packages(admin, [(GTIN, package)], MoveReason.DAMAGED, "test")
                else:
                    quarantine_packages(admin, [(GTIN, package)], "test")
        assert_books_equal_warehouse()


def _the_customer(actors) -> int:
    from core.models import Partner
    found = Partner.get_or_none(Partner.gln == "0614141000029")
    return found.id if found else customer(actors)


def _shipped_to_customer(n: int) -> list[str]:
    """Up to n serials of the last shipment that are still with the customer."""
    from core.models import Package, ShipmentItem
    last = ShipmentItem.select(ShipmentItem.shipment).order_by(ShipmentItem.id.desc()).first()
    if last is None:
        return []
    return [p.serial for p in Package.select(Package.serial)
            .join(ShipmentItem, on=(ShipmentItem.package == Package.id))
            .where((ShipmentItem.shipment == last.shipment_id)
                   & (Package.status == "shipped")).order_by(Package.id).limit(n)]


def _any_saleable() -> str | None:
    from core.models import Package
    row = Package.select(Package.serial).where(Package.status == "saleable").first()
    return row.serial if row else None
