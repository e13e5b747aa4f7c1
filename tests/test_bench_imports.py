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
