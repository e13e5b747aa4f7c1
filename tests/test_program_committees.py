"""A programme's « Commissions d'examen » (issue #22 item 1): saved as a whole, version-checked, audited, checked."""

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import AuditEvent, CommitteeOpinion, OpinionKind, ProgramCommittee, StaffRole
from app.services.admin.program_committees import ExaminingRow, program_committees, save_program_committees
from app.services.platform.errors import DomainError, Forbidden, NotFound, StaleEdit
from tests import factories


@pytest.fixture
def world(session: Session, clock) -> dict:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    centre, other_centre = factories.centre(session, managers_edit_offer=True), factories.centre(session)
    own = factories.committee(session, centre.id)
    teaching = factories.committee(session, centre.id, label_fr="Commission pédagogique")
    director = factories.committee(session, centre.id, label_fr="Direction des études")
    foreign = factories.committee(session, other_centre.id)
    program = factories.program(session, centre_id=centre.id, committee_id=own.id)
    world = {
        "program": program,
        "own": own,
        "teaching": teaching,
        "director": director,
        "foreign": foreign,
        "central": factories.staff_actor(session, StaffRole.CENTRAL_OFFICE),
        "manager": factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id),
        "other_manager": factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=other_centre.id),
    }
    session.commit()
    return world


def save(session: Session, world: dict, rows: list[ExaminingRow], *, who: str = "central", stamp: str | None = None):
    if stamp is None:
        stamp = program_committees(session, actor=world[who], program_id=world["program"].id).stamp
    return save_program_committees(session, actor=world[who], program_id=world["program"].id, rows=rows, stamp=stamp)


def two(world: dict, *, final: str | None = None) -> list[ExaminingRow]:
    return [
        ExaminingRow(world["teaching"].id, "Examen pédagogique", "Teaching review", True, final == "teaching"),
        ExaminingRow(world["director"].id, "Avis du directeur", "", False, final == "director"),
    ]


def test_a_centre_manager_lists_two_committees_in_order_and_the_change_is_audited(
    session: Session, world: dict
) -> None:
    saved = save(session, world, two(world, final="director"), who="manager")
    assert [(row.committee_id, row.role_fr, row.required, row.is_final) for row in saved.rows] == [
        (world["teaching"].id, "Examen pédagogique", True, False),
        (world["director"].id, "Avis du directeur", False, True),
    ]
    assert world["own"].id not in saved.choices and world["foreign"].id not in saved.choices
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "program.committees_saved")).one()
    assert len(event.after["committees"]) == 2 and event.before == {"committees": []}


def test_the_final_committee_moves_from_one_to_another_in_one_save(session: Session, world: dict) -> None:
    save(session, world, two(world, final="teaching"))
    saved = save(session, world, two(world, final="director"))
    assert [row.is_final for row in saved.rows] == [False, True]


def test_a_list_saved_meanwhile_by_someone_else_is_refused(session: Session, world: dict) -> None:
    stale = program_committees(session, actor=world["central"], program_id=world["program"].id).stamp
    save(session, world, two(world))
    with pytest.raises(StaleEdit):
        save(session, world, two(world)[:1], stamp=stale)
    assert len(session.exec(select(ProgramCommittee)).all()) == 2


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        (lambda w: [ExaminingRow(w["foreign"].id, "Avis")], "committee_elsewhere"),
        (lambda w: [ExaminingRow(w["own"].id, "Avis")], "own_committee"),
        (lambda w: [ExaminingRow(w["teaching"].id, "A"), ExaminingRow(w["teaching"].id, "B")], "committee_twice"),
        (lambda w: [ExaminingRow(w["teaching"].id, "  ")], "role_required"),
        (
            lambda w: [
                ExaminingRow(w["teaching"].id, "A", is_final=True),
                ExaminingRow(w["director"].id, "B", is_final=True),
            ],
            "two_finals",
        ),
    ],
)
def test_bad_rows_are_refused_with_a_message_and_nothing_is_saved(session: Session, world: dict, rows, code) -> None:
    with pytest.raises(DomainError) as refused:
        save(session, world, rows(world))
    assert refused.value.code == code
    assert session.exec(select(ProgramCommittee)).all() == []


def test_the_database_holds_one_final_committee_per_programme(session: Session, world: dict) -> None:
    program_id = world["program"].id
    session.add(ProgramCommittee(program_id=program_id, committee_id=world["teaching"].id, role_fr="A", is_final=True))
    session.add(ProgramCommittee(program_id=program_id, committee_id=world["director"].id, role_fr="B", is_final=True))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()


def test_a_committee_that_gave_opinions_stays(session: Session, world: dict) -> None:
    save(session, world, two(world))
    candidate = factories.complete_candidate(session)
    application = factories.application(session, candidate_id=candidate.id, program=world["program"])
    session.add(
        CommitteeOpinion(application_id=application.id, committee_id=world["director"].id, opinion=OpinionKind.RESERVED)
    )
    session.commit()
    with pytest.raises(DomainError) as refused:
        save(session, world, two(world)[:1])
    assert refused.value.code == "committee_has_opinions" and "Direction des études" in refused.value.params.values()


def test_a_manager_of_another_centre_neither_reads_nor_saves(session: Session, world: dict) -> None:
    with pytest.raises((Forbidden, NotFound)):
        program_committees(session, actor=world["other_manager"], program_id=world["program"].id)
    with pytest.raises((Forbidden, NotFound)):
        save(session, world, two(world), who="other_manager", stamp="")
