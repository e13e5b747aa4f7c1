"""/gestion/candidatures: the applications of the current role's scope, one server-side page at a time.

A plain HTML table (real ``th`` with ``aria-sort``, sort buttons in the headers, a checkbox per row named after its
dossier) and a pager: accessible, and each action is one service call. The selection is kept on the server as ids
(« Tout sélectionner » takes every id of the filtered result, no cap); :func:`selected_ids` gives it to the bulk
actions of the next issues. Every read and write runs in a worker thread (``run.io_bound``); the refreshable list
only draws what was last read.
"""

import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import Request
from nicegui import app, run, ui

from app.config import Settings
from app.db import transaction
from app.i18n import _, ngettext
from app.services.accounts import staff_roles as staff
from app.services.exports import statistics
from app.services.platform import DomainError, parameters
from app.services.review import COLUMNS, SVA_LABELS, VALUE_LABELS, ListPage, ListQuery, staff_list
from app.ui import routes
from app.ui.bulk_decisions import BulkChoices, bulk_decisions, load_bulk
from app.ui.dates import format_day
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.latest_read import LatestRead
from app.ui.list_export import export_panel, load_piece_choices
from app.ui.page import page
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph

SELECTION_KEY = "staff_list_selection"
PAGE_SIZES = [20, 50, 100, 200]
SVA_BACKGROUNDS = {"green": "#e8f5e9", "orange": "#fff3e0", "red": "#ffebee"}  # light: text stays contrasted
SVA_MARKS = {"green": "●", "orange": "▲", "red": "■", "none": ""}  # a shape as well as a colour

Reload = Callable[[], Awaitable[None]]  # reads the list again in a worker thread, then redraws it


@dataclass
class ListState:
    query: ListQuery
    columns: list[str]
    selected: set[int] = field(default_factory=set)
    page: ListPage | None = None
    error: str = ""
    settings: Settings | None = None  # the effective parameters (SVA thresholds), read with the list
    bulk: BulkChoices | None = None  # what the bulk decisions offer the role (None: nothing)
    reads: LatestRead = field(default_factory=LatestRead)  # overlapping reads: only the latest one is drawn


def selected_ids() -> set[int]:
    """The ids the person selected on this page (for bulk actions)."""
    return set(app.storage.client.get(SELECTION_KEY, set()))


def _cell(key: str, value: Any, row: dict[str, Any], settings: Settings) -> str:
    if value is None or value == []:
        return ""
    if key in VALUE_LABELS:
        msgid = VALUE_LABELS[key].get(str(value), "")
        return _(msgid) if msgid else str(value)
    if key == "sva":
        return _sva_text(value, row, settings)
    if key == "tags":
        return ", ".join(value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime):
        return format_day(value)
    return str(value)


def _sva_text(colour: str, row: dict[str, Any], settings: Settings) -> str:
    if colour == "none":
        return _("Sans alerte")
    words = {"green": _("vert"), "orange": _("orange"), "red": _("rouge")}
    return _("{mark} {colour} ({days} j)").format(
        mark=SVA_MARKS[colour], colour=words[colour], days=row.get("sva_days", row.get("days_since_transmission"))
    ) + ("" if colour != "red" else _(" — délai de {red} jours dépassé").format(red=settings.sva_red_days))


@dataclass
class _Listed:
    """One read of the list (a worker thread): the page of rows or the refusal, and what the rows are drawn with."""

    page: ListPage | None
    refusal: DomainError | None
    settings: Settings
    bulk: BulkChoices | None


def _list(actor: Any, query: ListQuery) -> _Listed:
    try:
        with transaction() as session:
            page, refusal = staff_list.list_applications(session, actor=actor, query=query), None
    except DomainError as error:
        page, refusal = None, error
    return _Listed(page, refusal, parameters.effective_settings(), load_bulk(actor, query.language))


