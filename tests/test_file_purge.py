"""The daily ``purge_files`` job: mail attachments, unreferenced StoredFile rows, orphan bytes of the file store."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.config import get_settings, reset_settings
from app.models import (
    AuditEvent,
    DossierStatus,
    FileKind,
    JobRun,
    JobStatus,
    MailStatus,
    OutboxMail,
    StoredFile,
    SubmittedDocumentFile,
)
from app.services.mail.outbox import MailAttachment, enqueue_mail, spool_dir
from app.services.mail.templates import sample_context
from app.services.platform import file_purge, file_store
from app.services.platform.jobs import registered_jobs, run_job
from tests import factories

# The job compares file ages with the earlier of its clock and the wall clock: tests run "now", in real time.
NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


def _age(path: Path, moment: datetime) -> None:
    """Pretend ``path`` was last written at ``moment``."""
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def _mail(session: Session, clock, *, at: datetime, status: MailStatus, data: bytes = b"%PDF-1.4 lettre") -> Path:
    """A mail enqueued at ``at`` with one spooled attachment, finished then with ``status``; its spool file."""
    clock.set(at)
    mail = enqueue_mail(
        session,
        code="account_created",
        to="eloise.dupre@example.org",
        context=sample_context("account_created"),
        attachments=[MailAttachment(filename="lettre.pdf", data=data)],
    )
    mail.status = status
    if status == MailStatus.SENT:
        mail.sent_at = at
    session.add(mail)
    session.commit()
    path = spool_dir() / mail.attachments[0]["spool_key"]
    _age(path, at)
    return path


def _run(clock) -> JobRun:
    clock.set(NOW)
    run = run_job("purge_files")
    assert run is not None and run.status == JobStatus.SUCCEEDED, run and run.message
    return run


def test_the_job_is_registered_daily() -> None:
    job = registered_jobs()["purge_files"]
    assert job.daily_at is not None and job.every is None


# --- Step 1: mail attachments --------------------------------------------------------------------------------------


def test_mail_attachments_go_once_every_mail_is_finished_and_past_the_retention(
    session: Session, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_settings().mail_attachment_retention_days == 30
    old_sent = _mail(session, clock, at=NOW - timedelta(days=40), status=MailStatus.SENT)
    old_failed = _mail(session, clock, at=NOW - timedelta(days=40), status=MailStatus.FAILED)
    old_pending = _mail(session, clock, at=NOW - timedelta(days=40), status=MailStatus.PENDING)  # still retried
    recent_sent = _mail(session, clock, at=NOW - timedelta(days=10), status=MailStatus.SENT)

    run = _run(clock)

    assert not old_sent.exists() and not old_failed.exists()
    assert old_pending.exists() and recent_sent.exists()
    assert run.processed == 2
    assert run.message.startswith("Pièces jointes de mail supprimées : 2 ;")
    session.expire_all()
    assert len(session.exec(select(OutboxMail)).all()) == 4  # the mails themselves stay

    # A shorter retention releases the recent one too; the pending one is held whatever its age.
    monkeypatch.setenv("ECANDIDAT_MAIL_ATTACHMENT_RETENTION_DAYS", "5")
    reset_settings()
    assert _run(clock).processed == 1
    assert not recent_sent.exists() and old_pending.exists()


def test_a_failed_mail_counts_from_its_last_attempt(session: Session, clock) -> None:
    path = _mail(session, clock, at=NOW - timedelta(days=40), status=MailStatus.FAILED)
    mail = session.exec(select(OutboxMail)).one()
    mail.next_attempt_at = NOW - timedelta(days=3)  # retried until recently, then given up
    session.add(mail)
    session.commit()
    assert _run(clock).processed == 0
    assert path.exists()


def test_spooled_files_without_a_mail_go_only_when_older_than_a_day(session: Session, clock) -> None:
    folder = spool_dir()
    old, young = folder / f"{file_store.new_key()}.bin", folder / f"{file_store.new_key()}.bin"
    foreign = folder / "README.txt"  # not a spool name: never ours to delete
    for path in (old, young, foreign):
        file_store.atomic_write(path, b"rolled back")
    _age(old, NOW - timedelta(days=2))
    _age(foreign, NOW - timedelta(days=60))
    _age(young, NOW - timedelta(hours=20))  # a transaction may still be about to commit its mail

    assert _run(clock).processed == 1
    assert not old.exists() and young.exists() and foreign.exists()


# --- Step 2: unreferenced StoredFile rows --------------------------------------------------------------------------


def _stored(session: Session, kind: FileKind, *, created_at: datetime, **kw: object) -> StoredFile:
    data = f"{kind} {created_at} {kw}".encode()
    return factories.stored_file(session, data, kind=kind, created_at=created_at, **kw)


def _ref(stored: StoredFile) -> tuple[int, str]:
    """(id, storage key), read while the row is loaded: it may be deleted by the job."""
    assert stored.id is not None
    return stored.id, stored.storage_key


def _exists(session: Session, ref: tuple[int, str]) -> bool:
    return session.get(StoredFile, ref[0]) is not None and file_store.path_of(ref[1]).exists()


def test_only_unreferenced_files_of_safe_kinds_past_the_grace_are_deleted(session: Session, clock) -> None:
    clock.set(NOW)
    old = NOW - timedelta(days=10)
    program = factories.program(session)
    candidate = factories.candidate(session)
    # A transmitted application's piece: its upload and merge are referenced, whatever their age.
    application = factories.application(
        session, candidate_id=candidate.id, program=program, dossier_status=DossierStatus.RECEIVED
    )
    required = factories.required_document(session)
    linked_upload = _stored(session, FileKind.UPLOAD, created_at=old)
    merged = _stored(session, FileKind.MERGED, created_at=old)
    document = factories.submitted_document(
        session, application_id=application.id, required_document_id=required.id, merged_file_id=merged.id
    )
    session.add(SubmittedDocumentFile(submitted_document_id=document.id, stored_file_id=linked_upload.id))
    # Signatures: the committee's current one is kept, the one it replaced goes.
    current_signature = _stored(session, FileKind.SIGNATURE, created_at=old)
    replaced_signature = _stored(session, FileKind.SIGNATURE, created_at=old)
    committee = factories.committee(session, program.centre_id, signature_file_id=current_signature.id)
    # Templates: the one a piece offers is kept, a released one goes.
    template = _stored(session, FileKind.TEMPLATE, created_at=old)
    factories.required_document(session, template_file_id=template.id)
    stray_template = _stored(session, FileKind.TEMPLATE, created_at=old)
    # Uploads no piece links any more: gone once past the grace, kept before it.
    stray_upload = _stored(session, FileKind.UPLOAD, created_at=old, owner_candidate_id=candidate.id)
    stray_merged = _stored(session, FileKind.MERGED, created_at=old)
    young_upload = _stored(session, FileKind.UPLOAD, created_at=NOW - timedelta(days=2))
    # Kinds other jobs own, or nobody makes yet: never deleted here.
    export = _stored(session, FileKind.EXPORT, created_at=old)
    letter = _stored(session, FileKind.LETTER, created_at=old)
    # A file a pending mail attaches by id is held by that mail.
    mailed = _stored(session, FileKind.UPLOAD, created_at=old)
    enqueue_mail(
        session,
        code="account_created",
        to="eloise.dupre@example.org",
        context=sample_context("account_created"),
        attachments=[MailAttachment(filename="piece.pdf", file_id=mailed.id)],
    )
    session.commit()
    assert committee.signature_file_id == current_signature.id

    gone = [_ref(f) for f in (replaced_signature, stray_template, stray_upload, stray_merged)]
    kept = [_ref(f) for f in (linked_upload, merged, current_signature, template, young_upload, export, letter, mailed)]
    upload_id = stray_upload.id

    run = _run(clock)

    session.expire_all()
    assert [f for f in gone if _exists(session, f)] == []
    assert [f for f in kept if not _exists(session, f)] == []
    assert run.processed == 4
    assert "fichiers sans référence supprimés : 4 ;" in run.message
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "file.purged")).all()
    assert sorted(e.entity_id for e in events) == sorted(f[0] for f in gone)
    upload_event = next(e for e in events if e.entity_id == upload_id)
    assert upload_event.candidate_id == candidate.id
    assert upload_event.before and upload_event.before["kind"] == "upload"

    # Idempotent: nothing left to do, nothing more deleted or audited.
    again = _run(clock)
    assert again.processed == 0
    session.expire_all()
    assert [f for f in kept if not _exists(session, f)] == []
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "file.purged")).all()) == 4


def test_a_file_attached_by_id_is_released_with_its_mail(session: Session, clock) -> None:
    clock.set(NOW - timedelta(days=40))
    stored = _stored(session, FileKind.UPLOAD, created_at=NOW - timedelta(days=40))
    mail = enqueue_mail(
        session,
        code="account_created",
        to="eloise.dupre@example.org",
        context=sample_context("account_created"),
        attachments=[MailAttachment(filename="piece.pdf", file_id=stored.id)],
    )
    mail.status, mail.sent_at = MailStatus.SENT, NOW - timedelta(days=40)
    session.add(mail)
    session.commit()
    ref = _ref(stored)
    assert _run(clock).processed == 1  # sent long ago and linked nowhere else: nothing holds it
    session.expire_all()
    assert not _exists(session, ref)


# --- Step 3: orphan bytes ------------------------------------------------------------------------------------------


def test_bytes_without_a_row_go_only_when_older_than_a_day(session: Session, clock) -> None:
    clock.set(NOW)
    referenced = _stored(session, FileKind.EXPORT, created_at=NOW - timedelta(days=3))
    session.commit()
    referenced_ref = _ref(referenced)
    _age(file_store.path_of(referenced.storage_key), NOW - timedelta(days=3))
    old_key, _ = file_store.put(b"crash before the commit", suffix=".pdf")
    young_key, _ = file_store.put(b"a transaction in flight", suffix=".pdf")
    _age(file_store.path_of(old_key), NOW - timedelta(days=2))
    _age(file_store.path_of(young_key), NOW - timedelta(hours=23))
    shard = file_store.path_of(old_key).parent
    stale_tmp, foreign = shard / ".tmp-abc123", shard / "notes.txt"
    building = get_settings().file_store_dir / "tmp" / "export-1-2-3"  # exports_purge's business
    for path in (stale_tmp, foreign, building):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        _age(path, NOW - timedelta(days=5))

    run = _run(clock)

    assert run.processed == 2
    assert "fichiers orphelins effacés du stockage : 2." in run.message
    assert not file_store.path_of(old_key).exists() and not stale_tmp.exists()
    assert file_store.path_of(young_key).exists() and foreign.exists() and building.exists()
    session.expire_all()
    assert _exists(session, referenced_ref)
    summary = session.exec(select(AuditEvent).where(AuditEvent.action == "files.purged")).one()
    assert summary.after == {"mail_attachments": 0, "orphan_bytes": 2}

    assert _run(clock).processed == 0  # idempotent
    assert file_store.path_of(young_key).exists()


def test_a_clock_ahead_of_the_wall_clock_never_makes_fresh_bytes_old(session: Session, clock) -> None:
    key, _ = file_store.put(b"just written")
    clock.set(NOW + timedelta(days=5))  # the job's clock ahead of the wall clock
    assert file_purge.purge_orphan_bytes(NOW + timedelta(days=5)) == 0
    assert file_store.path_of(key).exists()


def test_an_empty_data_directory_is_fine(session: Session, clock) -> None:
    run = _run(clock)
    assert run.processed == 0
    assert run.message == (
        "Pièces jointes de mail supprimées : 0 ; fichiers sans référence supprimés : 0 ; "
        "fichiers orphelins effacés du stockage : 0."
    )
