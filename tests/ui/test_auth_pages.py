"""Screens of accounts and sign-in, driven by NiceGUI's simulated user; links are read from the outbox."""

import re
from datetime import UTC, datetime

import pytest
from nicegui import app, ui
from nicegui.testing import User
from sqlmodel import select

from app import server
from app.config import reset_settings
from app.db import new_session
from app.models import Account, OutboxMail, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts.passwords import hash_password
from tests import factories
from tests.ui.handler_clicks import click
from tests.ui.static_html import parse

GOOD = "Solide-Passe-2026"
LINK = re.compile(r"https?://[^\s\"'<>]+(/compte/[a-z-]+/[A-Za-z0-9_-]+)")


def last_mail(code: str, to: str) -> OutboxMail:
    with new_session() as session:
        return session.exec(
            select(OutboxMail)
            .where(OutboxMail.code == code, OutboxMail.to_address == to)
            .order_by(OutboxMail.id.desc())
        ).first()


def link_path(mail: OutboxMail) -> str:
    return LINK.search(mail.body_text).group(1)


def type_into(user: User, marker: str, text: str) -> None:
    user.find(marker=marker).type(text)


async def sign_in(user: User, login: str, password: str = GOOD, *, wait: bool = True) -> None:
    """Sign in through the form; the check runs in a worker thread: ``wait`` for it (and the landing page) to end."""
    await user.open("/connexion")
    type_into(user, "login", login)
    type_into(user, "password", password)
    if wait:
        await click(user, "sign-in")
    else:
        user.find(marker="sign-in").click()


def make_account(**kw) -> Account:
    with new_session() as session:
        account = factories.account(session, password_hash=hash_password(GOOD), **kw)
        session.commit()
        return account


async def test_create_activate_and_sign_in(user: User) -> None:
    await user.open("/connexion")
    user.find(marker="create-account").click()
    await user.should_see(marker="password-rules")
    await user.should_see("Au moins 12 caractères")
    type_into(user, "last_name", "Martin")
    type_into(user, "first_name", "Alice")
    type_into(user, "email", "alice@mail.example")
    type_into(user, "email_confirm", "alice@mail.example")
    type_into(user, "password", "faible")
    type_into(user, "password_confirm", "faible")
    await click(user, "create")
    await user.should_see("Le mot de passe doit contenir au moins 12 caractères.")
    assert user.find(marker="last_name").elements.pop().value == "Martin"  # nothing typed is lost
    user.find(marker="password").clear().type(GOOD)
    user.find(marker="password_confirm").clear().type(GOOD)
    await click(user, "create")
    await user.should_see(marker="account-created")
    number = user.find(marker="dossier-number").elements.pop().text
    assert re.fullmatch(r"[0-9A-Z]{8}", number)

    await sign_in(user, number)
    await user.should_see("Votre compte n'est pas encore activé")

    await user.open(link_path(last_mail("account_created", "alice@mail.example")))
    await user.should_see(marker="activated")
    await sign_in(user, "alice@mail.example")
    await user.should_see(marker="candidate-name")
    await user.should_see(number)


async def test_a_used_activation_link_says_so_and_offers_a_new_one(user: User) -> None:
    await user.open("/compte/creer")
    for marker, text in (
        ("last_name", "Lee"),
        ("first_name", "Bo"),
        ("email", "bo@mail.example"),
        ("email_confirm", "bo@mail.example"),
        ("password", GOOD),
        ("password_confirm", GOOD),
    ):
        type_into(user, marker, text)
    await click(user, "create")
    await user.should_see(marker="account-created")
    path = link_path(last_mail("account_created", "bo@mail.example"))
    await user.open(path)
    await user.should_see(marker="activated")
    await user.open(path)
    await user.should_see("Ce lien a déjà été utilisé")
    await user.should_see(marker="ask-again")


