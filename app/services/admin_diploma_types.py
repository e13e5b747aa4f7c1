"""Diploma types of the offer (Master, Licence professionnelle, DU…), administered by the central office."""

from typing import Any

from pydantic import field_validator
from sqlmodel import Session, select

from app.models import DiplomaType
from app.services import offer_fields as f
from app.services.actors import Actor
from app.services.admin_common import require_admin, save_entity
from app.services.errors import NotFound

FIELDS = ("code", "label_fr", "label_en", "display_order")


class DiplomaTypeIn(f.OfferSchema):
    code: Any
    label_fr: Any
    label_en: Any
    display_order: int | None = 0

    @field_validator("code")
    @classmethod
    def _code(cls, value: Any) -> str:
        return f.code(value)

    @field_validator("label_fr", "label_en")
    @classmethod
    def _label(cls, value: Any) -> str:
        return f.text(value, 200, required=True)

    @field_validator("display_order")
    @classmethod
    def _order(cls, value: int | None) -> int:
        return value or 0


def list_diploma_types(session: Session, *, actor: Actor) -> list[DiplomaType]:
    """Every diploma type in display order (inactive ones last)."""
    require_admin(session, actor=actor)
    rows = session.exec(select(DiplomaType)).all()
    return sorted(rows, key=lambda d: (not d.is_active, d.display_order, d.code))


def get_diploma_type(session: Session, *, actor: Actor, diploma_type_id: int) -> DiplomaType:
    require_admin(session, actor=actor)
    row = session.get(DiplomaType, diploma_type_id)
    if row is None:
        raise NotFound("diploma type")
    return row


def new_diploma_type() -> DiplomaType:
    return DiplomaType(code="", label_fr="", label_en="", display_order=0)


def save_diploma_type(session: Session, *, actor: Actor, diploma_type: DiplomaType) -> DiplomaType:
    require_admin(session, actor=actor, write=True)
    data = f.check(DiplomaTypeIn, {name: getattr(diploma_type, name) for name in FIELDS})
    return save_entity(
        session,
        actor=actor,
        model=DiplomaType,
        entity_id=diploma_type.id,
        expected_version=diploma_type.version if diploma_type.id is not None else None,
        values=data.model_dump(),
        action="diploma_type.created" if diploma_type.id is None else "diploma_type.updated",
    )


def set_diploma_type_active(
    session: Session, *, actor: Actor, diploma_type_id: int, expected_version: int | None, active: bool
) -> DiplomaType:
    """Deactivate (no new programme may use it; existing ones keep it) or reactivate a diploma type."""
    require_admin(session, actor=actor, write=True)
    return save_entity(
        session,
        actor=actor,
        model=DiplomaType,
        entity_id=diploma_type_id,
        expected_version=expected_version,
        values={"is_active": active},
        action="diploma_type.reactivated" if active else "diploma_type.deactivated",
        unique_field=None,
    )
