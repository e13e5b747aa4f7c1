"""Pushing the enrolment hand-off to the student information system through an adapter (an Apogée web service).

The adapter interface is :class:`EnrolmentSystem`; an implementation is one class named in the setting
``ECANDIDAT_ENROLMENT_HANDOFF`` as ``package.module:Class`` (instantiated once per process, without arguments:
it reads its own configuration, e.g. the web service's address and credentials, from its own settings). The
default, ``files``, is :class:`FilesOnly`: nothing is pushed, the central office downloads the Pégase CSV files
(``handoff_pegase``) or an integration fetches the hand-off through the API — so no outside service is ever
called unless one is configured.

Contract of ``deliver(candidate)``, called once per candidate with something to deliver:

- ``candidate.wishes`` are every programme the candidate currently holds (live confirmations, already delivered
  or not); ``candidate.withdrawals`` the delivered confirmations since withdrawn, which the system must cancel.
  Apogée's OPI is a per-individual snapshot, so an adapter replaces the candidate's OPI with ``wishes``.
- Return normally once the system has accepted it; raise any exception otherwise (its message is recorded on the
  rows, which are FAILED and retried at the next run). Deliveries must be idempotent: a candidate is sent again
  whenever one of their programmes changes, and after a failure.

The job ``push_enrolment_handoffs`` runs every hour; each candidate is delivered and recorded in a transaction of
its own, so one failure neither stops the others nor undoes what was delivered.
"""

import importlib
import logging
from datetime import datetime, timedelta
from functools import cache
from typing import Protocol, runtime_checkable

from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import transaction
from app.i18n import N_
from app.models import Application, EnrolmentHandoff
from app.services.handoff import enrolment as handoff
from app.services.handoff.enrolment import CandidateHandoff
from app.services.platform.jobs import register_job

log = logging.getLogger(__name__)

PUSH_JOB = "push_enrolment_handoffs"
FILES_ONLY = "files"


@runtime_checkable
class EnrolmentSystem(Protocol):
    """An adapter that pushes hand-offs to the student information system (see the module docstring)."""

    #: False for a real push; True means "files only": the job leaves the rows to the files and the API.
    files_only: bool

    def deliver(self, candidate: CandidateHandoff) -> None: ...


class FilesOnly:
    """The default: no web service; hand-offs leave as Pégase CSV files or through the API."""

    files_only = True

    def deliver(self, candidate: CandidateHandoff) -> None:  # pragma: no cover - never called by the job
        raise RuntimeError("files-only mode: nothing is pushed")


@cache
def _adapter(name: str) -> EnrolmentSystem:
    if name == FILES_ONLY:
        return FilesOnly()
    module, _sep, cls = name.partition(":")
    if not module or not cls:
        raise ValueError(f"ECANDIDAT_ENROLMENT_HANDOFF must be 'files' or 'package.module:Class', not {name!r}")
    system = getattr(importlib.import_module(module), cls)()
    if not isinstance(system, EnrolmentSystem):
        raise TypeError(f"{name} does not implement EnrolmentSystem (files_only, deliver)")
    return system


def get_enrolment_system() -> EnrolmentSystem:
    """The configured adapter (one instance per process)."""
    return _adapter(get_settings().enrolment_handoff)


def _queued_candidates(session: Session) -> list[int]:
    return list(
        session.exec(
            select(Application.candidate_id)
            .join(EnrolmentHandoff, col(EnrolmentHandoff.application_id) == Application.id)
            .where(col(EnrolmentHandoff.status).in_(handoff.QUEUED))
            .distinct()
            .order_by(col(Application.candidate_id))
        ).all()
    )


def _deliver_one(system: EnrolmentSystem, candidate_id: int) -> bool | None:
    """Deliver one candidate (their live set plus their cancellations to deliver); None if nothing is owed now."""
    with transaction() as session:
        queued = handoff.load_handoffs(session, queued_only=True, candidate_ids=[candidate_id])
        if not queued:
            return None  # delivered meanwhile (an API acknowledgement, another instance)
        # Lock the candidate's queued rows: a second instance (or an acknowledgement) waits for this delivery.
        queued_ids = queued[0].handoff_ids
        session.exec(
            select(EnrolmentHandoff.id).where(col(EnrolmentHandoff.id).in_(queued_ids)).with_for_update()
        ).all()
        live = handoff.load_handoffs(session, candidate_ids=[candidate_id])
        snapshot = CandidateHandoff(**{**vars(queued[0]), "wishes": live[0].wishes if live else []})
        try:
            system.deliver(snapshot)
        except Exception as error:  # any adapter error: recorded, retried at the next run
            log.warning("enrolment hand-off of candidate %s failed: %s", candidate_id, error)
            handoff.mark_failed(session, queued_ids, f"{type(error).__name__}: {error}")
            return False
        handoff.mark_delivered(session, queued_ids)
        return True


def push_pending_handoffs(*, system: EnrolmentSystem | None = None, limit: int | None = None) -> tuple[int, str]:
    """Deliver every queued hand-off (new, failed, cancellations) through ``system`` (the configured adapter)."""
    system = system or get_enrolment_system()
    if system.files_only:
        return 0, "files-only mode: hand-offs leave as CSV files or through the API"
    with transaction() as session:
        handoff.reconcile(session)
        candidate_ids = _queued_candidates(session)
    if limit is not None:
        candidate_ids = candidate_ids[:limit]
    delivered = failed = 0
    for candidate_id in candidate_ids:
        outcome = _deliver_one(system, candidate_id)
        delivered += outcome is True
        failed += outcome is False
    return delivered, f"candidates delivered: {delivered}, failed: {failed} (retried at the next run)"


def _job(session: Session, now: datetime) -> tuple[int, str]:
    # Each candidate is delivered in a transaction of its own (see the module docstring); the run's session is
    # left unused so that it holds no lock while the adapter talks to the outside.
    return push_pending_handoffs()


register_job(PUSH_JOB, _job, every=timedelta(hours=1), label=N_("Transfert des inscriptions (OPI)"))
