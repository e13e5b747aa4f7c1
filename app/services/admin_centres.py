"""Application centres ("composantes"), administered by the central office and administrators only.

A centre carries its contacts, who receives its alerts, the most applications a candidate may hold in it, the
switch that lets its managers edit its offer (only the central office changes it: only they edit centres), and the
default calendar proposed to its new programmes. Centres are deactivated, never deleted.
"""

from datetime import datetime
from typing import Any

from pydantic import field_validator
from sqlmodel import Session, select

from app.config import get_settings
from app.i18n import N_
from app.models import AlertRecipients, ApplicationCentre
from app.services import offer_fields as f
from app.services.actors import Actor
from app.services.admin_common import require_admin, save_entity
from app.services.calendar_rules import DEFAULT_FIELDS, check_default_calendar
from app.services.errors import NotFound

FIELDS = (
    "code",
    "label_fr",
    "label_en",
    "contact_email",
    "alert_recipients",
    "max_applications",
    "info_url",
    "managers_edit_offer",
    *DEFAULT_FIELDS,
)
ALERT_LABELS: dict[AlertRecipients, str] = {
    AlertRecipients.NOBODY: N_("Personne"),
    AlertRecipients.CONTACT: N_("L'adresse de contact de la composante"),
    AlertRecipients.MANAGERS: N_("Tous les gestionnaires de la composante"),
}
MAX_ABOVE_INSTITUTION = N_(
    "Ce nombre ne peut pas dépasser la limite de l'établissement ({max} candidatures par composante)."
)


class CentreIn(f.OfferSchema):
    code: Any
    label_fr: Any
    label_en: Any
    contact_email: Any
    alert_recipients: AlertRecipients
    max_applications: int | None = None
    info_url: Any = None
    managers_edit_offer: bool = False
    default_window_opens_at: datetime | None = None
    default_window_closes_at: datetime | None = None
    default_return_by: datetime | None = None
    default_jury_on: datetime | None = None
    default_publication_on: datetime | None = None
    default_confirmation_by: datetime | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: Any) -> str:
        return f.code(value)

    @field_validator("label_fr", "label_en")
    @classmethod
    def _label(cls, value: Any) -> str:
        return f.text(value, 200, required=True)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: Any) -> str:
        return f.email(value)

    @field_validator("info_url")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        return f.url(value)

    @field_validator("max_applications")
    @classmethod
    def _max(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f.AT_LEAST_ONE)
        return value

    @field_validator(*DEFAULT_FIELDS)
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return f.utc(value)


def list_centres(session: Session, *, actor: Actor) -> list[ApplicationCentre]:
    """Every centre, active ones first, by code."""
    require_admin(session, actor=actor)
    rows = session.exec(select(ApplicationCentre)).all()
    return sorted(rows, key=lambda c: (not c.is_active, c.code))


def get_centre(session: Session, *, actor: Actor, centre_id: int) -> ApplicationCentre:
    require_admin(session, actor=actor)
    centre = session.get(ApplicationCentre, centre_id)
    if centre is None:
        raise NotFound("centre")
    return centre


def new_centre() -> ApplicationCentre:
    """An unsaved centre for the creation form."""
    return ApplicationCentre(code="", label_fr="", label_en="", contact_email="")


def save_centre(session: Session, *, actor: Actor, centre: ApplicationCentre) -> ApplicationCentre:
    """Create or update ``centre`` (as edited on screen); the second of two concurrent saves is refused."""
    require_admin(session, actor=actor, write=True)
    values = {name: getattr(centre, name) for name in FIELDS}
    extra = check_default_calendar(values)
    limit = get_settings().max_applications_per_centre
    if isinstance(values["max_applications"], int) and values["max_applications"] > limit:
        extra.add("max_applications", MAX_ABOVE_INSTITUTION, max=limit)
    data = f.check(CentreIn, values, extra)
    return save_entity(
        session,
        actor=actor,
        model=ApplicationCentre,
        entity_id=centre.id,
        expected_version=centre.version if centre.id is not None else None,
        values=data.model_dump(),
        action="centre.created" if centre.id is None else "centre.updated",
    )


def set_centre_active(
    session: Session, *, actor: Actor, centre_id: int, expected_version: int | None, active: bool
) -> ApplicationCentre:
    """Deactivate (hidden from the offer, kept for its applications) or reactivate a centre."""
    require_admin(session, actor=actor, write=True)
    return save_entity(
        session,
        actor=actor,
        model=ApplicationCentre,
        entity_id=centre_id,
        expected_version=expected_version,
        values={"is_active": active},
        action="centre.reactivated" if active else "centre.deactivated",
        unique_field=None,
    )
