"""The rules the candidate's actions on applications share with what is shown and with the other packages.

Whose candidate and application a request reaches (``own_candidate``, ``own_application``), which pieces and
questions apply to a programme, whether a manager has acted on an application, whether answers are still open.
The actions themselves: ``applying`` (apply_to_program, cancel_application) and ``question_answers``
(answer_question); what the « Candidatures » tab shows is in ``views``, the return-date reminder in ``jobs``.
Every function takes the actor and works in the caller's transaction; a refusal is a DomainError.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.models import (
    Application,
    ApplicationTag,
    Candidate,
    Decision,
    DocumentStatus,
    DossierStatus,
    Note,
    Program,
    Question,
    RequiredDocument,
    Scope,
    Score,
    SubmittedDocument,
)
from app.services.applications.dossier_status import dossier_editable, effective_return_by
from app.services.offer import campaigns
from app.services.platform.actors import Actor, require_writable
from app.services.platform.errors import Forbidden, NotFound

MISSING_STATUSES = (DocumentStatus.PENDING, DocumentStatus.REFUSED)
_SCOPE_ORDER = {Scope.INSTITUTION: 0, Scope.CENTRE: 1, Scope.PROGRAM: 2}


# --- Helpers ------------------------------------------------------------------------------------------------------


def days_left(moment: datetime | None, now: datetime) -> int | None:
    """Paris calendar days from ``now`` to ``moment`` (0 = today), None when there is no date or it passed."""
    if moment is None or moment < now:
        return None
    return (clock.paris(moment).date() - clock.paris(now).date()).days


_OWN_CANDIDATES = "own_candidates"  # session.info: account id → its Candidate row, read once per session
_OWN_APPLICATIONS = "own_applications"  # session.info: application id → its row, for the reads that follow
_READ_WITH = "own_applications.read_with"  # session.info: rows read with them, kept in the identity map


_OWN_CANDIDATE = select(Candidate).where(Candidate.account_id == sa.bindparam("account_id"))
_OWN_CANDIDATE_LOCKED = _OWN_CANDIDATE.with_for_update()


def own_candidate(session: Session, actor: Actor, *, write: bool = False, lock: bool = False) -> Candidate | None:
    """The actor's own Candidate row (None before the dossier is started); anyone else is refused first."""
    if actor.kind != "candidate" or actor.account_id is None:
        raise Forbidden()
    if write:
        require_writable(actor)
    known = session.info.setdefault(_OWN_CANDIDATES, {})
    cached = known.get(actor.account_id)
    if not lock and cached is not None and cached in session:
        return cached  # one page reads it through several services: one query per session
    statement = _OWN_CANDIDATE_LOCKED if lock else _OWN_CANDIDATE  # locked: serialises a candidate's applications
    candidate = session.exec(statement, params={"account_id": actor.account_id}).first()
    if candidate is not None:
        known[actor.account_id] = candidate
    if lock and candidate is not None and session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE, and pysqlite opens a transaction only at the first write: this no-op write
        # takes the writer lock now (a second request waits here, then sees the first one's application) and
        # makes a later SAVEPOINT a nested one instead of the outer transaction, which RELEASE would commit.
        session.connection().execute(
            sa.update(Candidate).where(col(Candidate.id) == candidate.id).values(account_id=Candidate.account_id)
        )
    return candidate


def own_candidate_id(session: Session, *, actor: Actor) -> int | None:
    """The candidate id pages subscribe to for live updates (the id alone: no dossier row to load)."""
    if actor.kind != "candidate" or actor.account_id is None:
        raise Forbidden()
    return session.exec(select(Candidate.id).where(Candidate.account_id == actor.account_id)).first()


def own_application(
    session: Session, actor: Actor, application_id: int, *, write: bool = False, lock: bool = False
) -> tuple[Candidate, Application]:
    """The actor's live application; another candidate's or a cancelled one is "not found" (no existence leak)."""
    candidate = own_candidate(session, actor, write=write)
    known = session.info.setdefault(_OWN_APPLICATIONS, {})
    cached = known.get(application_id)
    if (
        not (write or lock)
        and candidate is not None
        and cached is not None
        and cached in session
        and cached.candidate_id == candidate.id
        and cached.cancelled_at is None
    ):
        return candidate, cached  # a page reads it through several services: one query per session
    statement = select(Application).where(
        Application.id == application_id,
        Application.candidate_id == (candidate.id if candidate else -1),
        col(Application.cancelled_at).is_(None),
    )
    if lock:
        statement = statement.with_for_update()
    application = session.exec(statement).first()
    if candidate is None or application is None:
        raise NotFound("application")
    known[application_id] = application
    if write:
        campaigns.require_open_campaign(session, application.campaign_id)  # an archived campaign is read-only
    return candidate, application


