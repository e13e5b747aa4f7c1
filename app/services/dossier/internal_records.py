"""A candidate's internal records (« cursus interne ») brought in step with the student information system's.

A row is one year of one programme (``academic_year``, ``program_code``): a row the system still has is kept, and
rewritten only if its label, result, mark or mention changed; a new one is added; one the system no longer has is
removed (the system is the authority on the internal record, which nobody edits here). The manual import and the
nightly re-import (``records_refresh``) both go through here, so an unchanged record is never rewritten.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from app.models import InternalRecord

# What a row of the system may change; missing keys take the model's defaults.
_DEFAULTS: dict[str, Any] = {"result": "", "mark": None, "mention": ""}


@dataclass
class RecordsSync:
    """What one synchronisation did to a candidate's rows."""

    added: int = 0
    updated: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _values(row: dict[str, Any]) -> dict[str, Any]:
    values = _DEFAULTS | dict(row)
    if values["mark"] is not None:
        values["mark"] = Decimal(str(values["mark"]))
    values["academic_year"] = int(values["academic_year"])
    return values


def sync_internal_records(
    session: Session, *, candidate_id: int, rows: list[dict[str, Any]], now: datetime
) -> RecordsSync:
    """Make the candidate's rows the system's ``rows`` (in the caller's transaction); say what changed."""
    existing = session.exec(
        select(InternalRecord).where(InternalRecord.candidate_id == candidate_id).order_by(col(InternalRecord.id))
    ).all()
    pool: dict[tuple[int, str], list[InternalRecord]] = {}
    for stored in existing:
        pool.setdefault((stored.academic_year, stored.program_code), []).append(stored)
    result = RecordsSync()
    for row in rows:
        values = _values(row)
        matches = pool.get((values["academic_year"], str(values["program_code"])))
        if not matches:
            session.add(InternalRecord(candidate_id=candidate_id, imported_at=now, **values))
            result.added += 1
            continue
        stored = matches.pop(0)
        changed = {name: value for name, value in values.items() if getattr(stored, name) != value}
        if changed:
            for name, value in changed.items():
                setattr(stored, name, value)
            stored.imported_at = now
            session.add(stored)
            result.updated += 1
    for leftovers in pool.values():
        for stored in leftovers:
            session.delete(stored)
            result.removed += 1
    session.flush()
    return result
