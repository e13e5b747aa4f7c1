"""The demo candidates' dossiers as rows: address, baccalauréat, studies, work and internships, and their names.

Plain functions of the person's data (``demo/data.py``), the intake year and the index of the person, so that
every seeding writes the same dossiers; ``demo/campus.py`` adds them to the session.
"""

import unicodedata
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session

from app.models import (
    Account,
    Address,
    Baccalaureate,
    BacSeries,
    Candidate,
    ExternalRecord,
    InternalRecord,
    Internship,
    IssuedDossierNumber,
    RecordOutcome,
    WorkExperience,
)
from app.services.demo import data as d
from app.services.dossier.ine import BEA_KEYS

# The field of studies a candidate's baccalauréat leads to (« Informatique » for the others).
FIELDS = {
    "svt": "Sciences de la vie",
    "stl": "Chimie",
    "ses": "Économie-gestion",
    "stmg": "Économie-gestion",
    "hlp": "Lettres modernes",
    "paris": "Droit",
    "histoire": "Histoire",
}
UNIVERSITIES = [
    ("0370800U", "Université de Tours"),
    ("0751717J", "Université Paris 1 - Panthéon Sorbonne"),
    ("0860856N", "Université de Poitiers"),
]
JOBS = [
    ("Employé polyvalent", "Supermarché du Loiret"),
    ("Assistant commercial", "Banque du Val de Loire"),
    ("Animateur périscolaire", "Mairie d'Olivet"),
    ("Technicien support", "Orléans Numérique SARL"),
]
LABS = ["Laboratoire LIFO", "Centre de biophysique moléculaire (CNRS)", "BRGM", "Orléans Métropole"]


