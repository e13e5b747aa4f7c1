"""Who may change an application under review, and how a change is refused or recorded.

Review actions belong to centre managers, the central office and administrators (``REVIEW_ROLES``), in scope, not
read-only, the application live, the candidate's editing lease free, and the row unchanged since the page read it
(its version): nothing is overwritten.
"""

from sqlmodel import Session

from app.i18n import N_
from app.models import ActorKind, Application, StaffRole, SubmittedDocument
from app.services.applications.staff_scope import require_application_in_scope
from app.services.platform import leases
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.versions import flush_versioned

REVIEW_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.CENTRE_MANAGER)
STALE = N_("Ce dossier a été modifié par quelqu'un d'autre entre-temps : rechargez la page.")
READ_ONLY_ROLE = N_("Votre rôle permet de consulter ce dossier, pas de le modifier.")
CANCELLED = N_("Cette candidature a été annulée : elle ne peut plus être modifiée.")


def application_for_change(
    session: Session, actor: Actor, application_id: int, *, roles: tuple[StaffRole, ...] = REVIEW_ROLES
) -> Application:
    """The application, locked, if the actor may change it now (scope, role, lease); refusals say why."""
    _application, role = require_application_in_scope(session, actor=actor, application_id=application_id)
    if role.role not in roles or role.read_only:
        raise DomainError("read_only_role", READ_ONLY_ROLE)
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=application_id, write=True, roles=roles, lock=True
    )
    session.refresh(application)  # the row as it is now, after the lock
    if application.cancelled_at is not None:
        raise DomainError("cancelled", CANCELLED)
    assert actor.staff_id is not None
    leases.require_free_for(
        session,
        resource=leases.candidate_resource(application.candidate_id),
        kind=ActorKind.STAFF,
        holder_id=actor.staff_id,
    )
    return application


def check_version(row: Application | SubmittedDocument, expected_version: int | None) -> None:
    if expected_version is not None and row.version != expected_version:
        raise DomainError("stale", STALE)


def flush_or_stale(session: Session) -> None:
    flush_versioned(session, DomainError("stale", STALE))  # a concurrent change that committed first wins
