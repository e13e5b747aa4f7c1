"""The lycées a baccalauréat is chosen from: imported from the Ministry's directory, offered by département, checked
when the « Baccalauréat » tab is saved.

The list lives in the table ``secondary_school`` (every instance reads the same one, PostgreSQL serves its ~10k
rows by département). An installation without it keeps the free text it always had: nothing here is required
until a file has been imported (``python -m app.manage import-lycees FILE``).
"""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select, update

from app import clock
from app.i18n import N_
from app.models import Baccalaureate, BacSeries, SecondarySchool
from app.services.accounts.admin_rights import require_admin
from app.services.dossier.lycee_file import LyceeFile, is_uai, read_lycee_file
from app.services.dossier.referentials import fold
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.form_checks import DossierInvalid

UNKNOWN_LYCEE = N_(
    "Ce lycée n'est pas dans la liste : choisissez-le dans la liste du département, ou cochez « Mon lycée n'est "
    "pas dans la liste » et saisissez son nom."
)
CHOOSE_OR_TYPE = N_("Choisissez votre lycée dans la liste, ou saisissez son nom s'il n'y est pas.")
# The baccalauréats passed in a lycée: the list applies to them in France. A foreign diploma, an equivalence (the
# DAEU is a university's) and « sans bac » keep a typed establishment.
LYCEE_SERIES = (BacSeries.GENERAL, BacSeries.TECHNOLOGICAL, BacSeries.PROFESSIONAL)
_CHUNK = 500  # rows per statement: PostgreSQL and SQLite both cap the parameters of one statement


@dataclass(frozen=True)
class ImportReport:
    """What an import changed; ``file`` says what the file held and what was left out."""

    listed: int  # lycées offered from now on
    added: int
    updated: int
    removed: int  # gone from the file, named by no dossier: deleted
    kept_unlisted: int  # gone from the file but named by a dossier: kept so that its name still resolves
    file: LyceeFile


def label(school: SecondarySchool) -> str:
    """The lycée as the dossier stores and shows it: its name and commune (many lycées share a name)."""
    full = f"{school.name} ({school.commune})" if school.commune else school.name
    return full if len(full) <= 200 else school.name


def _offered(school: SecondarySchool) -> bool:
    return school.listed and (school.closed_on is None or school.closed_on > clock.today_paris())


@dataclass(frozen=True)
class ListSummary:
    """The list as it stands: what the tab offers, what is kept only for the dossiers naming it, the last import."""

    listed: int
    unlisted: int
    imported_at: datetime | None


def _require_importer(session: Session, actor: Actor) -> None:
    """The command runs as the system; from a screen, the central office or an administrator."""
    if actor.kind != "system":
        require_admin(session, actor=actor, write=True)


def lycee_list_summary(session: Session, *, actor: Actor) -> ListSummary:
    if actor.kind != "system":
        require_admin(session, actor=actor)
    counts = dict(
        session.exec(select(SecondarySchool.listed, sa.func.count()).group_by(col(SecondarySchool.listed))).all()
    )
    last = session.exec(select(sa.func.max(SecondarySchool.imported_at))).first()
    return ListSummary(counts.get(True, 0), counts.get(False, 0), last)  # max() keeps the aware UTC type


def _plan(session: Session, data: bytes) -> tuple[LyceeFile, set[str], list[str], list[str]]:
    """The file's lycées, the UAIs already stored, those to delete and those to keep unlisted (named by a dossier)."""
    parsed = read_lycee_file(data)
    named_uai = select(Baccalaureate.establishment_uai).where(col(Baccalaureate.establishment_uai).is_not(None))
    named = set(session.exec(named_uai).all())
    existing = set(session.exec(select(SecondarySchool.uai)).all())
    gone = existing - {row.uai for row in parsed.schools}
    return parsed, existing, sorted(gone - named), sorted(gone & named)


def _report(parsed: LyceeFile, existing: set[str], removable: list[str], kept: list[str]) -> ImportReport:
    added = sum(1 for row in parsed.schools if row.uai not in existing)
    return ImportReport(len(parsed.schools), added, len(parsed.schools) - added, len(removable), len(kept), parsed)


def report_lines(report: ImportReport) -> list[tuple[str, dict[str, int]]]:
    """The counts as (French msgid, parameters) lines: the command prints them, the screen shows them."""
    read = report.file
    lines = [
        (
            N_("Lignes lues : {rows} ; lycées retenus : {listed} ; autres établissements ignorés : {others}."),
            {"rows": read.rows, "listed": report.listed, "others": read.other_kinds},
        ),
        (
            N_(
                "Ajoutés : {added} ; mis à jour : {updated} ; retirés : {removed} ; gardés hors liste car cités "
                "par un dossier : {kept}."
            ),
            {"added": report.added, "updated": report.updated, "removed": report.removed, "kept": report.kept_unlisted},
        ),
    ]
    if read.refused or read.closed or read.duplicates:
        lines.append(
            (
                N_(
                    "Lignes écartées : illisibles : {refused} ; lycées fermés sans date : {closed} ; "
                    "en double : {duplicates}."
                ),
                {"refused": read.refused, "closed": read.closed, "duplicates": read.duplicates},
            )
        )
    return lines


