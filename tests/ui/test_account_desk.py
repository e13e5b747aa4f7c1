"""/gestion/comptes: the account desk searches (captioned table, count in role=status), opens an account, resends its
activation and merges a duplicate through confirmation dialogs; English is served; other roles are refused."""

from datetime import date
from typing import Any

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session
from app.models import Account, AuditEvent, OutboxMail, StaffRole
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.staff_sessions import make_staff, sign_in


def people() -> dict[str, Any]:
    """Éloïse Lefèvre with two accounts (the second never activated); a stranger."""
    with new_session() as session:
        kept = factories.candidate(
            session, birth_name="LEFÈVRE", first_names="ÉLOÏSE", birth_date=date(2005, 3, 1), ine="1234567890A"
        )
        second = factories.account(session, dossier_number="D2699999", activated_at=None)
        dropped = factories.candidate(
            session, account_id=second.id, birth_name="LEFEVRE", first_names="ELOISE", birth_date=date(2005, 3, 1)
        )
        factories.application(session, candidate_id=dropped.id, program=factories.program(session, code="MDESK"))
        stranger = factories.candidate(session, birth_name="MARTIN", first_names="PAUL")
        number = session.get(Account, stranger.account_id).dossier_number  # type: ignore[union-attr]
        session.commit()
        return {"kept": kept.account_id, "dropped": dropped.account_id, "stranger": number}


def html_of(user: User, marker: str) -> str:
    [element] = user.find(marker=marker).elements
    return element.content


async def _search(user: User, text: str) -> None:
    user.find(marker="desk-search").type(text)
    await click(user, "desk-go")


async def test_the_desk_finds_opens_resends_and_merges(user: User) -> None:
    ids = people()
    make_staff("guichet", StaffRole.ACCOUNT_DESK, "Guichet Candidats")
    await sign_in(user, "guichet")
    await user.should_see(marker="account-desk-link")
    await user.should_not_see(marker="applications-link")  # no right on applications
    await user.open("/gestion/comptes")
    await _search(user, "éloïse LEFEVRE")
    await user.should_see("2 comptes trouvés — page 1 sur 1.")
    assert user.find(marker="desk-status").elements.pop().props["role"] == "status"
    [table] = user.find(marker="desk-results").elements
    assert table.tag == "table"
    await click(user, f"open-{ids['dropped']}")
    await user.should_see("Compte D2699999")
    assert "MDESK" in html_of(user, "desk-applications") and "<caption>" in html_of(user, "desk-applications")
    await click(user, "desk-resend")
    await user.should_see(marker="desk-resend-dialog")
    await click(user, "desk-resend-confirm")
    await user.should_see("Mail d'activation renvoyé")
    with new_session() as session:
        assert session.exec(select(OutboxMail).where(OutboxMail.account_id == ids["dropped"])).all()
    await click(user, f"open-{ids['kept']}")
    user.find(marker="desk-duplicate").type("d2699999")
    await click(user, "desk-merge-preview")
    await user.should_see(marker="merge-preview")
    assert "Candidatures, avec leurs pièces, réponses, avis et messages : 1" in html_of(user, "merge-preview")
    user.find(marker="desk-merge-confirm").click()  # a double click on « Fusionner »
    await click(user, "desk-merge-confirm")
    await user.should_see("a été fusionné dans le compte")
    with new_session() as session:
        dropped = session.get(Account, ids["dropped"])
        assert dropped is not None and dropped.deleted_at is not None
        merged = session.exec(select(AuditEvent).where(AuditEvent.action == "desk.accounts_merged")).all()
        assert len(merged) == 1


async def test_a_refused_merge_says_why_and_cannot_be_confirmed(user: User) -> None:
    ids = people()
    make_staff("central", StaffRole.CENTRAL_OFFICE)
    await sign_in(user, "central")
    await user.open("/gestion/comptes")
    await _search(user, "1234567890a")  # by INE
    await user.should_see("1 compte trouvé")
    await click(user, f"open-{ids['kept']}")
    user.find(marker="desk-duplicate").type(str(ids["stranger"]))
    await click(user, "desk-merge-preview")
    await user.should_see(marker="merge-refusals")
    [confirm] = user.find(marker="desk-merge-confirm").elements
    assert not confirm.enabled


async def test_an_empty_search_is_refused_in_words_and_english_is_served(user: User) -> None:
    make_staff("guichet", StaffRole.ACCOUNT_DESK)
    await sign_in(user, "guichet")
    await user.open("/langue/en?suite=/gestion/comptes")
    await user.should_see("Search for an account")
    await click(user, "desk-go")
    await user.should_see("Type a name, an e-mail address, a dossier number or an INE.")
    assert user.find(marker="desk-error").elements.pop().props["role"] == "alert"


async def test_a_committee_member_and_a_programme_manager_are_refused(user: User) -> None:
    with new_session() as session:
        program = factories.program(session)
        session.commit()
        committee_id = program.committee_id
    make_staff("membre", StaffRole.COMMITTEE_MEMBER, committee_id=committee_id)
    await sign_in(user, "membre")
    await user.open("/gestion/comptes")
    await user.should_see(marker="refusal")
    await user.should_not_see("Rechercher un compte")


async def test_the_desk_unlocks_and_sends_an_email_fix_keeping_what_was_typed_on_a_refusal(user: User) -> None:
    from datetime import timedelta

    from app import clock

    ids = people()
    with new_session() as session:
        account = session.get(Account, ids["kept"])
        assert account is not None
        account.throttled_until, account.failed_sign_ins = clock.now() + timedelta(minutes=15), 0
        session.add(account)
        session.commit()
    make_staff("guichet", StaffRole.ACCOUNT_DESK)
    await sign_in(user, "guichet")
    await user.open("/gestion/comptes")
    await _search(user, "1234567890A")
    await click(user, f"open-{ids['kept']}")
    await user.should_see("bloquée jusqu'à")
    await click(user, "desk-unlock")
    await click(user, "desk-unlock-confirm")
    await user.should_see("débloquée")
    await user.should_not_see(marker="desk-unlock")  # nothing left to unlock
    with new_session() as session:
        account = session.get(Account, ids["kept"])
        assert account is not None and account.throttled_until is None
    user.find(marker="desk-new-email").type("eloise@new.example")
    user.find(marker="desk-new-email-confirm").type("eloise@other.example")
    await click(user, "desk-email-send")
    await user.should_see(marker="desk-act-error")
    [typed] = user.find(marker="desk-new-email").elements
    assert typed.value == "eloise@new.example"  # the refusal loses nothing
    user.find(marker="desk-new-email-confirm").clear()
    user.find(marker="desk-new-email-confirm").type("eloise@new.example")
    await click(user, "desk-email-send")
    await user.should_see("Lien de confirmation envoyé à eloise@new.example.")
    with new_session() as session:
        mail = session.exec(select(OutboxMail).where(OutboxMail.code == "email_change_new_address")).one()
        assert mail.to_address == "eloise@new.example"
        account = session.get(Account, ids["kept"])
        assert account is not None and account.email != "eloise@new.example"  # until the new address confirms


async def test_the_desk_is_refused_the_pages_of_applications(user: User) -> None:
    make_staff("guichet", StaffRole.ACCOUNT_DESK)
    await sign_in(user, "guichet")
    for path in ("/gestion/candidatures", "/gestion/statistiques", "/gestion/exports"):
        await user.open(path)
        await user.should_see("Votre rôle actuel ne permet pas d'ouvrir cette page.")
    await user.open("/gestion")
    await user.should_see(marker="account-desk-link")