async def test_password_reset(user: User, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    account = make_account(email="dan@mail.example")
    await user.open("/connexion")
    await click(user, "forgot-password")  # a link: its page opens in a background task, waited for
    await user.should_see(marker="send")
    type_into(user, "login", account.dossier_number)
    await click(user, "send")
    await user.should_see(marker="request-done")
    path = link_path(last_mail("password_reset", "dan@mail.example"))
    await user.open(path)
    type_into(user, "password", "Nouveau-Passe-2026")
    type_into(user, "password_confirm", "Nouveau-Passe-2026")
    await click(user, "save")
    await user.should_see(marker="password-reset-done")
    await user.open(path)
    await user.should_see("Ce lien a déjà été utilisé")
    await sign_in(user, "dan@mail.example", "Nouveau-Passe-2026")
    await user.should_see(marker="candidate-name")


async def test_an_expired_reset_link_says_so(user: User, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    make_account(email="old@mail.example")
    await user.open("/compte/mot-de-passe-oublie")
    type_into(user, "login", "old@mail.example")
    await click(user, "send")
    await user.should_see(marker="request-done")
    clock.set(datetime(2026, 3, 1, 11, 0, 1, tzinfo=UTC))
    await user.open(link_path(last_mail("password_reset", "old@mail.example")))
    await user.should_see("Ce lien a expiré")


async def test_forgotten_requests_do_not_reveal_accounts(user: User) -> None:
    make_account(email="known@mail.example")
    answers = []
    for email in ("known@mail.example", "unknown@mail.example"):
        await user.open("/compte/numero-oublie")
        type_into(user, "email", email)
        await click(user, "send")
        await user.should_see(marker="request-done")
        answers.append(user.find(marker="request-done").elements.pop().text)
    assert answers[0] == answers[1]
    assert last_mail("dossier_number_reminder", "known@mail.example") is not None
    assert last_mail("dossier_number_reminder", "unknown@mail.example") is None


async def test_email_change(user: User) -> None:
    make_account(email="eve@mail.example")
    await sign_in(user, "eve@mail.example")
    await user.should_see(marker="candidate-name")
    await user.open("/compte")
    type_into(user, "new_email", "eve.new@mail.example")
    type_into(user, "new_email_confirm", "eve.new@mail.example")
    type_into(user, "current_password", GOOD)
    await click(user, "change-email")
    await user.should_see(marker="email-change-sent")
    await user.open("/compte")
    await user.should_see("eve@mail.example")  # unchanged until the link is clicked
    await user.open(link_path(last_mail("email_change_new_address", "eve.new@mail.example")))
    await user.should_see(marker="email-changed")
    assert last_mail("email_change_old_address", "eve@mail.example") is not None
    await user.open("/compte")
    await user.should_see("eve.new@mail.example")


async def test_throttling_says_when_to_retry(user: User, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    account = make_account()
    for _ in range(4):
        await sign_in(user, account.dossier_number, "Mauvais-2026!")
        await user.should_see("Identifiant ou mot de passe incorrect.")
    await sign_in(user, account.dossier_number, "Mauvais-2026!")
    await user.should_see("Réessayez à partir de 10:15")
    await sign_in(user, account.dossier_number)
    await user.should_see("Réessayez à partir de 10:15")
    clock.set(datetime(2026, 3, 1, 9, 16, tzinfo=UTC))
    await sign_in(user, account.dossier_number)
    await user.should_see(marker="candidate-name")


async def test_sessions_expire_after_inactivity(user: User, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    make_account(email="idle@mail.example")
    await sign_in(user, "idle@mail.example")
    await user.should_see(marker="candidate-name")
    clock.set(datetime(2026, 3, 1, 9, 59, tzinfo=UTC))
    await user.open("/candidat")
    await user.should_see(marker="candidate-name")
    clock.set(datetime(2026, 3, 1, 11, 0, tzinfo=UTC))
    await user.open("/candidat")
    await user.should_see(marker="session-expired")
    await user.should_see(marker="local-sign-in")


async def test_activity_is_written_at_most_every_thirty_seconds_and_still_extends_the_session(
    user: User, clock
) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    make_account(email="seen@mail.example")
    await sign_in(user, "seen@mail.example")
    await user.should_see(marker="candidate-name")
    storage = next(s for s in app.storage._users.values() if "identity" in s)
    signed_in_seen = storage["seen_at"]
    clock.set(datetime(2026, 3, 1, 9, 0, 20, tzinfo=UTC))
    await user.open("/candidat")  # several identity reads on this page: none writes the user's storage
    await user.should_see(marker="candidate-name")
    assert storage["seen_at"] == signed_in_seen
    clock.set(datetime(2026, 3, 1, 9, 50, tzinfo=UTC))
    await user.open("/candidat")
    await user.should_see(marker="candidate-name")
    assert storage["seen_at"] == datetime(2026, 3, 1, 9, 50, tzinfo=UTC).isoformat()
    clock.set(datetime(2026, 3, 1, 10, 40, tzinfo=UTC))  # 100 minutes after sign-in, 50 after the last page
    await user.open("/candidat")
    await user.should_see(marker="candidate-name")


async def test_sign_out(user: User) -> None:
    make_account(email="out@mail.example")
    await sign_in(user, "out@mail.example")
    await user.should_see(marker="candidate-name")
    user.find(marker="sign-out").click()
    await user.should_see(marker="sign-in-link")
    await user.open("/compte")
    await user.should_see(marker="local-sign-in")


async def test_anonymous_visitors_are_sent_to_sign_in(user: User) -> None:
    for path in ("/candidat", "/compte", "/gestion"):
        await user.open(path)
        await user.should_see(marker="local-sign-in")


async def test_a_candidate_cannot_open_staff_pages(user: User) -> None:
    make_account(email="cand@mail.example")
    await sign_in(user, "cand@mail.example")
    await user.should_see(marker="candidate-name")
    await user.open("/gestion")
    await user.should_see(marker="refusal")
    await user.should_see("réservée aux gestionnaires")


async def test_staff_cannot_open_candidate_pages(user: User) -> None:
    with new_session() as session:
        member = StaffMember(
            login="adm", email="adm@univ.example", display_name="Ada Admin", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.ADMINISTRATOR))
        session.commit()
    await sign_in(user, "adm")
    await user.should_see(marker="current-role-text")
    for path in ("/candidat", "/compte"):
        await user.open(path)
        await user.should_see(marker="refusal")


async def test_an_administrator_views_a_candidate_read_only_and_it_is_audited(user: User) -> None:
    from app.models import AuditEvent

    account = make_account(email="viewed@mail.example")
    with new_session() as session:
        member = StaffMember(
            login="adm", email="adm@univ.example", display_name="Ada Admin", password_hash=hash_password(GOOD)
        )
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.ADMINISTRATOR))
        session.commit()
    await sign_in(user, "adm")
    await user.should_see(marker="impersonation")
    type_into(user, "dossier_number", account.dossier_number)
    user.find(marker="impersonate").click()
    await user.should_see(marker="impersonation-banner")
    await user.should_see(account.dossier_number)
    await user.open("/compte")
    await user.should_see(marker="impersonation-banner")
    await user.should_not_see(marker="change-email")
    with new_session() as session:
        views = session.exec(select(AuditEvent).where(AuditEvent.action == "impersonation.viewed")).all()
    assert [v.after["path"] for v in views] == ["/candidat", "/compte"]
    user.find("Quitter cette vue").click()
    await user.should_see(marker="current-role-text")


@pytest.fixture
def demo_mode(database_url: str, monkeypatch: pytest.MonkeyPatch):
    """Demo mode on this test's empty database (no campus seeded: the test adds the two people it clicks)."""
    monkeypatch.setenv("ECANDIDAT_DEMO", "true")
    monkeypatch.setenv("ECANDIDAT_MAIL_WORKER_ENABLED", "false")
    monkeypatch.setattr(server, "prepare_database", lambda: None)
    reset_settings()
    yield
    reset_settings()


async def test_demo_identities_sign_in_in_one_click(demo_mode, user: User) -> None:
    from app.services.demo.campus import DEMO_IDENTITIES

    candidate = next(i for i in DEMO_IDENTITIES if i.kind == "candidate")
    manager = next(i for i in DEMO_IDENTITIES if i.kind == "staff")
    with new_session() as session:
        factories.account(session, dossier_number=candidate.login, password_hash=hash_password(candidate.password))
        member = StaffMember(
            login=manager.login,
            email="demo@univ.example",
            display_name=manager.name,
            password_hash=hash_password(manager.password),
        )
        session.add(member)
        session.flush()
        session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRAL_OFFICE))
        session.commit()
    await user.open("/connexion")
    await user.should_see(marker="demo-identities")
    for identity in DEMO_IDENTITIES:  # every identity is listed, with its name and what it shows
        await user.should_see(marker=f"demo-{identity.login}")
    await user.should_see(f"{candidate.name} — {candidate.label_fr}")
    await click(user, f"demo-{candidate.login}")
    await user.should_see(marker="candidate-name")
    user.find(marker="sign-out").click()
    await user.should_see(marker="sign-in-link")
    await user.open("/connexion")
    await click(user, f"demo-{manager.login}")
    await user.should_see(marker="current-role-text")
    await user.should_see("Scolarité centrale")


