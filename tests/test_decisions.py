"""Staff decisions: entry, publication (visibility, deadline, mail), bulk protection, capacity, rights."""

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from app import clock as app_clock
from app.models import AnswerKind, Application, AuditEvent, Decision, DecisionKind, OutboxMail, StaffRole
from app.services.applications.views import get_my_application
from app.services.decisions.selection import DecisionEntry, enter_on_selection, plan_entry
from app.services.decisions.selection_publication import plan_publication, publish_on_selection
from app.services.decisions.staff_decisions import (
    enter_decision,
    parse_paris_moment,
    publish_decision,
)
from app.services.platform.errors import DomainError, Forbidden, NotFound
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

    entry = DecisionEntry(decision_type_id=world["unfavorable"].id, refusal_reason_id=world["reason"].id)
    report = enter_on_selection(session, actor=world["member"], application_ids=ids, entry=entry)
    session.commit()
    skipped = {row.application_id: row.reason.code for row in report.skipped}
    assert [row.application_id for row in report.acting] == ids[1:] and skipped == {ids[0]: "published_exists"}
    assert world["applications"][0].last_decision_kind == DecisionKind.FAVORABLE

    entry.overwrite_published = True
    report = enter_on_selection(session, actor=world["member"], application_ids=ids[:1], entry=entry)
    session.commit()
    assert [row.application_id for row in report.acting] == ids[:1]
    assert world["applications"][0].last_decision_kind == DecisionKind.UNFAVORABLE
    assert not world["applications"][0].last_decision_published


def test_bulk_publication_refuses_offers_beyond_capacity(session: Session, world: dict) -> None:
    ids = [application.id for application in world["applications"]]
    entry = DecisionEntry(decision_type_id=world["favorable"].id)
    entered = enter_on_selection(session, actor=world["manager"], application_ids=ids, entry=entry)
    decision_ids = [
        session.exec(select(Decision.id).where(Decision.application_id == row.application_id)).one()
        for row in entered.acting
    ]
    published = publish_on_selection(session, actor=world["manager"], application_ids=ids)
    session.commit()
    assert [row.application_id for row in published.acting] == ids[:2]
    assert {row.application_id: row.reason.code for row in published.skipped} == {ids[2]: "capacity_reached"}
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


# --- A decision entered, or published, on a selection of the staff list --------------------------------------------


def selection_world(session: Session, world: dict) -> dict:
    """Three applications of the world's programme, plus one elsewhere, one cancelled and one withdrawn."""
    ids = [application.id for application in world["applications"]]
    elsewhere = factories.application(
        session,
        candidate_id=factories.complete_candidate(session).id,
        program=factories.program(session, campaign_id=world["program"].campaign_id),
    )
    cancelled = factories.application(
        session,
        candidate_id=factories.complete_candidate(session).id,
        program=world["program"],
        cancelled_at=app_clock.now(),
    )
    withdrawn = factories.application(
        session,
        candidate_id=factories.complete_candidate(session).id,
        program=world["program"],
        answer=AnswerKind.WITHDRAWN,
    )
    session.commit()
    return {"ids": ids, "elsewhere": elsewhere.id, "cancelled": cancelled.id, "withdrawn": withdrawn.id}


def reasons_of(report) -> dict[int, str]:
    return {row.application_id: row.reason.code for row in report.skipped}


