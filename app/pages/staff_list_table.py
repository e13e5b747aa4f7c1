"""The staff list's table, its selection bar and its pager.

The rows are data for one Quasar table (``ui.table``) drawn by one row template, not elements: a page of 50 rows
drawn as NiceGUI elements (a ``tr``, a ``td`` and a label per cell, a checkbox) was ~1,000 elements and most of the
page's cost. Vue writes every row value as text or an attribute (escaped), the template holds no user text. The
table stays a plain accessible table: the header row is real elements (``th scope="col"`` with ``aria-sort``, a sort
button per sortable column), each row has a checkbox labelled « Sélectionner le dossier {number} » and its dossier's
link; the SVA colour only repeats the cell's text and shape.
"""

import copy
from datetime import datetime
from typing import Any

from nicegui import run, ui

from app.config import Settings
from app.db import transaction
from app.i18n import _, ngettext
from app.pages.staff_list_state import ListState, Reload
from app.services.platform import DomainError
from app.services.review import COLUMNS, ListPage, ListQuery, staff_list, value_words
from app.ui import routes
from app.ui.bulk_message import message_button
from app.ui.buttons import action_button
from app.ui.dates import format_day
from app.ui.scores import score_text
from app.ui.tables import scroll_region
from app.ui.text import Text, paragraph

SVA_BACKGROUNDS = {"green": "#e8f5e9", "orange": "#fff3e0", "red": "#ffebee"}  # light: text stays contrasted
SVA_MARKS = {"green": "●", "orange": "▲", "red": "■", "none": ""}  # a shape as well as a colour
ROW_KEYS = ("id", "_href", "_label", "_style")  # a row's data besides its cells' texts (no column has these keys)

# One row: its checkbox, then a cell per column, the first one linking to the dossier. ``props.selected`` is the
# table's own selection (synced to the server by ``ui.table``); ``data-mark`` stands for the tests' old row marks.
ROW_TEMPLATE = (
    '<q-tr :props="props" :style="props.row._style" :data-mark="\'row-\' + props.row.id">'
    '<q-td><q-checkbox v-model="props.selected" :aria-label="props.row._label" /></q-td>'
    '<q-td v-for="col in props.cols" :key="col.name" :props="props">'
    '<a v-if="col.name === props.cols[0].name" class="nicegui-link" :href="props.row._href">{{ col.value }}</a>'
    "<template v-else>{{ col.value }}</template>"
    "</q-td></q-tr>"
)


def cell_text(key: str, value: Any, row: dict[str, Any], settings: Settings) -> str:
    """A cell as the list shows it (in the reader's language)."""
    words = value_words(key, value)
    if words is not None:
        return words
    if key == "sva":
        return _sva_text(value, row, settings)
    if isinstance(value, datetime):
        return format_day(value)
    if isinstance(value, float):
        return score_text(value)
    return str(value)


def _sva_text(colour: str, row: dict[str, Any], settings: Settings) -> str:
    if colour == "none":
        return _("Sans alerte")
    words = {"green": _("vert"), "orange": _("orange"), "red": _("rouge")}
    return _("{mark} {colour} ({days} j)").format(
        mark=SVA_MARKS[colour], colour=words[colour], days=row.get("sva_days", row.get("days_since_transmission"))
    ) + ("" if colour != "red" else _(" — délai de {red} jours dépassé").format(red=settings.sva_red_days))


class RowsTable(ui.table):
    """A ``ui.table`` whose rows' texts count as what it displays, as a cell element's text would: the simulated
    user of the screen tests (``should_see``, ``find(content=…)``) reads them."""

    def _displayed_contents(self, *, only_visible: bool) -> list:
        texts = [value for row in self.rows for key, value in row.items() if key not in ROW_KEYS]
        return [*super()._displayed_contents(only_visible=only_visible), *texts]


def _table_row(state: ListState, row: dict[str, Any], settings: Settings) -> dict[str, Any]:
    shown: dict[str, Any] = {key: cell_text(key, row.get(key), row, settings) for key in state.columns}
    if state.columns:
        shown[state.columns[0]] = shown[state.columns[0]] or _("Ouvrir")  # the link always has a name
    shown["id"] = row["id"]
    shown["_href"] = routes.STAFF_APPLICATION.format(application_id=row["id"])
    shown["_label"] = _("Sélectionner le dossier {number}").format(number=row["dossier_number"])
    shown["_style"] = f"background-color: {SVA_BACKGROUNDS[row['sva']]}" if row["sva"] != "none" else ""
    return shown


def applications_table(state: ListState, page: ListPage, refresh: Reload) -> None:
    """The page's rows in one table; ticking a row adds its id to ``state.selected``, unticking removes it."""
    assert state.settings is not None
    rows = [_table_row(state, row, state.settings) for row in page.rows]
    columns = [{"name": key, "label": _(COLUMNS[key].label), "field": key, "align": "left"} for key in state.columns]
    on_page = [row["id"] for row in rows]

    def select(event: Any) -> None:
        chosen = {row["id"] for row in event.selection}
        for application_id in on_page:
            (state.selected.add if application_id in chosen else state.selected.discard)(application_id)

    with scroll_region(_("Liste des candidatures")):
        table = RowsTable(columns=columns, rows=rows, row_key="id", selection="multiple", pagination=0)
        table.on_select(select)
        table.props("flat wrap-cells hide-bottom hide-no-data table-class=ec-table").mark("applications")
        table.selected = [row for row in rows if row["id"] in state.selected]
        with table.add_slot("header"), ui.element("tr"):
            Text(_("Sélection"), "th").props('scope="col"')
            for key in state.columns:
                _header(state, key, refresh)
        table.add_slot("body", ROW_TEMPLATE)


def _header(state: ListState, key: str, refresh: Reload) -> None:
    column = COLUMNS[key]
    if not column.sortable:
        Text(_(column.label), "th").props('scope="col"')
        return
    th = ui.element("th").props('scope="col"')
    sorted_here = state.query.sort == key
    if sorted_here:
        th.props(f'aria-sort="{"descending" if state.query.descending else "ascending"}"')

    async def sort() -> None:
        state.query.descending = not state.query.descending if sorted_here else False
        state.query.sort = key
        state.query.page = 1
        await refresh()

    arrow = (" ↓" if state.query.descending else " ↑") if sorted_here else ""
    with th:
        button = action_button(_(column.label) + arrow, on_click=sort)  # one per sortable column: the light one
        button._props.update(flat=True, dense=True)
        button.mark(f"sort-{key}")


def _select_all(actor: Any, query: ListQuery) -> list[int]:
    with transaction() as session:
        return staff_list.select_application_ids(session, actor=actor, query=query)


def selection_bar(state: ListState, actor: Any, page: ListPage, refresh: Reload) -> None:
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
        message_button(actor, bool(state.bulk and state.bulk.can_message), lambda: state.selected, refresh)


def pager(state: ListState, page: ListPage, refresh: Reload) -> None:
    pages = max(1, -(-page.total // page.page_size))
    with ui.element("nav").classes("flex gap-2 items-center").mark("pager") as nav:
        nav.props["aria-label"] = _("Pagination")

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
