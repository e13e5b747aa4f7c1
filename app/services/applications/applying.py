"""The candidate applies to a programme (« Candidater ») or cancels an application (« Annuler »).

apply_to_program → Application (dossier En attente, one piece En attente per applicable required piece, the shared
pieces adopted); cancel_application while no manager has acted (``applications_acted_on``). Both mail the candidate
and, when it asks, the committee. The rules they read are ``actions``'s; the piece rows' files are
``piece_links``'s (the shared pieces adopted on apply, a cancelled application's files released). Nothing here
reads ``documents``, which builds on this package.
"""

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    DocumentStatus,
    DossierStatus,
    Procedure,
    Program,
    SubmittedDocument,
)
from app.services.applications import mails, piece_links
from app.services.applications.actions import (
    applicable_documents,
    manager_has_acted,
    own_application,
    own_candidate,
)
from app.services.dossier.campaign_confirmation import require_confirmed_for
from app.services.dossier.completeness import dossier_completeness
from app.services.offer.browse import WindowState, window_state
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.notifications import notify_candidate

# The candidate's mail → (the committee's, the committee's choice to receive it, whether both carry a link).
_COMMITTEE_ALERTS = {
    "application_created": ("committee_new_application", "alert_on_new_application", True),
    "application_cancelled": ("committee_cancellation", "alert_on_cancellation", False),
}


def _mail_candidate_and_committee(session: Session, application: Application, candidate: Candidate, code: str) -> None:
    committee_code, alert, with_links = _COMMITTEE_ALERTS[code]
    parties = mails.mail_parties(session, application, session.get(Account, candidate.account_id))
    mails.mail_candidate(session, parties, code, {"link": mails.candidate_link(application)} if with_links else None)
    mails.alert_committees(
        session, parties, alert, committee_code, {"link": mails.staff_link(application)} if with_links else None
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


def _open_program(session: Session, program_id: int) -> tuple[Program, ApplicationCentre]:
    """The programme and its centre, if both and the campaign are active and its window is open now."""
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
    return program, centre


def _insert_application(session: Session, application: Application) -> None:
    try:
        # A savepoint: a concurrent request that inserted first trips the partial unique index, and only
        # this insert is undone — the caller's transaction stays usable.
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError as exc:
        raise DomainError("already_applied", ALREADY_APPLIED) from exc


def _open_pieces(session: Session, application: Application, program: Program, now: datetime) -> None:
    """One piece row En attente per applicable piece, then the shared pieces the candidate gave elsewhere."""
    # A paper procedure lists its pieces too: the candidate posts them and staff tick them off.
    for document in applicable_documents(session, centre_id=program.centre_id, program_id=program.id or 0):
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
        # pieces uploaded once serve every application
        piece_links.adopt_shared_pieces(session, application=application)


def apply_to_program(session: Session, *, actor: Actor, program_id: int) -> Application:
    """Create the actor's application to ``program_id``, if its window is open now and the dossier complete."""
    candidate = own_candidate(session, actor, write=True, lock=True)
    program, centre = _open_program(session, program_id)
    completeness = dossier_completeness(session, candidate_id=candidate.id if candidate else None)
    if candidate is None or not completeness.is_complete:
        raise DomainError(
            "dossier_incomplete",
            N_("Complétez votre dossier avant de candidater."),
            missing=completeness.missing,
        )
    assert candidate.id is not None
    require_confirmed_for(session, candidate, program.campaign_id)
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
    _insert_application(session, application)
    _open_pieces(session, application, program, now)
    _mail_candidate_and_committee(session, application, candidate, "application_created")
    _announce(
        session, actor, "application.created", application, {"program_id": program_id, "program_code": program.code}
    )
    return application


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
    piece_links.release_piece_files(session, documents)  # files no other application uses are deleted
    session.flush()
    for document in documents:
        session.delete(document)
    application.cancelled_at = clock.now()
    session.add(application)
    session.flush()
    _mail_candidate_and_committee(session, application, candidate, "application_cancelled")
    _announce(session, actor, "application.cancelled", application, {"deleted_pieces": len(documents)})
    return application


def _announce(session: Session, actor: Actor, action: str, application: Application, after: dict[str, Any]) -> None:
    """The application's audit event, then the candidate's open pages told (after the commit)."""
    audit_application(session, actor, application, action, after=after)
    notify_candidate(session, application.candidate_id)
