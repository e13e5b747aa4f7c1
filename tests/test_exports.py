"""Spreadsheet exports: the file equals the list for the same filters and columns, within the requester's scope,
with the extras asked for, formulas neutralised, built by a worker that records its progress and its errors."""

import csv
import io
import logging
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, col, select

from app.config import get_settings
from app.i18n import gettext, use_language
from app.models import (
    Address,
    Application,
    AuditEvent,
    Baccalaureate,
    BacSeries,
    DecisionKind,
    ExportJob,
    ExportStatus,
    ExternalRecord,
    InternalRecord,
    Note,
    QuestionAnswer,
    QuestionKind,
    RecordOutcome,
    StaffRole,
    StaffRoleAssignment,
    StoredFile,
)
from app.services.exports import jobs as export_jobs
from app.services.exports import tabular as exports_tabular
from app.services.exports.tabular import CsvWriter, TabularRequest, build_tabular, list_value
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, NotFound
from app.services.review.staff_list import COLUMNS, MAX_PAGE_SIZE, ListQuery, list_applications
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
ALL_COLUMNS = list(COLUMNS)


@pytest.fixture
def world(session: Session, clock: Any) -> dict:
    clock.set(NOW)
    data = factories.list_world(session, per_centre=120)
    data["central"] = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    data["member"] = factories.staff_actor(
        session, StaffRole.COMMITTEE_MEMBER, committee_id=data["programs"][0].committee_id
    )
    session.commit()
    return data


def list_rows(session: Session, actor: Actor, query: ListQuery) -> list[dict[str, Any]]:
    """Every row of the list, page after page, as the screen reads them."""
    rows, number = [], 1
    while True:
        page = list_applications(
            session,
            actor=actor,
            query=ListQuery(
                filters=query.filters,
                search=query.search,
                sort=query.sort,
                descending=query.descending,
                page=number,
                page_size=MAX_PAGE_SIZE,
            ),
        )
        rows += page.rows
        if number * MAX_PAGE_SIZE >= page.total:
            return rows
        number += 1


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


def export_csv(tmp_path: Path, actor: Actor, request: TabularRequest, name: str = "out.csv") -> list[list[str]]:
    path = tmp_path / name
    build_tabular(actor=actor, request=request, kind="csv", path=path)
    return read_csv(path)


QUERIES = [
    ListQuery(),
    ListQuery(filters={"dossier_status": ["complete", "received"]}, sort="dossier_number", descending=True),
    ListQuery(filters={"sva": ["red", "orange"]}, sort="days_since_transmission", descending=True),
    ListQuery(filters={"last_decision_published": True}, search="nom0", sort="transmitted_at"),
    ListQuery(filters={"notes_count": [1, None], "bac_year": [2021, None]}, sort="bac_year"),
]


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_the_csv_equals_the_list_for_the_same_filters_sort_and_columns(
    session: Session, world: dict, tmp_path: Path, query: ListQuery, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports_tabular, "BATCH_SIZE", 37)  # several batches, one of them partial
    expected = list_rows(session, world["central"], query)
    assert expected
    lines = export_csv(tmp_path, world["central"], TabularRequest(query=query, columns=ALL_COLUMNS))
    assert lines[0] == [COLUMNS[key].label for key in ALL_COLUMNS]  # French headers
    assert len(lines) - 1 == len(expected)
    for line, row in zip(lines[1:], expected, strict=True):
        assert line == [CsvWriter._text(list_value(key, row.get(key))) for key in ALL_COLUMNS]


