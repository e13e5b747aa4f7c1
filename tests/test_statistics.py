"""Statistics equal counts computed independently, row by row, from randomised data; scope; the daily curve."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.clock import PARIS
from app.models import (
    AnswerKind,
    Application,
    Decision,
    DecisionKind,
    DossierStatus,
    Program,
    StaffRole,
)
from app.services.exports.statistics import (
    AWAITING_FILTERS,
    COUNTS,
    UNPUBLISHED_FILTERS,
    campaign_options,
    compute_statistics,
    daily_activity,
    pending_counts,
)
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from app.services.review.staff_list import ListQuery, list_applications
from tests import factories

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def stats_world(session: Session, *, seed: int = 11, count: int = 260) -> dict[str, Any]:
    """Two campaigns (the old one archived), two centres, three committees, seven programmes (one without a
    capacity, one without applications) and ``count`` applications with random statuses, decision histories
    (published or not), answers, waiting-list calls and cancellations."""
    rng = random.Random(seed)
    old = factories.campaign(session, is_active=False, archived_at=NOW - timedelta(days=200))
    current = factories.campaign(session)
    centres = [factories.centre(session) for _ in range(2)]
    committees = [
        factories.committee(session, centres[0].id),
        factories.committee(session, centres[0].id),
        factories.committee(session, centres[1].id),
    ]
    programs = []
    for index, (campaign, committee, capacity) in enumerate(
        [
            (current, committees[0], 5),
            (current, committees[0], None),
            (current, committees[1], 8),
            (current, committees[2], 3),
            (current, committees[2], 12),  # no application
            (old, committees[0], 6),
            (old, committees[2], 4),
        ]
    ):
        programs.append(
            factories.program(
                session,
                campaign_id=campaign.id,
                centre_id=committee.centre_id,
                committee_id=committee.id,
                capacity=capacity,
                code=f"ST{index}",
            )
        )
    types = {kind: factories.decision_type(session, kind) for kind in DecisionKind}
    applications = []
    for index in range(count):
        candidate = factories.candidate(session, birth_name=f"STAT{index:03d}")
        program = rng.choice([p for i, p in enumerate(programs) if i != 4])
        created = NOW - timedelta(days=rng.randrange(60), minutes=rng.randrange(1440))
        application = factories.application(
            session,
            candidate_id=candidate.id,
            program=program,
            dossier_status=rng.choice(list(DossierStatus)),
            created_at=created,
            transmitted_at=created + timedelta(hours=rng.randrange(1, 200)) if rng.random() < 0.7 else None,
            cancelled_at=NOW if rng.random() < 0.08 else None,
        )
        history: list[Decision] = []
        for step in range(rng.choice([0, 0, 1, 1, 2, 3])):
            kind = rng.choice(list(DecisionKind))
            published = rng.random() < 0.6
            entered = created + timedelta(days=step + 1)
            decision = Decision(
                application_id=application.id,
                decision_type_id=types[kind].id,
                kind=kind,
                waiting_list_rank=rng.randrange(1, 30) if kind == DecisionKind.WAITING_LIST else None,
                entered_at=entered,
                published_at=entered + timedelta(hours=2) if published else None,
                is_waiting_list_call=kind == DecisionKind.FAVORABLE and rng.random() < 0.2,
            )
            session.add(decision)
            history.append(decision)
        session.flush()
        if history:
            last = history[-1]
            application.last_decision_kind = last.kind
            application.last_decision_published = last.published_at is not None
            if last.is_waiting_list_call and last.published_at is not None:
                application.called_from_waiting_list_at = last.published_at
            if any(d.kind == DecisionKind.FAVORABLE and d.published_at for d in history):
                application.answer = rng.choice([None, None, *AnswerKind])
        session.add(application)
        applications.append(application)
    session.flush()
    return {
        "old": old,
        "current": current,
        "centres": centres,
        "committees": committees,
        "programs": programs,
        "applications": applications,
    }


def expected_counts(session: Session, keep: Any, group: Any) -> dict[Any, Counter]:
    """Every figure per group, by iterating the applications and their decisions in Python."""
    result: dict[Any, Counter] = {}
    for application in session.exec(select(Application)).all():
        if not keep(application):
            continue
        counts = result.setdefault(group(application), Counter())
        counts["applications"] += 1
        if application.cancelled_at is not None:
            counts["cancelled"] += 1
            continue
        counts["live"] += 1
        counts["transmitted"] += application.transmitted_at is not None
        counts[f"status_{application.dossier_status.value}"] += 1
        if application.last_decision_kind is None:
            counts["no_decision"] += 1
        else:
            counts[f"decision_{application.last_decision_kind.value}"] += 1
            counts["published" if application.last_decision_published else "unpublished"] += 1
        if application.answer is not None:
            counts[application.answer.value] += 1
        counts["called_from_waiting_list"] += application.called_from_waiting_list_at is not None
        decisions = session.exec(select(Decision).where(Decision.application_id == application.id)).all()
        published = sorted((d for d in decisions if d.published_at), key=lambda d: (d.published_at, d.id))
        offer = bool(published) and published[-1].kind == DecisionKind.FAVORABLE
        if offer and application.answer != AnswerKind.WITHDRAWN:
            counts["places_taken"] += 1
            program = session.get(Program, application.program_id)
            assert program is not None
            counts["places_taken_capped"] += program.capacity is not None
    return result


@pytest.fixture
def world(session: Session, clock: Any) -> dict[str, Any]:
    clock.set(NOW)
    data = stats_world(session)
    data["central"] = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    data["manager"] = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=data["centres"][0].id)
    data["member"] = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=data["committees"][2].id)
    session.commit()
    return data


def nonzero(counts: Any) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def as_dict(stats: Any) -> dict[Any, dict[str, int]]:
    return {row.key: {k: v for k, v in row.counts.items() if v} for row in stats.rows}


@pytest.mark.parametrize("grouping", ["program", "committee", "centre", "campaign"])
def test_each_grouping_equals_an_independent_count(session: Session, world: dict, grouping: str) -> None:
    campaign_id = None if grouping == "campaign" else world["current"].id
    stats = compute_statistics(session, actor=world["central"], grouping=grouping, campaign_id=campaign_id)
    attribute = {"program": "program_id", "committee": "committee_id", "centre": "centre_id"}.get(
        grouping, "campaign_id"
    )
    expected = expected_counts(
        session,
        lambda a: campaign_id is None or a.campaign_id == campaign_id,
        lambda a: getattr(a, attribute),
    )
    got = as_dict(stats)
    assert {k: v for k, v in got.items() if v} == {k: nonzero(v) for k, v in expected.items()}
    assert set(COUNTS) >= {k for c in expected.values() for k in c}
    total = sum(expected.values(), Counter())
    assert nonzero(stats.total.counts) == nonzero(total)
    assert stats.total.counts["applications"] > 100


def test_capacity_and_fill_rate(session: Session, world: dict) -> None:
    programs = world["programs"]
    stats = compute_statistics(session, actor=world["central"], grouping="program", campaign_id=world["current"].id)
    rows = {row.key: row for row in stats.rows}
    assert set(rows) == {p.id for p in programs[:5]}  # the programme without applications is listed too
    empty = rows[programs[4].id]
    assert empty.capacity == 12 and empty.counts["applications"] == 0 and empty.fill_rate == 0
    assert rows[programs[1].id].capacity is None and rows[programs[1].id].fill_rate is None
    first = rows[programs[0].id]
    assert first.fill_rate == pytest.approx(first.counts["places_taken"] / 5)
    assert stats.total.capacity == 5 + 8 + 3 + 12  # the programme without a capacity adds none
    assert stats.total.fill_rate == pytest.approx(
        sum(rows[p.id].counts["places_taken"] for p in programs[:5] if p.capacity) / 28
    )
    by_committee = compute_statistics(
        session, actor=world["central"], grouping="committee", campaign_id=world["current"].id
    )
    assert {r.key: r.capacity for r in by_committee.rows} == {
        world["committees"][0].id: 5,
        world["committees"][1].id: 8,
        world["committees"][2].id: 15,
    }


def test_scope_is_respected(session: Session, world: dict) -> None:
    centre = world["centres"][0]
    committee = world["committees"][2]
    mine = compute_statistics(session, actor=world["manager"], grouping="committee", campaign_id=None)
    assert {r.key for r in mine.rows} == {world["committees"][0].id, world["committees"][1].id}
    expected = expected_counts(session, lambda a: a.centre_id == centre.id, lambda a: "all")["all"]
    assert mine.total.counts["applications"] == expected["applications"]
    member = compute_statistics(session, actor=world["member"], grouping="centre", campaign_id=None)
    assert [r.key for r in member.rows] == [committee.centre_id]
    only = expected_counts(session, lambda a: a.committee_id == committee.id, lambda a: "all")["all"]
    assert nonzero(member.total.counts) == nonzero(only)
    assert member.total.capacity == 3 + 12 + 4  # its programmes only, every campaign
    curve = daily_activity(session, actor=world["member"], campaign_id=None)
    assert sum(d.created for d in curve) == only["applications"]
    with pytest.raises(Forbidden):
        compute_statistics(session, actor=Actor("candidate", account_id=1))
    with pytest.raises(DomainError):
        compute_statistics(session, actor=world["central"], grouping="password")


def test_daily_curve_counts_paris_days_across_both_dst_changes(session: Session, clock: Any) -> None:
    clock.set(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))
    program = factories.program(session, campaign_id=factories.campaign(session).id)
    moments = [
        # Spring forward (29 March 2026, UTC+1 → UTC+2).
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),  # 23:59 Paris
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),  # 00:00 Paris
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),  # 23:59 Paris (summer time)
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),  # 00:00 Paris
        # Fall back (25 October 2026, UTC+2 → UTC+1): that Paris day lasts 25 hours.
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),  # 00:00 Paris
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), date(2026, 10, 25)),  # 02:30 Paris, first time
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), date(2026, 10, 25)),  # 02:30 Paris, second time
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),  # 23:59 Paris
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),  # 00:00 Paris
    ]
    for index, (moment, _day) in enumerate(moments):
        candidate = factories.candidate(session)
        transmitted = moment + timedelta(hours=1) if index % 2 else None
        factories.application(
            session, candidate_id=candidate.id, program=program, created_at=moment, transmitted_at=transmitted
        )
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    curve = daily_activity(session, actor=central, campaign_id=program.campaign_id)
    created = Counter(day for _m, day in moments)
    transmitted = Counter(
        (moment + timedelta(hours=1)).astimezone(PARIS).date()
        for index, (moment, _d) in enumerate(moments)
        if index % 2
    )
    assert curve[0].day == date(2026, 3, 28) and curve[-1].day == date(2026, 10, 26)
    assert len(curve) == (date(2026, 10, 26) - date(2026, 3, 28)).days + 1  # every day, zeros included
    assert {d.day: d.created for d in curve if d.created} == dict(created)
    assert {d.day: d.transmitted for d in curve if d.transmitted} == dict(transmitted)
    assert {d.day: d.created for d in curve}[date(2026, 10, 25)] == 4


def test_daily_curve_equals_a_python_count_of_random_data(session: Session, world: dict) -> None:
    paris = PARIS
    current = world["current"].id
    curve = daily_activity(session, actor=world["manager"], campaign_id=current)
    rows = [a for a in session.exec(select(Application)).all()]
    kept = [a for a in rows if a.campaign_id == current and a.centre_id == world["centres"][0].id]
    assert {d.day: d.created for d in curve if d.created} == dict(
        Counter(a.created_at.astimezone(paris).date() for a in kept)
    )
    assert {d.day: d.transmitted for d in curve if d.transmitted} == dict(
        Counter(a.transmitted_at.astimezone(paris).date() for a in kept if a.transmitted_at)
    )


def test_pending_counts_match_the_filtered_list(session: Session, world: dict) -> None:
    member = world["member"]
    pending = pending_counts(session, actor=member)
    assert pending.campaign_id == world["current"].id
    committee_id = world["committees"][2].id
    live = [
        a
        for a in session.exec(select(Application)).all()
        if a.committee_id == committee_id and a.campaign_id == world["current"].id and a.cancelled_at is None
    ]
    awaiting = [a for a in live if a.last_decision_kind is None and a.dossier_status != DossierStatus.PENDING]
    unpublished = [a for a in live if a.last_decision_kind is not None and not a.last_decision_published]
    assert (pending.awaiting_decision, pending.unpublished) == (len(awaiting), len(unpublished))
    assert pending.awaiting_decision > 0 and pending.unpublished > 0
    campaign = {"campaign": [world["current"].id]}
    for filters, expected in ((AWAITING_FILTERS, awaiting), (UNPUBLISHED_FILTERS, unpublished)):
        query = ListQuery(filters=filters | campaign, page_size=200)
        page = list_applications(session, actor=member, query=query)
        assert page.total == len(expected)
        assert {r["id"] for r in page.rows} == {a.id for a in expected}


def test_campaign_options_put_the_active_one_first(session: Session, world: dict) -> None:
    options = campaign_options(session, actor=world["member"])
    assert [o.id for o in options] == [world["current"].id, world["old"].id]
    assert options[0].is_active and options[1].archived
