"""Staff's interview slots of a programme: create, edit, publish or withdraw, and remove them.

Who: the roles that reach the programme through the scope rule (``require_program_in_scope``: the whole institution,
the programme's centre managers, its committee's members). A slot that nobody ever booked is deleted; one with
bookings is *cancelled* instead — each candidate still booked is mailed and may book another slot — because the
committee must be able to call off an interview (an examiner ill), and refusing would leave staff to reach the
candidates outside the portal. A booked slot's time, place and link do not change under the candidates' feet: staff
cancel it and publish another. Every change is version-checked (two staff on one slot: the second is refused).
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import Application, InterviewSlot, SlotBooking
from app.services.applications.staff_scope import require_program_in_scope
from app.services.interviews import mails
from app.services.interviews.rules import DEFAULT_BOOKING_CLOSE, booked_counts, live_bookings, lock_slots, slot_view
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application, audit_row
from app.services.platform.errors import DomainError, NotFound, StaleEdit
from app.services.platform.notifications import notify_candidate

MAX_CAPACITY = 500
ENDS_BEFORE = N_("L'heure de fin doit être après l'heure de début.")
PAST = N_("Ce créneau commence dans le passé : choisissez une date à venir.")
NO_PLACE = N_("Indiquez un lieu, un lien de visioconférence, ou les deux.")
BAD_LINK = N_("Le lien de visioconférence doit être une adresse complète commençant par https://.")
BAD_CAPACITY = N_("La capacité doit être un nombre entier entre 1 et {max}.")
CLOSE_AFTER_START = N_("La clôture des réservations doit précéder le début du créneau.")
BELOW_BOOKED = N_("La capacité ne peut pas descendre sous le nombre de réservations déjà faites ({booked}).")
BOOKED_FIXED = N_(
    "Ce créneau a des réservations : son horaire, son lieu et son lien ne changent plus. Annulez-le (les candidats "
    "sont prévenus) et publiez-en un autre."
)


@dataclass(frozen=True)
class SlotInput:
    """A slot as staff typed it (times aware, read in Paris time by the page)."""

    starts_at: datetime
    ends_at: datetime
    place: str
    video_link: str
    capacity: int
    booking_closes_at: datetime | None = None  # None: ``DEFAULT_BOOKING_CLOSE`` before the start


def _checked(data: SlotInput, now: datetime) -> SlotInput:
    """The input with blanks trimmed and the default closing filled, or the first refusal next to its field."""
    place, link = data.place.strip(), data.video_link.strip()
    if data.ends_at <= data.starts_at:
        raise DomainError("slot_ends_before", ENDS_BEFORE, field="ends_at")
    if data.starts_at <= now:
        raise DomainError("slot_past", PAST, field="starts_at")
    if not place and not link:
        raise DomainError("slot_no_place", NO_PLACE, field="place")
    parts = urlsplit(link)
    if link and (parts.scheme != "https" or not parts.netloc or " " in link or len(link) > 500):
        raise DomainError("slot_bad_link", BAD_LINK, field="video_link")
    if len(place) > 300:
        raise DomainError("slot_place_long", N_("Le lieu tient en 300 caractères au plus."), field="place")
    if not 1 <= data.capacity <= MAX_CAPACITY:
        raise DomainError("slot_bad_capacity", BAD_CAPACITY, field="capacity", max=MAX_CAPACITY)
    closes = data.booking_closes_at or data.starts_at - DEFAULT_BOOKING_CLOSE
    if closes > data.starts_at:
        raise DomainError("slot_close_after_start", CLOSE_AFTER_START, field="booking_closes_at")
    return SlotInput(data.starts_at, data.ends_at, place, link, data.capacity, closes)


def _record(slot: InterviewSlot) -> dict[str, object]:
    return {
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
        "place": slot.place,
        "video_link": slot.video_link,
        "capacity": slot.capacity,
        "booking_closes_at": slot.booking_closes_at.isoformat(),
        "is_published": slot.is_published,
    }


def _audit(session: Session, actor: Actor, action: str, slot: InterviewSlot, before: dict | None) -> None:
    audit_row(
        session, actor, action, slot, before=before, after=_record(slot) if action != "interview_slot.deleted" else None
    )


def create_slot(session: Session, *, actor: Actor, program_id: int, data: SlotInput, publish: bool) -> InterviewSlot:
    program, _role = require_program_in_scope(session, actor=actor, program_id=program_id, write=True)
    checked = _checked(data, clock.now())
    slot = InterviewSlot(
        program_id=program_id,
        committee_id=program.committee_id,  # the committee that examines the programme today
        starts_at=checked.starts_at,
        ends_at=checked.ends_at,
        place=checked.place,
        video_link=checked.video_link,
        capacity=checked.capacity,
        booking_closes_at=checked.booking_closes_at,
        is_published=publish,
        created_by_staff_id=actor.staff_id,
    )
    session.add(slot)
    session.flush()
    _audit(session, actor, "interview_slot.created", slot, None)
    return slot


def _locked_slot(session: Session, actor: Actor, slot_id: int, version: int) -> tuple[InterviewSlot, int]:
    """The slot in the actor's scope, locked, unchanged since ``version`` was read, and its live bookings."""
    found = session.get(InterviewSlot, slot_id)
    if found is None or found.cancelled_at is not None:
        raise NotFound("slot")
    require_program_in_scope(session, actor=actor, program_id=found.program_id, write=True)
    slot = lock_slots(session, [slot_id])[slot_id]
    if slot.version != version:
        raise StaleEdit()
    return slot, booked_counts(session, [slot_id]).get(slot_id, 0)


