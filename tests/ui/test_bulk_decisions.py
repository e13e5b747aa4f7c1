"""Bulk decisions on the staff list: enter one decision for a selection, then publish it; each confirmed once."""

from nicegui.testing import User
from sqlmodel import col, select

from app.db import new_session
from app.models import Decision, DecisionKind, OutboxMail, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click

GOOD = "Solide-Passe-2026"


def world(role: StaffRole = StaffRole.CENTRE_MANAGER) -> dict:
    """Three applications in « UFR Sciences » (capacity 2), one of them already holding a published decision."""
    with new_session() as session:
        sciences = factories.centre(session, label_fr="UFR Sciences")
        program = factories.program(session, centre_id=sciences.id, label_fr="Master Chimie", capacity=2)
        ids = [
            factories.application(
                session, candidate_id=factories.candidate(session, birth_name=f"CANDIDAT{i}").id, program=program
            ).id
            for i in range(3)
        ]
        factories.decision_type(session, DecisionKind.FAVORABLE, label_fr="Avis favorable")
        refused = factories.decision_type(session, DecisionKind.UNFAVORABLE, label_fr="Avis défavorable")
        factories.refusal_reason(session, label_fr="Prérequis absents")
        from app.models import Application

        first = session.get(Application, ids[0])
        factories.published_decision(
            session, application=first, kind=DecisionKind.UNFAVORABLE, decision_type_id=refused.id
        )
        member = StaffMember(
            login="sci", email="s@univ.example", display_name="Sam Sci", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        scope = (
            {"centre_id": sciences.id} if role == StaffRole.CENTRE_MANAGER else {"committee_id": program.committee_id}
        )
        session.add(StaffRoleAssignment(staff_id=member.id, role=role, **scope))
        session.commit()
        return {"ids": ids}


async def sign_in(user: User) -> None:
    await user.open("/connexion")
    user.find(marker="login").type("sci")
    user.find(marker="password").type(GOOD)
    user.find(marker="sign-in").click()
    await user.should_see(
        marker="current-role-text", retries=50
    )  # the sign-in: a worker thread, a new session, a redirect


async def test_enter_then_publish_a_decision_for_the_selection(user: User) -> None:
    ids = world()["ids"]
    await sign_in(user)
    await user.open("/gestion/candidatures")
    await user.should_see("3 candidatures")
    user.find(marker="select-all").click()
    await user.should_see("3 sélectionnées")

    user.find(marker="bulk-enter-open").click()
    await user.should_see(marker="bulk-enter-dialog")
    user.find(marker="decision_type_id").click()
    user.find("Avis favorable").click()
    user.find(marker="bulk-enter-check").click()
    await user.should_see("2 candidatures recevront cette décision.", retries=50)
    await user.should_see("Décision déjà publiée", retries=20)  # the first is protected, and said so
    confirm = user.find(marker="bulk-enter-confirm")
    confirm.click()
    confirm.click()  # a double click acts once
    await user.should_see("Décision saisie pour 2 candidatures.", retries=50)
    await user.should_not_see(marker="bulk-enter-confirm")
    with new_session() as session:
        entered = session.exec(select(Decision).where(col(Decision.published_at).is_(None))).all()
        assert sorted(d.application_id for d in entered) == ids[1:]
    # « Fermer » reloads the list (the entry was done) in a worker thread; wait for that reload, rather than open
    # the publication while it still runs and redraws the bar under it.
    await click(user, "bulk-enter-close")
    await user.should_not_see(marker="bulk-enter-dialog")
    await user.should_see("3 sélectionnées")

    await click(user, "bulk-publish-open")  # waits for the publication's plan, read in a worker thread
    await user.should_see("2 décisions seront publiées.")
    await click(user, "bulk-publish-confirm")
    await user.should_see("2 décisions publiées.")
    with new_session() as session:
        codes = session.exec(select(OutboxMail.code)).all()
        assert sorted(codes) == ["decision_favorable", "decision_favorable"]


async def test_a_missing_reason_is_shown_next_to_its_field_and_members_do_not_publish(user: User) -> None:
    world(StaffRole.COMMITTEE_MEMBER)
    await sign_in(user)
    await user.open("/gestion/candidatures")
    user.find(marker="select-all").click()
    await user.should_see("3 sélectionnées")
    await user.should_not_see(marker="bulk-publish-open")
    user.find(marker="bulk-enter-open").click()
    user.find(marker="decision_type_id").click()
    user.find("Avis défavorable").click()
    user.find(marker="bulk-enter-check").click()
    await user.should_see("Choisissez un motif de refus.", retries=50)
    reason = next(iter(user.find(marker="refusal_reason_id").elements))
    assert reason.error == "Choisissez un motif de refus."  # type: ignore[attr-defined]
    with new_session() as session:
        assert len(session.exec(select(Decision)).all()) == 1
