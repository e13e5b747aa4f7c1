"""« Télécharger mes données » (#21 item 2): the ZIP holds everything about the candidate in every state, built in the
background and downloaded once, by its owner, through a mailed link that expires."""

import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app.config import get_settings
from app.models import (
    AnswerKind,
    AuditEvent,
    CandidateAnswer,
    DocumentStatus,
    DossierStatus,
    ExportJob,
    ExportStatus,
    FileKind,
    OutboxMail,
    QuestionAnswer,
    QuestionKind,
    StaffRole,
    SubmittedDocumentFile,
)
from app.services.accounts import TokenError
from app.services.exports import jobs as export_jobs
from app.services.exports import my_data, personal_data
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, NotFound
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def _build(session: Session, actor: Actor) -> ExportJob:
    """Ask, build in the worker's way (its own sessions), and read the job back."""
    job = my_data.request_my_data(session, actor=actor, language="fr")
    session.commit()
    assert export_jobs.run_export_job(job.id or 0) == ExportStatus.DONE
    session.expire_all()
    done = session.get(ExportJob, job.id)
    assert done is not None
    return done


def _secret(session: Session, account_id: int) -> str:
    mail = session.exec(
        select(OutboxMail)
        .where(OutboxMail.account_id == account_id, OutboxMail.code == "personal_data_ready")
        .order_by(col(OutboxMail.id))  # the latest link: without an order PostgreSQL may give the used one last
    ).all()[-1]
    found = re.search(r"/compte/mes-donnees/([A-Za-z0-9_-]+)", mail.body_html)
    assert found is not None, mail.body_html
    return found.group(1)


def _archive(session: Session, actor: Actor, account_id: int) -> tuple[set[str], dict[str, Any]]:
    path, name, media = my_data.download_my_data(session, actor=actor, token=_secret(session, account_id))
    assert media == "application/zip" and name.startswith("mes-donnees-") and name.endswith(".zip")
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist()), json.loads(archive.read("donnees.json"))


def test_an_account_without_dossier_gets_its_account_and_history(session: Session, clock: Any) -> None:
    clock.set(NOW)
    account = factories.account(session)
    actor = Actor("candidate", account_id=account.id)
    session.commit()
    job = _build(session, actor)
    assert job.account_id == account.id and job.staff_id is None and job.done == job.total == 1
    names, data = _archive(session, actor, account.id or 0)
    assert names == {"donnees.json"}
    assert tuple(data) == personal_data.KEYS
    assert set(data["documentation"]) == set(personal_data.KEYS) and data["format"]["version"] == 1
    assert data["account"]["email"] == account.email and data["account"]["dossier_number"] == account.dossier_number
    assert "password_hash" not in data["account"] and "search_text" not in data["account"]
    assert data["dossier"] is None and data["applications"] == [] and data["files"] == []
    assert [e["action"] for e in data["history"]] == ["account.data_export_requested"]
    assert [m["code"] for m in data["mails"]] == []  # the ready mail is written after the archive


def test_a_dossier_without_applications_gives_every_tab(session: Session, clock: Any) -> None:
    clock.set(NOW)
    candidate = factories.complete_candidate(session, usage_name="MARTIN")
    actor = factories.candidate_actor(session, candidate)
    session.commit()
    _build(session, actor)
    names, data = _archive(session, actor, candidate.account_id)
    assert names == {"donnees.json"}
    dossier = data["dossier"]
    assert dossier["personal_information"]["usage_name"] == "MARTIN"
    assert dossier["personal_information"]["birth_date"] == "2003-05-17"
    assert dossier["address"]["city"] == "ORLEANS" and dossier["baccalaureate"]["series"] == "general"
    assert {"internal_records", "external_records", "work_experiences", "internships"} <= set(dossier)
    assert data["applications"] == []


