"""Sign-in with a password: dossier number, e-mail or staff login; throttling per account and per address."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.db import new_session, transaction
from app.models import Account, SignInThrottle, StaffMember, StaffRole, StaffRoleAssignment
from app.services.accounts import auth, sso
from app.services.accounts.auth import authenticate
from app.services.accounts.passwords import hash_password
from app.services.accounts.sso import SsoIdentity
from app.services.platform.actors import Actor
from tests import factories

GOOD = "Solide-Passe-2026"


@pytest.fixture
def account(session):
    return factories.account(session, email="alice@mail.example", password_hash=hash_password(GOOD))


def sign_in(session, login, password=GOOD, address="192.0.2.1"):
    return authenticate(session, actor=Actor.anonymous(address), login=login, password=password)


def test_sign_in_with_dossier_number_or_email(session, account) -> None:
    for login in (account.dossier_number, account.dossier_number.lower(), "Alice@Mail.example "):
        outcome = sign_in(session, login)
        assert outcome.error is None and outcome.principal.kind == "candidate"
        assert outcome.principal.id == account.id
    assert account.last_sign_in_at is not None


def test_wrong_password_and_unknown_login_get_the_same_answer(session, account) -> None:
    wrong = sign_in(session, account.dossier_number, "Mauvais-2026!")
    unknown = sign_in(session, "nobody@mail.example", "Mauvais-2026!")
    assert wrong.error.code == unknown.error.code == "bad_credentials"
    assert wrong.error.message == unknown.error.message


def test_a_control_character_in_the_login_is_a_wrong_login_not_a_database_error(session, account) -> None:
    for login in ("alice\x00@mail.example", "staff\x00", "\x00", "ali\u202ece@mail.example"):
        outcome = sign_in(session, login)
        assert outcome.principal is None and outcome.error.code == "bad_credentials"
    session.commit()  # PostgreSQL refused NUL in the queries and in the throttle rows: nothing failed here
    assert auth.find_account_by_login(session, "alice@mail.example\x00") is None


def test_an_unactivated_account_cannot_sign_in(session) -> None:
    account = factories.account(session, activated_at=None, password_hash=hash_password(GOOD))
    assert sign_in(session, account.dossier_number).error.code == "not_activated"
    # Without the right password the answer is the usual one (it reveals nothing).
    assert sign_in(session, account.dossier_number, "x").error.code == "bad_credentials"


def test_an_account_is_throttled_after_repeated_failures_then_free_again(session, account, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    for n in range(4):
        assert sign_in(session, account.email, "x", address=f"198.51.100.{n}").error.code == "bad_credentials"
    outcome = sign_in(session, account.email, "x", address="198.51.100.9")
    assert outcome.error.code == "throttled"
    assert outcome.error.params["time"] == "10:15"  # Paris time, 15 minutes later
    # Even the right password waits, from any address.
    assert sign_in(session, account.email, address="203.0.113.1").error.code == "throttled"
    clock.set(datetime(2026, 3, 1, 9, 15, 1, tzinfo=UTC))
    assert sign_in(session, account.email, address="203.0.113.1").principal is not None
    assert account.failed_sign_ins == 0


def test_failures_from_one_address_slow_it_down_but_never_lock_out_the_others_behind_it(session, clock) -> None:
    """A campus NAT: made-up logins from one address must not refuse a colleague's right password."""
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    nat = Actor.anonymous("198.51.100.7")
    codes = [sign_in(session, f"ghost{n}@mail.example", "x", address="198.51.100.7").error.code for n in range(30)]
    assert codes == ["bad_credentials"] * 30  # each made-up login failed once: no account is throttled
    assert auth.sign_in_delay(session, actor=nat) == auth.MAX_ADDRESS_DELAY_SECONDS  # but the address is slowed
    victim = factories.account(session, password_hash=hash_password(GOOD))
    assert sign_in(session, victim.dossier_number, address="198.51.100.7").principal is not None
    assert auth.sign_in_delay(session, actor=Actor.anonymous("198.51.100.8")) == 0  # other addresses are not
    clock.set(datetime(2026, 3, 1, 9, 15, 1, tzinfo=UTC))  # quiet for one throttling period: forgotten
    assert auth.sign_in_delay(session, actor=nat) == 0