async def _load(state: ListState, actor: Any) -> bool:
    """Read the list as ``state.query`` asks, off the event loop, into ``state``; False when a later read (asked
    meanwhile) supersedes this one."""
    listed = await state.reads.run(_list, actor, copy.deepcopy(state.query))  # the page may change it meanwhile
    if listed is None:
        return False
    state.page, state.settings, state.bulk = listed.page, listed.settings, listed.bulk
    state.error = listed.refusal.translate(_) if listed.refusal is not None else ""
    return True


# --- The filter bar (issue 8): the frequent filters in view, every other column under « Plus de filtres » ----------

PRIMARY_FILTERS = ("dossier_status", "program", "last_decision_kind", "sva")
ALL_CAMPAIGNS = 0  # the campaign select's "every campaign" entry


def _choice_items(key: str, options: dict[str, list[tuple[int, str, str]]], settings: Settings) -> dict[Any, str]:
    """The values a choice filter offers, labelled in the reader's language."""
    lang = current_language()
    if key in VALUE_LABELS:
        items: dict[Any, str] = {value: _(msgid) for value, msgid in VALUE_LABELS[key].items()}
        if staff_list.NONE in COLUMNS[key].choices:
            items[staff_list.NONE] = _("(aucun)")
        return items
    if key == "sva":
        return {
            k: _(m).format(orange=settings.sva_orange_days, red=settings.sva_red_days) for k, m in SVA_LABELS.items()
        }
    return {i: (en if lang == "en" else fr) for i, fr, en in options.get(key, [])}


class _FilterInputs:
    """The inputs of the filter bar, built from the column registry and read back into ``ListQuery.filters``."""

    def __init__(self, state: ListState, options: dict[str, list[tuple[int, str, str]]], settings: Settings) -> None:
        self.state = state
        self.options = options
        self.settings = settings
        self.widgets: dict[str, Any] = {}

    def add(self, key: str) -> None:
        column = COLUMNS[key]
        label = _(column.label)
        current = self.state.query.filters.get(key)
        if column.kind == staff_list.TEXT:
            self.widgets[key] = ui.input(label, value=current or "").mark(f"filter-{key}")
        elif column.kind == staff_list.CHOICE:
            items = _choice_items(key, self.options, self.settings)
            if not items:
                return  # nothing to choose (no tag in this scope...)
            self.widgets[key] = (
                ui.select(items, label=label, multiple=True, value=list(current or []))
                .props("use-chips clearable")
                .classes("min-w-[12rem]")
                .mark(f"filter-{key}")
            )
        elif column.kind == staff_list.BOOLEAN:
            choices = {"": _("Tous"), "yes": _("Oui"), "no": _("Non")}
            value = "" if current is None else "yes" if current else "no"
            self.widgets[key] = ui.select(choices, label=label, value=value).mark(f"filter-{key}")
        else:  # a range: two inputs, each labelled with the column's name
            low, high = current or (None, None)
            if column.kind == staff_list.DATE_RANGE:
                start = ui.input(_("{label} : du").format(label=label), value=low or "").props("type=date")
                end = ui.input(_("{label} : au").format(label=label), value=high or "").props("type=date")
            else:
                start = ui.number(_("{label} : au moins").format(label=label), value=low, precision=0)
                end = ui.number(_("{label} : au plus").format(label=label), value=high, precision=0)
            self.widgets[key] = (start.mark(f"filter-{key}-from"), end.mark(f"filter-{key}-to"))

    def read(self) -> dict[str, Any]:
        filters: dict[str, Any] = {}
        for key, widget in self.widgets.items():
            kind = COLUMNS[key].kind
            if kind == staff_list.BOOLEAN:
                if widget.value:
                    filters[key] = widget.value == "yes"
            elif isinstance(widget, tuple):
                low, high = (w.value if w.value not in ("", None) else None for w in widget)
                if kind == staff_list.NUMBER_RANGE:
                    low, high = (int(v) if v is not None else None for v in (low, high))
                if low is not None or high is not None:
                    filters[key] = (low, high)
            elif widget.value:
                filters[key] = widget.value.strip() if isinstance(widget.value, str) else list(widget.value)
        return filters


