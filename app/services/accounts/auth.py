"""Sign-in with a password, throttling of failed attempts, and the principal a session is opened for."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from sqlalchemy import case, delete, func, literal, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from app import clock
from app.config import get_settings
from app.i18n import N_
from app.models import Account, Campaign, SignInThrottle, StaffMember, StaffRoleAssignment
from app.services.accounts.passwords import hash_password, needs_rehash, verify_password
from app.services.platform import parameters, read_only
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import DomainError
from app.services.platform.text_rules import has_refused_character

# --- Throttling --------------------------------------------------------------------------------------------------


class ThrottleStore(Protocol):
    """Failure counters for keys that have no row of their own: client addresses, staff, unknown logins."""

    def blocked_until(self, key: str, now: datetime) -> datetime | None: ...

    def failures(self, key: str, now: datetime, *, wait: timedelta) -> int: ...

    def count_failure(self, key: str, now: datetime, *, wait: timedelta) -> int: ...

    def record_failure(self, key: str, now: datetime, *, limit: int, wait: timedelta) -> datetime | None: ...

    def clear(self, key: str) -> None: ...


class DatabaseThrottleStore:
    """Counters in the SignInThrottle table, written in the caller's session: every instance sees them.

    A failure is one atomic upsert (no read-then-write), so concurrent failures from several instances are
    all counted; the row stays locked until the caller commits, which it does even when the sign-in fails.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def blocked_until(self, key: str, now: datetime) -> datetime | None:
        until = self.session.exec(select(SignInThrottle.blocked_until).where(SignInThrottle.key == key)).first()
        return until if until is not None and until > now else None

    def failures(self, key: str, now: datetime, *, wait: timedelta) -> int:
        """The failures counted for ``key`` in its current window (0 once the window is over)."""
        row = self.session.exec(
            select(SignInThrottle.failures, SignInThrottle.window_started_at).where(SignInThrottle.key == key)
        ).first()
        return row[0] if row is not None and row[1] >= now - wait else 0

    def count_failure(self, key: str, now: datetime, *, wait: timedelta) -> int:
        """Count one failure for ``key`` and return the failures of its current window; never blocks."""
        table = SignInThrottle.__table__  # type: ignore[attr-defined]
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        stale = table.c.window_started_at < now - wait  # failures older than one waiting period are forgotten
        statement = (
            insert(table)
            .values(key=key, failures=1, window_started_at=now, blocked_until=None)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "failures": case((stale, 1), else_=table.c.failures + 1),
                    "window_started_at": case(
                        (stale, literal(now, table.c.window_started_at.type)), else_=table.c.window_started_at
                    ),
                },
            )
            .returning(table.c.failures)
        )
        return self.session.execute(statement).scalar_one()

    def record_failure(self, key: str, now: datetime, *, limit: int, wait: timedelta) -> datetime | None:
        """Count one failure for ``key``; at ``limit`` failures, block it for ``wait`` and return until when."""
        table = SignInThrottle.__table__  # type: ignore[attr-defined]
        failures = self.count_failure(key, now, wait=wait)
        if failures < limit:
            return None
        until = now + wait
        self.session.execute(
            update(table).where(table.c.key == key).values(failures=0, window_started_at=now, blocked_until=until)
        )
        return until

    def clear(self, key: str) -> None:
        self.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))  # type: ignore[arg-type]


# Which store authenticate() counts in, built on the caller's session; the database one holds across instances.
throttle_store_factory: Callable[[Session], ThrottleStore] = DatabaseThrottleStore


def purge_throttles(session: Session, *, now: datetime) -> int:
    """Delete counters whose window and block are both over (the purge job calls it)."""
    wait = timedelta(minutes=parameters.current("sign_in_throttle_minutes"))
    result = session.execute(
        delete(SignInThrottle).where(
            col(SignInThrottle.window_started_at) < now - wait,
            or_(col(SignInThrottle.blocked_until).is_(None), col(SignInThrottle.blocked_until) < now),
        )
    )
    return result.rowcount or 0


# --- Campaign closing --------------------------------------------------------------------------------------------


def candidate_sign_in_closes_at(session: Session) -> datetime | None:
    """When the active campaign stops candidates from signing in (None: no active campaign or no date)."""
    return session.exec(select(Campaign.sign_in_closes_at).where(Campaign.is_active)).first()


@dataclass(frozen=True)
class SignInClosing:
    """When the active campaign stops candidates from signing in, and whether it has (staff still may)."""

    closes_at: datetime
    closed: bool


def candidate_sign_in_closing(session: Session) -> SignInClosing | None:
    """What the sign-in page tells candidates before they type anything (None: no active campaign or no date)."""
    closes_at = candidate_sign_in_closes_at(session)
    if closes_at is None:
        return None
    return SignInClosing(closes_at, _closed(closes_at, clock.now()))


