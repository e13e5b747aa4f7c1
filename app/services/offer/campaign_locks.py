"""A campaign row locked for a change, and the flush that turns the one-active-campaign index into a refusal."""

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.i18n import N_
from app.models import Campaign
from app.services.platform.errors import DomainError, NotFound, StaleEdit
from app.services.platform.versions import flush_versioned


def lock_campaign(session: Session, campaign_id: int, expected_version: int | None) -> Campaign:
    campaign = session.exec(select(Campaign).where(Campaign.id == campaign_id).with_for_update()).first()
    if campaign is None:
        raise NotFound("campaign")
    if expected_version is not None and campaign.version != expected_version:
        raise StaleEdit()
    return campaign


def flush_campaigns(session: Session, *rows: Any) -> None:
    session.add_all(rows)
    try:
        flush_versioned(session)
    except IntegrityError:
        # The partial unique index: another campaign was activated meanwhile.
        raise DomainError(
            "second_active_campaign",
            N_("Une autre campagne est déjà active : une seule campagne peut l'être à la fois."),
        ) from None
