"""A piece's upload control in a real browser: a named button opens the picker, the files chosen together (two of
them with the same name) all land in the piece in the order chosen, and each outcome is announced."""

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from app.services.demo.data import CANDIDATE_PASSWORD, DOSSIER_NUMBERS
from tests.browser.conftest import screenshot
from tests.factories import pdf_bytes
from tests.portal_process import Portal

pytestmark = pytest.mark.browser

CANDIDATE = "c11"  # an application of the demo whose pieces are still missing, used by no other journey
ADD = "Ajouter des fichiers (PDF, JPEG, PNG)"


def sign_in(driver, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    driver.get(portal.url + "/connexion")
    WebDriverWait(driver, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[autocomplete=username]")))
    driver.find_element(By.CSS_SELECTOR, "input[autocomplete=username]").send_keys(DOSSIER_NUMBERS[CANDIDATE])
    password = driver.find_element(By.CSS_SELECTOR, "input[autocomplete=current-password]")
    password.send_keys(CANDIDATE_PASSWORD, Keys.ENTER)
    WebDriverWait(driver, 15).until(ec.url_to_be(portal.url + "/candidat"))


def texts(card, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the card's elements matching ``selector``, read at once (Vue redraws them as they change)."""
    script = "return [...arguments[0].querySelectorAll(arguments[1])].map((e) => e.textContent.trim())"
    # French typography's no-break spaces (before « : ») read as the spaces the expected lines are written with.
    return [text.replace("\u00a0", " ") for text in card.parent.execute_script(script, card, selector)]


def status_lines(card) -> list[str]:  # type: ignore[no-untyped-def]
    return texts(card, "[role=status] p")


def test_files_chosen_together_all_land_in_the_order_chosen_and_are_announced(
    demo_portal: Portal, browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    sign_in(browser, demo_portal)
    browser.get(demo_portal.url + "/candidat/candidatures")
    link = WebDriverWait(browser, 15).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "main a[href*='/candidat/candidatures/']"))
    )
    browser.get(link.get_attribute("href"))
    button = WebDriverWait(browser, 15).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, f"button[aria-label^='{ADD} à la pièce']"))
    )
    assert button.text.strip().endswith(ADD)  # the name starts with the visible text (the icon's ligature before it)
    card = button.find_element(By.XPATH, "ancestor::div[contains(@class, 'q-card')]")
    assert status_lines(card) == [] and card.find_elements(By.CSS_SELECTOR, "[role=status]")

    button.send_keys(Keys.ENTER)  # the keyboard opens the picker (headless: no dialog), the uploader is drawn
    chooser = WebDriverWait(browser, 15).until(lambda d: card.find_elements(By.CSS_SELECTOR, "input[type=file]"))[0]
    header = card.find_element(By.CSS_SELECTOR, ".q-uploader__header")
    assert not header.is_displayed()  # Quasar's unnamed add button and its « 0.0B / 0.00% » are not shown
    assert "0.00%" not in card.text and "0.0B" not in card.text

    chosen = []  # two « relevé.pdf » from two folders: the form must keep both
    for folder, name, pages in (("s5", "relevé.pdf", 1), ("s6", "relevé.pdf", 2), ("", "attestation.pdf", 3)):
        path = tmp_path / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf_bytes(pages))
        chosen.append(path)
    chooser.send_keys("\n".join(str(path) for path in chosen))

    expected = [
        "relevé.pdf : Ajouté à la pièce.",
        "relevé.pdf : Ajouté à la pièce.",
        "attestation.pdf : Ajouté à la pièce.",
    ]
    WebDriverWait(browser, 60).until(lambda d: status_lines(card) == expected)
    WebDriverWait(browser, 15).until(lambda d: len(card.find_elements(By.CSS_SELECTOR, "ol li")) == 3)
    listed = [item.text.strip() for item in card.find_elements(By.CSS_SELECTOR, "ol li")]
    assert [line.split(" — ")[0] for line in listed] == ["relevé.pdf", "relevé.pdf", "attestation.pdf"]
    assert [line.split(" — ")[1].split(",")[0] for line in listed] == ["1 page", "2 pages", "3 pages"]
    assert "Document qui sera transmis au jury : 6 pages" in card.text
    assert browser.switch_to.active_element == button  # the focus stayed on the button: add more from there
    screenshot(browser, tmp_path / "piece-uploaded.png")