def test_bulk_entry_on_a_selection_skips_and_says_why(session: Session, world: dict) -> None:
    chosen = selection_world(session, world)
    ids = chosen["ids"]
    published = enter_decision(
        session, actor=world["manager"], application_id=ids[0], decision_type_id=world["favorable"].id
    )
    publish_decision(session, actor=world["manager"], decision_id=published.id)
    session.commit()
    selection = [*ids, chosen["elsewhere"], chosen["cancelled"], chosen["withdrawn"]]
    entry = DecisionEntry(decision_type_id=world["unfavorable"].id, refusal_reason_id=world["reason"].id)

    plan = plan_entry(session, actor=world["manager"], application_ids=selection, entry=entry)
    assert [row.application_id for row in plan.acting] == ids[1:]
    expected = {ids[0]: "published_exists", chosen["cancelled"]: "cancelled", chosen["withdrawn"]: "withdrawn"}
    assert reasons_of(plan) == expected
    assert plan.out_of_scope == 1  # counted, never named
    assert all(chosen["elsewhere"] != row.application_id for row in plan.rows)
    assert not session.exec(
        select(Decision).where(Decision.kind == DecisionKind.UNFAVORABLE)
    ).all()  # a plan writes nothing

    done = enter_on_selection(session, actor=world["manager"], application_ids=selection, entry=entry)
    session.commit()
    assert [row.application_id for row in done.acting] == ids[1:] and reasons_of(done) == expected
    kinds = session.exec(select(Application.last_decision_kind).where(col(Application.id).in_(ids))).all()
    assert sorted(kinds) == sorted([DecisionKind.FAVORABLE, DecisionKind.UNFAVORABLE, DecisionKind.UNFAVORABLE])


def test_bulk_entry_submitted_twice_acts_once(session: Session, world: dict) -> None:
    ids = [application.id for application in world["applications"]]
    entry = DecisionEntry(decision_type_id=world["favorable"].id, comment="Bon dossier")
    first = enter_on_selection(session, actor=world["member"], application_ids=ids, entry=entry)
    session.commit()
    second = enter_on_selection(session, actor=world["member"], application_ids=ids, entry=entry)
    session.commit()
    assert len(first.acting) == 3 and not second.acting
    assert set(reasons_of(second).values()) == {"unchanged"}
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "decision.entered")).all()
    assert len(events) == 3 and len(session.exec(select(Decision)).all()) == 3
    summaries = session.exec(
        select(AuditEvent).where(AuditEvent.action == "decision.bulk_entered").order_by(col(AuditEvent.id))
    ).all()
    assert [(e.after["done_count"], e.after["skipped"]) for e in summaries] == [(3, {}), (0, {"unchanged": 3})]


def test_bulk_waiting_list_ranks_follow_the_rule(session: Session, world: dict) -> None:
    first, second, third = world["applications"]
    for index, application in enumerate((first, second, third)):
        application.transmitted_at = app_clock.now() - timedelta(days=10 - index)
        session.add(application)
    enter_decision(
        session,
        actor=world["member"],
        application_id=first.id,
        decision_type_id=world["waiting"].id,
        waiting_list_rank=4,
    )
    session.commit()
    after_last = DecisionEntry(decision_type_id=world["waiting"].id, rank_rule="after_last")
    report = enter_on_selection(session, actor=world["member"], application_ids=[third.id, second.id], entry=after_last)
    session.commit()
    assert {row.application_id: row.rank for row in report.acting} == {second.id: 5, third.id: 6}  # by transmission
    from_two = DecisionEntry(decision_type_id=world["waiting"].id, rank_rule="from", rank_start=2)
    report = enter_on_selection(session, actor=world["member"], application_ids=[second.id, third.id], entry=from_two)
    session.commit()
    assert {row.application_id: row.rank for row in report.acting} == {second.id: 2, third.id: 3}
    with pytest.raises(DomainError) as error:
        plan_entry(
            session,
            actor=world["member"],
            application_ids=[second.id],
            entry=DecisionEntry(decision_type_id=world["waiting"].id, rank_rule="from", rank_start=0),
        )
    assert (error.value.code, error.value.field) == ("rank_required", "rank_start")


