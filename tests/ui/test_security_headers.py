"""Security headers over HTTP on pages, the API and files (the portal as ``main.py`` serves it)."""

import re

import pytest
from nicegui.testing import User

from app.config import reset_settings

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin"}


def directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2] for d in policy.split(";") if d.strip()}


async def test_pages_get_a_strict_content_security_policy(user: User) -> None:
    response = await user.http_client.get("/connexion")
    for name, value in COMMON.items():
        assert response.headers[name] == value
    policy = directives(response.headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self' 'unsafe-inline' 'unsafe-eval'"  # what NiceGUI and Vue need, no more
    assert "http:" not in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # an http:// portal


async def test_the_api_and_files_get_a_policy_allowing_nothing(user: User) -> None:
    page = (await user.http_client.get("/")).text
    script = re.search(r'src="(/_nicegui/[^"]+\.js)"', page).group(1)
    for path in ("/api/v1/openapi.json", "/api/v1/offer", script):
        response = await user.http_client.get(path)
        for name, value in COMMON.items():
            assert response.headers[name] == value, path
        policy = directives(response.headers["content-security-policy"])
        assert policy["default-src"] == "'none'", path
        assert policy["frame-ancestors"] == "'self'", path  # the staff piece viewer frames the portal's PDFs


@pytest.fixture
def https_portal(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ECANDIDAT_BASE_URL", "https://candidatures.univ.example")
    reset_settings()
    yield
    reset_settings()


async def test_an_https_portal_asks_for_https_only(https_portal, user: User) -> None:
    for path in ("/connexion", "/api/v1/openapi.json"):
        response = await user.http_client.get(path)
        assert response.headers["strict-transport-security"] == "max-age=31536000", path
    policy = directives((await user.http_client.get("/connexion")).headers["content-security-policy"])
    assert "wss://candidatures.univ.example" in policy["connect-src"]