def test_the_delay_of_an_address_grows_with_its_failures(session, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    nat = Actor.anonymous("198.51.100.9")
    delays = []
    for n in range(26):
        delays.append(auth.sign_in_delay(session, actor=nat))
        sign_in(session, f"ghost{n}@mail.example", "x", address="198.51.100.9")
    assert delays[:20] == [0] * 20
    assert delays[20:] == [1, 2, 4, 8, 16, 30]


def test_unknown_logins_are_throttled_like_known_ones(session, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    codes = [sign_in(session, "ghost@mail.example", "x", address=f"198.51.100.{n}").error.code for n in range(5)]
    assert codes == ["bad_credentials"] * 4 + ["throttled"]


def test_staff_sign_in_with_login_starts_in_their_first_role(session) -> None:
    centre = factories.centre(session)
    member = StaffMember(
        login="gest.sciences", email="g@univ.example", display_name="Gaëlle Gest", password_hash=hash_password(GOOD)
    )
    session.add(member)
    session.flush()
    first = StaffRoleAssignment(staff_id=member.id, role=StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    session.add(first)
    session.flush()
    outcome = sign_in(session, "Gest.Sciences")
    assert outcome.principal.kind == "staff" and outcome.principal.role_assignment_id == first.id
    assert sign_in(session, "gest.sciences", "x").error.code == "bad_credentials"
    member.is_active = False
    assert sign_in(session, "gest.sciences").error.code == "bad_credentials"


def test_staff_without_role_is_told(session) -> None:
    session.add(
        StaffMember(login="nobody", email="n@univ.example", display_name="N", password_hash=hash_password(GOOD))
    )
    session.flush()
    assert sign_in(session, "nobody").error.code == "no_role"


def test_staff_throttling_is_kept_in_the_store(session, clock) -> None:
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    session.add(StaffMember(login="adm", email="a@univ.example", display_name="A", password_hash=hash_password(GOOD)))
    session.flush()
    codes = [sign_in(session, "adm", "x", address=f"198.51.100.{n}").error.code for n in range(5)]
    assert codes[-1] == "throttled"
    assert sign_in(session, "adm", address="203.0.113.5").error.code == "throttled"
    clock.set(clock.now() + timedelta(minutes=16))
    assert sign_in(session, "adm", address="203.0.113.5").error.code == "no_role"


def test_the_sign_in_page_learns_from_the_service_whether_candidates_may_still_sign_in(session, clock) -> None:
    assert auth.candidate_sign_in_closing(session) is None  # no active campaign
    closes_at = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)
    factories.campaign(session, sign_in_closes_at=closes_at)
    clock.set(closes_at - timedelta(minutes=1))
    assert auth.candidate_sign_in_closing(session) == auth.SignInClosing(closes_at, closed=False)
    clock.set(closes_at)  # the same moment the sign-in itself is refused
    assert auth.candidate_sign_in_closing(session) == auth.SignInClosing(closes_at, closed=True)
    assert auth.sign_in_closed_error(session, clock.now()) is not None


def test_candidates_cannot_sign_in_after_the_campaign_closes_but_staff_can(session, account, clock) -> None:
    clock.set(datetime(2026, 6, 30, 21, 0, tzinfo=UTC))
    factories.campaign(session, sign_in_closes_at=datetime(2026, 6, 30, 21, 59, tzinfo=UTC))
    assert sign_in(session, account.email).principal is not None  # 23:00 in Paris: still open
    clock.set(datetime(2026, 6, 30, 21, 59, tzinfo=UTC))
    refused = sign_in(session, account.email)
    assert refused.error.code == "sign_in_closed"
    assert refused.error.params["date"] == "30/06/2026 23:59"  # Paris time
    assert "close depuis le 30/06/2026 23:59" in refused.error.translate(lambda s: s)
    # A wrong password still gets the usual answer: the closing reveals no account.
    assert sign_in(session, account.email, "x").error.code == "bad_credentials"
    # SSO candidates are refused the same way, before any account is created.
    identity = SsoIdentity(provider="oidc", subject="etu-9", email="new@etu.univ.example")
    outcome = sso.sign_in_candidate(session, actor=Actor.anonymous(), identity=identity)
    assert outcome.error.code == "sign_in_closed"
    assert session.exec(select(Account).where(Account.sso_subject == "etu-9")).first() is None
    # Staff are unaffected.
    member = StaffMember(login="adm", email="a@univ.example", display_name="A", password_hash=hash_password(GOOD))
    session.add(member)
    session.flush()
    session.add(StaffRoleAssignment(staff_id=member.id, role=StaffRole.ADMINISTRATOR))
    session.flush()
    assert sign_in(session, "adm").principal.kind == "staff"


def test_failure_counters_are_shared_by_every_instance(database_url, clock) -> None:
    """Each sign-in in its own transaction, as different instances would run them: the counts add up."""
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    for n in range(5):
        with transaction() as session:  # committed although the sign-in fails
            outcome = sign_in(session, "ghost@mail.example", "x", address=f"198.51.100.{n}")
    assert outcome.error.code == "throttled"
    with new_session() as session:
        row = session.get(SignInThrottle, "login:ghost@mail.example")
        assert row.blocked_until == datetime(2026, 3, 1, 9, 15, tzinfo=UTC)
        assert session.get(SignInThrottle, "address:198.51.100.0").failures == 1
        # A counter whose window is over starts again from one.
        clock.set(datetime(2026, 3, 1, 9, 31, tzinfo=UTC))
        store = auth.DatabaseThrottleStore(session)
        assert store.record_failure("address:198.51.100.0", clock.now(), limit=3, wait=timedelta(minutes=15)) is None
        assert session.get(SignInThrottle, "address:198.51.100.0").failures == 1
        # Purged: the four other addresses and the login whose block is over; not the fresh counter.
        assert auth.purge_throttles(session, now=clock.now()) == 5
        assert session.get(SignInThrottle, "address:198.51.100.0") is not None
