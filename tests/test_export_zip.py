"""Bulk downloads: a ZIP of the selection's dossiers, a ZIP of one piece across it; ASCII names, scope re-checked."""

import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app.models import Application, AuditEvent, DocumentStatus, ExportJob, ExportStatus, StaffRole
from app.services.exports import archive as exports_zip
from app.services.exports import jobs as export_jobs
from app.services.platform.errors import DomainError
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def test_entry_names_are_ascii_and_follow_the_pattern() -> None:
    name = exports_zip.entry_name("A1B2C3D4", "Dupont-Élève", "JÉRÔME-ÉMILE MARIE", "Relevé de notes (L3) !")
    assert name == "A1B2C3D4_DUPONT-ELEVE_Jerome-Emile_Releve-de-notes-L3.pdf"
    assert exports_zip.entry_name("B0000001", "N'GUYEN", "") == "B0000001_N-GUYEN.pdf"
    assert exports_zip.entry_name("B0000002", "../../etc", "a/b") == "B0000002_ETC_A-b.pdf"
    assert name.isascii()


@pytest.fixture
def selection(session: Session, clock: Any) -> dict:
    """Three applications of one centre (one candidate has two), one of another centre, a piece on some of them."""
    clock.set(NOW)
    campaign = factories.campaign(session)
    centre, elsewhere = factories.centre(session), factories.centre(session)
    chem = factories.program(session, campaign_id=campaign.id, centre_id=centre.id, code="M-CHIM")
    phys = factories.program(
        session, campaign_id=campaign.id, centre_id=centre.id, committee_id=chem.committee_id, code="M-PHYS"
    )
    other = factories.program(session, campaign_id=campaign.id, centre_id=elsewhere.id)
    zoe = factories.complete_candidate(session, birth_name="LÉGER", first_names="ZOÉ ANNE")
    max_ = factories.complete_candidate(session, birth_name="O'NEIL", first_names="MAX")
    eve = factories.complete_candidate(session, birth_name="MARTIN", first_names="ÈVE")
    apps = {
        "zoe_chem": factories.application(session, candidate_id=zoe.id, program=chem),
        "zoe_phys": factories.application(session, candidate_id=zoe.id, program=phys),
        "max": factories.application(session, candidate_id=max_.id, program=chem),
        "eve_other": factories.application(session, candidate_id=eve.id, program=other),
    }
    piece = factories.required_document(session, label_fr="Relevé de notes", label_en="Transcript", code="RELEVE")
    shared = factories.stored_file(session, factories.pdf_bytes(2, text="zoe "))
    own = factories.stored_file(session, factories.pdf_bytes(1, text="eve "))
    for key in ("zoe_chem", "zoe_phys"):  # a shared piece: one file for both of Zoé's applications
        factories.submitted_document(
            session,
            application_id=apps[key].id,
            required_document_id=piece.id,
            status=DocumentStatus.VALIDATED,
            merged_file_id=shared.id,
        )
    factories.submitted_document(
        session, application_id=apps["max"].id, required_document_id=piece.id, status=DocumentStatus.NOT_APPLICABLE
    )
    factories.submitted_document(
        session,
        application_id=apps["eve_other"].id,
        required_document_id=piece.id,
        status=DocumentStatus.SUBMITTED,
        merged_file_id=own.id,
    )
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    session.commit()
    return {"apps": apps, "piece": piece, "manager": manager, "shared": factories.pdf_bytes(2, text="zoe ")}


def index_of(archive: zipfile.ZipFile) -> list[list[str]]:
    text = archive.read("index.csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_a_piece_zip_holds_each_file_once_named_by_dossier_and_skips_other_scopes(
    session: Session, selection: dict, tmp_path: Path
) -> None:
    apps, path = selection["apps"], tmp_path / "piece.zip"
    added = exports_zip.build_piece_zip(
        actor=selection["manager"],
        ids=[a.id for a in apps.values()],
        required_document_id=selection["piece"].id,
        language="fr",
        path=path,
    )
    assert added == 1
    with zipfile.ZipFile(path) as archive:
        names = sorted(archive.namelist())
        zoe_number = _number(session, apps["zoe_chem"].candidate_id)
        expected = f"{zoe_number}_LEGER_Zoe_Releve-de-notes.pdf"
        assert names == sorted(["index.csv", expected])
        assert archive.read(expected) == selection["shared"]  # the stored bytes, as they are
        index = index_of(archive)
    assert index[0] == ["Fichier", "N° de dossier", "Nom", "Prénoms", "Formation", "Statut"]
    rows = {(r[2], r[0]) for r in index[1:]}
    assert ("LÉGER", expected) in rows and len(index) == 4  # Zoé twice (one shared file), Max; never Ève
    assert any(r[2] == "O'NEIL" and r[0] == "" and r[5].startswith("Non concerné") for r in index[1:])
    assert all(r[2] != "MARTIN" for r in index[1:])


