"""« Répondre » on the application page: confirm (a double click answers once), withdraw through its dialog; what
the list and the page say once answered; every irreversible action's announced confirmation; the waiting-list rank."""

import importlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from nicegui import context
from nicegui.testing import User
from nicegui.testing.user_notify import UserNotify
from sqlmodel import select

from app.db import new_session, transaction
from app.models import AnswerKind, Application, CandidateAnswer, DecisionKind, DossierStatus, OutboxMail
from app.pages.applications_detail import ApplicationPage
from app.services.accounts.passwords import hash_password
from app.services.decisions.answers import withdraw
from app.services.platform.actors import Actor
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import marked, page_blocks, should_see_marked

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


# --- Once answered, the answer stands where the deadline stood ----------------------------------------------------


async def test_once_confirmed_the_page_and_the_list_show_the_answer_instead_of_the_deadline(
    user: User, offer: dict
) -> None:
    await open_application(user, offer)
    await should_see_marked(user, "confirm-date")  # « Confirmer avant le : 6 juin 2026 à 10:00 (5 jours restants) »
    await click(user, "confirm-offer")
    answered = await should_see_marked(user, "answered-date", retries=50)
    assert answered.text == "Vous avez confirmé le 1 juin 2026 à 10:00."
    assert marked(user, "confirm-date") is None and marked(user, "answer-deadline") is None
    assert marked(user, "answer-confirmed").text == "Vous avez confirmé le 1 juin 2026 à 10:00."

    await user.open("/candidat/candidatures")
    listed = await should_see_marked(user, f"answered-{offer['id']}")
    assert listed.text == "Vous avez confirmé le 1 juin 2026 à 10:00."
    assert marked(user, f"confirm-{offer['id']}") is None
    assert "Confirmer avant le" not in page_blocks(user).text


async def test_once_withdrawn_the_list_says_so_and_dates_that_no_longer_apply_are_gone(user: User, offer: dict) -> None:
    await open_application(user, offer)
    with transaction() as session:  # the dossier was found complete: nothing is left to return
        application = session.get(Application, offer["id"])
        application.dossier_status = DossierStatus.COMPLETE
        session.add(application)
    await user.open("/candidat/candidatures")
    await should_see_marked(user, f"confirm-{offer['id']}")
    assert marked(user, f"return-{offer['id']}") is None  # « Date de retour » asks nothing of a complete dossier

    await user.open(f"/candidat/candidatures/{offer['id']}")
    user.find(marker="withdraw-offer").click()
    await click(user, "withdraw-confirm")
    await should_see_marked(user, "answer-withdrawn", retries=50)
    await user.open("/candidat/candidatures")
    listed = await should_see_marked(user, f"answered-{offer['id']}")
    assert listed.text == "Vous vous êtes désisté le 1 juin 2026 à 10:00."
    assert marked(user, f"confirm-{offer['id']}") is None and marked(user, f"return-{offer['id']}") is None
    assert "date passée" not in page_blocks(user).text


async def test_a_passed_deadline_is_not_listed_as_a_date(user: User, offer: dict, clock) -> None:
    clock.set(NOW + timedelta(days=16))  # past the return date (15 days) and the confirmation deadline (5)
    await open_application(user, offer)
    await should_see_marked(user, "answer-late")  # the page says the deadline passed, once
    assert marked(user, "answer-deadline") is None and marked(user, "confirm-date") is None
    assert marked(user, "return-date") is None
    await user.open("/candidat/candidatures")
    await should_see_marked(user, f"application-{offer['id']}")
    assert "date passée" not in page_blocks(user).text


# --- Every irreversible action ends with a visible, announced confirmation ------------------------------------------


class SlotNotify(UserNotify):
    """NiceGUI's ``ui.notify`` finds its client through the current slot and fails once a redraw has deleted that
    slot's element (« The parent element this slot belongs to has been deleted »); the User fixture's records any
    message. This one does as NiceGUI does, so a toast a browser would lose is lost here too."""

    def __call__(self, message: str, **kwargs: Any) -> None:
        context.client  # noqa: B018 — raises as NiceGUI's notify does when the slot is gone
        super().__call__(message, **kwargs)


