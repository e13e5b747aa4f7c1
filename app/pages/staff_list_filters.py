"""The staff list's filter bar (issue 8: the frequent filters in view, every other column under « Plus de filtres »)
and its column chooser. Drawing reads nothing: the options come with the page, saving runs in a worker thread."""

from typing import Any

from nicegui import run, ui

from app.config import Settings
from app.db import transaction
from app.i18n import _, ngettext
from app.pages.staff_list_state import ListState, Reload
from app.services.platform import DomainError, in_language
from app.services.review import COLUMNS, SVA_LABELS, VALUE_LABELS, staff_list, staff_list_columns
from app.ui.lazy_panel import lazy_panel
from app.ui.session import current_language

PRIMARY_FILTERS = ("dossier_status", "program", "last_decision_kind", "sva")
ALL_CAMPAIGNS = 0  # the campaign select's "every campaign" entry
PAGE_SIZES = [20, 50, 100, 200]
Options = dict[str, list[tuple[int, str, str]]]  # a choice filter's values: id, French label, English label


def _choice_items(key: str, options: Options, settings: Settings) -> dict[Any, str]:
    """The values a choice filter offers, labelled in the reader's language."""
    lang = current_language()
    if key in VALUE_LABELS:
        items: dict[Any, str] = {value: _(msgid) for value, msgid in VALUE_LABELS[key].items()}
        if staff_list_columns.NONE in COLUMNS[key].choices:
            items[staff_list_columns.NONE] = _("(aucun)")
        return items
    if key == "sva":
        return {
            k: _(m).format(orange=settings.sva_orange_days, red=settings.sva_red_days) for k, m in SVA_LABELS.items()
        }
    return {i: in_language(fr, en, lang) for i, fr, en in options.get(key, [])}


class _FilterInputs:
    """The inputs of the filter bar, built from the column registry and read back into ``ListQuery.filters``."""

    def __init__(self, state: ListState, options: Options, settings: Settings) -> None:
        self.state = state
        self.options = options
        self.settings = settings
        self.widgets: dict[str, Any] = {}
        self.kept: dict[str, Any] = {}  # the filters of inputs not drawn yet, kept as they are until drawn

    def defer(self, keys: list[str]) -> None:
        """Draw ``keys``' inputs later (:meth:`add`); meanwhile their filters stand as the query has them."""
        self.kept = {key: self.state.query.filters[key] for key in keys if key in self.state.query.filters}

    def add(self, key: str) -> None:
        self.kept.pop(key, None)
        column = COLUMNS[key]
        label = _(column.label)
        current = self.state.query.filters.get(key)
        if column.kind == staff_list_columns.TEXT:
            self.widgets[key] = ui.input(label, value=current or "").mark(f"filter-{key}")
        elif column.kind == staff_list_columns.CHOICE:
            items = _choice_items(key, self.options, self.settings)
            if not items:
                return  # nothing to choose (no tag in this scope...)
            self.widgets[key] = (
                ui.select(items, label=label, multiple=True, value=list(current or []))
                .props("use-chips clearable")
                .classes("min-w-[12rem]")
                .mark(f"filter-{key}")
            )
        elif column.kind == staff_list_columns.BOOLEAN:
            choices = {"": _("Tous"), "yes": _("Oui"), "no": _("Non")}
            value = "" if current is None else "yes" if current else "no"
            self.widgets[key] = ui.select(choices, label=label, value=value).mark(f"filter-{key}")
        else:  # a range: two inputs, each labelled with the column's name
            low, high = current or (None, None)
            if column.kind == staff_list_columns.DATE_RANGE:
                start = ui.input(_("{label} : du").format(label=label), value=low or "").props("type=date")
                end = ui.input(_("{label} : au").format(label=label), value=high or "").props("type=date")
            else:
                start = ui.number(_("{label} : au moins").format(label=label), value=low, precision=0)
                end = ui.number(_("{label} : au plus").format(label=label), value=high, precision=0)
            self.widgets[key] = (start.mark(f"filter-{key}-from"), end.mark(f"filter-{key}-to"))

    def read(self) -> dict[str, Any]:
        filters: dict[str, Any] = dict(self.kept)
        for key, widget in self.widgets.items():
            kind = COLUMNS[key].kind
            if kind == staff_list_columns.BOOLEAN:
                if widget.value:
                    filters[key] = widget.value == "yes"
            elif isinstance(widget, tuple):
                low, high = (w.value if w.value not in ("", None) else None for w in widget)
                if kind == staff_list_columns.NUMBER_RANGE:
                    low, high = (int(v) if v is not None else None for v in (low, high))
                if low is not None or high is not None:
                    filters[key] = (low, high)
            elif widget.value:
                filters[key] = widget.value.strip() if isinstance(widget.value, str) else list(widget.value)
        return filters

    def clear(self) -> None:
        self.kept.clear()
        for widget in self.widgets.values():
            for one in widget if isinstance(widget, tuple) else (widget,):
                one.value = [] if isinstance(one.value, list) else None if isinstance(one, ui.number) else ""


