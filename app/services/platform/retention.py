"""The daily ``purge_expired_data`` job (« Purge des données périmées ») and the durations the privacy page states.

Each step deletes the rows past their retention in batches of ``BATCH`` ids, one short transaction per batch: the
ids are read first, then deleted with the same condition repeated (a row that changed meanwhile stays), so no
transaction is long and no table lock is held on PostgreSQL. Running the job twice deletes nothing more.

1. **Access log** (``access_log_days``): the audit events that record an access, not a change — sign-ins, views and
   downloads (``is_access``). The audit of actions (staff's and candidates' changes) is kept as long as the portal.
2. **Outbox mails** (``mail_retention_days``): mails SENT, or finally FAILED, more than that long ago (a failed
   mail counts from its last scheduled attempt). Their spooled attachments, no longer referenced, then go with
   ``purge_files``.
3. **Expired editing leases**: they exclude no one any more (``platform/leases`` only ever ignores them).
4. **Job runs** (``job_run_retention_days``): finished runs started before that, except the latest run of each
   job (the schedule reads it) and runs still RUNNING.

Every table here is bookkeeping for the read-only mode (``read_only.TECHNICAL_TABLES``, and the outbox whose rows
the worker may change): the job runs in read-only mode too. A database that refuses writes fails the run, and the
next day's run does the work.

Kept elsewhere: never-activated accounts and the sign-in throttle counters (``purge_unactivated_accounts``),
export files (``exports_purge``), files nothing references (``purge_files``).

``PROMISES`` lists each duration the privacy page (``/donnees-personnelles``) states, the setting it reads and the
job that applies it: the page reads the value from the same settings as the job, and a test checks that every
promised job is registered.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import transaction
from app.i18n import N_
from app.models import AuditEvent, EditLease, JobRun, JobStatus, MailStatus, OutboxMail
from app.services.platform import parameters
from app.services.platform.jobs import register_job

log = logging.getLogger(__name__)

JOB = "purge_expired_data"
BATCH = 1000  # rows deleted per transaction
# Audit actions that record an access (a sign-in, a view, a download) rather than a change: the access log.
ACCESS_SUFFIXES = (".viewed", "signed_in", "downloaded")


# --- What the privacy page promises --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPromise:
    setting: str  # the Settings attribute (ECANDIDAT_<NAME>) the job reads
    job: str  # the registered job that applies it
    unit: Literal["years", "days", "minutes"]
    text: str  # French msgid; ``{duration}`` is the value with its unit


PROMISES: tuple[RetentionPromise, ...] = (
    RetentionPromise(
        "retention_years",
        "anonymise_expired_data",  # app/services/accounts/erasure_job.py
        "years",
        N_(
            "votre dossier, vos coordonnées, vos pièces et vos réponses sont effacés {duration} après l'archivage "
            "de la campagne où vous avez candidaté (sauf si vous candidatez à nouveau entre-temps) ; seules restent, "
            "anonymes, les données des statistiques (formation, avis, année, série du baccalauréat, nationalité) ;"
        ),
    ),
    RetentionPromise(
        "access_log_days",
        JOB,
        "days",
        N_("le journal des connexions et des consultations de votre dossier est conservé {duration}, puis effacé ;"),
    ),
    RetentionPromise(
        "mail_retention_days",
        JOB,
        "days",
        N_(
            "la copie des courriels que le portail vous envoie est effacée {duration} après leur envoi (ou leur "
            "dernier essai d'envoi) ;"
        ),
    ),
    RetentionPromise(
        "export_retention_days",
        "exports_purge",
        "days",
        N_("la copie de vos données demandée depuis « Mon compte » est effacée {duration} après sa préparation ;"),
    ),
    RetentionPromise(
        "sign_in_throttle_minutes",
        "purge_unactivated_accounts",
        "minutes",
        N_(
            "les compteurs de tentatives de connexion échouées sont effacés chaque nuit, une fois passé le blocage "
            "de {duration} ;"
        ),
    ),
    RetentionPromise(
        "activation_days",
        "purge_unactivated_accounts",
        "days",
        N_("un compte jamais activé est supprimé une fois passé son délai d'activation de {duration}."),
    ),
)


def promised_durations() -> list[tuple[RetentionPromise, int]]:
    """Each promise with the value in force (parameters set by the central office included); reads the database."""
    settings = parameters.effective_settings()
    return [(promise, int(getattr(settings, promise.setting))) for promise in PROMISES]


# --- The batched delete --------------------------------------------------------------------------------------------


def purge_in_batches(model: Any, *conditions: sa.ColumnElement[bool]) -> int:
    """Delete the rows of ``model`` matching ``conditions``, ``BATCH`` at a time, each batch its own transaction."""
    row_id = col(model.id)
    removed = 0
    while True:
        with transaction() as session:
            ids = session.exec(select(row_id).where(*conditions).order_by(row_id).limit(BATCH)).all()
            if not ids:
                return removed
            result = session.execute(
                sa.delete(model).where(row_id.in_(ids), *conditions).execution_options(synchronize_session=False)
            )
            removed += result.rowcount or 0


# --- The steps -----------------------------------------------------------------------------------------------------


def is_access() -> sa.ColumnElement[bool]:
    """An audit event recording an access (sign-in, view, download), not a change."""
    action = col(AuditEvent.action)
    return sa.or_(*(action.endswith(suffix, autoescape=True) for suffix in ACCESS_SUFFIXES))


def purge_access_log(now: datetime) -> int:
    cutoff = now - timedelta(days=get_settings().access_log_days)
    return purge_in_batches(AuditEvent, col(AuditEvent.at) < cutoff, is_access())


def purge_outbox_mails(now: datetime) -> int:
    cutoff = now - timedelta(days=get_settings().mail_retention_days)
    return purge_in_batches(
        OutboxMail,
        sa.or_(
            sa.and_(col(OutboxMail.status) == MailStatus.SENT, col(OutboxMail.sent_at) < cutoff),
            sa.and_(col(OutboxMail.status) == MailStatus.FAILED, col(OutboxMail.next_attempt_at) < cutoff),
            sa.and_(col(OutboxMail.status) == MailStatus.CANCELLED, col(OutboxMail.cancelled_at) < cutoff),
        ),
    )


def purge_expired_leases(now: datetime) -> int:
    return purge_in_batches(EditLease, col(EditLease.expires_at) <= now)


def purge_job_runs(now: datetime) -> int:
    cutoff = now - timedelta(days=get_settings().job_run_retention_days)
    newer = aliased(JobRun)
    has_newer = sa.exists().where(newer.job == JobRun.job, col(newer.started_at) > col(JobRun.started_at))
    return purge_in_batches(JobRun, col(JobRun.started_at) < cutoff, col(JobRun.status) != JobStatus.RUNNING, has_newer)


STEPS: tuple[tuple[str, Callable[[datetime], int]], ...] = (
    ("Journal des accès effacé", purge_access_log),
    ("Courriels envoyés effacés", purge_outbox_mails),
    ("Verrous d'édition expirés effacés", purge_expired_leases),
    ("Exécutions de tâches effacées", purge_job_runs),
)


def run_steps(job: str, steps: tuple[tuple[str, Callable[[datetime], int]], ...], now: datetime) -> tuple[int, str]:
    """A data-lifecycle job's run: every step in its own short transactions; the counts per step in its message."""
    total, parts = 0, []
    for label, step in steps:
        count = step(now)
        total += count
        parts.append(f"{label} : {count}")
    message = " ; ".join(parts) + "."
    log.info("%s: %s", job, message)
    return total, message


def purge_expired_data(session: Session, now: datetime) -> tuple[int, str]:
    """The daily job (``run_steps``)."""
    return run_steps(JOB, STEPS, now)


register_job(JOB, purge_expired_data, daily_at=time(4, 50), label=N_("Purge des données périmées"))

__all__ = [
    "ACCESS_SUFFIXES",
    "BATCH",
    "JOB",
    "PROMISES",
    "RetentionPromise",
    "is_access",
    "promised_durations",
    "purge_access_log",
    "purge_expired_data",
    "purge_expired_leases",
    "purge_in_batches",
    "purge_job_runs",
    "purge_outbox_mails",
    "run_steps",
]