@pytest.fixture
def transmitted(session: Session, clock: Any) -> dict[str, Any]:
    """A transmitted application with a piece and its file, a question answered, a published decision confirmed,
    an unpublished one on a second application, a staff view of the dossier."""
    clock.set(NOW)
    candidate = factories.complete_candidate(session)
    program = factories.program(session)
    application = factories.application(
        session,
        candidate_id=candidate.id,
        program=program,
        dossier_status=DossierStatus.RECEIVED,
        transmitted_at=NOW,
        answer=AnswerKind.CONFIRMED,
    )
    piece = factories.required_document(session, code="RELEVE", label_fr="Relevé de notes", label_en="Transcript")
    stored = factories.stored_file(
        session, factories.pdf_bytes(text="notes "), kind=FileKind.UPLOAD, original_name="relevé L3.pdf"
    )
    submitted = factories.submitted_document(
        session, application_id=application.id, required_document_id=piece.id, status=DocumentStatus.SUBMITTED
    )
    session.add(SubmittedDocumentFile(submitted_document_id=submitted.id, stored_file_id=stored.id))
    question = factories.question(session, kind=QuestionKind.TEXT)
    session.add(QuestionAnswer(application_id=application.id, question_id=question.id, text_value="Par passion"))
    factories.published_decision(session, application=application, comment="Bienvenue")
    session.add(
        CandidateAnswer(application_id=application.id, kind=AnswerKind.CONFIRMED, by_account_id=candidate.account_id)
    )
    other = factories.application(
        session, candidate_id=candidate.id, program=factories.program(session, campaign_id=program.campaign_id)
    )
    factories.decision(session, application_id=other.id, comment="pas encore publié")
    staff = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    audit(
        session,
        actor=staff,
        action="application.viewed",
        entity_type="application",
        entity_id=application.id,
        candidate_id=candidate.id,
        application_id=application.id,
    )
    session.commit()
    return {"candidate": candidate, "application": application, "other": other, "staff": staff}


def test_transmitted_applications_bring_pieces_decisions_answers_and_who_viewed(
    session: Session, transmitted: dict[str, Any]
) -> None:
    candidate, application = transmitted["candidate"], transmitted["application"]
    actor = factories.candidate_actor(session, candidate)
    job = _build(session, actor)
    assert job.done == job.total == 4  # one piece file, two dossier PDFs, the JSON
    names, data = _archive(session, actor, candidate.account_id)
    pieces = [n for n in names if n.startswith("pieces/")]
    assert len(pieces) == 1 and pieces[0].startswith("pieces/RELEVE/") and pieces[0].endswith("_releve-L3.pdf")
    assert len([n for n in names if n.startswith("dossier/") and n.endswith(".pdf")]) == 2
    first = next(a for a in data["applications"] if a["application"]["id"] == application.id)
    assert first["application"]["dossier_status"] == "received"
    [piece] = first["pieces"]
    assert piece["piece"]["label_fr"] == "Relevé de notes" and piece["status"] == "submitted"
    assert piece["files"][0]["name"] == "relevé L3.pdf" and "storage_key" not in piece["files"][0]
    assert piece["files"][0]["archive_path"] == pieces[0]
    assert [d["comment"] for d in first["decisions"]] == ["Bienvenue"]
    assert [a["kind"] for a in first["answers"]] == ["confirmed"]
    assert [q["text"] for q in first["question_answers"]] == ["Par passion"]
    second = next(a for a in data["applications"] if a["application"]["id"] == transmitted["other"].id)
    assert second["decisions"] == []  # an unpublished decision is the committee's, not yet the candidate's
    viewed = [e for e in data["history"] if e["action"] == "application.viewed"]
    assert viewed and viewed[0]["actor"]["kind"] == "staff" and viewed[0]["actor"]["staff_name"].startswith("Agent")
    assert {f["what"] for f in data["files"]} == {"piece", "dossier_pdf"}