def test_the_xlsx_equals_the_list_with_typed_cells_in_paris_time(session: Session, world: dict, tmp_path: Path) -> None:
    columns = ["dossier_number", "birth_name", "program", "dossier_status", "transmitted_at", "waiting_list_rank"]
    query = ListQuery(filters={"dossier_status": ["pending", "incomplete"]}, sort="birth_name", descending=True)
    expected = list_rows(session, world["central"], query)
    path = tmp_path / "out.xlsx"
    count = build_tabular(
        actor=world["central"], request=TabularRequest(query=query, columns=columns), kind="xlsx", path=path
    )
    assert count == len(expected)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = [list(r) + [None] * (len(columns) - len(r)) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["N° de dossier", "Nom", "Formation", "Statut du dossier", "Date de transmission", "Rang"]
    assert [r[0] for r in rows[1:]] == [row["dossier_number"] for row in expected]
    for cells, row in zip(rows[1:], expected, strict=True):
        transmitted = row["transmitted_at"]
        paris = transmitted.astimezone(exports_tabular.clock.PARIS).replace(tzinfo=None) if transmitted else None
        assert cells[4] == (paris.replace(microsecond=0) if paris else None)
        assert cells[3] == list_value("dossier_status", row["dossier_status"])
        assert cells[5] == row["waiting_list_rank"]


def test_headers_follow_the_requesters_language(session: Session, world: dict, tmp_path: Path) -> None:
    request = TabularRequest(query=ListQuery(), columns=["dossier_number", "dossier_status"], language="en")
    lines = export_csv(tmp_path, world["central"], request)
    assert lines[0] == [gettext("N° de dossier", "en"), gettext("Statut du dossier", "en")]
    assert lines[0] != ["N° de dossier", "Statut du dossier"]
    with use_language("en"):
        statuses = {list_value("dossier_status", s) for s in ("pending", "received", "incomplete", "complete")}
    assert {line[1] for line in lines[1:]} <= statuses


def test_a_committee_member_exports_only_their_committee(session: Session, world: dict, tmp_path: Path) -> None:
    committee_id = world["programs"][0].committee_id
    mine = session.exec(
        select(Application.id).where(Application.committee_id == committee_id, col(Application.cancelled_at).is_(None))
    ).all()
    request = TabularRequest(query=ListQuery(sort="dossier_number"), columns=["dossier_number", "committee"])
    lines = export_csv(tmp_path, world["member"], request)
    assert len(lines) - 1 == len(mine) > 0
    assert {line[1] for line in lines[1:]} == {world["centres"][0] and _committee_label(session, committee_id)}
    # A forged programme filter of the other committee narrows to nothing; it never widens the scope.
    forged = TabularRequest(query=ListQuery(filters={"program": [world["programs"][2].id]}), columns=["ine"])
    assert export_csv(tmp_path, world["member"], forged, "forged.csv") == [["INE"]]


def _committee_label(session: Session, committee_id: int) -> str:
    from app.models import Committee

    committee = session.get(Committee, committee_id)
    assert committee is not None
    return committee.label_fr


def test_only_the_selection_keeps_the_lists_order(session: Session, world: dict, tmp_path: Path) -> None:
    query = ListQuery(sort="dossier_number", descending=True)
    expected = [row["id"] for row in list_rows(session, world["central"], query)]
    chosen = frozenset(expected[3:40:3])
    request = TabularRequest(query=query, columns=["dossier_number"], only_ids=chosen)
    lines = export_csv(tmp_path, world["central"], request)
    numbers = {row["id"]: row["dossier_number"] for row in list_rows(session, world["central"], query)}
    assert [line[0] for line in lines[1:]] == [numbers[i] for i in expected if i in chosen]


# --- Extras and neutralised formulas --------------------------------------------------------------------------------


def rich_application(session: Session) -> dict:
    """One application with every extra filled, and names that a spreadsheet would take for formulas."""
    centre = factories.centre(session)
    committee = factories.committee(session, centre.id)
    program = factories.program(session, centre_id=centre.id, committee_id=committee.id, code="M-CHIM")
    candidate = factories.candidate(session, birth_name='=HYPERLINK("http://x")', first_names="+33 6 12")
    session.add(Address(candidate_id=candidate.id, line1="@SUM(A1)", line2="Bât. B", postcode="45000", city="ORLEANS"))
    session.add(
        Baccalaureate(
            candidate_id=candidate.id,
            series=BacSeries.GENERAL,
            year=2021,
            mention="Bien",
            specialities=["Mathématiques", "Physique-chimie"],
            establishment_label="Lycée Pothier",
        )
    )
    session.add(
        InternalRecord(
            candidate_id=candidate.id,
            academic_year=2024,
            program_code="L3CHI",
            program_label="Licence Chimie",
            result="ADM",
            mark=Decimal("14.250"),
        )
    )
    session.add(
        ExternalRecord(
            candidate_id=candidate.id,
            academic_year=2023,
            establishment_label="Université de Tours",
            diploma_type="Licence",
            label="Licence Physique",
            outcome=RecordOutcome.OBTAINED,
        )
    )
    application = factories.application(session, candidate_id=candidate.id, program=program)
    yes_no = factories.question(session, label_fr="Boursier ?", label_en="Scholarship holder?")
    text = factories.question(session, kind=QuestionKind.TEXT, label_fr="Projet ?", label_en="Plan?")
    session.add(QuestionAnswer(application_id=application.id, question_id=yes_no.id, bool_value=True))
    session.add(QuestionAnswer(application_id=application.id, question_id=text.id, text_value="-1 an de césure"))
    author = factories.staff_member(session, display_name="Claire Martin")
    session.add(Note(application_id=application.id, author_staff_id=author.id, body="Appeler", created_at=NOW))
    factories.decision(
        session,
        application_id=application.id,
        kind=DecisionKind.WAITING_LIST,
        waiting_list_rank=4,
        entered_at=NOW - timedelta(days=2),
        published_at=NOW - timedelta(days=1),
        comment="Bon dossier",
    )
    session.commit()
    return {"application": application, "candidate": candidate}


def test_every_extra_is_exported_with_formulas_neutralised(session: Session, clock: Any, tmp_path: Path) -> None:
    clock.set(NOW)
    rich_application(session)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    request = TabularRequest(
        query=ListQuery(),
        columns=["dossier_number", "birth_name", "first_names"],
        extras=list(exports_tabular.EXTRAS),
    )
    header, line = export_csv(tmp_path, central, request)
    cells = dict(zip(header, line, strict=True))
    assert cells["Nom"] == '\'=HYPERLINK("http://x")'  # a leading apostrophe: shown as text, never run
    assert cells["Prénoms"] == "'+33 6 12"
    assert cells["Adresse"] == "'@SUM(A1), Bât. B"
    assert (cells["Code postal"], cells["Ville"], cells["Pays"]) == ("45000", "ORLEANS", "France")
    assert cells["Bac : série"] == "Baccalauréat général" and cells["Bac : année"] == "2021"
    assert cells["Bac : spécialités"] == "Mathématiques, Physique-chimie"
    assert cells["Cursus interne"] == "2024 · L3CHI · Licence Chimie · ADM · 14.25"
    assert cells["Cursus externe"] == "2023 · Université de Tours (France) · Licence · Licence Physique · Obtenu"
    assert cells["Boursier ?"] == "Oui" and cells["Projet ?"] == "'-1 an de césure"
    assert cells["Notes (post-it)"] == "15/06/2026 12:00 · Claire Martin : Appeler"  # Paris time (UTC+2)
    history = cells["Historique des avis"]
    assert "13/06/2026" in history and "publié le 14/06/2026" in history
    assert "rang 4" in history and "Bon dossier" in history

    path = tmp_path / "rich.xlsx"
    build_tabular(actor=central, request=request, kind="xlsx", path=path)
    sheet = load_workbook(path).worksheets[0]
    names = {c.value: c for c in sheet[1]}
    row = {header_cell.value: sheet.cell(row=2, column=header_cell.column) for header_cell in sheet[1]}
    assert "Nom" in names
    assert row["Nom"].value == '=HYPERLINK("http://x")' and row["Nom"].data_type == "s"  # text, not a formula
    assert row["Prénoms"].value == "+33 6 12" and row["Prénoms"].data_type == "s"


def test_neutralise_covers_every_formula_start() -> None:
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert exports_tabular.neutralise(text) == "'" + text
    assert exports_tabular.neutralise("Dupont") == "Dupont"


# --- Jobs: request, progress, errors, download, purge ---------------------------------------------------------------


def test_a_job_is_built_by_the_worker_with_its_progress_recorded(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports_tabular, "BATCH_SIZE", 50)
    seen: list[tuple[int, int]] = []
    real = export_jobs._progress

    def spy(job_id: int) -> Any:
        report = real(job_id)

        def both(done: int, total: int) -> None:
            report(done, total)
            with factories_session() as check:
                job = check.get(ExportJob, job_id)
                assert job is not None and job.status == ExportStatus.RUNNING
                seen.append((job.done, job.total))  # what the progress bar reads, as it is written

        return both

    monkeypatch.setattr(export_jobs, "_progress", spy)
    request = TabularRequest(query=ListQuery(filters={"dossier_status": ["pending"]}), columns=["dossier_number"])
    job = export_jobs.request_list_export(session, actor=world["central"], kind="xlsx", request=request)
    session.commit()
    assert job.status == ExportStatus.QUEUED and job.role_assignment_id == world["central"].role_assignment_id
    assert export_jobs.run_export_job(job.id) == ExportStatus.DONE
    assert export_jobs.run_export_job(job.id) is None  # claimed once only
    session.expire_all()
    done = session.get(ExportJob, job.id)
    assert done is not None and done.status == ExportStatus.DONE and done.error == ""
    total = len(list_rows(session, world["central"], request.query))
    assert (done.done, done.total) == (total, total)
    assert seen[0] == (0, total) and seen[-1] == (total, total) and len(seen) == 1 + -(-total // 50)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert done.filename == "candidatures-20260615-1200.xlsx"
    stored = session.get(StoredFile, done.file_id)
    assert stored is not None and stored.kind.value == "export" and stored.size > 0
    path, filename, media = export_jobs.export_file(session, actor=world["central"], job_id=job.id)
    assert path.exists() and filename == done.filename and media.endswith("spreadsheetml.sheet")
    assert load_workbook(path).worksheets[0].max_row == total + 1
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "export.requested")).one()


