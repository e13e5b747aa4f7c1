"""Is the candidate's dossier complete enough to apply? (Informations personnelles, adresse, baccalauréat.)

The same rules are shown on the candidate's home page, section by section, with the reason each one is missing.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Address, Baccalaureate, BacSeries, Candidate

PERSONAL = "personal"
ADDRESS = "address"
BACCALAUREATE = "baccalaureate"

# Section → the French msgid listed in ``missing`` when that section is incomplete.
SECTION_LABELS = {
    PERSONAL: N_("Informations personnelles : nom, prénoms, date de naissance et nationalité"),
    ADDRESS: N_("Adresse"),
    BACCALAUREATE: N_("Baccalauréat (ou « sans bac »)"),
}


@dataclass(frozen=True)
class Completeness:
    """What is missing, as French msgids (screens translate them); empty when the candidate may apply.

    ``reasons`` tells, per incomplete section (``personal``, ``address``, ``baccalaureate``), which fields are
    missing (French msgids too).
    """

    missing: list[str] = field(default_factory=list)
    reasons: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_complete(self) -> bool:
        return not self.missing

    def section_complete(self, section: str) -> bool:
        return section not in self.reasons


def _personal_reasons(candidate: Candidate | None) -> list[str]:
    if candidate is None:
        return [N_("Rien n'est encore saisi.")]
    reasons = []
    if not candidate.birth_name:
        reasons.append(N_("Nom de naissance"))
    if not candidate.first_names:
        reasons.append(N_("Prénoms"))
    if candidate.birth_date is None:
        reasons.append(N_("Date de naissance"))
    place = candidate.birth_commune_insee if candidate.birth_country == "FR" else None
    if not candidate.birth_country or not (place or candidate.birth_place):
        reasons.append(N_("Lieu de naissance"))
    if not candidate.nationality:
        reasons.append(N_("Nationalité"))
    return reasons


def _address_reasons(address: Address | None) -> list[str]:
    if address is None:
        return [N_("Rien n'est encore saisi.")]
    reasons = []
    if not address.line1:
        reasons.append(N_("Adresse (ligne 1)"))
    if address.country == "FR":
        if not address.postcode or not address.commune_insee:
            reasons.append(N_("Code postal et commune"))
    elif not address.city:
        reasons.append(N_("Ville"))
    return reasons


def _bac_reasons(bac: Baccalaureate | None) -> list[str]:
    if bac is None:
        return [N_("Rien n'est encore saisi : indiquez votre baccalauréat, ou « sans bac ».")]
    if bac.series == BacSeries.NONE:
        return []
    return [N_("Année d'obtention")] if bac.year is None else []


# Built once with parameters: every view of an application reads it (see applications.actions._SCOPED).
_ADDRESS_AND_BAC = (
    select(Address, Baccalaureate)
    .select_from(Candidate)
    .outerjoin(Address, col(Address.candidate_id) == Candidate.id)
    .outerjoin(Baccalaureate, col(Baccalaureate.candidate_id) == Candidate.id)
    .where(Candidate.id == sa.bindparam("candidate_id"))
)


def dossier_completeness(session: Session, *, candidate_id: int | None) -> Completeness:
    candidate = session.get(Candidate, candidate_id) if candidate_id is not None else None
    address = bac = None
    if candidate is not None:  # one of each at most (unique candidate_id): both in one round trip
        row = session.exec(_ADDRESS_AND_BAC, params={"candidate_id": candidate_id}).first()
        address, bac = row if row is not None else (None, None)
    reasons = {
        PERSONAL: _personal_reasons(candidate),
        ADDRESS: _address_reasons(address),
        BACCALAUREATE: _bac_reasons(bac),
    }
    reasons = {section: why for section, why in reasons.items() if why}
    return Completeness([SECTION_LABELS[s] for s in reasons], reasons)
