"""Offers, capacity and the waiting list of a programme: the rules the staff and candidate services share.

Lock order (every writer follows it, so two transactions never wait on each other in a cycle): the candidate
row (candidate actions), then the programme row(s) in ascending id, then application rows. The programme row
lock (``lock_program``) serialises everything that changes the number of live offers of a programme:
publishing a decision, a withdrawal, a waiting-list call. PostgreSQL takes ``SELECT … FOR UPDATE``; SQLite
serialises writers, and a no-op write takes its writer lock at once.

A *live offer* is a live application whose latest published decision is favourable and whose candidate has not
withdrawn. ``call_waiting_list`` fills the free places, best entered rank first.
"""

import logging
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app import clock
from app.models import (
    AnswerKind,
    Application,
    Committee,
    Decision,
    DecisionKind,
    DecisionType,
    Program,
    RefusalReason,
)
from app.services.decisions.confirmation_delays import confirmation_deadline
from app.services.decisions.decision_status import publish
from app.services.decisions.published import CHUNK, latest_published_column
from app.services.offer.examining import signing_committee_id
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.labels import label_in
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate

log = logging.getLogger(__name__)

DECISION_MAIL_CODES = {
    DecisionKind.FAVORABLE: "decision_favorable",
    DecisionKind.UNFAVORABLE: "decision_unfavorable",
    DecisionKind.WAITING_LIST: "decision_waiting_list",
    DecisionKind.ON_HOLD: "decision_on_hold",
    DecisionKind.PRESELECTION: "decision_preselection",
}


# --- Locks --------------------------------------------------------------------------------------------------------


