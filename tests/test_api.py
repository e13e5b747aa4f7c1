"""The REST API: tokens (401), scopes (403, and never another scope's data), pagination, filters, OpenAPI."""

from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app import clock as app_clock
from app.api import DOCS_PATH, OPENAPI_PATH, install
from app.models import AuditEvent, DecisionKind, EnrolmentHandoff, HandoffStatus, IntegrationToken, StaffRole
from app.services.admin import api_tokens
from app.services.admin.api_tokens import TokenDraft
from app.services.decisions.answers import confirm_offer, withdraw
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.errors import Forbidden
from tests import factories

NOW = app_clock.paris_datetime(2026, 6, 1, 10)
DEADLINE = app_clock.paris_datetime(2026, 6, 20, 23, 59, 59)


@pytest.fixture
def client(database_url: str) -> TestClient:
    api = FastAPI()
    install(api)
    return TestClient(api)


@pytest.fixture
def world(session: Session, clock) -> dict:
    """Two centres; centre 1 has programmes P1 (committee 1) and P2 (committee 2); centre 2 has P3."""
    clock.set(NOW)
    camp = factories.campaign(session, code="2026")
    centre1, centre2 = factories.centre(session, code="SCI"), factories.centre(session, code="LET")
    com1, com2 = factories.committee(session, centre1.id, code="INFO"), factories.committee(session, centre1.id)
    com3 = factories.committee(session, centre2.id)
    p1 = factories.program(session, campaign_id=camp.id, centre_id=centre1.id, committee_id=com1.id, code="P1")
    p2 = factories.program(session, campaign_id=camp.id, centre_id=centre1.id, committee_id=com2.id, code="P2")
    p3 = factories.program(session, campaign_id=camp.id, centre_id=centre2.id, committee_id=com3.id, code="P3")
    apps = []
    for program, count in ((p1, 5), (p2, 2), (p3, 3)):
        for _n in range(count):
            cand = factories.complete_candidate(session)
            apps.append(factories.application(session, candidate_id=cand.id, program=program))
    admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    session.commit()
    return {"campaign": camp, "centres": (centre1, centre2), "committees": (com1, com2, com3),
            "programs": (p1, p2, p3), "apps": apps, "admin": admin}  # fmt: skip


def make_token(session: Session, admin, **draft) -> str:
    secret, _token = api_tokens.create_token(session, actor=admin, draft=TokenDraft(label="SI", **draft))
    session.commit()
    return secret


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_missing_unknown_revoked_and_expired_tokens_get_401(session: Session, client: TestClient, world, clock):
    assert client.get("/api/v1/offer").status_code == 401
    assert client.get("/api/v1/offer", headers=auth("eca_not-a-real-token")).status_code == 401
    secret = make_token(session, world["admin"], role=StaffRole.CENTRAL_OFFICE, expires_on=NOW.date())
    response = client.get("/api/v1/offer", headers=auth(secret))
    assert response.status_code == 200 and response.json()["campaign"]["code"] == "2026"
    assert response.headers["cache-control"] == "no-store"
    assert [p["code"] for p in response.json()["programs"]] == ["P3", "P1", "P2"]  # by centre code, then code
    opens = datetime.fromisoformat(response.json()["programs"][0]["calendar"]["window_opens_at"])
    assert opens == world["programs"][2].window_opens_at  # UTC, with its offset
    token = session.exec(select(IntegrationToken)).one()
    session.refresh(token)
    assert token.last_used_at == clock.now()
    clock.set(app_clock.paris_datetime(2026, 6, 2, 0, 0, 0))  # the day after its last day
    refused = client.get("/api/v1/offer", headers=auth(secret))
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    clock.set(NOW)
    assert client.get("/api/v1/offer", headers=auth(secret)).status_code == 200
    api_tokens.revoke_token(session, actor=world["admin"], token_id=token.id)
    session.commit()
    assert client.get("/api/v1/offer", headers=auth(secret)).status_code == 401


