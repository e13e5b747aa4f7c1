"""The candidate's dossier: open it, and save each tab (one call per « Enregistrer »).

Every save receives the entity the page bound its inputs to (detached), validates it through a schema
(``dossier_schemas``), refuses a change to a field imported from the student information system (a forged request
included), refuses a stale copy (someone saved meanwhile) and a dossier another person holds a lease on, writes the
accepted values on the stored row and audits the change.
"""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    Address,
    Baccalaureate,
    BacSeries,
    Candidate,
    ExternalRecord,
    InternalRecord,
    Internship,
    WorkExperience,
)
from app.services.dossier.ine import validate_ine
from app.services.dossier.lycees import settle_bac_establishment
from app.services.dossier.schemas import (
    AddressIn,
    BaccalaureateIn,
    DossierInvalid,
    PersonalInformationIn,
    typed_name,
    validate,
)
from app.services.dossier.student_records import BACCALAUREATE_LOCK, get_student_records, import_student
from app.services.offer.campaigns import active_campaign_id
from app.services.platform import leases
from app.services.platform.actors import Actor, require_writable
from app.services.platform.audit import audit_dossier
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.review.staff_scope import require_candidate_in_scope

STALE = N_(
    "Ces données ont été modifiées entre-temps (dans une autre fenêtre, ou par un gestionnaire). "
    "Rechargez la page pour voir la dernière version ; rien n'a été enregistré."
)
LOCKED = N_(
    "Cette donnée vient du service de scolarité et ne peut pas être modifiée ici. "
    "En cas d'erreur, contactez le service de scolarité concerné."
)


@dataclass
class Dossier:
    """Everything the tabs show, loaded detached; ``address`` and ``baccalaureate`` are new rows when absent."""

    account: Account
    candidate: Candidate
    address: Address
    baccalaureate: Baccalaureate
    internal_records: list[InternalRecord] = field(default_factory=list)
    external_records: list[ExternalRecord] = field(default_factory=list)
    work_experiences: list[WorkExperience] = field(default_factory=list)
    internships: list[Internship] = field(default_factory=list)

    def is_locked(self, name: str) -> bool:
        return name in (self.candidate.locked_fields or [])


@dataclass(frozen=True)
class PersonalSaved:
    candidate: Candidate
    ine_unknown: bool = False  # a valid INE the university does not know: the page asks whether to continue
    imported: bool = False  # the INE was known: identity, bac and internal record now come from the system


def _own_candidate(session: Session, actor: Actor) -> Candidate | None:
    return session.exec(select(Candidate).where(Candidate.account_id == actor.account_id)).first()


def candidate_for(session: Session, *, actor: Actor, candidate_id: int | None = None, write: bool = False) -> Candidate:
    """The candidate row the actor may reach: their own, or (staff) one whose application their role covers."""
    if actor.kind == "candidate":
        candidate = _own_candidate(session, actor)
        if candidate is None or (candidate_id is not None and candidate.id != candidate_id):
            raise Forbidden()
    elif actor.kind == "staff":
        if candidate_id is None:
            raise NotFound("candidate")
        # The scope of the applications decides (a withdrawn role reaches nothing): reads and writes alike.
        candidate = require_candidate_in_scope(session, actor=actor, candidate_id=candidate_id, write=write)
    else:
        raise Forbidden()
    if write:
        require_writable(actor)
        kind, holder_id = leases.holder_of(actor)
        assert candidate.id is not None
        leases.require_free_for(
            session, resource=leases.candidate_resource(candidate.id), kind=kind, holder_id=holder_id
        )
    return candidate


def open_dossier(session: Session, *, actor: Actor, candidate_id: int | None = None) -> Dossier:
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
    candidate = candidate_for(session, actor=actor, candidate_id=candidate_id)
    cid = candidate.id
    account = session.get(Account, candidate.account_id)
    assert account is not None and cid is not None

    def rows(model: type[Any], *order: Any) -> list[Any]:
        return list(session.exec(select(model).where(model.candidate_id == cid).order_by(*order)).all())

    return Dossier(
        account=account,
        candidate=candidate,
        address=session.exec(select(Address).where(Address.candidate_id == cid)).first()
        or Address(candidate_id=cid, line1=""),
        baccalaureate=session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == cid)).first()
        or Baccalaureate(candidate_id=cid, series=BacSeries.GENERAL, year=None),
        internal_records=rows(InternalRecord, InternalRecord.academic_year.desc()),  # type: ignore[attr-defined]
        external_records=rows(ExternalRecord, ExternalRecord.academic_year.desc()),  # type: ignore[attr-defined]
        work_experiences=rows(WorkExperience, WorkExperience.year.desc()),  # type: ignore[attr-defined]
        internships=rows(Internship, Internship.year.desc()),  # type: ignore[attr-defined]
    )


def schema_values(entity: SQLModel, schema: type[Any]) -> dict[str, Any]:
    return {name: getattr(entity, name) for name in schema.model_fields}


