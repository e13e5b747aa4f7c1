"""/admin/questions services: scopes and rights, validation, order, deactivate rather than delete, and what an
application then asks."""

from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import ApplicationCentre, AuditEvent, Question, QuestionAnswer, QuestionKind, Scope
from app.services.admin import questions as admin_questions
from app.services.admin.common import StaleEdit
from app.services.admin.scoped import INSTITUTION, Target
from app.services.applications.applying import apply_to_program
from app.services.applications.question_answers import answer_question
from app.services.applications.transmission import transmission_readiness
from app.services.applications.views import get_my_application
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.review.staff_view import open_application_for_staff
from tests.factories_admin_offer import centre_a, offer_world, program_a


def values(**kw: Any) -> dict[str, Any]:
    return {
        "code": "q-stage",
        "kind": QuestionKind.YES_NO,
        "label_fr": "Cherchez-vous un stage ?",
        "label_en": "Are you looking for an internship?",
    } | kw


def create(session: Session, actor: Any, target: Target, **kw: Any) -> Question:
    question = admin_questions.save_question(
        session, actor=actor, question_id=None, expected_version=None, values=values(**kw), target=target
    )
    session.commit()
    return question


def test_questions_at_each_scope_with_their_rules(session: Session) -> None:
    world = offer_world(session)
    institution = create(session, world.central, INSTITUTION)
    centre = create(session, world.manager_a, centre_a(world), code="Q2", kind="text", max_length="800")
    program = create(session, world.manager_a, program_a(world), code="Q3", is_mandatory=False)
    assert (institution.code, institution.scope, institution.kind) == (
        "Q-STAGE",
        Scope.INSTITUTION,
        QuestionKind.YES_NO,
    )
    assert (centre.scope, centre.centre_id, centre.kind, centre.max_length) == (
        Scope.CENTRE,
        world.centre_a,
        QuestionKind.TEXT,
        800,
    )
    assert (program.scope, program.program_id, program.is_mandatory) == (Scope.PROGRAM, world.program_a.id, False)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "question.created")).all()


def test_invalid_values_are_refused_field_by_field(session: Session) -> None:
    world = offer_world(session)
    with pytest.raises(DossierInvalid) as refused:
        create(session, world.admin, INSTITUTION, code="", kind="radio", label_en=" ", max_length=9000)
    assert set(refused.value.errors) == {"code", "kind", "label_en", "max_length"}
    assert refused.value.field_message("max_length", lambda s: s) == "Indiquez un nombre entre 1 et 5000."


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("manager_a", "institution"),
        ("manager_a", "centre_b"),
        ("manager_b", "centre_b"),  # their own centre, but the central office did not allow it
        ("manager_a_read_only", "centre_a"),
        ("central_read_only", "institution"),
        ("committee_member", "program_a"),
        ("candidate", "institution"),
    ],
)
def test_who_may_not_create_a_question(session: Session, who: str, where: str) -> None:
    world = offer_world(session)
    targets = {
        "institution": INSTITUTION,
        "centre_a": centre_a(world),
        "centre_b": Target(Scope.CENTRE, centre_id=world.centre_b),
        "program_a": program_a(world),
    }
    with pytest.raises(Forbidden):
        create(session, getattr(world, who), targets[where])


def test_a_manager_loses_the_right_when_the_switch_is_turned_off(session: Session) -> None:
    world = offer_world(session)
    question = create(session, world.manager_a, program_a(world))
    centre = session.get(ApplicationCentre, world.centre_a)
    centre.managers_edit_offer = False
    session.add(centre)
    session.commit()
    with pytest.raises(Forbidden):
        admin_questions.save_question(
            session, actor=world.manager_a, question_id=question.id, expected_version=question.version, values=values()
        )
    session.rollback()
    # Still readable by them, read-only.
    rows = admin_questions.list_questions(session, actor=world.manager_a, target=program_a(world))
    assert [r.question.id for r in rows] == [question.id]
    with pytest.raises(Forbidden):
        admin_questions.list_questions(
            session, actor=world.manager_a, target=Target(Scope.PROGRAM, program_id=world.program_b.id)
        )


