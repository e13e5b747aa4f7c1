"""What every administration screen shares: who may configure what, and a save that never overwrites.

A configuration object is saved with the version the editor loaded; if somebody saved it in between, the
save is refused with :class:`StaleEdit` and nothing is written (the editor keeps what they typed). Every
change is audited with the fields it changed, before and after.
"""

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from app.i18n import N_
from app.models import ApplicationCentre, StaffRole, StaffRoleAssignment
from app.services.accounts import staff_roles as staff
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, Forbidden, NotFound, StaleEdit
from app.services.platform.form_checks import DossierInvalid
from app.services.platform.versions import flush_versioned

ADMIN_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE)

T = TypeVar("T", bound=SQLModel)


def require_admin(session: Session, *, actor: Actor, write: bool = False) -> StaffRoleAssignment:
    """The central office or an administrator (``write`` refuses their read-only roles)."""
    return staff.require_role(session, actor=actor, roles=ADMIN_ROLES, write=write)


def can_edit_centre_offer(session: Session, *, actor: Actor, centre_id: int) -> bool:
    """Whether the current role may edit this centre's programmes, pieces, questions and committees."""
    try:
        require_centre_offer(session, actor=actor, centre_id=centre_id, write=True)
    except DomainError:
        return False
    return True


def centre_edits_offer(session: Session, centre_id: int | None) -> bool:
    """Whether the central office lets this centre's managers edit its offer."""
    centre = session.get(ApplicationCentre, centre_id) if centre_id is not None else None
    return bool(centre and centre.managers_edit_offer)


def require_centre_offer(session: Session, *, actor: Actor, centre_id: int, write: bool = True) -> StaffRoleAssignment:
    """The central office, or this centre's manager when the central office lets the centre edit its offer."""
    assignment = staff.require_role(
        session, actor=actor, roles=(*ADMIN_ROLES, StaffRole.CENTRE_MANAGER), centre_id=centre_id, write=write
    )
    if assignment.role == StaffRole.CENTRE_MANAGER and not centre_edits_offer(session, centre_id):
        raise Forbidden()
    return assignment


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(entity: SQLModel, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The entity's field values, JSON-ready, for the audit trail."""
    names = fields if fields is not None else type(entity).model_fields
    return {name: _plain(getattr(entity, name)) for name in names}


def load_for_edit(session: Session, model: type[T], entity_id: Any, expected_version: int | None) -> T:
    """The stored object, refused with :class:`StaleEdit` if it changed since ``expected_version`` was read."""
    entity = session.get(model, entity_id)
    if entity is None:
        raise NotFound(model.__name__)
    if expected_version is not None and getattr(entity, "version", None) != expected_version:
        raise StaleEdit()
    return entity


def save_entity(
    session: Session,
    *,
    actor: Actor,
    model: type[T],
    entity_id: Any | None,
    expected_version: int | None,
    values: dict[str, Any],
    action: str,
    unique_field: str | None = "code",
) -> T:
    """Create (``entity_id`` None) or update one configuration object, audited, never overwriting.

    ``values`` are already validated. A clash with a unique constraint is reported on ``unique_field``.
    """
    if entity_id is None:
        entity = model(**values)
        before: dict[str, Any] = {}
    else:
        entity = load_for_edit(session, model, entity_id, expected_version)
        before = snapshot(entity, values.keys())
        for name, value in values.items():
            setattr(entity, name, value)
    session.add(entity)
    try:
        flush_versioned(session)
    except IntegrityError:
        if unique_field:
            raise DossierInvalid(
                {unique_field: N_("Cette valeur est déjà utilisée : choisissez-en une autre.")}
            ) from None
        raise
    after = snapshot(entity, values.keys())
    changed_before = {k: v for k, v in before.items() if after.get(k) != v}
    changed_after = {k: v for k, v in after.items() if before.get(k, object()) != v}
    if changed_after or entity_id is None:
        audit(
            session,
            actor=actor,
            action=action,
            entity_type=model.__name__.lower(),
            entity_id=getattr(entity, "id", None) if isinstance(getattr(entity, "id", None), int) else None,
            before=changed_before,
            after=changed_after,
        )
    return entity


def save_active(
    session: Session,
    *,
    actor: Actor,
    model: type[T],
    entity_id: int,
    expected_version: int | None,
    active: bool,
    action: str,
) -> T:
    """Deactivate (kept, hidden from new uses: never deleted while referenced) or reactivate one configuration
    object whose rights the caller checked; audited ``{action}.deactivated`` / ``{action}.reactivated``."""
    return save_entity(
        session,
        actor=actor,
        model=model,
        entity_id=entity_id,
        expected_version=expected_version,
        values={"is_active": active},
        action=f"{action}.reactivated" if active else f"{action}.deactivated",
        unique_field=None,
    )
