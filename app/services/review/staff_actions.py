"""The review actions on an application: a piece validated or refused, the dossier status moved, the processing
type and the candidate's own dates changed; each mails the candidate when the rules say so.

Every action goes through :func:`staff_rights.application_for_change` (role, scope, lease) and the version check.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_, gettext
from app.models import (
    Account,
    Application,
    Candidate,
    DecisionKind,
    DecisionType,
    DocumentStatus,
    DossierStatus,
    Procedure,
    ProcessingType,
    Program,
    SubmittedDocument,
)
from app.services.applications.actions import MISSING_STATUSES, pieces_with_rows
from app.services.applications.dossier_status import (
    PIECE_STATUS_LABELS,
    PROCESSING_MAILS,
    STATUS_MAILS,
    move_dossier,
)
from app.services.applications.mails import candidate_link, mail_candidate, mail_parties
from app.services.applications.piece_status import move_piece
from app.services.decisions.staff_decisions import enter_decision, latest_entered
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.labels import label_in
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text, column_limit
from app.services.review.staff_rights import application_for_change, check_version, flush_or_stale

COMMENT_REQUIRED = N_("Indiquez pourquoi la pièce est refusée : le candidat lira ce commentaire.")
NO_FILE = N_("Aucun fichier n'a été déposé pour cette pièce : elle ne peut pas être validée.")
BAD_PIECE_STATUS = N_("Ce statut de pièce n'est pas une décision de gestionnaire.")
NAIVE_DATE = N_("Date invalide.")

# The comment of a decision entered because of direct admission (data, shown to staff as typed).
ADMITTED_BY_RIGHT = "Admission de droit (type de traitement : accès direct)"


def review_piece(
    session: Session,
    *,
    actor: Actor,
    submitted_document_id: int,
    status: DocumentStatus,
    comment: str = "",
    expected_version: int | None = None,
) -> SubmittedDocument:
    """Valider / Refuser (with a comment the candidate reads) / Non concerné."""
    document = session.get(SubmittedDocument, submitted_document_id)
    if document is None:
        raise NotFound("piece")
    application = application_for_change(session, actor, document.application_id)
    session.refresh(document)
    check_version(document, expected_version)
    comment = check_text(comment.strip(), field="comment", max_length=column_limit(SubmittedDocument, "comment"))
    if status not in (DocumentStatus.VALIDATED, DocumentStatus.REFUSED, DocumentStatus.NOT_APPLICABLE):
        raise DomainError("bad_piece_status", BAD_PIECE_STATUS)
    if status == DocumentStatus.REFUSED and not comment:
        raise DomainError("comment_required", COMMENT_REQUIRED, field="comment")
    program = session.get(Program, application.program_id)
    assert program is not None
    if status == DocumentStatus.VALIDATED and document.merged_file_id is None and program.procedure == Procedure.ONLINE:
        raise DomainError("no_file", NO_FILE)
    before = {"status": document.status.value, "comment": document.comment}
    move_piece(document, status, by=By.STAFF, now=clock.now())
    document.comment = comment
    document.reviewed_by_staff_id = actor.staff_id
    session.add(document)
    flush_or_stale(session)
    audit_application(
        session,
        actor,
        application,
        "piece.reviewed",
        before=before,
        after={"status": status.value, "comment": comment},
        entity=("submitteddocument", document.id),
    )
    notify_candidate(session, application.candidate_id)
    return document


def missing_documents(session: Session, application: Application, lang: str) -> list[dict[str, str]]:
    """Pieces En attente or Refusée (or never created), with the manager's comment: what the candidate must fix."""
    missing = []
    for piece, row in pieces_with_rows(session, application):
        if row is None or row.status in MISSING_STATUSES:
            missing.append({"title": label_in(piece, lang), "comment": row.comment if row else ""})
    return missing


def set_dossier_status(
    session: Session, *, actor: Actor, application_id: int, status: DossierStatus, expected_version: int | None
) -> Application:
    """Move the dossier along the transition table, stamp its dates, mail the candidate."""
    application = application_for_change(session, actor, application_id)
    check_version(application, expected_version)
    current = move_dossier(application, status, by=By.STAFF, now=clock.now())
    session.add(application)
    flush_or_stale(session)
    code = STATUS_MAILS[status]
    extra: dict[str, Any] = {}
    account = _account(session, application)
    if status == DossierStatus.INCOMPLETE:
        extra["missing_documents"] = missing_documents(session, application, account.language)
    elif status == DossierStatus.RECEIVED:
        extra["documents"] = _document_statuses(session, application, account.language)
    if code is not None:
        _mail_candidate(session, application, account, code, extra)
    audit_application(
        session,
        actor,
        application,
        "application.dossier_status_changed",
        before={"dossier_status": current.value},
        after={"dossier_status": status.value}
        | ({"missing": extra["missing_documents"]} if "missing_documents" in extra else {}),
    )
    _admit_by_right(session, actor, application)
    notify_candidate(session, application.candidate_id)
    return application


