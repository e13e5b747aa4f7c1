"""A candidate's dossier as staff reach it: read it, and save its tabs and lists.

Every call checks the staff member's current role over the candidate (``require_candidate_in_scope``: one of the
candidate's applications in its scope, else "not found", even with a forged id; a withdrawn role reaches nothing).
A save also needs a role that writes, a campaign of such an application not archived, a view that is not read-only
and the candidate's editing lease free or the staff member's own. What a tab shows and how it is saved is the
dossier's (``dossier/sections``), as for the candidate's own saves (``dossier/tabs``, ``dossier/entries``); the names
and arguments are theirs, ``open_dossier`` naming the candidate.
"""

from sqlmodel import Session

from app.models import Address, Baccalaureate, Candidate
from app.services.applications.staff_scope import require_candidate_in_scope
from app.services.dossier.sections import (
    Dossier,
    Entry,
    PersonalSaved,
    load_dossier,
    remove_entry,
    require_dossier_writable,
    store_address,
    store_baccalaureate,
    store_entry,
    store_personal_information,
)
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden, NotFound


def staff_candidate(session: Session, actor: Actor, candidate_id: int | None, *, write: bool = False) -> Candidate:
    """The candidate whose dossier the staff member reads (or, ``write``, writes), if their role covers it."""
    if actor.kind != "staff":
        raise Forbidden()
    if candidate_id is None:
        raise NotFound("candidate")
    # The scope of the applications decides (a withdrawn role reaches nothing): reads and writes alike.
    candidate = require_candidate_in_scope(session, actor=actor, candidate_id=candidate_id, write=write)
    if write:
        require_dossier_writable(session, actor, candidate)
    return candidate


def open_dossier(session: Session, *, actor: Actor, candidate_id: int) -> Dossier:
    """Every tab of the candidate's dossier, as the staff screen shows it (read-only)."""
    return load_dossier(session, staff_candidate(session, actor, candidate_id))


def save_personal_information(session: Session, *, actor: Actor, candidate: Candidate) -> PersonalSaved:
    current = staff_candidate(session, actor, candidate.id, write=True)
    return store_personal_information(session, actor, current, candidate)


def save_address(session: Session, *, actor: Actor, address: Address) -> Address:
    return store_address(session, actor, staff_candidate(session, actor, address.candidate_id, write=True), address)


def save_baccalaureate(session: Session, *, actor: Actor, baccalaureate: Baccalaureate) -> Baccalaureate:
    candidate = staff_candidate(session, actor, baccalaureate.candidate_id, write=True)
    return store_baccalaureate(session, actor, candidate, baccalaureate)


def save_entry(session: Session, *, actor: Actor, entry: Entry) -> Entry:
    return store_entry(session, actor, staff_candidate(session, actor, entry.candidate_id, write=True), entry)


def delete_entry(session: Session, *, actor: Actor, model: type[Entry], entry_id: int) -> None:
    owner = getattr(session.get(model, entry_id), "candidate_id", None)  # a missing row: its candidate is not found
    remove_entry(session, actor, staff_candidate(session, actor, owner, write=True), model, entry_id)
