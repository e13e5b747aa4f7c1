"""Diploma types of the offer (Master, Licence professionnelle, DU…), administered by the central office."""

from pydantic import field_validator
from sqlmodel import Session, select

from app.models import DiplomaType
from app.services.admin.common import require_admin, save_active
from app.services.offer import fields as f
from app.services.offer.saves import save_edited
from app.services.platform.actors import Actor

FIELDS = ("code", "label_fr", "label_en", "display_order")


class DiplomaTypeIn(f.OfferSchema):
    code: f.Code
    label_fr: f.Label
    label_en: f.Label
    display_order: int | None = 0

    @field_validator("display_order")
    @classmethod
    def _order(cls, value: int | None) -> int:
        return value or 0


def list_diploma_types(session: Session, *, actor: Actor) -> list[DiplomaType]:
    """Every diploma type in display order (inactive ones last)."""
    require_admin(session, actor=actor)
    rows = session.exec(select(DiplomaType)).all()
    return sorted(rows, key=lambda d: (not d.is_active, d.display_order, d.code))


def new_diploma_type() -> DiplomaType:
    return DiplomaType(code="", label_fr="", label_en="", display_order=0)


def save_diploma_type(session: Session, *, actor: Actor, diploma_type: DiplomaType) -> DiplomaType:
    require_admin(session, actor=actor, write=True)
    data = f.check(DiplomaTypeIn, {name: getattr(diploma_type, name) for name in FIELDS})
    return save_edited(session, actor=actor, entity=diploma_type, values=data.model_dump(), kind="diploma_type")


def set_diploma_type_active(
    session: Session, *, actor: Actor, diploma_type_id: int, expected_version: int | None, active: bool
) -> DiplomaType:
    """Deactivate (no new programme may use it; existing ones keep it) or reactivate a diploma type."""
    require_admin(session, actor=actor, write=True)
    return save_active(
        session,
        actor=actor,
        model=DiplomaType,
        entity_id=diploma_type_id,
        expected_version=expected_version,
        active=active,
        action="diploma_type",
    )