def test_a_token_sees_its_scope_only_and_is_refused_outside_it(session: Session, client: TestClient, world):
    centre1, _centre2 = world["centres"]
    com1, _com2, _com3 = world["committees"]
    p1, p2, p3 = world["programs"]
    centre_token = make_token(session, world["admin"], role=StaffRole.CENTRE_MANAGER, centre_id=centre1.id)
    committee_token = make_token(session, world["admin"], role=StaffRole.COMMITTEE_MEMBER, committee_id=com1.id)
    office_token = make_token(session, world["admin"], role=StaffRole.CENTRAL_OFFICE)

    def codes(secret: str, **params) -> list[str]:
        response = client.get("/api/v1/applications", headers=auth(secret), params=params)
        assert response.status_code == 200, response.text
        return [item["program_code"] for item in response.json()["items"]]

    assert sorted(set(codes(centre_token))) == ["P1", "P2"] and len(codes(centre_token)) == 7
    assert set(codes(committee_token)) == {"P1"} and len(codes(committee_token)) == 5
    assert len(codes(office_token)) == 10
    assert codes(centre_token, program_code="P2") == ["P2", "P2"]
    # Naming a programme outside the scope is refused, never answered empty.
    assert (
        client.get("/api/v1/applications", headers=auth(centre_token), params={"program_id": p3.id}).status_code == 403
    )
    assert (
        client.get("/api/v1/applications", headers=auth(committee_token), params={"program_code": "P2"}).status_code
        == 403
    )
    assert (
        client.get("/api/v1/decisions", headers=auth(committee_token), params={"program_id": p2.id}).status_code == 403
    )
    outside = next(a for a in world["apps"] if a.program_id == p3.id)
    inside = next(a for a in world["apps"] if a.program_id == p1.id)
    assert client.get(f"/api/v1/applications/{outside.id}", headers=auth(centre_token)).status_code == 403
    one = client.get(f"/api/v1/applications/{inside.id}", headers=auth(committee_token))
    assert one.status_code == 200 and one.json()["id"] == inside.id and one.json()["centre_code"] == "SCI"
    assert client.get("/api/v1/applications/999999", headers=auth(office_token)).status_code == 404
    # The hand-off is the institution's.
    assert client.get("/api/v1/handoffs", headers=auth(centre_token)).status_code == 403
    denied = client.post("/api/v1/handoffs/acknowledge", headers=auth(centre_token), json={"handoff_ids": [1]})
    assert denied.status_code == 403


def test_pagination_and_updated_since(session: Session, client: TestClient, world, clock):
    secret = make_token(session, world["admin"], role=StaffRole.ADMINISTRATOR)
    seen: list[int] = []
    for page in (1, 2, 3, 4):
        body = client.get("/api/v1/applications", headers=auth(secret), params={"page": page, "page_size": 3}).json()
        assert body["total"] == 10 and body["page_size"] == 3
        seen += [item["id"] for item in body["items"]]
    assert seen == sorted(a.id for a in world["apps"])  # every application once, in id order
    assert client.get("/api/v1/applications", headers=auth(secret), params={"page_size": 501}).status_code == 422
    # A decision published later makes its application "updated" since then.
    clock.set(NOW + timedelta(days=2))
    later = world["apps"][6]
    factories.published_decision(session, application=later, kind=DecisionKind.FAVORABLE)
    session.commit()
    since = (NOW + timedelta(days=1)).isoformat()
    changed = client.get("/api/v1/applications", headers=auth(secret), params={"updated_since": since}).json()
    assert [item["id"] for item in changed["items"]] == [later.id]
    assert changed["items"][0]["updated_at"].startswith("2026-06-03")
    decisions = client.get("/api/v1/decisions", headers=auth(secret), params={"updated_since": since}).json()
    assert decisions["total"] == 1 and decisions["items"][0]["application_id"] == later.id
    naive = client.get("/api/v1/applications", headers=auth(secret), params={"updated_since": "2026-06-02T00:00:00"})
    assert naive.status_code == 422
    assert client.get("/api/v1/applications", headers=auth(secret), params={"campaign": "NOPE"}).status_code == 404


def test_only_published_decisions_are_read(session: Session, client: TestClient, world):
    secret = make_token(session, world["admin"], role=StaffRole.CENTRAL_OFFICE)
    first, second = world["apps"][0], world["apps"][1]
    factories.published_decision(session, application=first, kind=DecisionKind.UNFAVORABLE, comment="Dossier léger")
    factories.decision(session, application_id=second.id)  # entered, not published
    session.commit()
    body = client.get("/api/v1/decisions", headers=auth(secret)).json()
    assert body["total"] == 1
    [item] = body["items"]
    assert item["application_id"] == first.id and item["kind"] == "unfavorable" and item["comment"] == "Dossier léger"


def test_handoff_issue_117_and_acknowledgement(session: Session, client: TestClient, world, clock):
    p1, p2, _p3 = world["programs"]
    candidate = factories.complete_candidate(session, ine="0987654321B")
    a = factories.application(session, candidate_id=candidate.id, program=p1)
    b = factories.application(session, candidate_id=candidate.id, program=p2)
    for application in (a, b):
        factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
    session.commit()
    actor = factories.candidate_actor(session, candidate)
    confirm_offer(session, actor=actor, application_id=a.id)
    withdraw(session, actor=actor, application_id=a.id)
    confirm_offer(session, actor=actor, application_id=b.id)
    session.commit()
    secret = make_token(session, world["admin"], role=StaffRole.CENTRAL_OFFICE)
    body = client.get("/api/v1/handoffs", headers=auth(secret)).json()
    assert body["total"] == 1
    [entry] = body["items"]
    assert entry["ine"] == "0987654321B" and [w["program_code"] for w in entry["wishes"]] == ["P2"]
    assert entry["withdrawals"] == []  # never delivered: nothing to cancel
    handoff_id = entry["wishes"][0]["handoff_id"]
    ack = client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": [handoff_id]})
    assert ack.status_code == 200 and ack.json() == {"acknowledged": 1}
    session.expire_all()
    assert session.get(EnrolmentHandoff, handoff_id).status == HandoffStatus.SENT
    assert client.get("/api/v1/handoffs", headers=auth(secret), params={"queued_only": True}).json()["total"] == 0
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "handoff.acknowledged")).one()
    assert event.actor_kind == "integration" and event.after["acknowledged"] == 1
    empty = client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": []})
    assert empty.status_code == 422


