"""The CSV of the DPO's audit search (#21 item 4), built by the export worker like the staff list's exports.

``request_audit_csv`` checks the DPO role and the filters now, then queues an ``audit_csv`` job; ``write_csv`` (in
the worker) re-checks the requester's role, then walks the matching events by id ranges, one short read per batch,
writing each row as it comes (memory stays flat whatever the period). Headers are in the requester's language,
times in Paris time, text that a spreadsheet could run as a formula neutralised (``spreadsheet_writers``).
"""

from pathlib import Path
from typing import Any

from sqlmodel import Session

from app import clock
from app.db import new_session
from app.i18n import N_, gettext
from app.models import ExportJob
from app.services.accounts.staff_roles import require_role
from app.services.admin.audit_search import DPO_ROLES, AuditQuery, audit_batch, check_query, count_matching
from app.services.exports.builders import Progress
from app.services.exports.job_requests import create_job
from app.services.exports.spreadsheet_writers import CsvWriter
from app.services.platform.actors import Actor

KIND = "audit_csv"
HEADERS = (
    N_("Date et heure (Paris)"),
    N_("Action"),
    N_("Auteur"),
    N_("Nom de l'auteur"),
    N_("N° de dossier"),
    N_("Candidat"),
    N_("Candidature"),
    N_("Objet"),
    N_("Adresse IP"),
)
ACTOR_KIND_LABELS = {"candidate": N_("Candidat"), "staff": N_("Gestionnaire"), "system": N_("Portail")}
ACTOR_KIND_LABELS["integration"] = N_("Application de l'université")


def request_audit_csv(session: Session, *, actor: Actor, query: AuditQuery, language: str) -> ExportJob:
    """Queue the CSV of every event ``query`` matches (its page and page size aside)."""
    require_role(session, actor=actor, roles=DPO_ROLES)
    check_query(query)
    return create_job(session, actor, KIND, query.payload() | {"language": language})


def filename() -> str:
    return f"journal-audit-{clock.paris(clock.now()).strftime('%Y%m%d-%H%M')}.csv"


def write_csv(*, actor: Actor, payload: dict[str, Any], path: Path, progress: Progress) -> int:
    """Write the CSV to ``path``; returns the number of events written."""
    language = str(payload.get("language") or "fr")
    query = AuditQuery.from_payload(payload)
    with new_session() as session:
        total = count_matching(session, actor=actor, query=query)  # the role is re-read: withdrawn, refused
    progress(0, total)
    writer, written, before = CsvWriter(path), 0, None
    try:
        writer.write([gettext(h, language) for h in HEADERS])
        while True:
            with new_session() as session:  # one short read per batch
                rows = audit_batch(session, query=query, before_id=before)
            if not rows:
                break
            for row in rows:
                kind = gettext(ACTOR_KIND_LABELS.get(row.actor_kind.value, row.actor_kind.value), language)
                at = clock.paris(row.at).strftime("%Y-%m-%d %H:%M:%S")
                who = (kind, row.actor_name, row.dossier_number, row.candidate_name)
                writer.write([at, row.action, *who, row.application_id, row.entity, row.client_address])
            written, before = written + len(rows), rows[-1].id
            progress(min(written, total), total)
    finally:
        writer.close()
    return written
