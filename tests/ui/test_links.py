"""Every link of every hub and menu opens a page, for each kind of person: no 404, no error page.

The hubs are the home page, the candidate's space (its nav, the account menu and the footer), the staff home and the
administration hub; links are read from the page's ``ui.link`` elements and from its HTML blocks alike.
"""

import pytest
from nicegui import ui
from nicegui.testing import User

from app.db import new_session
from app.models import StaffRole
from app.services.accounts.candidates import ACTIVATION_PATH, EMAIL_CHANGE_PATH, PASSWORD_RESET_PATH
from app.services.accounts.passwords import hash_password
from app.services.applications.mails import CANDIDATE_APPLICATION_PATH, STAFF_APPLICATION_PATH
from app.services.review.staff_list import LIST_PATH as STAFF_LIST_PATH
from app.services.review.staff_messages import MESSAGES_PATH
from app.ui import routes
from app.ui.admin_nav import SECTIONS
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import GOOD, make_staff, sign_in
from tests.ui.static_html import page_blocks


def page_links(user: User) -> set[str]:
    """The application's own links on the open page (``ui.link`` elements and ``<a>`` of HTML blocks)."""
    hrefs: list[str] = []
    with user:
        hrefs += [str(e.props.get("href", "")) for e in user.client.layout.descendants() if isinstance(e, ui.link)]
    hrefs += [node.attrs.get("href", "") for node in page_blocks(user).find("a")]
    return {href for href in hrefs if href.startswith("/")}


async def links_of(user: User, *hubs: str) -> set[str]:
    found: set[str] = set()
    for hub in hubs:
        await user.open(hub)
        found |= page_links(user)
    return found


async def each_opens_a_page(user: User, links: set[str]) -> None:
    """``user.open`` fails on anything but a page answered 200 (a 404, an error page); the fixture fails on any
    ERROR logged meanwhile."""
    assert links
    for link in sorted(links, key=lambda href: href.startswith("/langue/")):  # the language switch last
        try:
            await user.open(link)
        except (AssertionError, ValueError) as error:
            raise AssertionError(f"the link {link!r} opens no page: {error}") from error


async def test_the_anonymous_hubs_links_open_pages(user: User) -> None:
    links = await links_of(user, routes.HOME, routes.SIGN_IN)
    assert {routes.SIGN_IN, routes.OFFER, routes.FAQ, routes.ACCOUNT_CREATE, routes.LEGAL_NOTICE} <= links
    await each_opens_a_page(user, links)


async def test_the_candidates_nav_menu_and_footer_links_open_pages(user: User, database_url: str) -> None:
    with new_session() as session:
        factories.account(session, password_hash=hash_password(GOOD), email="lea@mail.example")
        session.commit()
    await user.open(routes.SIGN_IN)
    user.find(marker="login").type("lea@mail.example")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="candidate-name")
    links = await links_of(user, routes.CANDIDATE_HOME, routes.ACCOUNT)
    expected = {routes.CANDIDATE_HOME, routes.APPLICATIONS, routes.OFFER, routes.ACCOUNT, routes.PERSONAL_DATA}
    assert expected | {routes.DOSSIER_TAB.format(tab="stages")} <= links
    await each_opens_a_page(user, links)


@pytest.mark.parametrize(
    "role", [StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.CENTRE_MANAGER, StaffRole.COMMITTEE_MEMBER]
)
async def test_the_staff_home_and_administration_hub_links_open_pages(
    user: User, database_url: str, role: StaffRole
) -> None:
    with new_session() as session:  # a centre whose managers may edit the offer: its manager's hub lists it
        program = factories.program(session, centre_id=factories.centre(session, managers_edit_offer=True).id)
        session.commit()
        scope = {
            StaffRole.CENTRE_MANAGER: {"centre_id": program.centre_id},
            StaffRole.COMMITTEE_MEMBER: {"committee_id": program.committee_id},
        }.get(role, {})
    make_staff("agent", role, **scope)
    await sign_in(user, "agent")
    hubs = [routes.STAFF_HOME] if role == StaffRole.COMMITTEE_MEMBER else [routes.STAFF_HOME, routes.ADMIN]
    links = await links_of(user, *hubs)
    assert {routes.STAFF_APPLICATIONS, routes.WAITING_LISTS, routes.STATISTICS, routes.EXPORTS} <= links
    if role in (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE):
        assert {section.path for section in SECTIONS} | {routes.ADMIN_LEASES, routes.HANDOFF} <= links
    await each_opens_a_page(user, links)


def test_the_services_mail_links_name_the_pages_routes() -> None:
    """Services may not import the screen kit: their links are their own constants, kept equal to the routes."""
    assert CANDIDATE_APPLICATION_PATH.format(id=7) == routes.APPLICATION.format(application_id=7)
    assert STAFF_APPLICATION_PATH.format(id=7) == routes.STAFF_APPLICATION.format(application_id=7)
    assert STAFF_LIST_PATH == routes.STAFF_APPLICATIONS
    assert MESSAGES_PATH == routes.MESSAGES
    assert ACTIVATION_PATH == routes.ACCOUNT_ACTIVATE
    assert PASSWORD_RESET_PATH == routes.PASSWORD_RESET
    assert EMAIL_CHANGE_PATH == routes.EMAIL_CHANGE
