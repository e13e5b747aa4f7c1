"""The switch to a prepared campaign scheduled for a date and time, carried out once by its job (services)."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.db import new_session, transaction
from app.models import AuditEvent, Campaign, JobRun, JobStatus, Program, StaffRole, StaffRoleAssignment
from app.services.offer import campaign_schedule
from app.services.offer.campaigns import Shift
from app.services.platform import jobs
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.form_checks import DossierInvalid
from tests import factories

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
AT = app_clock.paris_datetime(2026, 7, 1, 9, 0)  # 07:00 UTC (summer time)
SECOND = timedelta(seconds=1)


def staff_actor(session: Session, role: StaffRole, **kw) -> Actor:
    assignment = factories.staff_with_role(session, role, **kw)
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


@pytest.fixture
def office(session: Session, clock) -> Actor:
    clock.set(NOW)
    return staff_actor(session, StaffRole.CENTRAL_OFFICE)


@pytest.fixture
def old(session: Session, office: Actor) -> Campaign:
    old = factories.campaign(session, code="2026", starts_on=date(2025, 10, 1), ends_on=date(2026, 9, 30))
    centre = factories.centre(session)
    committee = factories.committee(session, centre.id)
    factories.program(session, campaign_id=old.id, centre_id=centre.id, committee_id=committee.id, code="M-INFO")
    return old


@pytest.fixture
def new(session: Session, old: Campaign) -> Campaign:
    campaign = factories.campaign(
        session, code="2027", is_active=False, starts_on=date(2026, 10, 1), ends_on=date(2027, 9, 30)
    )
    session.commit()
    return campaign


def schedule(session: Session, actor: Actor, campaign: Campaign, at: datetime = AT, **kw) -> Campaign:
    scheduled = campaign_schedule.schedule_switch(
        session, actor=actor, campaign_id=campaign.id, expected_version=None, at=at, shift=kw.get("shift", Shift())
    )
    session.commit()
    return scheduled


def run(session: Session) -> tuple[int, str]:
    result = campaign_schedule.run_scheduled_switches(session, app_clock.now())
    session.commit()
    session.expire_all()
    return result


def actions(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_scheduling_stores_the_moment_the_shift_and_the_role_and_is_audited(
    session: Session, office: Actor, new: Campaign
) -> None:
    scheduled = schedule(session, office, new, shift=Shift("years", 1))
    assert scheduled.switch_scheduled_at == AT.astimezone(UTC)
    assert (scheduled.switch_shift_mode, scheduled.switch_shift_amount) == ("years", 1)
    assert scheduled.switch_scheduled_by_role_id == office.role_assignment_id
    assert len(actions(session, "campaign.switch_scheduled")) == 1


def test_a_naive_moment_is_paris_time(session: Session, office: Actor, new: Campaign) -> None:
    scheduled = schedule(session, office, new, at=datetime(2026, 7, 1, 9, 0))
    assert scheduled.switch_scheduled_at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_a_moment_in_the_past_or_now_is_refused(session: Session, office: Actor, new: Campaign) -> None:
    for moment in (NOW, NOW - SECOND):
        with pytest.raises(DossierInvalid) as refused:
            schedule(session, office, new, at=moment)
        assert set(refused.value.errors) == {"at"}
    session.rollback()
    assert session.get(Campaign, new.id).switch_scheduled_at is None


def test_scheduling_asks_the_manual_switchs_checks(session: Session, office: Actor, old: Campaign) -> None:
    earlier = factories.campaign(session, code="2025", is_active=False, starts_on=date(2024, 10, 1))
    session.commit()
    with pytest.raises(DomainError) as refused:
        schedule(session, office, earlier)
    assert refused.value.code == "switch_backwards"
    session.rollback()
    with pytest.raises(DomainError) as refused:
        schedule(session, office, old)
    assert refused.value.code == "switch_to_active"
    session.rollback()
    with pytest.raises(DossierInvalid) as refused:
        schedule(session, office, earlier, shift=Shift("days", 0))
    assert set(refused.value.errors) == {"amount"}


@pytest.mark.parametrize(
    ("role", "scope"),
    [(StaffRole.CENTRE_MANAGER, "centre"), (StaffRole.COMMITTEE_MEMBER, "committee"), (StaffRole.ACCOUNT_DESK, None)],
)
def test_only_the_central_office_and_administrators_schedule(
    session: Session, office: Actor, new: Campaign, role: StaffRole, scope: str | None
) -> None:
    kw: dict = {}
    if scope:
        centre = factories.centre(session)
        committee = factories.committee(session, centre.id)
        kw = {"centre_id": centre.id} if scope == "centre" else {"committee_id": committee.id}
    actor = staff_actor(session, role, **kw)
    session.commit()
    with pytest.raises(Forbidden):
        schedule(session, actor, new)
    session.rollback()
    schedule(session, office, new)
    with pytest.raises(Forbidden):
        campaign_schedule.cancel_scheduled_switch(session, actor=actor, campaign_id=new.id, expected_version=None)
    administrator = staff_actor(session, StaffRole.ADMINISTRATOR)
    schedule(session, administrator, new)


def test_a_read_only_central_office_cannot_schedule(session: Session, new: Campaign) -> None:
    reader = staff_actor(session, StaffRole.CENTRAL_OFFICE, read_only=True)
    with pytest.raises(Forbidden):
        schedule(session, reader, new)


def test_cancelling_clears_the_schedule_and_the_job_then_does_nothing(
    session: Session, office: Actor, new: Campaign, clock
) -> None:
    schedule(session, office, new)
    campaign_schedule.cancel_scheduled_switch(session, actor=office, campaign_id=new.id, expected_version=None)
    session.commit()
    assert session.get(Campaign, new.id).switch_scheduled_at is None
    assert len(actions(session, "campaign.switch_schedule_cancelled")) == 1
    clock.set(AT + SECOND)
    assert run(session)[0] == 0
    assert not session.get(Campaign, new.id).is_active
    with pytest.raises(DomainError) as refused:
        campaign_schedule.cancel_scheduled_switch(session, actor=office, campaign_id=new.id, expected_version=None)
    assert refused.value.code == "switch_not_scheduled"


def test_the_job_switches_at_the_moment_not_a_second_before(
    session: Session, office: Actor, old: Campaign, new: Campaign, clock
) -> None:
    schedule(session, office, new, shift=Shift("years", 1))
    clock.set(AT - SECOND)
    assert run(session)[0] == 0
    assert not session.get(Campaign, new.id).is_active
    clock.set(AT + SECOND)
    processed, message = run(session)
    assert processed == 1 and "2027" in message
    now_active = session.get(Campaign, new.id)
    assert now_active.is_active and now_active.switch_scheduled_at is None
    assert session.get(Campaign, old.id).archived_at is not None
    # The manual switch's service did it: its audit, for the scheduling staff member, and its copy of the offer.
    (switched,) = actions(session, "campaign.switched")
    assert switched.actor_staff_id == office.staff_id
    assert switched.after["shift"]["mode"] == "years"
    assert session.exec(select(Program).where(Program.campaign_id == new.id, Program.code == "M-INFO")).one()


def test_a_second_run_never_switches_twice(session: Session, office: Actor, new: Campaign, clock) -> None:
    schedule(session, office, new)
    clock.set(AT + SECOND)
    assert run(session)[0] == 1
    assert run(session)[0] == 0
    assert len(actions(session, "campaign.switched")) == 1
    assert actions(session, "campaign.scheduled_switch_refused") == []


def test_two_instances_at_once_switch_once(session: Session, office: Actor, new: Campaign, clock) -> None:
    schedule(session, office, new)
    clock.set(AT + SECOND)
    start = threading.Barrier(2)
    runs: list[JobRun | None] = []

    def instance(name: str) -> None:
        start.wait()
        runs.append(jobs.run_job(campaign_schedule.JOB_NAME, worker=name))

    threads = [threading.Thread(target=instance, args=(f"instance-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with new_session() as check:
        assert len(check.exec(select(AuditEvent).where(AuditEvent.action == "campaign.switched")).all()) == 1
        assert check.get(Campaign, new.id).is_active
    finished = [r for r in runs if r is not None]
    assert all(r.status == JobStatus.SUCCEEDED for r in finished)
    assert sum(r.processed for r in finished) == 1


def test_a_switch_no_longer_possible_at_its_moment_is_refused_with_its_reason(
    session: Session, office: Actor, old: Campaign, new: Campaign, clock
) -> None:
    schedule(session, office, new)
    # Meanwhile the campaign was moved before the active one: the manual switch would refuse it too.
    with transaction() as s:
        s.get(Campaign, new.id).starts_on = date(2025, 9, 1)
    clock.set(AT + SECOND)
    processed, message = run(session)
    assert processed == 1 and "refusées : 2027" in message
    refused = session.get(Campaign, new.id)
    assert not refused.is_active and refused.switch_scheduled_at is None
    assert refused.switch_refusal["message"].startswith("La nouvelle campagne doit commencer après")
    assert refused.switch_refusal["params"] == {"date": "01/10/2025"}
    assert session.get(Campaign, old.id).is_active
    assert actions(session, "campaign.switched") == []
    (event,) = actions(session, "campaign.scheduled_switch_refused")
    assert event.after["code"] == "switch_backwards"
    assert run(session)[0] == 0  # refused once, not retried every minute


def test_a_withdrawn_role_is_a_refusal_at_the_moment(session: Session, office: Actor, new: Campaign, clock) -> None:
    schedule(session, office, new)
    with transaction() as s:
        s.get(StaffRoleAssignment, office.role_assignment_id).read_only = True
    clock.set(AT + SECOND)
    assert run(session)[0] == 1
    refused = session.get(Campaign, new.id)
    assert not refused.is_active
    assert refused.switch_refusal["message"] == Forbidden().message


def test_a_manual_switch_clears_the_schedule(session: Session, office: Actor, new: Campaign, clock) -> None:
    from app.services.offer import campaigns

    schedule(session, office, new)
    campaigns.switch_campaign(session, actor=office, new_campaign_id=new.id, expected_version=None)
    session.commit()
    assert session.get(Campaign, new.id).switch_scheduled_at is None
    clock.set(AT + SECOND)
    assert run(session)[0] == 0
    assert actions(session, "campaign.scheduled_switch_refused") == []


def test_the_job_is_registered_every_two_minutes() -> None:
    job = jobs.get_job(campaign_schedule.JOB_NAME)
    assert job.every == timedelta(minutes=2)
    assert job.func is campaign_schedule.run_scheduled_switches


def test_the_demo_campus_shows_a_scheduled_switch_that_its_job_carries_out(session: Session, clock) -> None:
    from app.services.demo.campus import seed_demo_campus

    clock.set(NOW)
    assert seed_demo_campus(session) is True
    session.commit()
    active = session.exec(select(Campaign).where(Campaign.is_active)).one()
    (following,) = session.exec(select(Campaign).where(Campaign.switch_scheduled_at.is_not(None))).all()  # type: ignore[union-attr]
    assert following.starts_on > active.ends_on and following.switch_scheduled_at > NOW
    clock.set(following.switch_scheduled_at + SECOND)
    assert run(session)[0] == 1
    assert session.get(Campaign, following.id).is_active
    assert actions(session, "campaign.scheduled_switch_refused") == []
