"""The nightly re-import of internal records from the student information system (job refresh_internal_records)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from app.db import new_session
from app.models import Address, AuditEvent, Baccalaureate, Candidate, InternalRecord, JobStatus
from app.services.dossier import records_refresh
from app.services.dossier.student_records import DemoStudentRecords, StudentRecord, import_student
from app.services.platform import jobs
from tests import factories

IMPORTED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NIGHT = datetime(2026, 3, 2, 1, 40, tzinfo=UTC)
LEA, HUGO, NINA = "1204000000C", "310463919BH", "310479757DV"


class ChangedRegistry(DemoStudentRecords):
    """The demo registry, with some students' records replaced and some lookups failing."""

    def __init__(self, changes: dict[str, StudentRecord] | None = None, failing: set[str] = frozenset()) -> None:
        super().__init__()
        self.changes, self.failing, self.asked = changes or {}, failing, []

    def find_by_ine(self, ine: str) -> StudentRecord | None:
        self.asked.append(ine)
        if ine in self.failing:
            raise ConnectionError("the student information system timed out")
        return self.changes.get(ine, super().find_by_ine(ine))


@pytest.fixture
def world(session: Session, clock) -> dict[str, int]:
    """Three imported candidates applying in the active campaign, one imported candidate of an older campaign."""
    clock.set(IMPORTED)
    active = factories.campaign(session, code="2026")
    old = factories.campaign(session, code="2025", is_active=False, starts_on=date(2024, 10, 1))
    program = factories.program(session, campaign_id=active.id)
    old_program = factories.program(session, campaign_id=old.id)
    registry = DemoStudentRecords()
    ids = {}
    for ine in (LEA, HUGO, NINA, "old"):
        candidate = factories.candidate(session)
        import_student(session, candidate, registry.find_by_ine(NINA if ine == "old" else ine))
        if ine == "old":
            candidate.ine = None  # the student number alone identifies this one
        factories.application(session, candidate_id=candidate.id, program=old_program if ine == "old" else program)
        ids[ine] = candidate.id
    ids["campaign"] = active.id
    session.commit()
    clock.set(NIGHT)
    return ids


def rows(session: Session, candidate_id: int) -> dict[tuple[int, str], InternalRecord]:
    session.expire_all()
    found = session.exec(select(InternalRecord).where(InternalRecord.candidate_id == candidate_id)).all()
    return {(r.academic_year, r.program_code): r for r in found}


def changed(ine: str = LEA) -> StudentRecord:
    record = DemoStudentRecords().find_by_ine(ine)
    records = [dict(r) for r in record.records if r["program_code"] != "L1INFO"]  # L1 vanished
    records[0]["mark"] = "15.25"  # L2's mark corrected
    records.append({"academic_year": 2026, "program_code": "DU-IA", "program_label": "DU Intelligence artificielle"})
    identity = record.identity | {"birth_name": "MOREAU"}
    return replace(record, records=records, identity=identity, address={"line1": "1 rue Neuve", "postcode": "75001"})