def _closed(closes_at: datetime | None, now: datetime) -> bool:
    return closes_at is not None and now >= closes_at


def sign_in_closed_error(session: Session, now: datetime) -> DomainError | None:
    """The refusal every candidate sign-in (password, OIDC, CAS) returns once the campaign is closed."""
    closes_at = candidate_sign_in_closes_at(session)
    if closes_at is None or not _closed(closes_at, now):
        return None
    return DomainError(
        "sign_in_closed",
        N_(
            "La campagne de candidatures est close depuis le {date} : les candidats ne peuvent plus se connecter. "
            "Pour toute question, écrivez à {email}."
        ),
        date=clock.paris(closes_at).strftime("%d/%m/%Y %H:%M"),
        email=get_settings().assistance_email,
    )


# Once an address has had ``sign_in_max_failures_per_address`` failures in the window, each further sign-in from it
# waits before its password is checked: 1 s, then twice as long after each new failure, at most this long.
MAX_ADDRESS_DELAY_SECONDS = 30


def _address_key(actor: Actor) -> str:
    return f"address:{actor.client_address or '-'}"


def address_delay_seconds(failures: int, limit: int) -> int:
    """How long a sign-in waits after ``failures`` failures from its address (0 below ``limit``)."""
    if failures < limit:
        return 0
    return min(2 ** min(failures - limit, 10), MAX_ADDRESS_DELAY_SECONDS)


def sign_in_delay(session: Session, *, actor: Actor) -> int:
    """Seconds the next sign-in from this client address waits before its password is checked.

    Many failures from one address (a campus NAT, a school, a reverse proxy) slow every sign-in from it, whatever
    the login, without ever refusing one: a person typing their own correct password still gets in, a little
    later, while guessing over many logins from there goes no faster than the delays allow. Each account keeps
    its own limit (``sign_in_max_failures``), from any address.
    """
    settings = parameters.effective_settings()
    wait = timedelta(minutes=settings.sign_in_throttle_minutes)
    failures = throttle_store_factory(session).failures(_address_key(actor), clock.now(), wait=wait)
    return address_delay_seconds(failures, settings.sign_in_max_failures_per_address)


def _throttled(until: datetime) -> DomainError:
    return DomainError(
        "throttled",
        N_("Trop de tentatives de connexion échouées. Réessayez à partir de {time}."),
        field="password",
        time=clock.paris(until).strftime("%H:%M"),
    )


def _bad_credentials() -> DomainError:
    return DomainError("bad_credentials", N_("Identifiant ou mot de passe incorrect."), field="password")


# --- Sign-in -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """Who signed in: a candidate account or a staff member, with the staff member's first role."""

    kind: Literal["candidate", "staff"]
    id: int
    display_name: str
    role_assignment_id: int | None = None


@dataclass(frozen=True)
class SignInOutcome:
    """The result of a sign-in; failures are returned, not raised, so their counters are committed."""

    principal: Principal | None = None
    error: DomainError | None = None


_dummy_hash: str | None = None


