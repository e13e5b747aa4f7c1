"""« Télécharger mon dossier »: the download route, through NiceGUI's simulated user and its HTTP client."""

import io

from nicegui.testing import User
from pypdf import PdfReader

from app.db import new_session
from app.models import Account
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.test_dossier_pdf import seed
from tests.ui.test_auth_pages import GOOD, sign_in


def seeded(clock) -> dict:
    with new_session() as session:
        data = seed(session, clock)
        account = session.get(Account, data["actor"].account_id)
        account.password_hash = hash_password(GOOD)
        session.add(account)
        session.commit()
        return {"application_id": data["application"].id, "email": account.email}


async def test_the_candidate_downloads_their_dossier(user: User, clock) -> None:
    data = seeded(clock)
    await sign_in(user, data["email"])
    response = await user.http_client.get(f"/candidat/candidatures/{data['application_id']}/dossier.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="dossier-A7K2M9QX-M-INFO-IA.pdf"'
    first = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Éloïse-Marie D'ALEMBERT-LÉVÊQUE" in first and "Dossier de candidature" in first


async def test_anonymous_visitors_are_sent_to_sign_in(user: User, clock) -> None:
    data = seeded(clock)
    path = f"/candidat/candidatures/{data['application_id']}/dossier.pdf"
    response = await user.http_client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/connexion?suite={path}"


async def test_another_candidates_dossier_is_not_found(user: User, clock) -> None:
    data = seeded(clock)
    with new_session() as session:
        other = factories.account(session, password_hash=hash_password(GOOD))
        factories.complete_candidate(session, account_id=other.id)
        session.commit()
        email = other.email
    await sign_in(user, email)
    response = await user.http_client.get(f"/candidat/candidatures/{data['application_id']}/dossier.pdf")
    assert response.status_code == 404
    assert (await user.http_client.get("/candidat/candidatures/999999/dossier.pdf")).status_code == 404
