"""The staff decision panel, mounted on a page of its own: enter a decision, then « Valider » it."""

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import Decision, DecisionKind, OutboxMail, StaffRole
from app.ui.decision_panel import decision_panel
from tests import factories


async def test_enter_then_publish(user: User, clock) -> None:
    with transaction() as session:
        program = factories.program(session, capacity=3)
        application = factories.application(
            session, candidate_id=factories.complete_candidate(session).id, program=program
        )
        favorable = factories.decision_type(session, DecisionKind.FAVORABLE, label_fr="Avis favorable")
        manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
        ids = {"application": application.id, "favorable": favorable.id}

    @ui.page("/test-decision-panel")
    async def page() -> None:
        await decision_panel(ids["application"], manager)

    await user.open("/test-decision-panel")
    await user.should_see("Aucune décision publiée.")
    user.find(marker="panel-type").click()
    user.find("Avis favorable").click()
    user.find(marker="panel-enter").click()
    await user.should_see(marker="panel-pending", retries=50)
    user.find(marker="panel-publish").click()
    await user.should_see("Décision publiée : Avis favorable", retries=50)
    with new_session() as session:
        [decision] = session.exec(select(Decision)).all()
        assert decision.published_at is not None
        assert session.exec(select(OutboxMail.code)).all() == ["decision_favorable"]


async def test_the_convocation_date_is_a_real_date_time_checked_on_the_server(user: User, clock) -> None:
    from app import clock as app_clock

    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    with transaction() as session:
        program = factories.program(session, capacity=3)
        application = factories.application(
            session, candidate_id=factories.complete_candidate(session).id, program=program
        )
        factories.decision_type(session, DecisionKind.PRESELECTION, label_fr="Présélection")
        manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
        ids = {"application": application.id, "program": program.id}

    @ui.page("/test-decision-panel-preselection")
    async def page() -> None:
        await decision_panel(ids["application"], manager)

    await user.open("/test-decision-panel-preselection")
    link = next(iter(user.find(marker="panel-waiting-list").elements))
    assert link.props["href"] == f"/gestion/liste-complementaire/{ids['program']}"  # type: ignore[attr-defined]
    user.find(marker="panel-type").click()
    user.find("Présélection").click()
    moment = next(iter(user.find(marker="panel-moment").elements))
    assert moment.props["type"] == "datetime-local"  # type: ignore[attr-defined]
    user.find(marker="panel-moment").type("2026-05-20T09:30")  # already past
    user.find(marker="panel-place").type("Salle E08")
    user.find(marker="panel-enter").click()
    await user.should_see("La date de convocation est déjà passée : choisissez une date à venir.", retries=50)
    assert moment.error == "La date de convocation est déjà passée : choisissez une date à venir."  # type: ignore[attr-defined]
    user.find(marker="panel-moment").clear().type("2026-06-10T09:30")
    user.find(marker="panel-enter").click()
    await user.should_see(marker="panel-pending", retries=50)
    with new_session() as session:
        [decision] = session.exec(select(Decision)).all()
        assert decision.preselection_at == app_clock.paris_datetime(2026, 6, 10, 9, 30)
        assert decision.preselection_place == "Salle E08"
