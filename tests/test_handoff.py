"""The enrolment hand-off: rows follow the answers (eCandidat's #117), the Pégase CSV files, the push job."""

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import AnswerKind, AuditEvent, EnrolmentHandoff, HandoffStatus, StaffRole
from app.services.decisions.answers import confirm_offer, withdraw
from app.services.handoff import apogee as handoff_apogee
from app.services.handoff import enrolment as handoff
from app.services.handoff import pegase as handoff_pegase
from app.services.handoff.enrolment import CandidateHandoff
from app.services.platform.errors import Forbidden
from tests import factories

DEADLINE = app_clock.paris_datetime(2026, 6, 20, 23, 59, 59)


class RecordingSystem:
    """A fake Apogée adapter: records what it receives, fails while ``failures`` is positive."""

    files_only = False

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[CandidateHandoff] = []

    def deliver(self, candidate: CandidateHandoff) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("Apogée injoignable")
        self.received.append(candidate)


@pytest.fixture
def world(session: Session, clock) -> dict:
    """One candidate with offers in two programmes of one campaign, and a second candidate with one offer."""
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    camp = factories.campaign(session, code="2026")
    first = factories.program(session, campaign_id=camp.id, code="M1-INFO", label_fr="Master 1 Informatique")
    second = factories.program(session, campaign_id=camp.id, code="M1-MATHS", label_fr="Master 1 Mathématiques")
    candidate = factories.complete_candidate(
        session, ine="1234567890A", birth_name="MARTIN", usage_name="", first_names="CLAIRE"
    )
    other = factories.complete_candidate(session, birth_name="DURAND", first_names="LUC")
    apps = {}
    for key, cand, program in (("a", candidate, first), ("b", candidate, second), ("c", other, first)):
        apps[key] = factories.application(session, candidate_id=cand.id, program=program)
        factories.published_decision(session, application=apps[key], confirmation_deadline=DEADLINE)
    office = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    return {
        "campaign": camp,
        "apps": apps,
        "actor": factories.candidate_actor(session, candidate),
        "other_actor": factories.candidate_actor(session, other),
        "candidate": candidate,
        "office": office,
    }


def row_of(session: Session, application_id: int) -> EnrolmentHandoff | None:
    session.expire_all()
    return session.exec(select(EnrolmentHandoff).where(EnrolmentHandoff.application_id == application_id)).first()


