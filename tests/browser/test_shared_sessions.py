"""Two portal processes sharing Redis (ECANDIDAT_REDIS_URL): a candidate signed in on one is signed in on the
other, in the language they chose, so an instance restart or the proxy moving them signs nobody out."""

import base64
import json
import os
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.config import Settings
from app.i18n import gettext
from app.services.demo import DEMO_IDENTITIES
from app.session_store import KEY_PREFIX
from tests.portal_process import Portal, run_portal

pytestmark = pytest.mark.browser

REDIS_URL = os.environ.get("ECANDIDAT_TEST_REDIS_URL", "")
WAIT = 30  # seconds: a busy two-core machine runs two portals and Chromium here


def page_for(portal: Portal, path: str, cookie: str) -> tuple[str, str]:
    """(final path, HTML) of ``path`` for a browser sending the session ``cookie``, redirects followed."""
    request = urllib.request.Request(portal.url + path, headers={"Cookie": f"session={cookie}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.url.removeprefix(portal.url), response.read().decode()


def own_files(folder: Path) -> dict[str, str]:
    """NiceGUI's files in a folder of this instance's own, as on a machine of its own (by default both processes
    would share the repository's ``.nicegui`` and read each other's sessions from it, Redis or not)."""
    return {"NICEGUI_STORAGE_PATH": str(folder / "nicegui")}


@pytest.mark.skipif(not REDIS_URL, reason="ECANDIDAT_TEST_REDIS_URL is not set: the shared signed-in state needs Redis")
def test_a_candidate_signed_in_on_one_instance_is_signed_in_on_the_other_in_their_language(
    browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    candidate = next(i for i in DEMO_IDENTITIES if i.kind == "candidate")
    shared = {
        "ECANDIDAT_DATABASE_URL": f"sqlite:///{(tmp_path / 'shared.db').as_posix()}",  # one database for both
        "ECANDIDAT_DEMO": "true",
        "ECANDIDAT_REDIS_URL": REDIS_URL,
    }
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with (
        run_portal(tmp_path / "a" / "var", extra_env=shared | own_files(tmp_path / "a")) as a,
        run_portal(tmp_path / "b" / "var", extra_env=shared | own_files(tmp_path / "b")) as b,
    ):
        browser.get(a.url + "/langue/en?suite=/connexion")  # the visitor chooses English on A
        WebDriverWait(browser, WAIT).until(ec.url_to_be(a.url + "/connexion"))
        WebDriverWait(browser, WAIT).until(
            lambda d: any(candidate.name in button.text for button in d.find_elements(By.TAG_NAME, "button"))
        )
        next(button for button in browser.find_elements(By.TAG_NAME, "button") if candidate.name in button.text).click()
        WebDriverWait(browser, WAIT).until(ec.url_to_be(a.url + "/candidat"))
        WebDriverWait(browser, WAIT).until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), candidate.name))
        cookie = browser.get_cookie("session")["value"]

        # B never saw this browser: it reads the session from Redis (written in the background: a moment's wait).
        deadline = time.monotonic() + WAIT
        while (shown := page_for(b, "/candidat", cookie))[0] != "/candidat" and time.monotonic() < deadline:
            time.sleep(0.5)
        path, html = shown
        assert path == "/candidat", "B does not know the candidate signed in on A"
        assert candidate.name in html
        assert gettext("Se déconnecter", "en") in html and "Se déconnecter" not in html  # still in English

    # The session's key expires with its cookie (NiceGUI would keep it for ever).
    session_id = json.loads(base64.b64decode(cookie.split(".")[0] + "=="))["id"]
    lifetime = redis.Redis.from_url(REDIS_URL).ttl(f"{KEY_PREFIX}user-{session_id}")
    assert 0 < lifetime <= Settings.model_fields["session_max_hours"].default * 3600
