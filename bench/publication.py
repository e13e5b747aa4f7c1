"""Results day (issue 20): entering then publishing N decisions on a selection, with their mails enqueued.

Builds a fresh SQLite database in a temporary directory (and a scratch PostgreSQL database with ``--pg URL``, dropped
afterwards) with the base rows of ``bench/staff_list.py`` and one programme holding N transmitted applications
(capacity 60 % of N, a waiting list). Then, through the same calls the bulk screen makes (``app/ui/bulk_decisions.py``):
enters a favourable decision on 60 %, a waiting-list one (ranks after the last) on 20 % and an unfavourable one on
the rest, then publishes the whole selection. Prints the seconds of entry (the three calls) and of publication, the
decisions published and the mails enqueued, as JSON.

Runs against ``main`` too: it calls the batched runners (``enter_selection_in_batches``,
``publish_selection_in_batches``) when the code has them, else the screen's former path (one transaction around
``enter_on_selection`` / ``publish_on_selection``).

Usage: python bench/publication.py [--n 1000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ECANDIDAT_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
os.environ["ECANDIDAT_DEMO"] = "false"

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

import app.models as m
from app import clock
from app.db import transaction
from app.services import decisions
from app.services.decisions import DecisionEntry
from app.services.platform.actors import Actor
from bench.staff_list import NOW, _actor, _insert, run, scratch_pg

PROGRAM_ID = 1
FIRST_ID = 1_000_000  # above the ids of bench/staff_list.py's single candidate


def seed(engine: Engine, *, n: int) -> dict[str, Any]:
    """N candidates, each with one transmitted application to programme 1; three decision types, a refusal reason."""
    ids = range(FIRST_ID, FIRST_ID + n)
    _insert(
        engine,
        m.Account.__table__,
        [
            dict(
                id=i,
                dossier_number=f"P{i:07d}",
                email=f"p{i}@mail.example",
                last_name=f"NOM{i}",
                first_name="Éloïse",
                language="fr",
                failed_sign_ins=0,
                created_at=NOW,
            )
            for i in ids
        ],
    )
    _insert(
        engine,
        m.Candidate.__table__,
        [
            dict(
                id=i,
                account_id=i,
                campaign_id=1,
                civility="unspecified",
                birth_name=f"NOM{i}",
                usage_name="",
                first_names="Éloïse",
                birth_country="FR",
                birth_place="",
                nationality="FR",
                phone="",
                mobile="",
                ine=f"{i:010d}P",
                locked_fields=[],
                updated_at=NOW,
                version=1,
            )
            for i in ids
        ],
    )
    _insert(
        engine,
        m.Application.__table__,
        [
            dict(
                id=i,
                candidate_id=i,
                program_id=PROGRAM_ID,
                committee_id=1,
                centre_id=1,
                campaign_id=1,
                dossier_status="complete",
                dossier_status_at=NOW,
                processing_type="committee",
                created_at=NOW,
                transmitted_at=NOW - timedelta(days=30, minutes=i - FIRST_ID),
                last_decision_published=False,
                version=1,
            )
            for i in ids
        ],
    )
    types = [(1, "FAV", m.DecisionKind.FAVORABLE), (2, "LC", m.DecisionKind.WAITING_LIST)]
    types.append((3, "DEF", m.DecisionKind.UNFAVORABLE))
    _insert(
        engine,
        m.DecisionType.__table__,
        [dict(id=i, code=c, kind=k, label_fr=c, label_en=c, is_active=True) for i, c, k in types],
    )
    _insert(engine, m.RefusalReason.__table__, [dict(id=1, code="CAP", label_fr="Capacité", label_en="Capacity")])
    with engine.begin() as conn:
        conn.execute(
            update(m.Program.__table__)
            .where(m.Program.__table__.c.id == PROGRAM_ID)
            .values(capacity=int(n * 0.6), confirmation_delay_days=7, favorable_decision_type_id=1)
        )
    return {"program_applications": n}


def _enter(actor: Actor, ids: list[int], entry: DecisionEntry) -> Any:
    if hasattr(decisions, "enter_selection_in_batches"):
        return decisions.enter_selection_in_batches(actor=actor, application_ids=ids, entry=entry)
    with transaction() as session:  # the screen's path before issue 20
        return decisions.enter_on_selection(session, actor=actor, application_ids=ids, entry=entry)


def _publish(actor: Actor, ids: list[int]) -> Any:
    if hasattr(decisions, "publish_selection_in_batches"):
        return decisions.publish_selection_in_batches(actor=actor, application_ids=ids)
    with transaction() as session:
        return decisions.publish_on_selection(session, actor=actor, application_ids=ids)


def _count(engine: Engine, table: Any, *where: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def measure(engine: Engine, *, n: int, profile: str = "") -> dict[str, Any]:
    clock.set_now(NOW)
    manager = _actor(engine, m.StaffRole.CENTRE_MANAGER, centre_id=1)
    ids = list(range(FIRST_ID, FIRST_ID + n))
    favourable, waiting = int(n * 0.6), int(n * 0.2)
    entries = [
        (ids[:favourable], DecisionEntry(decision_type_id=1)),
        (ids[favourable : favourable + waiting], DecisionEntry(decision_type_id=2, rank_rule="after_last")),
        (ids[favourable + waiting :], DecisionEntry(decision_type_id=3, refusal_reason_id=1)),
    ]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, start_cpu = time.perf_counter(), time.process_time()
    for chosen, entry in entries:
        _enter(manager, chosen, entry)
    entered, entered_cpu = time.perf_counter(), time.process_time()
    report = _publish(manager, ids)
    published, published_cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    clock.set_now(None)
    decision = m.Decision.__table__
    return {
        "entry_s": round(entered - start, 2),
        "publication_s": round(published - entered, 2),
        # This process's CPU alone (not the database server's): steadier than wall time on a shared machine.
        "entry_cpu_s": round(entered_cpu - start_cpu, 2),
        "publication_cpu_s": round(published_cpu - entered_cpu, 2),
        "published": _count(engine, decision, decision.c.published_at.is_not(None)),
        "acting": len(report.acting),
        "mails_enqueued": _count(engine, m.OutboxMail.__table__),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pg", default="")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--profile", default="", help="write cProfile stats of entry + publication to this prefix")
    args = parser.parse_args()

    def one(url: str, label: str) -> dict[str, Any]:
        profile = f"{args.profile}.{label}.prof" if args.profile else ""
        timed: Callable[[Engine], dict[str, Any]] = partial(measure, n=args.n, profile=profile)
        return run(url, 0, measure_with=timed, enrich=partial(seed, n=args.n))

    report: dict[str, Any] = {}
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["ECANDIDAT_DATA_DIR"] = tmp
            report["sqlite"] = one(f"sqlite:///{Path(tmp) / 'bench.db'}", "sqlite")
    if args.pg:
        with scratch_pg(args.pg) as url, tempfile.TemporaryDirectory() as tmp:
            os.environ["ECANDIDAT_DATA_DIR"] = tmp
            report["postgresql"] = one(url, "postgresql")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
