"""« Entretien » on a shortlisted application's page and staff's « Entretiens »: a candidate books a slot through its
radio group, moves and cancels; staff add a slot, see the booked candidate in the timetable, mark an absence; a role
outside the programme's scope is refused."""

from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlmodel import col, select

from app import clock as app_clock
from app.db import new_session, transaction
from app.models import Attendance, DecisionKind, InterviewSlot, OutboxMail, SlotBooking, StaffRole
from app.services.accounts.passwords import hash_password
from app.services.interviews import SlotInput, create_slot
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in
from tests.ui.static_html import should_see_marked
from tests.ui.test_answer_pages import SlotNotify, status_after

PASSWORD = "Solide-Passe-2026"
NOW = app_clock.paris_datetime(2026, 5, 4, 9, 0)
MONDAY_10 = app_clock.paris_datetime(2026, 5, 11, 10, 0)


@pytest.fixture
def shortlisted(database_url: str, clock) -> dict:
    clock.set(NOW)
    with transaction() as session:
        program = factories.program(session, label_fr="Master Chimie")
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        candidate = factories.complete_candidate(session, account_id=account.id, birth_name="MARTIN")
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(session, application=application, kind=DecisionKind.PRESELECTION)
        staff = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
        slots = [
            create_slot(
                session,
                actor=staff,
                program_id=program.id,
                data=SlotInput(start, start + timedelta(minutes=30), "Salle E08", "", 1),
                publish=True,
            ).id
            for start in (MONDAY_10, MONDAY_10 + timedelta(hours=1))
        ]
        return {
            "email": account.email,
            "id": application.id,
            "program": program.id,
            "centre": program.centre_id,
            "slots": slots,
            "number": account.dossier_number,
        }


async def open_application(user: User, data: dict) -> None:
    path = f"/candidat/candidatures/{data['id']}"
    await user.open(f"/connexion?suite={path}")
    user.find(marker="login").type(data["email"])
    user.find(marker="password").type(PASSWORD)
    await click(user, "sign-in")
    await user.should_see(marker="interview", retries=50)


def live_slots(application_id: int) -> list[int]:
    with new_session() as session:
        return list(
            session.exec(
                select(SlotBooking.slot_id).where(
                    SlotBooking.application_id == application_id, col(SlotBooking.cancelled_at).is_(None)
                )
            ).all()
        )


def choose(user: User, slot_id: int) -> None:
    [group] = user.find(marker="interview-slots").elements
    assert isinstance(group, ui.radio) and group.props["role"] == "radiogroup"
    group.set_value(slot_id)


async def test_a_shortlisted_candidate_books_moves_and_cancels(user: User, shortlisted: dict) -> None:
    user.notify = SlotNotify()
    await open_application(user, shortlisted)
    first, second = shortlisted["slots"]
    await user.should_see("lundi 11 mai 2026, 10:00 – 10:30 (heure de Paris)")
    await click(user, "interview-book")  # nothing chosen: said, nothing booked
    await user.should_see("Choisissez un créneau dans la liste, puis validez.")
    assert live_slots(shortlisted["id"]) == []
    choose(user, first)
    await status_after(
        user, "interview-book", "Votre créneau d'entretien est réservé. Un courriel de confirmation vous a été envoyé."
    )
    await should_see_marked(user, "interview-booked", containing="Salle E08")
    assert live_slots(shortlisted["id"]) == [first]
    choose(user, second)
    await click(user, "interview-book")
    await should_see_marked(user, "interview-booked", containing="11:00", timeout=10)
    assert live_slots(shortlisted["id"]) == [second]
    await click(user, "interview-cancel")
    await user.should_see("Votre réservation d'entretien est annulée.")
    assert live_slots(shortlisted["id"]) == []
    with new_session() as session:
        codes = session.exec(select(OutboxMail.code).where(col(OutboxMail.code).startswith("interview_"))).all()
    assert sorted(codes) == ["interview_booked", "interview_cancelled", "interview_moved"]