def test_a_changed_record_is_updated_a_vanished_row_removed_and_unchanged_rows_not_rewritten(
    session: Session, world: dict[str, int]
) -> None:
    counts = records_refresh.refresh_all(NIGHT, ChangedRegistry({LEA: changed()}))
    assert (counts.read, counts.updated, counts.unchanged, counts.not_found, counts.errors) == (3, 1, 2, 0, 0)
    lea = rows(session, world[LEA])
    assert set(lea) == {(2024, "L2INFO"), (2025, "L3INFO"), (2026, "M1INFO"), (2026, "DU-IA")}
    assert lea[(2024, "L2INFO")].mark == Decimal("15.25") and lea[(2024, "L2INFO")].imported_at == NIGHT
    assert lea[(2026, "DU-IA")].imported_at == NIGHT
    assert lea[(2025, "L3INFO")].imported_at == IMPORTED  # unchanged: not rewritten
    assert all(r.imported_at == IMPORTED for r in rows(session, world[HUGO]).values())
    candidate = session.get(Candidate, world[LEA])
    assert candidate.birth_name == "MOREAU"  # a locked field follows the system, as the import sets it
    assert session.exec(select(Address).where(Address.candidate_id == world[LEA])).one().postcode == "45000"
    (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.records_refreshed")).all()
    assert event.after == {"fields": ["birth_name"], "added": 1, "updated": 1, "removed": 1}


def test_a_second_night_changes_nothing(session: Session, world: dict[str, int]) -> None:
    registry = ChangedRegistry({LEA: changed()})
    records_refresh.refresh_all(NIGHT, registry)
    counts = records_refresh.refresh_all(NIGHT + timedelta(days=1), registry)
    assert (counts.updated, counts.unchanged) == (0, 3)
    stamps = {key[1]: row.imported_at for key, row in rows(session, world[LEA]).items()}
    assert stamps == {"L2INFO": NIGHT, "DU-IA": NIGHT, "L3INFO": IMPORTED, "M1INFO": IMPORTED}
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.records_refreshed")).all()) == 1


def test_unlocked_fields_and_the_candidates_own_entries_are_left_alone(session: Session, world: dict[str, int]) -> None:
    with new_session() as s:
        candidate = s.get(Candidate, world[HUGO])
        candidate.locked_fields = [f for f in candidate.locked_fields if f not in ("birth_name", "baccalaureate")]
        candidate.birth_name = "LEFEVRE-MARTIN"
        s.add(candidate)
        s.commit()
    record = DemoStudentRecords().find_by_ine(HUGO)
    changed = replace(record, baccalaureate=(record.baccalaureate or {}) | {"year": 2001})
    records_refresh.refresh_all(NIGHT, ChangedRegistry({HUGO: changed}))
    session.expire_all()
    assert session.get(Candidate, world[HUGO]).birth_name == "LEFEVRE-MARTIN"
    assert session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == world[HUGO])).one().year != 2001


def test_an_adapter_error_costs_that_candidate_only_and_is_counted(
    session: Session, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records_refresh, "BATCH", 1)  # one transaction per candidate: the error sits between two
    registry = ChangedRegistry({LEA: changed(), NINA: changed(NINA)}, failing={HUGO})
    counts = records_refresh.refresh_all(NIGHT, registry)
    assert (counts.read, counts.updated, counts.errors) == (3, 2, 1)
    assert counts.failed == [world[HUGO]]
    assert "erreurs : 1" in counts.message()
    assert (2024, "L2INFO") in rows(session, world[NINA]) and (2023, "L1INFO") not in rows(session, world[NINA])
    assert len(rows(session, world[HUGO])) == 4


def test_a_refused_write_costs_that_candidate_only(session: Session, world: dict[str, int]) -> None:
    record = DemoStudentRecords().find_by_ine(NINA)
    broken = replace(record, records=[{"academic_year": 2026, "program_code": "X" * 40, "program_label": "Trop long"}])
    broken = replace(broken, records=[*broken.records, {"academic_year": "not a year"}])
    counts = records_refresh.refresh_all(NIGHT, ChangedRegistry({NINA: broken, LEA: changed()}))
    assert (counts.updated, counts.errors) == (1, 1)
    assert len(rows(session, world[NINA])) == 4  # its savepoint rolled back
    assert (2026, "DU-IA") in rows(session, world[LEA])


def test_a_student_the_system_no_longer_finds_keeps_their_records(session: Session, world: dict[str, int]) -> None:
    class Forgetful(ChangedRegistry):
        def find_by_ine(self, ine: str) -> StudentRecord | None:
            return None if ine == LEA else super().find_by_ine(ine)

    counts = records_refresh.refresh_all(NIGHT, Forgetful())
    assert (counts.not_found, counts.unchanged) == (1, 2)
    assert len(rows(session, world[LEA])) == 4


def test_only_imported_candidates_applying_in_the_active_campaign_are_read(
    session: Session, world: dict[str, int]
) -> None:
    never_imported = factories.candidate(session, ine="310479757DV")
    program = factories.program(session, campaign_id=world["campaign"])
    factories.application(session, candidate_id=never_imported.id, program=program)
    session.commit()
    registry = ChangedRegistry()
    counts = records_refresh.refresh_all(NIGHT, registry)
    assert counts.read == 3 and sorted(registry.asked) == sorted([LEA, HUGO, NINA])


def test_the_job_runs_with_the_configured_adapter_and_counts_in_the_history(world: dict[str, int]) -> None:
    job = jobs.get_job(records_refresh.JOB_NAME)
    assert job.daily_at is not None
    run = jobs.run_job(records_refresh.JOB_NAME)
    assert run.status == JobStatus.SUCCEEDED and run.processed == 3
    assert run.message == (
        "Candidats relus : 3 ; mis à jour : 0 ; inchangés : 3 ; inconnus du système : 0 ; erreurs : 0."
    )