def test_publishing_a_selection_counts_and_respects_the_capacity(session: Session, world: dict) -> None:
    chosen = selection_world(session, world)
    ids = chosen["ids"]
    extra = factories.application(
        session, candidate_id=factories.complete_candidate(session).id, program=world["program"]
    )
    session.commit()
    enter_on_selection(
        session,
        actor=world["manager"],
        application_ids=ids,
        entry=DecisionEntry(decision_type_id=world["favorable"].id),  # three offers for a capacity of two
    )
    session.commit()
    selection = [*ids, extra.id, chosen["elsewhere"]]
    with pytest.raises(Forbidden):
        plan_publication(session, actor=world["member"], application_ids=selection)  # members enter, not publish

    plan = plan_publication(session, actor=world["manager"], application_ids=selection)
    assert [row.application_id for row in plan.acting] == ids[:2]
    assert reasons_of(plan) == {ids[2]: "capacity_reached", extra.id: "nothing_pending"}
    assert plan.out_of_scope == 1
    assert mails(session, "decision_favorable") == []

    done = publish_on_selection(session, actor=world["manager"], application_ids=selection)
    session.commit()
    assert [row.application_id for row in done.acting] == ids[:2] and reasons_of(done) == reasons_of(plan)
    assert len(mails(session, "decision_favorable")) == 2
    again = publish_on_selection(session, actor=world["manager"], application_ids=selection)  # a double click
    session.commit()
    assert not again.acting and len(mails(session, "decision_favorable")) == 2