async def test_a_slot_closed_meanwhile_is_refused_with_its_date(user: User, shortlisted: dict) -> None:
    user.notify = SlotNotify()
    await open_application(user, shortlisted)
    first, _second = shortlisted["slots"]
    choose(user, first)
    with transaction() as session:  # the committee closed the bookings while the page was open
        slot = session.get(InterviewSlot, first)
        slot.booking_closes_at = NOW - timedelta(minutes=1)
        session.add(slot)
    await click(user, "interview-book")
    await user.should_see("Les réservations de ce créneau sont closes depuis le 04/05/2026 08:59.")
    assert live_slots(shortlisted["id"]) == []


async def test_staff_add_a_slot_see_the_booking_and_mark_an_absence(user: User, shortlisted: dict) -> None:
    make_staff("sci", StaffRole.CENTRE_MANAGER, centre_id=shortlisted["centre"])
    await sign_in(user, "sci")
    await user.open("/gestion/entretiens")
    await user.should_see("Master Chimie — 2 créneaux, 1 présélectionné")
    await user.open(f"/gestion/entretiens/{shortlisted['program']}")
    await user.should_see(marker="planning-pdf")
    planning = await user.http_client.get(f"/gestion/entretiens/{shortlisted['program']}/planning.pdf")
    assert planning.status_code == 200 and planning.content.startswith(b"%PDF")
    assert planning.headers["content-disposition"] == 'attachment; filename="planning-entretiens-Master-Chimie.pdf"'
    user.find(marker="slot-form-day").type("12/05/2026")
    user.find(marker="slot-form-start").type("14:00")
    user.find(marker="slot-form-end").type("13:00")
    user.find(marker="slot-form-place").type("Salle E10")
    await click(user, "slot-form-save")
    await user.should_see("L'heure de fin doit être après l'heure de début.")
    user.find(marker="slot-form-end").clear().type("14:30")
    await click(user, "slot-form-save")
    await user.should_see("Créneau ajouté.")
    with new_session() as session:
        added = session.exec(select(InterviewSlot).where(InterviewSlot.place == "Salle E10")).one()
    assert added.starts_at == app_clock.paris_datetime(2026, 5, 12, 14, 0) and added.is_published
    first = shortlisted["slots"][0]
    with transaction() as session:  # booked, and the interview under way (moving the clock would end the session)
        session.add(SlotBooking(slot_id=first, application_id=shortlisted["id"]))
        slot = session.get(InterviewSlot, first)
        slot.starts_at, slot.ends_at = NOW - timedelta(minutes=10), NOW + timedelta(minutes=20)
        session.add(slot)
    await user.open(f"/gestion/entretiens/{shortlisted['program']}")
    await user.should_see(marker=f"slot-{first}-candidates")
    await user.should_see(shortlisted["number"])
    [booking_id] = live_booking_ids(shortlisted["id"])
    await click(user, f"booking-{booking_id}-absent")
    await user.should_see("Présence enregistrée\u00a0: MARTIN JEAN.")  # French typography: a no-break space
    with new_session() as session:
        assert session.get(SlotBooking, booking_id).attendance == Attendance.ABSENT


def live_booking_ids(application_id: int) -> list[int]:
    with new_session() as session:
        return list(
            session.exec(
                select(SlotBooking.id).where(
                    SlotBooking.application_id == application_id, col(SlotBooking.cancelled_at).is_(None)
                )
            ).all()
        )


async def test_a_manager_of_another_centre_is_refused(user: User, shortlisted: dict) -> None:
    make_staff("autre", StaffRole.CENTRE_MANAGER)
    await sign_in(user, "autre")
    await user.open("/gestion/entretiens")
    await user.should_see(marker="no-program")
    await user.open(f"/gestion/entretiens/{shortlisted['program']}")
    await user.should_see(marker="refusal")
    planning = await user.http_client.get(f"/gestion/entretiens/{shortlisted['program']}/planning.pdf")
    assert planning.status_code == 404  # out of scope: nothing to reveal


async def test_a_read_only_role_sees_the_timetable_without_its_controls(user: User, shortlisted: dict) -> None:
    make_staff("lecteur", StaffRole.CENTRE_MANAGER, read_only=True, centre_id=shortlisted["centre"])
    await sign_in(user, "lecteur")
    await user.open(f"/gestion/entretiens/{shortlisted['program']}")
    await user.should_see(marker=f"slot-{shortlisted['slots'][0]}")
    await user.should_not_see(marker="interview-add")
    await user.should_not_see(marker=f"slot-{shortlisted['slots'][0]}-publish")
