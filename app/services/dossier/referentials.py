"""Embedded referentials: French communes by postcode, higher-education establishments, countries, départements.

The CSV files in ``app/data/`` are read once, lazily, on first use (a deployment may refresh them from its student
information system). Country names come from pycountry's ISO 3166 catalogue translated with its gettext files.
"""

import csv
import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
POSTCODES_CSV = DATA_DIR / "codes-postaux-laposte.csv"
ESTABLISHMENTS_CSV = DATA_DIR / "etablissements-enseignement-superieur.csv"
FRANCE = "FR"


# What accents removal leaves alone: the ligatures (« Œillet », « Lætitia ») and the typographic apostrophe.
_SPELLED_OUT = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'", "ʼ": "'"})


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPELLED_OUT))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower case without accents or punctuation, for searches that forgive « é » typed as « e »
    (``app/ui/folded_select`` filters the searchable lists with it)."""
    return re.sub(r"[^0-9a-z]+", " ", _bare(text).lower()).strip()


def ascii_upper(text: str) -> str:
    """Upper case without accents, single spaces: how the student information system stores names (the dossier
    keeps them as typed; the hand-off sends this form)."""
    return re.sub(r"\s+", " ", _bare(text)).strip().upper()


# --- Communes --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postcode: str

    @property
    def department(self) -> str:
        """The département code: 2A/2B for Corsica, three digits overseas (971…), two digits otherwise."""
        return self.insee[:3] if self.insee.startswith("97") else self.insee[:2]


@cache
def _communes_by_postcode() -> dict[str, tuple[Commune, ...]]:
    index: dict[str, dict[str, Commune]] = {}
    with POSTCODES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            postcode = row["code_postal"].strip()
            commune = Commune(row["code_insee"].strip(), row["commune"].strip(), postcode)
            # One commune per INSEE code and postcode (La Poste lists delivery variants on « ligne 5 »).
            index.setdefault(postcode, {}).setdefault(commune.insee, commune)
    return {pc: tuple(sorted(c.values(), key=lambda c: c.name)) for pc, c in index.items()}


def communes_of_postcode(postcode: str) -> list[Commune]:
    """The communes served by a French postcode (empty for an unknown one)."""
    return list(_communes_by_postcode().get((postcode or "").strip(), ()))


def commune_in_postcode(postcode: str, insee: str | None) -> Commune | None:
    return next((c for c in communes_of_postcode(postcode) if c.insee == insee), None)


@cache
def _communes_by_insee() -> dict[str, Commune]:
    return {c.insee: c for communes in _communes_by_postcode().values() for c in communes}


def commune_by_insee(insee: str | None) -> Commune | None:
    return _communes_by_insee().get(insee or "")


def communes_of_department(department: str) -> list[Commune]:
    """Communes of a département, by name (for the birth commune)."""
    found = {c.insee: c for c in _communes_by_insee().values() if c.department == department}
    return sorted(found.values(), key=lambda c: c.name)


@cache
def departments() -> dict[str, str]:
    """Département code → name, from pycountry's subdivisions of France (metropolitan and overseas)."""
    names: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code=FRANCE) or []:
        code = sub.code.split("-", 1)[1]
        if sub.type in ("Metropolitan department", "Overseas department", "Overseas departmental collectivity"):
            names[code] = sub.name
        elif code in ("69M", "6AE", "75C", "20R", "972", "973"):  # collectivities standing for a département
            names.setdefault({"69M": "69", "6AE": "67", "75C": "75", "20R": "20"}.get(code, code), sub.name)
    names.pop("20", None)  # Corsica is 2A and 2B
    return dict(sorted(names.items()))


# --- Establishments -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Establishment:
    uai: str
    name: str
    short_name: str
    kind: str
    commune: str
    department: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.commune})" if self.commune else self.name


@cache
def _establishments() -> tuple[tuple[Establishment, str], ...]:
    rows = []
    with ESTABLISHMENTS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("closed_on", "").strip():
                continue
            if re.search(r"\bIUT\b|institut universitaire de technologie", row["name"], re.IGNORECASE):
                continue  # IUTs are components of their university: the guide tells candidates to pick it
            item = Establishment(
                uai=row["uai"].strip(),
                name=row["name"].strip(),
                short_name=row["short_name"].strip(),
                kind=row["type"].strip(),
                commune=re.sub(r"\s+", " ", row["commune"]).strip(),
                department=row["departement"].strip(),
            )
            rows.append((item, fold(f"{item.name} {item.short_name} {item.commune} {item.uai}")))
    return tuple(sorted(rows, key=lambda r: fold(r[0].name)))


def search_establishments(query: str, *, limit: int = 50) -> list[Establishment]:
    """Open establishments whose name, acronym, commune or UAI contain every word of ``query`` (accents ignored)."""
    words = fold(query).split()
    found = [item for item, haystack in _establishments() if all(w in haystack for w in words)]
    return found[:limit]


def establishment(uai: str | None) -> Establishment | None:
    return next((item for item, _h in _establishments() if item.uai == uai), None) if uai else None


# --- Countries -------------------------------------------------------------------------------------------------


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


@cache
def countries(lang: str = "fr") -> dict[str, str]:
    """ISO alpha-2 code → country name in ``lang``, sorted by name (accents ignored)."""
    tr = _translation(lang)
    names = {c.alpha_2: tr.gettext(getattr(c, "common_name", None) or c.name) for c in pycountry.countries}
    return dict(sorted(names.items(), key=lambda item: fold(item[1])))


def country_name(code: str | None, lang: str = "fr") -> str:
    return countries(lang).get(code or "", code or "")


def is_country(code: str | None) -> bool:
    return bool(code) and code in countries("fr")
