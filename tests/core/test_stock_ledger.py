"""The stock ledger: every change is a move, cached state always equals the moves."""

import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

from core.db import database
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import StockMove
from core.permissions import Role
from core.queries.stock_check import ledger_discrepancies
from core.services import ledger, stock
from core.vocab import MoveReason
from tests.core.conftest import BULK_GTIN, GTIN, on_hand as _on_hand

def test_opening_stock_then_transfer_moves_packages_and_balances(warehouse):
    wh = warehouse[Role.WAREHOUSE]
    stock.add_opening_stock(warehouse[Role.ADMIN], GTIN, "LOT1", date(2028, 5, 31), "A-01",
                            serials=[f"S{i}" for i in range(5)])
    assert _on_hand("A-01") == 5
    assert stock.transfer_packages(wh, [(GTIN, "S0"), (GTIN, "S1")], "b-01") == 2
    assert (_on_hand("A-01"), _on_hand("B-01")) == (3, 2)
    moves = list(StockMove.select().where(StockMove.reason == "transfer"))
    assert {(m.username, m.quantity, m.from_status, m.to_status) for m in moves} == {
        ("warehouse", 1, "saleable", "saleable")}
    assert ledger_discrepancies() == []


def test_quarantine_and_release_change_status_and_place(warehouse):
    admin, wh = warehouse[Role.ADMIN], warehouse[Role.WAREHOUSE]
    stock.add_opening_stock(admin, GTIN, "LOT2", date(2028, 1, 31), "A-02", serials=["Q1", "Q2"])
    stock.quarantine_packages(wh, [(GTIN, "Q1")], "seal broken", suspect=True)
    assert (_on_hand("A-02"), _on_hand("QUARANTINE", "suspect")) == (1, 1)
    with pytest.raises(InvalidInput, match="Record why"):
        stock.release_packages(wh, [(GTIN, "Q1")], "A-02", " ")
    with pytest.raises(PermissionDenied, match="release suspect product"):
        stock.release_packages(wh, [(GTIN, "Q1")], "A-02", "looks fine")
    stock.release_packages(warehouse[Role.OWNER], [(GTIN, "Q1")], "A-02",
                           "manufacturer confirmed legitimate")
    assert (_on_hand("A-02"), _on_hand("QUARANTINE", "suspect")) == (2, 0)
    assert ledger_discrepancies() == []


def test_adjustment_needs_permission_and_a_note(warehouse):
    admin = warehouse[Role.ADMIN]
    stock.add_opening_stock(admin, GTIN, "LOT3", date(2027, 12, 31), "A-01", serials=["D1"])
    with pytest.raises(PermissionDenied):
        stock.adjust_packages(warehouse[Role.WAREHOUSE], [(GTIN, "D1")], MoveReason.DAMAGED, "crushed")
    with pytest.raises(InvalidInput, match="note"):
        stock.adjust_packages(admin, [(GTIN, "D1")], MoveReason.DAMAGED, "")
    stock.adjust_packages(warehouse[Role.OWNER], [(GTIN, "D1")], MoveReason.DAMAGED, "crushed by forklift")
    assert _on_hand("A-01") == 0
    with pytest.raises(stock.PackageNotMovable, match="destroyed"):
        stock.transfer_packages(warehouse[Role.WAREHOUSE], [(GTIN, "D1")], "A-02")


def test_refusals_write_nothing(warehouse):
    admin = warehouse[Role.ADMIN]
    stock.add_opening_stock(admin, GTIN, "LOT4", date(2027, 6, 30), "A-01", serials=["R1"])
    before = StockMove.select().count()
    with pytest.raises(NotFound):
        stock.transfer_packages(admin, [(GTIN, "R1"), (GTIN, "nope")], "A-02")
    with pytest.raises(InvalidInput, match="already in RxDesk"):
        stock.add_opening_stock(admin, GTIN, "LOT4", date(2027, 6, 30), "A-01", serials=["R2", "R1"])
    with pytest.raises(InvalidInput, match="expires 2027-06-30"):
        stock.add_opening_stock(admin, GTIN, "LOT4", date(2027, 7, 31), "A-01", serials=["R3"])
    assert StockMove.select().count() == before
    assert _on_hand("A-01") == 1


def test_lot_quantities_cannot_go_negative(warehouse):
    admin = warehouse[Role.ADMIN]
    stock.add_opening_stock(admin, BULK_GTIN, "W1", date(2029, 1, 31), "A-01", quantity=10)
    stock.transfer_quantity(admin, BULK_GTIN, "W1", 4, "A-01", "A-02")
    with pytest.raises(ledger.InsufficientStock, match="Lot W1 has 1 fewer saleable units at A-01"):
        stock.transfer_quantity(admin, BULK_GTIN, "W1", 7, "A-01", "A-02")
    assert (_on_hand("A-01"), _on_hand("A-02")) == (6, 4)