def apply_changes(target: SQLModel, accepted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the accepted values on the stored row; return what changed (for the audit)."""
    changes = {}
    for name, value in accepted.items():
        before = getattr(target, name)
        if before != value:
            changes[name] = (before, value)
            setattr(target, name, value)
    return changes


def _audit_changes(session: Session, actor: Actor, action: str, entity: Any, cid: int, changes: dict) -> None:
    audit_dossier(
        session,
        actor,
        cid,
        action,
        before={k: str(v[0]) if v[0] is not None else None for k, v in changes.items()},
        after={k: str(v[1]) if v[1] is not None else None for k, v in changes.items()},
        entity=(type(entity).__name__.lower(), entity.id),
    )


def save_personal_information(session: Session, *, actor: Actor, candidate: Candidate) -> PersonalSaved:
    """« Informations personnelles » (with the INE). A known INE imports and locks the student's data."""
    current = candidate_for(session, actor=actor, candidate_id=candidate.id, write=True)
    if candidate.version != current.version:
        raise DomainError("stale", STALE)
    submitted = schema_values(candidate, PersonalInformationIn)
    locked = set(current.locked_fields or [])
    errors: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    try:
        accepted = validate(PersonalInformationIn, submitted).model_dump()
    except DossierInvalid as error:
        errors, accepted = dict(error.errors), {}
    for name in locked:  # compared raw, before normalisation: a forged value is refused, never ignored
        if name in submitted and submitted[name] != getattr(current, name):
            errors[name] = LOCKED
        elif name == "ine" and (candidate.ine or None) != current.ine:
            errors["ine"] = LOCKED
    ine = current.ine
    if "ine" not in locked:
        try:
            ine = validate_ine(candidate.ine) if (candidate.ine or "").strip() else None
        except DomainError as error:
            if "ine" not in errors:
                errors["ine"], params["ine"] = error.message, error.params
    if errors:
        raise DossierInvalid(errors, params)
    for name in locked:
        accepted.pop(name, None)
    record = None
    if ine and ine != current.ine:
        taken = session.exec(
            select(Candidate.id).where(
                Candidate.ine == ine,
                col(Candidate.campaign_id).is_not_distinct_from(current.campaign_id),
                Candidate.id != current.id,
            )
        ).first()
        if taken is not None:
            raise DossierInvalid({"ine": N_("Cet INE est déjà utilisé par un autre compte de la campagne.")})
        record = get_student_records().find_by_ine(ine)
        if record is not None and str(record.identity.get("birth_date")) != str(accepted["birth_date"]):
            # A typo (or someone else's INE) must not import another student's record.
            raise DossierInvalid(
                {"ine": N_("Cet INE est connu de l'université, mais pas avec votre date de naissance : vérifiez-les.")}
            )
    accepted["ine"] = ine
    previous_ine = current.ine
    changes = apply_changes(current, accepted)
    current.updated_at = clock.now()
    if record is not None:
        import_student(session, current, record)
        changes["imported"] = (None, "ine")
    session.add(current)
    session.flush()
    assert current.id is not None
    _audit_changes(session, actor, "dossier.personal_saved", current, current.id, changes)
    return PersonalSaved(
        current, ine_unknown=record is None and ine is not None and ine != previous_ine, imported=record is not None
    )


S = TypeVar("S", Address, Baccalaureate)  # a section the candidate has once


def writable_candidate(session: Session, actor: Actor, candidate_id: int | None) -> Candidate:
    """The candidate whose dossier is written: the actor, or the one staff name (write access checked)."""
    return candidate_for(
        session, actor=actor, candidate_id=None if actor.kind == "candidate" else candidate_id, write=True
    )


def _store_section(session: Session, actor: Actor, action: str, current: S, accepted: dict[str, Any]) -> S:
    """Write a section's accepted values (stamped now) and audit what changed."""
    changes = apply_changes(current, accepted)
    current.updated_at = clock.now()
    session.add(current)
    session.flush()
    _audit_changes(session, actor, action, current, current.candidate_id, changes)
    return current


def save_address(session: Session, *, actor: Actor, address: Address) -> Address:
    """« Adresse »: in France a postcode and one of its communes; abroad a city and a country."""
    candidate = writable_candidate(session, actor, address.candidate_id)
    current = session.exec(select(Address).where(Address.candidate_id == candidate.id)).first()
    if current is not None and (address.id != current.id or address.updated_at != current.updated_at):
        raise DomainError("stale", STALE)
    if current is None and address.id is not None:
        raise DomainError("stale", STALE)
    accepted = validate(AddressIn, schema_values(address, AddressIn)).model_dump()
    assert candidate.id is not None
    current = current or Address(candidate_id=candidate.id, line1="")
    return _store_section(session, actor, "dossier.address_saved", current, accepted)


def save_baccalaureate(session: Session, *, actor: Actor, baccalaureate: Baccalaureate) -> Baccalaureate:
    """« Baccalauréat »: refused as a whole when the student information system provided it."""
    candidate = writable_candidate(session, actor, baccalaureate.candidate_id)
    assert candidate.id is not None
    current = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == candidate.id)).first()
    if BACCALAUREATE_LOCK in (candidate.locked_fields or []):
        raise DomainError("locked_field", LOCKED, field="series")
    if (current is None) != (baccalaureate.id is None) or (
        current is not None and (baccalaureate.id != current.id or baccalaureate.updated_at != current.updated_at)
    ):
        raise DomainError("stale", STALE)
    accepted = validate(BaccalaureateIn, schema_values(baccalaureate, BaccalaureateIn)).model_dump()
    settle_bac_establishment(session, accepted, current.establishment_uai if current else None)
    current = current or Baccalaureate(candidate_id=candidate.id, series=accepted["series"])
    return _store_section(session, actor, "dossier.baccalaureate_saved", current, accepted)