def _filter_bar(
    state: ListState,
    actor: Any,
    options: dict[str, list[tuple[int, str, str]]],
    refresh: Reload,
    campaigns: list[Any] | None = None,
) -> None:
    assert state.settings is not None
    inputs = _FilterInputs(state, options, state.settings)
    lang = current_language()
    campaign_items = {ALL_CAMPAIGNS: _("Toutes les campagnes")}
    for option in campaigns or []:
        suffix = _(" (active)") if option.is_active else _(" (archivée)") if option.archived else ""
        campaign_items[option.id] = option.label(lang) + suffix
    chosen_campaign = (state.query.filters.get("campaign") or [ALL_CAMPAIGNS])[0]

    with ui.element("section").classes("flex flex-col gap-2").mark("filters") as bar:
        bar.props["aria-label"] = _("Filtres")
        with ui.element("div").classes("flex flex-wrap gap-2 items-end"):
            search = ui.input(_("Rechercher (nom, n° de dossier, INE, e-mail)"), value=state.query.search)
            search.classes("ec-search").mark("search")
            campaign = ui.select(campaign_items, label=_("Campagne"), value=chosen_campaign)
            campaign.classes("min-w-[14rem]").mark("filter-campaign")
            for key in PRIMARY_FILTERS:
                inputs.add(key)
            sva_base = ui.select(
                {key: _("Depuis {date}").format(date=_(label)) for key, (_e, label) in staff_list.SVA_BASES.items()},
                label=_("Alerte SVA comptée"),
                value=state.query.sva_base,
            ).mark("sva-base")
        primary = set(inputs.widgets)
        more_keys = [key for key in COLUMNS if key not in primary and key != "campaign"]

        def title(filters: dict[str, Any]) -> str:
            active = len([k for k in more_keys if filters.get(k) not in (None, "", [], ())])
            return _("Plus de filtres") + (
                ngettext(" ({count} actif)", " ({count} actifs)", active).format(count=active) if active else ""
            )

        opened = title(state.query.filters) != _("Plus de filtres")
        more = ui.expansion(title(state.query.filters), value=opened).classes("w-full").mark("more-filters")
        with more, ui.element("div").classes("flex flex-wrap gap-2 items-end"):
            for key in more_keys:
                inputs.add(key)

        async def apply() -> None:
            filters = inputs.read()
            if campaign.value:
                filters["campaign"] = [campaign.value]
            state.query.filters = filters
            more.text = title(filters)  # how many filters the closed panel holds
            state.query.search = search.value or ""
            state.query.sva_base = sva_base.value or staff_list.DEFAULT_SVA_BASE
            state.query.page = 1
            await refresh()

        async def clear() -> None:
            for widget in inputs.widgets.values():
                for one in widget if isinstance(widget, tuple) else (widget,):
                    one.value = [] if isinstance(one.value, list) else None if isinstance(one, ui.number) else ""
            search.value = ""
            await apply()

        search.on("keydown.enter", apply)
        with ui.element("div").classes("flex gap-2"):
            ui.button(_("Filtrer"), on_click=apply).props("no-caps").mark("apply-filters")
            ui.button(_("Effacer les filtres"), on_click=clear).props("flat no-caps").mark("clear-filters")


def _save_columns(actor: Any, columns: list[str], page_size: int) -> tuple[list[str], int]:
    with transaction() as session:
        staff_list.save_columns(session, actor=actor, columns=columns, page_size=page_size)
        return staff_list.get_columns(session, actor=actor)


