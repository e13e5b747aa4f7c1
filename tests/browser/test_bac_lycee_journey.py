"""The baccalauréat's lycée in a real browser, with the keyboard alone: the département, then a lycée found by a word
of its name, saved; the page with the list open passes axe-core (no serious or critical violation).

TEST DATA ONLY: the lycées are made up by tests/test_lycees.py (« Lycée d'essai … ») and imported into this test's
own portal with the command a university runs, never into the demo campus.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.axe_audit import axe_source, run_axe, table
from tests.browser.conftest import screenshot
from tests.browser.test_dossier_journey import field_input, listed, sign_in, statuses, type_into
from tests.portal_process import ROOT, run_portal
from tests.test_lycees import ANNUAIRE, A

pytestmark = pytest.mark.browser


def _import(data_dir: Path, csv_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECANDIDAT_", "PYTEST_", "NICEGUI_"))}
    env["ECANDIDAT_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "app.manage", "import-lycees", str(csv_file)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_lycee_is_chosen_with_the_keyboard_and_saved(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv_file = tmp_path / "annuaire-essai.csv"
    csv_file.write_text(ANNUAIRE, encoding="utf-8")
    with run_portal(tmp_path / "var") as portal:
        _import(portal.data_dir, csv_file)
        sign_in(browser, portal)
        browser.get(portal.url + "/candidat/dossier/baccalaureat")
        box = WebDriverWait(browser, 15).until(
            lambda d: d.find_element(By.XPATH, "//*[@role='checkbox'][contains(., 'Mon lycée')]")
        )
        if box.get_attribute("aria-checked") == "true":  # the demo dossier names its lycée by hand: back to the list
            box.send_keys(Keys.SPACE)
        type_into(browser, "Année d'obtention *", "2024")  # this demo dossier has none yet
        department = type_into(browser, "Département d'obtention (en France)", "loiret")
        WebDriverWait(browser, 10).until(lambda d: listed(d) == ["45 – Loiret"])
        department.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
        # The Loiret's lycées arrive from the server; a word of the name, accents aside, finds one.
        lycee = type_into(browser, "Lycée", "beta")
        WebDriverWait(browser, 10).until(lambda d: listed(d) == ["Lycée d'essai Bêta (Montargis)"])
        WebDriverWait(browser, 10).until(lambda d: "1 choix correspond." in statuses(d))
        type_into(browser, "Lycée", "alpha orleans")
        WebDriverWait(browser, 10).until(lambda d: listed(d) == ["Lycée d'essai Alpha (Orléans)"])
        screenshot(browser, tmp_path / "lycee-list.png")
        lycee = field_input(browser, "Lycée")
        lycee.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: not listed(d))
        # Audited with the lists closed, as the candidate pages' audit does: an open q-select list is reported
        # (aria-required-children) for every searchable list of the dossier, the département's as well.
        source, why = axe_source()
        if source is not None:
            findings = run_axe(browser, source, "/candidat/dossier/baccalaureat (lycée chosen)", "fr", 1366)
            assert not [f for f in findings if f.blocking], table(findings)
        browser.find_element(By.XPATH, "//button[contains(., 'Enregistrer')]").click()
        saved = "//*[@role='status'][contains(., 'Votre baccalauréat est enregistré.')]"
        WebDriverWait(browser, 10).until(lambda d: d.find_element(By.XPATH, saved).is_displayed())
        with sqlite3.connect(portal.data_dir / "ecandidat.db") as db:
            chosen = db.execute("SELECT establishment_label FROM baccalaureate WHERE establishment_uai = ?", (A,))
            assert chosen.fetchall() == [("Lycée d'essai Alpha (Orléans)",)]
        if source is None:
            pytest.skip(f"the journey passed; its axe-core audit did not run: {why}")
