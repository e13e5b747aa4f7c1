"""A programme's entry in the offer, shared by the home page and « Formations », written as escaped HTML.

The offer is the same for every visitor: these functions build it as one string (see ``shared_blocks``), in the
language ``use_language`` sets, so that they can run in a worker thread.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

from nicegui import ui

from app.clock import PARIS
from app.i18n import N_, _, ngettext
from app.models import Procedure
from app.services.offer import CentreOffer, ProgramOffer
from app.ui import routes
from app.ui.text import Text, link_tag, tag, text_tag

PROCEDURE_LABELS = {Procedure.ONLINE: N_("Dossier dématérialisé"), Procedure.PAPER: N_("Dossier papier")}


def days_left_text(program: ProgramOffer) -> str:
    if program.days_left == 0:
        return _("Dernier jour pour candidater")
    n = program.days_left or 0
    return ngettext("{n} jour restant", "{n} jours restants", n).format(n=n)


def program_path(code: str) -> str:
    return routes.OFFER_PROGRAM.format(code=quote(code, safe=""))


def title_html(program: ProgramOffer, level: int) -> str:
    """The programme's name as a heading linking to its own page."""
    return tag(f"h{level}", link_tag(program.label, program_path(program.code)))


def info_link_html(program: ProgramOffer) -> str:
    if not program.info_url:
        return ""
    # Several programmes share the visible text: the accessible name says which one (RGAA 6.1).
    return link_tag(
        _("Voir la formation"),
        program.info_url,
        aria_label=_("Voir la formation : {label}").format(label=program.label),
    )


def program_facts(program: ProgramOffer) -> str:
    """« Code : M-FLE · Dossier dématérialisé · Capacité d'accueil : 20 places » on one line."""
    facts = [_("Code : {code}").format(code=program.code), _(PROCEDURE_LABELS[program.procedure])]
    if program.capacity is not None:
        facts.append(
            ngettext("Capacité d'accueil : {n} place", "Capacité d'accueil : {n} places", program.capacity).format(
                n=program.capacity
            )
        )
    return " · ".join(facts)


def offer_html(offer: list[CentreOffer], program_html: Callable[[ProgramOffer], str], heading_level: int = 2) -> str:
    """Centres (``<section>`` with a heading), their diploma types (a heading each), their programmes (a list)."""
    sections = []
    for centre in offer:
        parts = [text_tag(f"h{heading_level}", centre.label)]
        for diploma_type in centre.diploma_types:
            parts.append(text_tag(f"h{heading_level + 1}", diploma_type.label))
            items = "".join(program_html(program) for program in diploma_type.programs)
            parts.append(tag("ul", items, class_="ec-program-list"))
        sections.append(tag("section", "".join(parts), data_mark=f"centre-{centre.code}"))
    return "".join(sections)


def valid_until(offer: list[CentreOffer], now: datetime) -> datetime:
    """When a drawing of ``offer`` made at ``now`` goes stale by itself: the next window that opens or closes, or the
    next midnight in Paris (« N jours restants »)."""
    local = now.astimezone(PARIS)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    moments = [midnight]
    for centre in offer:
        for program in centre.programs:
            moments += [m for m in (program.window_opens_at, program.window_closes_at) if m > now]
    return min(moments)


def search_box(query: str, count_text: str) -> tuple[ui.input, Text]:
    """The offer's search field and, below it, the count of what it found (a live region that stays on the page,
    so that screen readers hear the new count after each search)."""
    with ui.element("div").classes("w-full max-w-xl mt-4").props("role=search"):
        search = (
            ui.input(_("Rechercher une formation"), value=query)
            .props("outlined clearable debounce=300 type=search")
            .classes("w-full")
            .mark("search")
        )
        search.props["hint"] = _("Intitulé, code ou mot-clé, par exemple « master chimie »")
    status = Text(count_text, "p").classes("ec-muted mt-2").mark("offer-count")
    status.props["role"] = "status"
    return search, status