def preview_lycees(session: Session, *, actor: Actor, data: bytes) -> ImportReport:
    """What :func:`import_lycees` would do with ``data``, changing nothing (the screen shows it before replacing)."""
    _require_importer(session, actor)
    return _report(*_plan(session, data))


def import_lycees(session: Session, *, actor: Actor, data: bytes) -> ImportReport:
    """Replace the list with the lycées of a directory file, in the caller's transaction (all or nothing).

    A file that is not the directory, or holds no lycée, is refused before anything changes. Importing the same
    file twice leaves the same list.
    """
    _require_importer(session, actor)
    if session.get_bind().dialect.name == "postgresql":
        # Imports one at a time; readers keep reading the previous list until the commit.
        session.execute(sa.text("LOCK TABLE secondary_school IN SHARE ROW EXCLUSIVE MODE"))
    parsed, existing, removable, kept = _plan(session, data)
    for start in range(0, len(removable), _CHUNK):
        session.exec(delete(SecondarySchool).where(col(SecondarySchool.uai).in_(removable[start : start + _CHUNK])))
    for start in range(0, len(kept), _CHUNK):
        unlisted = update(SecondarySchool).where(col(SecondarySchool.uai).in_(kept[start : start + _CHUNK]))
        session.exec(unlisted.values(listed=False))
    now = clock.now()
    values = [{**asdict(row), "listed": True, "imported_at": now} for row in parsed.schools]
    inserts = [v for v in values if v["uai"] not in existing]
    updates = [v for v in values if v["uai"] in existing]
    for start in range(0, len(inserts), _CHUNK):
        session.execute(sa.insert(SecondarySchool), inserts[start : start + _CHUNK])
    for start in range(0, len(updates), _CHUNK):
        session.execute(sa.update(SecondarySchool), updates[start : start + _CHUNK])  # by primary key
    report = _report(parsed, existing, removable, kept)
    counts = {k: v for k, v in asdict(report).items() if k != "file"}
    audit(
        session,
        actor=actor,
        action="referential.lycees_imported",
        entity_type="secondary_school",
        entity_id=None,
        after={**counts, "refused_rows": parsed.refused},
    )
    return report


def has_lycees(session: Session) -> bool:
    """Whether a list was imported: the tab then offers it, and a lycée in France is chosen or named."""
    return session.exec(select(SecondarySchool.uai).where(col(SecondarySchool.listed)).limit(1)).first() is not None


def lycees_of_department(session: Session, department: str | None, *, keep: str | None = None) -> dict[str, str]:
    """UAI → « name (commune) » of a département's open lycées, by name; ``keep`` (the dossier's) is added even
    when it closed or left the list since, so that the form still shows it."""
    if not department:
        return {}
    rows = session.exec(select(SecondarySchool).where(SecondarySchool.department == department)).all()
    shown = [s for s in rows if _offered(s) or s.uai == keep]
    return {s.uai: label(s) for s in sorted(shown, key=lambda s: (fold(s.name), fold(s.commune)))}


def lycee_names(session: Session, uais: set[str]) -> dict[str, str]:
    """UAI → label of the lycées among ``uais`` (listed or not): the history names the lycée a dossier chose."""
    if not uais:
        return {}
    rows = session.exec(select(SecondarySchool).where(col(SecondarySchool.uai).in_(sorted(uais)))).all()
    return {s.uai: label(s) for s in rows}


def settle_bac_establishment(session: Session, accepted: dict[str, Any], stored_uai: str | None) -> None:
    """The baccalauréat's establishment in ``accepted``: for a bac passed in France a lycée of the list (its name,
    commune and département copied) or, with « not in the list », a typed name; otherwise a typed name.

    A lycée that closed or left the list is accepted only when the dossier already names it (``stored_uai``).
    """
    uai = (accepted.get("establishment_uai") or "").strip().upper() or None
    in_france = accepted["country"] == "FR" and accepted["series"] in LYCEE_SERIES
    if not in_france:
        accepted["establishment_uai"] = None
        return
    if uai is not None:
        school = _school_for_share(session, uai) if is_uai(uai) else None
        if school is None or (not _offered(school) and uai != stored_uai):
            raise DossierInvalid({"establishment_uai": UNKNOWN_LYCEE})
        accepted.update(establishment_uai=uai, establishment_label=label(school), department=school.department)
        return
    accepted["establishment_uai"] = None
    if not accepted.get("establishment_label") and has_lycees(session):
        raise DossierInvalid({"establishment_uai": CHOOSE_OR_TYPE})


def _school_for_share(session: Session, uai: str) -> SecondarySchool | None:
    """The lycée, its row held until the commit (PostgreSQL): an import waits, so it cannot delete a lycée a dossier
    is naming now without seeing that dossier."""
    query = select(SecondarySchool).where(SecondarySchool.uai == uai)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True)
    return session.exec(query).first()


@dataclass(frozen=True)
class LyceeChoices:
    """What the « Baccalauréat » tab offers once a list was imported: the lycées of the dossier's département."""

    options: dict[str, str]


def lycee_choices(session: Session, bac: Baccalaureate) -> LyceeChoices | None:
    """None without an imported list: the tab keeps its free text."""
    if not has_lycees(session):
        return None
    return LyceeChoices(lycees_of_department(session, bac.department, keep=bac.establishment_uai))
