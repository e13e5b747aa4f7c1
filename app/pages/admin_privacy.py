"""« Données personnelles » (/admin/donnees-personnelles): the data protection officer's screen (#21 item 4).

For the central office and administrators: the audit search (who viewed or changed which dossier, between two
days, by kind, by actor, by candidate), a page at a time, with its CSV built by the export worker (followed in
« Mes exports »); then the register of the purges the retention jobs did. Tables are static HTML with a caption and
column headers; the news of a search or an export is read out from a ``role=status`` line, a refusal from
``role=alert``. Every read runs in a worker thread.
"""

import math
from collections.abc import Awaitable, Callable
from datetime import timedelta

from nicegui import run, ui

from app import clock
from app.db import transaction
from app.i18n import _, ngettext
from app.models import StaffRole
from app.pages.admin_erasures import erasure_register
from app.services.admin import audit_search, privacy_register
from app.services.exports import audit_csv
from app.services.platform import Actor, DomainError
from app.services.platform import jobs as platform_jobs
from app.ui import routes
from app.ui.admin_nav import back_to_admin
from app.ui.audit_labels import SENTENCES, actor_text
from app.ui.buttons import disabled_while
from app.ui.dates import UnreadableDay, day_input, format_short_moment, parse_typed_day
from app.ui.frame import frame
from app.ui.guards import as_staff, done_or_refusal
from app.ui.list_export import queue_export
from app.ui.page import page
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import esc, heading, link_tag, live_paragraph, paragraph, static_block, tag, text_table

ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE)
PAGE_SIZE = 50
REGISTER_RUNS = 100
DEFAULT_DAYS = 31  # the search opens on the last month


def _search(actor: Actor, query: audit_search.AuditQuery) -> audit_search.AuditPage | DomainError:
    return done_or_refusal(audit_search.search_audit, actor=actor, query=query)  # the search is audited


def _register(actor: Actor) -> list[privacy_register.PurgeRun]:
    with transaction() as session:
        return privacy_register.purge_register(session, actor=actor, limit=REGISTER_RUNS)


def _request_csv(actor: Actor, query: audit_search.AuditQuery, language: str) -> int:
    with transaction() as session:
        return audit_csv.request_audit_csv(session, actor=actor, query=query, language=language).id or 0


def _what(row: audit_search.AuditRow) -> str:
    """The action as the dossier's history says it, else its code (sign-ins, exports, the DPO's own searches)."""
    sentence = SENTENCES.get(row.action)
    if sentence is None:
        return row.action
    text = _(sentence).format(who=actor_text(row.actor_kind, row.actor_name), subject="—")
    return f"{text[:1].upper()}{text[1:]} ({row.action})"


def events_table(result: audit_search.AuditPage) -> str:
    first = (result.page - 1) * result.page_size + 1
    last = first + len(result.rows) - 1
    caption = _("Événements {first} à {last} sur {total}, du plus récent au plus ancien").format(
        first=first, last=last, total=result.total
    )
    headers = (_("Date et heure"), _("Auteur"), _("Action"), _("N° de dossier"), _("Candidat"), _("Objet"))
    rows = (
        (
            f"event-{row.id}",
            (
                format_short_moment(row.at),
                row.actor_name or actor_text(row.actor_kind, ""),
                _what(row),
                row.dossier_number,
                row.candidate_name,
                row.entity,
                row.client_address,
            ),
        )
        for row in result.rows
    )
    return text_table(caption, (*headers, _("Adresse IP")), rows)


def register_table(runs: list[privacy_register.PurgeRun]) -> str:
    if not runs:
        return tag("p", esc(_("Aucune purge n'a encore été exécutée.")), data_mark="no-purge")
    headers = (_("Tâche"), _("Début"), _("Fin"), _("Résultat"), _("Traités"), _("Détail"))
    rows = (
        (
            f"purge-{run.id}",
            (
                _(run.label),
                format_short_moment(run.started_at),
                format_short_moment(run.finished_at) if run.finished_at else "—",
                _(platform_jobs.STATUS_LABELS[run.status]),
                str(run.processed),
                run.message,
            ),
        )
        for run in runs
    )
    return text_table(_("Dernières purges des données, de la plus récente à la plus ancienne"), headers, rows)


