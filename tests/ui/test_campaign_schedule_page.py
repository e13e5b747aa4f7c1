"""/admin/campagnes: « Programmer la bascule », « Annuler la bascule programmée » and a refused switch's reason."""

from datetime import UTC, date, datetime

import pytest
from nicegui.testing import User
from sqlmodel import select

from app import clock as app_clock
from app.db import new_session
from app.models import Campaign, StaffRole
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in

NOW = app_clock.paris_datetime(2026, 6, 1, 10)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    clock.set(NOW)
    return clock


def campaigns() -> None:
    with new_session() as session:
        factories.campaign(session, code="2026", starts_on=date(2025, 10, 1), ends_on=date(2026, 9, 30))
        factories.campaign(
            session, code="2027", is_active=False, starts_on=date(2026, 10, 1), ends_on=date(2027, 9, 30)
        )
        session.commit()


def prepared() -> Campaign:
    with new_session() as session:
        return session.exec(select(Campaign).where(Campaign.code == "2027")).one()


async def reads(user: User, marker: str, text: str) -> None:
    """The element marked ``marker`` reads ``text`` (French spacing: no-break spaces read as spaces)."""
    await user.should_see(marker=marker)
    element = user.find(marker=marker).elements.pop()
    shown = getattr(element, "text", "").replace("\xa0", " ").replace("\u202f", " ")
    assert shown == text, shown


async def open_prepared(user: User) -> None:
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/admin/campagnes")
    await user.should_see(marker="campaign-2027")
    user.find(marker="edit-2027").click()
    await user.should_see(marker="schedule")


async def test_the_central_office_schedules_the_switch_then_cancels_it(user: User) -> None:
    campaigns()
    await open_prepared(user)
    await click(user, "schedule")
    assert user.find(marker="schedule-at").elements.pop().error == "Saisissez une date et une heure."
    user.find(marker="schedule-at").type("2026-05-01T09:00")
    await click(user, "schedule")
    assert user.find(marker="schedule-at").elements.pop().error == "Choisissez un moment à venir."
    assert prepared().switch_scheduled_at is None
    user.find(marker="schedule-at").clear().type("2026-07-01T09:00")
    await click(user, "schedule")
    await reads(user, "saved", "Bascule vers « 2027 » programmée le 1 juillet 2026 à 09:00.")
    await reads(user, "schedule-planned", "Bascule programmée le 1 juillet 2026 à 09:00 (heure de Paris).")
    assert prepared().switch_scheduled_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    await click(user, "schedule-cancel")
    await reads(user, "saved", "Bascule programmée annulée.")
    await user.should_see(marker="schedule-at")
    assert prepared().switch_scheduled_at is None


async def test_a_refused_scheduled_switch_shows_its_reason(user: User) -> None:
    campaigns()
    with new_session() as session:
        campaign = session.exec(select(Campaign).where(Campaign.code == "2027")).one()
        campaign.switch_refusal = {
            "message": "La nouvelle campagne doit commencer après la campagne active (qui commence le {date}).",
            "params": {"date": "01/10/2025"},
        }
        session.add(campaign)
        session.commit()
    await open_prepared(user)
    await reads(
        user,
        "schedule-refusal",
        "La bascule programmée n'a pas eu lieu : La nouvelle campagne doit commencer après la campagne active "
        "(qui commence le 01/10/2025).",
    )


async def test_the_panel_speaks_english(user: User) -> None:
    campaigns()
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    await user.open("/langue/en?suite=/admin/campagnes")
    await user.should_see(marker="campaign-2027")
    user.find(marker="edit-2027").click()
    await user.should_see("Schedule the switch")
    user.find(marker="schedule-at").type("2026-05-01T09:00")
    await click(user, "schedule")
    assert user.find(marker="schedule-at").elements.pop().error == "Choose a moment in the future."
    user.find(marker="schedule-at").clear().type("2026-07-01T09:00")
    await click(user, "schedule")
    await reads(user, "schedule-planned", "Switch scheduled on 1 July 2026 at 09:00 (Paris time).")
    await user.should_see("Cancel the scheduled switch")
