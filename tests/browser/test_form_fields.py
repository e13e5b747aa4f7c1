"""The dossier's and the account's fields in a real browser: what Quasar finally puts on each node (required and
error states on the control a screen reader reaches), and where hints and messages land on screen."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import screenshot
from tests.browser.test_dossier_journey import sign_in
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


def wait_for(driver, css: str):  # type: ignore[no-untyped-def]
    return WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_a_required_list_says_so_on_its_combobox_and_nowhere_else(demo_portal: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, demo_portal)
    browser.get(demo_portal.url + "/candidat/dossier/informations")
    civility = wait_for(browser, "[role=combobox][aria-label='Civilité *']")
    assert civility.get_attribute("aria-required") == "true"
    assert civility.tag_name == "input"
    # Every node that says it is required is a form control (axe: aria-allowed-attr).
    required = browser.find_elements(By.CSS_SELECTOR, "[aria-required]")
    assert required and {node.get_attribute("role") or node.tag_name for node in required} <= {"combobox", "input"}
