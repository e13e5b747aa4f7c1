"""The right side of the header: sign-in link, or who is signed in, their current role and the way out."""

import weakref

from nicegui import Client, context, run, ui

from app.db import transaction
from app.i18n import _
from app.services.accounts import RoleView, list_roles, switch_role
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.buttons import action_button
from app.ui.session import Identity, actor_of, current_identity, current_language, remember_identity
from app.ui.session_switch import switch_to, with_role
from app.ui.text import link_tag


def sign_out() -> None:
    switch_to(None, routes.HOME)  # signed out at once, then a new session id (the language is kept)


def end_impersonation() -> None:
    """Leave the candidate view and become the administrator again."""
    identity = current_identity()
    if identity is None or identity.impersonator is None:
        switch_to(None, routes.SIGN_IN)
        return
    switch_to(Identity(**identity.impersonator), routes.STAFF_HOME, fresh_sign_in=False)  # under a new session id


def role_text(identity: Identity) -> str:
    """« Gestionnaire de composante — UFR Sciences »: the role and its scope, in the reader's language."""
    scope = identity.scope_label_en if current_language() == "en" else identity.scope_label_fr
    role = _(identity.role_label) if identity.role_label else ""
    return f"{role} — {_(scope)}" if scope else role


def _switch_role(identity: Identity, assignment_id: int) -> RoleView:
    with transaction() as session:
        return switch_role(session, actor=actor_of(identity), assignment_id=assignment_id)


async def change_role(assignment_id: int) -> None:
    """Switch to another of one's roles without signing out; the service checks it is one's own."""
    identity = current_identity()
    if identity is None or identity.kind != "staff":
        ui.navigate.to(routes.SIGN_IN)
        return
    try:
        view = await run.io_bound(_switch_role, identity, assignment_id)
    except DomainError as error:
        ui.notify(error.translate(_), type="negative")
        return
    remember_identity(with_role(identity, view))
    ui.navigate.to(routes.STAFF_HOME)


def _staff_roles(identity: Identity) -> list[RoleView]:
    try:
        with transaction() as session:
            return list_roles(session, actor=actor_of(identity))
    except DomainError:
        return []


# The roles of the staff member whose page is being drawn, read off the event loop by load_roles().
_roles: "weakref.WeakKeyDictionary[Client, list[RoleView]]" = weakref.WeakKeyDictionary()


async def load_roles(identity: Identity | None) -> None:
    """Read a staff member's roles for the header's role switch, in a worker thread (before the page draws)."""
    if identity is not None and identity.kind == "staff":
        roles = _roles[context.client] = await run.io_bound(_staff_roles, identity)
        actor = actor_of(identity)
        current = next((view for view in roles if view.assignment_id == actor.role_assignment_id), None)
        _current_read[context.client] = ((actor.staff_id, actor.role_assignment_id), current)


# The current role among the roles just read (None: no longer one of theirs), for this page view's first guard
# (``app.ui.guards.require_staff``): it takes it instead of a second worker-thread hop and session (staff pages: 2 → 1
# before the page's own reads). Taken once: a later guard (an event handler) reads the database again.
_current_read: "weakref.WeakKeyDictionary[Client, tuple[tuple[int | None, int | None], RoleView | None]]" = (
    weakref.WeakKeyDictionary()
)


def take_current_role(actor: Actor) -> tuple[bool, RoleView | None]:
    """(True, the role or None) when this page view's header has just read ``actor``'s roles; (False, None) else."""
    read = _current_read.pop(context.client, None)
    if read is None or read[0] != (actor.staff_id, actor.role_assignment_id):
        return False, None
    return True, read[1]


def account_link(identity: Identity | None) -> str:
    """The header's sign-in link, or the name of who is signed in linking to their home (escaped HTML)."""
    if identity is None:
        return link_tag(_("Se connecter"), routes.SIGN_IN, class_="text-white font-medium", data_mark="sign-in-link")
    home = routes.CANDIDATE_HOME if identity.kind == "candidate" else routes.STAFF_HOME
    return link_tag(identity.display_name, home, class_="text-white", data_mark="signed-in-name")


def account_controls() -> None:
    """After the header's links: the impersonation notice, a staff member's role (and its switch), sign-out."""
    identity = current_identity()
    if identity is None:
        return
    if identity.impersonated_by_staff_id is not None:
        _impersonation_banner(identity)
    if identity.kind != "candidate":
        roles = _roles.get(context.client, [])
        current = role_text(identity)
        if len(roles) > 1:
            with ui.button(current, icon="swap_horiz").props("flat color=white no-caps").mark("role-switch") as button:
                button.props["aria-label"] = _("Rôle actuel : {role}. Changer de rôle").format(role=current)
                with ui.menu():
                    for view in roles:
                        label = f"{_(view.role_label)} — {view.scope_label(current_language())}"
                        item = ui.menu_item(label, on_click=lambda _e, a=view.assignment_id: change_role(a))
                        item.mark(f"role-{view.assignment_id}")
        else:
            ui.label(current).classes("text-white").mark("current-role")
    sign_out_button = action_button(_("Se déconnecter"), on_click=sign_out)  # on every page: the light one
    sign_out_button._props.update(flat=True, color="white")
    sign_out_button.mark("sign-out")


def _impersonation_banner(identity: Identity) -> None:
    with ui.element("div").classes("bg-amber-200 text-black px-3 py-1 rounded").mark("impersonation-banner"):
        ui.label(_("Vue en lecture seule du candidat {name}").format(name=identity.display_name))
        ui.button(_("Quitter cette vue"), on_click=end_impersonation).props("flat dense no-caps")
