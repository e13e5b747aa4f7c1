"""The student information system: the demo registry, and what an import sets and locks."""

from datetime import date

from sqlmodel import Session, select

from app.models import Address, Baccalaureate, InternalRecord
from app.services.demo.data import PEOPLE
from app.services.demo.people import demo_ine
from app.services.dossier.ine import validate_ine
from app.services.dossier.student_records import (
    BACCALAUREATE_LOCK,
    DemoStudentRecords,
    StudentRecords,
    get_student_records,
    import_student,
)
from tests import factories


def test_the_demo_registry_holds_40_students_with_valid_ines_and_several_years() -> None:
    registry = get_student_records()
    assert isinstance(registry, DemoStudentRecords) and isinstance(registry, StudentRecords)
    assert len(registry) >= 40
    for record in registry._by_number.values():
        assert record.ine is None or validate_ine(record.ine) == record.ine
        assert record.identity["birth_name"] == record.identity["birth_name"].upper()
    assert sum(len(r.records) >= 2 for r in registry._by_number.values()) >= 30


def test_the_demo_campus_internal_students_are_in_the_registry() -> None:
    registry = get_student_records()
    for i, person in enumerate(PEOPLE):
        if "internal" in person.extras:
            record = registry.find_by_ine(demo_ine(i))
            assert record is not None, person.key
            assert record.identity["first_names"] and record.records


def test_unknown_students_are_not_found() -> None:
    registry = get_student_records()
    assert registry.find_by_ine("1234567890V") is None
    assert registry.find_by_student_number("00000000") is None


def test_import_sets_locks_and_replaces_the_internal_record(session: Session) -> None:
    candidate = factories.candidate(session, birth_name="X", first_names="Y")
    session.add(InternalRecord(candidate_id=candidate.id, academic_year=2001, program_code="OLD", program_label="Old"))
    session.flush()
    record = get_student_records().find_by_ine("1204000000C")
    import_student(session, candidate, record)
    session.commit()
    assert candidate.birth_name == "MOREAU-DUVAL" and candidate.birth_date == date(2005, 1, 1)
    assert {"birth_name", "first_names", "birth_date", "ine", "student_number", BACCALAUREATE_LOCK} <= set(
        candidate.locked_fields
    )
    rows = session.exec(select(InternalRecord).where(InternalRecord.candidate_id == candidate.id)).all()
    assert [r.program_code for r in rows if r.program_code == "OLD"] == [] and len(rows) == len(record.records)
    assert session.exec(select(Address).where(Address.candidate_id == candidate.id)).one().postcode == "45000"
    assert session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == candidate.id)).one().year == 2022
    assert candidate.imported_at is not None
