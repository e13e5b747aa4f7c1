"""The dossier's tabs driven by NiceGUI's simulated user: fill each tab, errors keep what was typed, locks."""

from datetime import UTC, datetime

import pytest
from nicegui import ui
from nicegui.testing import User

from app.db import new_session, transaction
from app.models import ActorKind, Candidate
from app.services.accounts.passwords import hash_password
from app.services.dossier import tabs as dossier
from app.services.dossier.schemas import DossierInvalid
from app.services.platform import leases
from app.services.platform.actors import Actor
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import parse, should_see_marked

GOOD = "Solide-Passe-2026"
NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(clock):
    clock.set(NOW)
    return clock


@pytest.fixture
def account_id(database_url: str) -> int:
    with new_session() as session:
        account = factories.account(session, password_hash=hash_password(GOOD), email="lea@mail.example")
        session.commit()
        return account.id


async def signed_in(user: User, path: str) -> None:
    await user.open("/connexion")
    user.find(marker="login").type("lea@mail.example")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="candidate-name")
    await user.open(path)


def element(user: User, marker: str):
    return user.find(marker=marker).elements.pop()


def choose(user: User, marker: str, label: str) -> None:
    select = element(user, marker)
    assert isinstance(select, ui.select)
    select.value = next(k for k, v in select.options.items() if v == label)


def stored(account_id: int) -> dossier.Dossier:
    with transaction() as session:
        return dossier.open_dossier(session, actor=Actor("candidate", account_id=account_id))


