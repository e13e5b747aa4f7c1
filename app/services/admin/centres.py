"""Application centres ("composantes"), administered by the central office and administrators only.

A centre carries its contacts, who receives its alerts, the most applications a candidate may hold in it, the
switch that lets its managers edit its offer (only the central office changes it: only they edit centres), and the
default calendar proposed to its new programmes. Centres are deactivated, never deleted.
"""

from pydantic import field_validator
from sqlmodel import Session, select

from app.config import get_settings
from app.i18n import N_
from app.models import AlertRecipients, ApplicationCentre
from app.services.admin.common import require_admin, save_active
from app.services.offer import fields as f
from app.services.offer.calendar_rules import DEFAULT_FIELDS, check_default_calendar
from app.services.offer.saves import save_edited
from app.services.platform.actors import Actor

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
    code: f.Code
    label_fr: f.Label
    label_en: f.Label
    contact_email: f.Email
    alert_recipients: AlertRecipients
    max_applications: int | None = None
    info_url: f.Url = None
    managers_edit_offer: bool = False
    default_window_opens_at: f.UtcMoment = None
    default_window_closes_at: f.UtcMoment = None
    default_return_by: f.UtcMoment = None
    default_jury_on: f.UtcMoment = None
    default_publication_on: f.UtcMoment = None
    default_confirmation_by: f.UtcMoment = None

    @field_validator("max_applications")
    @classmethod
    def _max(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(f.AT_LEAST_ONE)
        return value


def list_centres(session: Session, *, actor: Actor) -> list[ApplicationCentre]:
    """Every centre, active ones first, by code."""
    require_admin(session, actor=actor)
    rows = session.exec(select(ApplicationCentre)).all()
    return sorted(rows, key=lambda c: (not c.is_active, c.code))


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
    return save_edited(session, actor=actor, entity=centre, values=data.model_dump(), kind="centre")


def set_centre_active(
    session: Session, *, actor: Actor, centre_id: int, expected_version: int | None, active: bool
) -> ApplicationCentre:
    """Deactivate (hidden from the offer, kept for its applications) or reactivate a centre."""
    require_admin(session, actor=actor, write=True)
    return save_active(
        session,
        actor=actor,
        model=ApplicationCentre,
        entity_id=centre_id,
        expected_version=expected_version,
        active=active,
        action="centre",
    )
