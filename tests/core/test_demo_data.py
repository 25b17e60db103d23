"""The demo business: a believable small distributor, built through the services."""

import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from core import connection
from core.db import close_database
from core.demo_data import DemoSize, build_demo_business
from core.models import Location, Lot, Package, Partner, Product, StockBalance
from core.ndc import Ndc
from core.permissions import Role
from core.queries.atp import atp_status
from core.queries.stock_check import ledger_discrepancies
from core.vocab import Schedule

SMALL = DemoSize(products=40, customers=14, suppliers=6, packages=3_000)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(db, actors):
    build_demo_business(actors[Role.ADMIN], rng_seed=7, size=SMALL)
    return actors


def test_counts_and_product_mix(demo):
    assert Product.select().count() == SMALL.products
    assert Partner.select().where(Partner.is_customer).count() >= SMALL.customers
    assert Partner.select().where(Partner.is_supplier).count() == SMALL.suppliers
    assert Package.select().count() >= SMALL.packages
    products = list(Product.select())
    assert {p.ndc_layout for p in products} == {"4-4-2", "5-3-2", "5-4-1"}
    assert all(Ndc(p.ndc_labeler, p.ndc_product, p.ndc_package).gtin14() == p.gtin
               for p in products)
    assert {p.schedule for p in products} > {Schedule.NONE.value, Schedule.CII.value}
    assert any(p.storage == "refrigerated" for p in products)
    assert any(not p.serialized for p in products)
    fridge = Location.select().where(Location.storage == "refrigerated")
    assert fridge.count() > 0


def test_some_partners_expire_soon_and_some_are_blocked(demo):
    statuses = [atp_status(p.id) for p in Partner.select()]
    assert any(s.authorized and s.warnings for s in statuses)
    blocked = [s for s in statuses if not s.authorized]
    assert blocked and any("expired" in reason for s in blocked for reason in s.reasons)
    assert sum(s.authorized for s in statuses) > len(statuses) * 0.7


def test_lots_straddle_today_and_the_ledger_balances(demo):
    today = date.today()
    assert Lot.select().where(Lot.expiry < today).exists()
    assert Lot.select().where(Lot.expiry.between(today, today + timedelta(days=90))).exists()
    assert Lot.select().where(Lot.expiry > today + timedelta(days=365)).count() > \
        Lot.select().count() // 2
    held = StockBalance.select().where(StockBalance.status.in_(["quarantined", "suspect"]))
    assert held.exists()
    assert ledger_discrepancies() == []


def _snapshot(url: str) -> tuple[list, list]:
    connection.open_demo(url, scale="tiny")
    try:
        return ([(p.gtin, p.name, p.schedule) for p in Product.select().order_by(Product.id)],
                sorted(s for (s,) in Package.select(Package.serial).tuples()))
    finally:
        close_database()


@pytest.mark.backends("sqlite")
def test_the_same_seed_builds_the_same_business(backend, tmp_path):
    first = _snapshot(f"sqlite:///{tmp_path / 'one.db'}")
    assert first[0] and len(first[1]) >= 1_500
    assert _snapshot(f"sqlite:///{tmp_path / 'two.db'}") == first


@pytest.mark.backends("sqlite")
def test_the_full_demo_builds_within_a_minute(backend, tmp_path):
    seen = []
    started = time.perf_counter()
    connection.open_demo(f"sqlite:///{tmp_path / 'demo.db'}",
                         progress=lambda step, done, total: seen.append((step, done, total)))
    elapsed = time.perf_counter() - started
    try:
        assert Product.select().count() >= 200
        assert Partner.select().where(Partner.is_customer).count() >= 50
        assert Partner.select().where(Partner.is_supplier).count() >= 10
        assert Package.select().count() >= 50_000
    finally:
        close_database()
    assert {step for step, *_ in seen} == {"products", "trading partners", "bins", "stock"}
    assert seen[-1][1] == seen[-1][2]
    assert elapsed < 60, f"the demo took {elapsed:.0f} s"


def test_bench_quick_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--sqlite-only",
                             "--runs", "1", "--scans", "20"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ledger_discrepancies() -> 0" in result.stderr
    assert "scan lookup" in result.stdout and "| met" in result.stdout
