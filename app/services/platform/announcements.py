"""Messages to candidates: an information or maintenance banner shown on every page between two moments.

The frame asks :func:`current_banners` on every page: the announcements are read from a short in-process cache
(dropped when a save commits), and only their time window is checked at each call. The central office edits them
in ``admin/portal_announcements.py``.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Announcement, AnnouncementLevel
from app.services.platform.labels import in_language
from app.services.platform.process_cache import EngineCache

CACHE_SECONDS = 30.0
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


def invalidate_on_commit(session: Session) -> None:
    """The banners change when ``session`` commits (an announcement saved or deleted in it)."""
    _cache.invalidate_on_commit(session)


def current_banners(*, staff: bool) -> list[Banner]:
    """The banners to show now: to candidates and visitors all of them, to staff those flagged for staff.

    Maintenance first. The cache is read again at most every ``CACHE_SECONDS``; a banner whose end passed is not
    shown even if the cache still holds it.
    """
    now = clock.now()
    banners = [b for b in _cache.get() if b.shown_at(now) and (b.show_to_staff or not staff)]
    return sorted(banners, key=lambda b: (b.level != AnnouncementLevel.MAINTENANCE, b.id))
