"""A configuration object saved with the version its editor loaded, never overwriting, audited field by field.

If somebody saved the object in between, the save is refused with :class:`StaleEdit` and nothing is written (the
editor keeps what they typed). Every change is audited with the fields it changed, before and after. The rights
are the caller's to check (``accounts/admin_rights``).
"""

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from app.i18n import N_
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import NotFound, StaleEdit
from app.services.platform.form_checks import DossierInvalid
from app.services.platform.versions import flush_versioned

T = TypeVar("T", bound=SQLModel)


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


def form_action(kind: str, entity_id: object) -> str:
    """The audit action of a form's save: ``{kind}.created`` for a new object (no id yet), else ``{kind}.updated``."""
    return f"{kind}.created" if entity_id is None else f"{kind}.updated"


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
