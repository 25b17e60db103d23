"""The large demo's generator (core.scale_data) at a tiny scale: the code path of
`rxdesk-admin demo --scale large`, checked for what users and the benchmarks rely on:
counts, the ledger, the books, the partner rules, and one package's DSCSA chain."""

from collections import Counter

import pytest

from core import scale_data
from core.db import database, is_postgres
from core.models import (DscsaLine, DscsaPackage, DscsaTransaction, Lot, Package, Partner,
                         PartnerEvidence, Product, SalesOrder, SalesOrderLine, StockMove)
from core.permissions import Role
from core.queries.accounting import inventory_valuation, role_balance, trial_balance
from core.queries.atp import atp_statuses
from core.queries.stock_check import ledger_discrepancies
from core.queries.trace import trace_lot, trace_package
from core.vocab import AccountRole, MoveReason

TINY = scale_data.HistoryScale("tiny", products=20, customers=8, suppliers=4, lots=60,
                               packages=1_500, bins=12, years=2)


def _schema() -> list[tuple]:
    """Every index and foreign key, as the database describes it."""
    if is_postgres():
        return sorted(database.execute_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace").fetchall())
    return sorted(database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall())


@pytest.fixture
def history(db, actors):
    before = _schema()
    steps = Counter()
    built = scale_data.build(actors[Role.ADMIN], TINY,
                             progress=lambda step, done, total: steps.update([step]))
    assert _schema() == before, "indexes and foreign keys come back exactly as they were"
    return built, steps


def test_counts_and_shape(history):
    built, steps = history
    assert {"trading partners", "products", "bins", "days of history",
            "indexes"} <= set(steps)
    assert Product.select().count() == 20 and Lot.select().count() == 60
    assert Package.select().count() == 1_500 == built.counts["package"]
    assert Partner.select().where(Partner.is_customer).count() == 8
    assert Partner.select().where(Partner.is_supplier).count() == 4
    moves = Counter(r for (r,) in StockMove.select(StockMove.reason)
                    .where(StockMove.package.is_null(False)).tuples())
    assert moves[MoveReason.RECEIPT.value] == moves[MoveReason.PUTAWAY.value] == 1_500
    shipped = Package.select().where(Package.status == "shipped").count()
    assert moves[MoveReason.SHIPMENT.value] == shipped
    assert 1_500 * 0.7 < shipped < 1_500, "most of the old stock shipped, some is on hand"
    links = Counter(d for (d,) in DscsaPackage.select(DscsaTransaction.direction)
                    .join(DscsaLine).join(DscsaTransaction).tuples())
    assert links == {"in": 1_500, "out": shipped}


def test_the_stock_ledger_and_the_books_agree(history):
    assert ledger_discrepancies() == []
    books = trial_balance()
    assert books.balanced and books.total_debit > 0
    assert inventory_valuation().total == role_balance(AccountRole.INVENTORY) > 0


def test_a_shipped_package_traces_from_supplier_to_customer(history):
    built, _ = history
    trace = trace_package(*built.shipped_package)
    kinds = [e.type for e in trace.events]
    assert kinds[:2] == ["received", "put away"] and kinds[-1] == "shipped"
    received, shipped = trace.events[0], trace.events[-1]
    assert "TI/TS received from" in received.detail
    assert "TI/TS sent to" in shipped.detail
    gtin, serial = built.shipped_package
    customer = (Partner.select(Partner.name)
                .join(DscsaTransaction, on=(DscsaTransaction.partner == Partner.id))
                .join(DscsaLine).join(DscsaPackage).join(Package).join(Product)
                .where((Product.gtin == gtin) & (Package.serial == serial)
                       & (DscsaTransaction.direction == "out")).scalar())
    assert shipped.to_party.startswith(customer)
    assert trace_lot(*built.busy_lot).totals.shipped > 0


def test_every_partner_is_authorized_and_controlled_stock_goes_only_where_allowed(history):
    statuses = atp_statuses(pid for (pid,) in Partner.select(Partner.id).tuples())
    assert statuses and all(s.authorized for s in statuses.values())
    with_dea_for_cii = {pid for (pid,) in PartnerEvidence.select(PartnerEvidence.partner)
                        .where((PartnerEvidence.kind == "dea")
                               & PartnerEvidence.schedules.contains("2")).tuples()}
    buyers = {pid for (pid,) in SalesOrder.select(SalesOrder.customer).join(SalesOrderLine)
              .join(Product).where(Product.schedule == "cii").tuples()}
    assert buyers and buyers <= with_dea_for_cii