def test_openapi_describes_the_routes(client: TestClient) -> None:
    schema = client.get(OPENAPI_PATH).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/offer",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}",
        "/api/v1/decisions",
        "/api/v1/handoffs",
        "/api/v1/handoffs/acknowledge",
    ):
        assert path in paths, path
    listing = paths["/api/v1/applications"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("Page_ApplicationOut_")
    assert {"401", "403"} <= set(listing["responses"])
    assert {p["name"] for p in listing["parameters"]} >= {"program_id", "updated_since", "page", "page_size"}
    assert "IntegrationToken" in schema["components"]["securitySchemes"]
    assert "ApplicationOut" in schema["components"]["schemas"]
    docs = client.get(DOCS_PATH).text
    assert "GET /api/v1/applications" in docs and "<script" not in docs and "cdn" not in docs.lower()


def test_token_creation_rules_and_rights(session: Session, world) -> None:
    centre1, _centre2 = world["centres"]
    with pytest.raises(DossierInvalid) as error:
        api_tokens.create_token(
            session, actor=world["admin"], draft=TokenDraft(label=" ", role=StaffRole.CENTRE_MANAGER)
        )
    assert set(error.value.errors) == {"label", "centre_id"}
    with pytest.raises(DossierInvalid) as error:
        api_tokens.create_token(
            session, actor=world["admin"], draft=TokenDraft(label="BI", expires_on=NOW.date() - timedelta(days=1))
        )
    assert set(error.value.errors) == {"expires_on"}
    with pytest.raises(DossierInvalid) as error:  # the account desk has no right on what the API serves
        api_tokens.create_token(
            session, actor=world["admin"], draft=TokenDraft(label="BI", role=StaffRole.ACCOUNT_DESK)
        )
    assert set(error.value.errors) == {"role"}
    secret, token = api_tokens.create_token(
        session, actor=world["admin"], draft=TokenDraft(label="BI", role=StaffRole.CENTRE_MANAGER, centre_id=centre1.id)
    )
    session.commit()
    assert secret.startswith("eca_") and len(secret) > 40 and secret not in token.token_hash
    assert token.token_hash == api_tokens.hash_token(secret)
    assert app_clock.paris(token.expires_at).date() == NOW.date() + timedelta(days=365)
    created = session.exec(select(AuditEvent).where(AuditEvent.action == "integration_token.created")).one()
    assert created.after["label"] == "BI" and "token_hash" not in created.after
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre1.id)
    with pytest.raises(Forbidden):
        api_tokens.create_token(session, actor=manager, draft=TokenDraft(label="X"))
    with pytest.raises(Forbidden):
        api_tokens.list_tokens(session, actor=manager)
    with pytest.raises(Forbidden):
        api_tokens.revoke_token(session, actor=manager, token_id=token.id)
    [row] = api_tokens.list_tokens(session, actor=world["admin"])
    assert row.label == "BI" and row.scope_fr == centre1.label_fr and row.is_active(app_clock.now())


def test_a_withdrawal_after_acknowledgement_is_fetched_as_a_cancellation(session: Session, client: TestClient, world):
    p1, _p2, _p3 = world["programs"]
    candidate = factories.complete_candidate(session)
    application = factories.application(session, candidate_id=candidate.id, program=p1)
    factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
    session.commit()
    actor = factories.candidate_actor(session, candidate)
    confirm_offer(session, actor=actor, application_id=application.id)
    session.commit()
    secret = make_token(session, world["admin"], role=StaffRole.ADMINISTRATOR)
    [entry] = client.get("/api/v1/handoffs", headers=auth(secret), params={"queued_only": True}).json()["items"]
    handoff_id = entry["wishes"][0]["handoff_id"]
    client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": [handoff_id]})
    withdraw(session, actor=actor, application_id=application.id)
    session.commit()
    assert client.get("/api/v1/handoffs", headers=auth(secret)).json()["total"] == 0  # no longer in the live set
    queued = client.get("/api/v1/handoffs", headers=auth(secret), params={"queued_only": True}).json()
    [entry] = queued["items"]
    assert entry["wishes"] == [] and [w["handoff_id"] for w in entry["withdrawals"]] == [handoff_id]
    assert entry["withdrawals"][0]["cancelled"] is True and entry["withdrawals"][0]["withdrawn_at"] is not None
    ack = client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": [handoff_id]})
    assert ack.json() == {"acknowledged": 1}
    session.expire_all()
    assert session.get(EnrolmentHandoff, handoff_id).status == HandoffStatus.CANCELLED
    again = client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": [handoff_id]})
    assert again.json() == {"acknowledged": 0}  # nothing was owed any more