def test_the_link_is_single_use_for_its_owner_and_expires(
    session: Session, transmitted: dict[str, Any], clock: Any
) -> None:
    candidate = transmitted["candidate"]
    actor = factories.candidate_actor(session, candidate)
    _build(session, actor)
    secret = _secret(session, candidate.account_id)
    stranger = Actor("candidate", account_id=factories.account(session).id)
    with pytest.raises(NotFound):
        my_data.download_my_data(session, actor=stranger, token=secret)
    with pytest.raises(NotFound):  # an administrator's view of the candidate does not use it up either
        my_data.download_my_data(
            session, actor=Actor("candidate", account_id=candidate.account_id, impersonated_by_staff_id=1), token=secret
        )
    my_data.download_my_data(session, actor=actor, token=secret)  # the owner still can
    session.commit()
    with pytest.raises(TokenError) as used:
        my_data.download_my_data(session, actor=actor, token=secret)
    assert used.value.code == "token_used"
    downloads = session.exec(select(AuditEvent).where(AuditEvent.action == "account.data_downloaded")).all()
    assert len(downloads) == 1 and downloads[0].actor_account_id == candidate.account_id
    # A new copy, and its link one second either side of its expiry.
    job = _build(session, actor)
    secret = _secret(session, candidate.account_id)
    assert job.finished_at is not None
    expiry = job.finished_at + timedelta(hours=get_settings().data_export_link_hours)
    clock.set(expiry - timedelta(seconds=1))
    assert my_data.my_data_export(session, actor=actor).link_expires_at == expiry
    clock.set(expiry + timedelta(seconds=1))
    with pytest.raises(TokenError) as expired:
        my_data.download_my_data(session, actor=actor, token=secret)
    assert expired.value.code == "token_expired"
    clock.set(expiry - timedelta(seconds=1))
    path, _name, _media = my_data.download_my_data(session, actor=actor, token=secret)
    assert path.exists()


def test_one_build_at_a_time_and_the_page_view(session: Session, clock: Any) -> None:
    clock.set(NOW)
    account = factories.account(session, language="en")
    actor = Actor("candidate", account_id=account.id)
    assert my_data.my_data_export(session, actor=actor) is None
    job = my_data.request_my_data(session, actor=actor, language="en")
    with pytest.raises(DomainError) as twice:
        my_data.request_my_data(session, actor=actor, language="en")
    assert twice.value.code == "data_export_running"
    view = my_data.my_data_export(session, actor=actor)
    assert view is not None and view.active and view.percent == 0 and view.id == job.id
    with pytest.raises(DomainError):  # an administrator viewing as the candidate asks nothing in their name
        my_data.request_my_data(
            session, actor=Actor("candidate", account_id=account.id, impersonated_by_staff_id=1), language="fr"
        )
    with pytest.raises(DomainError):
        my_data.request_my_data(session, actor=factories.staff_actor(session, StaffRole.ADMINISTRATOR), language="fr")
    session.commit()
    assert export_jobs.run_export_job(job.id or 0) == ExportStatus.DONE
    session.expire_all()
    view = my_data.my_data_export(session, actor=actor)
    assert view is not None and view.status == ExportStatus.DONE and view.percent == 100 and not view.downloaded
    mail = session.exec(select(OutboxMail).where(OutboxMail.code == "personal_data_ready")).one()
    assert mail.language == "en" and mail.to_address == account.email and "Download my data" in mail.body_html
    # Staff never see a candidate's copy among their exports.
    assert export_jobs.my_exports(session, actor=factories.staff_actor(session, StaffRole.ADMINISTRATOR)) == []


def test_finished_copies_are_purged_with_the_exports(session: Session, clock: Any) -> None:
    clock.set(NOW)
    account = factories.account(session)
    actor = Actor("candidate", account_id=account.id)
    session.commit()
    job = _build(session, actor)
    assert job.finished_at is not None
    cutoff = job.finished_at + timedelta(days=get_settings().export_retention_days)
    assert export_jobs.purge_old_exports(session, cutoff - timedelta(seconds=1))[0] == 0
    assert export_jobs.purge_old_exports(session, cutoff + timedelta(seconds=1))[0] == 1
    session.commit()
    assert session.get(ExportJob, job.id) is None