def read_zip(content: bytes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {}
        for name in archive.namelist():
            if name.endswith(".csv"):
                text = archive.read(name).decode("utf-8")
                assert not text.startswith("\ufeff") and "\r\n" in text
                files[name] = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
        files["LISEZMOI.txt"] = [{"text": archive.read("LISEZMOI.txt").decode("utf-8")}]
        return files


def test_issue_117_confirmed_withdrawn_confirmed_elsewhere_appears_once(session: Session, world, clock) -> None:
    a, b = world["apps"]["a"], world["apps"]["b"]
    confirm_offer(session, actor=world["actor"], application_id=a.id)
    session.commit()
    assert row_of(session, a.id).status == HandoffStatus.PENDING
    clock.set(app_clock.paris_datetime(2026, 6, 3, 9))
    withdraw(session, actor=world["actor"], application_id=a.id, reason="Autre formation")
    session.commit()
    cancelled = row_of(session, a.id)
    assert cancelled.status == HandoffStatus.CANCELLED and cancelled.cancelled_at == clock.now()
    confirm_offer(session, actor=world["actor"], application_id=b.id)
    session.commit()

    export = handoff_pegase.export_handoff_files(session, actor=world["office"])
    session.commit()
    files = read_zip(export.content)
    number = session.get(factories.Account, world["candidate"].account_id).dossier_number
    assert [r["numero_dossier"] for r in files["candidats.csv"]] == [number]
    assert [(r["numero_dossier"], r["code_formation"]) for r in files["voeux.csv"]] == [(number, "M1-MATHS")]
    assert [r["code_opi"] for r in files["inscriptions.csv"]] == [f"{number}-M1-MATHS"]
    [live] = handoff.load_handoffs(session)
    assert [w.program_code for w in live.wishes] == ["M1-MATHS"] and live.withdrawals == []


def test_a_withdrawal_after_delivery_is_delivered_as_a_cancellation(session: Session, world) -> None:
    a, b = world["apps"]["a"], world["apps"]["b"]
    confirm_offer(session, actor=world["actor"], application_id=a.id)
    session.commit()
    system = RecordingSystem()
    assert handoff_apogee.push_pending_handoffs(system=system)[0] == 1
    assert row_of(session, a.id).status == HandoffStatus.SENT
    withdraw(session, actor=world["actor"], application_id=a.id)
    confirm_offer(session, actor=world["actor"], application_id=b.id)
    session.commit()
    row = row_of(session, a.id)
    assert row.status == HandoffStatus.PENDING and row.cancelled_at is not None  # the system must be told
    handoff_apogee.push_pending_handoffs(system=system)
    pushed = system.received[-1]
    assert [w.program_code for w in pushed.wishes] == ["M1-MATHS"]
    assert [w.program_code for w in pushed.withdrawals] == ["M1-INFO"]
    assert row_of(session, a.id).status == HandoffStatus.CANCELLED
    assert row_of(session, b.id).status == HandoffStatus.SENT
    assert handoff_apogee.push_pending_handoffs(system=system)[0] == 0  # nothing owed any more


def test_reconcile_repairs_rows_that_missed_the_answer(session: Session, world) -> None:
    """A confirmation written by another path gets its row; a withdrawal written elsewhere cancels it."""
    a = world["apps"]["a"]
    a.answer = AnswerKind.CONFIRMED
    session.add(a)
    session.commit()
    assert row_of(session, a.id) is None
    assert handoff.reconcile(session) == (1, 0)
    a.answer = AnswerKind.WITHDRAWN
    session.add(a)
    session.commit()
    assert handoff.reconcile(session) == (0, 1)
    assert row_of(session, a.id).status == HandoffStatus.CANCELLED
    assert handoff.reconcile(session) == (0, 0)


def test_csv_columns_and_content(session: Session, world) -> None:
    a, c = world["apps"]["a"], world["apps"]["c"]
    confirm_offer(session, actor=world["actor"], application_id=a.id)
    confirm_offer(session, actor=world["other_actor"], application_id=c.id)
    session.commit()
    export = handoff_pegase.export_handoff_files(session, actor=world["office"], mark_sent=True)
    session.commit()
    assert export.filename.startswith("transfert-inscriptions-2026-") and export.filename.endswith(".zip")
    assert (export.candidates, export.wishes, export.marked_sent) == (2, 2, 2)
    files = read_zip(export.content)
    assert list(files["candidats.csv"][0]) == [col.name for col in handoff_pegase.CANDIDATE_COLUMNS]
    assert list(files["voeux.csv"][0]) == [col.name for col in handoff_pegase.WISH_COLUMNS]
    assert list(files["inscriptions.csv"][0]) == [col.name for col in handoff_pegase.ENROLMENT_COLUMNS]
    claire = next(r for r in files["candidats.csv"] if r["nom_naissance"] == "MARTIN")
    assert claire["ine"] == "1234567890A" and claire["prenoms"] == "CLAIRE"
    assert claire["date_naissance"] == "2003-05-17" and claire["nationalite"] == "FR"
    assert claire["code_postal"] == "45000" and claire["ville"] == "ORLEANS" and "@" in claire["email"]
    wish = next(r for r in files["voeux.csv"] if r["ine"] == "1234567890A")
    assert wish["code_campagne"] == "2026" and wish["libelle_formation"] == "Master 1 Informatique"
    assert wish["date_avis"] == "2026-06-01T10:00:00" and wish["date_confirmation"] == "2026-06-01T10:00:00"
    assert wish["appel_liste_complementaire"] == "N"
    assert {r["statut_transfert"] for r in files["inscriptions.csv"]} == {"A_TRANSMETTRE"}
    assert "code_opi : " in files["LISEZMOI.txt"][0]["text"]
    assert row_of(session, a.id).status == HandoffStatus.SENT  # marked as transferred by the download
    again = read_zip(handoff_pegase.export_handoff_files(session, actor=world["office"], only_new=True).content)
    assert again["voeux.csv"] == [] and again["candidats.csv"] == []
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "handoff.files_exported")).first()
    assert event is not None and event.after["marked_sent"] == 2


