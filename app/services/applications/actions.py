"""The candidate's actions on applications ("candidatures"), and the rules they share with what is shown.

apply_to_program → Application (dossier En attente, one piece En attente per applicable required piece);
cancel_application while no manager has acted (``applications_acted_on``); answer_question for the
programme's questions. What the « Candidatures » tab shows is in ``applications_views``, the return-date
reminder in ``applications_jobs``, live updates in ``notifications``.
Every function takes the actor and works in the caller's transaction; a refusal is a DomainError.
"""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    ApplicationTag,
    Campaign,
    Candidate,
    Decision,
    DocumentStatus,
    DossierStatus,
    Note,
    Procedure,
    Program,
    Question,
    QuestionAnswer,
    QuestionKind,
    RequiredDocument,
    Scope,
    SubmittedDocument,
)
from app.services.applications import mails
from app.services.applications.dossier_status import dossier_editable, effective_return_by
from app.services.dossier.completeness import dossier_completeness
from app.services.offer import campaigns
from app.services.offer.browse import WindowState, window_state
from app.services.platform import parameters
from app.services.platform.actors import Actor, require_writable
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text

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
    statement = select(Candidate).where(Candidate.account_id == actor.account_id)
    if lock:
        statement = statement.with_for_update()  # serialises one candidate's applications (the limits)
    candidate = session.exec(statement).first()
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


def scoped_to(model: type[RequiredDocument] | type[Question], centre_ids: Iterable[int], program_ids: Iterable[int]):
    """Active rows of the institution, of these centres, or of these programmes."""
    return sa.and_(
        col(model.is_active),
        sa.or_(
            model.scope == Scope.INSTITUTION,
            sa.and_(model.scope == Scope.CENTRE, col(model.centre_id).in_(list(centre_ids))),
            sa.and_(model.scope == Scope.PROGRAM, col(model.program_id).in_(list(program_ids))),
        ),
    )


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
    rows = session.exec(select(RequiredDocument).where(scoped_to(RequiredDocument, [centre_id], [program_id]))).all()
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
    rows = session.exec(select(Question).where(scoped_to(Question, [centre_id], [program_id]))).all()
    return sorted(rows, key=display_order_key)


def applications_acted_on(session: Session, applications: list[Application]) -> set[int]:
    """Which of ``applications`` a manager has acted on — the one definition behind « Annuler ».

    A manager has acted when the dossier left En attente (received, incomplete, complete), any decision exists
    (published or not), a piece was reviewed (validated, refused, or stamped with a reviewer), or a note or tag
    was put on the application. The candidate's own actions (answers, uploads, « non concerné ») do not count.
    """
    acted = {a.id for a in applications if a.dossier_status != DossierStatus.PENDING and a.id is not None}
    ids = [a.id for a in applications if a.id is not None and a.id not in acted]
    if not ids:
        return acted
    traces = sa.union(  # one round trip: the candidate's list and page read this on every view
        sa.select(Decision.application_id).where(col(Decision.application_id).in_(ids)),
        sa.select(SubmittedDocument.application_id).where(
            col(SubmittedDocument.application_id).in_(ids),
            sa.or_(
                col(SubmittedDocument.reviewed_by_staff_id).is_not(None),
                col(SubmittedDocument.status).in_([DocumentStatus.VALIDATED, DocumentStatus.REFUSED]),
            ),
        ),
        sa.select(Note.application_id).where(col(Note.application_id).in_(ids)),
        sa.select(ApplicationTag.application_id).where(col(ApplicationTag.application_id).in_(ids)),
    )
    return acted | set(session.execute(traces).scalars().all())


def manager_has_acted(session: Session, application: Application) -> bool:
    return application.id in applications_acted_on(session, [application])


# The candidate's mail → (the committee's, the committee's choice to receive it, whether both carry a link).
_COMMITTEE_ALERTS = {
    "application_created": ("committee_new_application", "alert_on_new_application", True),
    "application_cancelled": ("committee_cancellation", "alert_on_cancellation", False),
}


def _mail_candidate_and_committee(session: Session, application: Application, candidate: Candidate, code: str) -> None:
    committee_code, alert, with_links = _COMMITTEE_ALERTS[code]
    parties = mails.mail_parties(session, application, session.get(Account, candidate.account_id))
    mails.mail_candidate(session, parties, code, {"link": mails.candidate_link(application)} if with_links else None)
    committee = parties.committee
    if committee and getattr(committee, alert) and committee.is_active and committee.contact_email:
        mails.mail_committee(
            session, parties, committee_code, {"link": mails.staff_link(application)} if with_links else None
        )


