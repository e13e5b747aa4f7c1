"""Candidate accounts: creation, dossier numbers, activation, reminders, resets, e-mail change and purge."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.config import get_settings, reset_settings
from app.models import Account, AuditEvent, IssuedDossierNumber
from app.services.accounts import candidates as accounts
from app.services.accounts import credentials as accounts_credentials
from app.services.accounts.passwords import verify_password
from app.services.accounts.tokens import TokenError
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError, Forbidden
from tests import factories

GOOD = "Solide-Passe-2026"
ANON = Actor.anonymous("192.0.2.1")


@pytest.fixture
def mails(monkeypatch):
    """Mails the services enqueue, as (code, to, context)."""
    sent: list[dict] = []
    for module in (accounts, accounts_credentials):
        monkeypatch.setattr(module, "enqueue_mail", lambda session, **kw: sent.append(kw))
    return sent


def token_of(mail: dict) -> str:
    return mail["context"]["link"].rsplit("/", 1)[1]


def create(session, email="alice@mail.example", **kw):
    values = dict(
        actor=ANON,
        last_name="Martin",
        first_name="Alice",
        email=email,
        email_confirm=email,
        password=GOOD,
        password_confirm=GOOD,
    )
    return accounts.create_account(session, **(values | kw))


def test_creation_issues_a_dossier_number_and_mails_an_activation_link(session, mails, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    created = create(session, email=" Alice@Mail.Example ")
    assert re.fullmatch(r"[0-9A-Z]{8}", created.dossier_number)
    account = session.exec(select(Account).where(Account.dossier_number == created.dossier_number)).one()
    assert account.email == "alice@mail.example" and not account.is_activated
    assert account.password_hash.startswith("$argon2id$") and verify_password(account.password_hash, GOOD)
    assert session.get(IssuedDossierNumber, created.dossier_number) is not None
    [mail] = mails
    assert mail["code"] == "account_created" and mail["to"] == "alice@mail.example"
    assert mail["context"]["link"].startswith(get_settings().base_url + "/compte/activer/")
    assert mail["context"]["expires_at"] - session.get(Account, account.id).created_at == timedelta(days=5)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "account.created")).one()


def test_the_dossier_number_takes_the_configured_prefix(session, mails, monkeypatch) -> None:
    monkeypatch.setenv("ECANDIDAT_DOSSIER_NUMBER_PREFIX", "OR")
    reset_settings()
    created = create(session)
    assert re.fullmatch(r"OR[0-9A-Z]{6}", created.dossier_number)


def test_a_dossier_number_is_never_reused(session, mails, monkeypatch) -> None:
    session.add(IssuedDossierNumber(number="AAAAAAAA"))  # issued once, its account since purged
    session.flush()
    draws = iter("A" * 8 + "B" * 8)
    monkeypatch.setattr(accounts.secrets, "choice", lambda alphabet: next(draws))
    assert create(session).dossier_number == "BBBBBBBB"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Court-1", "password_length"),
        ("SANS-MINUSCULE-2026", "password_lower"),
        ("sans-majuscule-2026", "password_upper"),
        ("Sans-Chiffre-Du-Tout", "password_digit"),
        ("SansSpecial2026abc", "password_special"),
        ("Martin-Passe-2026", "password_personal"),
    ],
)
def test_the_password_policy_names_the_broken_rule(session, mails, password, code) -> None:
    with pytest.raises(DomainError) as error:
        create(session, password=password, password_confirm=password)
    assert error.value.code == code and error.value.field == "password"
    assert mails == []


def test_typed_twice_fields_must_match(session, mails) -> None:
    with pytest.raises(DomainError) as error:
        create(session, email_confirm="autre@mail.example")
    assert (error.value.code, error.value.field) == ("email_mismatch", "email_confirm")
    with pytest.raises(DomainError) as error:
        create(session, password_confirm=GOOD + "x")
    assert (error.value.code, error.value.field) == ("password_mismatch", "password_confirm")
    with pytest.raises(DomainError) as error:
        create(session, email="pas-une-adresse")
    assert error.value.field == "email"


def test_a_sign_up_with_several_errors_names_every_field_at_once(session, mails) -> None:
    """The form lists them all: correcting one to discover the next is a trap for everyone, worse by screen reader."""
    with pytest.raises(DossierInvalid) as error:
        create(session, last_name=" ", email="pas-une-adresse", password="faible", password_confirm="faible")
    assert list(error.value.errors) == ["last_name", "email", "password"]
    assert error.value.field_message("password", lambda m: m) == "Le mot de passe doit contenir au moins 12 caractères."
    assert mails == [] and session.exec(select(Account)).all() == []


def test_a_taken_address_is_not_revealed(session, mails) -> None:
    owner = factories.account(session, email="bob@mail.example")
    created = create(session, email="bob@mail.example")
    # Same answer as a success (a burnt decoy number); the owner is told, nobody else.
    assert re.fullmatch(r"[0-9A-Z]{8}", created.dossier_number) and created.dossier_number != owner.dossier_number
    assert session.get(IssuedDossierNumber, created.dossier_number) is not None
    assert [(m["code"], m["to"]) for m in mails] == [("dossier_number_reminder", "bob@mail.example")]
    assert len(session.exec(select(Account).where(Account.email == "bob@mail.example")).all()) == 1


def test_activation_is_single_use_and_expires(session, mails, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    create(session)
    token = token_of(mails[-1])
    account = accounts.activate_account(session, actor=ANON, token=token)
    assert account.is_activated
    with pytest.raises(TokenError) as error:
        accounts.activate_account(session, actor=ANON, token=token)
    assert error.value.code == "token_used"

    create(session, email="late@mail.example")
    clock.set(datetime(2026, 3, 6, 9, 0, 1, tzinfo=UTC))
    with pytest.raises(TokenError) as error:
        accounts.activate_account(session, actor=ANON, token=token_of(mails[-1]))
    assert error.value.code == "token_expired"
    accounts.resend_activation(session, actor=ANON, email="LATE@mail.example")
    assert mails[-1]["code"] == "activation_resent"
    assert accounts.activate_account(session, actor=ANON, token=token_of(mails[-1])).is_activated


def test_requests_about_unknown_addresses_answer_the_same_and_send_nothing(session, mails) -> None:
    accounts.resend_activation(session, actor=ANON, email="nobody@mail.example")
    accounts_credentials.request_password_reset(session, actor=ANON, login="nobody@mail.example")
    accounts_credentials.request_password_reset(session, actor=ANON, login="ZZZZZZZZ")
    accounts.send_dossier_number_reminder(session, actor=ANON, email="nobody@mail.example")
    assert mails == []


def test_dossier_number_reminder(session, mails) -> None:
    account = factories.account(session, email="carla@mail.example")
    accounts.send_dossier_number_reminder(session, actor=ANON, email="Carla@mail.example ")
    [mail] = mails
    assert mail["code"] == "dossier_number_reminder"
    assert mail["context"]["account"]["dossier_number"] == account.dossier_number


def test_password_reset_by_dossier_number_or_email(session, mails, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    account = factories.account(session, email="dan@mail.example", password_hash="x", failed_sign_ins=3)
    accounts_credentials.request_password_reset(session, actor=ANON, login=account.dossier_number.lower())
    first = token_of(mails[-1])
    assert mails[-1]["context"]["expires_at"] == clock.now() + timedelta(hours=2)
    accounts_credentials.request_password_reset(session, actor=ANON, login="dan@mail.example")
    second = token_of(mails[-1])
    # A refused password leaves the link usable.
    with pytest.raises(DomainError) as error:
        accounts_credentials.reset_password(
            session, actor=ANON, token=second, password="faible", password_confirm="faible"
        )
    assert error.value.code == "password_length"
    accounts_credentials.reset_password(session, actor=ANON, token=second, password=GOOD, password_confirm=GOOD)
    assert verify_password(account.password_hash, GOOD) and account.failed_sign_ins == 0
    for token in (first, second):  # the other pending link is spent too
        with pytest.raises(TokenError) as error:
            accounts_credentials.reset_password(session, actor=ANON, token=token, password=GOOD, password_confirm=GOOD)
        assert error.value.code == "token_used"


def test_email_change_applies_only_when_the_new_address_confirms(session, mails) -> None:
    from app.services.accounts.passwords import hash_password

    account = factories.account(session, email="eve@mail.example", password_hash=hash_password(GOOD))
    actor = Actor("candidate", account_id=account.id)
    with pytest.raises(DomainError) as error:
        accounts_credentials.request_email_change(
            session,
            actor=actor,
            new_email="new@mail.example",
            new_email_confirm="new@mail.example",
            current_password="wrong",
        )
    assert error.value.field == "current_password"
    accounts_credentials.request_email_change(
        session, actor=actor, new_email="New@mail.example", new_email_confirm="new@mail.example", current_password=GOOD
    )
    [mail] = mails
    assert (mail["code"], mail["to"]) == ("email_change_new_address", "new@mail.example")
    assert session.get(Account, account.id).email == "eve@mail.example"
    accounts_credentials.confirm_email_change(session, actor=ANON, token=token_of(mail))
    assert session.get(Account, account.id).email == "new@mail.example"
    assert (mails[-1]["code"], mails[-1]["to"]) == ("email_change_old_address", "eve@mail.example")
    assert mails[-1]["context"]["new_email"] == "new@mail.example"
    with pytest.raises(TokenError):
        accounts_credentials.confirm_email_change(session, actor=ANON, token=token_of(mail))


def test_email_change_to_a_taken_address_fails_only_at_confirmation(session, mails) -> None:
    from app.services.accounts.passwords import hash_password

    factories.account(session, email="taken@mail.example")
    account = factories.account(session, password_hash=hash_password(GOOD))
    actor = Actor("candidate", account_id=account.id)
    accounts_credentials.request_email_change(
        session,
        actor=actor,
        new_email="taken@mail.example",
        new_email_confirm="taken@mail.example",
        current_password=GOOD,
    )
    with pytest.raises(DomainError) as error:
        accounts_credentials.confirm_email_change(session, actor=ANON, token=token_of(mails[-1]))
    assert error.value.code == "email_taken"


def test_a_candidate_reaches_only_their_own_account(session, mails) -> None:
    mine = factories.account(session)
    other = factories.account(session)
    actor = Actor("candidate", account_id=mine.id)
    assert accounts.get_own_account(session, actor=actor).id == mine.id
    with pytest.raises(Forbidden):
        accounts.get_own_account(session, actor=Actor("staff", staff_id=1))
    read_only = Actor("candidate", account_id=other.id, impersonated_by_staff_id=1)
    with pytest.raises(DomainError) as error:
        accounts_credentials.change_password(
            session, actor=read_only, current_password="", password=GOOD, password_confirm=GOOD
        )
    assert error.value.code == "read_only"


def test_purge_deletes_only_accounts_never_activated_in_time(session, mails, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, tzinfo=UTC))
    stale = create(session, email="stale@mail.example")
    active = factories.account(session)
    clock.set(datetime(2026, 3, 4, 9, tzinfo=UTC))
    recent = create(session, email="recent@mail.example")
    clock.set(datetime(2026, 3, 6, 9, 0, 1, tzinfo=UTC))
    assert accounts.purge_unactivated_accounts(session, actor=Actor.system()) == 1
    numbers = set(session.exec(select(Account.dossier_number)).all())
    assert stale.dossier_number not in numbers and {recent.dossier_number, active.dossier_number} <= numbers
    assert session.get(IssuedDossierNumber, stale.dossier_number) is not None  # never reissued
    assert mails[-1]["code"] == "account_deleted"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "account.purged_unactivated")).one()