def _number(session: Session, candidate_id: int) -> str:
    from app.models import Account, Candidate

    candidate = session.get(Candidate, candidate_id)
    assert candidate is not None
    account = session.get(Account, candidate.account_id)
    assert account is not None
    return account.dossier_number


def test_a_dossiers_zip_renders_each_dossier_with_unique_names(
    session: Session, selection: dict, tmp_path: Path
) -> None:
    apps, path = selection["apps"], tmp_path / "dossiers.zip"
    count = exports_zip.build_dossiers_zip(
        actor=selection["manager"], ids=[a.id for a in apps.values()], language="fr", path=path
    )
    assert count == 3  # Ève's application is outside the manager's centre
    zoe, max_ = _number(session, apps["zoe_chem"].candidate_id), _number(session, apps["max"].candidate_id)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        first, second = f"{zoe}_LEGER_Zoe.pdf", f"{zoe}_LEGER_Zoe_M-PHYS.pdf"
        assert names == {"index.csv", first, second, f"{max_}_O-NEIL_Max.pdf"}
        for name in names - {"index.csv"}:
            reader = PdfReader(io.BytesIO(archive.read(name)))
            assert name.split("_")[0] in reader.pages[0].extract_text()  # the dossier number is stamped
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "application.dossier_downloaded")).all()
    assert len(events) == 3  # each dossier read is audited, as a single download is


def test_zip_jobs_run_in_the_background_and_selections_are_bounded(
    session: Session, selection: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    apps, manager = selection["apps"], selection["manager"]
    ids = [a.id for a in apps.values()]
    job = export_jobs.request_piece_zip(
        session, actor=manager, ids=ids, required_document_id=selection["piece"].id, language="en"
    )
    session.commit()
    assert export_jobs.run_export_job(job.id) == ExportStatus.DONE
    session.expire_all()
    done = session.get(ExportJob, job.id)
    assert done is not None and done.filename == "piece-RELEVE-20260615-1200.zip" and done.done == done.total == 3
    path, _name, media = export_jobs.export_file(session, actor=manager, job_id=job.id)
    assert media == "application/zip"
    with zipfile.ZipFile(path) as archive:
        assert any(n.endswith("_LEGER_Zoe_Transcript.pdf") for n in archive.namelist())  # the English label
        assert index_of(archive)[0][:2] == ["File", "Dossier number"]  # headers in the requester's language
    with pytest.raises(DomainError):
        export_jobs.request_dossiers_zip(session, actor=manager, ids=[], language="fr")
    monkeypatch.setattr(exports_zip, "MAX_DOSSIERS", 2)
    with pytest.raises(DomainError) as too_many:
        export_jobs.request_dossiers_zip(session, actor=manager, ids=ids, language="fr")
    assert too_many.value.code == "selection_too_large"
    with pytest.raises(DomainError):
        export_jobs.request_piece_zip(session, actor=manager, ids=ids, required_document_id=999999, language="fr")


def test_the_piece_choices_follow_the_scope(session: Session, selection: dict) -> None:
    eve_program = session.get(Application, selection["apps"]["eve_other"].id).program_id  # type: ignore[union-attr]
    elsewhere = factories.required_document(session, program_id=eve_program, label_fr="Portfolio")
    retired = factories.required_document(session, label_fr="Ancienne pièce", is_active=False)
    session.commit()
    ids = {i for i, _fr, _en in exports_zip.piece_choices(session, actor=selection["manager"])}
    assert selection["piece"].id in ids and elsewhere.id not in ids and retired.id not in ids
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    assert elsewhere.id in {i for i, _fr, _en in exports_zip.piece_choices(session, actor=central)}