def update_slot(session: Session, *, actor: Actor, slot_id: int, version: int, data: SlotInput) -> InterviewSlot:
    slot, booked = _locked_slot(session, actor, slot_id, version)
    checked = _checked(data, clock.now())
    moved = (checked.starts_at, checked.ends_at, checked.place, checked.video_link) != (
        slot.starts_at,
        slot.ends_at,
        slot.place,
        slot.video_link,
    )
    if booked and moved:
        raise DomainError("slot_booked_fixed", BOOKED_FIXED, field="starts_at")
    if checked.capacity < booked:
        raise DomainError("slot_below_booked", BELOW_BOOKED, field="capacity", booked=booked)
    before = _record(slot)
    slot.starts_at, slot.ends_at = checked.starts_at, checked.ends_at
    slot.place, slot.video_link = checked.place, checked.video_link
    slot.capacity = checked.capacity
    slot.booking_closes_at = checked.booking_closes_at or slot.booking_closes_at
    session.add(slot)
    session.flush()
    _audit(session, actor, "interview_slot.updated", slot, before)
    return slot


def set_slot_published(session: Session, *, actor: Actor, slot_id: int, version: int, published: bool) -> InterviewSlot:
    """« Publier » / « Retirer de la publication »: a withdrawn slot takes no new booking; those made stay."""
    slot, _booked = _locked_slot(session, actor, slot_id, version)
    if slot.is_published != published:
        before = _record(slot)
        slot.is_published = published
        session.add(slot)
        session.flush()
        _audit(session, actor, "interview_slot.published" if published else "interview_slot.unpublished", slot, before)
    return slot


def remove_slot(session: Session, *, actor: Actor, slot_id: int, version: int) -> int:
    """« Supprimer le créneau »: deleted if never booked, else cancelled with a mail to each candidate still booked.

    Returns the number of bookings cancelled."""
    slot, booked = _locked_slot(session, actor, slot_id, version)
    before = _record(slot)
    ever_booked = session.exec(select(SlotBooking.id).where(SlotBooking.slot_id == slot_id)).first() is not None
    if not ever_booked:
        _audit(session, actor, "interview_slot.deleted", slot, before)
        session.delete(slot)
        session.flush()
        return 0
    now = clock.now()
    view = slot_view(slot, booked)
    rows = session.exec(
        select(SlotBooking, Application)
        .join(Application, col(Application.id) == SlotBooking.application_id)
        .where(SlotBooking.slot_id == slot_id, *live_bookings())
        .order_by(col(SlotBooking.id))
        .with_for_update(of=SlotBooking)
    ).all()
    for booking, application in rows:
        booking.cancelled_at = now
        session.add(booking)
        audit_application(
            session, actor, application, "interview.slot_cancelled", {"slot_id": slot_id}, None,
            entity=("slotbooking", booking.id),
        )  # fmt: skip
        mails.mail_interview(session, application, mails.SLOT_CANCELLED, view)
        notify_candidate(session, application.candidate_id)
    slot.cancelled_at, slot.is_published = now, False
    session.add(slot)
    session.flush()
    _audit(session, actor, "interview_slot.cancelled", slot, before)
    return len(rows)
