"""Wide tables scroll sideways on a phone inside a box the keyboard reaches (tabindex=0), a named region: the
staff list, the statistics, the candidate's cursus interne."""

from typing import Any

from nicegui.testing import User

from app.models import StaffRole
from tests.ui import test_dossier_pages as dossier_pages
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff
from tests.ui.staff_sessions import sign_in as staff_sign_in
from tests.ui.test_dossier_pages import choose, signed_in
from tests.ui.test_staff_applications import centre_with_applications
from tests.ui.test_staff_applications import sign_in as manager_sign_in
from tests.ui.test_staff_statistics import committee_world

account_id = dossier_pages.account_id  # a candidate's account, for the cursus interne
fixed_clock = dossier_pages.fixed_clock


def scroll_box(user: User, marker: str) -> Any:
    """The element around the table marked ``marker``: the one that scrolls."""
    table = user.find(marker=marker).elements.pop()
    with user:
        return table.parent_slot.parent


def assert_reachable_region(box: Any, name: str) -> None:
    assert "ec-scroll" in box.classes
    assert box.props["tabindex"] == "0" and box.props["role"] == "region" and box.props["aria-label"] == name


async def test_the_staff_list_scrolls_in_a_named_box_reached_by_tab(user: User) -> None:
    centre_with_applications(3)
    await manager_sign_in(user)
    await user.open("/gestion/candidatures")
    await user.should_see(marker="applications")
    assert_reachable_region(scroll_box(user, "applications"), "Liste des candidatures")


async def test_every_statistics_table_scrolls_in_a_box_named_by_its_caption(user: User) -> None:
    committee_world()
    await staff_sign_in(user, "central")
    await user.open("/gestion/statistiques")
    await user.should_see(marker="table-decisions")
    for marker in ("table-decisions", "daily"):
        box = scroll_box(user, marker)
        with user:
            caption = next(e for e in user.find(marker=marker).elements.pop().default_slot.children)
        assert_reachable_region(box, caption.text)


async def test_the_cursus_interne_scrolls_in_a_named_box_reached_by_tab(user: User, account_id: int) -> None:
    await signed_in(user, "/candidat/dossier/informations")
    user.find(marker="birth_name").clear().type("Moreau")
    user.find(marker="first_names").clear().type("Léa")
    user.find(marker="birth_date").type("01/01/2005")
    choose(user, "birth_department", "45 – Loiret")
    choose(user, "birth_commune_insee", "ORLEANS")
    user.find(marker="ine").type("1204000000C")  # known to the student records: the cursus interne is imported
    await click(user, "save")
    await user.should_see(marker="locked-note")
    await user.open("/candidat/dossier/cursus-interne")
    await user.should_see(marker="internal-records")
    assert_reachable_region(scroll_box(user, "internal-records"), "Cursus interne")


async def test_the_administrations_staff_table_scrolls_in_a_named_box_too(user: User) -> None:
    make_staff("ada", StaffRole.ADMINISTRATOR)
    await staff_sign_in(user, "ada")
    await user.open("/admin/gestionnaires")
    await user.should_see(marker="staff")
    assert_reachable_region(scroll_box(user, "staff"), "Gestionnaires")
