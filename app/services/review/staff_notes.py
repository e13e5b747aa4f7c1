"""Post-its and tags on an application under review.

Post-its are written by any staff role that may write (committee members too) and deleted by their author only;
tags are chosen among the active tags of the institution and of the application's centre, by review roles.
"""

from sqlmodel import Session, col, or_, select

from app.i18n import N_
from app.models import Application, ApplicationTag, Note, StaffRole, Tag
from app.services.applications.staff_scope import require_application_in_scope, require_row_in_scope
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text, column_limit
from app.services.review.staff_rights import application_for_change

NOTE_EMPTY = N_("Le post-it est vide.")
NOT_YOUR_NOTE = N_("Vous ne pouvez supprimer que vos propres post-it.")
UNKNOWN_TAG = N_("Cette étiquette n'existe pas pour cette composante.")

_NOTE_ROLES = tuple(StaffRole)  # committee members write post-its too; read-only roles do not


def add_note(session: Session, *, actor: Actor, application_id: int, body: str) -> Note:
    body = check_text(body.strip(), field="body", max_length=column_limit(Note, "body"))
    if not body:
        raise DomainError("note_empty", NOTE_EMPTY, field="body")
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=application_id, write=True, roles=_NOTE_ROLES
    )
    assert actor.staff_id is not None
    note = Note(application_id=application.id or 0, author_staff_id=actor.staff_id, body=body)
    session.add(note)
    session.flush()
    audit_application(session, actor, application, "note.added", {}, {"note_id": note.id, "body": body})
    notify_candidate(session, application.candidate_id, staff_only=True)  # the staff pages open on it show it
    return note


def delete_note(session: Session, *, actor: Actor, note_id: int) -> None:
    note, application = require_row_in_scope(
        session, actor=actor, model=Note, row_id=note_id, missing="note", write=True, roles=_NOTE_ROLES
    )
    if note.author_staff_id != actor.staff_id:
        raise DomainError("not_your_note", NOT_YOUR_NOTE)
    audit_application(session, actor, application, "note.deleted", {"note_id": note.id, "body": note.body}, {})
    session.delete(note)
    session.flush()
    notify_candidate(session, application.candidate_id, staff_only=True)


def set_tags(session: Session, *, actor: Actor, application_id: int, tag_ids: list[int]) -> list[int]:
    """Replace the application's tags with ``tag_ids`` (active tags of the institution or of its centre)."""
    application = application_for_change(session, actor, application_id)
    allowed = {t.id for t in available_tags(session, application)}
    wanted = set(tag_ids)
    if not wanted <= allowed:
        raise DomainError("unknown_tag", UNKNOWN_TAG)
    current = chosen_tag_ids(session, application.id or 0)
    for row in session.exec(select(ApplicationTag).where(ApplicationTag.application_id == application.id)).all():
        if row.tag_id not in wanted:
            session.delete(row)
    for tag_id in wanted - current:
        session.add(ApplicationTag(application_id=application.id or 0, tag_id=tag_id))
    session.flush()
    if wanted != current:
        audit_application(
            session, actor, application, "application.tags_changed", {"tags": sorted(current)}, {"tags": sorted(wanted)}
        )
        notify_candidate(session, application.candidate_id, staff_only=True)
    return sorted(wanted)


def available_tags(session: Session, application: Application) -> list[Tag]:
    return list(
        session.exec(
            select(Tag)
            .where(col(Tag.is_active), or_(col(Tag.centre_id).is_(None), Tag.centre_id == application.centre_id))
            .order_by(col(Tag.label))
        ).all()
    )


def chosen_tag_ids(session: Session, application_id: int) -> set[int]:
    return set(session.exec(select(ApplicationTag.tag_id).where(ApplicationTag.application_id == application_id)).all())