def ascii_upper(text: str) -> str:
    """Upper case without accents, as the student information system stores names."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()


def mail_part(text: str) -> str:
    return ascii_upper(text).lower().replace(" ", "-").replace("'", "")


def demo_ine(index: int) -> str:
    """A well-formed INE: INE-BEA (10 digits and its key letter) or INE-RNIE (9 digits, 2 letters)."""
    if index % 2 == 0:
        number = 1_204_000_000 + index * 104_729
        return f"{number:010d}{BEA_KEYS[number % 23]}"
    return f"{(310_456_000 + index * 7_919) % 10**9:09d}{chr(65 + index % 26)}{chr(65 + (index * 7) % 26)}"


def dossier_rows(i: int, p: d.PersonData, cid: int, *, year: int, imported_at: datetime | None) -> list[Any]:
    """Address, baccalauréat and records of the ``i``-th person, candidate ``cid``, for the ``year`` intake."""
    bac_year = year - (p.age - 17)
    rows: list[Any] = [_address(p, cid)]
    rows += _baccalaureate(p, cid, bac_year)
    rows += _studies(i, p, cid, year, bac_year, imported_at)
    rows += _experience(i, p, cid, year)
    return rows


def _address(p: d.PersonData, cid: int) -> Address:
    if p.foreign:
        line1, postcode, city, country = p.foreign
        return Address(candidate_id=cid, line1=line1, postcode=postcode, city=city, country=country)
    line1, line2, postcode, insee, city = d.ADDRESSES[p.address]
    return Address(candidate_id=cid, line1=line1, line2=line2, postcode=postcode, commune_insee=insee, city=city)


def _baccalaureate(p: d.PersonData, cid: int, bac_year: int) -> list[Baccalaureate]:
    if p.bac == "foreign":
        return [
            Baccalaureate(
                candidate_id=cid,
                series=BacSeries.FOREIGN,
                series_detail=p.foreign_bac,
                year=bac_year,
                country=p.nationality,
            )
        ]
    if p.bac is None:
        return []
    series, detail, mention, specialities, lycee, dept = d.BACS[p.bac]
    return [
        Baccalaureate(
            candidate_id=cid,
            series=series,
            series_detail=detail,
            mention=mention,
            year=None if series == BacSeries.NONE else bac_year,
            specialities=specialities,
            department=dept,
            establishment_label=lycee,
        )
    ]


def _studies(
    i: int, p: d.PersonData, cid: int, year: int, bac_year: int, imported_at: datetime | None
) -> list[InternalRecord | ExternalRecord]:
    """One record per academic year since the bac (the last one current): at Orléans, or at another university."""
    rows: list[InternalRecord | ExternalRecord] = []
    field = FIELDS.get(p.bac or "", "Informatique")
    for n, academic_year in enumerate(range(max(bac_year, year - 4), year)):
        last = academic_year == year - 1
        level = f"L{min(n + 1, 3)}" if n < 3 else "M1"
        if "internal" in p.extras:
            rows.append(
                InternalRecord(
                    candidate_id=cid,
                    academic_year=academic_year,
                    program_code=f"{level}{field[:4].upper()}",
                    program_label=f"{'Licence' if n < 3 else 'Master'} {field} — {level}",
                    result="" if last else "ADM",
                    mark=None if last else Decimal("12.5") + n + i % 4,
                    mention="" if last else ("Assez bien" if i % 2 else "Bien"),
                    imported_at=imported_at,
                )
            )
        elif "external" in p.extras and p.foreign is None:
            uai, school = UNIVERSITIES[i % 3]
            rows.append(
                ExternalRecord(
                    candidate_id=cid,
                    academic_year=academic_year,
                    establishment_uai=uai,
                    establishment_label=school,
                    diploma_type="Licence",
                    label=f"Licence {field}",
                    outcome=RecordOutcome.IN_PROGRESS if last else RecordOutcome.OBTAINED,
                )
            )
    if p.foreign and "external" in p.extras:
        rows.append(
            ExternalRecord(
                candidate_id=cid,
                academic_year=year - 3,
                country=p.nationality,
                establishment_label="Université Cheikh Anta Diop de Dakar",
                diploma_type="Licence",
                label="Licence de lettres modernes",
                outcome=RecordOutcome.OBTAINED,
                mention="Bien",
            )
        )
    return rows


def _experience(i: int, p: d.PersonData, cid: int, year: int) -> list[WorkExperience | Internship]:
    rows: list[WorkExperience | Internship] = []
    if "work" in p.extras:
        title, employer = JOBS[i % 4]
        rows.append(
            WorkExperience(
                candidate_id=cid,
                year=year - 2,
                duration="6 mois",
                title=title,
                employer=employer,
                description="Contrat à durée déterminée, temps partiel.",
            )
        )
    if "internship" in p.extras:
        rows.append(
            Internship(
                candidate_id=cid,
                year=year - 1,
                duration="8 semaines",
                hours_per_week=35,
                organisation=LABS[i % 4],
                description="Stage de fin de licence.",
            )
        )
    return rows


def seed_duplicate(session: Session, original: Account, candidate: Candidate, created: datetime) -> None:
    """A second account of ``candidate``'s person: another address, the same name and birth date, no INE yet."""
    account = Account(
        dossier_number=d.DUPLICATE_DOSSIER_NUMBER,
        email=original.email.replace("@", ".perso@"),
        last_name=original.last_name,
        first_name=original.first_name,
        password_hash=original.password_hash,
        language=original.language,
        campaign_id=original.campaign_id,
        activated_at=created + timedelta(minutes=5),
        created_at=created,
    )
    twin = Candidate(
        campaign_id=candidate.campaign_id,
        civility=candidate.civility,
        birth_name=candidate.birth_name,
        first_names=candidate.first_names,
        birth_date=candidate.birth_date,
        birth_department=candidate.birth_department,
        birth_commune_insee=candidate.birth_commune_insee,
        birth_place=candidate.birth_place,
        account_id=0,  # set once the account has its id
    )
    session.add_all([account, IssuedDossierNumber(number=account.dossier_number, issued_at=created)])
    session.flush()
    twin.account_id = account.id or 0
    session.add(twin)
    session.flush()
    # What the person entered on this second account: the merge moves it to the first one.
    job = "Animateur périscolaire"
    session.add(
        WorkExperience(
            candidate_id=twin.id or 0, year=created.year - 1, duration="4 mois", title=job, employer="Ville d'Orléans"
        )
    )