def _campaign_items(campaigns: list[Any]) -> dict[int, str]:
    lang = current_language()
    items = {ALL_CAMPAIGNS: _("Toutes les campagnes")}
    for option in campaigns:
        suffix = _(" (active)") if option.is_active else _(" (archivée)") if option.archived else ""
        items[option.id] = option.label(lang) + suffix
    return items


def _more_title(more_keys: list[str], filters: dict[str, Any]) -> str:
    """« Plus de filtres », with how many of them are active (the closed panel shows it)."""
    active = len([k for k in more_keys if filters.get(k) not in (None, "", [], ())])
    return _("Plus de filtres") + (
        ngettext(" ({count} actif)", " ({count} actifs)", active).format(count=active) if active else ""
    )


def _sva_base_select(state: ListState) -> ui.select:
    bases = {key: _("Depuis {date}").format(date=_(label)) for key, (_e, label) in staff_list_columns.SVA_BASES.items()}
    return ui.select(bases, label=_("Alerte SVA comptée"), value=state.query.sva_base).mark("sva-base")


def _more_filters(inputs: _FilterInputs, more_keys: list[str]) -> ui.expansion:
    """« Plus de filtres »: its ~30 inputs are most of the filter bar's cost, so they are drawn when the panel first
    opens (at once when one of them filters the list: the panel opens by itself)."""
    title = _more_title(more_keys, inputs.state.query.filters)

    def draw() -> None:
        with ui.element("div").classes("flex flex-wrap gap-2 items-end"):
            for key in more_keys:
                inputs.add(key)

    inputs.defer(more_keys)
    return lazy_panel(title, draw, opened=title != _("Plus de filtres")).classes("w-full").mark("more-filters")


def filter_bar(state: ListState, options: Options, refresh: Reload, campaigns: list[Any] | None = None) -> None:
    assert state.settings is not None
    inputs = _FilterInputs(state, options, state.settings)
    chosen_campaign = (state.query.filters.get("campaign") or [ALL_CAMPAIGNS])[0]
    with ui.element("section").classes("flex flex-col gap-2").mark("filters") as bar:
        bar.props["aria-label"] = _("Filtres")
        with ui.element("div").classes("flex flex-wrap gap-2 items-end"):
            search = ui.input(_("Rechercher (nom, n° de dossier, INE, e-mail)"), value=state.query.search)
            search.classes("ec-search").mark("search")
            campaign = ui.select(_campaign_items(campaigns or []), label=_("Campagne"), value=chosen_campaign)
            campaign.classes("min-w-[14rem]").mark("filter-campaign")
            for key in PRIMARY_FILTERS:
                inputs.add(key)
            sva_base = _sva_base_select(state)
        primary = set(inputs.widgets)
        more_keys = [key for key in COLUMNS if key not in primary and key != "campaign"]
        more = _more_filters(inputs, more_keys)

        async def apply() -> None:
            filters = inputs.read()
            if campaign.value:
                filters["campaign"] = [campaign.value]
            state.query.filters = filters
            more.text = _more_title(more_keys, filters)  # how many filters the closed panel holds
            state.query.search = search.value or ""
            state.query.sva_base = sva_base.value or staff_list_columns.DEFAULT_SVA_BASE
            state.query.page = 1
            await refresh()

        async def clear() -> None:
            inputs.clear()
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


def column_chooser(state: ListState, actor: Any, refresh: Reload) -> None:
    def draw() -> None:
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

    lazy_panel(_("Colonnes affichées"), draw).mark("column-chooser")  # drawn when opened: app/ui/lazy_panel.py
