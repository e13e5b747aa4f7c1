"""The staff landing page: the current role and scope, the role switch, and the administrator's candidate view."""

from dataclasses import asdict

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.models import StaffRole
from app.pages.staff_pending import load_pending, pending_panel
from app.services.accounts import RoleView
from app.services.accounts import staff_roles as staff
from app.services.exports import PendingCounts
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.account_menu import change_role, role_text
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.page import page
from app.ui.session import Identity, actor_of, current_language, forget_identity
from app.ui.session_switch import switch_to
from app.ui.text import heading, list_item, paragraph


def _impersonation_form(identity: Identity) -> None:
    from app.ui.account_form import Form

    with ui.element("section").classes("mt-6").mark("impersonation"):
        heading(_("Voir le portail comme un candidat"), 2)
        paragraph(_("En lecture seule ; chaque page consultée est enregistrée dans le journal d'audit."))
        form = Form()
        form.input("dossier_number", _("Numéro de dossier"))

        async def submit() -> None:
            actor, dossier_number = actor_of(identity), form.value("dossier_number")

            def act():  # in a worker thread: the inputs and the actor were read before
                with transaction() as session:
                    return staff.start_impersonation(session, actor=actor, dossier_number=dossier_number)

            account = await form.submit(act)
            if account is None:
                return
            viewed = Identity(
                kind="candidate",
                id=account.id,
                display_name=f"{account.first_name} {account.last_name}",
                impersonated_by_staff_id=identity.id,
                impersonator=asdict(identity),
            )
            switch_to(viewed, routes.CANDIDATE_HOME, fresh_sign_in=False)  # under a new session id

        ui.button(_("Ouvrir en lecture seule"), on_click=submit).props("no-caps").mark("impersonate")


def _load(actor: Actor) -> tuple[list[RoleView], RoleView, PendingCounts | None]:
    """The staff member's roles, the current one, and what awaits them (a worker thread)."""
    with transaction() as session:
        roles = staff.list_roles(session, actor=actor)
        current = staff.current_role(session, actor=actor)
    return roles, current, load_pending(actor)


def _links(role: StaffRole) -> list[tuple[str, str, str]]:
    """The staff navigation of ``role``: the account desk manages accounts only, no application."""
    desk = (_("Comptes candidats"), routes.ACCOUNT_DESK, "account-desk-link")
    if role == StaffRole.ACCOUNT_DESK:
        return [desk]
    links = [
        (_("Candidatures"), routes.STAFF_APPLICATIONS, "applications-link"),
        (_("Listes complémentaires"), routes.WAITING_LISTS, "waiting-lists-link"),
        (_("Entretiens"), routes.INTERVIEWS, "interviews-link"),
        (_("Statistiques"), routes.STATISTICS, "statistics-link"),
        (_("Mes exports"), routes.EXPORTS, "exports-link"),
    ]
    if role != StaffRole.COMMITTEE_MEMBER:
        links.insert(2, (_("Classements"), routes.RANKINGS, "rankings-link"))
        links.append((_("Administration"), routes.ADMIN, "admin-link"))
    if role in (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE):
        links.append((_("Transfert des inscriptions"), routes.HANDOFF, "handoff-link"))
        links.append(desk)
    return links


def register() -> None:
    @page(routes.STAFF_HOME)
    async def staff_home():
        gate = await require_staff(account_desk=True)
        if gate.refused:
            return gate.response
        identity = gate.identity
        assert identity is not None
        try:
            loaded = await run.io_bound(_load, gate.actor)
        except DomainError:
            forget_identity()
            return None
        assert loaded is not None
        roles, current, pending = loaded
        with frame(_("Espace de gestion")):
            paragraph(_("Bonjour {name}.").format(name=identity.display_name))
            paragraph(_("Rôle actuel : {role}").format(role=role_text(identity))).mark("current-role-text")
            if current.read_only:
                paragraph(_("Ce rôle est en lecture seule."))
            links = _links(current.role)
            with ui.element("nav") as nav, ui.element("ul").classes("flex flex-wrap gap-x-6 gap-y-2"):
                nav.props["aria-label"] = _("Espace de gestion")
                for label, href, marker in links:
                    with ui.element("li"):
                        ui.link(label, href).mark(marker)
            pending_panel(pending)
            if len(roles) > 1:
                heading(_("Vos rôles"), 2)
                with ui.element("ul").classes("ec-bullets").mark("roles"):
                    for view in roles:
                        label = f"{_(view.role_label)} — {view.scope_label(current_language())}"
                        if view.assignment_id == current.assignment_id:
                            list_item(_("{role} (rôle actuel)").format(role=label))
                        else:
                            with ui.element("li"):
                                ui.button(label, on_click=lambda _e, a=view.assignment_id: change_role(a)).props(
                                    "flat no-caps"
                                ).mark(f"switch-{view.assignment_id}")
            if current.role == StaffRole.ADMINISTRATOR:
                _impersonation_form(identity)
        return None
