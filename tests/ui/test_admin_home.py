"""The administration hub lists the sections the current role may configure."""

from nicegui.testing import User

from app.db import new_session
from app.models import StaffRole
from tests import factories
from tests.ui.staff_sessions import make_staff, sign_in


async def test_the_central_office_sees_every_section(user: User, database_url: str) -> None:
    make_staff("office", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "office")
    user.find(marker="admin-link").click()
    await user.should_see(marker="admin-sections")
    for section in ("campagnes", "formations", "mails", "gestionnaires", "parametres", "api"):
        await user.should_see(marker=f"section-{section}")


async def test_a_centre_manager_sees_the_offer_only_when_the_centre_may_edit_it(user: User, database_url: str) -> None:
    with new_session() as session:
        closed = factories.centre(session, managers_edit_offer=False).id
        open_ = factories.centre(session, managers_edit_offer=True).id
        session.commit()
    make_staff("closed", StaffRole.CENTRE_MANAGER, centre_id=closed)
    make_staff("opened", StaffRole.CENTRE_MANAGER, centre_id=open_)

    await sign_in(user, "closed")
    await user.open("/admin")
    await user.should_see(marker="no-section")

    await sign_in(user, "opened")
    await user.open("/admin")
    await user.should_see(marker="section-formations")
    await user.should_see(marker="section-pieces")
    await user.should_not_see(marker="section-campagnes")
    await user.should_not_see(marker="section-gestionnaires")
