"""Recording a staff member's export request: a QUEUED ``ExportJob`` with the role it was asked under, audited.

Shared by every kind of staff export (``jobs``, ``audit_csv``); the build itself is ``jobs.run_export_job``'s.
"""

from typing import Any

from sqlmodel import Session

from app.i18n import N_
from app.models import ExportJob
from app.services.accounts.staff_roles import current_role
from app.services.exports.my_exports import active_exports
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError

MAX_ACTIVE_PER_STAFF = 3  # queued or running exports one staff member may have at once
TOO_MANY = N_("Vous avez déjà {max} exports en préparation : attendez qu'ils se terminent.")


def create_job(session: Session, actor: Actor, kind: str, payload: dict[str, Any]) -> ExportJob:
    """Queue an export of ``kind`` for the staff member ``actor``; at most ``MAX_ACTIVE_PER_STAFF`` at once."""
    role = current_role(session, actor=actor)  # a staff member with a valid current role, re-read
    if active_exports(session, ExportJob.staff_id == actor.staff_id) >= MAX_ACTIVE_PER_STAFF:
        raise DomainError("too_many_exports", TOO_MANY, max=MAX_ACTIVE_PER_STAFF)
    job = ExportJob(staff_id=actor.staff_id or 0, role_assignment_id=role.assignment_id, kind=kind, request=payload)
    session.add(job)
    session.flush()
    summary = {k: v for k, v in payload.items() if k not in ("ids", "only_ids")}
    summary["count"] = len(payload.get("ids") or payload.get("only_ids") or [])
    audit_row(session, actor, "export.requested", job, after=summary)
    return job
