"""The benchmark suites (receiving, shipping, concurrent pack stations, app start, trace
and recall on history) run end to end in --quick mode on each backend: a smoke test of
the harness, with no timing assertions."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import PG_ADMIN_URL

REPO = Path(__file__).resolve().parents[1]


def test_receiving_benchmarks_run_quick(backend, request):
    only = "--sqlite-only" if backend == "sqlite" else "--postgresql-only"
    if backend == "postgresql":
        request.getfixturevalue("pg_server")  # skips, or fails under CI, when unreachable
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--suite", "receiving",
                             only, "--pg", PG_ADMIN_URL],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for operation in ("import 10,000 packages (EPCIS)", "case scan of 12",
                      "post receipt of 1,200 packages"):
        assert operation in result.stdout and f"| {backend}" in result.stdout


def test_shipping_benchmarks_run_quick(backend, request):
    only = "--sqlite-only" if backend == "sqlite" else "--postgresql-only"
    if backend == "postgresql":
        request.getfixturevalue("pg_server")
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--suite", "shipping",
                             only, "--pg", PG_ADMIN_URL],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for operation in ("ship 3,000 packages (pack, post, EPCIS)", "T3 PDF of 50 lines"):
        assert operation in result.stdout and f"| {backend}" in result.stdout


def test_concurrent_pack_stations_run_quick(request):
    request.getfixturevalue("pg_server")
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--suite", "stations",
                             "--postgresql-only", "--pg", PG_ADMIN_URL],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no package lost or shipped twice" in result.stderr
    assert "3 pack stations at once" in result.stdout


def test_app_start_benchmark_runs_quick(backend, request):
    only = "--sqlite-only" if backend == "sqlite" else "--postgresql-only"
    if backend == "postgresql":
        request.getfixturevalue("pg_server")
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--suite", "app", only,
                             "--runs", "1", "--pg", PG_ADMIN_URL],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "app start to login dialog" in result.stdout and f"| {backend}" in result.stdout


def test_history_benchmarks_run_quick(backend, request):
    only = "--sqlite-only" if backend == "sqlite" else "--postgresql-only"
    if backend == "postgresql":
        request.getfixturevalue("pg_server")
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--suite", "history",
                             only, "--runs", "1", "--pg", PG_ADMIN_URL],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    for operation in ("trace one serial, full chain", "recall: customers who received"):
        assert operation in result.stdout and f"| {backend}" in result.stdout
