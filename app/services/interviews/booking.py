"""The candidate's interview: the published slots of a shortlisted application, and booking, moving or cancelling one.

A candidate books for an application whose latest published decision is a preselection, a published slot of its
programme whose bookings are still open and which has a place left. Moving is cancelling and booking in one
transaction. Every action locks the candidate row, then the slots it touches (``rules.lock_slots``), then counts:
a slot never holds more live bookings than its capacity, whatever the number of candidates booking at once. A
second identical booking (a double click, two tabs) finds the booking made and returns it: one row, one mail.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app import clock
from app.models import Attendance, InterviewSlot, SlotBooking
from app.services.applications.actions import own_application, own_candidate
from app.services.interviews import mails
from app.services.interviews.rules import (
    NO_BOOKING,
    NOT_SHORTLISTED,
    SlotView,
    booked_counts,
    live_booking,
    lock_slots,
    require_bookable,
    require_changeable,
    shortlisted,
    slot_view,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError
from app.services.platform.notifications import notify_candidate
from app.services.platform.versions import flush_versioned


@dataclass(frozen=True)
class InterviewView:
    """The « Entretien » section of an application: the booked slot and the slots one may book now."""

    application_id: int
    shortlisted: bool
    booked: SlotView | None
    attendance: str | None  # the booking's attendance, once staff marked it
    offered: list[SlotView]  # published, bookings open, a place left (the booked one excluded)
    can_change: bool  # the booked slot's bookings are still open

    @property
    def can_book(self) -> bool:
        return self.shortlisted and bool(self.offered) and (self.booked is None or self.can_change)


def interview_view(session: Session, *, actor: Actor, application_id: int) -> InterviewView | None:
    """None when the application has nothing to do with interviews (not shortlisted, never booked)."""
    _candidate, application = own_application(session, actor, application_id)
    booking = live_booking(session, application_id)
    listed = shortlisted(application)
    if not listed and booking is None:
        return None
    now = clock.now()
    slots = session.exec(
        select(InterviewSlot)
        .where(
            InterviewSlot.program_id == application.program_id,
            col(InterviewSlot.is_published),
            col(InterviewSlot.cancelled_at).is_(None),
            InterviewSlot.booking_closes_at > now,
        )
        .order_by(col(InterviewSlot.starts_at), col(InterviewSlot.id))
    ).all()
    booked_slot = session.get(InterviewSlot, booking.slot_id) if booking else None
    booked_id = booked_slot.id if booked_slot else None
    counts = booked_counts(session, [slot.id or 0 for slot in slots] + ([booked_id] if booked_id else []))
    views = [slot_view(slot, counts.get(slot.id or 0, 0)) for slot in slots]
    offered = [view for view in views if view.places_left and view.id != booked_id] if listed else []
    return InterviewView(
        application_id,
        listed,
        slot_view(booked_slot, counts.get(booked_id or 0, 0)) if booked_slot else None,
        booking.attendance.value if booking and booking.attendance != Attendance.EXPECTED else None,
        offered,
        booked_slot is not None and now < booked_slot.booking_closes_at,
    )


def book_slot(session: Session, *, actor: Actor, application_id: int, slot_id: int) -> SlotBooking:
    """« Réserver ce créneau » (or « Changer de créneau » when one is booked already)."""
    own_candidate(session, actor, write=True, lock=True)  # lock order: the candidate first (a double click waits)
    _candidate, application = own_application(session, actor, application_id, write=True)
    if not shortlisted(application):
        raise DomainError("not_shortlisted", NOT_SHORTLISTED)
    current = live_booking(session, application_id)
    if current is not None and current.slot_id == slot_id:
        return current  # booked already (a double click): once is enough
    slots = lock_slots(session, [slot_id] + ([current.slot_id] if current else []))
    now = clock.now()
    counts = booked_counts(session, list(slots))
    previous = None
    if current is not None:
        old = slots[current.slot_id]
        require_changeable(old, now)
        previous = slot_view(old, counts.get(old.id or 0, 0))
    target = slots[slot_id]
    require_bookable(target, application, counts.get(slot_id, 0), now)
    if current is not None:
        current.cancelled_at = now
        session.add(current)
        flush_versioned(session)  # the old booking leaves before the new one (one live booking per application)
    booking = SlotBooking(slot_id=slot_id, application_id=application_id, booked_at=now)
    session.add(booking)
    session.flush()
    action = "interview.moved" if previous else "interview.booked"
    before = {"slot_id": previous.id} if previous else None
    audit_application(
        session, actor, application, action, before, {"slot_id": slot_id}, entity=("slotbooking", booking.id)
    )
    view = slot_view(target, counts.get(slot_id, 0) + 1)
    mails.mail_interview(session, application, mails.MOVED if previous else mails.BOOKED, view, previous)
    notify_candidate(session, application.candidate_id)
    return booking


def cancel_booking(session: Session, *, actor: Actor, application_id: int) -> None:
    """« Annuler ma réservation »: the place is free again for another candidate."""
    own_candidate(session, actor, write=True, lock=True)
    _candidate, application = own_application(session, actor, application_id, write=True)
    current = live_booking(session, application_id)
    if current is None:
        raise DomainError("no_booking", NO_BOOKING)
    slot = lock_slots(session, [current.slot_id])[current.slot_id]
    now = clock.now()
    require_changeable(slot, now)
    current.cancelled_at = now
    session.add(current)
    flush_versioned(session)
    audit_application(
        session,
        actor,
        application,
        "interview.cancelled",
        {"slot_id": slot.id},
        None,
        entity=("slotbooking", current.id),
    )
    count = booked_counts(session, [slot.id or 0]).get(slot.id or 0, 0)
    mails.mail_interview(session, application, mails.CANCELLED, slot_view(slot, count))
    notify_candidate(session, application.candidate_id)
