"""Exports built in the background (issue 11): requested on the list, built by a worker, downloaded by their owner.

- ``request_list_export`` / ``request_dossiers_zip`` / ``request_combined_pdf`` / ``request_piece_zip`` check the
  actor and record a QUEUED ``ExportJob`` (with the role it was asked under) in the caller's transaction, audited.
- ``start(job_id)`` hands it to this process's small thread pool (``export_workers`` threads); ``run_export_job``
  claims it (a conditional UPDATE: one worker of one instance wins), rebuilds the requester's ``Actor`` from the job
  (so the role's scope is re-read from the database), builds the file with its own short sessions while recording
  ``done``/``total``, then stores the file in the file store and marks the job DONE, or FAILED with a message in the
  requester's language. Nothing runs on the event loop and no transaction spans the build.
- Scheduled jobs: ``exports_resume`` starts jobs still queued (an instance restarted) and fails runs left behind
  by a dead instance; ``exports_purge`` deletes exports (file and row) older than ``export_retention_days``.
- ``export_file`` serves a finished export to the staff member who asked for it, and nobody else.
"""

import hashlib
import logging
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import clock
from app.config import get_settings
from app.db import new_session, transaction
from app.i18n import N_, gettext
from app.models import (
    ExportJob,
    ExportStatus,
    FileKind,
    RequiredDocument,
    StoredFile,
)
from app.services.exports import archive as exports_zip
from app.services.exports import audit_csv, combined_pdf, my_data, personal_data, spreadsheet_writers
from app.services.exports import tabular as exports_tabular
from app.services.exports.builders import Render
from app.services.exports.job_requests import MAX_ACTIVE_PER_STAFF, TOO_MANY, create_job
from app.services.exports.my_exports import KIND_LABELS, STATUS_LABELS, ExportView, export_file, my_exports
from app.services.exports.tabular import TabularRequest
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.file_names import ascii_part
from app.services.platform.jobs import default_worker, register_job
from app.services.review import staff_list

# The owner's view lives in my_exports.py; the pages and the tests reach it through this module.
__all__ = [
    "ERROR_MAX",
    "INTERRUPTED",
    "KIND_LABELS",
    "MAX_ACTIVE_PER_STAFF",
    "MEDIA_TYPES",
    "STATUS_LABELS",
    "TOO_MANY",
    "UNEXPECTED",
    "ExportView",
    "Render",
    "export_file",
    "my_exports",
    "purge_old_exports",
    "request_combined_pdf",
    "request_dossiers_zip",
    "request_list_export",
    "request_piece_zip",
    "resume_exports",
    "run_export_job",
    "start",
]

log = logging.getLogger(__name__)

ERROR_MAX = 2000  # ExportJob.error

UNEXPECTED = N_(
    "L'export a échoué à cause d'une erreur inattendue. Réessayez ; si cela recommence, contactez l'assistance."
)
INTERRUPTED = N_("L'export a été interrompu (serveur redémarré). Relancez-le depuis la liste.")
MEDIA_TYPES = {
    "xlsx": spreadsheet_writers.XlsxWriter.media_type,
    "csv": spreadsheet_writers.CsvWriter.media_type,
    "dossiers_zip": "application/zip",
    combined_pdf.KIND: "application/pdf",
    "piece_zip": "application/zip",
    my_data.KIND: "application/zip",
}


# --- Requests ------------------------------------------------------------------------------------------------------


def request_list_export(session: Session, *, actor: Actor, kind: str, request: TabularRequest) -> ExportJob:
    """Queue a spreadsheet (``kind`` "xlsx" or "csv") of the list as ``request`` describes it."""
    if kind not in spreadsheet_writers.WRITERS:
        raise DomainError("unknown_export", N_("Format d'export inconnu : {kind}."), kind=kind)
    payload = request.payload()
    exports_tabular.parse_request(payload)  # refuse unknown columns or extras now, not in the worker
    # The list's own first row: a bad filter or sort is refused now, with the list's message.
    staff_list.list_applications(session, actor=actor, query=replace(request.query, page=1, page_size=1))
    return create_job(session, actor, kind, payload)


def request_dossiers_zip(session: Session, *, actor: Actor, ids: Sequence[int], language: str) -> ExportJob:
    """Queue a ZIP of the dossier PDFs of the selected applications."""
    exports_zip.check_dossiers_selection(ids)
    return create_job(session, actor, "dossiers_zip", {"ids": sorted(set(ids)), "language": language})


def request_combined_pdf(session: Session, *, actor: Actor, ids: Sequence[int], language: str) -> ExportJob:
    """Queue one PDF of the selected applications' dossiers (« Télécharger un PDF unique »), within the cap."""
    combined_pdf.check_selection(ids)
    return create_job(session, actor, combined_pdf.KIND, {"ids": sorted(set(ids)), "language": language})


