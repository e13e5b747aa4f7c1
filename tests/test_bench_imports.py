"""The benchmarks are not run by the suite, but they import the services they measure: a module moved or renamed
(the #18 reorganisation broke bench/pages_reference.py, export.py, staff_list.py and staff_statistics.py that way)
must fail here, not on results-day measurement."""

import importlib
from pathlib import Path

import pytest

BENCHES = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "bench").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", BENCHES)
def test_every_benchmark_imports(name: str) -> None:
    importlib.import_module(f"bench.{name}")


def test_the_page_bench_measures_the_programmes_own_page() -> None:
    """bench/pages.py reads the programme's route from the source; twice a refactoring made it fall back silently to
    the offer's search (``/formations?q=CODE``), a different and slower page."""
    from app.ui import routes
    from bench.pages import programme_path

    root = Path(__file__).resolve().parents[1]
    assert programme_path(root, ("BUT-INFO-2", "BUT Informatique", 7)) == routes.OFFER_PROGRAM.format(code="BUT-INFO-2")


def test_the_export_latency_bench_reports_each_modes_medians_over_its_rounds() -> None:
    """bench/export_latency.py's summary: per mode (no export, built in the web process, built by the worker) and
    page, the median of the rounds, the errors added up, and whether every export outlasted the loads."""
    from bench.export_latency import MODES, summarise

    def page(p99: float, errors: int = 0) -> dict[str, object]:
        return {"rps": 10.0, "p50_ms": p99 / 2, "p99_ms": p99, "errors": errors, "loop_lag": {"p99_ms": p99 / 10}}

    def phase(p99: float, *, export: bool, running: bool = True) -> dict[str, object]:
        figures: dict[str, object] = {"pages": {"home": page(p99), "candidatures": page(2 * p99, errors=1)}}
        return figures | ({"export_s": p99 / 10, "export_running_throughout": running} if export else {})

    rounds = [
        {"none": phase(100, export=False), "web": phase(900, export=True), "worker": phase(200, export=True)},
        {
            "worker": phase(300, export=True, running=False),
            "web": phase(700, export=True),
            "none": phase(120, export=False),
        },
        {"none": phase(110, export=False), "web": phase(800, export=True), "worker": phase(250, export=True)},
    ]
    summary = summarise(rounds)
    assert set(summary) == set(MODES)
    assert summary["none"]["home"]["p99_ms"] == 110.0 and "export_s" not in summary["none"]
    assert summary["web"]["home"]["p99_ms"] == 800.0 and summary["web"]["candidatures"]["p99_ms"] == 1600.0
    assert summary["web"]["home"]["loop_lag_p99_ms"] == 80.0 and summary["web"]["export_s"] == 80.0
    assert summary["worker"]["candidatures"]["errors"] == 3
    assert summary["web"]["export_running_throughout"] and not summary["worker"]["export_running_throughout"]


def test_the_retention_bench_runs_and_reports_its_longest_transaction(tmp_path: Path) -> None:
    """bench/retention.py on a few hundred applications (SQLite): it anonymises the archived campaign, a second run
    finds nothing more, the statistics read the same, and the JSON names the longest transaction."""
    import json
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECANDIDAT_")}
    env |= {"PYTHONPATH": str(root), "ECANDIDAT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "retention.py"), "--n", "400"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])["sqlite"]
    assert report["applications"] == 400 and report["processed"] > 0
    assert report["second_run_processed"] == 0 and report["statistics_unchanged"] is True
    assert report["longest_transaction_ms"] > 0 and report["transactions"] >= 3
