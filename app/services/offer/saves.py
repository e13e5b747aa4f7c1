"""The two saves every object of the offer's administration shares: the form's save and (de)activation.

Both go through :func:`app.services.platform.versioned_save.save_entity` (version-checked, audited); the audit action is
``<kind>.created`` / ``<kind>.updated`` for the form, ``<kind>.deactivated`` / ``<kind>.reactivated`` for the switch.
"""

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel

from app.services.platform.actors import Actor
from app.services.platform.versioned_save import form_action, save_entity

T = TypeVar("T", bound=SQLModel)


def save_edited(session: Session, *, actor: Actor, entity: T, values: dict[str, Any], kind: str) -> T:
    """Create ``entity`` (no id yet) or update it from ``values`` (checked), refused if saved by someone meanwhile."""
    entity_id = getattr(entity, "id", None)
    return save_entity(
        session,
        actor=actor,
        model=type(entity),
        entity_id=entity_id,
        expected_version=getattr(entity, "version", None) if entity_id is not None else None,
        values=values,
        action=form_action(kind, entity_id),
    )
