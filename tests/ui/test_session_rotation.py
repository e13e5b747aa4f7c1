"""Session fixation: every change of who is signed in gives the browser a new session cookie, read over HTTP.

The cookie planted or read before a sign-in (a shared computer) must open nothing afterwards: the identity lives
under the new id only, the old id's storage is emptied, the language carries over.
"""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from nicegui import app
from nicegui.testing import User

from app.config import reset_settings
from app.models import StaffRole
from tests.ui.staff_sessions import make_staff
from tests.ui.staff_sessions import sign_in as staff_sign_in
from tests.ui.static_html import follow_marked
from tests.ui.test_auth_pages import make_account, sign_in


def session_cookie(user: User) -> str:
    return user.http_client.cookies["session"]


def session_id(cookie: str) -> str:
    """The storage id inside Starlette's signed cookie (base64 JSON, then the timestamp and signature)."""
    data = cookie.split(".")[0]
    return json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))["id"]


async def get_with_cookie(user: User, path: str, cookie: str):  # type: ignore[no-untyped-def]
    """``path`` requested over HTTP by someone holding ``cookie`` (not following redirects)."""
    jar = user.http_client.cookies
    user.http_client.cookies = {"session": cookie}
    try:
        return await user.http_client.get(path, follow_redirects=False)
    finally:
        user.http_client.cookies = jar


async def test_a_sign_in_gives_a_new_session_and_the_cookie_from_before_opens_nothing(user: User) -> None:
    account = make_account(email="fixed@mail.example")
    await user.open("/connexion")
    follow_marked(user, "lang-en")  # the language chosen before signing in survives the new session
    await user.should_see("Sign in with an eCandidat account", retries=50)
    before = session_cookie(user)
    await sign_in(user, account.email)
    await user.should_see(marker="candidate-name")
    after = session_cookie(user)
    assert session_id(after) != session_id(before)
    await user.should_see("Hello")  # still in English
    assert dict(app.storage._users[session_id(before)]) == {}  # the old server-side state is gone
    assert app.storage._users[session_id(after)]["identity"]["id"] == account.id
    assert app.storage._users[session_id(after)]["lang"] == "en"

    planted = await get_with_cookie(user, "/candidat", before)  # whoever kept the old cookie
    assert planted.status_code == 303 and planted.headers["location"].startswith("/connexion")
    mine = await get_with_cookie(user, "/candidat", after)
    assert mine.status_code == 200


async def test_sign_out_and_impersonation_each_give_a_new_session(user: User) -> None:
    account = make_account(email="viewed2@mail.example")
    make_staff("adm", StaffRole.ADMINISTRATOR, "Ada Admin")
    await staff_sign_in(user, "adm")
    cookies = [session_cookie(user)]

    user.find(marker="dossier_number").type(account.dossier_number)
    user.find(marker="impersonate").click()
    await user.should_see(marker="impersonation-banner")
    cookies.append(session_cookie(user))
    user.find("Quitter cette vue").click()
    await user.should_see(marker="current-role-text")
    cookies.append(session_cookie(user))
    user.find(marker="sign-out").click()
    await user.should_see(marker="sign-in-link")
    cookies.append(session_cookie(user))

    ids = [session_id(c) for c in cookies]
    assert len(set(ids)) == 4, ids
    for old in ids[:3]:
        assert dict(app.storage._users[old]) == {}
    admin_cookie = cookies[0]  # the administrator's cookie from before the candidate view opens nothing now
    assert (await get_with_cookie(user, "/gestion", admin_cookie)).status_code == 303
    assert (await get_with_cookie(user, "/gestion", cookies[3])).status_code == 303  # signed out


async def test_a_switch_needs_its_one_time_ticket(user: User) -> None:
    account = make_account(email="ticket@mail.example")
    await user.open("/connexion")
    before = session_cookie(user)
    # Someone sharing the cookie from before the sign-in, but not the ticket the signing-in page received.
    app.storage._users[session_id(before)]["pending_switch"] = {"ticket": "0" * 64}
    answer = await get_with_cookie(user, "/session/changer?ticket=guessed", before)
    assert answer.status_code == 303 and answer.headers["location"] == "/connexion?echec=lien"
    await user.open("/connexion?echec=lien")
    await user.should_see(marker="session-switch-failed")
    await user.should_see("La connexion n'a pas pu aboutir")
    await sign_in(user, account.email)
    await user.should_see(marker="candidate-name")


async def test_a_session_ends_after_its_longest_duration(user: User, clock) -> None:
    clock.set(datetime(2026, 3, 1, 8, 0, tzinfo=UTC))
    make_account(email="long@mail.example")
    await sign_in(user, "long@mail.example")
    await user.should_see(marker="candidate-name")
    for minutes in range(50, 600, 50):  # active all day: never idle for an hour
        clock.set(datetime(2026, 3, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes))
        await user.open("/candidat")
        await user.should_see(marker="candidate-name")
    clock.set(datetime(2026, 3, 1, 18, 0, 1, tzinfo=UTC))  # ten hours after signing in
    await user.open("/candidat")
    await user.should_see("Votre session a atteint sa durée maximale de 10 heures. Reconnectez-vous.")
    await user.should_see(marker="local-sign-in")


def set_cookie_header(response) -> str:  # type: ignore[no-untyped-def]
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("session="))


async def test_the_session_cookie_is_lax_and_lives_as_long_as_a_session_may(user: User) -> None:
    response = await user.http_client.get("/connexion")
    cookie = set_cookie_header(response).lower()
    assert "samesite=lax" in cookie and "httponly" in cookie
    assert "max-age=36000" in cookie  # session_max_hours, not Starlette's 14 days
    assert "secure" not in cookie  # an http:// portal: a Secure cookie would never come back


@pytest.fixture
def https_portal(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ECANDIDAT_BASE_URL", "https://candidatures.univ.example")
    reset_settings()
    yield
    reset_settings()


async def test_the_session_cookie_is_secure_on_an_https_portal(https_portal, user: User) -> None:
    response = await user.http_client.get("/connexion")
    assert "; secure" in set_cookie_header(response).lower()
