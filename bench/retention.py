"""Anonymising an archived campaign of 100,000 applications (issue 21): the daily ``anonymise_expired_data`` job.

Builds the staff list bench's campaign (``bench/staff_list.py: populate``: N applications, ~N/4 candidates), gives
every application a question answer and a piece whose file is owned by the candidate, archives the campaign three
years before the job's clock (past ``ECANDIDAT_RETENTION_YEARS`` = 2), and leaves half the candidates dormant (erased
whole, step 1) and half still signed in recently (only their applications' content goes, step 2). Then it runs the
job once and prints, as JSON: the total time, the number of transactions and **the longest single transaction**
(timed from the connection's BEGIN to its COMMIT or ROLLBACK, on every engine), the counts, and whether the
campaign's statistics read the same before and after.

Usage: python bench/retention.py [--n 100000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
(the PostgreSQL run uses a scratch database, dropped afterwards).
"""

import os
import sys
import tempfile
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

import app.models as m
from app import clock
from app.services.accounts import erasure_job
from app.services.exports.statistics import compute_statistics
from bench.staff_list import NOW, _actor, _insert, main, run

ARCHIVED_AT = NOW.replace(year=NOW.year - 3)


class TransactionTimer:
    """BEGIN → COMMIT/ROLLBACK of every connection of every engine: how many, and the longest."""

    def __init__(self) -> None:
        self.count = 0
        self.longest = 0.0

    def _begin(self, conn: Any) -> None:
        conn.info["bench_began"] = time.perf_counter()

    def _end(self, conn: Any) -> None:
        began = conn.info.pop("bench_began", None)
        if began is not None:
            self.count += 1
            self.longest = max(self.longest, time.perf_counter() - began)

    def __enter__(self) -> "TransactionTimer":
        sa.event.listen(Engine, "begin", self._begin)
        sa.event.listen(Engine, "commit", self._end)
        sa.event.listen(Engine, "rollback", self._end)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(Engine, "begin", self._begin)
        sa.event.remove(Engine, "commit", self._end)
        sa.event.remove(Engine, "rollback", self._end)


def archive_with_personal_data(engine: Engine) -> dict[str, Any]:
    """The campaign archived 3 years back, an answer and a piece per application, half the accounts dormant."""
    with engine.begin() as conn:
        conn.execute(sa.update(m.Campaign).values(is_active=False, archived_at=ARCHIVED_AT))
        conn.execute(sa.update(m.Account).values(created_at=ARCHIVED_AT - timedelta(days=30)))
        conn.execute(sa.update(m.Account).where(m.Account.id % 2 == 0).values(last_sign_in_at=NOW))
        applications = conn.execute(sa.select(m.Application.id, m.Application.candidate_id)).all()
        candidates = [row[0] for row in conn.execute(sa.select(m.Candidate.id)).all()]
    _insert(engine, m.Question.__table__, [_question()])
    _insert(engine, m.RequiredDocument.__table__, [_piece()])
    _insert(engine, m.StoredFile.__table__, [_file(c) for c in candidates])
    _insert(
        engine,
        m.QuestionAnswer.__table__,
        [dict(application_id=a, question_id=1, text_value="Ma motivation", answered_at=NOW) for a, _c in applications],
    )
    _insert(engine, m.SubmittedDocument.__table__, [_document(a) for a, _c in applications])
    _insert(
        engine,
        m.SubmittedDocumentFile.__table__,
        [dict(submitted_document_id=a, stored_file_id=c, position=0) for a, c in applications],
    )
    return {"answers": len(applications), "pieces": len(applications), "files": len(candidates)}


def _question() -> dict[str, Any]:
    return dict(id=1, code="Q1", scope="institution", kind="text", label_fr="Motivation", label_en="Motivation")


def _piece() -> dict[str, Any]:
    return dict(id=1, code="PJ1", scope="institution", label_fr="Pièce", label_en="Document")


def _file(candidate_id: int) -> dict[str, Any]:
    return dict(
        id=candidate_id,
        storage_key=f"{candidate_id:032x}.pdf",  # a valid key without bytes: the store's delete ignores a missing file
        sha256="0" * 64,
        size=0,
        media_type="application/pdf",
        original_name="",
        kind="upload",
        owner_candidate_id=candidate_id,
        created_at=NOW,
    )


def _document(application_id: int) -> dict[str, Any]:
    return dict(
        id=application_id, application_id=application_id, required_document_id=1, status="submitted", status_at=NOW
    )


def _figures(engine: Engine, actor: Any) -> Any:
    with Session(engine) as session:
        stats = compute_statistics(session, actor=actor, campaign_id=1)
        return [(r.key, r.counts) for r in stats.rows], stats.total.counts


def measure(engine: Engine) -> dict[str, Any]:
    clock.set_now(NOW)
    central = _actor(engine, m.StaffRole.CENTRAL_OFFICE)
    before = _figures(engine, central)
    with TransactionTimer() as timer, Session(engine) as session:
        start = time.perf_counter()
        processed, message = erasure_job.anonymise_expired_data(session, NOW)
        total = time.perf_counter() - start
    with TransactionTimer() as again, Session(engine) as session:
        second, _message = erasure_job.anonymise_expired_data(session, NOW)
    clock.set_now(None)
    return {
        "purge_s": round(total, 2),
        "transactions": timer.count,
        "longest_transaction_ms": round(timer.longest * 1000, 1),
        "processed": processed,
        "message": message,
        "second_run_processed": second,
        "second_run_longest_transaction_ms": round(again.longest * 1000, 1),
        "statistics_unchanged": _figures(engine, central) == before,
    }


if __name__ == "__main__":
    # The job deletes the pieces' bytes through the file store: point it at a folder of its own.
    os.environ.setdefault("ECANDIDAT_DATA_DIR", tempfile.mkdtemp(prefix="ecandidat-bench-retention-"))
    main(partial(run, measure_with=measure, enrich=archive_with_personal_data))
