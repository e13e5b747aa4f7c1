"""/gestion/candidatures: the applications of the current role's scope, one server-side page at a time.

A plain HTML table (real ``th`` with ``aria-sort``, sort buttons in the headers, a checkbox per row named after its
dossier: ``staff_list_table``), a filter bar (``staff_list_filters``) and a pager: accessible, and each action is one
service call. The selection is kept on the server as ids (« Tout sélectionner » takes every id of the filtered
result, no cap); :func:`selected_ids` gives it to the bulk actions. Every read and write runs in a worker thread
(``run.io_bound``); the refreshable list only draws what was last read.
"""

import copy
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from nicegui import app, run, ui

from app.config import Settings
from app.db import transaction
from app.i18n import _, ngettext
from app.pages.staff_list_filters import column_chooser, filter_bar
from app.pages.staff_list_state import ListState, Reload
from app.pages.staff_list_table import applications_table, pager, selection_bar
from app.services.accounts import staff_roles as staff
from app.services.exports import statistics
from app.services.platform import Actor, DomainError, parameters
from app.services.review import ListPage, ListQuery, staff_list
from app.ui import routes
from app.ui.bulk_decisions import BulkChoices, bulk_decisions, load_bulk
from app.ui.frame import frame
from app.ui.guards import as_staff
from app.ui.list_export import export_panel, load_piece_choices
from app.ui.page import breathe, page
from app.ui.session import current_language
from app.ui.text import heading, paragraph

SELECTION_KEY = "staff_list_selection"


def selected_ids() -> set[int]:
    """The ids the person selected on this page (for bulk actions)."""
    return set(app.storage.client.get(SELECTION_KEY, set()))


@dataclass
class _Listed:
    """One read of the list (a worker thread): the page of rows or the refusal, and what the rows are drawn with."""

    page: ListPage | None
    refusal: DomainError | None
    settings: Settings
    bulk: BulkChoices | None


def _list(actor: Any, query: ListQuery) -> _Listed:
    """One session for the rows and the bulk bar's rights: the role is checked once for both."""
    with transaction() as session:
        try:
            page, refusal = staff_list.list_applications(session, actor=actor, query=query), None
        except DomainError as error:  # refused before anything was read: the session goes on for the rights
            page, refusal = None, error
        bulk = load_bulk(actor, query.language, session)
    return _Listed(page, refusal, parameters.effective_settings(), bulk)


async def _load(state: ListState, actor: Any) -> bool:
    """Read the list as ``state.query`` asks, off the event loop, into ``state``; False when a later read (asked
    meanwhile) supersedes this one."""
    listed = await state.reads.run(_list, actor, copy.deepcopy(state.query))  # the page may change it meanwhile
    if listed is None:
        return False
    state.page, state.settings, state.bulk = listed.page, listed.settings, listed.bulk
    state.error = listed.refusal.translate(_) if listed.refusal is not None else ""
    return True


def _open(actor: Any) -> tuple[Any, ...]:
    """What the page draws around the list, read in a worker thread."""
    with transaction() as session:
        role = staff.current_role(session, actor=actor)
        columns, page_size = staff_list.get_columns(session, actor=actor)
        options = staff_list.filter_options(session, actor=actor)
        campaigns = statistics.campaign_options(session, actor=actor)
        active_campaign = next((c.id for c in campaigns if c.is_active), None)  # listed first when there is one
        pieces = load_piece_choices(actor, session)
    return role, columns, page_size, options, campaigns, active_campaign, pieces


async def _staff_applications(actor: Actor, request: Request) -> None:
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

        filter_bar(state, options, reload, campaigns)
        await breathe()  # the parts of this long page are drawn in turns (app/ui/page.py)
        column_chooser(state, actor, reload)
        export_panel(state, actor, pieces)
        await breathe()
        results()


def register() -> None:
    @page(routes.STAFF_APPLICATIONS)
    async def staff_applications(request: Request):
        return await as_staff(_staff_applications, request)


def _results(state: ListState, actor: Any, refresh: Reload) -> None:
    """The list as last read by :func:`_load` (drawing reads nothing)."""
    if state.error or state.page is None:
        paragraph(state.error).mark("list-error")
        return
    page = state.page
    heading(ngettext("{n} candidature", "{n} candidatures", page.total).format(n=page.total), 2).mark("total")
    selection_bar(state, actor, page, refresh)
    bulk_decisions(actor, state.bulk, lambda: state.selected, refresh)
    applications_table(state, page, refresh)
    pager(state, page, refresh)
