"""The REST API while the portal is read-only (#19 item 6): reads still answer (the token's last use is the API's
sign-in bookkeeping), writes get 503 with Retry-After and nothing is written."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, EnrolmentHandoff, HandoffStatus, IntegrationToken, StaffRole
from app.services.decisions.answers import confirm_offer
from tests import factories
from tests.test_api import DEADLINE, auth, client, make_token, world  # noqa: F401 (fixtures)
from tests.test_read_only import _fresh_mode, switch  # noqa: F401 (_fresh_mode: autouse, each test starts off)


def test_while_read_only_the_api_reads_and_refuses_writes_with_503(
    session: Session,
    client: TestClient,  # noqa: F811
    world: dict,  # noqa: F811
) -> None:
    p1 = world["programs"][0]
    candidate = factories.complete_candidate(session, ine="0987654321C")
    application = factories.application(session, candidate_id=candidate.id, program=p1)
    factories.published_decision(session, application=application, confirmation_deadline=DEADLINE)
    session.commit()
    confirm_offer(session, actor=factories.candidate_actor(session, candidate), application_id=application.id)
    session.commit()
    secret = make_token(session, world["admin"], role=StaffRole.CENTRAL_OFFICE)
    switch(world["admin"], True)

    listed = client.get("/api/v1/handoffs", headers=auth(secret))  # the token's first use is recorded
    assert listed.status_code == 200 and listed.json()["total"] == 1
    assert session.exec(select(IntegrationToken)).one().last_used_at is not None
    handoff_id = listed.json()["items"][0]["wishes"][0]["handoff_id"]
    audits = len(session.exec(select(AuditEvent)).all())

    refused = client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": [handoff_id]})
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) > 0
    assert "read-only" in refused.json()["detail"]
    session.expire_all()
    assert session.get(EnrolmentHandoff, handoff_id).status == HandoffStatus.PENDING
    assert len(session.exec(select(AuditEvent)).all()) == audits

    switch(world["admin"], False)
    done = client.post("/api/v1/handoffs/acknowledge", headers=auth(secret), json={"handoff_ids": [handoff_id]})
    assert done.status_code == 200 and done.json() == {"acknowledged": 1}


def test_the_api_description_tells_integrators_about_503() -> None:
    from app.api import openapi_schema

    acknowledge = openapi_schema()["paths"]["/api/v1/handoffs/acknowledge"]["post"]
    assert "503" in acknowledge["responses"]
