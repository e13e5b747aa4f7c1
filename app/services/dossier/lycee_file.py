"""The Ministry of Education's directory of schools, read for its lycées, and the UAI's check letter.

A university downloads one of the two national open data files (separator « ; »):

- « Annuaire de l'éducation » (``fr-en-annuaire-education``): ``Identifiant_de_l_etablissement``,
  ``Nom_etablissement``, ``Nom_commune``, ``Code_departement``, ``Libelle_academie``, ``code_nature``, ``etat``…
  (the headers come capitalised with labels, in lower case without; case is ignored);
- « Adresse et géolocalisation des établissements d'enseignement du premier et second degrés »
  (``fr-en-adresse-et-geolocalisation-etablissements-premier-et-second-degre``): ``numero_uai``,
  ``appellation_officielle``, ``libelle_commune``, ``code_departement``, ``libelle_academie``, ``nature_uai``,
  ``etat_etablissement``…

A ``date_fermeture`` column, when the export has one, gives the closing date. Only the establishments that prepare
the baccalauréat are kept (``LYCEE_NATURES``). Nothing here touches the database: :mod:`lycees` imports the result.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from app.i18n import N_
from app.services.platform.errors import DomainError

# The UAI (formerly RNE): 7 characters, then a letter computed from them: the 7 digits modulo 23 index these 23
# letters (I, O and Q left out, too close to 1, 0 and 0). Checked on every UAI of app/data's higher-education list.
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_SHAPE = re.compile(r"\d{7}[A-Z]")

# The directory's « nature » codes of the establishments where the baccalauréat is prepared and passed:
# general, technological and polyvalent lycées, professional lycées (bac professionnel), agricultural lycées
# (bac STAV and bac pro agricole), and the second-cycle schools the nomenclature files apart. Left out: the
# « sections » (334 SEP, 335 SGT, 336) a lycée keeps under a second UAI with the lycée's own name, which would
# list each lycée twice; collèges, EREA (CAP mostly), primary schools and services.
LYCEE_NATURES: dict[str, str] = {
    "300": "LEGT",  # lycée d'enseignement général et technologique
    "301": "LT",  # lycée d'enseignement technologique
    "302": "LG",  # lycée d'enseignement général
    "306": "LPO",  # lycée polyvalent
    "307": "LEGTPA",  # lycée d'enseignement général, technologique et professionnel agricole
    "310": "LCL",  # lycée climatique
    "312": "ESS",  # école secondaire spécialisée (second cycle)
    "315": "EXP",  # établissement (lycée) expérimental
    "320": "LP",  # lycée professionnel
}

# Each field, under the names the two files give it (headers folded: lower case, no accents, « _ » for the rest).
COLUMNS: dict[str, tuple[str, ...]] = {
    "uai": ("identifiant_de_l_etablissement", "numero_uai", "uai"),
    "name": ("nom_etablissement", "appellation_officielle"),
    "commune": ("nom_commune", "libelle_commune"),
    "department": ("code_departement",),
    "academy": ("libelle_academie",),
    "nature": ("code_nature", "nature_uai"),
    "state": ("etat", "etat_etablissement_libe", "etat_etablissement"),
    "closed_on": ("date_fermeture",),
}
REQUIRED_COLUMNS = ("uai", "name", "department", "nature")
CLOSED_STATES = {"ferme", "4"}  # « FERMÉ » (annuaire, libellé) or its code 4
SHOWN_PROBLEMS = 20  # rows refused and named in the report; the rest are counted
LIMITS = {"name": 200, "commune": 100, "academy": 60}  # the columns of SecondarySchool

FILE_REFUSED = N_(
    "Ce fichier n'est pas l'annuaire des établissements attendu : colonnes absentes : {columns}. Téléchargez "
    "« Annuaire de l'éducation » ou « Adresse et géolocalisation des établissements » au format CSV."
)
NO_LYCEE = N_("Ce fichier ne contient aucun lycée : la liste actuelle est gardée telle quelle.")


def uai_check_letter(seven: str) -> str:
    """The letter that ends the UAI whose first 7 characters (digits) are ``seven``."""
    return UAI_LETTERS[int(seven) % len(UAI_LETTERS)]


def is_uai(value: str | None) -> bool:
    """7 digits and the letter computed from them (upper case)."""
    text = value or ""
    return bool(UAI_SHAPE.fullmatch(text)) and uai_check_letter(text[:7]) == text[7]


@dataclass(frozen=True)
class SchoolRow:
    uai: str
    name: str
    commune: str
    department: str
    academy: str
    nature: str
    closed_on: date | None


@dataclass
class LyceeFile:
    """What a file holds: its lycées (one row per UAI) and what was left out, counted."""

    schools: list[SchoolRow] = field(default_factory=list)
    rows: int = 0
    other_kinds: int = 0  # collèges, écoles, services…
    closed: int = 0  # lycées closed without a date: nothing to offer, nothing to keep
    duplicates: int = 0
    refused: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, French msgid) of the first refusals


def _fold_header(name: str) -> str:
    bare = unicodedata.normalize("NFKD", name.strip().lstrip("\ufeff"))
    return re.sub(r"[^0-9a-z]+", "_", "".join(c for c in bare if not unicodedata.combining(c)).lower()).strip("_")


def _fold_value(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text)
    return "".join(c for c in bare if not unicodedata.combining(c)).strip().lower()


def department_code(raw: str) -> str:
    """« 045 » → « 45 », « 02A » → « 2A », « 971 » stays: the code the dossier's forms use."""
    code = raw.strip().upper()
    return code[1:] if len(code) == 3 and code.startswith("0") else code


