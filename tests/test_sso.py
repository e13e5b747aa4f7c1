"""OpenID Connect end to end against a real provider on loopback (oidc-provider-mock)."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from nicegui.testing import User
from oidc_provider_mock import run_server_in_thread
from sqlmodel import select

from app.config import reset_settings
from app.db import new_session
from app.models import Account, StaffMember, StaffRole, StaffRoleAssignment


@pytest.fixture
def provider(database_url, monkeypatch):
    with run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        monkeypatch.setenv("ECANDIDAT_OIDC_ISSUER", issuer)
        monkeypatch.setenv("ECANDIDAT_OIDC_CLIENT_ID", "ecandidat")
        monkeypatch.setenv("ECANDIDAT_OIDC_CLIENT_SECRET", "client-secret")
        reset_settings()
        yield issuer


def set_user(issuer: str, sub: str, **claims) -> None:
    httpx.put(f"{issuer}/users/{sub}", json=claims).raise_for_status()


async def start(user: User, profile: str = "candidat") -> str:
    response = await user.http_client.get(f"/sso/oidc/connexion?profil={profile}")
    assert response.status_code == 302
    return response.headers["location"]


def authorize(location: str, **form) -> str:
    """Answer the provider's consent form; return our callback's path and query."""
    response = httpx.post(location, data=form)
    assert response.status_code == 302, response.text
    back = urlsplit(response.headers["location"])
    assert back.path == "/sso/oidc/retour"
    return f"{back.path}?{back.query}"


async def test_a_student_signs_in_and_gets_an_account_from_the_claims(provider, user: User) -> None:
    set_user(
        provider,
        "etu-42",
        email="Lea.Roux@etu.univ.example",
        given_name="Léa",
        family_name="Roux",
        supannEtuId="21001234",
    )
    callback = authorize(await start(user), sub="etu-42")
    response = await user.http_client.get(callback)
    assert response.status_code == 303 and response.headers["location"] == "/candidat"
    await user.open("/candidat")
    await user.should_see("Bonjour Léa Roux.")
    with new_session() as session:
        account = session.exec(select(Account).where(Account.sso_subject == "etu-42")).one()
    assert (account.email, account.student_number, account.sso_provider) == (
        "lea.roux@etu.univ.example",
        "21001234",
        "oidc",
    )
    assert account.is_activated
    # Signing in again finds the same account.
    response = await user.http_client.get(authorize(await start(user), sub="etu-42"))
    assert response.headers["location"] == "/candidat"
    with new_session() as session:
        assert len(session.exec(select(Account)).all()) == 1


async def test_a_bad_state_is_refused(provider, user: User) -> None:
    set_user(provider, "etu-1", email="a@etu.univ.example")
    callback = authorize(await start(user), sub="etu-1")
    query = parse_qs(urlsplit(callback).query)
    forged = f"/sso/oidc/retour?code={query['code'][0]}&state=forged-state"
    response = await user.http_client.get(forged)
    assert response.headers["location"] == "/connexion?sso=echec"
    await user.open("/connexion?sso=echec")
    await user.should_see(marker="sso-error")
    with new_session() as session:
        assert session.exec(select(Account)).all() == []


async def test_a_refused_consent_says_so(provider, user: User) -> None:
    callback = authorize(await start(user), action="deny")
    assert "error=access_denied" in callback
    response = await user.http_client.get(callback)
    assert response.headers["location"] == "/connexion?sso=refus"
    await user.open(response.headers["location"])
    await user.should_see("La connexion par l'ENT a été refusée ou annulée.")


async def test_staff_sign_in_through_the_sso_links_by_login_and_never_creates_staff(provider, user: User) -> None:
    with new_session() as session:
        member = StaffMember(login="jdupont", email="j@univ.example", display_name="Jeanne Dupont")
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRAL_OFFICE))
        session.commit()
    set_user(provider, "pers-7", email="j@univ.example", preferred_username="jdupont")
    response = await user.http_client.get(authorize(await start(user, "gestion"), sub="pers-7"))
    assert response.headers["location"] == "/gestion"
    await user.open("/gestion")
    await user.should_see("Scolarité centrale")
    set_user(provider, "pers-8", email="x@univ.example", preferred_username="inconnu")
    response = await user.http_client.get(authorize(await start(user, "gestion"), sub="pers-8"))
    assert response.headers["location"] == "/connexion?sso=sso_unknown_staff"
