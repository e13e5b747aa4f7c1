"""Server time of the statistics (issue 11) and of the SVA filter (issue 8) over 100,000 applications.

Reuses ``bench/staff_list.py``'s population (5 centres, 50 programmes), adds decisions (a published or entered
decision on 40 % of the applications, answers on the offers), then times (median of 5) the statistics per
programme and per centre, the daily curve, the committee's pending counts, and the SVA filter for each base
date — the last with and without the index ``ix_application_sva``. Prints one JSON object.

Usage: python bench/staff_statistics.py [--n 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from staff_list import NOW, _actor, _insert, _median_ms, populate, scratch_pg

import app.models as m
from app import clock
from app.config import reset_settings
from app.db import make_engine, reset_engine
from app.services.staff_list import SVA_BASES, ListQuery, list_applications
from app.services.statistics import compute_statistics, daily_activity, pending_counts


def add_decisions(engine: Engine) -> int:
    rng = random.Random(11)
    kinds = list(m.DecisionKind)
    _insert(
        engine,
        m.DecisionType.__table__,
        [
            dict(id=i + 1, code=f"AV{i}", kind=k.value, label_fr=k.value, label_en=k.value, is_final=True,
                 is_active=True, version=1)
            for i, k in enumerate(kinds)
        ],
    )  # fmt: skip
    with engine.connect() as conn:
        ids = [row[0] for row in conn.execute(select(m.Application.id))]
    decisions, mirrors = [], []
    for application_id in ids:
        if rng.random() >= 0.4:
            continue
        index = rng.randrange(4)
        published = rng.random() < 0.7
        decisions.append(
            dict(application_id=application_id, decision_type_id=index + 1, kind=kinds[index].value, comment="",
                 waiting_list_rank=rng.randrange(1, 50) if kinds[index] == m.DecisionKind.WAITING_LIST else None,
                 is_waiting_list_call=False, entered_at=NOW, published_at=NOW if published else None)
        )  # fmt: skip
        answer = rng.choice([None, "confirmed", "withdrawn"]) if index == 0 and published else None
        mirrors.append((application_id, kinds[index].value, published, answer))
    _insert(engine, m.Decision.__table__, decisions)
    with engine.begin() as conn:
        for application_id, kind, published, answer in mirrors:
            conn.execute(
                update(m.Application)
                .where(m.Application.id == application_id)
                .values(last_decision_kind=kind, last_decision_published=published, answer=answer,
                        received_at=NOW - timedelta(days=application_id % 80),
                        complete_at=NOW - timedelta(days=application_id % 60))
            )  # fmt: skip
    return len(decisions)


def measure(engine: Engine) -> dict[str, Any]:
    clock.set_now(NOW)
    central = _actor(engine, m.StaffRole.CENTRAL_OFFICE)
    member = _actor(engine, m.StaffRole.COMMITTEE_MEMBER, committee_id=1)
    out: dict[str, Any] = {}
    for grouping in ("program", "centre"):
        ms, stats = _median_ms(
            engine, lambda s, g=grouping: compute_statistics(s, actor=central, grouping=g, campaign_id=1)
        )
        out[f"statistics_{grouping}_ms"] = ms
        out["statistics_places_taken"] = stats.total.counts["places_taken"]
    out["daily_curve_ms"], days = _median_ms(engine, lambda s: daily_activity(s, actor=central, campaign_id=1))
    out["daily_curve_days"] = len(days)
    out["pending_counts_committee_ms"], _p = _median_ms(engine, lambda s: pending_counts(s, actor=member))

    def sva(prefix: str) -> None:
        for base in SVA_BASES:
            query = ListQuery(filters={"sva": ["red"], "campaign": [1]}, sva_base=base)
            ms, page = _median_ms(engine, lambda s, q=query: list_applications(s, actor=central, query=q))
            out[f"{prefix}_{base}_ms"] = ms
            out[f"{prefix}_{base}_total"] = page.total

    sva("sva_red_with_index")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_application_sva")
        conn.exec_driver_sql("ANALYZE")
    sva("sva_red_without_index")
    clock.set_now(None)
    return out


def run(url: str, n: int) -> dict[str, Any]:
    # Settings read portal parameters through the app's own engine: point it at the bench database.
    os.environ["ECANDIDAT_DATABASE_URL"] = url
    reset_settings()
    reset_engine()
    engine = make_engine(url)
    start = time.perf_counter()
    sizes = populate(engine, n)
    sizes["decisions"] = add_decisions(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    result = sizes | {"populate_s": round(time.perf_counter() - start, 1)} | measure(engine)
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--pg", default="")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.n)
    if args.pg:
        with scratch_pg(args.pg) as url:
            report["postgresql"] = run(url, args.n)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