async def test_no_demo_identities_outside_demo_mode(user: User) -> None:
    await user.open("/connexion")
    await user.should_see(marker="local-sign-in")
    await user.should_not_see(marker="demo-identities")


async def test_the_sign_in_page_says_until_when_candidates_may_sign_in(user: User, clock) -> None:
    clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    with new_session() as session:
        factories.campaign(session, sign_in_closes_at=datetime(2026, 6, 30, 21, 59, tzinfo=UTC))
        session.commit()
    account = make_account(email="late@mail.example")
    await user.open("/connexion")
    await user.should_see("Les candidats peuvent se connecter jusqu'au 30/06/2026 23:59.")
    clock.set(datetime(2026, 7, 1, 8, 0, tzinfo=UTC))
    await user.open("/connexion")
    await user.should_see(marker="sign-in-closed")
    await user.should_see("close depuis le 30/06/2026 23:59")
    await sign_in(user, account.email)
    await user.should_see("les candidats ne peuvent plus se connecter. Pour toute question")
    await user.should_not_see(marker="candidate-name")


@pytest.fixture
def one_failure_per_address(database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ECANDIDAT_SIGN_IN_MAX_FAILURES_PER_ADDRESS", "1")
    reset_settings()
    yield
    reset_settings()


async def test_an_address_with_failures_is_slowed_not_locked_out(one_failure_per_address, user: User) -> None:
    account = make_account(email="colleague@mail.example")
    await sign_in(user, "made-up@mail.example", "Mauvais-2026!")
    await user.should_see("Identifiant ou mot de passe incorrect.")
    await sign_in(user, account.email, wait=False)  # the right password, from the same address: later, but in
    await user.should_see("la vérification de votre mot de passe est retardée de 1 s")
    await user.should_see(marker="candidate-name", retries=40)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/connexion", {"password": "Mot de passe"}),
        ("/compte/creer", {"password": "Mot de passe", "password_confirm": "Confirmez le mot de passe"}),
    ],
)
async def test_the_password_toggle_is_a_named_button_that_shows_and_hides(
    user: User, path: str, fields: dict[str, str]
) -> None:
    """NiceGUI's toggle is an icon: no name, out of the Tab order. Ours is a button named after its field."""
    await user.open(path)
    for name, label in fields.items():
        toggle = user.find(marker=f"{name}-show").elements.pop()
        field = user.find(marker=name).elements.pop()
        assert isinstance(toggle, ui.button) and toggle.props["aria-label"] == f"Afficher « {label} »"
        assert toggle.props["aria-pressed"] == "false" and field.props["type"] == "password"
        assert not toggle.props.get("tabindex", "0").startswith("-")  # reached by Tab
        user.find(marker=f"{name}-show").click()
        assert field.props["type"] == "text" and toggle.props["aria-pressed"] == "true"
        assert toggle.props["aria-label"] == f"Afficher « {label} »"  # a toggle keeps its name; aria-pressed says
        user.find(marker=f"{name}-show").click()
        assert field.props["type"] == "password" and toggle.props["aria-pressed"] == "false"
        with user:
            icons = [e for e in field.descendants() if isinstance(e, ui.icon)]
        assert icons == []  # no mouse-only icon beside the button


