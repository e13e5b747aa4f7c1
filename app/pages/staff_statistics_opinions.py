"""The « Avis des commissions » table of /gestion/statistiques: per programme and examining committee, the live
applications with each opinion and those awaiting one (``app.services.exports.opinion_statistics``). A real table
(``caption``, ``th scope``); nothing is drawn when no programme in the scope is examined by further committees."""

from collections.abc import Callable

from nicegui import ui

from app.i18n import _
from app.services.decisions import OPINION_LABELS
from app.services.exports import OpinionStatRow
from app.ui.session import current_language
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, paragraph


def opinions_table(rows: list[OpinionStatRow], number: Callable[[int], str]) -> None:
    if not rows:
        return
    lang = current_language()
    heading(_("Avis des commissions"), 2)
    paragraph(
        _(
            "Pour chaque formation examinée par d'autres commissions que la sienne : les candidatures actives selon "
            "l'avis de chaque commission d'examen, et celles qui l'attendent encore."
        )
    )
    kinds = [(kind.value, _(label)) for kind, label in OPINION_LABELS.items()]
    caption = _("Avis des commissions d'examen par formation")
    with scroll_region(caption), ui.element("table").classes("ec-table").mark("table-opinions"):
        Text(caption, "caption").classes("text-left font-bold")
        with ui.element("thead"), ui.element("tr"):
            for header in (
                _("Formation"),
                _("Commission"),
                _("Rôle"),
                *(label for _k, label in kinds),
                _("En attente"),
            ):
                Text(header, "th").props('scope="col"')
        with ui.element("tbody"):
            for row in rows:
                program, committee, role = row.label(lang)
                with ui.element("tr"):
                    Text(f"{row.program_code} — {program}", "th").props('scope="row"').classes("text-left")
                    Text(committee, "td")
                    Text(role + (" " + _("(avis requis)") if row.required else ""), "td")
                    for key in [*(k for k, _label in kinds), "awaited"]:
                        Text(number(row.counts.get(key, 0)), "td").classes("text-right")