def _day(raw: str) -> date | None:
    text = raw.strip()[:10]
    for pattern in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{2})/(\d{2})/(\d{4})"):
        found = re.fullmatch(pattern, text)
        if found:
            parts = [int(p) for p in found.groups()]
            year, month, day = parts if pattern.startswith(r"(\d{4})") else parts[::-1]
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # the older exports were in Windows Latin-1


def _columns(header: list[str]) -> dict[str, int]:
    folded = [_fold_header(name) for name in header]
    found = {}
    for key, names in COLUMNS.items():
        index = next((folded.index(n) for n in names if n in folded), None)
        if index is not None:
            found[key] = index
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in found]
    if missing:
        raise DomainError("lycee_file_refused", FILE_REFUSED, columns=", ".join(missing))
    return found


def _refuse(result: LyceeFile, line: int, reason: str) -> None:
    result.refused += 1
    if len(result.problems) < SHOWN_PROBLEMS:
        result.problems.append((line, reason))


def read_lycee_file(data: bytes) -> LyceeFile:
    """The lycées of a directory file; refused as a whole (``DomainError``) when it is not one or holds none."""
    text = _text(data)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if ";" in first_line else ",")
    header = next(reader, None)
    if not header:
        raise DomainError("lycee_file_refused", FILE_REFUSED, columns=", ".join(COLUMNS["uai"][:1]))
    columns = _columns(header)
    result, seen = LyceeFile(), set[str]()
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        result.rows += 1
        value = {key: (cells[i].strip() if i < len(cells) else "") for key, i in columns.items()}
        if value["nature"] not in LYCEE_NATURES:
            result.other_kinds += 1
            continue
        row = _school(value, result, line)
        if row is None:
            continue
        if row.uai in seen:
            result.duplicates += 1
            continue
        if _folded_state(value) in CLOSED_STATES and row.closed_on is None:
            result.closed += 1
            continue
        seen.add(row.uai)
        result.schools.append(row)
    if not result.schools:
        raise DomainError("lycee_file_empty", NO_LYCEE)
    return result


def _folded_state(value: dict[str, str]) -> str:
    return _fold_value(value.get("state", ""))


def _school(value: dict[str, str], result: LyceeFile, line: int) -> SchoolRow | None:
    uai = value["uai"].upper()
    if not is_uai(uai):
        _refuse(result, line, N_("code UAI invalide (7 chiffres et la lettre qui leur correspond)"))
        return None
    if not value["name"]:
        _refuse(result, line, N_("nom absent"))
        return None
    department = department_code(value["department"])
    if not re.fullmatch(r"\d{2}|2[AB]|\d{3}", department):
        _refuse(result, line, N_("code de département illisible"))
        return None
    texts = {key: re.sub(r"\s+", " ", value.get(key, "")).strip() for key in LIMITS}
    if any(len(texts[key]) > limit for key, limit in LIMITS.items()):
        _refuse(result, line, N_("nom, commune ou académie trop long"))
        return None
    closing = _day(value.get("closed_on", ""))
    return SchoolRow(uai, texts["name"], texts["commune"], department, texts["academy"], value["nature"], closing)