async def test_every_password_field_of_the_account_page_has_its_named_toggle(user: User) -> None:
    make_account(email="tom@mail.example")
    await sign_in(user, "tom@mail.example")
    await user.should_see(marker="candidate-name")
    await user.open("/compte")
    await user.should_see(marker="current_password")
    with user:
        fields = [e for e in user.client.layout.descendants() if isinstance(e, ui.input) and e.props["type"]]
        secret = [f for f in fields if f.props["type"] == "password"]
        toggles = [[b for b in f.descendants() if isinstance(b, ui.button)] for f in secret]
    assert len(secret) == 4  # current password twice (e-mail and password changes), new password, its confirmation
    names = [t[0].props["aria-label"] for t in toggles if len(t) == 1]
    assert names == [f"Afficher « {f.props['label']} »" for f in secret]


async def test_a_sign_up_with_several_errors_lists_them_all_each_field_described_by_its_message(user: User) -> None:
    await user.open("/compte/creer")
    type_into(user, "first_name", "Alice")
    type_into(user, "email", "pas-une-adresse")
    type_into(user, "email_confirm", "pas-une-adresse")
    type_into(user, "password", "faible")
    type_into(user, "password_confirm", "faible")
    await click(user, "create")
    await user.should_see("Le formulaire contient 3 erreurs : corrigez les champs signalés.")
    summary = parse(user.find(marker="form-error").elements.pop().content).find("li")
    assert [line.text for line in summary] == [
        "Nom : Saisissez votre nom.",
        "Adresse e-mail : Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr).",
        "Mot de passe : Le mot de passe doit contenir au moins 12 caractères.",
    ]
    lines = {line.attrs["id"]: line.text for line in summary}
    for name in ("last_name", "email", "password"):
        field = user.find(marker=name).elements.pop()
        assert field.props["aria-invalid"] == "true"
        assert lines[field.props["aria-describedby"]].endswith(field.error)  # the message under the field, too
    for name in ("first_name", "email_confirm", "password_confirm"):
        field = user.find(marker=name).elements.pop()
        assert "aria-invalid" not in field.props and "aria-describedby" not in field.props and field.error is None

    type_into(user, "last_name", "Martin")  # corrected: no longer invalid, nor described by a message
    await click(user, "create")
    await user.should_see("Le formulaire contient 2 erreurs : corrigez les champs signalés.")
    field = user.find(marker="last_name").elements.pop()
    assert "aria-invalid" not in field.props and "aria-describedby" not in field.props and field.error is None


