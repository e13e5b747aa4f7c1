"""The audit trail: one event per change (and per staff view of a dossier), in the caller's transaction.

An event written with a candidate or an application is read by staff in that dossier's « Historique »; its action
must be one of ``DOSSIER_ACTIONS``, each of which has a sentence in both languages (``app.ui.audit_labels``). The
writer refuses any other, so a new action cannot reach the history as a bare code.
"""

from typing import Any

from sqlmodel import Session, SQLModel

from app.models import ActorKind, AnswerKind, Application, AuditEvent, ExternalRecord, Internship, WorkExperience
from app.services.platform.actors import Actor

# The dossier's lists audit as ``dossier.<table>_<change>`` (app.services.dossier.sections).
_DOSSIER_ENTRIES = tuple(model.__name__.lower() for model in (ExternalRecord, WorkExperience, Internship))
# A piece's files (app.services.documents.pieces); ``<action>.shared`` on the other applications sharing the piece.
_PIECE_FILE_ACTIONS = ("piece.file_added", "piece.files_added", "piece.file_removed", "piece.files_reordered")

DOSSIER_ACTIONS: frozenset[str] = frozenset(
    {
        "application.created",
        "application.cancelled",
        "application.transmitted",
        "application.viewed",
        "application.dossier_downloaded",
        "application.dossier_status_changed",
        "application.processing_type_changed",
        "application.dates_changed",
        "application.tags_changed",
        "application.question_answered",
        *(f"application.answer.{kind.value}" for kind in AnswerKind),
        "decision.entered",
        "score.entered",
        "decision.published",
        "decision.waiting_list_called",
        "opinion.entered",
        "opinion.changed",
        "waiting_list.called_by_hand",
        "interview.booked",
        "interview.moved",
        "interview.cancelled",
        "interview.slot_cancelled",
        "interview.attendance_marked",
        "piece.reviewed",
        "piece.viewed",
        "piece.not_applicable",
        "piece.applicable",
        *_PIECE_FILE_ACTIONS,
        *(f"{action}.shared" for action in _PIECE_FILE_ACTIONS),
        "note.added",
        "note.deleted",
        "message.sent",
        "dossier.imported",
        "dossier.records_refreshed",
        "dossier.confirmed_for_campaign",
        "dossier.personal_saved",
        "dossier.address_saved",
        "dossier.baccalaureate_saved",
        *(f"dossier.{entry}_{change}" for entry in _DOSSIER_ENTRIES for change in ("added", "updated", "deleted")),
        "file.purged",
        "impersonation.started",
        "impersonation.viewed",
    }
)


def audit(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | None,
    candidate_id: int | None = None,
    application_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event in the caller's transaction."""
    if (candidate_id is not None or application_id is not None) and action not in DOSSIER_ACTIONS:
        # A programming error, caught by the tests of the action: give it a sentence before it reaches a history.
        raise ValueError(f"audit action {action!r} reaches a dossier's history: add it to DOSSIER_ACTIONS")
    kind = {
        "staff": ActorKind.STAFF,
        "system": ActorKind.SYSTEM,
    }.get(actor.kind, ActorKind.CANDIDATE)  # anonymous visitors act as (future) candidates
    staff_id = actor.staff_id if actor.kind == "staff" else actor.impersonated_by_staff_id
    if actor.impersonated_by_staff_id is not None:
        kind = ActorKind.STAFF
    event = AuditEvent(
        actor_kind=kind,
        actor_account_id=actor.account_id if kind == ActorKind.CANDIDATE else None,
        actor_staff_id=staff_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        candidate_id=candidate_id,
        application_id=application_id,
        before=before or {},
        after=after or {},
        client_address=(actor.client_address or None) and actor.client_address[:45],
    )
    session.add(event)
    return event


def audit_row(
    session: Session,
    actor: Actor,
    action: str,
    row: SQLModel,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """An event about ``row`` itself (an account, a campaign, a role…), typed by its table and never in a dossier's
    history: the type and id written at each call could drift from the row they name."""
    entity_id: int | None = row.id  # every table has an integer ``id``
    return audit(
        session,
        actor=actor,
        action=action,
        entity_type=str(type(row).__tablename__),
        entity_id=entity_id,
        before=before,
        after=after,
    )


def audit_dossier(
    session: Session,
    actor: Actor,
    candidate_id: int | None,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    entity: tuple[str, int | None] | None = None,
    application_id: int | None = None,
) -> AuditEvent:
    """One event of a candidate's dossier history: about the candidate, or about ``entity`` (a dossier row's type and
    id) of theirs; with ``application_id``, in that application's history too."""
    entity_type, entity_id = entity or ("candidate", candidate_id)
    return audit(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        candidate_id=candidate_id,
        application_id=application_id,
        before=before,
        after=after,
    )


def audit_application(
    session: Session,
    actor: Actor,
    application: Application,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    entity: tuple[str, int | None] | None = None,
) -> AuditEvent:
    """One event of an application's history (its candidate's too): about the application itself, or about
    ``entity`` (its type and id: a decision, a piece) inside it."""
    return audit_dossier(
        session,
        actor,
        application.candidate_id,
        action,
        before,
        after,
        entity=entity or ("application", application.id),
        application_id=application.id,
    )
