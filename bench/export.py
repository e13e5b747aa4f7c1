"""Time and memory of exporting 100,000 applications of the staff list to XLSX and CSV (issue 11).

Builds the same database as ``bench/staff_list.py`` (a fresh SQLite file; a scratch PostgreSQL database too with
``--pg URL``), then runs the export the worker runs (``build_tabular``: ids in the list's order, rows read by
batches of 2,000 in short sessions, streamed to the file) for the central office's whole list. For each format:
wall time, the longest batch (read + write: how long any one session stays open is at most that), the file's size,
and the peak of Python allocations (tracemalloc, in a second run since tracing slows Python down). Prints JSON.

Usage: python bench/export.py [--n 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ECANDIDAT_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
os.environ["ECANDIDAT_DEMO"] = "false"

import app.models as m
from app import clock
from app.config import reset_settings
from app.db import make_engine, reset_engine
from app.services.exports.tabular import TabularRequest, build_tabular
from app.services.review.staff_list_columns import DEFAULT_COLUMNS, ListQuery
from bench.staff_list import NOW, _actor, populate, scratch_pg

CASES = {
    "xlsx": ("xlsx", []),
    "csv": ("csv", []),
    "xlsx_with_extras": ("xlsx", ["baccalaureate", "notes", "decisions"]),
}


def _export(actor: Any, kind: str, extras: list[str], path: Path, *, trace: bool) -> dict[str, Any]:
    request = TabularRequest(query=ListQuery(sort="birth_name"), columns=list(DEFAULT_COLUMNS), extras=extras)
    marks: list[float] = []
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    rows = build_tabular(
        actor=actor, request=request, kind=kind, path=path, progress=lambda _d, _t: marks.append(time.perf_counter())
    )
    elapsed = time.perf_counter() - start
    result: dict[str, Any] = {"rows": rows}
    if trace:
        result["peak_python_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
    else:
        gaps = [b - a for a, b in pairwise(marks)]
        result |= {
            "seconds": round(elapsed, 2),
            "ids_query_ms": round((marks[0] - start) * 1000, 1),
            "longest_batch_ms": round(max(gaps) * 1000, 1) if gaps else 0.0,
            "batches": len(gaps),
            "file_mb": round(path.stat().st_size / 1e6, 2),
        }
    return result


def run(url: str, n: int, folder: Path) -> dict[str, Any]:
    os.environ["ECANDIDAT_DATABASE_URL"] = url
    os.environ["ECANDIDAT_DATA_DIR"] = str(folder)
    reset_settings()
    reset_engine()
    engine = make_engine(url)
    start = time.perf_counter()
    sizes = populate(engine, n)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    report: dict[str, Any] = sizes | {"populate_s": round(time.perf_counter() - start, 1)}
    clock.set_now(NOW)
    central = _actor(engine, m.StaffRole.CENTRAL_OFFICE)
    for name, (kind, extras) in CASES.items():
        path = folder / f"{name}.{kind}"
        timed = _export(central, kind, extras, path, trace=False)
        traced = _export(central, kind, extras, path, trace=True)
        report[name] = timed | {"peak_python_mb": traced["peak_python_mb"]}
    clock.set_now(None)
    engine.dispose()
    reset_engine()
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("ECANDIDAT_BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.n, Path(tmp))
    if args.pg:
        with scratch_pg(args.pg) as url, tempfile.TemporaryDirectory() as tmp:
            report["postgresql"] = run(url, args.n, Path(tmp))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
