"""Server time of the staff application list over 100,000 applications (issue 8).

Builds a fresh SQLite database in a temporary directory (and a scratch PostgreSQL database with ``--pg URL``),
bulk-inserts N applications (Core executemany, in chunks) for a few thousand candidates over 5 centres, then times
(median of 5) the first page, a filtered page (status + programme), sorted pages (name; days since transmission)
and selecting every id of a broad filter. Prints one JSON object.

Usage: python bench/staff_list.py [--n 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ECANDIDAT_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
os.environ["ECANDIDAT_DEMO"] = "false"

from sqlalchemy import create_engine, insert
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

import app.models as m
from app import clock
from app.config import reset_settings
from app.db import make_engine, reset_engine
from app.services.platform.actors import Actor
from app.services.review.staff_list import list_applications, select_application_ids
from app.services.review.staff_list_columns import ListQuery

try:  # the folded search columns (issue 20); absent before, where this bench runs too
    from app.services.platform.text_fold import account_search_text, candidate_search_text
except ImportError:
    account_search_text = candidate_search_text = None  # type: ignore[assignment]

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
CHUNK = 5000


def _insert(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(table), rows[start : start + CHUNK])  # executemany: far faster than VALUES lists


def populate(engine: Engine, n: int) -> dict[str, Any]:
    """N applications: ~n/4 candidates (up to four applications each), 5 centres, 10 programmes per centre."""
    SQLModel.metadata.create_all(engine)
    rng = random.Random(8)
    t = m.Application.__table__  # type: ignore[attr-defined]
    _insert(
        engine,
        m.Campaign.__table__,
        [
            dict(
                id=1,
                code="C",
                label_fr="C",
                label_en="C",
                starts_on=NOW.date(),
                ends_on=NOW.date() + timedelta(days=300),
                is_active=True,
            )
        ],
    )
    _insert(engine, m.DiplomaType.__table__, [dict(id=1, code="M", label_fr="Master", label_en="Master")])
    centres = [
        dict(
            id=i,
            code=f"UFR{i}",
            label_fr=f"UFR {i}",
            label_en=f"Faculty {i}",
            contact_email="c@u.example",
            alert_recipients="contact",
            managers_edit_offer=False,
            is_active=True,
            created_at=NOW,
        )
        for i in range(1, 6)
    ]
    _insert(engine, m.ApplicationCentre.__table__, centres)
    committees = [
        dict(
            id=i,
            centre_id=i,
            code=f"COM{i}",
            label_fr=f"Commission {i}",
            label_en=f"Committee {i}",
            contact_email="c@u.example",
        )
        for i in range(1, 6)
    ]
    _insert(engine, m.Committee.__table__, [c | _committee_defaults() for c in committees])
    programs = []
    for pid in range(1, 51):
        centre = (pid - 1) % 5 + 1
        programs.append(
            dict(
                id=pid,
                campaign_id=1,
                centre_id=centre,
                committee_id=centre,
                diploma_type_id=1,
                code=f"P{pid}",
                label_fr=f"Formation {pid}",
                label_en=f"Programme {pid}",
                keywords="",
                procedure="online",
                has_waiting_list=True,
                window_opens_at=NOW - timedelta(days=60),
                window_closes_at=NOW + timedelta(days=10),
                is_active=True,
                version=1,
                created_at=NOW,
            )
        )
    _insert(engine, m.Program.__table__, programs)
    n_candidates = max(1, n // 4)
    accounts = [
        dict(
            id=i,
            dossier_number=f"B{i:07d}",
            email=f"c{i}@mail.example",
            last_name=f"NOM{i}",
            first_name="A",
            language="fr",
            failed_sign_ins=0,
            created_at=NOW,
        )
        for i in range(1, n_candidates + 1)
    ]
    if account_search_text is not None:
        for row in accounts:
            row["search_text"] = account_search_text(row["dossier_number"], row["email"])
    _insert(engine, m.Account.__table__, accounts)
    candidates = [
        dict(
            id=i,
            account_id=i,
            campaign_id=1,
            civility="unspecified",
            birth_name=f"NOM{rng.randrange(5000):05d}",
            usage_name="",
            first_names=f"PRENOM{i}",
            birth_country="FR",
            birth_place="",
            nationality="FR",
            phone="",
            mobile="",
            ine=f"{i:010d}X",
            locked_fields=[],
            updated_at=NOW,
            version=1,
        )
        for i in range(1, n_candidates + 1)
    ]
    if candidate_search_text is not None:  # Core inserts: the search column the ORM keeps is filled here
        for row in candidates:
            row["search_text"] = candidate_search_text(row["birth_name"], "", row["first_names"], row["ine"])
    _insert(engine, m.Candidate.__table__, candidates)
    _insert(
        engine,
        m.Baccalaureate.__table__,
        [
            dict(
                candidate_id=i,
                series="general",
                series_detail="",
                year=2020 + i % 4,
                mention="",
                specialities=[],
                options="",
                country="FR",
                establishment_label="",
                updated_at=NOW,
            )
            for i in range(1, n_candidates + 1)
            if i % 5
        ],
    )
    rows, taken = [], set()
    statuses = [s.value for s in m.DossierStatus]
    while len(rows) < n:
        cand = rng.randrange(1, n_candidates + 1)
        prog = programs[rng.randrange(50)]
        if (cand, prog["id"]) in taken:
            continue
        taken.add((cand, prog["id"]))
        transmitted = (
            NOW - timedelta(days=rng.randrange(90), minutes=rng.randrange(1440)) if rng.random() < 0.8 else None
        )
        rows.append(
            dict(
                candidate_id=cand,
                program_id=prog["id"],
                committee_id=prog["committee_id"],
                centre_id=prog["centre_id"],
                campaign_id=1,
                dossier_status=rng.choice(statuses),
                dossier_status_at=NOW,
                processing_type="committee",
                created_at=NOW,
                transmitted_at=transmitted,
                last_decision_published=rng.random() < 0.2,
                version=1,
            )
        )
    _insert(engine, t, rows)
    return {"candidates": n_candidates, "applications": n}


def _committee_defaults() -> dict[str, Any]:
    return dict(
        address_line1="",
        address_line2="",
        address_line3="",
        postcode="",
        city="",
        country="FR",
        signatory_name="",
        signatory_title="",
        letters_downloadable=True,
        letters_attached_to_mail=False,
        alert_on_new_application=False,
        alert_on_transmission=True,
        alert_on_cancellation=False,
        alert_on_withdrawal=True,
        alert_on_waiting_list_call=True,
        is_active=True,
        created_at=NOW,
    )


def _actor(engine: Engine, role: m.StaffRole, **scope: int) -> Actor:
    with Session(engine) as session:
        member = m.StaffMember(login=f"b{uuid.uuid4().hex[:8]}", email="b@u.example", display_name="Bench")
        session.add(member)
        session.flush()
        assignment = m.StaffRoleAssignment(staff_id=member.id, role=role, **scope)
        session.add(assignment)
        session.commit()
        return Actor("staff", staff_id=member.id, role_assignment_id=assignment.id)


def _median_ms(engine: Engine, call: Callable[[Session], Any], runs: int = 5) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        with Session(engine) as session:
            start = time.perf_counter()
            result = call(session)
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1), result


def measure(engine: Engine) -> dict[str, Any]:
    clock.set_now(NOW)
    central = _actor(engine, m.StaffRole.CENTRAL_OFFICE)
    manager = _actor(engine, m.StaffRole.CENTRE_MANAGER, centre_id=1)
    out: dict[str, Any] = {}
    cases = {
        "first_page_central_ms": (central, ListQuery()),
        "first_page_centre_ms": (manager, ListQuery()),
        "filtered_page_ms": (central, ListQuery(filters={"dossier_status": ["complete"], "program": [7]})),
        "search_page_ms": (central, ListQuery(search="nom0042")),
        "search_accented_page_ms": (central, ListQuery(search="Nôm0042 prénom")),
        "search_email_page_ms": (central, ListQuery(search="C4242@MAIL")),
        "sorted_by_name_desc_page_10_ms": (central, ListQuery(sort="birth_name", descending=True, page=10)),
        "sorted_by_days_ms": (central, ListQuery(sort="days_since_transmission", descending=True)),
        "sorted_by_days_centre_ms": (manager, ListQuery(sort="days_since_transmission", descending=True)),
        "sva_red_filter_ms": (central, ListQuery(filters={"sva": ["red"]})),
    }
    for name, (actor, query) in cases.items():
        ms, page = _median_ms(engine, lambda s, a=actor, q=query: list_applications(s, actor=a, query=q))
        out[name] = ms
        out[name.replace("_ms", "_total")] = page.total
    broad = ListQuery(filters={"dossier_status": ["received", "complete", "incomplete"]})
    ms, ids = _median_ms(engine, lambda s: select_application_ids(s, actor=central, query=broad))
    out["select_ids_broad_ms"] = ms
    out["select_ids_broad_count"] = len(ids)
    clock.set_now(None)
    return out


@contextmanager
def scratch_pg(url: str) -> Iterator[str]:
    name = f"ecandidat_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def run(
    url: str,
    n: int,
    *,
    measure_with: Callable[[Engine], dict[str, Any]] = measure,
    enrich: Callable[[Engine], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Populate a database at ``url``, ``enrich`` it (more rows, their counts returned), then time it."""
    # Services read portal parameters through the app's own engine: point it at the bench database.
    os.environ["ECANDIDAT_DATABASE_URL"] = url
    reset_settings()
    reset_engine()
    engine = make_engine(url)
    start = time.perf_counter()
    sizes = populate(engine, n)
    if enrich is not None:
        sizes |= enrich(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")  # planner statistics, as a running server would have them
        conn.commit()
    result = sizes | {"populate_s": round(time.perf_counter() - start, 1)} | measure_with(engine)
    engine.dispose()
    return result


def main(run_one: Callable[[str, int], dict[str, Any]] = run) -> None:
    """``--n`` applications on SQLite, and on a scratch PostgreSQL database with ``--pg URL``; prints JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--pg", default="")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        report["sqlite"] = run_one(f"sqlite:///{Path(tmp) / 'bench.db'}", args.n)
    if args.pg:
        with scratch_pg(args.pg) as url:
            report["postgresql"] = run_one(url, args.n)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
