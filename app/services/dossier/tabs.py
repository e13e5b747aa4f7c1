"""The candidate's own dossier: open it, and save each tab (one call per « Enregistrer »).

Each call reaches the actor's own candidate row only (a candidate naming another dossier is refused); a save is
also refused from a read-only view and while someone else (a manager) holds the dossier's editing lease. What a tab
shows and how it is saved is ``sections``'s, shared with staff, who reach a candidate's dossier through
``review/staff_dossier`` (within their role's scope).
"""

from sqlmodel import Session, select

from app.models import Account, Address, Baccalaureate, Candidate
from app.services.dossier.schemas import typed_name
from app.services.dossier.sections import (
    Dossier,
    PersonalSaved,
    load_dossier,
    require_dossier_writable,
    store_address,
    store_baccalaureate,
    store_personal_information,
)
from app.services.dossier.student_records import get_student_records, import_student
from app.services.offer.campaigns import active_campaign_id
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_dossier
from app.services.platform.errors import Forbidden


def _own_candidate(session: Session, actor: Actor) -> Candidate | None:
    return session.exec(select(Candidate).where(Candidate.account_id == actor.account_id)).first()


def candidate_for(session: Session, *, actor: Actor, candidate_id: int | None = None, write: bool = False) -> Candidate:
    """The candidate's own row (``candidate_id``, when given, must name it); ``write``: the dossier may be written."""
    if actor.kind != "candidate":
        raise Forbidden()
    candidate = _own_candidate(session, actor)
    if candidate is None or (candidate_id is not None and candidate.id != candidate_id):
        raise Forbidden()
    if write:
        require_dossier_writable(session, actor, candidate)
    return candidate


def open_dossier(session: Session, *, actor: Actor) -> Dossier:
    """The dossier, created on a candidate's first visit (names from the account) and imported from the student
    information system when the account carries a student number (university SSO) not yet imported."""
    if actor.kind == "candidate" and _own_candidate(session, actor) is None:
        account = session.get(Account, actor.account_id)
        if account is None:
            raise Forbidden()
        active = active_campaign_id(session)
        candidate = Candidate(
            account_id=account.id,
            # The campaign the INE is unique in: the account's, else the one open now.
            campaign_id=account.campaign_id or active,
            # Made during a campaign, the dossier is that campaign's (campaign_confirmation.py).
            confirmed_campaign_id=active,
            birth_name=typed_name(account.last_name, family=True),
            first_names=typed_name(account.first_name, family=False),
            student_number=account.student_number,
        )
        session.add(candidate)
        session.flush()
        if account.student_number and not actor.read_only:
            record = get_student_records().find_by_student_number(account.student_number)
            if record is not None:
                import_student(session, candidate, record)
                audit_dossier(session, actor, candidate.id, "dossier.imported", after={"by": "student_number"})
        session.flush()
    return load_dossier(session, candidate_for(session, actor=actor))


def save_personal_information(session: Session, *, actor: Actor, candidate: Candidate) -> PersonalSaved:
    """« Informations personnelles » (with the INE). A known INE imports and locks the student's data."""
    current = candidate_for(session, actor=actor, candidate_id=candidate.id, write=True)
    return store_personal_information(session, actor, current, candidate)


def save_address(session: Session, *, actor: Actor, address: Address) -> Address:
    """« Adresse »: in France a postcode and one of its communes; abroad a city and a country."""
    return store_address(session, actor, candidate_for(session, actor=actor, write=True), address)


def save_baccalaureate(session: Session, *, actor: Actor, baccalaureate: Baccalaureate) -> Baccalaureate:
    """« Baccalauréat »: refused as a whole when the student information system provided it."""
    return store_baccalaureate(session, actor, candidate_for(session, actor=actor, write=True), baccalaureate)
