"""Scheduled jobs: runs recorded, failures rolled back, one run at a time across threads, stale runs, schedules."""

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import select

from app import clock as app_clock
from app.config import get_settings
from app.db import new_session, transaction
from app.models import Account, JobRun, JobStatus, SignInThrottle, StaffMember
from app.services.admin import scheduled_jobs
from app.services.platform import jobs
from app.services.platform.errors import NotFound
from tests import factories


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    """The real registry (with the jobs of JOB_MODULES), restored after each test."""
    monkeypatch.setattr(jobs, "_registry", dict(jobs.registered_jobs()))
    return jobs._registry


def runs(name: str) -> list[JobRun]:
    with new_session() as session:
        return list(session.exec(select(JobRun).where(JobRun.job == name).order_by(JobRun.id)).all())


def test_a_run_is_recorded_with_its_outcome(database_url, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    seen = []

    def count(session, now):
        seen.append(now)
        return 3, "trois éléments traités"

    jobs.register_job("count", count, every=timedelta(minutes=10))
    run = jobs.run_job("count", worker="test-worker")
    assert run is not None and run.status == JobStatus.SUCCEEDED
    assert (run.processed, run.message, run.worker) == (3, "trois éléments traités", "test-worker")
    assert seen == [datetime(2026, 3, 1, 9, 0, tzinfo=UTC)]
    assert run.started_at == run.finished_at == seen[0]
    assert [r.status for r in runs("count")] == [JobStatus.SUCCEEDED]


def test_a_failing_job_is_recorded_failed_and_its_work_rolled_back(database_url) -> None:
    def fail(session, now):
        session.add(StaffMember(login="ghost", email="g@univ.example", display_name="Ghost"))
        session.flush()
        raise ValueError("le référentiel ne répond pas")

    jobs.register_job("fail", fail)
    run = jobs.run_job("fail")
    assert run is not None and run.status == JobStatus.FAILED
    assert run.message == "ValueError: le référentiel ne répond pas"
    assert run.finished_at is not None
    with new_session() as session:
        assert session.exec(select(StaffMember)).all() == []


def test_an_unknown_job_is_refused(database_url) -> None:
    with pytest.raises(NotFound):
        jobs.run_job("nope")


def test_the_same_job_started_twice_at_once_runs_once(database_url) -> None:
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow(session, now):
        calls.append(now)
        started.set()
        assert release.wait(timeout=30)  # held open until the second attempt has been refused
        return 1, "fini"

    jobs.register_job("slow", slow)
    outcome: dict[str, JobRun | None] = {}
    first = threading.Thread(target=lambda: outcome.setdefault("first", jobs.run_job("slow", worker="a")))
    first.start()
    try:
        assert started.wait(timeout=30)
        outcome["second"] = jobs.run_job("slow", worker="b")  # another instance, while the first runs
    finally:
        release.set()
        first.join(timeout=30)
    assert outcome["second"] is None
    assert outcome["first"] is not None and outcome["first"].status == JobStatus.SUCCEEDED
    assert len(calls) == 1
    assert [(r.worker, r.status) for r in runs("slow")] == [("a", JobStatus.SUCCEEDED)]


def test_a_stale_running_run_is_interrupted_and_no_longer_blocks(database_url, clock) -> None:
    start = clock.set(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    jobs.register_job("nightly", lambda session, now: (0, "ok"))
    with transaction() as session:
        session.add(JobRun(job="nightly", status=JobStatus.RUNNING, started_at=start, worker="crashed"))
    clock.set(start + timedelta(hours=1))
    assert jobs.run_job("nightly") is None  # one hour: it may still be working
    clock.set(start + timedelta(hours=get_settings().jobs_stale_hours, minutes=1))
    run = jobs.run_job("nightly")
    assert run is not None and run.status == JobStatus.SUCCEEDED
    stale, fresh = runs("nightly")
    assert fresh.id == run.id
    assert stale.worker == "crashed" and stale.status == JobStatus.INTERRUPTED
    assert "Interrompue" in stale.message and stale.finished_at == run.started_at


def _record_run(name: str, started_at: datetime) -> None:
    with transaction() as session:
        session.add(JobRun(job=name, status=JobStatus.SUCCEEDED, started_at=started_at, finished_at=started_at))


def _due(now: datetime) -> set[str]:
    with new_session() as session:
        return {job.name for job in jobs.due_jobs(session, now)}


def test_a_daily_job_is_due_once_per_paris_day_around_midnight(database_url, clock) -> None:
    paris = app_clock.paris_datetime
    jobs._registry.clear()
    jobs.register_job("after_midnight", lambda session, now: (0, ""), daily_at=time(0, 15))
    assert _due(paris(2026, 3, 1, 0, 0)) == {"after_midnight"}  # never run: due at once
    _record_run("after_midnight", paris(2026, 3, 1, 0, 15))
    assert _due(paris(2026, 3, 1, 23, 59)) == set()
    # 00:14 in Paris is 23:14 UTC the day before: the Paris date decides, not the UTC one.
    assert _due(paris(2026, 3, 2, 0, 14)) == set()
    assert _due(paris(2026, 3, 2, 0, 15)) == {"after_midnight"}
    # Summer time (UTC+2): still 00:15 on the Paris clock.
    _record_run("after_midnight", paris(2026, 7, 1, 0, 15))
    assert _due(datetime(2026, 7, 1, 22, 14, tzinfo=UTC)) == set()
    assert _due(datetime(2026, 7, 1, 22, 15, tzinfo=UTC)) == {"after_midnight"}


def test_an_interval_job_is_due_again_after_its_interval_and_not_while_running(database_url) -> None:
    jobs._registry.clear()
    jobs.register_job("often", lambda session, now: (0, ""), every=timedelta(minutes=15))
    jobs.register_job("by_hand", lambda session, now: (0, ""))
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert _due(at) == {"often"}
    _record_run("often", at)
    assert _due(at + timedelta(minutes=14)) == set()
    assert _due(at + timedelta(minutes=15)) == {"often"}
    with transaction() as session:
        session.add(JobRun(job="often", status=JobStatus.RUNNING, started_at=at + timedelta(minutes=15)))
    assert _due(at + timedelta(hours=1)) == set()


def test_registering_checks_the_schedule() -> None:
    with pytest.raises(ValueError):
        jobs.register_job("both", lambda s, n: (0, ""), every=timedelta(hours=1), daily_at=time(3, 0))
    with pytest.raises(ValueError):
        jobs.register_job("x" * 61, lambda s, n: (0, ""))


def test_run_due_jobs_runs_the_purge_once_a_night(database_url, clock) -> None:
    clock.set(datetime(2026, 3, 10, 3, 0, tzinfo=UTC))  # 04:00 in Paris, after the 03:30 purge
    for name in set(jobs._registry) - {"purge_unactivated_accounts"}:  # other modules' jobs are theirs to test
        del jobs._registry[name]
    with transaction() as session:
        old = factories.account(session, activated_at=None, created_at=app_clock.now() - timedelta(days=6))
        factories.account(session, activated_at=None, created_at=app_clock.now() - timedelta(days=1))
        session.add(SignInThrottle(key="address:192.0.2.9", failures=3, window_started_at=app_clock.now()))
        session.add(
            SignInThrottle(key="address:192.0.2.8", failures=2, window_started_at=app_clock.now() - timedelta(hours=1))
        )
    [run] = jobs.run_due_jobs(worker="scheduler")
    assert (run.job, run.status, run.processed) == ("purge_unactivated_accounts", JobStatus.SUCCEEDED, 1)
    assert "compteurs de connexion effacés : 1." in run.message
    with new_session() as session:
        assert session.get(Account, old.id) is None
        assert [t.key for t in session.exec(select(SignInThrottle)).all()] == ["address:192.0.2.9"]
    assert jobs.run_due_jobs(worker="scheduler") == []  # done for tonight


def test_the_scheduler_runs_only_when_the_settings_ask() -> None:
    settings = get_settings()
    assert jobs.JobScheduler.from_settings(settings.model_copy(update={"jobs_enabled": False})) is None
    assert jobs.JobScheduler.from_settings(settings.model_copy(update={"jobs_enabled": True})) is not None


def test_the_command_line_lists_and_runs(database_url, capsys) -> None:
    from app import manage

    assert manage.main(["jobs", "list"]) == 0
    assert "purge_unactivated_accounts" in capsys.readouterr().out
    assert manage.main(["jobs", "run", "purge_unactivated_accounts"]) == 0
    assert "succeeded" in capsys.readouterr().out
    assert manage.main(["jobs", "run", "nope"]) == 2


def test_only_administrators_launch_a_job_by_hand(database_url) -> None:
    from app.models import StaffRoleAssignment
    from app.services.platform.actors import Actor
    from app.services.platform.errors import Forbidden

    with transaction() as session:
        member = StaffMember(login="gest", email="g@univ.example", display_name="Gest")
        session.add(member)
        session.flush()
        centre = factories.centre(session)
        role = StaffRoleAssignment(staff_id=member.id, role="centre_manager", centre_id=centre.id)
        session.add(role)
        session.flush()
        actor = Actor("staff", staff_id=member.id, role_assignment_id=role.id)
    for someone in (actor, Actor("candidate", account_id=1), Actor.anonymous()):
        with pytest.raises(Forbidden):
            scheduled_jobs.run_job_now(actor=someone, name="purge_unactivated_accounts")
    assert runs("purge_unactivated_accounts") == []


def test_the_scheduler_skips_a_job_another_instance_has_just_run(database_url, clock) -> None:
    """Between one instance's due_jobs() and its claim, another instance ran the job: it is not run again."""
    now = clock.set(app_clock.paris_datetime(2026, 3, 2, 4, 0))
    jobs.register_job("nightly", lambda session, now: (0, "ok"), daily_at=time(3, 30))
    with new_session() as session:
        assert "nightly" in {job.name for job in jobs.due_jobs(session, now)}
    _record_run("nightly", now - timedelta(minutes=1))  # the other instance, meanwhile
    assert jobs.run_job("nightly", only_if_due=True) is None
    assert jobs.run_job("nightly").status == JobStatus.SUCCEEDED  # by hand it still runs


@pytest.fixture
def web_role(monkeypatch):
    """This process is a web instance (ECANDIDAT_ROLE=web): it runs no background work."""
    from app.config import reset_settings

    monkeypatch.setenv("ECANDIDAT_ROLE", "web")
    reset_settings()
    yield
    monkeypatch.delenv("ECANDIDAT_ROLE")
    reset_settings()


@pytest.mark.usefixtures("web_role")
def test_run_now_in_a_web_instance_is_left_to_the_worker_which_runs_it_once(database_url, clock) -> None:
    from app.models import AuditEvent, StaffRole

    now = clock.set(app_clock.paris_datetime(2026, 3, 2, 10, 0))
    ran: list[datetime] = []
    jobs._registry.clear()  # this job alone: the worker's pass below runs whatever is due
    jobs.register_job("by_hand", lambda session, now: (ran.append(now), (1, "fait"))[1])  # no schedule: by hand only
    with transaction() as session:
        admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    assert _due(now) == set()

    assert scheduled_jobs.run_job_now(actor=admin, name="by_hand") == scheduled_jobs.LeftToWorker("by_hand")
    assert ran == [] and runs("by_hand") == []  # nothing ran in the web process
    with new_session() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == jobs.RUN_REQUESTED)).one().after == {
            "job": "by_hand"
        }

    later = clock.set(now + timedelta(seconds=30))
    assert "by_hand" in _due(later)
    [run] = jobs.run_due_jobs(worker="worker-1")  # the worker's pass
    assert (run.status, run.worker, ran) == (JobStatus.SUCCEEDED, "worker-1", [later])
    assert "by_hand" not in _due(later + timedelta(minutes=1))  # taken up: not run again
    assert jobs.run_job("by_hand", worker="worker-2", only_if_due=True) is None  # nor by a second worker
    assert len(runs("by_hand")) == 1


