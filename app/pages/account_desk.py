"""« Comptes candidats » (/gestion/comptes): the account desk finds a candidate's account and helps with it.

For the « Gestionnaire de candidats », the central office and administrators: a search (name, e-mail, dossier number
or INE, accents and case aside) whose results are a captioned table, each row opening the account below it
(``account_desk_panel``). The count of results is read out from a ``role=status`` line, a refusal from
``role=alert``. Every read and act runs in a worker thread.
"""

import math

from nicegui import run, ui

from app.i18n import _, ngettext
from app.models import StaffRole
from app.pages.account_desk_panel import account_panel
from app.services.accounts import desk
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.frame import frame
from app.ui.guards import as_staff, done_or_refusal
from app.ui.page import page
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, live_paragraph, paragraph

ROLES = (StaffRole.ACCOUNT_DESK, StaffRole.CENTRAL_OFFICE, StaffRole.ADMINISTRATOR)


def _search(actor: Actor, text: str, page_number: int) -> desk.AccountPage | DomainError:
    return done_or_refusal(desk.search_accounts, actor=actor, text=text, page=page_number)


def _cell(text: str, name: str = "td") -> None:
    with ui.element(name) as cell:
        Text(text, "span")
    if name == "th":
        cell.props["scope"] = "col"


def results_table(result: desk.AccountPage, open_account: object) -> None:
    """The accounts found, one row each, with the button that opens the account."""
    first = (result.page - 1) * result.page_size + 1
    caption = _("Comptes {first} à {last} sur {total}, par nom").format(
        first=first, last=first + len(result.rows) - 1, total=result.total
    )
    headers = (_("N° de dossier"), _("Nom"), _("Date de naissance"), _("INE"), _("Adresse e-mail"), _("État"))
    with scroll_region(_("Comptes trouvés")), ui.element("table").classes("ec-table").mark("desk-results"):
        Text(caption, "caption")
        with ui.element("thead"), ui.element("tr"):
            for header in (*headers, _("Action")):
                _cell(header, "th")
        with ui.element("tbody"):
            for row in result.rows:
                with ui.element("tr").mark(f"account-{row.account_id}"):
                    born = row.birth_date.strftime("%d/%m/%Y") if row.birth_date else "—"
                    for value in (row.dossier_number, row.name, born, row.ine or "—", row.email, state_text(row)):
                        _cell(value)
                    with ui.element("td"):
                        label = _("Ouvrir le compte {number}").format(number=row.dossier_number)
                        button = ui.button(_("Ouvrir"), on_click=lambda _e, a=row.account_id: open_account(a))  # type: ignore[operator]
                        button.props(f'no-caps flat dense aria-label="{label}"').mark(f"open-{row.account_id}")


def state_text(row: desk.AccountRow) -> str:
    if row.disabled:
        return _("Désactivé (fusionné)")
    return _("Activé") if row.activated else _("Non activé")


class _Search:
    """The search form, its messages and the table of results."""

    panel: ui.column

    def __init__(self, actor: Actor) -> None:
        self.actor, self.text = actor, ""
        with ui.element("form").classes("flex flex-wrap gap-3 items-end") as form:
            form.props["role"] = "search"
            form.on("submit.prevent", lambda: self.show(1))
            self.field = ui.input(_("Nom, adresse e-mail, n° de dossier ou INE")).classes("min-w-[20rem]")
            self.field.mark("desk-search")
            ui.button(_("Rechercher"), on_click=lambda: self.show(1)).props("no-caps type=submit").mark("desk-go")
        self.problem = live_paragraph("desk-error", alert=True)
        self.news = live_paragraph("desk-status")
        self.results = ui.column().classes("w-full")

    async def show(self, page_number: int) -> None:
        self.problem.set_text("")
        self.text = self.field.value or ""
        result = await run.io_bound(_search, self.actor, self.text, page_number)
        if isinstance(result, DomainError):
            self.problem.set_text(result.translate(_))
            return
        pages = max(1, math.ceil(result.total / result.page_size))
        found = ngettext("{total} compte trouvé", "{total} comptes trouvés", result.total).format(total=result.total)
        where = _("page {page} sur {pages}").format(page=result.page, pages=pages)
        self.news.set_text(f"{found} — {where}.")
        self.results.clear()
        with self.results:
            if result.rows:
                results_table(result, self.open)
            with ui.element("div").classes("flex gap-2"):
                previous = ui.button(_("Page précédente"), on_click=lambda: self.show(result.page - 1))
                following = ui.button(_("Page suivante"), on_click=lambda: self.show(result.page + 1))
                previous.props("no-caps flat").mark("desk-previous").set_enabled(result.page > 1)
                following.props("no-caps flat").mark("desk-next").set_enabled(result.page < pages)

    async def open(self, account_id: int) -> None:
        await account_panel(self.actor, self.panel, account_id, after_change=self.refresh, say=self.news.set_text)

    async def refresh(self) -> None:
        if self.text:
            await self.show(1)


async def _account_desk(actor: Actor) -> None:
    with frame(_("Comptes candidats")):
        paragraph(
            _(
                "Retrouvez le compte d'un candidat pour l'aider : renvoyer le mail d'activation, corriger son "
                "adresse e-mail, débloquer sa connexion, fusionner deux comptes d'une même personne. Ses "
                "candidatures sont affichées en lecture seule."
            )
        )
        heading(_("Rechercher un compte"), 2)
        search = _Search(actor)
        search.panel = ui.column().classes("w-full mt-6").mark("desk-account")  # the account opens below


def register() -> None:
    @page(routes.ACCOUNT_DESK)
    async def account_desk():
        return await as_staff(_account_desk, roles=ROLES)