def _column_chooser(state: ListState, actor: Any, refresh: Reload) -> None:
    with ui.expansion(_("Colonnes affichées")).mark("column-chooser"):
        chooser = (
            ui.select(
                {key: _(column.label) for key, column in COLUMNS.items()},
                label=_("Colonnes"),
                multiple=True,
                value=list(state.columns),
            )
            .props("use-chips")
            .classes("min-w-[20rem]")
            .mark("columns")
        )
        size = ui.select(PAGE_SIZES, label=_("Lignes par page"), value=state.query.page_size).mark("page-size")

        async def save() -> None:
            try:
                saved = await run.io_bound(_save_columns, actor, list(chooser.value or []), size.value)
            except DomainError as error:
                ui.notify(error.translate(_), type="negative")
                return
            assert saved is not None
            state.columns, state.query.page_size = saved
            state.query.page = 1
            ui.notify(_("Colonnes enregistrées."))
            await refresh()

        ui.button(_("Enregistrer les colonnes"), on_click=save).props("no-caps").mark("save-columns")


def _open(actor: Any) -> tuple[Any, ...]:
    """What the page draws around the list, read in a worker thread."""
    with transaction() as session:
        role = staff.current_role(session, actor=actor)
        columns, page_size = staff_list.get_columns(session, actor=actor)
        options = staff_list.filter_options(session, actor=actor)
        campaigns = statistics.campaign_options(session, actor=actor)
        active_campaign = statistics.active_campaign_id(session)
    return role, columns, page_size, options, campaigns, active_campaign, load_piece_choices(actor)


def register() -> None:
    @page(routes.STAFF_APPLICATIONS)
    async def staff_applications(request: Request):
        gate = await require_staff()
        if gate.refused:
            return gate.response
        actor = gate.actor
        try:
            opened = await run.io_bound(_open, actor)
        except DomainError as error:
            with frame(_("Candidatures")):
                paragraph(error.translate(_)).mark("refusal")
            return None
        assert opened is not None
        role, columns, page_size, options, campaigns, active_campaign, pieces = opened
        # Filters may come in the address (the home page's pending counts); the active campaign by default.
        filters = staff_list.filters_from_params(request.query_params)
        if "campaign" not in filters and active_campaign is not None:
            filters["campaign"] = [active_campaign]
        query = ListQuery(page_size=page_size, filters=filters, language=current_language())
        state = ListState(query=query, columns=columns)
        app.storage.client[SELECTION_KEY] = state.selected
        if not await _load(state, actor):  # the server is stopping
            return None

        with frame(_("Candidatures"), wide=True):
            scope = role.scope_label(current_language())
            paragraph(_("{role} — {scope}").format(role=_(role.role_label), scope=scope)).mark("scope")

            @ui.refreshable
            def results() -> None:
                _results(state, actor, reload)

            async def reload() -> None:
                if await _load(state, actor):
                    results.refresh()

            _filter_bar(state, actor, options, reload, campaigns)
            _column_chooser(state, actor, reload)
            export_panel(state, actor, pieces)
            results()
        return None


