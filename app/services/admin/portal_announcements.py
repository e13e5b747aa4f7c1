"""« Messages aux candidats » (/admin/messages): the central office lists, creates, edits and deletes the
announcements, each checked and version-checked; the banners themselves are ``platform/announcements.py``'s.
"""

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, field_validator, model_validator
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Announcement, AnnouncementLevel
from app.services.admin.common import form_action, load_for_edit, require_admin, save_entity
from app.services.platform import announcements
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.form_checks import REQUIRED, DossierInvalid, validate

MESSAGE_MAX = 1000
EDITABLE_FIELDS = ("level", "message_fr", "message_en", "starts_at", "ends_at", "show_to_staff", "is_active")


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
    announcements.invalidate_on_commit(session)
    return announcement


def delete_announcement(session: Session, *, actor: Actor, announcement_id: int, expected_version: int | None) -> None:
    """Remove an announcement (nothing refers to one); refused if somebody changed it since it was opened."""
    require_admin(session, actor=actor, write=True)
    announcement = load_for_edit(session, Announcement, announcement_id, expected_version)
    before = {"level": announcement.level.value, "message_fr": announcement.message_fr}
    session.delete(announcement)
    session.flush()
    audit_row(session, actor, "announcement.deleted", announcement, before=before)
    announcements.invalidate_on_commit(session)