def factories_session() -> Session:
    from app.db import new_session

    return new_session()


def test_the_download_is_refused_to_another_staff_member(session: Session, world: dict) -> None:
    request = TabularRequest(query=ListQuery(), columns=["dossier_number"])
    job = export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    session.commit()
    with pytest.raises(NotFound):
        export_jobs.export_file(session, actor=world["central"], job_id=job.id)  # not built yet
    export_jobs.run_export_job(job.id)
    other = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)  # same role, another person
    session.commit()
    for intruder in (other, world["member"], Actor("candidate", account_id=1)):
        with pytest.raises(DomainError):
            export_jobs.export_file(session, actor=intruder, job_id=job.id)
    assert export_jobs.my_exports(session, actor=other) == []
    session.expire_all()
    [mine] = export_jobs.my_exports(session, actor=world["central"])
    assert mine.id == job.id and mine.percent == 100 and not mine.active
    path, _name, media = export_jobs.export_file(session, actor=world["central"], job_id=job.id)
    assert media.startswith("text/csv") and path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_withdrawn_role_fails_the_job_with_its_message(session: Session, world: dict) -> None:
    request = TabularRequest(query=ListQuery(), columns=["dossier_number"], language="en")
    job = export_jobs.request_list_export(session, actor=world["member"], kind="csv", request=request)
    session.commit()
    assignment = session.get(StaffRoleAssignment, world["member"].role_assignment_id)
    session.delete(assignment)  # the committee member lost the role before the worker started
    session.commit()
    assert export_jobs.run_export_job(job.id) == ExportStatus.FAILED
    session.expire_all()
    failed = session.get(ExportJob, job.id)
    assert failed is not None and failed.status == ExportStatus.FAILED and failed.file_id is None
    assert failed.error == gettext("Vous n'avez pas accès à cet élément.", "en") != ""
    assert not list((Path(file_store.path_of("0" * 32)).parents[1] / "tmp").glob("*"))  # no temporary file left