def redraw_lands_first(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    """The page's worker-thread ``action`` returns only once the live update its commit started has redrawn the page
    (the pressed button and its slot deleted): the order a loaded server can give them."""
    redrawn = threading.Event()
    # The classes and modules of this test's app: NiceGUI's reset drops the page modules after each test and the
    # app imports them again, so those imported by this file may be stale ones no page uses anymore.
    page_class = importlib.import_module("app.pages.applications_detail").ApplicationPage
    # The module that holds the action (the page is split by section).
    module = importlib.import_module(
        "app.pages.applications_detail_transmit"
        if action == "_transmit_now"
        else "app.pages.applications_detail_answer"
    )
    original_redraw = page_class.redraw

    async def redraw(self: ApplicationPage) -> None:
        await original_redraw(self)
        redrawn.set()

    original_action = getattr(module, action)

    def act(*args: Any) -> None:
        original_action(*args)
        assert redrawn.wait(timeout=10), "the committed action never redrew the page"

    monkeypatch.setattr(page_class, "redraw", redraw)
    monkeypatch.setattr(module, action, act)


async def status_after(user: User, marker: str, wanted: str) -> None:
    """Click ``marker``; the toast was shown and the page's status line (role=status, there beforehand) says it."""
    line = user.find(marker="action-status").elements.pop()
    assert line.props["role"] == "status" and line.text == ""  # a live region known before it speaks
    await click(user, marker)
    assert wanted in user.notify.messages
    await user.should_see(marker="action-status")
    assert line.text == wanted and not line.is_deleted  # the redraw left it, and the message, in place


async def test_confirming_ends_with_an_announced_confirmation(
    user: User, offer: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    user.notify = SlotNotify()
    redraw_lands_first(monkeypatch, "_confirm_now")
    await open_application(user, offer)
    await status_after(user, "confirm-offer", "Votre candidature est confirmée.")
    await should_see_marked(user, "answer-confirmed")


async def test_withdrawing_ends_with_an_announced_confirmation(
    user: User, offer: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    user.notify = SlotNotify()
    redraw_lands_first(monkeypatch, "_withdraw_now")
    await open_application(user, offer)
    user.find(marker="withdraw-offer").click()
    await user.should_see(marker="withdraw-dialog")
    await status_after(user, "withdraw-confirm", "Votre désistement est enregistré.")
    await should_see_marked(user, "answer-withdrawn")


@pytest.fixture
def ready(database_url: str, clock) -> dict:
    """An online application with nothing left to do but « Transmettre » (no piece, no question asked)."""
    clock.set(NOW)
    with transaction() as session:
        program = factories.program(session, label_fr="Master Chimie")
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        candidate = factories.complete_candidate(session, account_id=account.id)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        return {"email": account.email, "id": application.id}


async def test_transmitting_ends_with_an_announced_confirmation(
    user: User, ready: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    user.notify = SlotNotify()
    redraw_lands_first(monkeypatch, "_transmit_now")
    path = f"/candidat/candidatures/{ready['id']}"
    await user.open(f"/connexion?suite={path}")
    user.find(marker="login").type(ready["email"])
    user.find(marker="password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="transmit-application", retries=50)
    await status_after(
        user,
        "transmit-application",
        "Votre candidature a été transmise. Un accusé de réception vous est envoyé par mail.",
    )
    await user.should_not_see(marker="transmit-application")  # received: nothing more to transmit
    with new_session() as session:
        assert session.get(Application, ready["id"]).dossier_status == DossierStatus.RECEIVED


# --- One waiting-list rank ------------------------------------------------------------------------------------------


@pytest.fixture
def waiting_list(database_url: str, clock) -> dict:
    """Capacity 1: one offer, then ranks 1 and 2 waiting; the offer is withdrawn and rank 1 called. The candidate
    entered at rank 2 is now first of those still waiting."""
    clock.set(NOW)
    with transaction() as session:
        call_type = factories.decision_type(session, DecisionKind.FAVORABLE)
        program = factories.program(session, capacity=1, waiting_list_call_decision_type_id=call_type.id)
        holder = factories.complete_candidate(session)
        held = factories.application(session, candidate_id=holder.id, program=program)
        factories.published_decision(session, application=held)
        first = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
        factories.published_decision(session, application=first, kind=DecisionKind.WAITING_LIST, rank=1)
        account = factories.account(session, password_hash=hash_password(PASSWORD))
        second_candidate = factories.complete_candidate(session, account_id=account.id)
        second = factories.application(session, candidate_id=second_candidate.id, program=program)
        factories.published_decision(session, application=second, kind=DecisionKind.WAITING_LIST, rank=2)
        session.flush()
        withdraw(session, actor=Actor("candidate", account_id=holder.account_id), application_id=held.id)
        return {"email": account.email, "id": second.id}


async def test_the_waiting_list_rank_is_said_once_and_the_same_everywhere(user: User, waiting_list: dict) -> None:
    path = f"/candidat/candidatures/{waiting_list['id']}"
    await user.open(f"/connexion?suite={path}")
    user.find(marker="login").type(waiting_list["email"])
    user.find(marker="password").type(PASSWORD)
    user.find(marker="sign-in").click()
    await user.should_see(marker="waiting-list", retries=50)
    rank = await should_see_marked(user, "waiting-rank")
    assert rank.text == "Vous êtes au rang 1 sur la liste complémentaire."  # entered 2nd, the 1st was called
    assert marked(user, "waiting-called").text == "1 candidat de cette liste a déjà été appelé."
    text = page_blocks(user).text
    assert text.lower().count("rang") == 1, text  # no second rank (the committee's « 2 ») anywhere on the page
