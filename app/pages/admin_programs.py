"""« Formations et calendriers » (/admin/formations): the active campaign's programmes by centre, their creation, and
the dates of several programmes at once.

The central office sees every centre; a centre manager sees their own, editable only when the central office lets
their centre edit its offer. Each programme opens at /admin/formations/edition?formation=ID (a new one at
?composante=ID).
"""

from typing import Any

from nicegui import ui

from app.i18n import _, ngettext
from app.services.admin import programs as admin_programs
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import OFFER_EDITORS
from app.ui.centre_lists import centre_filter, centre_rights, creatable, new_links, read_only_offer_note
from app.ui.dates import format_moment
from app.ui.offer_admin import active_text, cell, in_transaction, label_of, load, offer_page, table
from app.ui.page import page
from app.ui.program_dates_panel import program_dates_panel
from app.ui.text import heading, paragraph

EDIT_PATH = routes.ADMIN_PROGRAM_EDIT


async def _page(actor: Actor, centre_id: int | None) -> None:
    def read(session: Any) -> tuple[list[admin_programs.ProgramRow], list[Any], dict[int, bool], bool]:
        rows = admin_programs.list_programs(session, actor=actor, centre_id=centre_id)
        return rows, *centre_rights(session, actor), admin_programs.active_campaign(session) is not None

    loaded = await load(read)
    if loaded is None:
        return
    rows, centres, editable, has_campaign = loaded
    if not has_campaign:
        paragraph(_(admin_programs.NO_ACTIVE_CAMPAIGN)).mark("no-campaign")
        return
    centre_filter(centres, centre_id, routes.ADMIN_PROGRAMS)
    if not any(editable.values()):
        read_only_offer_note()
    with ui.row().classes("gap-4"):
        new_links(
            creatable(centres, editable, centre_id), _("Nouvelle formation pour {centre}"), EDIT_PATH, "new-program"
        )
    heading(ngettext("{n} formation", "{n} formations", len(rows)).format(n=len(rows)), 2).mark("program-count")
    if not rows:
        paragraph(_("Aucune formation dans la campagne active pour l'instant.")).mark("no-program")
        return
    _selectable_list(actor, centre_id, rows, centres, editable)


def _selectable_list(
    actor: Actor,
    centre_id: int | None,
    rows: list[admin_programs.ProgramRow],
    centres: list[Any],
    editable: dict[int, bool],
) -> None:
    """The programmes with a box each, the buttons that select a centre's or none, and the dates panel that applies
    to the selection."""
    selected: set[int] = set()
    boxes: dict[int, ui.checkbox] = {}

    def select_centre(cid: int) -> None:
        for row in rows:
            if row.program.centre_id == cid and row.editable:
                boxes[row.program.id or 0].value = True

    def clear() -> None:
        for box in boxes.values():
            box.value = False

    with ui.row().classes("gap-2 items-center").mark("selection"):
        for centre in centres:
            if editable.get(centre.id or 0) and any(r.program.centre_id == centre.id for r in rows):
                ui.button(
                    _("Sélectionner toutes les formations de {centre}").format(centre=centre.code),
                    on_click=lambda c=centre.id: select_centre(c),
                ).props("flat no-caps").mark(f"select-all-{centre.code}")
        ui.button(_("Vider la sélection"), on_click=clear).props("flat no-caps").mark("clear-selection")
    headers = [_("Sélection"), _("Code"), _("Formation"), _("Composante"), _("Commission"), _("Type de diplôme")]

    @ui.refreshable
    def listing() -> None:
        boxes.clear()
        with table([*headers, _("Candidatures"), _("État")], "programs"):
            for row in rows:
                _row(row, selected, boxes)

    async def applied() -> None:
        rows[:] = await in_transaction(
            lambda session: admin_programs.list_programs(session, actor=actor, centre_id=centre_id)
        )
        listing.refresh()

    listing()
    if any(row.editable for row in rows):
        program_dates_panel(actor, lambda: sorted(selected), applied)


def _row(row: admin_programs.ProgramRow, selected: set[int], boxes: dict[int, ui.checkbox]) -> None:
    program = row.program
    pid = program.id or 0
    with ui.element("tr").mark(f"program-{program.code}"):
        with ui.element("td"):
            if row.editable:

                def toggle(event: Any, i: int = pid) -> None:
                    (selected.add if event.value else selected.discard)(i)

                box = ui.checkbox(value=pid in selected, on_change=toggle).mark(f"select-{program.code}")
                box.props["aria-label"] = _("Sélectionner {code}").format(code=program.code)
                boxes[pid] = box
        cell(program.code)
        with ui.element("td"):
            ui.link(label_of(program), f"{EDIT_PATH}?formation={pid}").mark(f"open-{program.code}")
            paragraph(
                _("Dépôt : du {opens} au {closes}").format(
                    opens=format_moment(program.window_opens_at), closes=format_moment(program.window_closes_at)
                )
            ).classes("text-sm").mark(f"window-{program.code}")
            if program.jury_on is not None:
                paragraph(_("Jury : {moment}").format(moment=format_moment(program.jury_on))).classes("text-sm")
        cell(row.centre.code)
        cell(label_of(row.committee))
        cell(label_of(row.diploma_type))
        cell(str(row.applications))
        cell(active_text(program.is_active))


def register() -> None:
    @page(routes.ADMIN_PROGRAMS)
    async def admin_programs_page(composante: int | None = None) -> Any:
        return await offer_page(
            OFFER_EDITORS,
            _("Formations et calendriers"),
            _(
                "Les formations de la campagne active. Une formation désactivée disparaît de l'offre ; "
                "ses candidatures restent traitées."
            ),
            lambda actor: _page(actor, composante),
        )
