"""« Me retirer de la liste complémentaire » on the application page: a confirmation dialog (keeping changes
nothing), the departure announced in the status line, the list's section gone."""

from datetime import UTC, datetime

import pytest
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import AnswerKind, Application, CandidateAnswer, DecisionKind, OutboxMail
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.static_html import marked, should_see_marked
from tests.ui.test_answer_pages import SlotNotify, status_after

PASSWORD = "Solide-Passe-2026"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def waiting(database_url: str, clock) -> dict:
    clock.set(NOW)
    with transaction() as session:
        program = factories.program(session, label_fr="Master Chimie", capacity=1)
        holder = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
        factories.published_decision(session, application=holder)
        ids = []
        for rank in (1, 2):
            account = factories.account(session, password_hash=hash_password(PASSWORD))
            candidate = factories.complete_candidate(session, account_id=account.id)
            application = factories.application(session, candidate_id=candidate.id, program=program)
            factories.published_decision(session, application=application, kind=DecisionKind.WAITING_LIST, rank=rank)
            application.waiting_list_rank = rank
            session.add(application)
            ids.append((account.email, application.id))
        return {"email": ids[0][0], "id": ids[0][1], "next_id": ids[1][1]}


async def open_application(user: User, waiting: dict) -> None:
    path = f"/candidat/candidatures/{waiting['id']}"
    await user.open(f"/connexion?suite={path}")
    user.find(marker="login").type(waiting["email"])
    user.find(marker="password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="leave-waiting-list", retries=50)


def answers(application_id: int) -> list[CandidateAnswer]:
    with new_session() as session:
        return list(session.exec(select(CandidateAnswer).where(CandidateAnswer.application_id == application_id)))


async def test_leaving_the_waiting_list_through_its_dialog(user: User, waiting: dict) -> None:
    user.notify = SlotNotify()
    await open_application(user, waiting)
    assert (await should_see_marked(user, "waiting-rank")).text == "Vous êtes au rang 1 sur la liste complémentaire."
    user.find(marker="leave-waiting-list").click()
    await user.should_see(marker="withdraw-dialog")
    await user.should_see("Vous retirer de la liste complémentaire")
    user.find(marker="withdraw-keep").click()
    assert answers(waiting["id"]) == []
    user.find(marker="leave-waiting-list").click()
    user.find(marker="withdraw-reason").type("Admis ailleurs")
    await status_after(user, "withdraw-confirm", "Votre retrait de la liste complémentaire est enregistré.")
    [answer] = answers(waiting["id"])
    assert (answer.kind, answer.reason) == (AnswerKind.WITHDRAWN, "Admis ailleurs")
    assert marked(user, "waiting-rank") is None and marked(user, "leave-waiting-list") is None
    with new_session() as session:
        codes = session.exec(select(OutboxMail.code).where(OutboxMail.application_id == waiting["id"])).all()
        following = session.get(Application, waiting["next_id"])
    assert sorted(codes) == ["committee_withdrawal", "waiting_list_left"]
    assert following is not None and following.waiting_list_rank == 1  # the next one moved up


async def test_a_candidate_on_hold_reads_the_waiting_list_words(user: User, waiting: dict) -> None:
    with transaction() as session:
        application = session.get(Application, waiting["id"])
        assert application is not None
        factories.published_decision(session, application=application, kind=DecisionKind.ON_HOLD)  # the latest
    await open_application(user, waiting)
    assert (await should_see_marked(user, "waiting-rank")).text == "Votre candidature est en liste d'attente."
    await user.should_see("Me retirer de la liste d'attente")
    user.find(marker="leave-waiting-list").click()
    await user.should_see("Vous retirer de la liste d'attente")