def remember_own_application(session: Session, application: Application, *read_with: object) -> None:
    """Let the session's next ``own_application`` reads take ``application`` (read by the caller, already limited
    to the actor's live applications) without a query of their own. ``read_with``: rows read in the same statement
    (its programme, campaign, committee…), kept referenced so that the services after it find them in the session's
    identity map (``session.get``) instead of reading them again: nothing else held them."""
    if application.id is not None:
        session.info.setdefault(_OWN_APPLICATIONS, {})[application.id] = application
        session.info.setdefault(_READ_WITH, []).extend(read_with)


def scoped_to(
    model: type[RequiredDocument] | type[Question],
    centre_ids: Iterable[int] | sa.BindParameter[Any],
    program_ids: Iterable[int] | sa.BindParameter[Any],
):
    """Active rows of the institution, of these centres, or of these programmes (ids, or an expanding parameter)."""

    def ids(given: Iterable[int] | sa.BindParameter[Any]) -> Any:
        return given if isinstance(given, sa.BindParameter) else list(given)

    return sa.and_(
        col(model.is_active),
        sa.or_(
            model.scope == Scope.INSTITUTION,
            sa.and_(model.scope == Scope.CENTRE, col(model.centre_id).in_(ids(centre_ids))),
            sa.and_(model.scope == Scope.PROGRAM, col(model.program_id).in_(ids(program_ids))),
        ),
    )


# The reads every view of an application makes, built once with parameters: building a statement and its cache key
# cost more than SQLite ran it (a profile of the application's page: 25-30 % of its data work, ``bench/pages.py``).
_SCOPED = {
    model: select(model).where(
        scoped_to(model, sa.bindparam("centres", expanding=True), sa.bindparam("programs", expanding=True))
    )
    for model in (RequiredDocument, Question)
}


def applies_to(row: RequiredDocument | Question, centre_id: int, program_id: int) -> bool:
    return (
        row.scope == Scope.INSTITUTION
        or (row.scope == Scope.CENTRE and row.centre_id == centre_id)
        or (row.scope == Scope.PROGRAM and row.program_id == program_id)
    )


def display_order_key(row: RequiredDocument | Question) -> tuple[int, int, int]:
    return (_SCOPE_ORDER[row.scope], row.display_order, row.id or 0)


def applicable_documents(session: Session, *, centre_id: int, program_id: int) -> list[RequiredDocument]:
    """Institution pieces + the centre's + the programme's, active ones only (conditional ones included)."""
    rows = session.exec(_SCOPED[RequiredDocument], params={"centres": [centre_id], "programs": [program_id]}).all()
    return sorted(rows, key=display_order_key)


def pieces_with_rows(
    session: Session, application: Application
) -> list[tuple[RequiredDocument, SubmittedDocument | None]]:
    """Every active piece the application calls for (also one added after it was created), with its row."""
    rows = {
        document.required_document_id: document
        for document in session.exec(
            select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)
        ).all()
    }
    required = applicable_documents(session, centre_id=application.centre_id, program_id=application.program_id)
    return [(piece, rows.get(piece.id or 0)) for piece in required]


def applicable_questions(session: Session, *, centre_id: int, program_id: int) -> list[Question]:
    rows = session.exec(_SCOPED[Question], params={"centres": [centre_id], "programs": [program_id]}).all()
    return sorted(rows, key=display_order_key)


_IN_IDS = sa.bindparam("ids", expanding=True)
_TRACES = sa.union(  # one round trip: the candidate's list and page read this on every view
    sa.select(Decision.application_id).where(col(Decision.application_id).in_(_IN_IDS)),
    sa.select(SubmittedDocument.application_id).where(
        col(SubmittedDocument.application_id).in_(_IN_IDS),
        sa.or_(
            col(SubmittedDocument.reviewed_by_staff_id).is_not(None),
            col(SubmittedDocument.status).in_([DocumentStatus.VALIDATED, DocumentStatus.REFUSED]),
        ),
    ),
    sa.select(Note.application_id).where(col(Note.application_id).in_(_IN_IDS)),
    sa.select(ApplicationTag.application_id).where(col(ApplicationTag.application_id).in_(_IN_IDS)),
    sa.select(Score.application_id).where(col(Score.application_id).in_(_IN_IDS)),
)


def applications_acted_on(session: Session, applications: list[Application]) -> set[int]:
    """Which of ``applications`` a manager has acted on — the one definition behind « Annuler ».

    A manager has acted when the dossier left En attente (received, incomplete, complete), any decision exists
    (published or not), a piece was reviewed (validated, refused, or stamped with a reviewer), or a note, a tag or a
    committee member's score was put on the application. The candidate's own actions (answers, uploads, « non
    concerné ») do not count.
    """
    acted = {a.id for a in applications if a.dossier_status != DossierStatus.PENDING and a.id is not None}
    ids = [a.id for a in applications if a.id is not None and a.id not in acted]
    if not ids:
        return acted
    return acted | set(session.execute(_TRACES, {"ids": ids}).scalars().all())


def manager_has_acted(session: Session, application: Application) -> bool:
    return application.id in applications_acted_on(session, [application])


def answers_open(application: Application, program: Program, now: datetime) -> bool:
    return_by = effective_return_by(application, program)
    return dossier_editable(application.dossier_status) and (return_by is None or now <= return_by)
