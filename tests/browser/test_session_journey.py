"""In a real browser over real HTTP: a sign-in gives a new session cookie, and the pages work under their CSP."""

import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.services.demo.campus import DEMO_IDENTITIES
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


def final_path(portal: Portal, path: str, cookie: str) -> str:
    """Where ``path`` ends up for someone sending ``cookie`` (redirects followed)."""
    request = urllib.request.Request(portal.url + path, headers={"Cookie": f"session={cookie}"})
    with urllib.request.urlopen(request, timeout=15) as response:
        return response.url.removeprefix(portal.url)


def test_a_sign_in_changes_the_session_cookie_under_the_pages_csp(demo_portal: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    candidate = next(i for i in DEMO_IDENTITIES if i.kind == "candidate")
    record = "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push("
    record += "e.violatedDirective + ' ' + e.blockedURI));"
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": record})
    browser.get(demo_portal.url + "/connexion")
    WebDriverWait(browser, 15).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "Connexion avec un compte eCandidat")
    )
    before = browser.get_cookie("session")
    assert before["sameSite"] == "Lax" and before["httpOnly"] and not before["secure"]
    # The page's scripts run under its Content-Security-Policy: the demo button signs in through the websocket.
    next(b for b in browser.find_elements(By.TAG_NAME, "button") if candidate.name in b.text).click()
    WebDriverWait(browser, 15).until(ec.url_to_be(demo_portal.url + "/candidat"))
    WebDriverWait(browser, 15).until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), candidate.name))
    after = browser.get_cookie("session")
    assert after["value"] != before["value"]
    assert final_path(demo_portal, "/candidat", before["value"]).startswith("/connexion")  # the old cookie: nothing
    assert final_path(demo_portal, "/candidat", after["value"]) == "/candidat"
    assert browser.execute_script("return window.__csp") == []  # nothing the page needs was blocked
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
