"""« Télécharger un PDF unique »: the selection's dossiers in one PDF behind a contents page, with a bookmark per
dossier; the requester's scope re-checked for every dossier, the number of dossiers capped by a setting."""

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app.config import get_settings, reset_settings
from app.models import Account, AuditEvent, Candidate, DocumentStatus, ExportJob, ExportStatus, StaffRole
from app.services.documents import pdf_text
from app.services.documents.contents_page import ContentsHeads, ContentsRow, contents_pages, fit
from app.services.documents.dossier_pdf import build_dossier_pdf
from app.services.exports import archive as exports_zip
from app.services.exports import combined_pdf
from app.services.exports import jobs as export_jobs
from app.services.platform.errors import DomainError
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(session: Session, clock: Any) -> dict:
    """Two applications in a manager's centre (one with a 3-page piece appended), one in another centre."""
    clock.set(NOW)
    campaign = factories.campaign(session)
    centre, elsewhere = factories.centre(session), factories.centre(session)
    chem = factories.program(session, campaign_id=campaign.id, centre_id=centre.id, code="M-CHIM")
    other = factories.program(session, campaign_id=campaign.id, centre_id=elsewhere.id)
    zoe = factories.complete_candidate(session, birth_name="LÉGER", first_names="ZOÉ ANNE")
    max_ = factories.complete_candidate(session, birth_name="BERNARD", first_names="MAX")
    eve = factories.complete_candidate(session, birth_name="MARTIN", first_names="ÈVE")
    apps = {
        "zoe": factories.application(session, candidate_id=zoe.id, program=chem),
        "max": factories.application(session, candidate_id=max_.id, program=chem),
        "eve": factories.application(session, candidate_id=eve.id, program=other),
    }
    piece = factories.required_document(session, label_fr="Relevé de notes", label_en="Transcript")
    factories.submitted_document(
        session,
        application_id=apps["zoe"].id,
        required_document_id=piece.id,
        status=DocumentStatus.VALIDATED,
        merged_file_id=factories.stored_file(session, factories.pdf_bytes(3, text="releve ")).id,
    )
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    session.commit()
    return {"apps": apps, "manager": manager}


def number_of(session: Session, application: Any) -> str:
    candidate = session.get(Candidate, application.candidate_id)
    assert candidate is not None
    account = session.get(Account, candidate.account_id)
    assert account is not None
    return account.dossier_number


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def test_the_dossiers_follow_a_contents_page_each_with_its_bookmark(
    session: Session, world: dict, tmp_path: Path
) -> None:
    apps, manager, path = world["apps"], world["manager"], tmp_path / "dossiers.pdf"
    count = combined_pdf.build_combined_pdf(actor=manager, ids=[a.id for a in apps.values()], language="fr", path=path)
    assert count == 2  # Ève's application is outside the manager's centre
    reader = PdfReader(path)
    alone = {  # each dossier as it downloads alone: the combined file holds exactly these pages, behind one page
        key: len(PdfReader(io.BytesIO(build_dossier_pdf(session, actor=manager, application_id=apps[key].id)[1])).pages)
        for key in ("zoe", "max")
    }
    assert alone["zoe"] >= alone["max"] + 4  # Zoé's piece: its title page and its 3 pages
    assert len(reader.pages) == 1 + alone["max"] + alone["zoe"]
    texts = page_texts(reader)
    zoe, max_, eve = (number_of(session, apps[k]) for k in ("zoe", "max", "eve"))
    contents = texts[0]
    assert "Dossiers de la sélection" in contents and "2 dossiers" in contents
    assert "1 candidature de la sélection n'est pas incluse" in contents
    assert zoe in contents and max_ in contents
    assert all(eve not in text and "MARTIN" not in text for text in texts)
    # In name order (BERNARD before LÉGER), each dossier starting where the contents and its bookmark say.
    head = pdf_text.RUNNING_HEAD.split(" — ")[0]  # « Dossier n° {number} », stamped on each of its pages
    starts = {max_: 2, zoe: 2 + alone["max"]}
    lines = reader.pages[0].extract_text(extraction_mode="layout").splitlines()
    rows = [next(line.split() for line in lines if number in line) for number in starts]
    assert [(row[0], row[-1]) for row in rows] == [(number, str(page)) for number, page in starts.items()]
    assert lines.index(next(line for line in lines if max_ in line)) < lines.index(
        next(line for line in lines if zoe in line)
    )
    for number, page in starts.items():
        assert head.format(number=number) in texts[page - 1]
    assert all(head.format(number=max_) in t for t in texts[1 : 1 + alone["max"]])
    assert all(head.format(number=zoe) in t for t in texts[1 + alone["max"] :])
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline == [
        ("Sommaire", 0),
        (f"{max_} — BERNARD MAX", starts[max_] - 1),
        (f"{zoe} — LÉGER ZOÉ ANNE", starts[zoe] - 1),
    ]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "application.dossier_downloaded")).all()
    assert len(events) == 2  # each dossier read is audited, as a single download is


