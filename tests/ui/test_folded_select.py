"""The dossier's searchable lists filter on the server: what is typed reaches Python (Quasar's ``input-value``), and
only the options holding every typed word, accents, case and punctuation aside, are sent back."""

import pytest
from nicegui.testing import User

from app.db import new_session
from app.i18n import gettext
from app.services.accounts.passwords import hash_password
from app.ui.folded_select import SHOWN, FoldedSelect
from tests import factories
from tests.ui.handler_clicks import click

GOOD = "Solide-Passe-2026"
NO_COMMUNE = "Aucune commune de ce département ne correspond à « {query} »."


def said(msgid: str, query: str) -> str:
    """The French message as the page words it (the i18n layer sets its typography)."""
    return gettext(msgid, "fr").format(query=query)


@pytest.fixture
def account_id(database_url: str) -> int:
    with new_session() as session:
        account = factories.account(session, password_hash=hash_password(GOOD), email="lea@mail.example")
        session.commit()
        return account.id


async def personal_tab(user: User) -> None:
    await user.open("/connexion")
    user.find(marker="login").type("lea@mail.example")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="candidate-name")
    await user.open("/candidat/dossier/informations")
    await user.should_see(marker="birth_commune_insee")


def searchable(user: User, marker: str) -> FoldedSelect:
    select = user.find(marker=marker).elements.pop()
    assert isinstance(select, FoldedSelect)
    return select


def typed(user: User, marker: str, text: str) -> list[str]:
    """Type ``text`` into the list marked ``marker``; the labels the browser then gets."""
    user.find(marker=marker).trigger("inputValue", text)  # NiceGUI camel-cases the name of "input-value"
    return [option["label"] for option in searchable(user, marker).props["options"]]


def live_region(select: FoldedSelect) -> str:
    return select.status.text


async def test_accents_and_case_aside_the_same_communes_are_found(user: User, account_id: int) -> None:
    await personal_tab(user)
    department = searchable(user, "birth_department")
    department.value = "45"
    commune = searchable(user, "birth_commune_insee")
    assert len(commune.options) > SHOWN  # the Loiret's 300-odd communes: only the first ones are sent at first
    assert len(commune.props["options"]) == SHOWN
    assert commune.status.props["role"] == "status" and live_region(commune) == ""  # there, silent, from the start

    found = {text: typed(user, "birth_commune_insee", text) for text in ("orleans", "Orléans", "ORLÉANS")}
    assert found["orleans"] == found["Orléans"] == found["ORLÉANS"] == ["ORLEANS"]
    assert live_region(commune) == "1 choix correspond."
    assert typed(user, "birth_commune_insee", "saint-jean de braye") == ["ST JEAN DE BRAYE"]  # La Poste's ST
    assert typed(user, "birth_commune_insee", "braye jean") == ["ST JEAN DE BRAYE"]  # every word, in any order

    assert typed(user, "birth_commune_insee", "Orléanz") == []
    await user.should_see(said(NO_COMMUNE, "Orléanz"))
    assert live_region(commune) == said(NO_COMMUNE, "Orléanz")

    # Emptied, the list is whole again (as many as are sent) and the region falls silent.
    assert len(typed(user, "birth_commune_insee", "")) == SHOWN
    assert live_region(commune) == ""


async def test_choosing_keeps_the_value_and_the_whole_list_comes_back(user: User, account_id: int) -> None:
    await personal_tab(user)
    searchable(user, "birth_department").value = "45"
    commune = searchable(user, "birth_commune_insee")
    assert typed(user, "birth_commune_insee", "orléans") == ["ORLEANS"]
    user.find(marker="birth_commune_insee").click()  # the list opens
    await user.should_see("ORLEANS")
    await user.should_not_see("OLIVET")  # the simulated user sees what was sent, not the whole list
    user.find("ORLEANS").click()
    assert commune.options[commune.value] == "ORLEANS"
    # Escape or leaving the field puts the chosen label back into it: that is no search, the list is whole again.
    assert len(typed(user, "birth_commune_insee", "ORLEANS")) == SHOWN
    assert live_region(commune) == ""
    # Typing elsewhere in the field does not lose the value chosen until another option is.
    typed(user, "birth_commune_insee", "olivet")
    assert commune.options[commune.value] == "ORLEANS"


async def test_the_same_filter_serves_the_countries(user: User, account_id: int) -> None:
    await personal_tab(user)
    assert "États-Unis" in typed(user, "nationality", "etats unis")
    assert typed(user, "nationality", "xyzzy") == []
    nationality = searchable(user, "nationality")
    assert live_region(nationality) == said("Aucun choix de la liste ne correspond à « {query} ».", "xyzzy")