# --- Applying -----------------------------------------------------------------------------------------------------

ALREADY_APPLIED = N_("Vous avez déjà une candidature à cette formation.")


def _existing_live_application(session: Session, candidate_id: int, program_id: int) -> Application | None:
    return session.exec(
        select(Application).where(
            Application.candidate_id == candidate_id,
            Application.program_id == program_id,
            col(Application.cancelled_at).is_(None),
        )
    ).first()


def _check_limits(session: Session, candidate_id: int, program: Program, centre: ApplicationCentre) -> None:
    settings = parameters.effective_settings()
    live = (
        select(func.count())
        .select_from(Application)
        .where(
            Application.candidate_id == candidate_id,
            Application.campaign_id == program.campaign_id,
            col(Application.cancelled_at).is_(None),
        )
    )
    centre_max = centre.max_applications or settings.max_applications_per_centre
    if session.exec(live.where(Application.centre_id == centre.id)).one() >= centre_max:
        raise DomainError(
            "centre_limit",
            N_("Vous avez atteint le nombre maximal de candidatures dans cette composante ({max})."),
            max=centre_max,
        )
    institution_max = settings.max_applications_per_institution
    if session.exec(live).one() >= institution_max:
        raise DomainError(
            "institution_limit",
            N_("Vous avez atteint le nombre maximal de candidatures dans l'établissement ({max})."),
            max=institution_max,
        )


def apply_to_program(session: Session, *, actor: Actor, program_id: int) -> Application:
    """Create the actor's application to ``program_id``, if its window is open now and the dossier complete."""
    candidate = own_candidate(session, actor, write=True, lock=True)
    row = session.exec(
        select(Program, ApplicationCentre)
        .join(Campaign, Campaign.id == Program.campaign_id)
        .join(ApplicationCentre, ApplicationCentre.id == Program.centre_id)
        .where(
            Program.id == program_id, col(Program.is_active), col(Campaign.is_active), col(ApplicationCentre.is_active)
        )
    ).first()
    if row is None:
        raise NotFound("program")
    program, centre = row
    # The server's clock at the moment of the request decides, with the rule the offer displays.
    state = window_state(program.window_opens_at, program.window_closes_at, clock.now())
    if state == WindowState.UPCOMING:
        raise DomainError("window_not_open", N_("Les candidatures à cette formation ne sont pas encore ouvertes."))
    if state == WindowState.CLOSED:
        raise DomainError("window_closed", N_("La période de candidature à cette formation est terminée."))
    completeness = dossier_completeness(session, candidate_id=candidate.id if candidate else None)
    if candidate is None or not completeness.is_complete:
        raise DomainError(
            "dossier_incomplete",
            N_("Complétez votre dossier avant de candidater."),
            missing=completeness.missing,
        )
    assert candidate.id is not None
    if _existing_live_application(session, candidate.id, program_id) is not None:
        raise DomainError("already_applied", ALREADY_APPLIED)
    _check_limits(session, candidate.id, program, centre)

    now = clock.now()
    application = Application(
        candidate_id=candidate.id,
        program_id=program_id,
        committee_id=program.committee_id,
        centre_id=program.centre_id,
        campaign_id=program.campaign_id,
        dossier_status=DossierStatus.PENDING,
        dossier_status_at=now,
        created_at=now,
    )
    try:
        # A savepoint: a concurrent request that inserted first trips the partial unique index, and only
        # this insert is undone — the caller's transaction stays usable.
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError as exc:
        raise DomainError("already_applied", ALREADY_APPLIED) from exc
    # A paper procedure lists its pieces too: the candidate posts them and staff tick them off.
    for document in applicable_documents(session, centre_id=program.centre_id, program_id=program_id):
        session.add(
            SubmittedDocument(
                application_id=application.id,
                required_document_id=document.id,
                status=DocumentStatus.PENDING,
                status_at=now,
            )
        )
    session.flush()
    if program.procedure == Procedure.ONLINE:
        from app.services.documents import piece_files  # documents builds on this package

        piece_files.adopt_shared_pieces(session, application=application)  # pieces uploaded once serve all applications
    _mail_candidate_and_committee(session, application, candidate, "application_created")
    audit(
        session,
        actor=actor,
        action="application.created",
        entity_type="application",
        entity_id=application.id,
        candidate_id=candidate.id,
        application_id=application.id,
        after={"program_id": program_id, "program_code": program.code},
    )
    notify_candidate(session, candidate.id)
    return application


