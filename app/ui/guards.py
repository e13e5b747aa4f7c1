"""Page guards: the first lines of every protected page.

::

    @page("/candidat")
    async def candidate_home():
        return await as_candidate(_candidate_home)  # _candidate_home(actor) draws the page

    @page("/candidat/dossier/{tab}")
    async def dossier_tab(tab: str):
        gate = await require_candidate()  # when the page needs more than the actor
        if gate.refused:
            return gate.response
        ... gate.actor, gate.identity ...

Anonymous visitors are sent to ``/connexion`` (and back afterwards); signed-in people without the right kind
of identity see a refusal. Services check again on every action: the guard only spares a useless page.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi.responses import RedirectResponse
from nicegui import context, run, ui

from app.db import new_session, transaction
from app.i18n import _
from app.models import StaffRole
from app.services.accounts import RoleView, current_role
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.account_menu import take_current_role
from app.ui.session import Identity, actor_of, current_identity, forget_identity

T = TypeVar("T")
Draw = Callable[..., Awaitable[Any]]  # a page's body: draw(actor, *the page's parameters)


@dataclass
class Gate:
    identity: Identity | None = None
    actor: Actor | None = None
    response: RedirectResponse | None = None
    refused: bool = False


def _to_sign_in() -> Gate:
    path = context.client.request.url.path if context.client.request else "/"
    return Gate(response=RedirectResponse(f"{routes.SIGN_IN}?suite={quote(path)}", status_code=303), refused=True)


def _refuse(message: str) -> Gate:
    from app.ui.frame import frame
    from app.ui.text import paragraph

    with frame(_("Accès refusé")):
        paragraph(message).mark("refusal")
        ui.link(_("Retour à l'accueil"), routes.HOME)
    return Gate(refused=True)


def _signed_in(kind: str, refusal: str) -> Identity | Gate:
    """The signed-in identity if it is of ``kind``; else the gate: sign in first, or ``refusal`` (the other kind)."""
    identity = current_identity()
    if identity is None:
        return _to_sign_in()
    if identity.kind != kind:
        return _refuse(refusal)
    return identity


async def require_candidate() -> Gate:
    identity = _signed_in(
        "candidate", _("Cette page est réservée aux candidats. Vous êtes connecté avec un compte de gestion.")
    )
    if isinstance(identity, Gate):
        return identity
    actor = actor_of(identity)
    if identity.impersonated_by_staff_id is not None and not await _audit_impersonated_view(identity, actor):
        return _to_sign_in()
    return Gate(identity=identity, actor=actor)


def _record_view(actor: Actor, administrator: Actor, path: str) -> None:
    from app.services.accounts import record_impersonated_view

    with transaction() as session:
        record_impersonated_view(session, actor=actor, administrator=administrator, path=path)


async def _audit_impersonated_view(identity: Identity, actor: Actor) -> bool:
    """Every page an administrator views as a candidate is audited; a withdrawn right ends the view."""
    administrator = actor_of(Identity(**identity.impersonator)) if identity.impersonator else Actor.anonymous()
    path = context.client.request.url.path if context.client.request else ""
    try:
        await run.io_bound(_record_view, actor, administrator, path)
    except DomainError:
        forget_identity()
        return False
    return True


def _current_role(actor: Actor) -> RoleView:
    with transaction() as session:
        return current_role(session, actor=actor)


async def _current_role_of_page(actor: Actor) -> RoleView | None:
    taken, view = take_current_role(actor)
    if taken:  # read moments ago with the header's roles, for this page view: one hop and one session fewer
        return view
    try:
        return await run.io_bound(_current_role, actor)  # re-read: a role withdrawn meanwhile no longer opens pages
    except DomainError:
        return None


async def require_staff(*roles: StaffRole, account_desk: bool = False) -> Gate:
    """A staff member whose current role (re-read from the database) is one of ``roles`` (any role if none).

    With no ``roles``, the account desk, which has no right on applications, is refused unless ``account_desk``
    (the staff home): the pages of applications, lists, statistics and exports would show it nothing."""
    identity = _signed_in("staff", _("Cette page est réservée aux gestionnaires."))
    if isinstance(identity, Gate):
        return identity
    actor = actor_of(identity)
    view = await _current_role_of_page(actor)
    if view is None:
        return _refuse(_("Ce rôle ne vous est plus attribué. Choisissez un autre rôle ou reconnectez-vous."))
    desk_refused = not roles and not account_desk and view.role == StaffRole.ACCOUNT_DESK
    if (roles and view.role not in roles) or desk_refused:
        return _refuse(_("Votre rôle actuel ne permet pas d'ouvrir cette page. Changez de rôle dans l'en-tête."))
    return Gate(identity=identity, actor=actor)


async def as_candidate(draw: Draw, *args: Any) -> Any:
    """A candidate's page: :func:`require_candidate`, then ``draw(actor, *args)``; else the redirect or refusal."""
    gate = await require_candidate()
    if gate.refused:
        return gate.response
    assert gate.actor is not None
    return await draw(gate.actor, *args)


async def as_staff(draw: Draw, *args: Any, roles: tuple[StaffRole, ...] = ()) -> Any:
    """A staff page: :func:`require_staff` (``roles``: any role but the desk if empty), then ``draw(actor, *args)``."""
    gate = await require_staff(*roles)
    if gate.refused:
        return gate.response
    assert gate.actor is not None
    return await draw(gate.actor, *args)


def refusal(error: DomainError) -> None:
    """What stands where the content would be when a service refuses to show it (marked ``refusal``)."""
    from app.ui.text import paragraph

    paragraph(error.translate(_)).mark("refusal")


def read_or_refusal(read: Callable[..., T], **kwargs: Any) -> T | DomainError:
    """``read(session, **kwargs)`` in a session of its own (a worker thread): what it read, or the service's
    refusal for the page to show (:func:`refusal`)."""
    try:
        with new_session() as session:
            return read(session, **kwargs)
    except DomainError as error:
        return error


def done_or_refusal(work: Callable[..., T], **kwargs: Any) -> T | DomainError:
    """:func:`read_or_refusal` in a transaction: for a service that writes (an audited search, a preview's log)."""
    try:
        with transaction() as session:
            return work(session, **kwargs)
    except DomainError as error:
        return error


async def open_or_refuse(
    title: str, load: Callable[..., T], *args: Any, back: tuple[str, str] | None = None
) -> T | None:
    """``load(*args)`` off the event loop, past the guard; when its service refuses (out of scope, role too narrow),
    a page titled ``title`` says why, with an optional ``back`` link (label, path), and None is returned."""
    from app.ui.frame import frame

    try:
        return await run.io_bound(load, *args)
    except DomainError as error:
        with frame(title):
            refusal(error)
            if back is not None:
                ui.link(*back)
        return None


def safe_next(path: str | None, default: str) -> str:
    """Only a local path is followed after sign-in (no open redirect)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return default
