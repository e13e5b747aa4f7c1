"""Who is signed in on this browser, kept in NiceGUI's per-user storage (a signed cookie id)."""

from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Literal

from nicegui import app, context

from app import clock
from app.config import get_settings
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language_resolver
from app.services.platform import Actor

IdentityKind = Literal["candidate", "staff"]


@dataclass(frozen=True)
class Identity:
    """The signed-in person: a candidate account or a staff member (never both at once)."""

    kind: IdentityKind
    id: int  # Account.id or StaffMember.id
    display_name: str
    # For staff: the index of the current role among their assignments (the role switch changes it).
    role_assignment_id: int | None = None
    # Set when an administrator views the portal as a candidate, read-only.
    impersonated_by_staff_id: int | None = None
    # For staff: the current role and its scope as the header shows them (the guard re-checks the role).
    role_label: str | None = None  # French msgid
    scope_label_fr: str | None = None
    scope_label_en: str | None = None
    # While impersonating, the administrator's own identity, restored when the view ends.
    impersonator: dict | None = None


_FIELDS = {f.name for f in fields(Identity)}
# Activity is written at most this often: a page asks for the identity several times, and each write of the
# user's storage is a change event and a file (or Redis) write; idle timeouts count in minutes.
SEEN_RESOLUTION = timedelta(seconds=30)


def current_identity() -> Identity | None:
    """The signed-in identity, unless the session has been idle longer than ``session_idle_minutes`` or has lasted
    longer than ``session_max_hours`` since sign-in."""
    data = app.storage.user.get("identity")
    if not data:
        return None
    now = clock.now()
    seen = app.storage.user.get("seen_at")
    started = app.storage.user.get("signed_in_at")
    settings = get_settings()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if seen is None or now - datetime.fromisoformat(seen) > idle:
        forget_identity()
        app.storage.user["session_expired"] = True
        return None
    if started is None or now - datetime.fromisoformat(started) > timedelta(hours=settings.session_max_hours):
        forget_identity()
        app.storage.user["session_expired"] = "max"
        return None
    if now - datetime.fromisoformat(seen) >= SEEN_RESOLUTION:
        app.storage.user["seen_at"] = now.isoformat()
    return Identity(**{k: v for k, v in data.items() if k in _FIELDS})


def remember_identity(identity: Identity) -> None:
    """Sign ``identity`` in on this session; a sign-in goes through ``app.ui.session_switch``, which first gives
    the browser a new session id (a role switch keeps the session and its sign-in time)."""
    now = clock.now().isoformat()
    app.storage.user["identity"] = asdict(identity)
    app.storage.user["seen_at"] = now
    app.storage.user.setdefault("signed_in_at", now)
    app.storage.user.pop("session_expired", None)


def forget_identity() -> None:
    app.storage.user.pop("identity", None)
    app.storage.user.pop("seen_at", None)
    app.storage.user.pop("signed_in_at", None)


def pop_session_expired() -> str | None:
    """How the last session ended, said once on the sign-in page: "idle" (inactivity), "max" (its longest
    duration), or None."""
    reason = app.storage.user.pop("session_expired", None)
    return None if not reason else "max" if reason == "max" else "idle"


def current_language() -> str:
    lang = app.storage.user.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    if lang in LANGUAGES:
        app.storage.user["lang"] = lang


def install_language_resolver() -> None:
    """Let ``_()`` find the language of the person whose page or event is being handled."""
    set_language_resolver(current_language)


def client_address() -> str | None:
    try:
        request = context.client.request
    except (RuntimeError, AttributeError):
        return None
    if request is None or request.client is None:
        return None
    return request.client.host


def actor_of(identity: Identity | None) -> Actor:
    """The service-layer actor for the person on this page."""
    address = client_address()
    if identity is None:
        return Actor.anonymous(address)
    if identity.kind == "candidate":
        return Actor(
            "candidate",
            account_id=identity.id,
            impersonated_by_staff_id=identity.impersonated_by_staff_id,
            client_address=address,
        )
    return Actor("staff", staff_id=identity.id, role_assignment_id=identity.role_assignment_id, client_address=address)
