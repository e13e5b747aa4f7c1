"""« Télécharger mes données »: a candidate asks for a copy of their data, built like a staff export, then mailed.

- ``request_my_data`` records a QUEUED ``ExportJob`` owned by the candidate's account (kind ``personal_data``):
  one asked at a time (a second ask while one is queued or running is refused), audited.
- The export worker (``exports/jobs.py``) builds the ZIP (``personal_data.write_zip``) and, in the transaction that
  marks it DONE, calls ``announce_ready``: a single-use link (an ``AccountToken`` of purpose ``data_export``,
  valid ``data_export_link_hours``) mailed in the candidate's language.
- ``my_data_export`` is what the account page shows: the latest such job, its progress.
- ``download_my_data`` serves the file behind the link to the signed-in owner only; the link is used up by the
  first download (a second is refused), refused once expired, and the download is audited.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from app.config import get_settings
from app.i18n import N_
from app.models import Account, AccountToken, ExportJob, ExportStatus, StoredFile, TokenPurpose
from app.services.accounts.candidates import mail_account, own_account, token_link
from app.services.accounts.tokens import check_token, consume_token, issue_token, revoke_tokens
from app.services.exports.my_exports import ExportProgress, active_exports
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError, NotFound

KIND = "personal_data"
DOWNLOAD_PATH = "/compte/mes-donnees/{token}"  # app.ui.routes.MY_DATA_DOWNLOAD: the mailed link
ALREADY_ASKED = N_(
    "Une copie de vos données est déjà en préparation : vous recevrez un courriel quand elle sera prête."
)
FILE_GONE = N_("Ce fichier n'existe plus : demandez une nouvelle copie de vos données depuis « Mon compte ».")


@dataclass(frozen=True)
class MyDataExport(ExportProgress):
    """The candidate's latest copy of their data, as the account page shows it."""

    id: int
    created_at: datetime
    finished_at: datetime | None
    error: str  # in the candidate's language
    link_expires_at: datetime | None
    downloaded: bool


def request_my_data(session: Session, *, actor: Actor, language: str) -> ExportJob:
    """Queue the build of the candidate's archive; refused while another is queued or running."""
    account = own_account(session, actor, write=True)  # an administrator's view does not ask in their name
    if active_exports(session, ExportJob.account_id == account.id):
        raise DomainError("data_export_running", ALREADY_ASKED)
    job = ExportJob(account_id=account.id, kind=KIND, request={"language": language})
    session.add(job)
    session.flush()
    audit_row(session, actor, "account.data_export_requested", job)
    return job


def announce_ready(session: Session, *, job_id: int) -> None:
    """In the transaction that marks the build DONE: the single-use link, mailed to the account's owner."""
    job = session.get(ExportJob, job_id)
    account = session.get(Account, job.account_id) if job and job.account_id else None
    if job is None or account is None:
        return
    # Only the newest copy can be downloaded: an older link still unused stops working.
    revoke_tokens(session, account_id=account.id or 0, purpose=TokenPurpose.DATA_EXPORT)
    lifetime = timedelta(hours=get_settings().data_export_link_hours)
    secret, token = issue_token(
        session, account_id=account.id or 0, purpose=TokenPurpose.DATA_EXPORT, lifetime=lifetime
    )
    job.download_token_id = token.id
    session.add(job)
    mail_account(session, account, "personal_data_ready", token_link(DOWNLOAD_PATH, secret, token))


def my_data_export(session: Session, *, actor: Actor) -> MyDataExport | None:
    """The candidate's latest copy (asked, building, ready or failed), or None."""
    account = own_account(session, actor)
    job = session.exec(
        select(ExportJob)
        .where(ExportJob.account_id == account.id, ExportJob.kind == KIND)
        .order_by(col(ExportJob.id).desc())
        .limit(1)
    ).first()
    if job is None:
        return None
    token = session.get(AccountToken, job.download_token_id) if job.download_token_id is not None else None
    return MyDataExport(
        id=job.id or 0,
        status=job.status,
        done=job.done,
        total=job.total,
        created_at=job.created_at,
        finished_at=job.finished_at,
        error=job.error,
        link_expires_at=token.expires_at if token else None,
        downloaded=bool(token and token.used_at),
    )


def download_my_data(session: Session, *, actor: Actor, token: str) -> tuple[Path, str, str]:
    """(path, file name, media type) of the copy behind the mailed link, for its owner signed in; uses the link up.

    Raises ``TokenError`` (unknown, used, expired) or ``NotFound`` (another account's link: nothing revealed, nothing
    used up); ``DomainError`` when the file is gone."""
    row = check_token(session, secret=token, purpose=TokenPurpose.DATA_EXPORT)
    if actor.kind != "candidate" or actor.account_id != row.account_id or actor.read_only:
        # Another account's link (or an administrator's view of this one): nothing revealed, nothing used up.
        raise NotFound("export")
    job = session.exec(
        select(ExportJob).where(ExportJob.download_token_id == row.id, ExportJob.account_id == row.account_id)
    ).first()
    stored = session.get(StoredFile, job.file_id) if job and job.file_id else None
    if job is None or job.status != ExportStatus.DONE or stored is None:
        raise DomainError("data_export_gone", FILE_GONE)
    path = file_store.path_of(stored.storage_key)
    if not path.exists():
        raise DomainError("data_export_gone", FILE_GONE)
    consume_token(session, secret=token, purpose=TokenPurpose.DATA_EXPORT)
    audit_row(session, actor, "account.data_downloaded", job)
    return path, job.filename, stored.media_type
