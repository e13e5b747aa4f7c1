"""The dossier's tabs and lists on a candidate already reached: what they show, and how each is saved.

Every save receives the entity the page bound its inputs to (detached), validates it through a schema
(``dossier_schemas``), refuses a change to a field imported from the student information system (a forged request
included) and a stale copy (someone saved meanwhile), writes the accepted values on the stored row and audits the
change.

Who reaches the candidate is decided before, by the entry points that call this module: ``tabs`` and ``entries``
(the candidate's own dossier) and ``review/staff_dossier`` (staff, within their role's scope). Both refuse a write
with :func:`require_dossier_writable` (a read-only view; a dossier another person holds the editing lease on). The
package does not export this module: pages call those entry points, never a save on an unchecked candidate.
"""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
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
    ExternalRecordIn,
    InternshipIn,
    PersonalInformationIn,
    WorkExperienceIn,
    validate,
)
from app.services.dossier.student_records import (
    BACCALAUREATE_LOCK,
    StudentRecord,
    get_student_records,
    import_student,
)
from app.services.platform import leases
from app.services.platform.actors import Actor, require_writable
from app.services.platform.audit import audit_dossier
from app.services.platform.errors import DomainError, NotFound

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


def require_dossier_writable(session: Session, actor: Actor, candidate: Candidate) -> None:
    """A write to ``candidate``'s dossier: refused from a read-only view, and while another person holds its lease."""
    require_writable(actor)
    kind, holder_id = leases.holder_of(actor)
    assert candidate.id is not None
    leases.require_free_for(session, resource=leases.candidate_resource(candidate.id), kind=kind, holder_id=holder_id)


def load_dossier(session: Session, candidate: Candidate) -> Dossier:
    """Every tab's rows of ``candidate``; an address and a baccalauréat not yet saved are new rows."""
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


def _student_of_new_ine(session: Session, current: Candidate, ine: str, birth_date: Any) -> StudentRecord | None:
    """The student the university knows by an INE new to the dossier (None: unknown to it), once checked that no
    other dossier of the campaign uses that INE and that the university knows it with the same birth date."""
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
    if record is not None and str(record.identity.get("birth_date")) != str(birth_date):
        # A typo (or someone else's INE) must not import another student's record.
        raise DossierInvalid(
            {"ine": N_("Cet INE est connu de l'université, mais pas avec votre date de naissance : vérifiez-les.")}
        )
    return record


def store_personal_information(
    session: Session, actor: Actor, current: Candidate, candidate: Candidate
) -> PersonalSaved:
    """« Informations personnelles » (with the INE) of ``current``, as submitted in ``candidate`` (its detached copy).
    A known INE imports and locks the student's data."""
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
    record = _student_of_new_ine(session, current, ine, accepted["birth_date"]) if ine and ine != current.ine else None
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


def _store_section(session: Session, actor: Actor, action: str, current: S, accepted: dict[str, Any]) -> S:
    """Write a section's accepted values (stamped now) and audit what changed."""
    changes = apply_changes(current, accepted)
    current.updated_at = clock.now()
    session.add(current)
    session.flush()
    _audit_changes(session, actor, action, current, current.candidate_id, changes)
    return current


def store_address(session: Session, actor: Actor, candidate: Candidate, address: Address) -> Address:
    """« Adresse »: in France a postcode and one of its communes; abroad a city and a country."""
    current = session.exec(select(Address).where(Address.candidate_id == candidate.id)).first()
    if current is not None and (address.id != current.id or address.updated_at != current.updated_at):
        raise DomainError("stale", STALE)
    if current is None and address.id is not None:
        raise DomainError("stale", STALE)
    accepted = validate(AddressIn, schema_values(address, AddressIn)).model_dump()
    assert candidate.id is not None
    current = current or Address(candidate_id=candidate.id, line1="")
    return _store_section(session, actor, "dossier.address_saved", current, accepted)


def store_baccalaureate(
    session: Session, actor: Actor, candidate: Candidate, baccalaureate: Baccalaureate
) -> Baccalaureate:
    """« Baccalauréat »: refused as a whole when the student information system provided it."""
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


# --- The lists: external records, work experience, internships ------------------------------------------------------

Entry = ExternalRecord | WorkExperience | Internship
SCHEMAS: dict[type[Any], type[BaseModel]] = {
    ExternalRecord: ExternalRecordIn,
    WorkExperience: WorkExperienceIn,
    Internship: InternshipIn,
}


def _entry_of(session: Session, candidate: Candidate, model: type[Any], entry_id: int | None) -> Any:
    if entry_id is None:
        return None
    row = session.get(model, entry_id)
    if row is None or row.candidate_id != candidate.id:  # someone else's row, or deleted meanwhile
        raise NotFound(model.__name__.lower())
    return row


def store_entry(session: Session, actor: Actor, candidate: Candidate, entry: Entry) -> Entry:
    """Add (no id) or update (an id of ``candidate``'s) one external record, work experience or internship."""
    model = type(entry)
    schema = SCHEMAS[model]
    cid, row = candidate.id, _entry_of(session, candidate, model, entry.id)
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


def remove_entry(session: Session, actor: Actor, candidate: Candidate, model: type[Entry], entry_id: int) -> None:
    """Delete one row of ``candidate``'s lists (another dossier's row is "not found")."""
    row = _entry_of(session, candidate, model, entry_id)
    session.delete(row)
    name = model.__name__.lower()
    audit_dossier(session, actor, candidate.id, f"dossier.{name}_deleted", entity=(name, entry_id))
