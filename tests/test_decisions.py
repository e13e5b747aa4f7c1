"""Staff decisions: entry, publication (visibility, deadline, mail), bulk protection, capacity, rights."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import Decision, DecisionKind, OutboxMail, StaffRole
from app.services.applications_views import get_my_application
from app.services.decisions import (
    enter_decision,
    enter_decisions_bulk,
    publish_bulk,
    publish_decision,
)
from app.services.errors import DomainError, Forbidden, NotFound
from tests import factories


def mails(session: Session, code: str, application_id: int | None = None) -> list[OutboxMail]:
    statement = select(OutboxMail).where(OutboxMail.code == code)
    if application_id is not None:
        statement = statement.where(OutboxMail.application_id == application_id)
    return list(session.exec(statement).all())


@pytest.fixture
def world(session: Session, clock) -> dict:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    program = factories.program(session, capacity=2, confirmation_delay_days=7)
    candidates = [factories.complete_candidate(session) for _ in range(3)]
    applications = [factories.application(session, candidate_id=c.id, program=program) for c in candidates]
    world = {
        "program": program,
        "candidates": candidates,
        "applications": applications,
        "favorable": factories.decision_type(session, DecisionKind.FAVORABLE),
        "unfavorable": factories.decision_type(session, DecisionKind.UNFAVORABLE),
        "waiting": factories.decision_type(session, DecisionKind.WAITING_LIST),
        "preselection": factories.decision_type(session, DecisionKind.PRESELECTION),
        "reason": factories.refusal_reason(session),
        "manager": factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id),
        "member": factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=program.committee_id),
    }
    session.commit()
    return world


def test_a_decision_is_visible_and_mailed_only_once_published(session: Session, world: dict) -> None:
    application, candidate = world["applications"][0], world["candidates"][0]
    actor = factories.candidate_actor(session, candidate)
    decision = enter_decision(
        session,
        actor=world["member"],
        application_id=application.id,
        decision_type_id=world["favorable"].id,
        comment="Très bon dossier.",
    )
    session.commit()
    assert get_my_application(session, actor=actor, application_id=application.id).summary.decision is None
    assert mails(session, "decision_favorable") == []

    publish_decision(session, actor=world["manager"], decision_id=decision.id)
    session.commit()
    view = get_my_application(session, actor=actor, application_id=application.id).summary
    assert view.decision is not None and view.decision.kind == DecisionKind.FAVORABLE
    # Published on 1 June (Paris) with a delay of 7 days: the end of 8 June, Paris time.
    assert view.confirmation_deadline == app_clock.paris_datetime(2026, 6, 8, 23, 59, 59)
    assert application.last_decision_published and application.last_decision_kind == DecisionKind.FAVORABLE
    [mail] = mails(session, "decision_favorable", application.id)
    assert "Très bon dossier." in mail.body_text


def test_a_committee_member_enters_but_does_not_publish(session: Session, world: dict) -> None:
    decision = enter_decision(
        session,
        actor=world["member"],
        application_id=world["applications"][0].id,
        decision_type_id=world["favorable"].id,
    )
    with pytest.raises((Forbidden, NotFound)):
        publish_decision(session, actor=world["member"], decision_id=decision.id)
    outsider = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=factories.centre(session).id)
    with pytest.raises(NotFound):
        enter_decision(
            session, actor=outsider, application_id=world["applications"][0].id, decision_type_id=world["favorable"].id
        )


@pytest.mark.parametrize(
    ("kind", "fields", "code"),
    [
        ("unfavorable", {}, "reason_required"),
        ("waiting", {}, "rank_required"),
        ("waiting", {"waiting_list_rank": 0}, "rank_required"),
        ("preselection", {"preselection_place": "Salle E08"}, "preselection_required"),
    ],
)
def test_kind_specific_fields_are_required(session: Session, world: dict, kind: str, fields: dict, code: str) -> None:
    with pytest.raises(DomainError) as error:
        enter_decision(
            session,
            actor=world["member"],
            application_id=world["applications"][0].id,
            decision_type_id=world[kind].id,
            **fields,
        )
    assert error.value.code == code


def test_kind_specific_fields_are_kept(session: Session, world: dict) -> None:
    ids = [application.id for application in world["applications"]]
    refused = enter_decision(
        session,
        actor=world["member"],
        application_id=ids[0],
        decision_type_id=world["unfavorable"].id,
        refusal_reason_id=world["reason"].id,
        comment="Prérequis absents.",
    )
    waiting = enter_decision(
        session, actor=world["member"], application_id=ids[1], decision_type_id=world["waiting"].id, waiting_list_rank=3
    )
    when = app_clock.paris_datetime(2026, 6, 10, 9, 30)
    convened = enter_decision(
        session,
        actor=world["member"],
        application_id=ids[2],
        decision_type_id=world["preselection"].id,
        preselection_at=when,
        preselection_place="Bâtiment IIIA",
    )
    assert (refused.refusal_reason_id, refused.comment) == (world["reason"].id, "Prérequis absents.")
    assert waiting.waiting_list_rank == 3
    assert (convened.preselection_at, convened.preselection_place) == (when, "Bâtiment IIIA")


def test_entering_again_replaces_the_unpublished_decision(session: Session, world: dict) -> None:
    application_id = world["applications"][0].id
    first = enter_decision(
        session, actor=world["member"], application_id=application_id, decision_type_id=world["favorable"].id
    )
    second = enter_decision(
        session,
        actor=world["member"],
        application_id=application_id,
        decision_type_id=world["waiting"].id,
        waiting_list_rank=1,
    )
    assert first.id == second.id
    assert session.exec(select(Decision).where(Decision.application_id == application_id)).all() == [second]


def test_bulk_entry_skips_published_decisions_unless_told(session: Session, world: dict) -> None:
    ids = [application.id for application in world["applications"]]
    decision = enter_decision(
        session, actor=world["member"], application_id=ids[0], decision_type_id=world["favorable"].id
    )
    publish_decision(session, actor=world["manager"], decision_id=decision.id)
    session.commit()
    with pytest.raises(DomainError) as error:
        enter_decision(session, actor=world["member"], application_id=ids[0], decision_type_id=world["unfavorable"].id)
    assert error.value.code == "published_exists"

    result = enter_decisions_bulk(
        session,
        actor=world["member"],
        application_ids=ids,
        decision_type_id=world["unfavorable"].id,
        refusal_reason_id=world["reason"].id,
    )
    session.commit()
    assert result.done == ids[1:] and result.skipped_published == [ids[0]] and not result.refused
    assert world["applications"][0].last_decision_kind == DecisionKind.FAVORABLE

    result = enter_decisions_bulk(
        session,
        actor=world["member"],
        application_ids=ids[:1],
        decision_type_id=world["unfavorable"].id,
        refusal_reason_id=world["reason"].id,
        overwrite_published=True,
    )
    session.commit()
    assert result.done == ids[:1]
    assert world["applications"][0].last_decision_kind == DecisionKind.UNFAVORABLE
    assert not world["applications"][0].last_decision_published


def test_bulk_publication_refuses_offers_beyond_capacity(session: Session, world: dict) -> None:
    ids = [application.id for application in world["applications"]]
    result = enter_decisions_bulk(
        session, actor=world["manager"], application_ids=ids, decision_type_id=world["favorable"].id
    )
    decision_ids = [
        session.exec(select(Decision.id).where(Decision.application_id == application_id)).one()
        for application_id in result.done
    ]
    published = publish_bulk(session, actor=world["manager"], decision_ids=decision_ids)
    session.commit()
    assert published.done == decision_ids[:2]
    assert published.refused[decision_ids[2]].code == "capacity_reached"
    assert len(mails(session, "decision_favorable")) == 2
    # A double click on « Valider » publishes once.
    publish_decision(session, actor=world["manager"], decision_id=decision_ids[0])
    session.commit()
    assert len(mails(session, "decision_favorable")) == 2


def test_a_fixed_date_or_the_candidates_override_sets_the_deadline(session: Session, world: dict, clock) -> None:
    program = world["program"]
    program.confirmation_delay_days = None
    program.confirmation_by = app_clock.paris_datetime(2026, 6, 20, 23, 59)
    override = app_clock.paris_datetime(2026, 6, 25, 12)
    world["applications"][1].confirmation_by_override = override
    session.add_all([program, world["applications"][1]])
    session.commit()
    deadlines = []
    for application in world["applications"][:2]:
        decision = enter_decision(
            session, actor=world["manager"], application_id=application.id, decision_type_id=world["favorable"].id
        )
        deadlines.append(
            publish_decision(session, actor=world["manager"], decision_id=decision.id).confirmation_deadline
        )
    assert deadlines == [program.confirmation_by, override]
    assert clock.now() + timedelta(days=1) < deadlines[0]


def test_each_kind_mails_its_own_message(session: Session, world: dict) -> None:
    ids = [application.id for application in world["applications"]]
    entries = [
        (ids[0], "unfavorable", {"refusal_reason_id": world["reason"].id}, "decision_unfavorable"),
        (ids[1], "waiting", {"waiting_list_rank": 2}, "decision_waiting_list"),
        (
            ids[2],
            "preselection",
            {"preselection_at": app_clock.paris_datetime(2026, 6, 10, 9, 30), "preselection_place": "Salle E08"},
            "decision_preselection",
        ),
    ]
    for application_id, kind, fields, code in entries:
        decision = enter_decision(
            session, actor=world["manager"], application_id=application_id, decision_type_id=world[kind].id, **fields
        )
        publish_decision(session, actor=world["manager"], decision_id=decision.id)
        session.commit()
        assert [mail.code for mail in mails(session, code, application_id)] == [code]
    # The only one on the waiting list is first among those waiting.
    assert world["applications"][1].waiting_list_rank == 1
