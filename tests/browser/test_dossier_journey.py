"""The dossier's searchable lists in a real browser: typed words find their option whatever the accents and case
(the server filters what is typed), and an empty result is said, on screen and in a live region."""

import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.services.demo.data import DEMO_IDENTITIES, DOSSIER_NUMBERS, DOSSIER_ONLY
from tests.browser.conftest import screenshot
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


def sign_in(driver, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    candidate = next(i for i in DEMO_IDENTITIES if i.login == DOSSIER_NUMBERS[DOSSIER_ONLY])
    driver.get(portal.url + "/connexion")
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[autocomplete=username]")))
    driver.find_element(By.CSS_SELECTOR, "input[autocomplete=username]").send_keys(candidate.login)
    password = driver.find_element(By.CSS_SELECTOR, "input[autocomplete=current-password]")
    password.send_keys(candidate.password, Keys.ENTER)
    WebDriverWait(driver, 15).until(ec.url_to_be(portal.url + "/candidat"))


def field_input(driver, label: str):  # type: ignore[no-untyped-def]
    """The text input of the Quasar field labelled ``label`` (quoted with ": a label may hold an apostrophe)."""
    return WebDriverWait(driver, 15).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, f'input[aria-label="{label}"]'))
    )


def listed(driver) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the open list's items. The list is redrawn as the server answers what was typed: an item found
    and then replaced before its text was read is stale, and the list is read again (seen once in CI, under load)."""
    for _ in range(50):
        try:
            return [item.text.strip() for item in driver.find_elements(By.CSS_SELECTOR, ".q-menu .q-item")]
        except StaleElementReferenceException:
            time.sleep(0.05)
    raise AssertionError("the open list kept being redrawn while it was read")


def statuses(driver) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the page's live regions, no-break spaces as plain ones (as ``.text`` gives them)."""
    regions = driver.find_elements(By.CSS_SELECTOR, "[role=status]")
    return [region.get_attribute("textContent").replace("\u00a0", " ") for region in regions]


def type_into(driver, label: str, text: str):  # type: ignore[no-untyped-def]
    field = field_input(driver, label)
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    field.send_keys(text)
    return field


def test_typed_words_find_communes_and_countries_whatever_their_accents(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, demo_portal)
    browser.get(demo_portal.url + "/candidat/dossier/informations")

    # The département by its name in lower case, chosen with the keyboard.
    department = type_into(browser, "Département de naissance *", "loiret")
    WebDriverWait(browser, 10).until(lambda d: listed(d) == ["45 – Loiret"])
    department.send_keys(Keys.ARROW_DOWN, Keys.ENTER)

    # « Orléans » as a candidate types it finds the commune La Poste writes ORLEANS, and the live region counts it.
    type_into(browser, "Commune de naissance *", "Orléans")
    WebDriverWait(browser, 10).until(lambda d: "ORLEANS" in listed(d))
    assert all("ORLEANS" in label for label in listed(browser))
    WebDriverWait(browser, 10).until(lambda d: "1 choix correspond." in statuses(d))
    type_into(browser, "Commune de naissance *", "saint-jean-de-braye")
    WebDriverWait(browser, 10).until(lambda d: listed(d) == ["ST JEAN DE BRAYE"])

    # Nothing matches: the list says so, and so does the live region (present from the start).
    type_into(browser, "Commune de naissance *", "Orléanz")
    message = "Aucune commune de ce département ne correspond à « Orléanz »."
    WebDriverWait(browser, 10).until(lambda d: listed(d) == [message])
    assert message in statuses(browser)
    screenshot(browser, tmp_path / "no-commune.png")
    commune = field_input(browser, "Commune de naissance *")
    commune.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 10).until(lambda d: not listed(d) and message not in statuses(d))

    # The same filter serves every searchable list of the dossier, reached and opened with the keyboard alone:
    # « etats unis » typed after Tab opens the list of nationalities and finds « États-Unis ».
    commune.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("aria-label") == "Nationalité (pays) *"
    browser.switch_to.active_element.send_keys("etats unis")
    WebDriverWait(browser, 10).until(lambda d: "États-Unis" in listed(d))
