"""« Accès API » (/admin/api): create an integration token (shown once), list the tokens, revoke one.

Administrators and the central office only; every creation and revocation is audited by the service.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from nicegui import ui

from app import clock
from app.i18n import _
from app.models import StaffRole
from app.services.accounts import ROLE_LABELS
from app.services.admin import TokenDraft, TokenRow, api_tokens
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.dates import format_day, format_moment
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import alert, in_transaction, offer_page, submit_work, try_change
from app.ui.page import page
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph

PATH = routes.ADMIN_API
DOCS_PATH = "/api/v1/docs"


def _scope_label(row: TokenRow) -> str:
    if row.role in (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE):
        return _("Tout l'établissement")
    return row.scope_en if current_language() == "en" and row.scope_en else row.scope_fr


def _state(row: TokenRow, now: datetime) -> str:
    if row.revoked_at is not None:
        return _("Révoqué le {date}").format(date=format_day(row.revoked_at))
    if row.expires_at is not None and row.expires_at <= now:
        return _("Expiré")
    return _("Actif")


def _cell(text: str, tag: str = "td") -> Text:
    cell = Text(text, tag)
    if tag == "th":
        cell.props('scope="col"')
    return cell


async def _tokens(actor: Actor) -> Any:
    """The tokens' table with « Révoquer »; returns its refreshable (a creation refreshes it)."""
    error = alert("token-error")
    pending: dict[str, int] = {}  # the token the confirmation dialog is about

    with ui.dialog() as dialog, ui.card():
        question = paragraph("")
        with ui.row():
            ui.button(_("Annuler"), on_click=dialog.close).props("flat no-caps").mark("revoke-cancel")
            ui.button(_("Révoquer"), on_click=lambda: revoke(pending["id"])).props("no-caps color=negative").mark(
                "revoke-confirm"
            )

    def ask(row: TokenRow) -> None:
        pending["id"] = row.id
        question.set_text(
            _("Révoquer le jeton « {label} » ? Les appels faits avec lui seront refusés immédiatement.").format(
                label=row.label
            )
        )
        dialog.open()

    async def revoke(token_id: int) -> None:
        dialog.close()
        if await try_change(error, lambda session: api_tokens.revoke_token(session, actor=actor, token_id=token_id)):
            ui.notify(_("Jeton révoqué."), type="positive")
            table.refresh()

    @ui.refreshable
    async def table() -> None:
        rows = await in_transaction(lambda session: api_tokens.list_tokens(session, actor=actor))
        if not rows:
            paragraph(_("Aucun jeton pour l'instant.")).mark("no-token")
            return
        _token_table(rows, ask)

    await table()
    return table


def _token_table(rows: list[TokenRow], ask: Callable[[TokenRow], None]) -> None:
    now = clock.now()
    headers = (_("Nom"), _("Rôle"), _("Périmètre"), _("Créé le"), _("Expire le"), _("Dernier usage"), _("État"))
    with scroll_region(_("Jetons")), ui.element("table").classes("ec-table").mark("tokens"):
        with ui.element("thead"), ui.element("tr"):
            for title in (*headers, _("Action")):
                _cell(title, "th")
        with ui.element("tbody"):
            for row in rows:
                with ui.element("tr").mark(f"token-{row.id}"):
                    _cell(row.label)
                    _cell(_(ROLE_LABELS[row.role]))
                    _cell(_scope_label(row))
                    _cell(format_day(row.created_at))
                    _cell(format_day(row.expires_at) if row.expires_at else "—")
                    _cell(format_moment(row.last_used_at) if row.last_used_at else _("Jamais"))
                    _cell(_state(row, now)).mark(f"token-state-{row.id}")
                    with ui.element("td"):
                        if row.is_active(now):
                            button = ui.button(_("Révoquer"), on_click=lambda r=row: ask(r))
                            button.props("flat no-caps color=negative").mark(f"revoke-{row.id}")
                            button.props["aria-label"] = _("Révoquer le jeton « {label} »").format(label=row.label)


async def _creation(actor: Actor, on_created: Callable[[], Any]) -> None:
    centres, committees = await in_transaction(lambda session: api_tokens.scope_choices(session, actor=actor))
    draft = TokenDraft()
    form = EntityForm(draft)
    form.text("label", _("Nom du jeton"), required=True, hint=_("L'application qui l'utilisera, p. ex. « Apogée »."))
    roles = {role: _(label) for role, label in ROLE_LABELS.items() if role != StaffRole.ACCOUNT_DESK}

    def follow_role(role: Any) -> None:
        """Only the scope the chosen role needs is asked for."""
        centre.set_visibility(role == StaffRole.CENTRE_MANAGER)
        committee.set_visibility(role == StaffRole.COMMITTEE_MEMBER)

    form.select("role", _("Périmètre"), roles, required=True, on_change=lambda e: follow_role(e.value))
    centre = form.select("centre_id", _("Centre de candidature"), centres, searchable=True)
    committee = form.select("committee_id", _("Commission"), committees, searchable=True)
    form.date("expires_on", _("Date d'expiration"), hint=_("Dans un an si vide ; trois ans au plus."))
    follow_role(draft.role)

    shown = ui.column().classes("w-full")

    async def create() -> None:
        created = await submit_work(form, lambda session: api_tokens.create_token(session, actor=actor, draft=draft))
        if created is None:
            return
        secret, token = created
        shown.clear()
        with shown:
            notice = paragraph(
                _("Jeton « {label} » créé. Copiez-le maintenant : il ne sera plus jamais affiché.").format(
                    label=token.label
                )
            ).classes("text-positive font-bold")
            notice.props["role"] = "status"
            ui.input(_("Jeton (affiché une seule fois)"), value=secret).props("readonly outlined").classes(
                "w-full max-w-2xl font-mono"
            ).mark("new-token")
        on_created()

    ui.button(_("Créer le jeton"), on_click=create).props("no-caps").mark("create-token")


async def _page(actor: Actor) -> None:
    ui.link(_("Documentation de l'API (OpenAPI)"), DOCS_PATH).mark("api-docs")
    heading(_("Jetons"), 2)
    try:
        table = await _tokens(actor)
    except DomainError as refusal:
        paragraph(refusal.translate(_)).mark("refusal")
        return
    heading(_("Créer un jeton"), 2)
    await _creation(actor, table.refresh)


def register() -> None:
    @page(PATH)
    async def admin_api() -> Any:
        return await offer_page(
            ADMIN,
            _("Accès API"),
            _(
                "Les autres applications de l'université (système d'information de scolarité, décisionnel) lisent "
                "l'offre, les candidatures et les avis publiés, et récupèrent le transfert des inscriptions, avec "
                "un jeton limité à l'établissement, à un centre de candidature ou à une commission."
            ),
            _page,
        )
