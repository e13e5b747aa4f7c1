"""The development mailbox: present in demo mode without SMTP, listing every mail newest first; absent otherwise."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from nicegui import ui
from nicegui.testing import User

from app import server
from app.config import reset_settings
from app.db import transaction
from app.services.mail.outbox import MailAttachment, enqueue_mail
from app.services.mail.templates import sample_context
from tests.ui.static_html import follow_marked


@pytest.fixture
def demo_mailbox(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Demo mode without SMTP, on the test's empty database (no demo campus seeded, no worker running)."""
    monkeypatch.setenv("ECANDIDAT_DEMO", "true")
    monkeypatch.setenv("ECANDIDAT_MAIL_WORKER_ENABLED", "false")
    monkeypatch.setattr(server, "prepare_database", lambda: None)  # the fixture's database is migrated already
    reset_settings()
    yield
    reset_settings()


def _enqueue_three(clock) -> list[int]:
    start = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    ids = []
    for minutes, code, to in [
        (0, "account_created", "first@example.org"),
        (10, "decision_favorable", "newest@example.org"),
        (5, "dossier_incomplete", "middle@example.org"),
    ]:
        clock.set(start + timedelta(minutes=minutes))
        with transaction() as session:
            attachments = [MailAttachment(filename="Lettre – Éloïse.pdf", data=b"%PDF-1.4 lettre")]
            mail = enqueue_mail(
                session,
                code=code,
                to=to,
                context=sample_context(code),
                attachments=attachments if code == "decision_favorable" else None,
            )
            ids.append(mail.id)
    return ids


async def test_the_mailbox_lists_every_mail_newest_first(demo_mailbox: None, user: User, clock) -> None:
    ids = _enqueue_three(clock)
    await user.open("/dev/mailbox")
    await user.should_see("Boîte aux lettres de développement")
    cards = sorted(user.find(marker="mail").elements, key=lambda element: element.id)
    assert [card.props["label"] for card in cards] == [
        "Avis favorable : Master Mention Électronique, énergie électrique, automatique",
        "Dossier incomplet : Master Mention Électronique, énergie électrique, automatique",
        "Activez votre compte eCandidat — Université d'Orléans",
    ]
    assert "newest@example.org" in cards[0].props["caption"]
    assert "12 mars 2025 à 10:10" in cards[0].props["caption"]
    await user.should_see("newest@example.org")
    # The body is our rendering, shown in a sandboxed frame (no script) whose links open in a new tab.
    frames = [e for e in user.client.layout.descendants() if e.tag == "iframe"]
    assert len(frames) == 3
    assert frames[0].props["sandbox"] == "allow-popups allow-popups-to-escape-sandbox"
    assert '<base target="_blank">' in frames[0].props["srcdoc"]
    assert '<a href="http://127.0.0.1:8080/candidatures/42">' in frames[0].props["srcdoc"]
    # The attachment downloads with its name and bytes.
    [link] = user.find(marker="attachment").elements
    assert isinstance(link, ui.link)
    assert link.text == "Lettre – Éloïse.pdf"
    response = await user.http_client.get(link.props["href"])
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 lettre"
    assert response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''Lettre%20%E2%80%93%20%C3%89lo%C3%AFse.pdf" in response.headers["content-disposition"]
    assert (await user.http_client.get(f"/dev/mailbox/{ids[0]}/attachments/0")).status_code == 404


async def test_the_mailbox_speaks_english(demo_mailbox: None, user: User) -> None:
    await user.open("/dev/mailbox")
    await user.should_see("Aucun mail pour le moment.")
    follow_marked(user, "lang-en")
    await user.should_see("Development mailbox", retries=20)  # the link reloads the page in the new language
    await user.should_see("No mail yet.")


async def test_the_mailbox_is_absent_outside_demo_mode(user: User) -> None:
    response = await user.http_client.get("/dev/mailbox")
    assert response.status_code == 404


@pytest.fixture
def demo_with_smtp(demo_mailbox: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECANDIDAT_SMTP_HOST", "smtp.example.org")
    reset_settings()


async def test_the_mailbox_is_absent_when_an_smtp_host_is_set(demo_with_smtp: None, user: User) -> None:
    response = await user.http_client.get("/dev/mailbox")
    assert response.status_code == 404
    assert (await user.http_client.get("/dev/mailbox/1/attachments/0")).status_code == 404


async def test_the_mailbox_warns_that_anyone_opening_it_reads_the_activation_and_reset_links(
    demo_mailbox: None, user: User
) -> None:
    await user.open("/dev/mailbox")
    await user.should_see(marker="mailbox-warning")
    [warning] = user.find(marker="mailbox-warning").elements
    assert "Quiconque l'ouvre lit tous les mails" in warning.text
    assert "liens d'activation de compte et de réinitialisation de mot de passe" in warning.text
    follow_marked(user, "lang-en")
    await user.should_see(
        "including the account activation and password reset links", retries=20
    )  # the link reloads the page in the new language


@pytest.fixture
def inferred_demo_on_a_public_address(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Demo mode inferred from the embedded SQLite (ECANDIDAT_DEMO unset), served at a public address."""
    monkeypatch.delenv("ECANDIDAT_DEMO", raising=False)
    monkeypatch.setenv("ECANDIDAT_BASE_URL", "https://candidature.univ.example")
    monkeypatch.setenv("ECANDIDAT_MAIL_WORKER_ENABLED", "false")
    monkeypatch.setattr(server, "prepare_database", lambda: None)  # no demo campus seeded into the test database
    reset_settings()
    yield
    reset_settings()


async def test_the_mailbox_is_absent_on_a_public_address_unless_demo_mode_is_set_explicitly(
    inferred_demo_on_a_public_address: None, user: User
) -> None:
    assert (await user.http_client.get("/dev/mailbox")).status_code == 404
