"""Is the candidate's dossier complete enough to apply? (Informations personnelles, adresse, baccalauréat.)"""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from app.i18n import N_
from app.models import Address, Baccalaureate, Candidate


@dataclass(frozen=True)
class Completeness:
    """What is missing, as French msgids (screens translate them); empty when the candidate may apply."""

    missing: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return not self.missing


def dossier_completeness(session: Session, *, candidate_id: int | None) -> Completeness:
    candidate = session.get(Candidate, candidate_id) if candidate_id is not None else None
    missing: list[str] = []
    if candidate is None or not (
        candidate.birth_name and candidate.first_names and candidate.birth_date and candidate.nationality
    ):
        missing.append(N_("Informations personnelles : nom, prénoms, date de naissance et nationalité"))
    address = session.exec(select(Address).where(Address.candidate_id == candidate_id)).first() if candidate else None
    if address is None or not address.line1 or not (address.postcode or address.city):
        missing.append(N_("Adresse"))
    bac = (
        session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == candidate_id)).first()
        if candidate
        else None
    )
    if bac is None:
        missing.append(N_("Baccalauréat (ou « sans bac »)"))
    return Completeness(missing)