def _results(state: ListState, actor: Any, refresh: Reload) -> None:
    """The list as last read by :func:`_load` (drawing reads nothing)."""
    if state.error or state.page is None:
        paragraph(state.error).mark("list-error")
        return
    page = state.page
    assert state.settings is not None
    pages = max(1, -(-page.total // page.page_size))
    heading(ngettext("{n} candidature", "{n} candidatures", page.total).format(n=page.total), 2).mark("total")
    _selection_bar(state, actor, page, refresh)
    bulk_decisions(actor, state.bulk, lambda: state.selected, refresh)
    with scroll_region(_("Liste des candidatures")), ui.element("table").classes("ec-table").mark("applications"):
        with ui.element("thead"), ui.element("tr"):
            Text(_("Sélection"), "th").props('scope="col"')
            for key in state.columns:
                _header(state, key, refresh)
        with ui.element("tbody"):
            for row in page.rows:
                _row(state, row, state.settings)
    with ui.element("nav").classes("flex gap-2 items-center").mark("pager") as pager:
        pager.props["aria-label"] = _("Pagination")

        async def go(number: int) -> None:
            state.query.page = number
            await refresh()

        ui.button(_("Précédente"), on_click=lambda: go(page.page - 1)).props(
            "flat no-caps" + (" disable" if page.page <= 1 else "")
        ).mark("previous-page")
        paragraph(_("Page {page} sur {pages}").format(page=page.page, pages=pages)).mark("page-number")
        ui.button(_("Suivante"), on_click=lambda: go(page.page + 1)).props(
            "flat no-caps" + (" disable" if page.page >= pages else "")
        ).mark("next-page")


def _header(state: ListState, key: str, refresh: Reload) -> None:
    column = COLUMNS[key]
    th = Text("", "th").props('scope="col"')
    sorted_here = state.query.sort == key
    if sorted_here:
        th.props(f'aria-sort="{"descending" if state.query.descending else "ascending"}"')
    with th:
        if not column.sortable:
            ui.label(_(column.label))
            return

        async def sort() -> None:
            state.query.descending = not state.query.descending if sorted_here else False
            state.query.sort = key
            state.query.page = 1
            await refresh()

        arrow = (" ↓" if state.query.descending else " ↑") if sorted_here else ""
        ui.button(_(column.label) + arrow, on_click=sort).props("flat dense no-caps").mark(f"sort-{key}")


def _row(state: ListState, row: dict[str, Any], settings: Settings) -> None:
    application_id = row["id"]
    tr = ui.element("tr").mark(f"row-{application_id}")
    if row["sva"] != "none":
        tr.style(f"background-color: {SVA_BACKGROUNDS[row['sva']]}")
    with tr:
        with ui.element("td"):

            def toggle(event: Any, i: int = application_id) -> None:
                (state.selected.add if event.value else state.selected.discard)(i)

            box = ui.checkbox(value=application_id in state.selected, on_change=toggle).mark(f"select-{application_id}")
            box.props["aria-label"] = _("Sélectionner le dossier {number}").format(number=row["dossier_number"])
        for index, key in enumerate(state.columns):
            text = _cell(key, row.get(key), row, settings)
            with ui.element("td"):
                if index == 0:
                    ui.link(text or _("Ouvrir"), routes.STAFF_APPLICATION.format(application_id=application_id))
                else:
                    ui.label(text)


def _select_all(actor: Any, query: ListQuery) -> list[int]:
    with transaction() as session:
        return staff_list.select_application_ids(session, actor=actor, query=query)


def _selection_bar(state: ListState, actor: Any, page: ListPage, refresh: Reload) -> None:
    with ui.element("div").classes("flex flex-wrap gap-2 items-center").mark("selection"):
        selected = len(state.selected)
        paragraph(ngettext("{count} sélectionnée", "{count} sélectionnées", selected).format(count=selected)).mark(
            "selected-count"
        )

        async def select_page() -> None:
            state.selected.update(row["id"] for row in page.rows)
            await refresh()

        async def select_all() -> None:
            try:
                state.selected.update(await run.io_bound(_select_all, actor, copy.deepcopy(state.query)) or [])
            except DomainError as error:
                ui.notify(error.translate(_), type="negative")
            await refresh()

        async def clear() -> None:
            state.selected.clear()
            await refresh()

        ui.button(_("Sélectionner la page"), on_click=select_page).props("flat no-caps").mark("select-page")
        ui.button(
            ngettext(
                "Tout sélectionner (le seul résultat du filtre)",
                "Tout sélectionner (les {count} résultats du filtre)",
                page.total,
            ).format(count=page.total),
            on_click=select_all,
        ).props("flat no-caps").mark("select-all")
        ui.button(_("Vider la sélection"), on_click=clear).props("flat no-caps").mark("clear-selection")
