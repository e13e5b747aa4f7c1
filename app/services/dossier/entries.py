"""The candidate's own lists: external record (« cursus externe »), work experience and internships.

``save_entry`` adds (no id) or updates (an id of the actor's dossier) one row; ``delete_entry`` removes one, on the
candidate's own dossier reached as its tabs are (``tabs.candidate_for``); the rows' rules are ``sections``'s,
shared with staff (``review/staff_dossier``). The internal record is not among them: it comes from the student
information system and is read-only.
"""

from sqlmodel import Session

from app.services.dossier.sections import Entry, remove_entry, store_entry
from app.services.dossier.tabs import candidate_for
from app.services.platform.actors import Actor


def save_entry(session: Session, *, actor: Actor, entry: Entry) -> Entry:
    """Add or update one external record, work experience or internship of the actor's dossier."""
    return store_entry(session, actor, candidate_for(session, actor=actor, write=True), entry)


def delete_entry(session: Session, *, actor: Actor, model: type[Entry], entry_id: int) -> None:
    remove_entry(session, actor, candidate_for(session, actor=actor, write=True), model, entry_id)