def answers_open(application: Application, program: Program, now: datetime) -> bool:
    return_by = effective_return_by(application, program)
    return dossier_editable(application.dossier_status) and (return_by is None or now <= return_by)


# --- Cancelling ---------------------------------------------------------------------------------------------------


def cancel_application(session: Session, *, actor: Actor, application_id: int) -> Application:
    """« Annuler »: only while no manager has acted (see ``applications_acted_on``)."""
    candidate, application = own_application(session, actor, application_id, write=True, lock=True)
    if manager_has_acted(session, application):
        raise DomainError(
            "cancel_refused",
            N_("Cette candidature ne peut plus être annulée : son traitement a commencé."),
        )
    documents = list(
        session.exec(select(SubmittedDocument).where(SubmittedDocument.application_id == application.id)).all()
    )
    from app.services.documents import piece_files  # documents builds on this package

    piece_files.release_piece_files(session, documents)  # files no other application uses are deleted
    session.flush()
    for document in documents:
        session.delete(document)
    application.cancelled_at = clock.now()
    session.add(application)
    session.flush()
    _mail_candidate_and_committee(session, application, candidate, "application_cancelled")
    audit(
        session,
        actor=actor,
        action="application.cancelled",
        entity_type="application",
        entity_id=application.id,
        candidate_id=candidate.id,
        application_id=application.id,
        after={"deleted_pieces": len(documents)},
    )
    notify_candidate(session, candidate.id or 0)
    return application


# --- Questions ----------------------------------------------------------------------------------------------------

TEXT_ANSWER_LIMIT = 5000  # the QuestionAnswer column


def answer_question(
    session: Session, *, actor: Actor, application_id: int, question_id: int, value: bool | str | None
) -> QuestionAnswer | None:
    """Record the answer to one of the application's questions (None or empty text clears an optional one)."""
    candidate, application = own_application(session, actor, application_id, write=True)
    program = session.get(Program, application.program_id)
    assert program is not None
    question = session.get(Question, question_id)
    if question is None or not question.is_active or not applies_to(question, application.centre_id, program.id or 0):
        raise NotFound("question")
    if not answers_open(application, program, clock.now()):
        raise DomainError(
            "answers_closed",
            N_(
                "Les réponses ne peuvent plus être modifiées : la date de retour est passée ou le dossier est transmis."
            ),
        )
    text_value: str | None = None
    bool_value: bool | None = None
    if question.kind == QuestionKind.YES_NO:
        if value is not None and not isinstance(value, bool):
            raise DomainError("answer_yes_no", N_("Répondez par oui ou par non."), field=f"question-{question_id}")
        bool_value = value
    else:
        if value is not None and not isinstance(value, str):
            raise DomainError("answer_text", N_("Saisissez une réponse."), field=f"question-{question_id}")
        text_value = check_text(value or "", field=f"question-{question_id}").strip() or None
        limit = min(question.max_length, TEXT_ANSWER_LIMIT)
        if text_value is not None and len(text_value) > limit:
            raise DomainError(
                "answer_too_long", N_("{max} caractères au maximum."), field=f"question-{question_id}", max=limit
            )
    empty = bool_value is None and text_value is None
    if empty and question.is_mandatory:
        raise DomainError("answer_required", N_("Cette question demande une réponse."), field=f"question-{question_id}")
    answer = session.exec(
        select(QuestionAnswer).where(
            QuestionAnswer.application_id == application.id, QuestionAnswer.question_id == question_id
        )
    ).first()
    if empty:
        if answer is not None:
            session.delete(answer)
        result = None
    else:
        answer = answer or QuestionAnswer(application_id=application.id or 0, question_id=question_id)
        answer.text_value, answer.bool_value, answer.answered_at = text_value, bool_value, clock.now()
        session.add(answer)
        result = answer
    session.flush()
    audit(
        session,
        actor=actor,
        action="application.question_answered",
        entity_type="question",
        entity_id=question_id,
        candidate_id=candidate.id,
        application_id=application.id,
    )
    # No live update: the candidate's own answer changes nothing the other views show, and redrawing the page
    # would wipe answers typed but not yet saved.
    return result