def test_names_kept_as_typed_reach_the_student_information_system_in_capitals_without_accents(
    session: Session, world
) -> None:
    candidate = world["candidate"]
    candidate.birth_name, candidate.usage_name, candidate.first_names = "LEFÈVRE", "D’ARC-ŒILLET", "Éloïse Zoë"
    session.add(candidate)
    session.commit()
    confirm_offer(session, actor=world["actor"], application_id=world["apps"]["a"].id)
    session.commit()
    sis_names = ("LEFEVRE", "D'ARC-OEILLET", "ELOISE ZOE")
    files = read_zip(handoff_pegase.export_handoff_files(session, actor=world["office"]).content)
    row = next(r for r in files["candidats.csv"] if r["ine"] == "1234567890A")
    assert (row["nom_naissance"], row["nom_usage"], row["prenoms"]) == sis_names
    enrolment = next(r for r in files["inscriptions.csv"] if r["ine"] == "1234567890A")
    assert (enrolment["nom_naissance"], enrolment["prenoms"]) == (sis_names[0], sis_names[2])
    system = RecordingSystem()
    handoff_apogee.push_pending_handoffs(system=system)
    [pushed] = system.received
    assert (pushed.birth_name, pushed.usage_name, pushed.first_names) == sis_names
    session.refresh(candidate)
    assert candidate.first_names == "Éloïse Zoë"  # the dossier keeps what the candidate typed


def test_only_the_central_office_exports(session: Session, world) -> None:
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=world["apps"]["a"].centre_id)
    with pytest.raises(Forbidden):
        handoff_pegase.export_handoff_files(session, actor=manager)


def test_push_job_failure_is_recorded_then_retried(session: Session, world) -> None:
    a = world["apps"]["a"]
    confirm_offer(session, actor=world["actor"], application_id=a.id)
    session.commit()
    system = RecordingSystem(failures=1)
    delivered, message = handoff_apogee.push_pending_handoffs(system=system)
    assert delivered == 0 and "failed: 1 " in message
    row = row_of(session, a.id)
    assert (row.status, row.attempts) == (HandoffStatus.FAILED, 1)
    assert row.last_error == "ConnectionError: Apogée injoignable" and row.sent_at is None
    delivered, _message = handoff_apogee.push_pending_handoffs(system=system)
    row = row_of(session, a.id)
    assert delivered == 1 and (row.status, row.attempts, row.last_error) == (HandoffStatus.SENT, 2, "")
    [pushed] = system.received
    assert pushed.ine == "1234567890A" and [w.program_code for w in pushed.wishes] == ["M1-INFO"]


def test_files_only_mode_pushes_nothing_and_the_setting_names_the_adapter(session: Session, world, monkeypatch) -> None:
    from app.config import reset_settings

    confirm_offer(session, actor=world["actor"], application_id=world["apps"]["a"].id)
    session.commit()
    assert handoff_apogee.get_enrolment_system().files_only
    assert handoff_apogee.push_pending_handoffs()[0] == 0
    assert row_of(session, world["apps"]["a"].id).status == HandoffStatus.PENDING
    monkeypatch.setenv("ECANDIDAT_ENROLMENT_HANDOFF", "tests.test_handoff:RecordingSystem")
    reset_settings()
    try:
        system = handoff_apogee.get_enrolment_system()
        assert isinstance(system, RecordingSystem)
        assert handoff_apogee.push_pending_handoffs()[0] == 1 and len(system.received) == 1
    finally:
        handoff_apogee._adapter.cache_clear()


def test_the_job_is_registered_and_runs(session: Session, world) -> None:
    from app.services.platform.jobs import registered_jobs, run_job

    assert handoff_apogee.PUSH_JOB in registered_jobs()
    run = run_job(handoff_apogee.PUSH_JOB)
    assert run is not None and run.status.value == "succeeded" and "files-only" in run.message


def test_counts(session: Session, world, clock) -> None:
    a, b, c = (world["apps"][k] for k in "abc")
    confirm_offer(session, actor=world["actor"], application_id=a.id)
    confirm_offer(session, actor=world["other_actor"], application_id=c.id)
    session.commit()
    handoff_apogee.push_pending_handoffs(system=RecordingSystem())
    clock.set(clock.now() + timedelta(hours=1))
    withdraw(session, actor=world["actor"], application_id=a.id)
    confirm_offer(session, actor=world["actor"], application_id=b.id)
    session.commit()
    got = handoff.counts(session)
    assert (got.to_send, got.sent, got.failed, got.cancellations_to_send, got.cancelled) == (1, 1, 0, 1, 0)
    assert got.candidates == 2 and got.live == 2
