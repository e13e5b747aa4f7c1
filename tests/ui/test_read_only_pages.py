"""The read-only mode on the candidate's screens: the banner on every page, a save refused with the clear message,
« Confirmer » still answered (#19 item 6)."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import Address, AnswerKind, Application, StaffRole
from app.services.accounts.passwords import hash_password
from app.services.admin import read_only_switch
from app.services.platform import read_only
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in
from tests.ui.static_html import should_see_marked

PASSWORD = "Solide-Passe-2026"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_mode() -> Iterator[None]:
    read_only.clear_automatic()
    yield
    read_only.clear_automatic()
    read_only.invalidate()


@pytest.fixture
def offer(database_url: str, clock) -> dict:
    clock.set(NOW)
    with transaction() as session:
        program = factories.program(session, label_fr="Master Chimie", capacity=1)
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        candidate = factories.complete_candidate(session, account_id=account.id)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(session, application=application, confirmation_deadline=NOW + timedelta(days=5))
        office = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
        result = {"email": account.email, "id": application.id, "candidate_id": candidate.id}
    with transaction() as session:
        read_only_switch.set_read_only(session, actor=office, on=True)
    return result


async def test_a_read_only_portal_refuses_a_save_but_not_the_answer(user: User, offer: dict) -> None:
    await user.open("/connexion")
    user.find(marker="login").type(offer["email"])
    user.find(marker="password").type(PASSWORD)
    await click(user, "sign-in")  # signing in still works
    await user.should_see(marker="candidate-name")
    await user.should_see(marker="banner-read-only")
    await user.should_see("les autres modifications sont suspendues")
    await user.should_not_see(marker="read-only-detail")  # who switched it is for staff

    await user.open("/candidat/dossier/adresse")
    await user.should_see(marker="banner-read-only")
    user.find(marker="line1").type(" bis")
    await click(user, "save")
    await user.should_see("pas possible pour le moment")
    with new_session() as session:
        address = session.exec(select(Address).where(Address.candidate_id == offer["candidate_id"])).one()
        assert address.line1 == "1 rue de Bourgogne"

    await user.open(f"/candidat/candidatures/{offer['id']}")
    await user.should_see(marker="banner-read-only")
    user.find(marker="confirm-offer").click()
    await should_see_marked(user, "answer-confirmed", retries=50)
    with new_session() as session:
        assert session.get(Application, offer["id"]).answer == AnswerKind.CONFIRMED


def switched_on() -> bool:
    with new_session() as session:  # the test runs on the event loop, where the mode is read from the cache
        return read_only.read_switch(session).on


async def test_the_central_office_switches_the_portal_from_the_parameters_screen(user: User, database_url: str) -> None:
    read_only.invalidate()
    make_staff("office", StaffRole.CENTRAL_OFFICE, "Camille Bureau")
    await sign_in(user, "office")
    await user.open("/admin/parametres")
    await user.should_see("Le portail accepte les modifications.")
    await click(user, "read-only-switch")
    await user.should_see(marker="saved")
    assert switched_on()
    await user.open("/admin/parametres")  # staff read who switched it, on every page
    await user.should_see(marker="banner-read-only")
    await user.should_see(marker="read-only-detail")
    await user.should_see("Camille Bureau")
    await click(user, "read-only-switch")
    await user.should_see("Le portail accepte de nouveau les modifications.")
    assert not switched_on()
