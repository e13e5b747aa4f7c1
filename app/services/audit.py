"""The audit trail: one event per change (and per staff view of a dossier), in the caller's transaction."""

from typing import Any

from sqlmodel import Session

from app.models import ActorKind, AuditEvent
from app.services.actors import Actor


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
