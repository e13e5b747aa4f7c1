"""« Supprimer mon compte » on « Mon compte » (issue 21): the typed confirmation, the erasure at once and the sign-out,
the request recorded when transmitted applications hold it, and the central office's register."""

from datetime import UTC, date, datetime

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import Account, Application, ErasureRequest, OutboxMail, StaffMember, StaffRole
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import marked
from tests.ui.test_auth_pages import GOOD, sign_in


def _candidate(email: str, *, transmitted: bool) -> int:
    with new_session() as session:
        account = factories.account(session, email=email, password_hash=hash_password(GOOD))
        candidate = factories.candidate(session, account_id=account.id)
        program = factories.program(session, campaign_id=factories.campaign(session, ends_on=date(2099, 9, 30)).id)
        application = factories.application(session, candidate_id=candidate.id, program=program)
        if transmitted:
            application.transmitted_at = datetime(2026, 3, 1, tzinfo=UTC)
            session.add(application)
        session.commit()
        return account.id or 0


async def _ask_erasure(user: User, word: str) -> None:
    await user.open("/compte")
    await user.should_see(marker="erasure")
    await click(user, "erase-account")
    await user.should_see(marker="erasure-dialog")
    user.find(marker="erasure-confirmation").type(word)
    await click(user, "erasure-confirm")


async def test_a_wrong_word_is_refused_then_the_account_is_erased_and_signed_out(user: User) -> None:
    account_id = _candidate("gone@mail.example", transmitted=False)
    await sign_in(user, "gone@mail.example")
    await user.should_see(marker="candidate-name")
    await _ask_erasure(user, "oui")
    await user.should_see("Tapez SUPPRIMER pour confirmer la suppression de votre compte.")
    user.find(marker="erasure-confirmation").clear()
    user.find(marker="erasure-confirmation").type("supprimer")
    await click(user, "erasure-confirm")
    await user.should_see(marker="account-erased")
    with new_session() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.deleted_at is not None
        assert session.exec(select(OutboxMail.code).where(OutboxMail.to_address == "gone@mail.example")).all() == [
            "account_deleted"
        ]
    await user.open("/compte")
    await user.should_see(marker="local-sign-in")  # signed out


async def test_transmitted_applications_hold_the_erasure_and_the_page_says_until_when(user: User) -> None:
    account_id = _candidate("held@mail.example", transmitted=True)
    await sign_in(user, "held@mail.example")
    await user.should_see(marker="candidate-name")
    await _ask_erasure(user, "SUPPRIMER")
    await user.should_see("seront effacés le 1 octobre 2101")  # the campaign's end, + ECANDIDAT_RETENTION_YEARS
    with new_session() as session:
        [request] = session.exec(select(ErasureRequest)).all()
        assert request.account_id == account_id and request.done_at is None
        assert session.exec(select(Application)).one().anonymised_at is None
    await user.open("/compte")  # the page still says it, without the button
    await user.should_see(marker="erasure-status")
    await user.should_not_see(marker="erase-account")


async def test_the_central_office_reads_the_register(user: User) -> None:
    _candidate("listed@mail.example", transmitted=True)
    with new_session() as session:
        account = session.exec(select(Account).where(Account.email == "listed@mail.example")).one()
        request = ErasureRequest(account_id=account.id, due_at=datetime(2028, 9, 30, 22, tzinfo=UTC))
        session.add(request)
        assignment = factories.staff_with_role(session, StaffRole.CENTRAL_OFFICE)
        staff = session.get(StaffMember, assignment.staff_id)
        assert staff is not None
        staff.password_hash = hash_password(GOOD)
        session.commit()
        number, login, request_id = account.dossier_number, staff.login, request.id
    await sign_in(user, login)
    await user.should_see(marker="current-role-text")
    await user.open("/admin/effacements")
    await user.should_see(marker="erasure-register")
    row = marked(user, f"erasure-{request_id}")
    assert row is not None and number in row.text and "1 octobre 2028" in row.text and "en attente" in row.text
    await user.open("/admin/donnees-personnelles")  # the DPO's screen shows the same register
    await user.should_see("Registre des demandes d'effacement")
    row = marked(user, f"erasure-{request_id}")
    assert row is not None and number in row.text and "en attente" in row.text