def test_an_unexpected_error_is_logged_and_reported_plainly(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_kw: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(exports_tabular, "build_tabular", broken)
    request = TabularRequest(query=ListQuery(), columns=["dossier_number"])
    job = export_jobs.request_list_export(session, actor=world["central"], kind="xlsx", request=request)
    session.commit()
    with caplog.at_level(logging.ERROR):
        assert export_jobs.run_export_job(job.id) == ExportStatus.FAILED
    assert "disk full" in caplog.text
    session.expire_all()
    [view] = export_jobs.my_exports(session, actor=world["central"])
    assert view.status == ExportStatus.FAILED and "disk" not in view.error
    assert view.error == gettext(export_jobs.UNEXPECTED, "fr")  # in the requester's language


def test_bad_requests_are_refused_before_queueing(session: Session, world: dict) -> None:
    central = world["central"]
    bad = [
        ("csv", TabularRequest(query=ListQuery(), columns=["password_hash"])),
        ("csv", TabularRequest(query=ListQuery(), columns=[])),
        ("csv", TabularRequest(query=ListQuery(), columns=["ine"], extras=["salary"])),
        ("csv", TabularRequest(query=ListQuery(sort="tags"), columns=["ine"])),
        ("csv", TabularRequest(query=ListQuery(filters={"dossier_status": ["lost"]}), columns=["ine"])),
        ("pdf", TabularRequest(query=ListQuery(), columns=["ine"])),
    ]
    for kind, request in bad:
        with pytest.raises(DomainError):
            export_jobs.request_list_export(session, actor=central, kind=kind, request=request)
    with pytest.raises(DomainError):
        export_jobs.request_list_export(session, actor=Actor("candidate", account_id=1), kind="csv", request=bad[1][1])
    assert session.exec(select(ExportJob)).all() == []


def test_at_most_three_exports_wait_at_once_per_person(session: Session, world: dict) -> None:
    request = TabularRequest(query=ListQuery(), columns=["ine"])
    for _n in range(export_jobs.MAX_ACTIVE_PER_STAFF):
        export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    with pytest.raises(DomainError) as refused:
        export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    assert refused.value.code == "too_many_exports"
    export_jobs.request_list_export(session, actor=world["member"], kind="csv", request=request)  # another person


def test_old_exports_are_purged_with_their_file_and_dead_runs_failed(session: Session, world: dict) -> None:
    request = TabularRequest(query=ListQuery(), columns=["ine"])
    old = export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    recent = export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    session.commit()
    for job in (old, recent):
        export_jobs.run_export_job(job.id)
    session.expire_all()
    old_row = session.get(ExportJob, old.id)
    assert old_row is not None and old_row.file_id is not None
    old_path = file_store.path_of(session.get(StoredFile, old_row.file_id).storage_key)  # type: ignore[union-attr]
    old_row.finished_at = NOW - timedelta(days=8)
    session.add(old_row)
    stuck = ExportJob(
        staff_id=world["central"].staff_id, kind="csv", status=ExportStatus.RUNNING, started_at=NOW - timedelta(days=1)
    )
    session.add(stuck)
    session.commit()
    leftover = get_settings().file_store_dir / "tmp" / "export-99-1-1"  # a crashed worker's half-built file
    leftover.write_bytes(b"partial")
    os.utime(leftover, (0, (NOW - timedelta(days=2)).timestamp()))
    assert export_jobs.purge_old_exports(session, NOW)[0] == 1
    assert not leftover.exists()
    session.commit()
    assert session.get(ExportJob, old.id) is None and not old_path.exists()
    assert session.get(ExportJob, recent.id) is not None
    export_jobs.resume_exports(session, NOW)
    session.commit()
    session.refresh(stuck)
    assert stuck.status == ExportStatus.FAILED and "interrompu" in stuck.error


def test_dates_of_birth_stay_calendar_days(session: Session, clock: Any, tmp_path: Path) -> None:
    clock.set(NOW)
    program = factories.program(session, campaign_id=factories.campaign(session).id)
    candidate = factories.candidate(session, birth_date=date(2003, 5, 17))
    factories.application(session, candidate_id=candidate.id, program=program)
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    lines = export_csv(tmp_path, central, TabularRequest(query=ListQuery(), columns=["birth_date"]))
    assert lines[1] == ["17/05/2003"]


def test_a_job_left_queued_is_started_by_the_resume_job(session: Session, world: dict) -> None:
    import time

    request = TabularRequest(query=ListQuery(), columns=["ine"])
    job = export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    fresh = export_jobs.request_list_export(session, actor=world["central"], kind="csv", request=request)
    job.created_at = NOW - timedelta(minutes=5)  # its instance restarted before building it
    session.add(job)
    session.commit()
    assert export_jobs.resume_exports(session, NOW)[0] == 1  # the one just asked is left to its own thread
    session.commit()
    for _attempt in range(100):
        session.expire_all()
        row = session.get(ExportJob, job.id)
        if row is not None and row.status == ExportStatus.DONE:
            break
        time.sleep(0.1)
    assert row is not None and row.status == ExportStatus.DONE and row.claimed_by
    assert session.get(ExportJob, fresh.id).status == ExportStatus.QUEUED  # type: ignore[union-attr]
