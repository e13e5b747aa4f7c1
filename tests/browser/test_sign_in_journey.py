"""Signing in with the keyboard only, in a real browser: a demo candidate reaches their page, then signs out."""

from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.services.demo.campus import DEMO_IDENTITIES
from tests.browser.conftest import screenshot
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


def tab_until(driver, found, limit: int = 40):  # type: ignore[no-untyped-def]
    """Press Tab until the focused element satisfies ``found``; fail if it takes more than ``limit`` presses."""
    for _ in range(limit):
        try:
            driver.switch_to.active_element.send_keys(Keys.TAB)
            element = driver.switch_to.active_element
            if found(element):
                return element
        except StaleElementReferenceException:
            # Vue may re-render the focused element between two presses (a slow machine shows it): press again.
            continue
    raise AssertionError(f"not reached with {limit} presses of Tab")


def test_a_demo_candidate_signs_in_with_the_keyboard_and_signs_out(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    candidate = next(i for i in DEMO_IDENTITIES if i.kind == "candidate")
    browser.get(demo_portal.url + "/connexion")
    WebDriverWait(browser, 15).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "Connexion avec un compte eCandidat")
    )
    # Skip link, then into the content, then Tab to the login field: no mouse.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Aller au contenu"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    login = tab_until(browser, lambda e: e.get_attribute("autocomplete") == "username")
    login.send_keys(candidate.login)
    password = tab_until(browser, lambda e: e.get_attribute("autocomplete") == "current-password", limit=3)
    assert password.get_attribute("type") == "password"
    password.send_keys(candidate.password)
    password.send_keys(Keys.ENTER)

    WebDriverWait(browser, 15).until(ec.url_to_be(demo_portal.url + "/candidat"))
    WebDriverWait(browser, 15).until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), candidate.name))
    screenshot(browser, tmp_path / "signed-in.png")

    # Sign out, still with the keyboard: the header's button, reached by Tab from the top of the page.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    sign_out = tab_until(browser, lambda e: e.text.strip() == "Se déconnecter")
    sign_out.send_keys(Keys.ENTER)
    WebDriverWait(browser, 15).until(
        lambda d: any(link.text == "Se connecter" for link in d.find_elements(By.CSS_SELECTOR, "header a"))
    )
    browser.get(demo_portal.url + "/candidat")
    WebDriverWait(browser, 15).until(
        ec.text_to_be_present_in_element((By.TAG_NAME, "main"), "Connexion avec un compte eCandidat")
    )