def test_moves_are_append_only_in_the_database(warehouse):
    import peewee

    stock.add_opening_stock(warehouse[Role.ADMIN], GTIN, "LOT5", date(2027, 6, 30), "A-01",
                            serials=["X1"])
    with pytest.raises(peewee.DatabaseError, match="append-only"):
        with database.atomic():
            database.execute_sql("UPDATE stock_move SET quantity = 2")


class LedgerMachine(RuleBasedStateMachine):
    """Random sequences of warehouse work; the cache must always equal the ledger and
    match what this machine itself did."""

    actors = None

    @initialize()
    def start(self):
        self.admin = self.actors[Role.ADMIN]
        self.lot = f"H{uuid.uuid4().hex[:8]}"
        self.where: dict[str, str] = {}  # serial -> location code or "gone"
        self.bulk: dict[str, int] = {}
        self.counter = 0

    def _live(self):
        return sorted(s for s, loc in self.where.items() if loc != "gone")

    @rule(n=st.integers(1, 4), bin=st.sampled_from(["A-01", "A-02", "B-01"]))
    def add_serials(self, n, bin):
        serials = [f"{self.lot}-{self.counter + i}" for i in range(n)]
        self.counter += n
        stock.add_opening_stock(self.admin, GTIN, self.lot, date(2028, 2, 29), bin, serials=serials)
        self.where.update({s: bin for s in serials})

    @precondition(lambda self: self._live())
    @rule(data=st.data(), bin=st.sampled_from(["A-01", "A-02", "B-01"]))
    def transfer(self, data, bin):
        serial = data.draw(st.sampled_from(self._live()))
        if self.where[serial] == "QUARANTINE":
            with pytest.raises(stock.PackageNotMovable):
                stock.transfer_packages(self.admin, [(GTIN, serial)], bin)
        else:
            stock.transfer_packages(self.admin, [(GTIN, serial)], bin)
            self.where[serial] = bin

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def quarantine_or_release(self, data):
        serial = data.draw(st.sampled_from(self._live()))
        if self.where[serial] == "QUARANTINE":
            stock.release_packages(self.admin, [(GTIN, serial)], "A-01", "cleared")
            self.where[serial] = "A-01"
        else:
            stock.quarantine_packages(self.admin, [(GTIN, serial)], "tip from a partner")
            self.where[serial] = "QUARANTINE"

    @precondition(lambda self: self._live())
    @rule(data=st.data(), reason=st.sampled_from([MoveReason.DAMAGED, MoveReason.DESTROYED,
                                                   MoveReason.COUNT_CORRECTION]))
    def write_off(self, data, reason):
        serial = data.draw(st.sampled_from(self._live()))
        stock.adjust_packages(self.admin, [(GTIN, serial)], reason, "random test")
        self.where[serial] = "gone"

    @rule(qty=st.integers(1, 30), src=st.sampled_from(["A-01", "A-02"]),
          dst=st.sampled_from(["A-02", "B-01"]))
    def bulk(self, qty, src, dst):
        if src not in self.bulk:
            stock.add_opening_stock(self.admin, BULK_GTIN, self.lot, date(2028, 2, 29), src,
                                    quantity=50)
            self.bulk[src] = self.bulk.get(src, 0) + 50
        if self.bulk.get(src, 0) < qty or src == dst:
            return
        stock.transfer_quantity(self.admin, BULK_GTIN, self.lot, qty, src, dst)
        self.bulk[src] -= qty
        self.bulk[dst] = self.bulk.get(dst, 0) + qty

    @invariant()
    def cache_equals_ledger(self):
        assert ledger_discrepancies() == []

    @invariant()
    def packages_are_where_the_machine_put_them(self):
        from core.models import Location, Lot, Package, Product

        rows = (Package.select(Package.serial, Location.code).join(Location)
                .switch(Package).join(Lot).where(Lot.lot_number == self.lot)
                .switch(Package).join(Product).where(Product.gtin == GTIN).tuples())
        actual = {serial: code for serial, code in rows}
        expected = {s: ("ADJUSTMENT" if loc == "gone" else loc) for s, loc in self.where.items()}
        assert actual == expected


def test_random_sequences_keep_cache_equal_to_ledger(warehouse):
    LedgerMachine.actors = warehouse
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=12, stateful_step_count=15, deadline=None,
        suppress_health_check=list(HealthCheck)))
