"""A staff member's own exports as the « Mes exports » page shows them, and the download of a finished one."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from app.i18n import N_
from app.models import ExportJob, ExportStatus, StaffRoleAssignment, StoredFile
from app.services.accounts.staff_roles import current_role
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import NotFound

KIND_LABELS = {
    "xlsx": N_("Tableur Excel (XLSX)"),
    "csv": N_("Fichier CSV (Excel)"),
    "dossiers_zip": N_("Dossiers PDF (ZIP)"),
    "dossiers_pdf": N_("Dossiers en un PDF unique"),
    "piece_zip": N_("Pièce justificative (ZIP)"),
    "audit_csv": N_("Journal d'audit (CSV)"),
}
STATUS_LABELS = {
    ExportStatus.QUEUED: N_("En file d'attente"),
    ExportStatus.RUNNING: N_("En cours"),
    ExportStatus.DONE: N_("Terminé"),
    ExportStatus.FAILED: N_("Échec"),
}


ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)  # an export still to be built


def active_exports(session: Session, owner: Any) -> int:
    """How many exports meeting ``owner`` (a condition: a staff member's, an account's) are queued or running."""
    query = select(func.count()).select_from(ExportJob).where(owner, col(ExportJob.status).in_(ACTIVE))
    return session.exec(query).one()


@dataclass(frozen=True)
class ExportProgress:
    """Where a background export stands, as its owner's screens show it (staff's « Mes exports », a candidate's copy
    of their data)."""

    status: ExportStatus
    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


@dataclass(frozen=True)
class ExportView(ExportProgress):
    id: int
    kind: str
    kind_label: str  # French msgid
    status_label: str  # French msgid
    filename: str
    error: str  # already in the requester's language
    created_at: datetime
    finished_at: datetime | None


def my_exports(session: Session, *, actor: Actor, limit: int = 50) -> list[ExportView]:
    """The actor's own exports, newest first (whatever role they were asked under)."""
    current_role(session, actor=actor)
    jobs = session.exec(
        select(ExportJob)
        .where(ExportJob.staff_id == actor.staff_id)
        .order_by(col(ExportJob.created_at).desc(), col(ExportJob.id).desc())
        .limit(limit)
    ).all()
    return [
        ExportView(
            id=j.id or 0,
            kind=j.kind,
            kind_label=KIND_LABELS.get(j.kind, j.kind),
            status=j.status,
            status_label=STATUS_LABELS[j.status],
            total=j.total,
            done=j.done,
            filename=j.filename,
            error=j.error,
            created_at=j.created_at,
            finished_at=j.finished_at,
        )
        for j in jobs
    ]


def export_file(session: Session, *, actor: Actor, job_id: int) -> tuple[Path, str, str]:
    """(path in the file store, file name, media type) of a finished export, for the staff member who asked for it.

    Anyone else, an unfinished export, or one asked under a role since withdrawn is "not found"; audited."""
    current_role(session, actor=actor)
    job = session.get(ExportJob, job_id)
    if job is None or job.staff_id != actor.staff_id or job.status != ExportStatus.DONE or job.file_id is None:
        raise NotFound("export")
    assignment = session.get(StaffRoleAssignment, job.role_assignment_id) if job.role_assignment_id else None
    if assignment is None or assignment.staff_id != actor.staff_id:
        raise NotFound("export")  # the role that reached these data is gone: so is the right to the file
    stored = session.get(StoredFile, job.file_id)
    if stored is None:
        raise NotFound("export file")
    audit_row(session, actor, "export.downloaded", job)
    return file_store.path_of(stored.storage_key), job.filename, stored.media_type