def request_piece_zip(
    session: Session, *, actor: Actor, ids: Sequence[int], required_document_id: int, language: str
) -> ExportJob:
    """Queue a ZIP of one piece (``required_document_id``) across the selected applications."""
    exports_zip.check_piece_selection(ids)
    if session.get(RequiredDocument, required_document_id) is None:
        raise DomainError("unknown_piece", N_("Cette pièce n'existe pas."), field="piece")
    payload = {"ids": sorted(set(ids)), "language": language, "required_document_id": required_document_id}
    return create_job(session, actor, "piece_zip", payload)


# --- The worker ----------------------------------------------------------------------------------------------------


def _claim(job_id: int, worker: str) -> bool:
    with transaction() as session:
        result = session.execute(
            update(ExportJob)
            .where(col(ExportJob.id) == job_id, col(ExportJob.status) == ExportStatus.QUEUED)
            .values(status=ExportStatus.RUNNING, claimed_by=worker[:100], started_at=clock.now())
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def _progress(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        with transaction() as session:  # a one-row write of its own: readers see the bar move
            session.execute(
                update(ExportJob)
                .where(col(ExportJob.id) == job_id, col(ExportJob.status) == ExportStatus.RUNNING)
                .values(done=done, total=total)
                .execution_options(synchronize_session=False)
            )

    return report


def _temp_path(job_id: int) -> Path:
    """A file beside the store (same file system: the finished file is moved in, not copied)."""
    folder = get_settings().file_store_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"export-{job_id}-{os.getpid()}-{threading.get_ident()}"


def _build(job: ExportJob, actor: Actor, path: Path, render: Render | None) -> tuple[str, str]:
    """Write the job's file to ``path``; returns (file name, media type)."""
    data, progress, now = job.request, _progress(job.id or 0), clock.now()
    language = str(data.get("language") or "fr")
    stamp = clock.paris(now).strftime("%Y%m%d-%H%M")
    if job.kind in spreadsheet_writers.WRITERS:
        request = exports_tabular.parse_request(data)
        exports_tabular.build_tabular(actor=actor, request=request, kind=job.kind, path=path, progress=progress)
        return exports_tabular.export_filename(job.kind, now), MEDIA_TYPES[job.kind]
    if job.kind == audit_csv.KIND:
        audit_csv.write_csv(actor=actor, payload=data, path=path, progress=progress)
        return audit_csv.filename(), MEDIA_TYPES["csv"]
    if job.kind == my_data.KIND:
        account_id = job.account_id or 0
        personal_data.write_zip(account_id=account_id, language=language, path=path, progress=progress, render=render)
        return f"mes-donnees-{stamp}.zip", MEDIA_TYPES[job.kind]
    ids = [int(i) for i in data.get("ids") or []]
    if job.kind == "dossiers_zip":
        exports_zip.build_dossiers_zip(
            actor=actor, ids=ids, language=language, path=path, progress=progress, render=render
        )
        return f"dossiers-{stamp}.zip", MEDIA_TYPES[job.kind]
    if job.kind == combined_pdf.KIND:
        combined_pdf.build_combined_pdf(
            actor=actor, ids=ids, language=language, path=path, progress=progress, render=render
        )
        return f"dossiers-{stamp}.pdf", MEDIA_TYPES[job.kind]
    if job.kind == "piece_zip":
        required_id = int(data["required_document_id"])
        exports_zip.build_piece_zip(
            actor=actor, ids=ids, required_document_id=required_id, language=language, path=path, progress=progress
        )
        with new_session() as session:
            required = session.get(RequiredDocument, required_id)
            code = ascii_part(required.code if required else "piece", limit=30) or "piece"
        return f"piece-{code}-{stamp}.zip", MEDIA_TYPES[job.kind]
    raise DomainError("unknown_export", N_("Format d'export inconnu : {kind}."), kind=job.kind)


def _store(job_id: int, worker: str, path: Path, filename: str, media_type: str, *, announce: bool = False) -> None:
    """Move the built file into the store and mark the job DONE, or leave nothing behind."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    size = path.stat().st_size
    key = file_store.new_key(Path(filename).suffix)
    target = file_store.path_of(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    try:
        with transaction() as session:
            stored = StoredFile(
                storage_key=key,
                sha256=digest.hexdigest(),
                size=size,
                media_type=media_type,
                original_name=filename,
                kind=FileKind.EXPORT,
            )
            session.add(stored)
            session.flush()
            result = session.execute(
                update(ExportJob)
                .where(col(ExportJob.id) == job_id, col(ExportJob.status) == ExportStatus.RUNNING)
                .values(
                    status=ExportStatus.DONE,
                    file_id=stored.id,
                    filename=filename,
                    finished_at=clock.now(),
                    claimed_by=worker[:100],
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise RuntimeError(f"export {job_id} is no longer running (interrupted meanwhile)")
            if announce:  # a candidate's copy: its single-use link, mailed in the transaction that finishes it
                my_data.announce_ready(session, job_id=job_id)
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _fail(job_id: int, message: str) -> None:
    with transaction() as session:
        session.execute(
            update(ExportJob)
            .where(col(ExportJob.id) == job_id, col(ExportJob.status) == ExportStatus.RUNNING)
            .values(status=ExportStatus.FAILED, error=message[:ERROR_MAX], finished_at=clock.now())
            .execution_options(synchronize_session=False)
        )


def run_export_job(job_id: int, *, worker: str | None = None, render: Render | None = None) -> ExportStatus | None:
    """Claim and build export ``job_id`` (blocking: call it from a thread); None if another worker has it."""
    worker = worker or default_worker()
    if not _claim(job_id, worker):
        return None
    with new_session() as session:
        job = session.get(ExportJob, job_id)
    assert job is not None
    language = str(job.request.get("language") or "fr")
    # The requester as they were when asking: their current role's scope is re-read by every read of the build.
    actor = Actor("staff", staff_id=job.staff_id, role_assignment_id=job.role_assignment_id)
    if job.account_id is not None:  # a candidate's copy of their own data
        actor = Actor("candidate", account_id=job.account_id)
    path = _temp_path(job_id)
    try:
        filename, media_type = _build(job, actor, path, render)
        _store(job_id, worker, path, filename, media_type, announce=job.kind == my_data.KIND)
        return ExportStatus.DONE
    except DomainError as error:
        _fail(job_id, gettext(error.message, language).format(**error.params))
    except Exception:
        log.exception("export %s (%s) failed", job_id, job.kind)
        _fail(job_id, gettext(UNEXPECTED, language))
    finally:
        path.unlink(missing_ok=True)
    return ExportStatus.FAILED


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pending: set[int] = set()  # handed to this process's pool and not yet finished


def start(job_id: int, *, render: Render | None = None) -> Future[ExportStatus | None]:
    """Build ``job_id`` in this process's export threads (at most ``export_workers`` at once)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=get_settings().export_workers, thread_name_prefix="export")
        _pending.add(job_id)
        return _pool.submit(_run_in_pool, job_id, render)


def _run_in_pool(job_id: int, render: Render | None) -> ExportStatus | None:
    try:
        return run_export_job(job_id, render=render)
    except Exception:
        log.exception("export %s: the worker failed", job_id)
        return None
    finally:
        with _pool_lock:
            _pending.discard(job_id)


# --- Scheduled jobs ------------------------------------------------------------------------------------------------


def resume_exports(session: Session, now: datetime) -> tuple[int, str]:
    """Fail the runs a dead instance left RUNNING; start the jobs still QUEUED a minute after being asked."""
    stale_before = now - timedelta(hours=get_settings().jobs_stale_hours)
    stale = session.exec(
        select(ExportJob).where(ExportJob.status == ExportStatus.RUNNING, col(ExportJob.started_at) < stale_before)
    ).all()
    for job in stale:
        job.status, job.finished_at = ExportStatus.FAILED, now
        job.error = gettext(INTERRUPTED, str(job.request.get("language") or "fr"))
        session.add(job)
    waiting = session.exec(
        select(ExportJob.id).where(
            ExportJob.status == ExportStatus.QUEUED, col(ExportJob.created_at) < now - timedelta(minutes=1)
        )
    ).all()
    with _pool_lock:
        waiting = [i for i in waiting if i is not None and i not in _pending]
    for job_id in waiting:
        start(job_id)
    return len(stale) + len(waiting), f"{len(stale)} interrupted, {len(waiting)} started"


def purge_old_exports(session: Session, now: datetime) -> tuple[int, str]:
    """Delete the exports (row and file) finished more than ``export_retention_days`` ago."""
    cutoff = now - timedelta(days=get_settings().export_retention_days)
    jobs = session.exec(
        select(ExportJob).where(
            col(ExportJob.status).in_([ExportStatus.DONE, ExportStatus.FAILED]), col(ExportJob.finished_at) < cutoff
        )
    ).all()
    for job in jobs:
        stored = session.get(StoredFile, job.file_id) if job.file_id else None
        session.delete(job)
        session.flush()
        if stored is not None:
            file_store.delete_after_commit(session, stored.storage_key)  # bytes go once the rows are gone
            session.delete(stored)
    session.flush()
    _sweep_temporary_files(now)
    return len(jobs), f"exports purged: {len(jobs)}"


def _sweep_temporary_files(now: datetime) -> None:
    """Half-built files a crashed worker left behind (a live build touches its file every batch)."""
    folder = get_settings().file_store_dir / "tmp"
    if not folder.is_dir():
        return
    for path in folder.glob("export-*"):
        try:
            if path.stat().st_mtime < (now - timedelta(days=1)).timestamp():
                if path.is_dir():  # a combined PDF's rendered dossiers
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
        except OSError:
            log.warning("export purge: cannot remove %s", path)


register_job("exports_resume", resume_exports, every=timedelta(minutes=2), label=N_("Reprise des exports en attente"))
register_job("exports_purge", purge_old_exports, daily_at=time(4, 10), label=N_("Purge des anciens exports"))
