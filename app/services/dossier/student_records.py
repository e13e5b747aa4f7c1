"""The student information system (« SI Scolarité »: Apogée, Pégase): who studied here, and what they did.

The interface is narrow on purpose: look a student up by INE or student number and get their identity, address,
baccalauréat and years at this university. The embedded default reads the demo university's registry
(``app/data/demo-student-registry.json``); an Apogée or Pégase adapter is one module implementing
:class:`StudentRecords`, named in the setting ``ECANDIDAT_STUDENT_RECORDS`` as ``package.module:Class``.
"""

import importlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from sqlmodel import Session, select

from app import clock
from app.config import get_settings
from app.models import Address, Baccalaureate, BacSeries, Candidate, Civility
from app.services.dossier.internal_records import sync_internal_records

REGISTRY_JSON = Path(__file__).resolve().parents[2] / "data" / "demo-student-registry.json"

# Fields of Candidate that an import sets and locks; errors there are fixed by the faculty office.
IDENTITY_FIELDS = (
    "civility",
    "birth_name",
    "usage_name",
    "first_names",
    "birth_date",
    "birth_country",
    "birth_department",
    "birth_commune_insee",
    "birth_place",
    "ine",
    "student_number",
)
BACCALAUREATE_LOCK = "baccalaureate"  # the whole baccalauréat, when the system knows it


@dataclass(frozen=True)
class StudentRecord:
    """What the student information system knows of one student (field names are our models')."""

    ine: str | None
    student_number: str
    identity: dict[str, Any]
    address: dict[str, Any] | None = None
    baccalaureate: dict[str, Any] | None = None
    records: list[dict[str, Any]] = field(default_factory=list)


@runtime_checkable
class StudentRecords(Protocol):
    """An adapter to the university's student information system."""

    def find_by_ine(self, ine: str) -> StudentRecord | None: ...

    def find_by_student_number(self, student_number: str) -> StudentRecord | None: ...


class DemoStudentRecords:
    """The demo university's registry, read from a JSON file once."""

    def __init__(self, path: Path = REGISTRY_JSON) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self._by_ine: dict[str, StudentRecord] = {}
        self._by_number: dict[str, StudentRecord] = {}
        for raw in data["students"]:
            record = StudentRecord(
                ine=raw.get("ine"),
                student_number=raw["student_number"],
                identity={k: raw.get(k) for k in (*IDENTITY_FIELDS, "nationality") if k in raw},
                address=raw.get("address"),
                baccalaureate=raw.get("baccalaureate"),
                records=raw.get("records", []),
            )
            if record.ine:
                self._by_ine[record.ine] = record
            self._by_number[record.student_number] = record

    def find_by_ine(self, ine: str) -> StudentRecord | None:
        return self._by_ine.get(ine)

    def find_by_student_number(self, student_number: str) -> StudentRecord | None:
        return self._by_number.get(student_number)

    def __len__(self) -> int:
        return len(self._by_number)


@cache
def _adapter(name: str) -> StudentRecords:
    if name == "demo":
        return DemoStudentRecords()
    module, _sep, cls = name.partition(":")
    return getattr(importlib.import_module(module), cls)()


def get_student_records() -> StudentRecords:
    """The configured adapter (one instance per process)."""
    return _adapter(get_settings().student_records)


def identity_values(record: StudentRecord) -> dict[str, Any]:
    """The record's identity as the candidate's columns hold it (dates, civility, never-NULL texts)."""
    identity = dict(record.identity)
    if identity.get("birth_date"):
        identity["birth_date"] = date.fromisoformat(str(identity["birth_date"]))
    if identity.get("civility"):
        identity["civility"] = Civility(identity["civility"])
    identity["ine"] = record.ine
    identity["student_number"] = record.student_number
    for name in ("birth_name", "usage_name", "first_names", "birth_place"):
        if name in identity and identity[name] is None:
            identity[name] = ""  # text columns are never NULL
    return identity


def store_baccalaureate(session: Session, candidate_id: int, values: dict[str, Any]) -> bool:
    """Write the system's baccalauréat on the candidate's; whether anything changed."""
    bac = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == candidate_id)).first()
    bac = bac or Baccalaureate(candidate_id=candidate_id, series=BacSeries.NONE)
    clean = dict(values)
    clean["series"] = BacSeries(clean["series"])
    changed = {name: value for name, value in clean.items() if getattr(bac, name) != value}
    for name, value in changed.items():  # only what differs: an unchanged row is not rewritten
        setattr(bac, name, value)
    if changed or bac.id is None:
        session.add(bac)
    return bool(changed) or bac.id is None


def import_student(session: Session, candidate: Candidate, record: StudentRecord) -> None:
    """Copy the system's data onto the candidate (in the caller's transaction) and lock what it is authoritative for.

    Identity and baccalauréat are locked; the address only fills an empty one (people move); the internal record
    rows are made the system's (``internal_records``: unchanged rows untouched).
    """
    identity = identity_values(record)
    locked = set(candidate.locked_fields or [])
    for name, value in identity.items():
        setattr(candidate, name, value)
        if name in IDENTITY_FIELDS and value not in (None, ""):
            locked.add(name)
    if candidate.id is None:
        session.add(candidate)
        session.flush()
    cid = candidate.id
    assert cid is not None
    if record.address and session.exec(select(Address).where(Address.candidate_id == cid)).first() is None:
        session.add(Address(candidate_id=cid, **record.address))
    if record.baccalaureate:
        store_baccalaureate(session, cid, record.baccalaureate)
        locked.add(BACCALAUREATE_LOCK)
    now = clock.now()
    sync_internal_records(session, candidate_id=cid, rows=record.records, now=now)
    candidate.locked_fields = sorted(locked)
    candidate.imported_at = now
    session.add(candidate)
