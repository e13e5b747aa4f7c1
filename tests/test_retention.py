"""The daily ``purge_expired_data`` job: each step at its threshold (one second either side), batched, idempotent,
counted in the run's message, run in read-only mode too; and the privacy page's promises.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.config import Settings, get_settings
from app.db import new_session, transaction
from app.models import ActorKind, AuditEvent, EditLease, JobRun, JobStatus, MailStatus, OutboxMail
from app.services.platform import read_only, retention
from app.services.platform.jobs import registered_jobs, run_job

NOW = datetime(2026, 3, 10, 3, 50, tzinfo=UTC)
SECOND = timedelta(seconds=1)
YEAR = timedelta(days=400)


def _run(clock) -> JobRun:
    clock.set(NOW)
    run = run_job(retention.JOB)
    assert run is not None and run.status == JobStatus.SUCCEEDED, run and run.message
    return run


def _event(action: str, at: datetime) -> AuditEvent:
    return AuditEvent(
        actor_kind=ActorKind.STAFF, action=action, entity_type="application", entity_id=1, at=at, before={}, after={}
    )


def _remaining(model, order) -> list:
    with new_session() as session:
        return list(session.exec(select(model).order_by(order)).all())


def test_the_access_log_goes_after_its_days_and_the_audit_of_actions_stays(session: Session, clock) -> None:
    cutoff = NOW - timedelta(days=get_settings().access_log_days)
    session.add_all(
        [
            _event("application.viewed", cutoff - SECOND),
            _event("piece.viewed", cutoff - timedelta(days=30)),
            _event("account.signed_in", cutoff - SECOND),
            _event("staff.sso_signed_in", cutoff - SECOND),
            _event("application.dossier_downloaded", cutoff - SECOND),
            _event("application.viewed", cutoff + SECOND),  # one second too young
            _event("decision.published", cutoff - timedelta(days=400)),  # an action: kept
            _event("note.deleted", cutoff - SECOND),
        ]
    )
    session.commit()
    run = _run(clock)
    kept = [(e.action, e.at) for e in _remaining(AuditEvent, col(AuditEvent.id))]
    assert [action for action, _ in kept] == ["application.viewed", "decision.published", "note.deleted"]
    assert kept[0][1] == cutoff + SECOND
    assert run.processed == 5 and "Journal des accès effacé : 5" in run.message


def _mail(status: MailStatus, *, finished: datetime) -> OutboxMail:
    return OutboxMail(
        code="account_created",
        to_address="eloise.dupre@example.org",
        subject="Votre compte",
        body_html="<p>Bonjour</p>",
        body_text="Bonjour",
        status=status,
        sent_at=finished if status == MailStatus.SENT else None,
        next_attempt_at=finished,
        created_at=finished - timedelta(days=1),
    )


def test_outbox_mails_go_once_delivered_or_failed_for_their_days(session: Session, clock) -> None:
    cutoff = NOW - timedelta(days=get_settings().mail_retention_days)
    old_sent, young_sent = _mail(MailStatus.SENT, finished=cutoff - SECOND), _mail(MailStatus.SENT, finished=cutoff)
    old_failed = _mail(MailStatus.FAILED, finished=cutoff - SECOND)
    young_failed = _mail(MailStatus.FAILED, finished=cutoff + SECOND)
    pending = _mail(MailStatus.PENDING, finished=cutoff - timedelta(days=90))  # never delivered yet: kept
    session.add_all([old_sent, young_sent, old_failed, young_failed, pending])
    session.commit()
    kept_ids = {young_sent.id, young_failed.id, pending.id}
    run = _run(clock)
    assert {mail.id for mail in _remaining(OutboxMail, col(OutboxMail.id))} == kept_ids
    assert "Courriels envoyés effacés : 2" in run.message


def test_cancelled_mails_go_their_days_after_the_cancellation(session: Session, clock) -> None:
    cutoff = NOW - timedelta(days=get_settings().mail_retention_days)
    old, young = (_mail(MailStatus.CANCELLED, finished=cutoff - timedelta(days=9)) for _ in range(2))
    old.cancelled_at, young.cancelled_at = cutoff - SECOND, cutoff + SECOND  # cancelled long after its last try
    session.add_all([old, young])
    session.commit()
    kept_id = young.id
    run = _run(clock)
    assert {mail.id for mail in _remaining(OutboxMail, col(OutboxMail.id))} == {kept_id}
    assert "Courriels envoyés effacés : 1" in run.message


def test_expired_leases_go(session: Session, clock) -> None:
    def lease(resource: str, expires_at: datetime) -> EditLease:
        return EditLease(
            resource=resource,
            holder_kind=ActorKind.STAFF,
            holder_id=1,
            holder_label="Mme Gestionnaire",
            client_id="page",
            expires_at=expires_at,
        )

    session.add_all([lease("candidate:1", NOW - SECOND), lease("candidate:2", NOW + SECOND)])
    session.commit()
    run = _run(clock)
    assert [row.resource for row in _remaining(EditLease, col(EditLease.id))] == ["candidate:2"]
    assert "Verrous d'édition expirés effacés : 1" in run.message


def test_old_job_runs_go_but_the_latest_of_each_job_stays(session: Session, clock) -> None:
    cutoff = NOW - timedelta(days=get_settings().job_run_retention_days)

    def job_run(job: str, started_at: datetime, status: JobStatus = JobStatus.SUCCEEDED) -> JobRun:
        return JobRun(job=job, status=status, started_at=started_at, finished_at=started_at + SECOND)

    session.add_all(
        [
            job_run("nightly", cutoff - timedelta(days=2)),
            job_run("nightly", cutoff - SECOND, JobStatus.FAILED),
            job_run("nightly", cutoff + SECOND),
            job_run("rare", cutoff - timedelta(days=300)),  # its only run: the schedule reads it
            job_run("rare_too", cutoff - timedelta(days=20)),
            job_run("rare_too", cutoff - timedelta(days=10)),
        ]
    )
    session.commit()
    run = _run(clock)
    kept = [(r.job, r.started_at) for r in _remaining(JobRun, col(JobRun.id)) if r.job != retention.JOB]
    assert kept == [
        ("nightly", cutoff + SECOND),
        ("rare", cutoff - timedelta(days=300)),
        ("rare_too", cutoff - timedelta(days=10)),
    ]
    assert "Exécutions de tâches effacées : 3" in run.message


def test_steps_delete_in_batches_and_a_second_run_deletes_nothing(
    session: Session, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    old = NOW - timedelta(days=get_settings().access_log_days + 1)
    session.add_all([_event("application.viewed", old) for _ in range(5)])
    session.commit()
    assert _run(clock).processed == 5
    again = _run(clock)
    assert again.processed == 0
    assert again.message.startswith("Journal des accès effacé : 0 ; Courriels envoyés effacés : 0")


@pytest.fixture
def read_only_portal(database_url: str) -> Iterator[None]:
    read_only.note_refused_write("test: the database refuses writes")
    yield
    read_only.clear_automatic()


def test_while_read_only_the_purge_still_runs_on_its_bookkeeping_tables(
    session: Session, clock, read_only_portal: None
) -> None:
    cutoff = NOW - timedelta(days=get_settings().mail_retention_days)
    with transaction() as writable:
        read_only.allow(writable, "switch")  # the test's rows, written despite the mode
        writable.add_all([_mail(MailStatus.SENT, finished=cutoff - SECOND), _event("piece.viewed", NOW - YEAR)])
    run = _run(clock)
    assert "Journal des accès effacé : 1 ; Courriels envoyés effacés : 1" in run.message
    assert _remaining(OutboxMail, col(OutboxMail.id)) == []


def test_every_duration_the_privacy_page_promises_has_its_setting_and_a_registered_job(database_url: str) -> None:
    jobs = registered_jobs()
    assert retention.JOB in jobs and jobs[retention.JOB].daily_at is not None
    for promise in retention.PROMISES:
        assert promise.setting in Settings.model_fields, promise
        assert promise.job in jobs, f"the page promises {promise.setting} but no job {promise.job!r} applies it"
        assert jobs[promise.job].daily_at is not None, "a promised purge runs every day"
        assert "{duration}" in promise.text
    values = dict((p.setting, v) for p, v in retention.promised_durations())
    assert values["access_log_days"] == 365 and values["mail_retention_days"] == 30
    assert values["retention_years"] == 2


def test_the_settings_have_their_documented_defaults() -> None:
    fields = Settings.model_fields
    assert fields["access_log_days"].default == 365
    assert fields["mail_retention_days"].default == 30
    assert fields["job_run_retention_days"].default == 90
    assert fields["retention_years"].default == 2


def test_the_access_log_is_exactly_the_sign_ins_views_and_downloads_the_code_audits() -> None:
    """A new audited action that reads like an access is noticed here (``account.sso_signed_in``, written in a
    conditional expression, escapes the pattern but ends like the others)."""
    app = Path(retention.__file__).resolve().parents[2]
    written = (
        r'action="([a-z_.]+)"',
        r'audit_application\(\s*\w+,\s*\w+,\s*\w+,\s*"([a-z_.]+)"',
        r'audit_dossier\(\s*\w+,\s*\w+,\s*[^"]*?,\s*"([a-z_.]+)"',  # the candidate's id may be a call
        r'audit_row\(\s*\w+,\s*(?:\w+|\w+\([^()]*\)),\s*"([a-z_.]+)"',  # the actor may be built in the call
    )
    actions = {a for path in app.rglob("*.py") for w in written for a in re.findall(w, path.read_text())}
    assert {a for a in actions if a.endswith(retention.ACCESS_SUFFIXES)} == {
        "account.signed_in",
        "staff.signed_in",
        "staff.sso_signed_in",
        "application.viewed",
        "application.dossier_downloaded",
        "piece.viewed",
        "impersonation.viewed",
        "export.downloaded",
        "account.data_downloaded",  # a candidate's copy of their data (#21 item 2)
        "privacy.audit.viewed",  # a search of the audit trail on the DPO's screen (#21 item 4)
    }