def _burn_time(password: str) -> None:
    """Verify against a throwaway hash so an unknown login answers as slowly as a known one."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("dummy-password-for-timing")
    verify_password(_dummy_hash, password)


def find_account_by_login(session: Session, login: str) -> Account | None:
    """The live account whose e-mail or dossier number is ``login`` (case-insensitive)."""
    login = login.strip()
    if not login or has_refused_character(login):  # a NUL would reach PostgreSQL as a DataError; no login has one
        return None
    if "@" in login:
        query = select(Account).where(Account.email == login.lower())
    else:
        query = select(Account).where(Account.dossier_number == login.upper())
    account = session.exec(query.where(Account.deleted_at.is_(None))).first()  # type: ignore[union-attr]
    return account


def mark_staff_signed_in(session: Session, member: StaffMember, moment: datetime) -> None:
    """Record a staff sign-in without bumping the row version, so an administrator editing this member's
    record at the same moment is not refused for a change they cannot see."""
    session.execute(update(StaffMember).where(col(StaffMember.id) == member.id).values(last_sign_in_at=moment))
    session.expire(member, ["last_sign_in_at"])


def staff_signed_in(
    session: Session, member: StaffMember, *, actor: Actor, action: str, assignment_id: int | None, now: datetime
) -> "SignInOutcome":
    """What every staff sign-in (password or single sign-on) ends with: the date recorded, the audit, the principal."""
    mark_staff_signed_in(session, member, now)
    audit_row(session, Actor("staff", staff_id=member.id, client_address=actor.client_address), action, member)
    return SignInOutcome(Principal("staff", member.id or 0, member.display_name, assignment_id))


def first_role_assignment_id(session: Session, staff_id: int) -> int | None:
    return session.exec(
        select(StaffRoleAssignment.id).where(StaffRoleAssignment.staff_id == staff_id).order_by(StaffRoleAssignment.id)
    ).first()


def authenticate(session: Session, *, actor: Actor, login: str, password: str) -> SignInOutcome:
    """Check a dossier number, e-mail or staff login and its password, with throttling per account.

    Failures are also counted per client address, which only slows the sign-ins from it (``sign_in_delay``, waited
    by the caller before this call): an address is never refused, so nobody sharing it is locked out.
    """
    read_only.allow(session, "sign_in")  # candidates sign in to a read-only portal too
    settings = parameters.effective_settings()
    attempt = _Attempt(
        session,
        actor,
        now=clock.now(),
        max_failures=settings.sign_in_max_failures,
        wait=timedelta(minutes=settings.sign_in_throttle_minutes),
        store=throttle_store_factory(session),
    )
    if has_refused_character(login):  # no account or staff login holds a control character
        return attempt.fail(None)
    account = find_account_by_login(session, login)
    if account is not None:
        return _candidate_sign_in(attempt, account, password)
    return _staff_sign_in(attempt, login, password)


@dataclass(frozen=True)
class _Attempt:
    """One sign-in attempt: its moment, the throttling it is held to, and how a failure is counted."""

    session: Session
    actor: Actor
    now: datetime
    max_failures: int
    wait: timedelta
    store: ThrottleStore

    def fail(self, key: str | None) -> SignInOutcome:
        self.store.count_failure(_address_key(self.actor), self.now, wait=self.wait)
        blocked = None
        if key is not None:
            blocked = self.store.record_failure(key, self.now, limit=self.max_failures, wait=self.wait)
        return SignInOutcome(error=_throttled(blocked) if blocked else _bad_credentials())


def _candidate_sign_in(attempt: _Attempt, account: Account, password: str) -> SignInOutcome:
    session, now = attempt.session, attempt.now
    if account.throttled_until and account.throttled_until > now:
        return SignInOutcome(error=_throttled(account.throttled_until))
    if not account.password_hash or not verify_password(account.password_hash, password):
        account.failed_sign_ins += 1
        if account.failed_sign_ins >= attempt.max_failures:
            account.failed_sign_ins = 0
            account.throttled_until = now + attempt.wait
        session.add(account)
        outcome = attempt.fail(None)
        if account.throttled_until and account.throttled_until > now:
            return SignInOutcome(error=_throttled(account.throttled_until))
        return outcome
    # The right password: only now may the answer depend on the account's state.
    if closed := sign_in_closed_error(session, now):
        return SignInOutcome(error=closed)
    if not account.is_activated:
        return SignInOutcome(
            error=DomainError(
                "not_activated",
                N_(
                    "Votre compte n'est pas encore activé. Cliquez sur le lien du mail d'activation, "
                    "ou demandez un nouveau mail d'activation."
                ),
                field="login",
            )
        )
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.failed_sign_ins = 0
    account.throttled_until = None
    account.last_sign_in_at = now
    session.add(account)
    audit_row(
        session,
        Actor("candidate", account_id=account.id, client_address=attempt.actor.client_address),
        "account.signed_in",
        account,
    )
    return SignInOutcome(Principal("candidate", account.id or 0, f"{account.first_name} {account.last_name}"))


def _staff_sign_in(attempt: _Attempt, login: str, password: str) -> SignInOutcome:
    session, now = attempt.session, attempt.now
    staff = session.exec(select(StaffMember).where(func.lower(StaffMember.login) == login.strip().lower())).first()
    if staff is None:
        _burn_time(password)
        # Unknown logins are throttled like known ones, so throttling does not reveal which accounts exist.
        key = f"login:{login.strip().lower()[:100]}"
        if until := attempt.store.blocked_until(key, now):
            return SignInOutcome(error=_throttled(until))
        return attempt.fail(key)

    key = f"staff:{staff.id}"
    if until := attempt.store.blocked_until(key, now):
        return SignInOutcome(error=_throttled(until))
    if not staff.is_active or not staff.password_hash or not verify_password(staff.password_hash, password):
        return attempt.fail(key)
    assignment_id = first_role_assignment_id(session, staff.id or 0)
    if assignment_id is None:
        return SignInOutcome(
            error=DomainError(
                "no_role", N_("Aucun rôle ne vous est attribué : contactez l'administrateur de l'application.")
            )
        )
    attempt.store.clear(key)
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
        session.add(staff)
    return staff_signed_in(
        session, staff, actor=attempt.actor, action="staff.signed_in", assignment_id=assignment_id, now=now
    )