def _admit_by_right(session: Session, actor: Actor, application: Application) -> None:
    """Direct admission: once a manager has validated the dossier (Complet), the programme's favourable decision
    is entered for them, to be published with the others (capacity is checked then). Nothing is entered when a
    decision exists already or when the current role may not enter decisions."""
    if application.processing_type != ProcessingType.DIRECT_ADMISSION:
        return
    if application.dossier_status != DossierStatus.COMPLETE or application.id is None:
        return
    if latest_entered(session, application.id) is not None:
        return
    program = session.get(Program, application.program_id)
    type_id = program.favorable_decision_type_id if program is not None else None
    if type_id is None:
        type_id = session.exec(
            select(DecisionType.id)
            .where(DecisionType.kind == DecisionKind.FAVORABLE, col(DecisionType.is_active))
            .order_by(DecisionType.code)
        ).first()
    if type_id is None:
        return
    try:
        enter_decision(
            session, actor=actor, application_id=application.id, decision_type_id=type_id, comment=ADMITTED_BY_RIGHT
        )
    except DomainError:
        return  # e.g. a committee member's role cannot enter decisions: the manager will


def _document_statuses(session: Session, application: Application, lang: str) -> list[dict[str, str]]:
    result = []
    for piece, row in pieces_with_rows(session, application):
        status = row.status if row else DocumentStatus.PENDING
        result.append({"title": label_in(piece, lang), "status": gettext(PIECE_STATUS_LABELS[status], lang)})
    return result


def _account(session: Session, application: Application) -> Account:
    candidate = session.get(Candidate, application.candidate_id)
    account = session.get(Account, candidate.account_id) if candidate else None
    assert account is not None
    return account


def _mail_candidate(
    session: Session, application: Application, account: Account, code: str, extra: dict[str, Any]
) -> None:
    parties = mail_parties(session, application, account)
    mail_candidate(session, parties, code, {"link": candidate_link(application)} | extra)


def set_processing_type(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    processing_type: ProcessingType,
    expected_version: int | None,
) -> Application:
    """Committee / direct admission / undecided; the candidate gets the new type's mail. Where the central office
    asks it (parameter ``processing_type_change_resets_dossier``, eCandidat's « statut en attente au changement de
    type de traitement »), the dossier goes back to En attente through its state machine, with its mail. Direct
    admission of a complete dossier enters the favourable decision (see :func:`_admit_by_right`)."""
    application = application_for_change(session, actor, application_id)
    check_version(application, expected_version)
    before = application.processing_type
    if before == processing_type:
        return application
    application.processing_type = processing_type
    status_before = application.dossier_status
    reset = bool(parameters.current("processing_type_change_resets_dossier")) and status_before != DossierStatus.PENDING
    if reset:
        move_dossier(application, DossierStatus.PENDING, by=By.STAFF, now=clock.now())
    session.add(application)
    flush_or_stale(session)
    account = _account(session, application)
    _mail_candidate(
        session, application, account, PROCESSING_MAILS[processing_type], {"processing_type": processing_type.value}
    )
    pending_mail = STATUS_MAILS[DossierStatus.PENDING]
    if reset and pending_mail is not None:
        _mail_candidate(session, application, account, pending_mail, {})
    _admit_by_right(session, actor, application)
    audit_application(
        session,
        actor,
        application,
        "application.processing_type_changed",
        {"processing_type": before.value} | ({"dossier_status": status_before.value} if reset else {}),
        {"processing_type": processing_type.value} | ({"dossier_status": DossierStatus.PENDING.value} if reset else {}),
    )
    notify_candidate(session, application.candidate_id)
    return application


def set_candidate_dates(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    return_by_override: datetime | None,
    confirmation_by_override: datetime | None,
    expected_version: int | None,
) -> Application:
    """Per-candidate return and confirmation dates (None: the programme's)."""
    for moment in (return_by_override, confirmation_by_override):
        if moment is not None and moment.tzinfo is None:
            raise DomainError("naive_date", NAIVE_DATE)
    application = application_for_change(session, actor, application_id)
    check_version(application, expected_version)
    before = {
        "return_by": _iso(application.return_by_override),
        "confirmation_by": _iso(application.confirmation_by_override),
    }
    application.return_by_override = return_by_override
    application.confirmation_by_override = confirmation_by_override
    session.add(application)
    flush_or_stale(session)
    after = {"return_by": _iso(return_by_override), "confirmation_by": _iso(confirmation_by_override)}
    audit_application(session, actor, application, "application.dates_changed", before, after)
    notify_candidate(session, application.candidate_id)
    return application


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
