"""The parts of the staff member page: the account form (SSO or password), activation, and the roles by scope.

Each action calls one service of ``admin_staff`` / ``admin_staff_roles`` in its own transaction. Every change is
checked against the member's version, which the page keeps up to date after each of its own actions.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nicegui import run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import LANGUAGES, _, current_language
from app.models import StaffMember, StaffRole
from app.services.accounts import ROLE_LABELS, RoleView
from app.services.admin import staff as admin_staff
from app.services.admin import staff_roles as admin_staff_roles
from app.services.dossier import DossierInvalid
from app.services.platform import Actor, DomainError
from app.ui.dossier_form import EntityForm, saved_notice
from app.ui.offer_admin import alert, in_transaction, submit
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph


@dataclass
class StaffDraft:
    """What the account form binds to; the password fields are never read back from the database."""

    id: int | None = None
    version: int | None = None
    login: str = ""
    email: str = ""
    display_name: str = ""
    language: str = "fr"
    auth_mode: str = admin_staff.AUTH_SSO
    sso_provider: str | None = None
    sso_subject: str | None = None
    password: str = ""
    password_confirm: str = ""
    has_password: bool = False
    is_active: bool = True

    @classmethod
    def new(cls) -> "StaffDraft":
        settings = get_settings()
        provider = "cas" if settings.cas_server_url and not settings.oidc_issuer else "oidc"
        return cls(sso_provider=provider)

    @classmethod
    def of(cls, member: StaffMember) -> "StaffDraft":
        # A member with a password is shown in password mode: saving in SSO mode would delete that password,
        # while the password mode only unlinks the SSO identity (linked again at the next SSO sign-in).
        local = member.password_hash is not None
        return cls(
            id=member.id, version=member.version, login=member.login, email=member.email,
            display_name=member.display_name, language=member.language,
            auth_mode=admin_staff.AUTH_PASSWORD if local else admin_staff.AUTH_SSO,
            sso_provider=member.sso_provider or cls.new().sso_provider, sso_subject=member.sso_subject,
            has_password=member.password_hash is not None, is_active=member.is_active,
        )  # fmt: skip


def account_form(actor: Actor, draft: StaffDraft, *, writable: bool, on_saved: Callable[[StaffMember], None]) -> None:
    """Login, name, e-mail, language and how they sign in; saved with the version the page holds."""
    form = EntityForm(draft, read_only=not writable)
    form.text("login", _("Identifiant de connexion"), required=True, autocomplete="off",
              hint=_("Celui de l'ENT de l'université : lettres minuscules, chiffres, point, tiret."))  # fmt: skip
    form.text("display_name", _("Nom affiché"), required=True, hint=_("Par exemple : Jeanne Martin"))
    form.text("email", _("Adresse e-mail"), required=True, autocomplete="off")
    form.select("language", _("Langue des mails"), dict(LANGUAGES), required=True)
    modes = {
        admin_staff.AUTH_SSO: _("Authentification de l'université (ENT)"),
        admin_staff.AUTH_PASSWORD: _("Mot de passe local"),
    }
    form.select("auth_mode", _("Mode de connexion"), modes, required=True, on_change=lambda e: show_mode(e.value))
    sso = ui.column().classes("w-full gap-2").mark("sso-fields")
    with sso:
        providers = {key: _(label) for key, label in admin_staff.SSO_PROVIDERS.items()}
        form.select("sso_provider", _("Service d'authentification"), providers, required=True)
        subject_hint = _("Facultatif : il est enregistré à la première connexion par l'ENT avec cet identifiant.")
        form.text("sso_subject", _("Identifiant attribué par l'ENT (sujet)"), hint=subject_hint)
    local = ui.column().classes("w-full gap-2").mark("password-fields")
    with local:
        keep = _("Laissez vide pour garder le mot de passe actuel.") if draft.has_password else ""
        password = form.text("password", _("Mot de passe"), hint=keep, autocomplete="new-password")
        confirm = form.text("password_confirm", _("Confirmation du mot de passe"), autocomplete="new-password")
        for element in (password, confirm):
            element.props("type=password")

    def show_mode(mode: Any) -> None:
        sso.set_visibility(mode == admin_staff.AUTH_SSO)
        local.set_visibility(mode == admin_staff.AUTH_PASSWORD)

    show_mode(draft.auth_mode)
    notice = saved_notice(_("Le compte est enregistré."))

    async def save() -> None:
        notice.set_visibility(False)

        def act() -> StaffMember:
            with transaction() as session:
                return admin_staff.save_staff(
                    session, actor=actor, staff_id=draft.id, expected_version=draft.version, login=draft.login,
                    email=draft.email, display_name=draft.display_name, language=draft.language,
                    auth_mode=draft.auth_mode, sso_provider=draft.sso_provider, sso_subject=draft.sso_subject,
                    password=draft.password or "", password_confirm=draft.password_confirm or "",
                )  # fmt: skip

        member = await submit(form, act)
        if member is None:
            return
        draft.password = draft.password_confirm = ""
        for name in ("password", "password_confirm"):
            form.fields[name].value = ""
        draft.version, draft.id, draft.has_password = member.version, member.id, member.password_hash is not None
        draft.login, draft.email, draft.display_name = member.login, member.email, member.display_name
        form.refresh_values()
        notice.set_visibility(True)
        on_saved(member)

    if writable:
        ui.button(_("Enregistrer le compte"), on_click=save).props("no-caps").mark("save-account")


def activation(actor: Actor, draft: StaffDraft, *, writable: bool, refresh: Callable[[], None]) -> None:
    """Whether the account may sign in; a deactivated member is kept (their actions stay attributed)."""
    text = _("Compte actif.") if draft.is_active else _("Compte désactivé : cette personne ne peut plus se connecter.")
    paragraph(text).mark("account-state")
    if not writable:
        return

    def change() -> StaffMember:
        with transaction() as session:
            return admin_staff.set_staff_active(
                session, actor=actor, staff_id=draft.id or 0, expected_version=draft.version,
                active=not draft.is_active,
            )  # fmt: skip

    async def toggle() -> None:
        try:
            member = await run.io_bound(change)
        except DomainError as error:
            ui.notify(error.translate(_), type="negative")
            return
        draft.version, draft.is_active = member.version, member.is_active
        ui.notify(_("Compte réactivé.") if member.is_active else _("Compte désactivé."), type="positive")
        refresh()

    label = _("Réactiver le compte") if not draft.is_active else _("Désactiver le compte")
    ui.button(label, on_click=toggle).props("no-caps outline").mark("toggle-active")


def _message(error: DomainError) -> str:
    """A refusal as one sentence (a field error of the table's actions has no field to sit next to)."""
    if isinstance(error, DossierInvalid) and error.field:
        return error.field_message(error.field, _)
    return error.translate(_)


def _version_after(session: Any, actor: Actor, draft: StaffDraft) -> int:
    """The member's version after this page's own change, read in its transaction (the row is locked by it)."""
    return admin_staff.open_staff(session, actor=actor, staff_id=draft.id or 0).member.version


def _cell(text: str, tag: str = "td") -> Text:
    cell = Text(text, tag)
    if tag == "th":
        cell.props["scope"] = "col"
    return cell


def roles_table(
    actor: Actor, draft: StaffDraft, roles: list[RoleView], *, writable: bool, refresh: Callable[[], None]
) -> None:
    """The member's roles with their scope, and the actions on each."""
    lang = current_language()
    if not roles:
        paragraph(_("Aucun rôle : cette personne ne peut pas se connecter.")).mark("no-role")
        return

    def change(action: Callable[[Any], Any]) -> int:
        with transaction() as session:
            action(session)
            return _version_after(session, actor, draft)

    async def act(action: Callable[[Any], Any], done: str) -> None:
        try:
            draft.version = await run.io_bound(change, action)
        except DomainError as error:
            message = _message(error)
            ui.notify(message, type="negative")
            refusal.text = message
            refusal.set_visibility(True)
            return
        ui.notify(done, type="positive")
        refresh()

    refusal = alert("role-error")
    with scroll_region(_("Rôles")), ui.element("table").classes("ec-table").mark("roles"):
        with ui.element("thead"), ui.element("tr"):
            for label in (_("Rôle"), _("Périmètre"), _("Droits"), _("Actions")):
                _cell(label, "th")
        with ui.element("tbody"):
            for role in roles:
                rid = role.assignment_id
                with ui.element("tr").mark(f"role-{rid}"):
                    title = _(role.role_label) + (" — " + _("président") if role.is_president else "")
                    _cell(title)
                    _cell(role.scope_label(lang))
                    _cell(_("lecture seule") if role.read_only else _("lecture et écriture"))
                    with ui.element("td"), ui.row().classes("gap-1"):
                        if writable:
                            _role_buttons(role, actor, draft, act)


def _role_buttons(role: RoleView, actor: Actor, draft: StaffDraft, act: Callable[..., Awaitable[None]]) -> None:
    rid = role.assignment_id

    async def flags(read_only: bool, president: bool) -> None:
        await act(
            lambda s: admin_staff_roles.update_role(
                s, actor=actor, assignment_id=rid, expected_version=draft.version, read_only=read_only,
                is_president=president,
            ),
            _("Rôle modifié."),
        )  # fmt: skip

    async def remove() -> None:
        await act(
            lambda s: admin_staff_roles.remove_role(s, actor=actor, assignment_id=rid, expected_version=draft.version),
            _("Rôle retiré."),
        )

    label = _("Rétablir l'écriture") if role.read_only else _("Passer en lecture seule")
    ui.button(label, on_click=lambda: flags(not role.read_only, role.is_president)).props("no-caps flat dense").mark(
        f"read-only-{rid}"
    )
    if role.role == StaffRole.COMMITTEE_MEMBER:
        label = _("Retirer la présidence") if role.is_president else _("Nommer président")
        ui.button(label, on_click=lambda: flags(role.read_only, not role.is_president)).props(
            "no-caps flat dense"
        ).mark(f"president-{rid}")
    ui.button(_("Retirer"), on_click=remove).props("no-caps flat dense color=negative").mark(f"remove-{rid}")


@dataclass
class RoleDraft:
    role: str | None = None
    centre_id: int | None = None
    committee_id: int | None = None
    read_only: bool = False
    is_president: bool = False


async def add_role_form(actor: Actor, draft: StaffDraft, *, is_admin: bool, refresh: Callable[[], Any]) -> None:
    """Give a role on a scope: the centre for a centre manager, the committee for a committee member."""
    lang = current_language()
    centres, committees = await in_transaction(lambda session: admin_staff.scope_choices(session, actor=actor))
    roles = {r.value: _(label) for r, label in ROLE_LABELS.items() if is_admin or r != StaffRole.ADMINISTRATOR}
    new = RoleDraft()
    form = EntityForm(new)
    form.select("role", _("Rôle"), roles, required=True, on_change=lambda e: show_scope(e.value))
    centre_box = ui.column().classes("w-full gap-2")
    with centre_box:
        centre_options = {c.id: c.label(lang) for c in centres}
        form.select("centre_id", _("Centre de candidature"), centre_options, required=True, searchable=True)
    committee_box = ui.column().classes("w-full gap-2")
    with committee_box:
        committee_options = {c.id: c.label(lang) for c in committees}
        form.select("committee_id", _("Commission"), committee_options, required=True, searchable=True)
        form.checkbox("is_president", _("Président de la commission"))
    form.checkbox("read_only", _("Lecture seule (consulter sans modifier)"))
    if not is_admin:
        paragraph(_("Seul un administrateur peut attribuer le rôle d'administrateur.")).classes("text-sm")

    def show_scope(role: Any) -> None:
        centre_box.set_visibility(role == StaffRole.CENTRE_MANAGER.value)
        committee_box.set_visibility(role == StaffRole.COMMITTEE_MEMBER.value)

    show_scope(None)

    async def add() -> None:
        def act() -> Any:
            with transaction() as session:
                added = admin_staff_roles.add_role(
                    session, actor=actor, staff_id=draft.id or 0, expected_version=draft.version, role=new.role,
                    centre_id=new.centre_id, committee_id=new.committee_id, read_only=new.read_only,
                    is_president=new.is_president,
                )  # fmt: skip
                return added, _version_after(session, actor, draft)

        added = await submit(form, act)
        if added is not None:
            draft.version = added[1]
            ui.notify(_("Rôle ajouté."), type="positive")
            refresh()

    ui.button(_("Ajouter le rôle"), on_click=add).props("no-caps").mark("add-role")


async def roles_section(actor: Actor, draft: StaffDraft, *, writable: bool, is_admin: bool) -> None:
    """The roles table and the form to add one, redrawn (with the member's new version) after each change."""

    @ui.refreshable
    async def body() -> None:
        try:
            summary = await in_transaction(
                lambda session: admin_staff.open_staff(session, actor=actor, staff_id=draft.id or 0)
            )
        except DomainError as error:
            paragraph(error.translate(_)).mark("refusal")
            return
        roles_table(actor, draft, summary.roles, writable=writable, refresh=body.refresh)
        if writable:
            heading(_("Ajouter un rôle"), 3)
            await add_role_form(actor, draft, is_admin=is_admin, refresh=body.refresh)

    heading(_("Rôles"), 2)
    paragraph(
        _(
            "Un rôle retiré ne donne plus accès à aucune page, dès la page suivante. L'établissement garde toujours "
            "au moins un administrateur actif."
        )
    )
    await body()
