"""« Transfert des inscriptions »: the central office sees the confirmed candidates and downloads the ZIP."""

import io
import zipfile

from nicegui.testing import User
from sqlmodel import select

from app import clock as app_clock
from app.db import new_session
from app.models import EnrolmentHandoff, HandoffStatus, StaffRole
from app.services.decisions.answers import confirm_offer
from tests import factories
from tests.ui.staff_sessions import make_staff, sign_in

DEADLINE = app_clock.paris_datetime(2026, 6, 20, 23, 59, 59)


def confirmed_candidate() -> int:
    """One candidate who confirmed their offer in a programme of the 2026 campaign; returns the application id."""
    with new_session() as session:
        campaign = factories.campaign(session, code="2026")
        program = factories.program(session, campaign_id=campaign.id, code="M1-INFO", label_fr="Master 1 Informatique")
        candidate = factories.complete_candidate(session, birth_name="MARTIN", first_names="CLAIRE")
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
        session.commit()
        confirm_offer(session, actor=factories.candidate_actor(session, candidate), application_id=application.id)
        session.commit()
        return application.id or 0


async def test_the_central_office_sees_the_hand_off_and_downloads_it(user: User, clock) -> None:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    application_id = confirmed_candidate()
    make_staff("office", StaffRole.CENTRAL_OFFICE, "Odile Office")
    await sign_in(user, "office")
    await user.open("/gestion/transfert-inscriptions")
    await user.should_see("Candidats à inscrire : 1")
    await user.should_see("Confirmations à transmettre : 1")
    await user.should_see("MARTIN CLAIRE")
    user.find(marker="mark-sent").click()
    user.find(marker="download-zip").click()
    response = await user.download.next(timeout=10)
    assert "candidats.csv" in " ".join(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    await user.should_see("1 confirmation enregistrée comme transmise.", retries=50)
    await user.should_see("Confirmations transmises : 1", retries=50)
    with new_session() as session:
        row = session.exec(select(EnrolmentHandoff).where(EnrolmentHandoff.application_id == application_id)).one()
        assert row.status == HandoffStatus.SENT


async def test_a_committee_member_is_refused(user: User) -> None:
    make_staff("juror", StaffRole.COMMITTEE_MEMBER, committee_id=_committee())
    await sign_in(user, "juror")
    await user.open("/gestion/transfert-inscriptions")
    await user.should_see("Votre rôle actuel ne permet pas d'ouvrir cette page. Changez de rôle dans l'en-tête.")
    await user.should_not_see(marker="handoff-counts")


def _committee() -> int:
    with new_session() as session:
        committee_id = factories.program(session).committee_id
        session.commit()
        return committee_id or 0