def lock_program(session: Session, program_id: int) -> Program:
    """The programme row, locked until the end of the transaction (see the module docstring)."""
    program = session.exec(
        select(Program).where(Program.id == program_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE: a no-op write takes the database's writer lock now (Core: no version bump).
        session.connection().execute(
            sa.update(Program).where(col(Program.id) == program_id).values(capacity=Program.capacity)
        )
    return program


def lock_application(session: Session, application_id: int) -> Application:
    """An application row, locked and re-read (never a stale copy from the identity map)."""
    return session.exec(
        select(Application)
        .where(Application.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_applications(session: Session, application_ids: list[int]) -> dict[int, Application]:
    """Application rows, locked in ascending id and re-read (never stale copies from the identity map)."""
    ordered, locked = sorted(application_ids), {}
    for start in range(0, len(ordered), CHUNK):
        rows = session.exec(
            select(Application)
            .where(col(Application.id).in_(ordered[start : start + CHUNK]))
            .order_by(col(Application.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        locked.update((application.id or 0, application) for application in rows)
    return locked


# --- What is published ----------------------------------------------------------------------------------------------


def _not_withdrawn() -> Any:
    return sa.or_(col(Application.answer).is_(None), Application.answer != AnswerKind.WITHDRAWN)


def live_offer_count(session: Session, program_id: int, *, excluding: int | None = None) -> int:
    statement = select(func.count()).where(
        Application.program_id == program_id,
        col(Application.cancelled_at).is_(None),
        _not_withdrawn(),
        latest_published_column(Decision.kind) == DecisionKind.FAVORABLE,
    )
    if excluding is not None:
        statement = statement.where(Application.id != excluding)
    return session.exec(statement).one()


def waiting_ids(session: Session, program_id: int) -> list[int]:
    """Ids of the applications on the published waiting list, best entered rank first."""
    rank = latest_published_column(Decision.waiting_list_rank)
    return list(
        session.exec(
            select(Application.id)
            .where(
                Application.program_id == program_id,
                col(Application.cancelled_at).is_(None),
                col(Application.answer).is_(None),
                col(Application.called_from_waiting_list_at).is_(None),  # called once, never twice
                latest_published_column(Decision.kind) == DecisionKind.WAITING_LIST,
            )
            .order_by(rank, col(Application.id))
        ).all()
    )


# --- Mails ----------------------------------------------------------------------------------------------------------


def _label_detail(decision_type: DecisionType, lang: str) -> str:
    """The type's label when it says more than its kind's own name: the mail already says « un avis favorable », and
    « un avis favorable (Avis favorable) » said it twice."""
    from app.i18n import gettext
    from app.services.admin.decision_types import KIND_LABELS
    from app.services.platform.text_fold import fold_name

    label = label_in(decision_type, lang)
    plain = {fold_name(gettext(KIND_LABELS[decision_type.kind], code)) for code in ("fr", lang)}
    return "" if fold_name(label).strip() in plain else label


def decision_context(session: Session, decision: Decision, lang: str) -> dict[str, Any]:
    """The ``decision`` variable of the decision mails (plain data)."""
    decision_type = session.get(DecisionType, decision.decision_type_id)
    reason = session.get(RefusalReason, decision.refusal_reason_id) if decision.refusal_reason_id else None
    assert decision_type is not None
    return {
        "label": label_in(decision_type, lang),
        "detail": _label_detail(decision_type, lang),
        "comment": decision.comment,
        "reason": label_in(reason, lang) if reason else "",
        "rank": decision.waiting_list_rank,
        "preselection_at": decision.preselection_at,
        "preselection_place": decision.preselection_place or "",
        "confirmation_deadline": decision.confirmation_deadline,
    }


def mail_decision(
    session: Session, application: Application, decision: Decision, *, attachments: list[Any] | None = None
) -> None:
    """Mail the candidate their published decision; a waiting-list call also alerts the committee if it asks."""
    from app.services.applications import mails  # loaded on demand, as the outbox it enqueues into

    parties = mails.mail_parties(session, application)
    lang = parties.account.language
    code = "decision_waiting_list_call" if decision.is_waiting_list_call else DECISION_MAIL_CODES[decision.kind]
    mails.mail_candidate(
        session,
        parties,
        code,
        {"link": mails.candidate_link(application), "decision": decision_context(session, decision, lang)},
        attachments=attachments,
    )
    if decision.is_waiting_list_call:
        mails.alert_committees(
            session,
            parties,
            "alert_on_waiting_list_call",
            "committee_waiting_list_call",
            {"link": mails.staff_link(application), "decision": decision_context(session, decision, "fr")},
            active_only=False,
        )


# --- The waiting list -----------------------------------------------------------------------------------------------


def letter_attachments(session: Session, application: Application, decision: Decision) -> list[Any]:
    """The decision's letter, when the committee that signs it attaches letters to decision mails (rendered on
    demand)."""
    committee = session.get(Committee, signing_committee_id(session, application.program_id, application.committee_id))
    if committee is None or not committee.letters_attached_to_mail:
        return []
    from app.services.decisions.letters import letter_attachment  # PDF rendering is loaded on demand

    attachment = letter_attachment(session, application=application, decision=decision)
    return [attachment] if attachment is not None else []


def recompute_ranks(session: Session, program_id: int) -> None:
    """Displayed rank = position among those still waiting; a displayed rank only ever goes down."""
    for position, application_id in enumerate(waiting_ids(session, program_id), start=1):
        application = session.get(Application, application_id)
        assert application is not None
        if application.waiting_list_rank is None or position < application.waiting_list_rank:
            application.waiting_list_rank = position
            session.add(application)
    session.flush()


def _call(
    session: Session, program: Program, application: Application, call_type_id: int, *, actor: Actor, now: datetime
) -> None:
    """One waiting candidate called: a published favourable decision, its deadline, its mail, audit and update."""
    decision = Decision(
        application_id=application.id,
        decision_type_id=call_type_id,
        kind=DecisionKind.FAVORABLE,
        is_waiting_list_call=True,
        entered_at=now,
        confirmation_deadline=confirmation_deadline(session, application, program, now, waiting_list_call=True),
    )
    publish(decision, application, by=By.STAFF if actor.kind == "staff" else By.SYSTEM, now=now, staff_id=None)
    session.add(decision)
    application.confirmation_deadline = decision.confirmation_deadline
    application.called_from_waiting_list_at = now
    application.waiting_list_rank = None
    session.add(application)
    session.flush()
    mail_decision(session, application, decision, attachments=letter_attachments(session, application, decision))
    audit_application(
        session,
        actor,
        application,
        "decision.waiting_list_called",
        after={"deadline": str(decision.confirmation_deadline)},
        entity=("decision", decision.id),
    )
    notify_candidate(session, application.candidate_id)


def call_waiting_list(
    session: Session, program_id: int, *, actor: Actor | None = None, limit: int | None = None
) -> list[int]:
    """Offer the free places of the programme to its waiting list, best rank first; the ids called.

    ``limit`` caps the number of calls (a manager calling the next candidate by hand calls one).

    Runs under the programme row lock (taken here; the caller may already hold it), in the caller's
    transaction: the count of live offers and the calls it allows can never interleave with another writer.
    """
    actor = actor or Actor.system()
    program = lock_program(session, program_id)
    if program.capacity is None or not program.has_waiting_list:
        return []
    called: list[int] = []
    free = program.capacity - live_offer_count(session, program_id)
    call_type_id = program.waiting_list_call_decision_type_id or program.favorable_decision_type_id
    if free > 0 and call_type_id is None:
        log.warning("programme %s has free places but no decision type to call its waiting list", program_id)
        return []
    now = clock.now()
    if limit is not None:
        free = min(free, limit)
    for application_id in waiting_ids(session, program_id):
        if free <= 0:
            break
        application = lock_application(session, application_id)
        if application.cancelled_at is not None or application.answer is not None:
            continue  # changed since the list was read (a cancellation does not take the programme lock)
        assert call_type_id is not None
        _call(session, program, application, call_type_id, actor=actor, now=now)
        called.append(application_id)
        free -= 1
    recompute_ranks(session, program_id)
    return called


def last_called_rank(session: Session, program_id: int) -> int | None:
    """The entered waiting-list rank of the candidate the programme called last (None before any call)."""
    return session.exec(
        select(Decision.waiting_list_rank)
        .join(Application, Application.id == Decision.application_id)
        .where(
            Application.program_id == program_id,
            col(Application.called_from_waiting_list_at).is_not(None),
            Decision.kind == DecisionKind.WAITING_LIST,
            col(Decision.published_at).is_not(None),
        )
        .order_by(col(Application.called_from_waiting_list_at).desc(), col(Decision.published_at).desc())
        .limit(1)
    ).first()


def displayed_rank(application: Application, latest_kind: DecisionKind | None) -> int | None:
    """The one waiting-list rank a candidate is shown: their place among those still waiting (``recompute_ranks``),
    never the committee's entered rank, which counts the candidates already called too. None off the list: no
    published waiting-list decision (``latest_kind``), called, or answered."""
    if latest_kind != DecisionKind.WAITING_LIST or application.answer is not None:
        return None
    if application.called_from_waiting_list_at is not None or application.cancelled_at is not None:
        return None
    return application.waiting_list_rank


def called_count(session: Session, program_id: int) -> int:
    """How many candidates the programme has called from its waiting list so far."""
    return session.exec(
        select(func.count()).where(
            Application.program_id == program_id, col(Application.called_from_waiting_list_at).is_not(None)
        )
    ).one()


def waiting_list_position(
    session: Session, application: Application, latest_kind: DecisionKind | None
) -> tuple[int | None, int]:
    """(the candidate's displayed rank, the candidates called so far): what the candidate reads of the list. Both
    count people, never the committee's ranks, so they cannot contradict each other."""
    rank = displayed_rank(application, latest_kind)
    return rank, called_count(session, application.program_id) if rank is not None else 0
