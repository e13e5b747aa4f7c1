"""An address that bounces: the staff dossier shows « Adresse électronique en échec » with the date and the reason;
the candidate is told on their home and account pages to check their address; nothing shows once it works."""

from datetime import UTC, datetime

from nicegui.testing import User

from app.db import new_session
from app.models import Account, StaffRole
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import GOOD, make_staff, sign_in

BOUNCED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
REASON = "rcpt 550 5.1.1 <zoe@nowhere.example>: user unknown"


def candidate_with_application(*, bounced: bool) -> dict[str, int]:
    with new_session() as session:
        candidate = factories.complete_candidate(session)
        application = factories.application(session, candidate_id=candidate.id, program=factories.program(session))
        account = session.get(Account, candidate.account_id)
        assert account is not None
        account.email, account.password_hash = "zoe@nowhere.example", hash_password(GOOD)
        if bounced:
            account.email_bounced_at, account.email_bounce_reason = BOUNCED, REASON
        session.add(account)
        session.commit()
        return {"application": application.id or 0}


async def candidate_signs_in(user: User) -> None:
    await user.open("/connexion")
    user.find(marker="login").type("zoe@nowhere.example")
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")
    await user.should_see(marker="signed-in-name")


async def test_staff_see_the_badge_with_the_date_and_the_reason(user: User) -> None:
    ids = candidate_with_application(bounced=True)
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open(f"/gestion/candidatures/{ids['application']}")
    [summary] = user.find(marker="summary").elements
    assert 'data-mark="email-bounce"' in summary.content
    assert "Adresse électronique en échec" in summary.content
    assert "&lt;zoe@nowhere.example&gt;: user unknown" in summary.content  # the server's words, escaped
    assert "Le 2 mars 2026 à 09:15" in summary.content  # Paris time


async def test_no_badge_when_the_address_works(user: User) -> None:
    ids = candidate_with_application(bounced=False)
    make_staff("scol", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "scol")
    await user.open(f"/gestion/candidatures/{ids['application']}")
    [summary] = user.find(marker="summary").elements
    assert "email-bounce" not in summary.content


async def test_the_candidate_is_asked_to_check_their_address(user: User) -> None:
    candidate_with_application(bounced=True)
    await candidate_signs_in(user)
    await user.open("/candidat")
    await user.should_see("Nos courriels ne vous parviennent pas")
    await user.should_see(marker="check-email")
    await user.open("/compte")
    await user.should_see("Nos courriels ne vous parviennent pas")
    await user.should_not_see(marker="check-email")  # already where the address is changed


async def test_a_working_address_shows_no_notice(user: User) -> None:
    candidate_with_application(bounced=False)
    await candidate_signs_in(user)
    await user.open("/candidat")
    await user.should_see(marker="candidate-name")
    await user.should_not_see("Nos courriels ne vous parviennent pas")
