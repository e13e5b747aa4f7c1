"""The dossier's lists: external record (« cursus externe »), work experience and internships.

``save_entry`` adds (no id) or updates (an id of the actor's dossier) one row; ``delete_entry`` removes one.
The internal record is not among them: it comes from the student information system and is read-only.
"""

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from app.models import ExternalRecord, Internship, WorkExperience
from app.services.dossier.schemas import ExternalRecordIn, InternshipIn, WorkExperienceIn, validate
from app.services.dossier.tabs import apply_changes, schema_values, writable_candidate
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_dossier
from app.services.platform.errors import NotFound

Entry = ExternalRecord | WorkExperience | Internship
SCHEMAS: dict[type[Any], type[BaseModel]] = {
    ExternalRecord: ExternalRecordIn,
    WorkExperience: WorkExperienceIn,
    Internship: InternshipIn,
}


def _target(session: Session, actor: Actor, model: type[Any], entry_id: int | None, candidate_id: int | None) -> Any:
    candidate = writable_candidate(session, actor, candidate_id)
    if entry_id is None:
        return candidate.id, None
    row = session.get(model, entry_id)
    if row is None or row.candidate_id != candidate.id:  # someone else's row, or deleted meanwhile
        raise NotFound(model.__name__.lower())
    return candidate.id, row


def save_entry(session: Session, *, actor: Actor, entry: Entry) -> Entry:
    """Add or update one external record, work experience or internship of the actor's dossier."""
    model = type(entry)
    schema = SCHEMAS[model]
    cid, row = _target(session, actor, model, entry.id, entry.candidate_id)
    accepted = validate(schema, schema_values(entry, schema)).model_dump()
    created = row is None
    row = row or model(candidate_id=cid, **accepted)
    changes = apply_changes(row, accepted)
    session.add(row)
    session.flush()
    name = model.__name__.lower()
    audit_dossier(
        session,
        actor,
        cid,
        f"dossier.{name}_{'added' if created else 'updated'}",
        after={k: str(v[1]) for k, v in changes.items()} if not created else {k: str(v) for k, v in accepted.items()},
        entity=(name, row.id),
    )
    return row


def delete_entry(session: Session, *, actor: Actor, model: type[Entry], entry_id: int) -> None:
    owner = getattr(session.get(model, entry_id), "candidate_id", None)
    cid, row = _target(session, actor, model, entry_id, owner)
    session.delete(row)
    name = model.__name__.lower()
    audit_dossier(session, actor, cid, f"dossier.{name}_deleted", entity=(name, entry_id))
