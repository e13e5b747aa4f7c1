"""The « Baccalauréat » tab's lycée: from the imported list (département, then its lycées, or « Mon lycée n'est pas
dans la liste » and a typed name), and the free text it always had when no list was imported.

TEST DATA ONLY: the lycées are made up (« Lycée d'essai … », UAIs with a right check letter) by tests/test_lycees.py.
"""

import asyncio

from nicegui import background_tasks, ui
from nicegui.testing import User

from app.db import transaction
from app.services.dossier.lycees import import_lycees
from app.services.platform.actors import Actor
from tests.test_lycees import ANNUAIRE, A, B, C
from tests.ui.handler_clicks import click
from tests.ui.test_dossier_pages import account_id, choose, element, fixed_clock, signed_in, stored

__all__ = ["account_id", "fixed_clock"]  # the fixtures of the dossier's screen tests, used here too
CHOOSE = "Choisissez votre lycée dans la liste, ou saisissez son nom s'il n'y est pas."


def _import_test_list() -> None:
    with transaction() as session:
        import_lycees(session, actor=Actor.system(), data=ANNUAIRE.encode())


async def choose_and_wait(user: User, marker: str, label: str) -> None:
    """Choose ``label`` in a list whose change handler is async (it reads in a worker thread); wait for it."""
    before = set(background_tasks.running_tasks)
    choose(user, marker, label)
    started = {t for t in background_tasks.running_tasks if t not in before}
    if started:
        await asyncio.wait(started, timeout=10)


async def test_the_lycee_is_chosen_by_departement_then_from_its_list(user: User, account_id: int) -> None:
    _import_test_list()
    await signed_in(user, "/candidat/dossier/baccalaureat")
    choose(user, "series", "Baccalauréat général")
    user.find(marker="year").type("2024")
    lycee = element(user, "establishment_uai")
    assert lycee.options == {} and lycee.visible
    assert lycee.props["hint"].startswith("Choisissez d'abord le département d'obtention")
    await choose_and_wait(user, "department", "18 – Cher")
    assert lycee.options == {C: "Lycée d'essai Gamma (Bourges)"}
    await choose_and_wait(user, "department", "45 – Loiret")
    assert set(lycee.options) == {A, B}  # Loiret's two lycées; the collège and the section are not there
    choose(user, "establishment_uai", "Lycée d'essai Alpha (Orléans)")
    await click(user, "save")
    await user.should_see(marker="saved")
    bac = stored(account_id).baccalaureate
    assert (bac.establishment_uai, bac.establishment_label, bac.department) == (
        A,
        "Lycée d'essai Alpha (Orléans)",
        "45",
    )


async def test_a_lycee_not_in_the_list_is_typed_and_nothing_chosen_is_refused(user: User, account_id: int) -> None:
    _import_test_list()
    await signed_in(user, "/candidat/dossier/baccalaureat")
    choose(user, "series", "Baccalauréat général")
    user.find(marker="year").type("2024")
    await choose_and_wait(user, "department", "45 – Loiret")
    await user.should_not_see(marker="establishment_label")
    await click(user, "save")
    await user.should_see(CHOOSE)
    assert element(user, "establishment_uai").error == CHOOSE
    user.find(marker="lycee-not-listed").click()
    await user.should_see(marker="establishment_label")
    await user.should_not_see(marker="establishment_uai")
    user.find(marker="lycee-not-listed").click()  # the box stays there to be unticked: the list comes back
    await user.should_see(marker="establishment_uai")
    await user.should_not_see(marker="establishment_label")
    user.find(marker="lycee-not-listed").click()
    await click(user, "save")  # ticked, nothing typed: the refusal is said under the name to type, now shown
    assert element(user, "establishment_label").error == CHOOSE
    user.find(marker="establishment_label").type("Lycée d'essai absent (Gien)")
    await click(user, "save")
    await user.should_see(marker="saved")
    bac = stored(account_id).baccalaureate
    assert (bac.establishment_uai, bac.establishment_label) == (None, "Lycée d'essai absent (Gien)")


async def test_abroad_or_for_an_equivalence_the_establishment_is_typed_even_with_a_list(
    user: User, account_id: int
) -> None:
    _import_test_list()
    await signed_in(user, "/candidat/dossier/baccalaureat")
    choose(user, "series", "Baccalauréat général")
    choose(user, "country", "Sénégal")
    await user.should_see(marker="establishment_label")
    await user.should_not_see(marker="establishment_uai")
    await user.should_not_see(marker="lycee-not-listed")
    choose(user, "country", "France")
    await user.should_see(marker="establishment_uai")
    choose(user, "series", "Équivalence (DAEU, ESEU, validation d'acquis…)")  # a DAEU is a university's
    await user.should_not_see(marker="establishment_uai")
    await user.should_see(marker="establishment_label")


async def test_without_a_list_the_lycee_is_free_text_as_before(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/baccalaureat")
    choose(user, "series", "Baccalauréat général")
    user.find(marker="year").type("2023")
    choose(user, "department", "45 – Loiret")
    user.find(marker="establishment_label").type("Lycée Pothier")
    await click(user, "save")
    await user.should_see(marker="saved")
    await user.should_not_see(marker="lycee-not-listed")
    await user.should_not_see(marker="establishment_uai")
    assert isinstance(element(user, "establishment_label"), ui.input)
    assert stored(account_id).baccalaureate.establishment_label == "Lycée Pothier"
