"""/admin/api and /gestion/transfert-inscriptions: tokens created (shown once), used, revoked; the hand-off ZIP."""

import io
import zipfile

from nicegui import ui
from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import AuditEvent, IntegrationToken, StaffRole
from app.services.decisions.answers import confirm_offer
from tests import factories
from tests.ui.admin_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


async def test_the_central_office_creates_uses_and_revokes_a_token(user: User) -> None:
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    with new_session() as session:
        factories.campaign(session, code="2026")
        session.commit()
    await sign_in(user, "scol")
    await user.open("/admin/api")
    await user.should_see("Accès API")
    await user.should_see(marker="no-token")
    await click(user, "create-token")
    await user.should_see("Donnez un nom à ce jeton (l'application qui l'utilisera).")  # next to the field
    user.find(marker="label").type("Apogée")
    await click(user, "create-token")
    await user.should_see(marker="new-token")
    await user.should_see("Copiez-le maintenant : il ne sera plus jamais affiché.", retries=5)
    secret = next(iter(user.find(marker="new-token").elements)).value
    assert secret.startswith("eca_")
    with new_session() as session:
        token = session.exec(select(IntegrationToken)).one()
        assert token.label == "Apogée" and token.role == StaffRole.CENTRAL_OFFICE and token.token_hash != secret
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "integration_token.created")).one()
    await user.should_see(marker=f"token-{token.id}")

    # The API is mounted on the portal, described, and answers this token.
    headers = {"Authorization": f"Bearer {secret}"}
    offer = await user.http_client.get("/api/v1/offer", headers=headers)
    assert offer.status_code == 200 and offer.json()["campaign"]["code"] == "2026"
    described = await user.http_client.get("/api/v1/openapi.json")
    assert "/api/v1/handoffs" in described.json()["paths"]

    user.find(marker=f"revoke-{token.id}").click()
    await user.should_see("Les appels faits avec lui seront refusés immédiatement.")
    await click(user, "revoke-confirm")
    await user.should_see("Jeton révoqué.")
    await user.should_see(marker=f"token-state-{token.id}")
    assert (await user.http_client.get("/api/v1/offer", headers=headers)).status_code == 401
    with new_session() as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "integration_token.revoked")).one()


async def test_a_scoped_token_needs_its_centre(user: User) -> None:
    make_staff("ada", StaffRole.ADMINISTRATOR)
    with new_session() as session:
        factories.centre(session, label_fr="UFR Lettres")
        session.commit()
    await sign_in(user, "ada")
    await user.open("/admin/api")
    await user.should_not_see(marker="centre_id")  # an institution-wide token by default
    user.find(marker="label").type("Décisionnel Lettres")
    user.find(marker="role").click()
    user.find("Gestionnaire de composante").click()
    await user.should_see(marker="centre_id")  # asked for only now
    await user.should_not_see(marker="committee_id")
    await click(user, "create-token")
    await user.should_see("Choisissez le centre de candidature couvert par ce jeton.")
    [select] = user.find(marker="centre_id").elements
    assert isinstance(select, ui.select)
    select.value = next(key for key, label in select.options.items() if label.startswith("UFR Lettres ("))
    await click(user, "create-token")
    await user.should_see(marker="new-token")
    await user.should_see("UFR Lettres")


async def test_other_roles_are_refused(user: User) -> None:
    await user.open("/admin/api")
    await user.should_see(marker="local-sign-in")
    make_staff("gest", StaffRole.CENTRE_MANAGER)
    await sign_in(user, "gest")
    await user.open("/admin/api")
    await user.should_see(marker="refusal")
    await user.should_not_see("Créer le jeton")
    await user.open("/gestion/transfert-inscriptions")
    await user.should_see(marker="refusal")


async def test_the_central_office_downloads_the_handoff_files(user: User) -> None:
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    with new_session() as session:
        camp = factories.campaign(session, code="2026")
        program = factories.program(session, campaign_id=camp.id, code="M1-BIO", label_fr="Master Biologie")
        candidate = factories.complete_candidate(session, birth_name="LEROY", first_names="INES", ine="1111111111A")
        application = factories.application(session, candidate_id=candidate.id, program=program)
        factories.published_decision(session, application=application)
        session.commit()
        confirm_offer(session, actor=factories.candidate_actor(session, candidate), application_id=application.id)
        session.commit()
    await sign_in(user, "scol")
    user.find(marker="handoff-link").click()
    await user.should_see("Transfert des inscriptions")
    await user.should_see(marker="files-only")
    await user.should_see("Confirmations à transmettre : 1")
    await user.should_see("LEROY INES")
    user.find(marker="mark-sent").click()
    user.find(marker="download-zip").click()
    response = await user.download.next()
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["LISEZMOI.txt", "candidats.csv", "inscriptions.csv", "voeux.csv"]
        assert "M1-BIO" in archive.read("voeux.csv").decode("utf-8")
    await user.should_see("1 confirmation enregistrée comme transmise.")
    await user.should_see("Confirmations transmises : 1")
