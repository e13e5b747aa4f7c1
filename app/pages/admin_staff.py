"""« Gestionnaires et droits » (/admin/gestionnaires): search staff members, create one, open one to edit their
account, deactivate it, and manage their roles by scope (administrators and the central office only)."""

from nicegui import ui

from app.i18n import _, current_language, ngettext
from app.models import StaffRole
from app.pages.admin_staff_sections import StaffDraft, account_form, activation, roles_section
from app.services.accounts import staff_roles as staff
from app.services.admin import staff as admin_staff
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_widgets import admin_page
from app.ui.dates import format_moment
from app.ui.offer_admin import in_transaction
from app.ui.page import page
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph

LIST_PATH = routes.ADMIN_STAFF


async def _acting(actor: Actor) -> tuple[bool, bool]:
    """(writable, is administrator) for the actor's current role, read off the event loop."""
    role = await in_transaction(lambda session: staff.current_role(session, actor=actor))
    return not role.read_only, role.role == StaffRole.ADMINISTRATOR


def _cell(text: str, tag: str = "td") -> Text:
    cell = Text(text, tag)
    if tag == "th":
        cell.props["scope"] = "col"
    return cell


def _results(summaries: list[admin_staff.StaffSummary]) -> None:
    lang = current_language()
    if not summaries:
        paragraph(_("Aucun gestionnaire ne correspond à cette recherche.")).mark("no-result")
        return
    count = ngettext("{n} gestionnaire", "{n} gestionnaires", len(summaries)).format(n=len(summaries))
    if len(summaries) >= admin_staff.LIST_LIMIT:
        count += " " + _("(les {n} premiers : précisez la recherche)").format(n=admin_staff.LIST_LIMIT)
    paragraph(count).mark("result-count").props("role=status")
    with scroll_region(_("Gestionnaires")), ui.element("table").classes("ec-table").mark("staff"):
        with ui.element("thead"), ui.element("tr"):
            for label in (_("Nom"), _("Identifiant"), _("Adresse e-mail"), _("Connexion"), _("Rôles"), _("État")):
                _cell(label, "th")
        with ui.element("tbody"):
            for summary in summaries:
                member = summary.member
                with ui.element("tr").mark(f"staff-{member.login}"):
                    with ui.element("td"):
                        ui.link(member.display_name, routes.ADMIN_STAFF_MEMBER.format(staff_id=member.id)).mark(
                            f"open-{member.login}"
                        )
                    _cell(member.login)
                    _cell(member.email)
                    _cell(_("Mot de passe local") if member.password_hash else _("ENT"))
                    with ui.element("td"), ui.element("ul").classes("list-none"):
                        for role in summary.roles:
                            suffix = " (" + _("lecture seule") + ")" if role.read_only else ""
                            Text(f"{_(role.role_label)} — {role.scope_label(lang)}{suffix}", "li")
                        if not summary.roles:
                            Text(_("aucun rôle"), "li")
                    state = _("actif") if member.is_active else _("désactivé")
                    if member.last_sign_in_at is not None:
                        state += " · " + _("dernière connexion le {date}").format(
                            date=format_moment(member.last_sign_in_at)
                        )
                    _cell(state)


async def _list_page(actor: Actor) -> None:
    writable, _is_admin = await _acting(actor)
    if writable:
        ui.link(_("Créer un gestionnaire"), routes.ADMIN_STAFF_NEW).classes("font-bold").mark("new-staff")
    query = {"search": "", "inactive": True}
    with ui.element("div").props("role=search").classes("flex flex-wrap items-end gap-4 my-4"):
        search = ui.input(_("Rechercher (nom, identifiant ou adresse e-mail)")).props("outlined clearable")
        search.classes("min-w-[320px]").mark("search")
        inactive = ui.checkbox(_("Afficher les comptes désactivés"), value=True).mark("show-inactive")
        ui.button(_("Rechercher"), on_click=lambda: apply()).props("no-caps").mark("search-button")
    search.on("keydown.enter", lambda: apply())

    @ui.refreshable
    async def results() -> None:
        search_text, include_inactive = str(query["search"]), bool(query["inactive"])
        try:
            found = await in_transaction(
                lambda session: admin_staff.list_staff(
                    session, actor=actor, search=search_text, include_inactive=include_inactive
                )
            )
        except DomainError as error:
            paragraph(error.translate(_)).mark("refusal")
            return
        _results(found)

    def apply() -> None:
        query["search"], query["inactive"] = search.value or "", inactive.value
        results.refresh()

    await results()


async def _member_page(actor: Actor, staff_id: int | None) -> None:
    ui.link(_("← Tous les gestionnaires"), LIST_PATH).mark("back-to-staff")
    writable, is_admin = await _acting(actor)
    if staff_id is None:
        if not writable:
            paragraph(_("Votre rôle est en lecture seule : vous ne pouvez pas créer de gestionnaire.")).mark("refusal")
            return
        draft = StaffDraft.new()
        paragraph(
            _(
                "Le gestionnaire se connecte avec l'ENT de l'université (recommandé) ou avec un mot de passe "
                "local. Ajoutez-lui ensuite au moins un rôle : sans rôle, il ne peut pas se connecter."
            )
        )
        account_form(
            actor,
            draft,
            writable=True,
            on_saved=lambda m: ui.navigate.to(routes.ADMIN_STAFF_MEMBER.format(staff_id=m.id)),
        )
        return
    try:
        summary = await in_transaction(lambda session: admin_staff.open_staff(session, actor=actor, staff_id=staff_id))
    except DomainError as error:
        paragraph(error.translate(_)).mark("refusal")
        return
    draft = StaffDraft.of(summary.member)
    # Only an administrator edits the account of someone who holds the administrator role.
    account_writable = writable and (is_admin or not summary.is_administrator)
    if writable and not account_writable:
        paragraph(_("Seul un administrateur peut modifier ou désactiver le compte d'un administrateur.")).mark(
            "admin-account-note"
        )
    heading(_("Compte"), 2)

    @ui.refreshable
    def state() -> None:
        activation(actor, draft, writable=account_writable and staff_id != actor.staff_id, refresh=state.refresh)

    account_form(actor, draft, writable=account_writable, on_saved=lambda _m: None)
    state()
    await roles_section(actor, draft, writable=writable, is_admin=is_admin)


def register() -> None:
    @page(LIST_PATH)
    async def admin_staff_list():
        return await admin_page(_("Gestionnaires et droits"), _list_page)

    @page(routes.ADMIN_STAFF_NEW)
    async def admin_staff_new():
        return await admin_page(_("Nouveau gestionnaire"), lambda actor: _member_page(actor, None))

    @page(routes.ADMIN_STAFF_MEMBER)
    async def admin_staff_member(staff_id: int):
        async def title(actor: Actor) -> str:
            try:
                member = await in_transaction(
                    lambda session: admin_staff.open_staff(session, actor=actor, staff_id=staff_id).member
                )
                name = member.display_name
            except DomainError:
                name = ""  # the page says why below
            return _("Gestionnaire : {name}").format(name=name) if name else _("Gestionnaire")

        return await admin_page(title, lambda actor: _member_page(actor, staff_id))
