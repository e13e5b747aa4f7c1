"""Server time of the statistics (issue 11) and of the SVA filter (issue 8) over 100,000 applications.

Reuses ``bench/staff_list.py``'s population (5 centres, 50 programmes), adds decisions (a published or entered
decision on 40 % of the applications, answers on the offers), then times (median of 5) the statistics per
programme and per centre, the daily curve, the committee's pending counts, and the SVA filter for each base
date — the last with and without the index ``ix_application_sva``. Prints one JSON object.

Usage: python bench/staff_statistics.py [--n 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

import random
import sys
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from staff_list import NOW, _actor, _insert, _median_ms, main, run

import app.models as m
from app import clock
from app.services.exports.statistics import compute_statistics, daily_activity, pending_counts
from app.services.review.staff_list import list_applications
from app.services.review.staff_list_columns import SVA_BASES, ListQuery


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


if __name__ == "__main__":
    main(partial(run, measure_with=measure, enrich=lambda engine: {"decisions": add_decisions(engine)}))
