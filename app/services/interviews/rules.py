"""What the candidate's and the staff's interview services share: the slot row lock, places left, who is
shortlisted, the slot as the screens and mails read it.

Lock order (as ``decisions/waiting_list``): the candidate row (candidate actions), then slot rows in ascending id,
then booking rows. A slot's row lock serialises every change of its bookings, so counting the live bookings under
it and inserting one never overbooks: PostgreSQL takes ``SELECT … FOR UPDATE``; SQLite ignores it and serialises
writers, and a no-op write takes its writer lock at once (before the count is read).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app.clock import paris
from app.i18n import N_
from app.models import Application, DecisionKind, InterviewSlot, SlotBooking
from app.services.platform.errors import DomainError, NotFound

# A slot's bookings close this long before it starts unless staff set another moment.
DEFAULT_BOOKING_CLOSE = timedelta(hours=24)

NOT_SHORTLISTED = N_("Cette candidature n'est pas présélectionnée : il n'y a pas d'entretien à réserver.")
FULL = N_("Ce créneau est complet : choisissez-en un autre.")
CLOSED = N_("Les réservations de ce créneau sont closes depuis le {closes_at}.")
UNAVAILABLE = N_("Ce créneau n'est plus proposé : choisissez-en un autre.")
NO_BOOKING = N_("Vous n'avez pas de créneau réservé pour cette candidature.")


@dataclass(frozen=True)
class SlotView:
    """A slot as screens and mails read it (times aware UTC, shown in Paris time)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    video_link: str
    capacity: int
    booked: int
    booking_closes_at: datetime
    is_published: bool
    version: int

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)

    def mail(self) -> dict[str, Any]:
        """The ``slot`` variable of the interview mails."""
        return {
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "place": self.place,
            "video_link": self.video_link,
            "booking_closes_at": self.booking_closes_at,
        }


def slot_view(slot: InterviewSlot, booked: int) -> SlotView:
    return SlotView(
        slot.id or 0,
        slot.starts_at,
        slot.ends_at,
        slot.place,
        slot.video_link,
        slot.capacity,
        booked,
        slot.booking_closes_at,
        slot.is_published,
        slot.version,
    )


def live_bookings() -> list[Any]:
    return [col(SlotBooking.cancelled_at).is_(None)]


def booked_counts(session: Session, slot_ids: list[int]) -> dict[int, int]:
    """The number of live bookings of each slot (absent: none)."""
    if not slot_ids:
        return {}
    rows = session.exec(
        select(SlotBooking.slot_id, func.count())
        .where(col(SlotBooking.slot_id).in_(slot_ids), *live_bookings())
        .group_by(col(SlotBooking.slot_id))
    ).all()
    return {slot_id: count for slot_id, count in rows}


def lock_slots(session: Session, slot_ids: list[int]) -> dict[int, InterviewSlot]:
    """Slot rows, locked in ascending id and re-read (see the module docstring); a missing one is "not found"."""
    locked: dict[int, InterviewSlot] = {}
    for slot_id in sorted(set(slot_ids)):
        slot = session.exec(
            select(InterviewSlot)
            .where(InterviewSlot.id == slot_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if slot is None:
            raise NotFound("slot")
        if session.get_bind().dialect.name == "sqlite":
            # SQLite ignores FOR UPDATE: a no-op write takes the writer lock now (Core: no version bump).
            session.connection().execute(
                sa.update(InterviewSlot).where(col(InterviewSlot.id) == slot_id).values(capacity=InterviewSlot.capacity)
            )
        locked[slot_id] = slot
    return locked


def short_moment(moment: datetime) -> str:
    """« 15/06/2026 23:59 » in Paris time, for a refusal's message (the same in both languages)."""
    return paris(moment).strftime("%d/%m/%Y %H:%M")


def shortlisted(application: Application) -> bool:
    """The application's latest published decision is a preselection, and it is still live."""
    return (
        application.cancelled_at is None
        and application.last_decision_published
        and application.last_decision_kind == DecisionKind.PRESELECTION
    )


def live_booking(session: Session, application_id: int, *, lock: bool = False) -> SlotBooking | None:
    statement = select(SlotBooking).where(SlotBooking.application_id == application_id, *live_bookings())
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return session.exec(statement).first()


def require_bookable(slot: InterviewSlot, application: Application, booked: int, now: datetime) -> None:
    """A candidate may take a place on ``slot`` now (``booked``: its live bookings, counted under its lock)."""
    if slot.program_id != application.program_id or not slot.is_published or slot.cancelled_at is not None:
        raise DomainError("slot_unavailable", UNAVAILABLE, field="slot")
    if now >= slot.booking_closes_at:
        raise DomainError("slot_closed", CLOSED, field="slot", closes_at=short_moment(slot.booking_closes_at))
    if booked >= slot.capacity:
        raise DomainError("slot_full", FULL, field="slot")


def require_changeable(slot: InterviewSlot, now: datetime) -> None:
    """A candidate may still leave ``slot`` (move or cancel): before its bookings close."""
    if now >= slot.booking_closes_at:
        raise DomainError("slot_closed", CLOSED, closes_at=short_moment(slot.booking_closes_at))