def test_a_dossier_the_scope_no_longer_reaches_is_left_out_when_it_is_read(
    session: Session, world: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apps, manager = world["apps"], world["manager"]
    # The selection as a stale scope would have read it: Ève's application too. The read of each dossier refuses it.
    every = exports_zip.Selected(apps["eve"].id, number_of(session, apps["eve"]), "MARTIN", "ÈVE", "X", "X", "X")
    real = combined_pdf.in_scope
    monkeypatch.setattr(combined_pdf, "in_scope", lambda s, a, ids: [*real(s, a, ids), every])
    path = tmp_path / "dossiers.pdf"
    ids = [apps["max"].id, apps["eve"].id]
    assert combined_pdf.build_combined_pdf(actor=manager, ids=ids, language="en", path=path) == 1
    texts = page_texts(PdfReader(path))
    assert "Selected dossiers" in texts[0] and "1 application of the selection is not included" in texts[0]
    assert all(number_of(session, apps["eve"]) not in text for text in texts)


def test_a_selection_wholly_outside_the_scope_fails_the_job_with_a_clear_message(session: Session, world: dict) -> None:
    apps, manager = world["apps"], world["manager"]
    job = export_jobs.request_combined_pdf(session, actor=manager, ids=[apps["eve"].id], language="fr")
    session.commit()
    assert export_jobs.run_export_job(job.id) == ExportStatus.FAILED
    session.expire_all()
    failed = session.get(ExportJob, job.id)
    assert failed is not None and failed.file_id is None
    assert failed.error == "Aucune candidature de la sélection n'est dans votre périmètre."


def test_the_job_builds_one_pdf_in_the_background_for_its_owner(session: Session, world: dict) -> None:
    apps, manager = world["apps"], world["manager"]
    job = export_jobs.request_combined_pdf(
        session, actor=manager, ids=[apps["zoe"].id, apps["max"].id, apps["zoe"].id], language="fr"
    )
    session.commit()
    assert job.kind == "dossiers_pdf" and job.request["ids"] == sorted({apps["zoe"].id, apps["max"].id})
    assert export_jobs.run_export_job(job.id) == ExportStatus.DONE
    session.expire_all()
    done = session.get(ExportJob, job.id)
    assert done is not None and done.filename == "dossiers-20260615-1200.pdf" and done.done == done.total == 2
    path, _name, media = export_jobs.export_file(session, actor=manager, job_id=job.id)
    assert media == "application/pdf"
    text = PdfReader(path).pages[0].extract_text()
    assert number_of(session, apps["zoe"]) in text and number_of(session, apps["max"]) in text
    assert export_jobs.KIND_LABELS["dossiers_pdf"] == "Dossiers en un PDF unique"
    assert not list((get_settings().file_store_dir / "tmp").glob("export-*"))  # its rendered dossiers are gone


def test_the_rendered_dossiers_a_dead_worker_left_are_swept_by_the_exports_purge(session: Session) -> None:
    left = get_settings().file_store_dir / "tmp" / "export-98-1-1-parts-abc"  # a crashed combined PDF's dossiers
    left.mkdir(parents=True)
    (left / "00000.pdf").write_bytes(b"%PDF-1.7 partial")
    building = left.with_name("export-99-1-1-parts-def")  # a build in progress: recent, kept
    building.mkdir()
    os.utime(left, (0, (NOW - timedelta(days=2)).timestamp()))
    export_jobs.purge_old_exports(session, NOW)
    assert not left.exists() and building.exists()


def test_an_empty_or_too_large_selection_is_refused_before_anything_is_queued(
    session: Session, world: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    apps, manager = world["apps"], world["manager"]
    ids = [a.id for a in apps.values()]
    with pytest.raises(DomainError) as empty:
        export_jobs.request_combined_pdf(session, actor=manager, ids=[], language="fr")
    assert empty.value.code == "empty_selection"
    monkeypatch.setenv("ECANDIDAT_COMBINED_PDF_MAX_DOSSIERS", "2")
    reset_settings()
    with pytest.raises(DomainError) as too_many:
        export_jobs.request_combined_pdf(session, actor=manager, ids=ids, language="fr")
    assert too_many.value.code == "selection_too_large" and too_many.value.params == {"count": 3, "max": 2}
    assert "un PDF unique en réunit 2 au plus" in too_many.value.translate(lambda m: m)
    assert session.exec(select(ExportJob)).all() == []
    export_jobs.request_combined_pdf(session, actor=manager, ids=ids[:2], language="fr")  # at the cap: accepted


def test_a_long_contents_continues_on_further_pages_and_long_labels_are_cut() -> None:
    heads = ContentsHeads(title="Dossiers", number="N°", name="Nom", program="Formation", page="Page")
    rows = [ContentsRow(f"D{i:07d}", f"NOM{i} PRÉNOM", "Master " + "très long " * 20, 2 + i) for i in range(130)]
    reader = PdfReader(io.BytesIO(contents_pages(heads, ["Université"], rows)))
    texts = page_texts(reader)
    assert len(texts) == 3
    assert all(f"D{i:07d}" in "".join(texts) for i in range(130))
    assert all("Formation" in text for text in texts)  # the headings repeated on every page
    cut = fit("Master " + "très long " * 20, pdf_text.FONT, 9.5, 120)
    assert cut.endswith("…") and len(cut) < 40
    assert fit("Court", pdf_text.FONT, 9.5, 120) == "Court"
