"""The daily ``anonymise_expired_data`` job (« Anonymisation des données expirées », issue 21).

Three steps, each in short transactions (never one long transaction, no table lock; on PostgreSQL the rows a batch
acts on are claimed with ``FOR UPDATE SKIP LOCKED``), each walking up the ids so that no batch reads again the rows
before it, each idempotent, their counts in the run's message:

1. **Candidates of expired campaigns**: a campaign expires ``retention_years`` (``ECANDIDAT_RETENTION_YEARS``)
   after it was archived. A candidate who applied in an expired campaign, has no application in a campaign still in
   force and has not signed in since the same threshold is erased whole (``erasure.erase_candidates``: dossier,
   applications and account), ``CANDIDATE_BATCH`` candidates per transaction.
2. **Applications of expired campaigns** left: those of candidates still in force (an application in a newer
   campaign, or a sign-in within the retention) lose their personal content (``erasure.anonymise_applications``:
   answers, pieces, notes, free texts, mails), ``APPLICATION_BATCH`` per transaction. Their dossier — one per
   person, the one their newer campaign reads — stays until they are erased in turn by step 1, or ask for it.
3. **Erasure requests whose date has come** (``account_erasure``): the account is erased whole.

The rows stay for the statistics (see ``erasure``): a campaign's figures read the same before and after.
"""

import logging
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import transaction
from app.i18n import N_
from app.models import Account, Application, Campaign, Candidate, ErasureRequest
from app.services.accounts.erasure import anonymise_applications, close_accounts, erase_candidates
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.jobs import register_job
from app.services.platform.retention import run_steps

log = logging.getLogger(__name__)

JOB = "anonymise_expired_data"
CANDIDATE_BATCH = 100  # candidates erased per transaction (about 400 applications)
APPLICATION_BATCH = 500  # applications anonymised per transaction
REQUEST_BATCH = 100  # erasure requests carried out per transaction


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment ``years`` earlier (a 29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def years_after(moment: datetime, years: int) -> datetime:
    return years_before(moment, -years)


def retention_cutoff(now: datetime) -> datetime:
    """A campaign archived at or before this moment has expired; an account not seen since then is dormant."""
    return years_before(now, get_settings().retention_years)


def expired_campaigns(cutoff: datetime) -> sa.Select:
    return select(Campaign.id).where(col(Campaign.archived_at).is_not(None), col(Campaign.archived_at) <= cutoff)


def _claim(query: sa.Select, session: Session, *tables: object) -> list[int]:
    """The ids ``query`` selects, locked against another instance's run on PostgreSQL (skipped if taken)."""
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=tables)
    return [row for row in session.exec(query).all() if row is not None]


def _in_batches(query: sa.Select, key: Any, table: Any, work: Callable[[Session, list[int]], int]) -> int:
    """``work`` on the ids ``query`` selects, a batch per transaction, walking up ``key`` (ids kept back, or skipped
    as locked, are not read again in this run: no batch rescans the rows before it)."""
    done, after = 0, 0
    while True:
        with transaction() as session:
            ids = _claim(query.where(key > after), session, table)
            if not ids:
                return done
            done += work(session, ids)
            after = max(ids)


def erase_expired_candidates(now: datetime) -> int:
    """Step 1: candidates of expired campaigns with nothing in force, erased whole."""
    cutoff = retention_cutoff(now)
    expired = col(Application.campaign_id).in_(expired_campaigns(cutoff))
    in_force = sa.exists().where(col(Application.candidate_id) == col(Candidate.id), ~expired)
    applied_then = sa.exists().where(col(Application.candidate_id) == col(Candidate.id), expired)
    last_seen = sa.func.coalesce(col(Account.last_sign_in_at), col(Account.created_at))
    query = (
        select(Candidate.id)
        .join(Account, col(Account.id) == col(Candidate.account_id))
        .where(col(Candidate.anonymised_at).is_(None), applied_then, ~in_force, last_seen <= cutoff)
        .order_by(col(Candidate.id))
        .limit(CANDIDATE_BATCH)
    )
    return _in_batches(query, col(Candidate.id), Candidate, lambda session, ids: erase_candidates(session, ids, now))


def anonymise_expired_applications(now: datetime) -> int:
    """Step 2: the expired campaigns' applications of candidates still in force."""
    query = (
        select(Application.id)
        .where(
            col(Application.campaign_id).in_(expired_campaigns(retention_cutoff(now))),
            col(Application.anonymised_at).is_(None),
        )
        .order_by(col(Application.id))
        .limit(APPLICATION_BATCH)
    )
    return _in_batches(
        query, col(Application.id), Application, lambda session, ids: anonymise_applications(session, ids, now)
    )


def carry_out_due_requests(now: datetime) -> int:
    """Step 3: the erasure requests whose date has come; each erasure audited without the identity."""
    query = (
        select(ErasureRequest.id)
        .where(col(ErasureRequest.done_at).is_(None), col(ErasureRequest.due_at) <= now)
        .order_by(col(ErasureRequest.id))
        .limit(REQUEST_BATCH)
    )

    def carry_out(session: Session, ids: list[int]) -> int:
        requests = session.exec(select(ErasureRequest).where(col(ErasureRequest.id).in_(ids))).all()
        for request in requests:
            erase_account(session, request.account_id, now, action="account.erased_on_request")
        return len(requests)

    return _in_batches(query, col(ErasureRequest.id), ErasureRequest, carry_out)


def erase_account(session: Session, account_id: int, now: datetime, *, action: str) -> None:
    """Erase one account whole (its dossier and applications included) and audit it by its id alone."""
    candidate_ids = [
        i for i in session.exec(select(Candidate.id).where(col(Candidate.account_id) == account_id)).all() if i
    ]
    erase_candidates(session, candidate_ids, now)
    close_accounts(session, [account_id], now)  # an account without a dossier, or a dossier already anonymised
    audit(session, actor=Actor.system(), action=action, entity_type="account", entity_id=account_id)


STEPS: tuple[tuple[str, Callable[[datetime], int]], ...] = (
    ("Candidats des campagnes expirées effacés", erase_expired_candidates),
    ("Candidatures des campagnes expirées anonymisées", anonymise_expired_applications),
    ("Demandes d'effacement exécutées", carry_out_due_requests),
)


def anonymise_expired_data(session: Session, now: datetime) -> tuple[int, str]:
    """The daily job: every step in its own short transactions, counted (``retention.run_steps``)."""
    return run_steps(JOB, STEPS, now)


register_job(JOB, anonymise_expired_data, daily_at=time(5, 10), label=N_("Anonymisation des données expirées"))
