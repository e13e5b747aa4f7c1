"""The nightly re-import of internal records (job ``refresh_internal_records``, daily 02:40 Paris).

Who: candidates already imported once from the student information system (``imported_at``; the first import stays
the candidate's own step, where their birth date is checked against the system's) who have an INE or a student
number and an application in the active campaign. What: their internal record rows made the system's
(``internal_records``: unchanged rows untouched, changed ones updated, vanished ones removed), and the fields the
import locked (identity, baccalauréat) refreshed from the system as the manual import sets them; fields the
candidate keeps (unlocked ones, the address) are left alone. A student the system no longer finds keeps what they
have. How: ``BATCH`` candidates at a time, the adapter asked outside any transaction, then one short transaction
per batch in which each candidate is a savepoint: an adapter error or a refused write costs that candidate only,
counted in the run's message.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlmodel import Session, col, select

from app.db import transaction
from app.i18n import N_
from app.models import Application, Candidate
from app.services.dossier.internal_records import sync_internal_records
from app.services.dossier.student_records import (
    BACCALAUREATE_LOCK,
    IDENTITY_FIELDS,
    StudentRecord,
    StudentRecords,
    get_student_records,
    identity_values,
    store_baccalaureate,
)
from app.services.offer.campaigns import active_campaign_id
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_dossier
from app.services.platform.jobs import register_job

log = logging.getLogger(__name__)
JOB_NAME = "refresh_internal_records"
BATCH = 50


@dataclass
class RefreshCounts:
    read: int = 0
    updated: int = 0
    unchanged: int = 0
    not_found: int = 0
    errors: int = 0
    failed: list[int] = field(default_factory=list)  # candidate ids, for the log

    def message(self) -> str:
        return (
            f"Candidats relus : {self.read} ; mis à jour : {self.updated} ; inchangés : {self.unchanged} ; "
            f"inconnus du système : {self.not_found} ; erreurs : {self.errors}."
        )


def candidates_to_refresh(session: Session) -> list[int]:
    """Ids of the imported candidates with an INE or a student number and an application in the active campaign."""
    campaign_id = active_campaign_id(session)
    if campaign_id is None:
        return []
    applied = select(Application.candidate_id).where(Application.campaign_id == campaign_id)
    return list(
        session.exec(
            select(Candidate.id)
            .where(
                col(Candidate.imported_at).is_not(None),
                (col(Candidate.ine).is_not(None)) | (col(Candidate.student_number).is_not(None)),
                col(Candidate.id).in_(applied),
            )
            .order_by(col(Candidate.id))
        ).all()
    )


def _lookup(adapter: StudentRecords, ine: str | None, number: str | None) -> StudentRecord | None:
    if ine:
        return adapter.find_by_ine(ine)
    return adapter.find_by_student_number(number or "")


def refresh_locked_fields(session: Session, candidate: Candidate, record: StudentRecord) -> list[str]:
    """Set the locked fields to the system's values; the names that changed."""
    locked = set(candidate.locked_fields or [])
    changed = []
    for name, value in identity_values(record).items():
        if name in IDENTITY_FIELDS and name in locked and value not in (None, "") and getattr(candidate, name) != value:
            setattr(candidate, name, value)
            changed.append(name)
    if BACCALAUREATE_LOCK in locked and record.baccalaureate:
        assert candidate.id is not None
        if store_baccalaureate(session, candidate.id, record.baccalaureate):
            changed.append(BACCALAUREATE_LOCK)
    return changed


def _apply(session: Session, candidate_id: int, record: StudentRecord, now: datetime) -> bool:
    """One candidate's refresh (in the caller's savepoint); whether anything changed."""
    candidate = session.exec(select(Candidate).where(Candidate.id == candidate_id).with_for_update()).first()
    if candidate is None or candidate.imported_at is None:
        return False
    fields = refresh_locked_fields(session, candidate, record)
    rows = sync_internal_records(session, candidate_id=candidate_id, rows=record.records, now=now)
    if not fields and not rows.changed:
        return False
    candidate.imported_at = now
    session.add(candidate)
    after = {"fields": fields, "added": rows.added, "updated": rows.updated, "removed": rows.removed}
    audit_dossier(session, Actor.system(), candidate_id, "dossier.records_refreshed", after=after)
    return True


def _refresh_batch(ids: list[int], adapter: StudentRecords, now: datetime, counts: RefreshCounts) -> None:
    with transaction() as session:
        keys = session.exec(
            select(Candidate.id, Candidate.ine, Candidate.student_number).where(col(Candidate.id).in_(ids))
        ).all()
    found: list[tuple[int, StudentRecord]] = []
    for candidate_id, ine, number in keys:  # the adapter may be slow: asked with no transaction open
        counts.read += 1
        try:
            record = _lookup(adapter, ine, number)
        except Exception:
            log.warning("student records: lookup failed for candidate %s", candidate_id, exc_info=True)
            counts.errors += 1
            counts.failed.append(candidate_id)
            continue
        if record is None:
            counts.not_found += 1
        else:
            found.append((candidate_id, record))
    with transaction() as session:
        for candidate_id, record in found:
            try:
                with session.begin_nested():
                    changed = _apply(session, candidate_id, record, now)
            except Exception:
                log.warning("student records: refresh refused for candidate %s", candidate_id, exc_info=True)
                counts.errors += 1
                counts.failed.append(candidate_id)
                continue
            if changed:
                counts.updated += 1
            else:
                counts.unchanged += 1


def refresh_all(now: datetime, adapter: StudentRecords) -> RefreshCounts:
    """Every candidate to refresh, ``BATCH`` at a time (one short transaction per batch)."""
    with transaction() as session:
        ids = candidates_to_refresh(session)
    counts = RefreshCounts()
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH], adapter, now, counts)
    if counts.failed:
        log.warning("student records: %s candidates not refreshed: %s", counts.errors, counts.failed[:20])
    return counts


def refresh_internal_records(session: Session, now: datetime) -> tuple[int, str]:
    """The job: works in its own short transactions (the run's ``session`` is left unused)."""
    counts = refresh_all(now, get_student_records())
    return counts.read, counts.message()


register_job(JOB_NAME, refresh_internal_records, daily_at=time(2, 40), label=N_("Réimport nocturne du cursus interne"))
