"""« Envoyer un message » from the staff list (preview, send once, errors by field), the candidate's « Messages »
page (their own messages only, in their language) and the message in the staff dossier's history."""

from nicegui.testing import User
from sqlmodel import select

from app.db import new_session, transaction
from app.models import OutboxMail, StaffMember, StaffMessage, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from app.services.platform.actors import Actor
from app.services.review.staff_messages import MessageDraft, send_message
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import marked, should_see_marked

GOOD = "Solide-Passe-2026"


def world(role: StaffRole = StaffRole.CENTRE_MANAGER) -> dict:
    """Alice (French) and Bob (English) apply to « Master Chimie » of « UFR Sciences »; staff « sci » holds ``role``."""
    with new_session() as session:
        sciences = factories.centre(session, label_fr="UFR Sciences")
        program = factories.program(session, centre_id=sciences.id, label_fr="Master Chimie", label_en="MSc Chemistry")
        alice = factories.account(session, first_name="Alice", password_hash=hash_password(GOOD))
        bob = factories.account(session, first_name="Bob", language="en", password_hash=hash_password(GOOD))
        candidates = [factories.candidate(session, account_id=a.id) for a in (alice, bob)]
        ids = [factories.application(session, candidate_id=c.id, program=program).id for c in candidates]
        member = StaffMember(
            login="sci", email="s@univ.example", display_name="Sam Sci", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        scope = (
            {"centre_id": sciences.id} if role == StaffRole.CENTRE_MANAGER else {"committee_id": program.committee_id}
        )
        session.add(StaffRoleAssignment(staff_id=member.id, role=role, **scope))
        session.commit()
        return {"ids": ids, "alice": alice.email, "bob": bob.email, "staff_id": member.id}


async def sign_in(user: User, login: str, then: str = "/") -> None:
    await user.open(f"/connexion?suite={then}")
    user.find(marker="login").type(login)
    user.find(marker="password").type(GOOD)
    await click(user, "sign-in")


async def open_dialog(user: User) -> None:
    await sign_in(user, "sci")
    await user.open("/gestion/candidatures")
    await user.should_see("2 candidatures")
    user.find(marker="select-all").click()
    await user.should_see("2 sélectionnées")
    await click(user, "message-open")
    await user.should_see(marker="message-dialog")


async def test_a_manager_previews_then_sends_once_to_the_selection(user: User) -> None:
    world()
    await open_dialog(user)
    user.find(marker="subject_fr").clear().type("Réunion jeudi")
    body = '<p>Bonjour {{ account.first_name }}</p><script>alert(1)</script><a href="javascript:x()">lien</a>'
    user.find(marker="body_fr").clear().type(body)
    await click(user, "message-preview")
    preview = await should_see_marked(user, "preview-body", retries=50)
    assert "Bonjour Alice" in preview.text and "alert" not in preview.text
    assert all("javascript" not in (a.attrs.get("href") or "") for a in preview.find("a"))
    send = user.find(marker="message-send")
    send.click()
    send.click()  # a double click sends once
    sent = await should_see_marked(user, "message-sent", timeout=20)
    assert sent.text == "Message envoyé à 2 candidats."
    with new_session() as session:
        mails = session.exec(select(OutboxMail).where(OutboxMail.code == "staff_message")).all()
        assert sorted(m.language for m in mails) == ["en", "fr"]  # Bob reads English: the French text, English frame
        assert len(session.exec(select(StaffMessage)).all()) == 1


async def test_a_refused_field_is_named_and_nothing_is_sent(user: User) -> None:
    world()
    await open_dialog(user)
    user.find(marker="subject_fr").clear()
    await click(user, "message-send")
    await user.should_see("Indiquez l'objet du message.", retries=50)
    field = next(iter(user.find(marker="subject_fr").elements))
    assert field.error == "Indiquez l'objet du message."  # type: ignore[attr-defined]
    with new_session() as session:
        assert session.exec(select(OutboxMail)).all() == []


async def test_a_committee_member_is_not_offered_the_message(user: User) -> None:
    world(StaffRole.COMMITTEE_MEMBER)
    await sign_in(user, "sci")
    await user.open("/gestion/candidatures")
    await user.should_see("2 candidatures")
    await user.should_see(marker="select-all")
    await user.should_not_see(marker="message-open")


def _send(data: dict, ids: list[int], draft: MessageDraft, key: str) -> None:
    with transaction() as session:
        assignment = session.exec(
            select(StaffRoleAssignment).where(StaffRoleAssignment.staff_id == data["staff_id"])
        ).one()
        actor = Actor("staff", staff_id=data["staff_id"], role_assignment_id=assignment.id)
        send_message(session, actor=actor, application_ids=set(ids), draft=draft, idempotency_key=key)


async def test_the_candidate_reads_only_their_own_messages_in_their_language(user: User) -> None:
    data = world()
    alice_app, bob_app = data["ids"]
    both = MessageDraft(
        "Réunion", "<p>Bonjour {{ account.first_name }}</p>", "Meeting", "<p>Dear {{ account.first_name }}</p>"
    )
    _send(data, [alice_app, bob_app], both, "key-00000001")
    _send(data, [alice_app], MessageDraft("Pour Alice seule", "<p>Pièce à revoir.</p>"), "key-00000002")
    await sign_in(user, data["bob"], "/candidat/messages")
    await user.open("/candidat/messages")
    await should_see_marked(user, "messages", retries=50)
    node = marked(user, "messages")
    assert node is not None
    subjects = [article.find("h2")[0].text for article in node.find("article")]
    assert subjects == ["Meeting"] and "Dear Bob" in node.text and "Alice" not in node.text
    assert marked(user, "nav-messages") is not None


async def test_the_message_is_in_the_staff_dossier_history(user: User) -> None:
    data = world()
    _send(data, data["ids"][:1], MessageDraft("Réunion jeudi", "<p>Bonjour</p>"), "key-00000001")
    await sign_in(user, "sci")
    await user.open(f"/gestion/candidatures/{data['ids'][0]}")
    await user.should_see(marker="history-table", retries=50)
    with user:
        [table] = user.find(marker="history-table").elements
        rows = list(table.rows)  # type: ignore[attr-defined]
    sent = [row for row in rows if "a envoyé un message au candidat" in row["event"]]
    assert len(sent) == 1 and "Objet du message\xa0: Réunion jeudi" in sent[0]["details"]


async def test_the_messages_page_speaks_english_and_says_when_there_is_none(user: User) -> None:
    data = world()
    await sign_in(user, data["bob"], "/candidat/messages")
    await user.open("/langue/en?suite=/candidat/messages")  # the frame's « EN » link
    await user.should_see(marker="no-messages", retries=50)
    await user.should_see("You have not received any message from the admissions offices.")


async def test_the_hourly_cap_is_said_in_the_dialog_and_nothing_is_lost(user: User, monkeypatch) -> None:
    from app.config import reset_settings

    monkeypatch.setenv("ECANDIDAT_STAFF_MESSAGES_PER_HOUR", "1")
    reset_settings()
    data = world()
    _send(data, data["ids"][:1], MessageDraft("Premier", "<p>Bonjour</p>"), "key-00000001")
    await open_dialog(user)
    user.find(marker="subject_fr").clear().type("Second")
    await click(user, "message-send")
    await user.should_see(marker="form-error", retries=50)
    assert "réessayez plus tard" in user.find(marker="form-error").elements.pop().content  # type: ignore[attr-defined]
    assert next(iter(user.find(marker="subject_fr").elements)).value == "Second"  # type: ignore[attr-defined]
    await user.should_see(marker="message-send")  # still offered once the hour has passed
    with new_session() as session:
        assert len(session.exec(select(StaffMessage)).all()) == 1
