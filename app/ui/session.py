"""Who is signed in on this browser, kept in NiceGUI's per-user storage (a signed cookie id)."""

from dataclasses import asdict, dataclass
from typing import Literal

from nicegui import app

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, set_language_resolver

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


def current_identity() -> Identity | None:
    data = app.storage.user.get("identity")
    return Identity(**data) if data else None


def remember_identity(identity: Identity) -> None:
    app.storage.user["identity"] = asdict(identity)


def forget_identity() -> None:
    app.storage.user.pop("identity", None)


def current_language() -> str:
    lang = app.storage.user.get("lang", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    if lang in LANGUAGES:
        app.storage.user["lang"] = lang


def install_language_resolver() -> None:
    """Let ``_()`` find the language of the person whose page or event is being handled."""
    set_language_resolver(current_language)