async def test_my_account_has_the_candidate_menu_and_a_way_back(user: User) -> None:
    """« Mon compte » had neither the candidate's menu nor a way back to their space."""
    from tests.ui.static_html import marked

    make_account(email="menu@mail.example")
    await sign_in(user, "menu@mail.example")
    await user.should_see(marker="candidate-name")
    await user.open("/compte")
    await user.should_see(marker="account-details")
    nav = marked(user, "candidate-nav")
    assert nav is not None
    assert {link.attrs["href"] for link in nav.find("a")} >= {"/candidat", "/candidat/candidatures", "/formations"}
    await user.should_see(marker="assistance")
    back = marked(user, "back-to-space")
    assert back is not None and back.attrs["href"] == "/candidat" and back.text == "Retour à mon espace"


async def test_the_preferred_language_is_saved_and_the_page_follows_it(user: User) -> None:
    account = make_account(email="lea@mail.example")
    await sign_in(user, "lea@mail.example")
    await user.should_see(marker="candidate-name")
    await user.open("/compte")
    await user.should_see("Langue préférée")
    select = user.find(marker="language").elements.pop()
    assert isinstance(select, ui.select) and select.value == "fr"
    select.value = "en"
    await click(user, "save-language")
    with new_session() as session:
        assert session.get(Account, account.id).language == "en"
    await user.open("/compte")
    await user.should_see("Preferred language")
