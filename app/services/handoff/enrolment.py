"""The enrolment hand-off (« OPI »): confirmed candidates passed to the student information system so they can enrol.

One ``EnrolmentHandoff`` row per confirmed application carries the delivery state; *which* applications are handed
off is always derived from the applications themselves (the answer is the source of truth):

- a **live** hand-off is the row of an application whose answer is CONFIRMED (definitive, not provisional) and which
  is not cancelled; it is PENDING until delivered, SENT once delivered, FAILED after a failed push (retried);
- when that confirmation is withdrawn (eCandidat's #117: a candidate confirmed, withdrew, confirmed elsewhere) the
  row gets ``cancelled_at``: never delivered, it is CANCELLED at once; already delivered, it stays PENDING as a
  *cancellation to deliver* until the system has been told, then it is CANCELLED.

Rows follow the answers twice over, which is the robust part: :func:`follow_answer` is called by
``answers._record`` in the transaction of every confirmation and withdrawal, and :func:`reconcile` re-derives the
whole set before every export, API read and push, so that no other path (a correction in the database, an import,
an older row) can leave a withdrawn confirmation in the files. Exports and pushes therefore carry each candidate
once, with only the programmes they hold.

Delivery: the Pégase CSV files (``handoff_pegase``) downloaded by the central office, the API (``app/api``), or an
adapter for an Apogée web service pushed by a job (``handoff_apogee``). Each records the outcome here with
:func:`mark_delivered` / :func:`mark_failed`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import clock
from app.models import (
    AnswerKind,
    Application,
    EnrolmentHandoff,
    HandoffStatus,
)
from app.services.handoff.records import QUEUED as QUEUED
from app.services.handoff.records import CandidateHandoff as CandidateHandoff
from app.services.handoff.records import HandoffWish as HandoffWish
from app.services.handoff.records import count_candidates as count_candidates
from app.services.handoff.records import load_handoffs as load_handoffs

# Re-exported: callers read the hand-off through this module (``handoff.load_handoffs``...).
from app.services.offer.campaigns import active_campaign_id as active_campaign_id

ERROR_MAX = 2000  # EnrolmentHandoff.last_error


def _confirmed(application: Application) -> bool:
    return application.cancelled_at is None and application.answer == AnswerKind.CONFIRMED


def _confirmed_clause() -> list[sa.ColumnElement[bool]]:
    return [col(Application.cancelled_at).is_(None), Application.answer == AnswerKind.CONFIRMED]


# --- Keeping the rows in line with the answers ----------------------------------------------------------------------


def _make_live(row: EnrolmentHandoff) -> None:
    """A confirmation back in force (a corrected answer): deliver it again."""
    row.cancelled_at = None
    row.status = HandoffStatus.PENDING
    row.last_error = ""


def _cancel(row: EnrolmentHandoff, now: datetime) -> None:
    row.cancelled_at = now
    # Delivered before: the system must be told (a cancellation to deliver); never delivered: nothing to undo.
    row.status = HandoffStatus.PENDING if row.sent_at is not None else HandoffStatus.CANCELLED
    row.last_error = ""


def _insert(session: Session, application_id: int, now: datetime) -> bool:
    """A new PENDING row; False if another transaction made it first (the unique application_id)."""
    try:
        with session.begin_nested():
            session.add(EnrolmentHandoff(application_id=application_id, created_at=now))
    except IntegrityError:
        return False
    return True


def follow_answer(session: Session, application: Application) -> None:
    """Bring the hand-off of ``application`` in line with its answer (called in the answer's transaction)."""
    now = clock.now()
    row = session.exec(select(EnrolmentHandoff).where(EnrolmentHandoff.application_id == application.id)).first()
    if _confirmed(application):
        if row is None:
            _insert(session, application.id or 0, now)
        elif row.cancelled_at is not None:
            _make_live(row)
            session.add(row)
    elif row is not None and row.cancelled_at is None:
        _cancel(row, now)
        session.add(row)
    session.flush()


def reconcile(session: Session, *, campaign_id: int | None = None) -> tuple[int, int]:
    """Derive the hand-offs from the answers: create the missing ones, cancel those no longer confirmed.

    Returns (created or revived, cancelled). Cheap when nothing changed: two anti-join queries.
    """
    now = clock.now()
    in_campaign = [Application.campaign_id == campaign_id] if campaign_id is not None else []
    missing = session.exec(
        select(Application.id)
        .outerjoin(EnrolmentHandoff, col(EnrolmentHandoff.application_id) == Application.id)
        .where(*_confirmed_clause(), *in_campaign, col(EnrolmentHandoff.id).is_(None))
        .order_by(col(Application.id))
    ).all()
    created = sum(_insert(session, application_id, now) for application_id in missing)
    revive = session.exec(
        select(EnrolmentHandoff)
        .join(Application, col(Application.id) == EnrolmentHandoff.application_id)
        .where(*_confirmed_clause(), *in_campaign, col(EnrolmentHandoff.cancelled_at).is_not(None))
    ).all()
    for row in revive:
        _make_live(row)
        session.add(row)
    stale = session.exec(
        select(EnrolmentHandoff)
        .join(Application, col(Application.id) == EnrolmentHandoff.application_id)
        .where(
            *in_campaign,
            col(EnrolmentHandoff.cancelled_at).is_(None),
            sa.or_(
                col(Application.cancelled_at).is_not(None),
                col(Application.answer).is_(None),
                Application.answer != AnswerKind.CONFIRMED,
            ),
        )
    ).all()
    for row in stale:
        _cancel(row, now)
        session.add(row)
    session.flush()
    return created + len(revive), len(stale)


# --- Recording deliveries -------------------------------------------------------------------------------------------


def _rows(session: Session, handoff_ids: Iterable[int], *, lock: bool = False) -> list[EnrolmentHandoff]:
    ids = sorted(set(handoff_ids))
    if not ids:
        return []
    query = select(EnrolmentHandoff).where(col(EnrolmentHandoff.id).in_(ids)).order_by(col(EnrolmentHandoff.id))
    if lock:
        query = query.with_for_update()
    return list(session.exec(query.execution_options(populate_existing=True)).all())


def mark_delivered(session: Session, handoff_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """The system has what these rows carry: live ones become SENT, cancellations CANCELLED. Returns the count."""
    now = now or clock.now()
    count = 0
    for row in _rows(session, handoff_ids, lock=True):
        if row.status == HandoffStatus.CANCELLED:
            continue  # nothing was owed (a second acknowledgement)
        row.status = HandoffStatus.CANCELLED if row.cancelled_at is not None else HandoffStatus.SENT
        row.sent_at = now
        row.attempts += 1
        row.last_error = ""
        session.add(row)
        count += 1
    session.flush()
    return count


def mark_failed(session: Session, handoff_ids: Iterable[int], error: str, *, now: datetime | None = None) -> int:
    """A push failed: FAILED with the error, retried by the next run (a cancellation keeps its ``cancelled_at``)."""
    count = 0
    for row in _rows(session, handoff_ids, lock=True):
        if row.status not in QUEUED:
            continue
        row.status = HandoffStatus.FAILED
        row.attempts += 1
        row.last_error = (error or "?")[:ERROR_MAX]
        session.add(row)
        count += 1
    session.flush()
    return count


# --- Counts for the central office ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffCounts:
    to_send: int  # live, never delivered (PENDING)
    sent: int
    failed: int
    cancellations_to_send: int
    cancelled: int
    candidates: int  # candidates in the live set

    @property
    def live(self) -> int:
        return self.to_send + self.sent + self.failed


def counts(session: Session, *, campaign_id: int | None = None) -> HandoffCounts:
    in_campaign = [Application.campaign_id == campaign_id] if campaign_id is not None else []
    rows = session.exec(
        select(
            EnrolmentHandoff.status,
            col(EnrolmentHandoff.cancelled_at).is_not(None),
            sa.func.count(),
        )
        .join(Application, col(Application.id) == EnrolmentHandoff.application_id)
        .where(*in_campaign)
        .group_by(col(EnrolmentHandoff.status), col(EnrolmentHandoff.cancelled_at).is_not(None))
    ).all()
    tally: dict[tuple[HandoffStatus, bool], int] = {}
    for status, cancelled, number in rows:
        key = (HandoffStatus(status), bool(cancelled))
        tally[key] = tally.get(key, 0) + number
    live_candidates = session.exec(
        select(sa.func.count(sa.distinct(Application.candidate_id)))
        .join(EnrolmentHandoff, col(EnrolmentHandoff.application_id) == Application.id)
        .where(*in_campaign, col(EnrolmentHandoff.cancelled_at).is_(None))
    ).one()
    return HandoffCounts(
        to_send=tally.get((HandoffStatus.PENDING, False), 0),
        sent=tally.get((HandoffStatus.SENT, False), 0),
        failed=tally.get((HandoffStatus.FAILED, False), 0),
        cancellations_to_send=tally.get((HandoffStatus.PENDING, True), 0) + tally.get((HandoffStatus.FAILED, True), 0),
        cancelled=tally.get((HandoffStatus.CANCELLED, True), 0) + tally.get((HandoffStatus.CANCELLED, False), 0),
        candidates=int(live_candidates or 0),
    )
