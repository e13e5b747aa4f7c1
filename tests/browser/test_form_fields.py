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


def spaced(text: str) -> str:
    """French typography puts no-break spaces before « : » and inside « »: compared as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


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


@pytest.mark.parametrize("width", [1366, 390])
def test_a_fields_hint_takes_its_own_space_above_the_next_field_and_the_buttons(
    demo_portal: Portal, browser, tmp_path: Path, width: int
) -> None:  # type: ignore[no-untyped-def]
    """Quasar draws hints in a 20 px strip out of the flow: the INE's five-line hint ran over « Enregistrer »."""
    sign_in(browser, demo_portal)
    browser.set_window_size(width, 1000)
    try:
        browser.get(demo_portal.url + "/candidat/dossier/informations")
        wait_for(browser, "input[aria-label='INE (identifiant national étudiant)']")
        boxes = browser.execute_script(
            """
            const box = el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
            const ine = document.querySelector("input[aria-label='INE (identifiant national étudiant)']")
                .closest('.q-field');
            const birth = document.querySelector("[aria-label^='Date de naissance']").closest('.q-field');
            const next = el => { let n = el.nextElementSibling; while (n && !n.offsetHeight) n = n.nextElementSibling;
                                 return n; };
            return {
                ine: box(ine.querySelector('.q-field__control')), hint: box(ine.querySelector('.q-field__bottom')),
                after: box(next(ine)),
                birth_hint: box(birth.querySelector('.q-field__bottom')), after_birth: box(next(birth)),
            };
            """
        )
        screenshot(browser, tmp_path / f"informations-{width}.png")
        assert boxes["hint"]["bottom"] - boxes["hint"]["top"] > 40  # several lines, all of them drawn
        assert boxes["ine"]["bottom"] <= boxes["hint"]["top"] + 1
        assert boxes["hint"]["bottom"] <= boxes["after"]["top"] + 1  # the buttons' row comes after the hint
        assert boxes["birth_hint"]["bottom"] <= boxes["after_birth"]["top"] + 1  # the next field too
    finally:
        browser.set_window_size(1280, 1024)


def test_a_day_reads_and_types_as_jj_mm_aaaa_in_an_american_chromium(demo_portal: Portal, browser) -> None:  # type: ignore[no-untyped-def]
    """Headless Chromium speaks en-US: a native date input showed the demo candidate's birth date as 11/15/2008."""
    sign_in(browser, demo_portal)
    browser.get(demo_portal.url + "/candidat/dossier/informations")
    birth = wait_for(browser, "input[aria-label^='Date de naissance']")
    WebDriverWait(browser, 15).until(lambda _: birth.get_attribute("value"))
    assert birth.get_attribute("type") == "text"
    assert birth.get_attribute("value") == "15/11/2008"
    birth.click()
    birth.send_keys(Keys.CONTROL, "a")
    birth.send_keys(Keys.BACKSPACE)
    birth.send_keys("01022005")  # digits only: the mask writes the slashes
    WebDriverWait(browser, 5).until(lambda _: birth.get_attribute("value") == "01/02/2005")


def test_a_refused_sign_up_marks_each_native_input_and_its_toggle_is_reached_by_tab(
    demo_portal: Portal, browser
) -> None:  # type: ignore[no-untyped-def]
    browser.get(demo_portal.url + "/compte/creer")
    password = wait_for(browser, "input[aria-label='Mot de passe']")
    password.click()
    password.send_keys(Keys.TAB)  # the next stop is the field's show/hide button, named after it
    focused = browser.switch_to.active_element
    assert focused.tag_name == "button" and spaced(focused.get_attribute("aria-label")) == "Afficher « Mot de passe »"
    focused.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda _: password.get_attribute("type") == "text")
    browser.find_element(By.XPATH, "//button[normalize-space()='Créer mon compte']").click()
    last_name = wait_for(browser, "input[aria-label='Nom'][aria-invalid='true']")  # on the native input itself
    described = browser.find_element(By.ID, last_name.get_attribute("aria-describedby"))
    assert spaced(described.text) == "Nom : Saisissez votre nom."
    assert len(browser.find_elements(By.CSS_SELECTOR, "input[aria-invalid='true']")) == 4  # names, e-mail, password
