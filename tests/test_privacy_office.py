"""The DPO's screen's services (#21 item 4): the audit search (between dates, by kind, by actor, by candidate),
its CSV built by the export worker, the register of purges; the central office and administrators only."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import Account, ActorKind, AuditEvent, ExportStatus, JobRun, JobStatus, StaffRole
from app.services.admin import audit_search, privacy_register
from app.services.admin.audit_search import AuditQuery, search_audit
from app.services.exports import audit_csv
from app.services.exports import jobs as export_jobs
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.jobs import run_job
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)  # 12:00 in Paris
SECOND = timedelta(seconds=1)


def _event(session: Session, action: str, at: datetime, **kw: Any) -> AuditEvent:
    event = AuditEvent(action=action, entity_type=kw.pop("entity_type", "application"), at=at, **kw)
    session.add(event)
    session.flush()
    return event


@pytest.fixture
def trail(session: Session, clock: Any) -> dict[str, Any]:
    """Two candidates, a manager who viewed one's dossier and changed its status, the other's own sign-in."""
    clock.set(NOW)
    zoe = factories.candidate(session, birth_name="LÉGER", first_names="ZOÉ")
    max_ = factories.candidate(session, birth_name="ONEIL", first_names="MAX")
    program = factories.program(session)
    application = factories.application(session, candidate_id=zoe.id, program=program)
    anne = factories.staff_member(session, display_name="Anne Martin", login="amartin")
    staff = {"actor_kind": ActorKind.STAFF, "actor_staff_id": anne.id}
    viewed = _event(
        session, "application.viewed", NOW - timedelta(days=3), entity_id=application.id, application_id=application.id,
        candidate_id=zoe.id, **staff,
    )  # fmt: skip
    changed = _event(
        session, "application.dossier_status_changed", NOW - timedelta(days=1), entity_id=application.id,
        application_id=application.id, candidate_id=zoe.id, **staff,
    )  # fmt: skip
    signed_in = _event(
        session, "account.signed_in", NOW, entity_type="account", entity_id=max_.account_id,
        actor_kind=ActorKind.CANDIDATE, actor_account_id=max_.account_id, client_address="192.0.2.7",
    )  # fmt: skip
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    return {"zoe": zoe, "max": max_, "central": central, "viewed": viewed, "changed": changed, "signed_in": signed_in}


def _ids(session: Session, trail: dict[str, Any], **filters: Any) -> list[int]:
    page = search_audit(session, actor=trail["central"], query=AuditQuery(**filters))
    return [row.id for row in page.rows if not row.action.startswith("privacy.")]


def test_filters_by_days_kind_actor_and_candidate(session: Session, trail: dict[str, Any]) -> None:
    viewed, changed, signed_in = trail["viewed"].id, trail["changed"].id, trail["signed_in"].id
    assert _ids(session, trail) == [signed_in, changed, viewed]  # newest first
    assert _ids(session, trail, kind="access") == [signed_in, viewed]
    assert _ids(session, trail, kind="change") == [changed]
    assert _ids(session, trail, actor="martin") == [changed, viewed]  # by name, folded
    assert _ids(session, trail, actor="AMARTIN") == [changed, viewed]  # by login
    assert _ids(session, trail, actor_kind="candidate") == [signed_in]
    assert _ids(session, trail, candidate="leger") == [changed, viewed]  # the accents and case folded
    zoe_account = session.get(Account, trail["zoe"].account_id)
    assert zoe_account is not None
    assert _ids(session, trail, candidate=zoe_account.dossier_number.lower()) == [changed, viewed]
    assert _ids(session, trail, candidate=zoe_account.email.upper()) == [changed, viewed]
    number = trail["max"].account_id
    page = search_audit(session, actor=trail["central"], query=AuditQuery(candidate="oneil"))
    assert [r.id for r in page.rows] == [signed_in]  # the account's own act
    row = page.rows[0]
    assert row.dossier_number and row.client_address == "192.0.2.7" and number
    # Paris calendar days, both included: the view was 3 days ago.
    three_days_ago = date(2026, 6, 12)
    assert _ids(session, trail, date_from=three_days_ago, date_to=three_days_ago) == [viewed]
    assert _ids(session, trail, date_from=date(2026, 6, 13)) == [signed_in, changed]


def test_names_and_pages(session: Session, trail: dict[str, Any]) -> None:
    page = search_audit(session, actor=trail["central"], query=AuditQuery(kind="change", page_size=1))
    assert page.total == 1 and page.page_size == 1
    [row] = page.rows
    assert row.actor_name == "Anne Martin (amartin)" and row.candidate_name == "LÉGER ZOÉ"
    second = search_audit(session, actor=trail["central"], query=AuditQuery(page=2, page_size=2))
    # The first search is in the log now (an access): four events, the oldest two on the second page.
    assert second.total == 4 and [r.id for r in second.rows] == [trail["changed"].id, trail["viewed"].id]


def test_each_search_is_audited_as_an_access(session: Session, trail: dict[str, Any]) -> None:
    search_audit(session, actor=trail["central"], query=AuditQuery(candidate="leger"))
    session.commit()
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "privacy.audit.viewed")).all()
    assert event.actor_staff_id == trail["central"].staff_id and event.after["candidate"] == "leger"


def test_only_the_central_office_and_administrators(session: Session, trail: dict[str, Any]) -> None:
    program = factories.program(session, campaign_id=factories.campaign(session, is_active=False).id)
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
    member = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=program.committee_id)
    administrator = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    candidate = factories.candidate_actor(session, trail["zoe"])
    for outsider in (manager, member, candidate):
        with pytest.raises(Forbidden):
            search_audit(session, actor=outsider, query=AuditQuery())
        with pytest.raises(Forbidden):
            privacy_register.purge_register(session, actor=outsider)
        with pytest.raises(DomainError):
            audit_csv.request_audit_csv(session, actor=outsider, query=AuditQuery(), language="fr")
    assert search_audit(session, actor=administrator, query=AuditQuery()).total >= 3


def test_bad_filters_are_refused_with_their_field(session: Session, trail: dict[str, Any]) -> None:
    for query, field in (
        (AuditQuery(date_from=date(2026, 6, 2), date_to=date(2026, 6, 1)), "date_to"),
        (AuditQuery(kind="everything"), "kind"),
        (AuditQuery(actor_kind="robot"), "actor_kind"),
    ):
        with pytest.raises(DomainError) as refused:
            search_audit(session, actor=trail["central"], query=query)
        assert refused.value.field == field


def test_the_csv_holds_every_matching_event(
    session: Session, trail: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_search, "audit_batch", _small_batches(audit_search.audit_batch))
    monkeypatch.setattr(audit_csv, "audit_batch", audit_search.audit_batch)
    job = audit_csv.request_audit_csv(
        session, actor=trail["central"], query=AuditQuery(actor="martin", candidate="=cmd"), language="en"
    )
    session.commit()
    assert export_jobs.run_export_job(job.id or 0) == ExportStatus.DONE  # no event: a file with its headers only
    job = audit_csv.request_audit_csv(session, actor=trail["central"], query=AuditQuery(actor="martin"), language="fr")
    session.commit()
    assert export_jobs.run_export_job(job.id or 0) == ExportStatus.DONE
    session.expire_all()
    path, name, media = export_jobs.export_file(session, actor=trail["central"], job_id=job.id or 0)
    assert name.startswith("journal-audit-") and media.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Date et heure (Paris)", "Action", "Auteur"]
    assert [r[1] for r in rows[1:]] == ["application.dossier_status_changed", "application.viewed"]
    assert rows[1][0] == "2026-06-14 12:00:00" and rows[1][3] == "Anne Martin (amartin)" and rows[1][5] == "LÉGER ZOÉ"


def _small_batches(batch: Any) -> Any:
    def one_at_a_time(session: Session, *, query: AuditQuery, before_id: int | None, size: int = 1000) -> Any:
        return batch(session, query=query, before_id=before_id, size=1)  # the walk by id ranges, row by row

    return one_at_a_time


def test_the_register_lists_the_runs_of_the_retention_jobs_with_their_counts(
    session: Session, trail: dict[str, Any], clock: Any
) -> None:
    assert {"purge_expired_data", "purge_unactivated_accounts", "exports_purge", "purge_files"} <= set(
        privacy_register.retention_jobs()
    )
    clock.set(NOW + timedelta(days=500))  # the view of three days before is past the access log's year
    run = run_job("purge_expired_data")
    assert run is not None and run.status == JobStatus.SUCCEEDED
    session.add(JobRun(job="confirmation_reminders", status=JobStatus.SUCCEEDED, processed=9))  # not a purge
    session.commit()
    [listed] = privacy_register.purge_register(session, actor=trail["central"])
    assert listed.job == "purge_expired_data" and listed.label == "Purge des données périmées"
    assert listed.processed >= 2 and "Journal des accès effacé : " in listed.message
