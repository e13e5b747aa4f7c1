"""Campaigns ("campagnes"): create, edit, archive, and switch to the next one.

Only one campaign is active (a partial unique index says so). The switch, in one transaction, archives the active
campaign, activates the next one, and copies the old campaign's active programmes forward with every calendar
moment shifted, together with their programme-scoped pieces and questions. Nothing is ever deleted: the old
campaign's applications stay, readable by staff and by their candidates, and no candidate can change them any
more (``require_open_campaign``).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, field_validator, model_validator
from sqlmodel import Session, col, func, select

from app import clock
from app.i18n import N_
from app.models import Application, Campaign, Program
from app.services.accounts.admin_rights import require_admin
from app.services.offer.campaign_locks import flush_campaigns, lock_campaign
from app.services.offer.campaign_switch import Shift, SwitchResult, derive_code, switch_campaign
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError
from app.services.platform.form_checks import REQUIRED, DossierInvalid, validate
from app.services.platform.versioned_save import form_action, load_for_edit, save_entity, snapshot

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
EDITABLE_FIELDS = ("code", "label_fr", "label_en", "starts_on", "ends_on", "sign_in_closes_at", "definitive_acceptance")

# The switch lives in campaign_switch.py; the administration's page and the tests call it through this module.
__all__ = [
    "EDITABLE_FIELDS",
    "STATE_LABELS",
    "CampaignLine",
    "CampaignSchema",
    "Shift",
    "SwitchResult",
    "active_campaign",
    "active_campaign_id",
    "archive_campaign",
    "campaign_state",
    "derive_code",
    "is_archived",
    "list_campaigns",
    "require_open_campaign",
    "save_campaign",
    "switch_campaign",
]


# --- Reading -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignLine:
    """One campaign as the list shows it."""

    campaign: Campaign
    programs: int
    applications: int

    @property
    def state(self) -> str:
        return campaign_state(self.campaign)


def campaign_state(campaign: Campaign) -> str:
    """« active », « archived » or « prepared » (created, never activated)."""
    if campaign.is_active:
        return "active"
    if campaign.archived_at is not None:
        return "archived"
    return "prepared"


STATE_LABELS = {
    "active": N_("Active"),
    "archived": N_("Archivée"),
    "prepared": N_("En préparation"),
}


def list_campaigns(session: Session, *, actor: Actor) -> list[CampaignLine]:
    """Every campaign, newest first, with how many programmes and live applications it holds."""
    require_admin(session, actor=actor)
    campaigns = session.exec(select(Campaign).order_by(col(Campaign.starts_on).desc(), col(Campaign.id).desc())).all()
    programs = dict(
        session.exec(select(Program.campaign_id, func.count()).group_by(col(Program.campaign_id))).all()  # type: ignore[arg-type]
    )
    applications = dict(
        session.exec(
            select(Application.campaign_id, func.count())  # type: ignore[arg-type]
            .where(col(Application.cancelled_at).is_(None))
            .group_by(col(Application.campaign_id))
        ).all()
    )
    return [CampaignLine(c, programs.get(c.id, 0), applications.get(c.id, 0)) for c in campaigns]


def active_campaign(session: Session) -> Campaign | None:
    """The campaign open now (at most one: a partial unique index), or None between two campaigns."""
    return session.exec(select(Campaign).where(col(Campaign.is_active))).first()


def active_campaign_id(session: Session) -> int | None:
    return session.exec(select(Campaign.id).where(col(Campaign.is_active))).first()


def is_archived(session: Session, campaign_id: int) -> bool:
    archived = session.exec(select(Campaign.archived_at).where(Campaign.id == campaign_id)).first()
    return archived is not None


def require_open_campaign(session: Session, campaign_id: int) -> None:
    """Refuse a change to an application of an archived campaign, by a candidate or staff (it stays readable)."""
    if is_archived(session, campaign_id):
        raise DomainError(
            "campaign_archived",
            N_(
                "Cette candidature appartient à une campagne archivée : vous pouvez la consulter, "
                "mais plus la modifier."
            ),
        )


# --- Creating and editing ------------------------------------------------------------------------------------------


class CampaignSchema(BaseModel):
    code: str
    label_fr: str
    label_en: str
    starts_on: date | None
    ends_on: date | None
    sign_in_closes_at: datetime | None = None
    definitive_acceptance: bool = False

    @field_validator("code", "label_fr", "label_en", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> str:
        return re.sub(r"\s+", " ", str(value or "")).strip()

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not value:
            raise ValueError(REQUIRED)
        if len(value) > 20 or not CODE_RE.match(value):
            raise ValueError(
                N_("Le code compte 20 caractères au plus : lettres, chiffres, tirets, sans espace ni accent.")
            )
        return value.upper()

    @field_validator("label_fr", "label_en")
    @classmethod
    def _label(cls, value: str) -> str:
        if not value:
            raise ValueError(REQUIRED)
        if len(value) > 200:
            raise ValueError(N_("Ce texte est trop long."))
        return value

    @field_validator("starts_on", "ends_on")
    @classmethod
    def _day(cls, value: date | None) -> date:
        if value is None:
            raise ValueError(REQUIRED)
        return value

    @field_validator("sign_in_closes_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return clock.as_utc(value)

    @model_validator(mode="after")
    def _ordered(self) -> "CampaignSchema":
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = N_("La fin de la campagne doit suivre son début.")
        closes = self.sign_in_closes_at
        if closes is not None and self.starts_on is not None and clock.paris(closes).date() < self.starts_on:
            errors["sign_in_closes_at"] = N_("La fermeture des connexions doit suivre le début de la campagne.")
        if errors:
            raise DossierInvalid(errors)
        return self


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    return validate(CampaignSchema, values).model_dump()


def save_campaign(
    session: Session,
    *,
    actor: Actor,
    campaign_id: int | None,
    expected_version: int | None,
    values: dict[str, Any],
) -> Campaign:
    """Create a campaign (prepared, not active) or edit one; an archived campaign is no longer edited."""
    require_admin(session, actor=actor, write=True)
    clean = _validated({name: values.get(name) for name in EDITABLE_FIELDS})
    if campaign_id is not None:
        current = load_for_edit(session, Campaign, campaign_id, expected_version)
        if current.archived_at is not None:
            raise DomainError("campaign_archived_edit", N_("Une campagne archivée ne se modifie plus."))
    try:
        return save_entity(
            session,
            actor=actor,
            model=Campaign,
            entity_id=campaign_id,
            expected_version=expected_version,
            values=clean,
            action=form_action("campaign", campaign_id),
        )
    except DossierInvalid as error:
        if "code" in error.errors:
            raise DossierInvalid({"code": N_("Une autre campagne porte déjà ce code.")}) from None
        raise


def archive_campaign(session: Session, *, actor: Actor, campaign_id: int, expected_version: int | None) -> Campaign:
    """Close a campaign without a successor: candidates can no longer apply; nothing is deleted."""
    require_admin(session, actor=actor, write=True)
    campaign = lock_campaign(session, campaign_id, expected_version)
    if campaign.archived_at is not None:
        raise DomainError("campaign_already_archived", N_("Cette campagne est déjà archivée."))
    before = snapshot(campaign, ("is_active", "archived_at"))
    campaign.is_active = False
    campaign.archived_at = clock.now()
    campaign.switch_scheduled_at = None  # an archived campaign is never switched to
    flush_campaigns(session, campaign)
    audit_row(
        session,
        actor,
        "campaign.archived",
        campaign,
        before=before,
        after=snapshot(campaign, ("is_active", "archived_at")),
    )
    return campaign
