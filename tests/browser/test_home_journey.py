"""The first journey in a real browser: ``python main.py`` on a fresh data directory serves the demo
campus's home page, usable with the keyboard, in French then English."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait
from sqlmodel import Session, create_engine

from app.services.offer.browse import WindowState, list_offer
from tests.browser.conftest import screenshot
from tests.portal_process import Portal

pytestmark = pytest.mark.browser


def open_programmes(portal: Portal, lang: str) -> dict[str, list[str]]:
    """What the home page must list, read from the portal's own database: centre label -> programme labels."""
    engine = create_engine(f"sqlite:///{(portal.data_dir / 'ecandidat.db').as_posix()}")
    with Session(engine) as session:
        offer = list_offer(session, lang=lang, states={WindowState.OPEN})
    engine.dispose()
    return {centre.label: [p.label for p in centre.programs] for centre in offer}


def wait_for_text(driver, text: str, timeout: float = 15) -> None:  # type: ignore[no-untyped-def]
    WebDriverWait(driver, timeout).until(ec.text_to_be_present_in_element((By.TAG_NAME, "main"), text))


def test_home_page_lists_the_open_programmes_by_centre_in_french_then_english(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    expected = open_programmes(demo_portal, "fr")
    assert len(expected) >= 3, "the demo campus has open programmes in several centres"

    browser.get(demo_portal.url + "/")
    wait_for_text(browser, next(iter(expected)))
    screenshot(browser, tmp_path / "home-fr.png")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert "Université d'Orléans" in browser.title
    assert "Université d'Orléans" in browser.find_element(By.TAG_NAME, "h1").text
    centres = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    for centre, programmes in expected.items():
        assert centre in centres
        for label in programmes:
            assert label in browser.find_element(By.TAG_NAME, "main").text

    # Keyboard: the first Tab reaches the skip link, which leads into the main content.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.text == "Aller au contenu"
    skip.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "contenu")

    # The language switch serves the same page in English.
    browser.find_element(By.CSS_SELECTOR, "a[hreflang='en']").click()  # a plain link
    english = open_programmes(demo_portal, "en")
    wait_for_text(browser, next(iter(english)))
    screenshot(browser, tmp_path / "home-en.png")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith("en")
    main_text = browser.find_element(By.TAG_NAME, "main").text
    for programmes in english.values():
        for label in programmes:
            assert label in main_text
