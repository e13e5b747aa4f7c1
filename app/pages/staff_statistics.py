"""/gestion/statistiques: the figures of the current role's scope per programme, committee, centre or campaign.

Each table (real ``caption``, ``th scope``) is the accessible equivalent of the chart beside it; the charts
(NiceGUI's ECharts) carry ``role="img"`` and an ``aria-label`` saying what they draw and where the numbers are.
The definitions of the figures are written on the page (they are those of ``app.services.exports.statistics``).
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from nicegui import ui

from app.db import transaction
from app.i18n import _, ngettext
from app.pages.staff_statistics_opinions import opinions_table
from app.services.accounts import staff_roles as staff
from app.services.exports import (
    GROUPINGS,
    CampaignOption,
    DayCount,
    OpinionStatRow,
    Statistics,
    StatRow,
    opinions_by_committee,
    statistics,
)
from app.services.platform import Actor, DomainError
from app.services.review import VALUE_LABELS
from app.ui import routes
from app.ui.frame import frame
from app.ui.guards import as_staff, open_or_refuse
from app.ui.latest_read import LatestRead
from app.ui.page import page
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph

ALL_CAMPAIGNS = 0
CHART_GROUPS = 25  # a chart stays readable; the table lists every group
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@dataclass
class Selection:
    grouping: str
    campaign_id: int


def _number(value: int) -> str:
    return format_decimal(value, locale=_LOCALES[current_language()])


def _summary(groups: int, applications: int) -> str:
    """« 2 groupes, 13 candidatures. », each count with its own plural."""
    return _("{groups}, {applications}.").format(
        groups=ngettext("{count} groupe", "{count} groupes", groups).format(count=groups),
        applications=ngettext("{n} candidature", "{n} candidatures", applications).format(n=_number(applications)),
    )


def _rate(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0 %", locale=_LOCALES[current_language()])


def _columns() -> dict[str, list[tuple[str, str]]]:
    """The three tables: (figure key, translated header)."""
    status = VALUE_LABELS["dossier_status"]
    kinds = VALUE_LABELS["last_decision_kind"]
    return {
        "dossiers": [
            ("applications", _("Candidatures")),
            ("cancelled", _("Annulées")),
            ("live", _("Actives")),
            ("transmitted", _("Transmises")),
            *[(f"status_{key}", _(msgid)) for key, msgid in status.items()],
        ],
        "decisions": [
            ("no_decision", _("Sans avis")),
            *[(f"decision_{key}", _(msgid)) for key, msgid in kinds.items()],
            ("published", _("Avis publiés")),
            ("unpublished", _("Avis non publiés")),
        ],
        "answers": [
            ("confirmed", _("Confirmées")),
            ("provisional", _("Acceptées provisoirement")),
            ("withdrawn", _("Désistements")),
            ("called_from_waiting_list", _("Appelées de la liste complémentaire")),
            ("places_taken", _("Places attribuées")),
        ],
    }


def _table(
    caption: str, stats: Statistics, columns: Sequence[tuple[str, str]], marker: str, capacity: bool = False
) -> None:
    lang = current_language()
    with scroll_region(caption), ui.element("table").classes("ec-table").mark(marker):
        Text(caption, "caption").classes("text-left font-bold")
        with ui.element("thead"), ui.element("tr"):
            Text(_(GROUPINGS[stats.grouping]), "th").props('scope="col"')
            for _key, header in columns:
                Text(header, "th").props('scope="col"')
            if capacity:
                Text(_("Capacité"), "th").props('scope="col"')
                Text(_("Taux de remplissage"), "th").props('scope="col"')
        with ui.element("tbody"):
            for row in [*stats.rows, stats.total]:
                _table_row(row, columns, capacity, lang, total=row is stats.total)


def _table_row(row: StatRow, columns: Sequence[tuple[str, str]], capacity: bool, lang: str, total: bool) -> None:
    with ui.element("tr").classes("font-bold" if total else ""):
        label = _("Total") if total else (f"{row.code} — {row.label(lang)}" if row.code else row.label(lang))
        Text(label, "th").props('scope="row"').classes("text-left")
        for key, _header in columns:
            Text(_number(row.counts.get(key, 0)), "td").classes("text-right")
        if capacity:
            Text("—" if row.capacity is None else _number(row.capacity), "td").classes("text-right")
            Text(_rate(row.fill_rate), "td").classes("text-right")


def _chart(
    stats: Statistics, series: Sequence[tuple[str, str]], marker: str, description: str, stack: bool = True
) -> None:
    """A horizontal bar chart of ``series`` for the largest groups; ``description`` is its text alternative."""
    lang = current_language()
    rows = sorted(stats.rows, key=lambda r: r.counts.get("applications", 0), reverse=True)[:CHART_GROUPS]
    rows.reverse()  # ECharts draws the first category at the bottom
    if not rows:
        return
    options: dict[str, Any] = {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [r.code or r.label(lang) for r in rows]},
        "series": [
            {
                "name": header,
                "type": "bar",
                **({"stack": "total"} if stack else {}),
                "data": [r.counts.get(key, 0) for r in rows],
            }
            for key, header in series
        ],
    }
    chart = ui.echart(options).classes("w-full").style(f"height: {max(220, 60 + 28 * len(rows))}px").mark(marker)
    chart.props["role"] = "img"
    chart.props["aria-label"] = description


def _fill_chart(stats: Statistics) -> None:
    lang = current_language()
    rows = [r for r in stats.rows if r.fill_rate is not None][:CHART_GROUPS]
    if not rows:
        return
    rows.reverse()
    options = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "top": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value} %"}},
        "yAxis": {"type": "category", "data": [r.code or r.label(lang) for r in rows]},
        "series": [
            {
                "name": _("Taux de remplissage"),
                "type": "bar",
                "data": [round((r.fill_rate or 0) * 100, 1) for r in rows],
                "label": {"show": True, "position": "right", "formatter": "{c} %"},
            }
        ],
    }
    chart = ui.echart(options).classes("w-full").style(f"height: {max(200, 40 + 28 * len(rows))}px")
    chart.mark("chart-fill")
    chart.props["role"] = "img"
    chart.props["aria-label"] = _(
        "Graphique en barres du taux de remplissage par groupe ayant une capacité ; "
        "les valeurs figurent dans le tableau « Réponses et capacité »."
    )


def _daily(days: list[DayCount]) -> None:
    heading(_("Candidatures créées et transmises par jour"), 2)
    if not days:
        paragraph(_("Aucune candidature sur cette période.")).mark("daily-empty")
        return
    locale = _LOCALES[current_language()]
    labels = [format_date(d.day, "short", locale=locale) for d in days]
    options = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": _("Créées"), "type": "line", "data": [d.created for d in days], "symbol": "circle"},
            {"name": _("Transmises"), "type": "line", "data": [d.transmitted for d in days], "symbol": "triangle"},
        ],
    }
    chart = ui.echart(options).classes("w-full").style("height: 320px").mark("chart-daily")
    chart.props["role"] = "img"
    chart.props["aria-label"] = _(
        "Courbes des candidatures créées et transmises par jour (heure de Paris) du {first} au {last} : "
        "{created} créées, {transmitted} transmises ; le détail par jour figure dans le tableau qui suit."
    ).format(
        first=format_date(days[0].day, "long", locale=locale),
        last=format_date(days[-1].day, "long", locale=locale),
        created=_number(sum(d.created for d in days)),
        transmitted=_number(sum(d.transmitted for d in days)),
    )
    toggle = ui.expansion(_("Tableau des chiffres par jour")).mark("daily-table-toggle")
    caption = _("Candidatures par jour (heure de Paris)")
    with toggle, scroll_region(caption), ui.element("table").classes("ec-table").mark("daily"):
        Text(caption, "caption").classes("text-left font-bold")
        with ui.element("thead"), ui.element("tr"):
            for header in (_("Jour"), _("Créées"), _("Transmises")):
                Text(header, "th").props('scope="col"')
        with ui.element("tbody"):
            for day in days:
                if not (day.created or day.transmitted):
                    continue  # the chart shows the empty days; the table lists days with activity
                with ui.element("tr"):
                    Text(format_date(day.day, "full", locale=locale), "th").props('scope="row"')
                    Text(_number(day.created), "td").classes("text-right")
                    Text(_number(day.transmitted), "td").classes("text-right")


def _definitions() -> None:
    with ui.expansion(_("Définition des chiffres")).mark("definitions"), ui.element("ul").classes("ec-bullets"):
        for text in (
            _("Candidatures : toutes celles créées, annulées comprises ; les autres chiffres ne comptent "
              "que les candidatures actives (non annulées)."),
            _("Avis : le type du dernier avis saisi, publié ou non ; « Sans avis » : aucun avis saisi."),
            _("Places attribuées : candidatures actives dont le dernier avis publié est favorable et dont le "
              "candidat ne s'est pas désisté (confirmées, acceptées provisoirement ou en attente de réponse)."),
            _("Capacité : somme des capacités d'accueil des formations du groupe qui en ont une."),
            _("Taux de remplissage : places attribuées dans les formations ayant une capacité, divisées par "
              "cette capacité."),
        ):  # fmt: skip
            Text(text, "li")


@dataclass
class Figures:
    """What the results show, read in a worker thread: the figures, or the refusal to show them."""

    stats: Statistics | None = None
    days: list[DayCount] | None = None
    error: DomainError | None = None
    opinions: list[OpinionStatRow] = field(default_factory=list)


def _load(actor: Any, grouping: str, campaign_id: int) -> Figures:
    campaign = campaign_id or None
    try:
        with transaction() as session:
            stats = statistics.compute_statistics(session, actor=actor, grouping=grouping, campaign_id=campaign)
            days = statistics.daily_activity(session, actor=actor, campaign_id=campaign)
            opinions = opinions_by_committee(session, actor=actor, campaign_id=campaign)
    except DomainError as error:
        return Figures(error=error)
    return Figures(stats, days, opinions=opinions)


def _controls(selection: Selection, campaigns: list[CampaignOption], refresh: Callable[[], Awaitable[None]]) -> None:
    lang = current_language()
    labels = {ALL_CAMPAIGNS: _("Toutes les campagnes")}
    for option in campaigns:
        suffix = _(" (active)") if option.is_active else _(" (archivée)") if option.archived else ""
        labels[option.id] = option.label(lang) + suffix

    async def choose(field: str, value: Any) -> None:
        setattr(selection, field, value)
        await refresh()  # the figures are read again in a worker thread

    with ui.element("section").classes("flex flex-wrap gap-4 items-end").mark("controls") as bar:
        bar.props["aria-label"] = _("Choix des statistiques")
        ui.select(
            labels,
            label=_("Campagne"),
            value=selection.campaign_id,
            on_change=lambda e: choose("campaign_id", e.value),
        ).classes("min-w-[16rem]").mark("campaign")
        ui.select(
            {key: _(label) for key, label in GROUPINGS.items()},
            label=_("Regrouper par"),
            value=selection.grouping,
            on_change=lambda e: choose("grouping", e.value),
        ).classes("min-w-[12rem]").mark("grouping")


def _results(figures: Figures) -> None:
    if figures.error is not None or figures.stats is None or figures.days is None:
        error = figures.error.translate(_) if figures.error is not None else ""
        paragraph(error).props('role="alert"').mark("stats-error")
        return
    stats, days = figures.stats, figures.days
    columns = _columns()
    group = _(GROUPINGS[stats.grouping]).lower()
    status = paragraph(_summary(len(stats.rows), stats.total.counts["applications"])).mark("stats-summary")
    status.props["role"] = "status"
    if not stats.rows:
        return
    more = _(" (les {n} groupes les plus importants)").format(n=CHART_GROUPS) if len(stats.rows) > CHART_GROUPS else ""
    heading(_("Candidatures et dossiers"), 2)
    _table(_("Candidatures et statut des dossiers par {group}").format(group=group), stats, columns["dossiers"],
           "table-dossiers")  # fmt: skip
    _chart(
        stats,
        columns["dossiers"][4:],
        "chart-dossiers",
        _(
            "Graphique en barres empilées des candidatures actives par statut du dossier et par {group}{more} ; "
            "les valeurs figurent dans le tableau précédent."
        ).format(group=group, more=more),
    )
    heading(_("Avis"), 2)
    _table(_("Avis par {group}").format(group=group), stats, columns["decisions"], "table-decisions")
    _chart(
        stats,
        columns["decisions"][:5],
        "chart-decisions",
        _(
            "Graphique en barres empilées des candidatures actives par type du dernier avis et par {group}{more} ; "
            "les valeurs figurent dans le tableau précédent."
        ).format(group=group, more=more),
    )
    heading(_("Réponses et capacité"), 2)
    _table(_("Réponses des candidats et capacité par {group}").format(group=group), stats, columns["answers"],
           "table-answers", capacity=True)  # fmt: skip
    _fill_chart(stats)
    opinions_table(figures.opinions, _number)
    _daily(days)


def _open(actor: Any) -> tuple[Any, list[CampaignOption], int | None, Figures]:
    """The role, the campaigns to choose from, the active one, and the figures first shown (a worker thread)."""
    with transaction() as session:
        role = staff.current_role(session, actor=actor)
        campaigns = statistics.campaign_options(session, actor=actor)
        active = statistics.active_campaign_id(session)
    return role, campaigns, active, _load(actor, "program", active or ALL_CAMPAIGNS)


async def _staff_statistics(actor: Actor) -> None:
    opened = await open_or_refuse(_("Statistiques"), _open, actor)
    if opened is None:
        return None
    role, campaigns, active, first = opened
    selection = Selection(grouping="program", campaign_id=active or ALL_CAMPAIGNS)
    shown = {"figures": first}
    reads = LatestRead()  # a campaign then a grouping chosen quickly: the figures of the latest choice are drawn
    with frame(_("Statistiques")):
        ui.link(_("Retour à l'espace de gestion"), routes.STAFF_HOME).mark("back")
        scope = role.scope_label(current_language())
        paragraph(_("{role} — {scope}").format(role=_(role.role_label), scope=scope)).mark("scope")

        @ui.refreshable
        def results() -> None:
            _results(shown["figures"])

        async def reload() -> None:
            figures = await reads.run(_load, actor, selection.grouping, selection.campaign_id)
            if figures is not None:
                shown["figures"] = figures
                results.refresh()

        _controls(selection, campaigns, reload)
        _definitions()
        results()


def register() -> None:
    @page(routes.STATISTICS)
    async def staff_statistics():
        return await as_staff(_staff_statistics)
