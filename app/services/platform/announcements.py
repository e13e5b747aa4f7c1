"""Messages to candidates: an information or maintenance banner shown on every page between two moments.

The frame asks :func:`current_banners` on every page: the announcements are read from a short in-process cache
(dropped when a save commits), and only their time window is checked at each call.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, field_validator, model_validator
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Announcement, AnnouncementLevel
from app.services.accounts.admin_rights import require_admin
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.form_checks import REQUIRED, DossierInvalid, validate
from app.services.platform.labels import in_language
from app.services.platform.process_cache import EngineCache
from app.services.platform.versioned_save import form_action, load_for_edit, save_entity

CACHE_SECONDS = 30.0
MESSAGE_MAX = 1000
EDITABLE_FIELDS = ("level", "message_fr", "message_en", "starts_at", "ends_at", "show_to_staff", "is_active")
LEVEL_LABELS = {
    AnnouncementLevel.INFORMATION: N_("Information"),
    AnnouncementLevel.MAINTENANCE: N_("Maintenance"),
}


@dataclass(frozen=True)
class Banner:
    """One banner as the frame draws it."""

    id: int
    level: AnnouncementLevel
    message_fr: str
    message_en: str
    starts_at: datetime | None
    ends_at: datetime | None
    show_to_staff: bool

    def message(self, language: str) -> str:
        return in_language(self.message_fr, self.message_en, language)

    def shown_at(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or now < self.ends_at)


def _read_banners(session: Session) -> tuple[Banner, ...]:
    """Active announcements, whatever their window: it is checked at each call, against the clock of that call."""
    rows = session.exec(select(Announcement).where(col(Announcement.is_active)).order_by(col(Announcement.id))).all()
    return tuple(
        Banner(
            id=row.id or 0,
            level=row.level,
            message_fr=row.message_fr,
            message_en=row.message_en,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            show_to_staff=row.show_to_staff,
        )
        for row in rows
    )


_cache: EngineCache[tuple[Banner, ...]] = EngineCache("announcements", _read_banners, tuple, CACHE_SECONDS)


def invalidate() -> None:
    _cache.invalidate()


def current_banners(*, staff: bool) -> list[Banner]:
    """The banners to show now: to candidates and visitors all of them, to staff those flagged for staff.

    Maintenance first. The cache is read again at most every ``CACHE_SECONDS``; a banner whose end passed is not
    shown even if the cache still holds it.
    """
    now = clock.now()
    banners = [b for b in _cache.get() if b.shown_at(now) and (b.show_to_staff or not staff)]
    return sorted(banners, key=lambda b: (b.level != AnnouncementLevel.MAINTENANCE, b.id))


# --- Administration ------------------------------------------------------------------------------------------------


class AnnouncementSchema(BaseModel):
    level: AnnouncementLevel | None
    message_fr: str
    message_en: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    show_to_staff: bool = False
    is_active: bool = True

    @field_validator("level")
    @classmethod
    def _level(cls, value: AnnouncementLevel | None) -> AnnouncementLevel:
        if value is None:
            raise ValueError(REQUIRED)
        return value

    @field_validator("message_fr", "message_en", mode="before")
    @classmethod
    def _message(cls, value: Any) -> str:
        text = re.sub(r"[ \t]+", " ", str(value or "")).strip()
        if not text:
            raise ValueError(REQUIRED)
        if len(text) > MESSAGE_MAX:
            raise ValueError(N_("Ce texte est trop long."))
        return text

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return clock.as_utc(value)

    @model_validator(mode="after")
    def _ordered(self) -> "AnnouncementSchema":
        if self.starts_at is not None and self.ends_at is not None and self.ends_at <= self.starts_at:
            raise DossierInvalid({"ends_at": N_("La fin de l'affichage doit suivre son début.")})
        return self


def list_announcements(session: Session, *, actor: Actor) -> list[Announcement]:
    """Every announcement, the latest first."""
    require_admin(session, actor=actor)
    return list(session.exec(select(Announcement).order_by(col(Announcement.id).desc())).all())


def save_announcement(
    session: Session, *, actor: Actor, announcement_id: int | None, expected_version: int | None, values: dict[str, Any]
) -> Announcement:
    """Create or edit an announcement; a concurrent edit is refused; the banners change when this commits."""
    require_admin(session, actor=actor, write=True)
    clean = validate(AnnouncementSchema, {name: values.get(name) for name in EDITABLE_FIELDS}).model_dump()
    announcement = save_entity(
        session,
        actor=actor,
        model=Announcement,
        entity_id=announcement_id,
        expected_version=expected_version,
        values=clean,
        action=form_action("announcement", announcement_id),
        unique_field=None,
    )
    _cache.invalidate_on_commit(session)
    return announcement


def delete_announcement(session: Session, *, actor: Actor, announcement_id: int, expected_version: int | None) -> None:
    """Remove an announcement (nothing refers to one); refused if somebody changed it since it was opened."""
    require_admin(session, actor=actor, write=True)
    announcement = load_for_edit(session, Announcement, announcement_id, expected_version)
    before = {"level": announcement.level.value, "message_fr": announcement.message_fr}
    session.delete(announcement)
    session.flush()
    audit_row(session, actor, "announcement.deleted", announcement, before=before)
    _cache.invalidate_on_commit(session)
