"""/gestion/liste-complementaire/{id}: the manager sees the list and calls the next candidate; others are refused."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import Application, DecisionKind, OutboxMail, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from tests import factories

GOOD = "Solide-Passe-2026"


def world() -> dict:
    """A programme with two places, two offers and two candidates waiting; a place is then added."""
    with new_session() as session:
        program = factories.program(
            session, capacity=3, label_fr="Master Chimie", waiting_list_confirmation_delay_days=3
        )
        program.waiting_list_call_decision_type_id = factories.decision_type(session, DecisionKind.FAVORABLE).id
        session.add(program)
        waiting = []
        for index in range(4):
            candidate = factories.candidate(session, birth_name=f"CANDIDAT{index}")
            application = factories.application(session, candidate_id=candidate.id, program=program)
            if index < 2:
                factories.published_decision(session, application=application)
            else:
                factories.published_decision(
                    session, application=application, kind=DecisionKind.WAITING_LIST, rank=index - 1
                )
                waiting.append(application.id)
        other_centre = factories.centre(session).id
        for login, centre_id in (("sci", program.centre_id), ("autre", other_centre)):
            member = StaffMember(
                login=login,
                email=f"{login}@univ.example",
                display_name=login.title(),
                password_hash=hash_password(GOOD),
            )
            session.add(member)
            session.flush()
            session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=centre_id))
        session.commit()
        return {"program": program.id, "waiting": waiting}


async def sign_in(user: User, login: str) -> None:
    await user.open("/connexion")
    user.find(marker="login").type(login)
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.should_see(
        marker="current-role-text", retries=50
    )  # the sign-in: a worker thread, a new session, a redirect


async def test_the_manager_sees_the_list_and_calls_the_next_candidate(user: User) -> None:
    ids = world()
    await sign_in(user, "sci")
    await user.open("/gestion/liste-complementaire")
    await user.should_see("Master Chimie — 2 en attente")
    await user.open(f"/gestion/liste-complementaire/{ids['program']}")
    await user.should_see("Capacité d'accueil : 3")
    await user.should_see("Places libres : 1")
    await user.should_see(marker=f"waiting-{ids['waiting'][0]}")
    await user.should_see("Aucun candidat n'a encore été appelé.")
    button = user.find(marker="call-next")
    button.click()
    button.click()  # a double click calls once
    await user.should_see(marker=f"called-{ids['waiting'][0]}", retries=50)
    await user.should_see("Places libres : 0")
    await user.should_see(marker="call-impossible")
    with new_session() as session:
        called = session.exec(select(Application.id).where(Application.called_from_waiting_list_at.is_not(None))).all()
        assert called == [ids["waiting"][0]]
        assert session.exec(select(OutboxMail.code).where(OutboxMail.code == "decision_waiting_list_call")).all() == [
            "decision_waiting_list_call"
        ]


async def test_a_manager_of_another_centre_is_refused(user: User) -> None:
    ids = world()
    await sign_in(user, "autre")
    await user.open(f"/gestion/liste-complementaire/{ids['program']}")
    await user.should_see(marker="refusal")
    await user.should_not_see("Master Chimie")
    await user.should_not_see(marker="call-next")
    await user.open("/gestion/liste-complementaire")
    await user.should_see(marker="no-program")
