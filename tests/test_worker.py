"""The worker process and the roles (ECANDIDAT_ROLE): a web instance runs no background work, and any number of
workers share it through the database without doing one thing twice."""

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from nicegui import app as nicegui_app
from sqlmodel import Session, select

from app import server
from app.config import get_settings, reset_settings
from app.db import transaction
from app.models import ExportJob, ExportStatus, FileKind, JobRun, MailStatus, OutboxMail, StaffRole, StoredFile
from app.services.exports import jobs as export_jobs
from app.services.exports.tabular import TabularRequest
from app.services.mail.outbox import enqueue_mail
from app.services.mail.templates import sample_context
from app.services.platform.jobs import registered_jobs
from app.services.review.staff_list import ListQuery
from app.worker import ExportBuilder, Worker, check, heartbeat_path
from tests import factories
from tests.portal_process import run_worker

if TYPE_CHECKING:  # imported by pytest as a plugin; importing it here would skip its assertion rewriting
    from tests.mail_fixtures import RecordingHandler

pytest_plugins = ["tests.mail_fixtures"]


def startup_handlers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What ``server._start_background_work`` asks NiceGUI to start, by the class of each handler's owner."""
    started: list[str] = []
    monkeypatch.setattr(nicegui_app, "on_startup", lambda handler: started.append(type(handler.__self__).__name__))
    monkeypatch.setattr(nicegui_app, "on_shutdown", lambda handler: None)
    server._start_background_work()
    return started


@pytest.mark.parametrize(("role", "expected"), [("web", []), ("all", ["MailWorker", "JobScheduler"])])
def test_a_web_instance_starts_no_background_work(
    role: str, expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECANDIDAT_ROLE", role)
    monkeypatch.setenv("ECANDIDAT_SMTP_HOST", "127.0.0.1")  # a mail worker would be wanted
    monkeypatch.setenv("ECANDIDAT_JOBS_ENABLED", "true")  # and a scheduler
    reset_settings()
    try:
        assert startup_handlers(monkeypatch) == expected
    finally:
        reset_settings()


def test_the_role_is_one_of_three() -> None:
    os.environ["ECANDIDAT_ROLE"] = "both"
    try:
        reset_settings()
        with pytest.raises(ValueError, match="role"):
            get_settings()
    finally:
        del os.environ["ECANDIDAT_ROLE"]
        reset_settings()


def queued_export(session: Session) -> int:
    factories.list_world(session, per_centre=3)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    request = TabularRequest(query=ListQuery(), columns=["dossier_number"])
    job = export_jobs.request_list_export(session, actor=central, kind="csv", request=request)
    session.commit()
    return job.id or 0


def test_two_export_builders_build_a_queued_export_once(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    job_id = queued_export(session)
    built: list[int] = []
    real_build = export_jobs._build

    def counting_build(*args, **kwargs):  # type: ignore[no-untyped-def]
        built.append(job_id)
        time.sleep(0.2)  # the other builder's pass comes while this one builds
        return real_build(*args, **kwargs)

    monkeypatch.setattr(export_jobs, "_build", counting_build)
    builders = [ExportBuilder(1, threads=2, worker=f"worker-{n}") for n in range(2)]
    start = threading.Barrier(2)

    def one_pass(builder: ExportBuilder) -> None:
        start.wait()
        builder.run_pass()

    threads = [threading.Thread(target=one_pass, args=(builder,)) for builder in builders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for builder in builders:
        builder.wait()
    assert built == [job_id]
    session.expire_all()
    job = session.get(ExportJob, job_id)
    assert job is not None and job.status == ExportStatus.DONE and job.claimed_by in ("worker-0", "worker-1")


def test_the_heartbeat_tells_whether_the_worker_lives(database_url: str) -> None:
    settings = get_settings()
    assert check(settings) == 1  # never started
    worker = Worker(settings)
    worker.heartbeat.run_pass()
    assert heartbeat_path(settings).exists() and check(settings) == 0
    os.utime(heartbeat_path(settings), (time.time() - 600, time.time() - 600))
    assert check(settings) == 1


# --- Two real worker processes on PostgreSQL ----------------------------------------------------------------------


def wait_for(condition, seconds: float, what: str, logs: list[Path]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs)
    raise AssertionError(f"waited {seconds} s for {what}\n{tails}")


def test_two_worker_processes_deliver_run_and_build_each_thing_once(
    database_url: str, session: Session, smtp_server: "RecordingHandler", tmp_path: Path
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two worker processes share one database on PostgreSQL only (production's); SQLite is one process")
    with transaction() as tx:
        for n in range(40):
            enqueue_mail(tx, code="account_deleted", to=f"c{n}@example.org", context=sample_context("account_deleted"))
    job_id = queued_export(session)
    settings = get_settings()
    env = {
        "ECANDIDAT_DATABASE_URL": database_url,
        "ECANDIDAT_DATA_DIR": str(settings.data_dir),  # one file store, as the processes of one portal share
        "ECANDIDAT_SECRET_KEY": settings.secret_key,
        "ECANDIDAT_DEMO": "false",
        "ECANDIDAT_SMTP_HOST": "127.0.0.1",
        "ECANDIDAT_SMTP_PORT": str(settings.smtp_port),
        "ECANDIDAT_MAIL_WORKER_INTERVAL_SECONDS": "0.5",
        "ECANDIDAT_JOBS_INTERVAL_SECONDS": "0.5",
    }
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    with run_worker(logs[0], env) as first, run_worker(logs[1], env) as second:
        workers = [first, second]

        def all_done() -> bool:
            with transaction() as tx:
                pending = tx.exec(select(OutboxMail.id).where(OutboxMail.status == MailStatus.PENDING)).first()
                export = tx.get(ExportJob, job_id)
                runs = {run.job for run in tx.exec(select(JobRun)).all()}
            return (
                pending is None
                and export is not None
                and export.status == ExportStatus.DONE
                and (runs >= set(registered_jobs()))
            )

        wait_for(all_done, 90, "the mails, the export and every due job", logs)
        time.sleep(2)  # a second pass of each worker: nothing more may happen
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker, log in zip(workers, logs, strict=True):
            assert worker.wait(timeout=30) == 0, log.read_text(errors="replace")[-3000:]
    recipients = Counter(r for mail in smtp_server.received for r in mail.rcpt_tos)
    assert sorted(recipients) == sorted(f"c{n}@example.org" for n in range(40)) and set(recipients.values()) == {1}
    with transaction() as tx:
        runs = Counter(run.job for run in tx.exec(select(JobRun)).all())
        files = tx.exec(select(StoredFile).where(StoredFile.kind == FileKind.EXPORT)).all()
    assert runs == Counter(set(registered_jobs()))  # every job due at start ran once, in one of the two
    assert len(files) == 1  # the export built once
    both = [log.read_text(errors="replace") for log in logs]
    assert all("worker stopped" in text for text in both)  # SIGTERM: a clean stop, not a kill