async def test_home_shows_what_is_missing_and_links_to_the_tabs(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat")
    await user.should_see(marker="dossier-incomplete")
    await user.should_see(marker="personal-missing")
    await user.should_see("Manque : Date de naissance")
    await should_see_marked(user, "nav-candidatures")
    user.find(marker="link-address").click()
    await user.should_see(marker="line1")


async def test_fill_personal_information_and_an_unknown_ine(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/informations")
    user.find(marker="birth_name").clear().type("Lefèvre")
    user.find(marker="first_names").clear().type("Hélène")
    user.find(marker="birth_date").type("01/01/2020")  # too young: refused, typed values kept
    choose(user, "birth_department", "45 – Loiret")
    user.find(marker="mobile").type("06 12 34 56 78")
    user.find(marker="ine").type("1234567890v")
    await click(user, "save")
    await user.should_see("La date de naissance doit se situer entre il y a 100 ans et il y a 10 ans.")
    assert element(user, "birth_name").value == "Lefèvre" and element(user, "ine").value == "1234567890v"
    user.find(marker="birth_date").clear().type("12/03/2004")
    choose(user, "birth_commune_insee", "ORLEANS")
    await click(user, "save")
    await user.should_see(marker="ine-unknown-question")
    await user.should_see("Vous n'avez jamais été inscrit·e à l'université : voulez-vous continuer ?")
    candidate = stored(account_id).candidate
    assert (candidate.birth_name, candidate.ine, candidate.birth_place) == ("LEFÈVRE", "1234567890V", "ORLEANS")
    # Accents typed are kept: family names in capitals, first names as typed (no capitals forced on screen).
    assert element(user, "birth_name").value == "LEFÈVRE" and element(user, "first_names").value == "Hélène"
    assert "input-style" not in element(user, "first_names").props


async def test_a_bea_with_a_wrong_key_is_told_so_next_to_the_ine_and_no_rnie_is_proposed(
    user: User, account_id: int
) -> None:
    await signed_in(user, "/candidat/dossier/informations")
    user.find(marker="birth_name").clear().type("Lefèvre")
    user.find(marker="first_names").clear().type("Hélène")
    user.find(marker="birth_date").type("12/03/2004")
    choose(user, "birth_department", "45 – Loiret")
    choose(user, "birth_commune_insee", "ORLEANS")
    user.find(marker="ine").type("5260181590A")
    await click(user, "save")
    await user.should_see("Le formulaire contient 1 erreur : corrigez le champ signalé.")
    error = element(user, "ine").error
    # The field is invalid and described by its line of the list above the form (Quasar's message has no id).
    assert element(user, "ine").props["aria-invalid"] == "true"
    (line,) = parse(user.find(marker="form-error").elements.pop().content).find("li")
    assert (
        line.attrs["id"] == element(user, "ine").props["aria-describedby"]
        and line.text == f"INE (identifiant national étudiant) : {error}"
    )
    assert error.startswith("La clé de contrôle de cet INE-BEA (10 chiffres et 1 lettre) ne correspond pas")
    assert "526018159OA" not in error
    assert stored(account_id).candidate.ine is None


async def test_a_known_ine_locks_the_imported_fields(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/informations")
    user.find(marker="birth_name").clear().type("Moreau")
    user.find(marker="first_names").clear().type("Léa")
    user.find(marker="birth_date").type("01/01/2005")
    choose(user, "birth_department", "45 – Loiret")
    choose(user, "birth_commune_insee", "ORLEANS")
    user.find(marker="ine").type("1204000000C")
    await click(user, "save")
    await user.should_see(marker="locked-note")
    assert "readonly" in element(user, "birth_name").props
    assert element(user, "birth_name").value == "MOREAU-DUVAL"
    await user.open("/candidat/dossier/cursus-interne")
    await user.should_see(marker="internal-records")
    await user.should_see("contactez le service de scolarité concerné")
    # A forged service call (the page's entity changed by hand) is refused.
    opened = stored(account_id)
    opened.candidate.first_names = "AUTRE"
    with pytest.raises(DossierInvalid), transaction() as session:
        dossier.save_personal_information(
            session, actor=Actor("candidate", account_id=account_id), candidate=opened.candidate
        )


async def test_fill_the_address_in_france_then_abroad(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/adresse")
    user.find(marker="line1").type("3 rue des Carmes")
    user.find(marker="postcode").type("45160")
    assert set(element(user, "commune_insee").options.values()) == {"ARDON", "OLIVET", "ST HILAIRE ST MESMIN"}
    await click(user, "save")
    await user.should_see("Choisissez la commune parmi celles de ce code postal.")
    choose(user, "commune_insee", "OLIVET")
    await click(user, "save")
    await user.should_see(marker="saved")
    assert stored(account_id).address.city == "OLIVET"
    choose(user, "country", "Sénégal")
    user.find(marker="city").type("Dakar")
    await click(user, "save")
    await user.should_see(marker="saved")
    assert (stored(account_id).address.country, stored(account_id).address.city) == ("SN", "Dakar")


async def test_fill_the_baccalaureate(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/baccalaureat")
    choose(user, "series", "Baccalauréat technologique")
    user.find(marker="year").type("2022")
    await click(user, "save")
    await user.should_see("Précisez la série ou le diplôme.")
    user.find(marker="series_detail").type("STMG")
    choose(user, "department", "45 – Loiret")
    choose(user, "mention", "Bien")
    await click(user, "save")
    await user.should_see(marker="saved")
    bac = stored(account_id).baccalaureate
    assert (bac.series_detail, bac.year, bac.mention, bac.department) == ("STMG", 2022, "Bien", "45")


async def test_add_an_external_record_with_the_searchable_list_and_the_unlisted_path(
    user: User, account_id: int
) -> None:
    await signed_in(user, "/candidat/dossier/cursus-externe")
    await user.should_see(marker="iut-note")
    user.find(marker="academic_year").type("2024")
    choose(user, "establishment_uai", "Université d'Orléans (Orléans)")
    choose(user, "diploma_type", "Licence")
    user.find(marker="label").type("Licence d'histoire")
    await click(user, "save")
    await user.should_see("Licence d'histoire · Obtenu")
    user.find(marker="academic_year").type("2025")
    user.find(marker="not-listed").click()
    await user.should_see(marker="assistance-note")
    user.find(marker="establishment_label").type("Université de Genève")
    choose(user, "country", "Suisse")
    choose(user, "diploma_type", "Master")
    user.find(marker="label").type("Master d'histoire")
    choose(user, "outcome", "En cours")
    await click(user, "save")
    await user.should_see("Université de Genève · Master d'histoire · En cours")
    records = stored(account_id).external_records
    assert {r.establishment_uai for r in records} == {"0450855K", None}


async def test_add_edit_and_delete_work_experience_and_internships(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/experiences")
    await click(user, "save")
    await user.should_see("Ce champ est obligatoire.")
    user.find(marker="year").type("2024")
    user.find(marker="duration").type("6 mois")
    user.find(marker="title").type("Vendeur")
    user.find(marker="employer").type("Librairie Les Temps modernes")
    await click(user, "save")
    await user.should_see("2024 · Vendeur · Librairie Les Temps modernes · 6 mois")
    entry_id = stored(account_id).work_experiences[0].id
    user.find(marker=f"edit-{entry_id}").click()
    user.find(marker="title").clear().type("Libraire")
    await click(user, "save")
    await user.should_see("2024 · Libraire · Librairie Les Temps modernes · 6 mois")
    await click(user, f"delete-{entry_id}")
    await user.should_see(marker="entries-empty")
    assert stored(account_id).work_experiences == []

    await user.open("/candidat/dossier/stages")
    user.find(marker="year").type("2025")
    user.find(marker="duration").type("8 semaines")
    user.find(marker="hours_per_week").type("35")
    user.find(marker="organisation").type("Laboratoire LIFO")
    await click(user, "save")
    await user.should_see("2025 · Laboratoire LIFO · 8 semaines")
    assert stored(account_id).internships[0].hours_per_week == 35


async def test_a_manager_holding_the_lease_makes_the_dossier_read_only(user: User, account_id: int) -> None:
    cid = stored(account_id).candidate.id
    with transaction() as session:
        leases.acquire(
            session,
            resource=leases.candidate_resource(cid),
            holder=leases.Holder(ActorKind.STAFF, 1, "Gestionnaire", "staff-page"),
        )
    await signed_in(user, "/candidat/dossier/informations")
    await user.should_see(
        "Ces données sont en cours d'utilisation par un gestionnaire. Réessayez dans quelques minutes."
    )
    await user.should_not_see(marker="save")
    assert "readonly" in element(user, "birth_name").props


async def test_the_candidates_page_holds_the_lease(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/adresse")
    with new_session() as session:
        cid = session.exec(Candidate.__table__.select()).first().id  # type: ignore[attr-defined]
        lease = leases.who_holds(session, resource=leases.candidate_resource(cid))
    assert lease is not None and lease.holder_kind == ActorKind.CANDIDATE and lease.holder_id == account_id


async def test_every_list_is_a_typeable_combobox_so_its_required_state_reaches_the_combobox(
    user: User, account_id: int
) -> None:
    """A plain q-select puts the attributes set on it (aria-required, aria-invalid…) on a div around its combobox;
    with an input, Quasar gives them to the combobox itself (checked in Chromium: tests/browser/test_form_fields.py)."""
    await signed_in(user, "/candidat/dossier/informations")
    civility = element(user, "civility")
    assert civility.props["use-input"] is True and civility.props["aria-required"] == "true"
    civility.value = next(iter(civility.options))  # still a choice from the list, not free text
    assert "new-value-mode" not in civility.props