class _Filters:
    """The search form; ``query`` reads it, or says which field is wrong."""

    def __init__(self) -> None:
        with ui.element("div").classes("flex flex-wrap gap-3 items-end"):
            # The last month by default: the whole log, years of it, is one click away (empty the field).
            since = clock.today_paris() - timedelta(days=DEFAULT_DAYS)
            self.date_from = day_input(_("Du (jj/mm/aaaa)"), since).mark("date-from")
            self.date_to = day_input(_("Au (jj/mm/aaaa)")).mark("date-to")
            kinds = {key: _(label) for key, label in audit_search.KINDS.items()}
            self.kind = ui.select(kinds, label=_("Événements"), value="all").mark("kind")
            actor_kinds = {key: _(label) for key, label in audit_search.ACTOR_KINDS.items()}
            self.actor_kind = ui.select(actor_kinds, label=_("Auteurs"), value="").mark("actor-kind")
            self.actor = ui.input(_("Gestionnaire (nom, identifiant ou e-mail)")).mark("actor")
            self.candidate = ui.input(_("Candidat (n° de dossier, nom ou e-mail)")).mark("candidate")

    def query(self, page_number: int) -> audit_search.AuditQuery:
        return audit_search.AuditQuery(
            date_from=parse_typed_day(self.date_from.value),
            date_to=parse_typed_day(self.date_to.value),
            kind=self.kind.value or "all",
            actor_kind=self.actor_kind.value or "",
            actor=self.actor.value or "",
            candidate=self.candidate.value or "",
            page=page_number,
            page_size=PAGE_SIZE,
        )


def _draw_page(
    results: ui.column, result: audit_search.AuditPage, pages: int, show: Callable[[int], Awaitable[None]]
) -> None:
    """The page of events and the buttons to the pages either side."""
    results.clear()
    with results:
        if result.rows:
            with scroll_region(_("Journal des consultations et des modifications")):
                static_block(events_table(result)).mark("audit-results")
        with ui.element("div").classes("flex gap-2"):
            previous = ui.button(_("Page précédente"), on_click=lambda: show(result.page - 1)).props("no-caps flat")
            following = ui.button(_("Page suivante"), on_click=lambda: show(result.page + 1)).props("no-caps flat")
            previous.mark("previous-page").set_enabled(result.page > 1)
            following.mark("next-page").set_enabled(result.page < pages)


async def _audit_section(actor: Actor) -> None:
    heading(_("Journal des consultations et des modifications"), 2)
    paragraph(
        _(
            "Qui a consulté ou modifié quel dossier, et quand. Chaque recherche est elle-même enregistrée dans le "
            "journal des accès."
        )
    )
    filters = _Filters()
    with ui.element("div").classes("flex gap-2 mt-2"):
        search_button = ui.button(_("Rechercher")).props("no-caps").mark("search")
        export_button = ui.button(_("Exporter en CSV")).props("no-caps outline").mark("export-csv")
    problem = live_paragraph("audit-error", alert=True)
    news = live_paragraph("audit-status")
    results = ui.column().classes("w-full")

    def read_query(page_number: int) -> audit_search.AuditQuery | None:
        problem.set_text("")
        try:
            return filters.query(page_number)
        except UnreadableDay as error:
            problem.set_text(_(error.message).format(value=error.value))
            return None

    async def show(page_number: int) -> None:
        query = read_query(page_number)
        if query is None:
            return
        result = await run.io_bound(_search, actor, query)
        if isinstance(result, DomainError):
            problem.set_text(result.translate(_))
            return
        pages = max(1, math.ceil(result.total / result.page_size))
        found = ngettext("{total} événement trouvé", "{total} événements trouvés", result.total)
        where = _("page {page} sur {pages}").format(page=result.page, pages=pages)
        news.set_text(f"{found.format(total=result.total)} — {where}.")
        _draw_page(results, result, pages, show)

    async def export() -> None:
        query = read_query(1)
        if query is None:
            return
        with disabled_while(export_button):
            refusal = await queue_export(_request_csv, actor, query, current_language())
        if refusal is not None:
            problem.set_text(refusal.translate(_))
            return
        news.set_text(_("Export demandé : il se prépare en arrière-plan. Suivez-le dans « Mes exports »."))

    search_button.on_click(lambda: show(1))
    export_button.on_click(export)
    static_block(tag("p", link_tag(_("Mes exports"), routes.EXPORTS, data_mark="exports-link")))
    await show(1)


async def _admin_privacy(actor: Actor) -> None:
    runs = await run.io_bound(_register, actor)
    with frame(_("Données personnelles : journal et purges")):
        back_to_admin()
        with ui.element("section").classes("w-full").mark("audit"):
            await _audit_section(actor)
        with ui.element("section").classes("w-full mt-6").mark("purges"):
            heading(_("Registre des purges"), 2)
            paragraph(
                _(
                    "Chaque exécution des tâches qui effacent les données arrivées au terme de leur durée de "
                    "conservation, avec ce qu'elle a effacé."
                )
            )
            with scroll_region(_("Registre des purges")):
                static_block(register_table(runs)).mark("purge-register")
        with ui.element("section").classes("w-full mt-6").mark("erasures"):
            heading(_("Registre des demandes d'effacement"), 2)
            paragraph(
                _(
                    "Les demandes de suppression de compte retenues par des candidatures transmises, avec la date "
                    "à laquelle la durée de conservation permet l'effacement et celle où il a été fait."
                )
            )
            await erasure_register(actor)


def register() -> None:
    @page(routes.ADMIN_PRIVACY)
    async def admin_privacy():
        return await as_staff(_admin_privacy, roles=ROLES)