def test_run_now_in_a_process_with_background_work_runs_it_there_and_leaves_nothing_due(database_url, clock) -> None:
    from app.models import StaffRole

    now = clock.set(app_clock.paris_datetime(2026, 3, 2, 10, 0))
    jobs.register_job("by_hand", lambda session, now: (0, "fait"))
    with transaction() as session:
        admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    run = scheduled_jobs.run_job_now(actor=admin, name="by_hand")
    assert isinstance(run, JobRun) and run.status == JobStatus.SUCCEEDED
    assert "by_hand" not in _due(now + timedelta(minutes=1))


def test_the_jobs_screen_lists_each_jobs_latest_runs_newest_first(database_url, clock) -> None:
    from app.models import StaffRole

    start = clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    jobs._registry.clear()
    jobs.register_job("often", lambda session, now: (1, "fait"))
    jobs.register_job("seldom", lambda session, now: (2, "fait"))
    jobs.register_job("never", lambda session, now: (0, "fait"))
    for minute in range(4):
        clock.set(start + timedelta(minutes=minute))
        jobs.run_job("often")
    jobs.run_job("seldom")
    with transaction() as session:
        admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
        overview = scheduled_jobs.list_jobs(session, actor=admin, runs_per_job=3)
    shown = {row.job.name: [(run.job, run.started_at.minute) for run in row.runs] for row in overview}
    assert shown == {
        "often": [("often", 3), ("often", 2), ("often", 1)],  # the three newest of four, newest first
        "seldom": [("seldom", 3)],
        "never": [],
    }
