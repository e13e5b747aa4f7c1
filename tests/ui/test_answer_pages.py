"""« Répondre » on the application page: confirm (a double click answers once), withdraw through its dialog."""

from datetime import UTC, datetime, timedelta

import pytest
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import AnswerKind, Application, CandidateAnswer, DecisionKind, OutboxMail
from app.services.passwords import hash_password
from tests import factories
from tests.ui.static_html import should_see_marked

PASSWORD = "Solide-Passe-2026"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def offer(database_url: str, clock) -> dict:
    clock.set(NOW)
    with transaction() as session:
        call_type = factories.decision_type(session, DecisionKind.FAVORABLE)
        program = factories.program(
            session, label_fr="Master Chimie", capacity=1, waiting_list_call_decision_type_id=call_type.id
        )
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        candidate = factories.complete_candidate(session, account_id=account.id)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(session, application=application, confirmation_deadline=NOW + timedelta(days=5))
        waiting = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
        factories.published_decision(session, application=waiting, kind=DecisionKind.WAITING_LIST, rank=1)
        return {"email": account.email, "id": application.id, "waiting_id": waiting.id}


async def open_application(user: User, offer: dict) -> None:
    path = f"/candidat/candidatures/{offer['id']}"
    await user.open(f"/connexion?suite={path}")
    user.find(marker="login").type(offer["email"])
    user.find(marker="password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="answer", retries=50)  # the sign-in: a worker thread, a new session, a redirect


def answers(application_id: int) -> list[CandidateAnswer]:
    with new_session() as session:
        return list(session.exec(select(CandidateAnswer).where(CandidateAnswer.application_id == application_id)))


async def test_confirm_twice_answers_once(user: User, offer: dict) -> None:
    await open_application(user, offer)
    await should_see_marked(user, "answer-deadline")
    await user.should_see("5 jours restants")
    button = user.find(marker="confirm-offer")
    button.click()
    button.click()
    await should_see_marked(user, "answer-confirmed", retries=50)
    assert [answer.kind for answer in answers(offer["id"])] == [AnswerKind.CONFIRMED]
    await user.should_see(marker="withdraw-offer")  # withdrawing stays possible after confirming


async def test_withdraw_through_the_dialog_calls_the_waiting_list(user: User, offer: dict) -> None:
    await open_application(user, offer)
    user.find(marker="withdraw-offer").click()
    await user.should_see(marker="withdraw-dialog")
    await user.should_see("définitif")
    user.find(marker="withdraw-keep").click()
    assert answers(offer["id"]) == []
    user.find(marker="withdraw-offer").click()
    user.find(marker="withdraw-reason").type("Autre formation choisie")
    user.find(marker="withdraw-confirm").click()
    await should_see_marked(user, "answer-withdrawn", retries=50)
    [answer] = answers(offer["id"])
    assert (answer.kind, answer.reason) == (AnswerKind.WITHDRAWN, "Autre formation choisie")
    with new_session() as session:
        called = session.get(Application, offer["waiting_id"])
        assert called is not None and called.called_from_waiting_list_at is not None
        codes = session.exec(select(OutboxMail.code).where(OutboxMail.application_id == offer["waiting_id"])).all()
    assert "decision_waiting_list_call" in codes


async def test_the_letter_is_linked_and_downloaded(user: User, offer: dict) -> None:
    await open_application(user, offer)
    await should_see_marked(user, "download-letter")
    response = await user.http_client.get(f"/candidat/candidatures/{offer['id']}/lettre.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert (await user.http_client.get(f"/candidat/candidatures/{offer['waiting_id']}/lettre.pdf")).status_code == 404