def test_a_stale_edit_is_refused(session: Session) -> None:
    world = offer_world(session)
    question = create(session, world.admin, INSTITUTION)
    opened_at = question.version  # what a second editor loaded
    admin_questions.save_question(
        session,
        actor=world.central,
        question_id=question.id,
        expected_version=question.version,
        values=values(label_fr="Cherchez-vous une alternance ?"),
    )
    session.commit()
    with pytest.raises(StaleEdit):
        admin_questions.set_question_active(
            session, actor=world.admin, question_id=question.id, expected_version=opened_at, active=False
        )
    session.rollback()
    assert session.get(Question, question.id).is_active


def test_order_moves_within_the_same_place(session: Session) -> None:
    world = offer_world(session)
    first = create(session, world.admin, program_a(world), code="A")
    second = create(session, world.admin, program_a(world), code="B")
    create(session, world.admin, Target(Scope.PROGRAM, program_id=world.program_b.id), code="ELSEWHERE")
    order = admin_questions.move_question(session, actor=world.manager_a, question_id=second.id, offset=-1)
    session.commit()
    assert [q.code for q in order] == ["B", "A"]
    with pytest.raises(DomainError):
        admin_questions.move_question(session, actor=world.manager_a, question_id=first.id, offset=1)
    session.rollback()
    application = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    session.commit()
    detail = get_my_application(session, actor=world.candidate, application_id=application.id)
    assert [q.id for q in detail.questions] == [second.id, first.id]


def test_an_answered_question_is_deactivated_not_deleted_and_no_longer_required(session: Session) -> None:
    world = offer_world(session)
    question = create(session, world.admin, program_a(world))
    unused = create(session, world.admin, program_a(world), code="UNUSED", is_mandatory=False, label_fr="Optionnelle ?")
    application = apply_to_program(session, actor=world.candidate, program_id=world.program_a.id)
    session.commit()
    assert transmission_readiness(session, actor=world.candidate, application_id=application.id).unanswered_questions
    answer_question(session, actor=world.candidate, application_id=application.id, question_id=question.id, value=True)
    session.commit()
    with pytest.raises(DomainError) as refused:
        admin_questions.delete_question(
            session, actor=world.admin, question_id=question.id, expected_version=question.version
        )
    assert refused.value.code == "question_answered" and refused.value.params == {"count": 1}
    session.rollback()
    with pytest.raises(DossierInvalid) as kind_locked:  # the answers given would lose their meaning
        admin_questions.save_question(
            session,
            actor=world.admin,
            question_id=question.id,
            expected_version=question.version,
            values=values(kind="text"),
        )
    assert set(kind_locked.value.errors) == {"kind"}
    session.rollback()
    admin_questions.set_question_active(
        session, actor=world.admin, question_id=question.id, expected_version=question.version, active=False
    )
    session.commit()
    assert session.exec(select(QuestionAnswer).where(QuestionAnswer.question_id == question.id)).one()
    detail = get_my_application(session, actor=world.candidate, application_id=application.id)
    assert [q.id for q in detail.questions] == [unused.id]
    # Staff still read the answer given to the retired question.
    staff_view = open_application_for_staff(session, actor=world.manager_a, application_id=application.id)
    assert [(a.label, a.value) for a in staff_view.answers] == [
        ("Optionnelle ?", None),  # the optional one, not answered
        ("Cherchez-vous un stage ?", "yes"),
    ]
    session.commit()
    # Deleting the unanswered one works.
    admin_questions.delete_question(session, actor=world.admin, question_id=unused.id, expected_version=unused.version)
    session.commit()
    assert session.get(Question, unused.id) is None
    assert transmission_readiness(session, actor=world.candidate, application_id=application.id).ready
    with pytest.raises(NotFound):
        admin_questions.get_question(session, actor=world.admin, question_id=unused.id)