def test_a_selection_run_by_batches_acts_as_the_plan_said(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two: the waiting-list ranks run on from batch to batch in order of transmission, the capacity
    holds across batches, one mail per decision and one summary event for the whole action."""
    from app.services.decisions import selection_batches

    monkeypatch.setattr(selection_batches, "BATCH", 2)
    program = world["program"]
    applications = [
        *world["applications"],
        *[
            factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
            for _ in range(4)
        ],
    ]
    for index, application in enumerate(applications):  # transmitted in the reverse order of their ids
        application.transmitted_at = app_clock.now() - timedelta(days=index)
        session.add(application)
    session.commit()
    ids = [application.id for application in applications]
    waiting = DecisionEntry(decision_type_id=world["waiting"].id, rank_rule="after_last")
    plan = plan_entry(session, actor=world["member"], application_ids=ids[2:], entry=waiting)
    entered = selection_batches.enter_selection_in_batches(
        actor=world["member"], application_ids=ids[2:], entry=waiting
    )
    assert [(row.application_id, row.rank) for row in entered.rows] == [
        (row.application_id, row.rank) for row in plan.rows
    ]
    assert sorted(row.rank for row in entered.rows) == [1, 2, 3, 4, 5]
    favourable = DecisionEntry(decision_type_id=world["favorable"].id)
    selection_batches.enter_selection_in_batches(actor=world["manager"], application_ids=ids[:2], entry=favourable)

    session.expire_all()
    plan = plan_publication(session, actor=world["manager"], application_ids=ids)
    done = selection_batches.publish_selection_in_batches(actor=world["manager"], application_ids=ids)
    assert [row.application_id for row in done.acting] == [row.application_id for row in plan.acting] == ids
    assert len(mails(session, "decision_favorable")) == 2 and len(mails(session, "decision_waiting_list")) == 5
    shown = session.exec(select(Application.id, Application.waiting_list_rank).where(col(Application.id).in_(ids[2:])))
    assert sorted(rank for _id, rank in shown.all()) == [1, 2, 3, 4, 5]  # recomputed: each place shown once
    summaries = session.exec(select(AuditEvent).where(AuditEvent.action == "decision.bulk_published")).all()
    assert [event.after["done_count"] for event in summaries] == [7]
    more = DecisionEntry(decision_type_id=world["favorable"].id, overwrite_published=True)  # capacity 2, both taken
    selection_batches.enter_selection_in_batches(actor=world["manager"], application_ids=ids[2:4], entry=more)
    refused = selection_batches.publish_selection_in_batches(actor=world["manager"], application_ids=ids)
    assert set(reasons_of(refused).values()) == {"capacity_reached", "nothing_pending"} and not refused.acting


def test_an_empty_selection_is_refused(session: Session, world: dict) -> None:
    with pytest.raises(DomainError) as error:
        plan_publication(session, actor=world["manager"], application_ids=[])
    assert error.value.code == "empty_selection"


# --- The convocation date, checked on the server ---------------------------------------------------------------------


def test_the_convocation_is_read_in_paris_time_and_checked(session: Session, world: dict) -> None:
    assert parse_paris_moment("2026-06-10T09:30") == app_clock.paris_datetime(2026, 6, 10, 9, 30)
    assert parse_paris_moment("  ") is None
    for text, code in (("10/06/2026 9h30", "preselection_invalid"), ("2026-05-31T09:30", "preselection_past")):
        with pytest.raises(DomainError) as error:
            enter_decision(
                session,
                actor=world["member"],
                application_id=world["applications"][0].id,
                decision_type_id=world["preselection"].id,
                preselection_at=parse_paris_moment(text),
                preselection_place="Salle E08",
            )
        assert (error.value.code, error.value.field) == (code, "preselection_at")
    with pytest.raises(DomainError) as error:
        enter_decision(
            session,
            actor=world["member"],
            application_id=world["applications"][0].id,
            decision_type_id=world["preselection"].id,
            preselection_at=app_clock.paris_datetime(2029, 6, 10, 9, 30),
            preselection_place="Salle E08",
        )
    assert error.value.code == "preselection_far"


def test_going_back_to_pending_is_mailed(session: Session, world: dict) -> None:
    from app.models import DossierStatus
    from app.services.review import staff_view as staff_review

    application = world["applications"][0]
    for status in (DossierStatus.RECEIVED, DossierStatus.PENDING):
        staff_review.set_dossier_status(
            session, actor=world["manager"], application_id=application.id, status=status, expected_version=None
        )
    session.commit()
    [mail] = mails(session, "dossier_pending", application.id)
    assert "« En attente »" in mail.body_text and "transmettez de nouveau" in mail.body_text


def test_the_favourable_mail_names_the_decision_type_only_when_it_says_more(session: Session, world: dict) -> None:
    """« a reçu un avis favorable (Avis favorable) » said it twice: a plain type is not repeated, a type that says more
    (« … sous réserve … ») gets a sentence of its own, in French and in English."""
    plain = factories.decision_type(session, label_fr="Avis favorable", label_en="Offer of admission")
    reserved = factories.decision_type(
        session,
        label_fr="Avis favorable sous réserve d'obtention du diplôme",
        label_en="Offer subject to obtaining the degree",
    )
    world["program"].capacity = None  # three offers on a programme of two places: not what is checked here
    session.add(world["program"])
    english = factories.account(session, language="en")
    english_candidate = factories.complete_candidate(session, account_id=english.id)
    english_application = factories.application(session, candidate_id=english_candidate.id, program=world["program"])
    session.commit()
    cases = [
        (world["applications"][0], plain),
        (world["applications"][1], reserved),
        (english_application, plain),
    ]
    for application, decision_type in cases:
        decision = enter_decision(
            session, actor=world["member"], application_id=application.id, decision_type_id=decision_type.id
        )
        publish_decision(session, actor=world["manager"], decision_id=decision.id)
    session.commit()
    [plain_fr] = mails(session, "decision_favorable", world["applications"][0].id)
    [reserved_fr] = mails(session, "decision_favorable", world["applications"][1].id)
    [plain_en] = mails(session, "decision_favorable", english_application.id)
    assert "(Avis favorable)" not in plain_fr.body_html and "Décision de la commission" not in plain_fr.body_html
    assert "a reçu un avis favorable." in plain_fr.body_text
    assert "Décision de la commission : Avis favorable sous réserve d'obtention du diplôme." in reserved_fr.body_text
    assert "(Offer of admission)" not in plain_en.body_text and "has been successful." in plain_en.body_text
