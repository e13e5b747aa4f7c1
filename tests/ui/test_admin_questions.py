"""/admin/questions: create a question (errors next to the fields), deactivate an answered one, rights by role."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import Question, QuestionAnswer, QuestionKind, StaffRole
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


async def test_a_manager_creates_a_question_for_their_programme(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session, managers_edit_offer=True)
        program = factories.program(session, centre_id=centre.id, code="M1-INFO")
        session.commit()
    make_staff("gest", StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    await sign_in(user, "gest")
    await user.open(f"/admin/questions?cible=formation-{program.id}")
    await user.should_see("Aucune question pour ce périmètre.")
    user.find(marker="add-question").click()
    await user.should_see("Nouvelle question")
    user.find(marker="code").type("motivation")
    user.find(marker="label_fr").type("Pourquoi cette formation ?")
    user.find(marker="label_en").type("Why this programme?")
    user.find(marker="max_length").type("99999")
    await click(user, "save")
    await user.should_see("Indiquez un nombre entre 1 et 5000.")
    user.find(marker="max_length").clear().type("1500")
    await click(user, "save")
    await user.should_see(marker="state-section")
    with new_session() as session:
        question = session.exec(select(Question)).one()
    assert (question.code, question.program_id, question.max_length) == ("MOTIVATION", program.id, 1500)
    await user.open("/admin/questions?cible=etablissement")
    await user.should_see(marker="read-only")  # the institution's questions: central only


async def test_an_answered_question_is_deactivated_and_cannot_be_deleted(user: User) -> None:
    make_staff("centrale", StaffRole.CENTRAL_OFFICE)
    with new_session() as session:
        question = factories.question(session, label_fr="Êtes-vous salarié ?", kind=QuestionKind.YES_NO)
        program = factories.program(session)
        application = factories.application(session, candidate_id=factories.candidate(session).id, program=program)
        session.add(QuestionAnswer(application_id=application.id, question_id=question.id, bool_value=True))
        session.commit()
    await sign_in(user, "centrale")
    await user.open(f"/admin/questions/{question.id}")
    await user.should_see("1 réponse déjà donnée")
    await user.should_not_see(marker="delete")
    await click(user, "deactivate")
    await user.should_see("Question désactivée.")
    await user.should_see(marker="activate")
    with new_session() as session:
        assert not session.get(Question, question.id).is_active


async def test_a_committee_member_is_refused(user: User) -> None:
    with new_session() as session:
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        session.commit()
    make_staff("membre", StaffRole.COMMITTEE_MEMBER, committee_id=committee.id)
    await sign_in(user, "membre")
    await user.open("/admin/questions")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="add-question")
