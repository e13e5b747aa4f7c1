"""Home page: what eCandidat is for, and the programmes open to applications (by centre and diploma type).

Everything but the search box is the same for every visitor of one language: the introduction and the offer are
built once (``shared_blocks``) and drawn as two escaped HTML blocks; a search builds its own offer off the loop.
"""

from datetime import datetime

from nicegui import run

from app import clock
from app.config import get_settings
from app.db import new_session
from app.i18n import _, ngettext, use_language
from app.services.offer import ProgramOffer, WindowState, count_programs, keep_states, list_offer
from app.ui import routes
from app.ui.dates import format_day, format_moment
from app.ui.frame import frame
from app.ui.offer_list import (
    days_left_text,
    info_link_html,
    offer_html,
    program_facts,
    search_box,
    title_html,
    valid_until,
)
from app.ui.page import page
from app.ui.session import current_language
from app.ui.shared_blocks import shared
from app.ui.text import link_tag, static_block, tag, text_tag


def _open_program(program: ProgramOffer) -> str:
    return tag(
        "li",
        title_html(program, 4)
        + text_tag("p", program_facts(program), class_="ec-muted")
        + tag(
            "p",
            text_tag("span", _("Candidatures jusqu'au {moment}").format(moment=format_moment(program.window_closes_at)))
            + " "
            + text_tag("strong", days_left_text(program), class_="ec-days-left ml-2"),
        )
        + info_link_html(program),
        class_="ec-program",
        data_mark=f"program-{program.code}",
    )


def _upcoming_html(offer: list) -> str:
    entries = sorted(
        ((p, centre.label, dt.label) for centre in offer for dt in centre.diploma_types for p in dt.programs),
        key=lambda entry: (entry[0].window_opens_at, entry[0].label),
    )
    items = "".join(
        tag(
            "li",
            title_html(program, 3)
            + text_tag("p", f"{centre_label} · {type_label}", class_="ec-muted")
            + text_tag("p", program_facts(program), class_="ec-muted")
            + text_tag("p", _("Ouverture le {day}").format(day=format_day(program.window_opens_at)))
            + info_link_html(program),
            class_="ec-program",
            data_mark=f"upcoming-{program.code}",
        )
        for program, centre_label, type_label in entries
    )
    return tag(
        "section",
        text_tag("h2", _("Prochainement"))
        + text_tag("p", _("Ces formations ouvriront bientôt aux candidatures."))
        + tag("ul", items, class_="ec-program-list"),
        data_mark="upcoming",
    )


def _offer_block(lang: str, query: str, now: datetime) -> tuple[tuple[str, str], datetime]:
    """The count sentence and the offer's HTML (open programmes, then the upcoming ones), and until when they hold.

    Blocking: it queries, so pages call it off the event loop."""
    with use_language(lang):
        with new_session() as session:
            offer = list_offer(
                session, now=now, query=query, lang=lang, states={WindowState.OPEN, WindowState.UPCOMING}
            )
        open_offer = keep_states(offer, {WindowState.OPEN})
        upcoming = keep_states(offer, {WindowState.UPCOMING})
        n = count_programs(open_offer)
        if n:
            status = ngettext(
                "{n} formation ouverte aux candidatures", "{n} formations ouvertes aux candidatures", n
            ).format(n=n)
        elif query.strip():
            status = _("Aucune formation ouverte ne correspond à « {query} ».").format(query=query.strip())
        else:
            status = _("Aucune formation n'est ouverte aux candidatures en ce moment.")
        markup = offer_html(open_offer, _open_program) + (_upcoming_html(upcoming) if upcoming else "")
    return (status, markup), valid_until(offer, now)


async def _offer(lang: str, query: str) -> tuple[str, str]:
    query = query or ""
    if not query.strip():
        return await shared(("home-offer", lang), lambda now: _offer_block(lang, "", now))
    (status, markup), _until = await run.io_bound(_offer_block, lang, query, clock.now())
    return status, markup


def _introduction(institution: str) -> str:
    return (
        text_tag(
            "p",
            _(
                "{institution} reçoit sur ce portail les candidatures à ses formations sélectives et à capacité "
                "limitée. eCandidat vous permet de :"
            ).format(institution=institution),
        )
        + tag(
            "ul",
            text_tag("li", _("candidater à une ou plusieurs formations ;"))
            + text_tag("li", _("suivre l'évolution de votre candidature ;"))
            + text_tag("li", _("confirmer votre inscription ou vous désister en cas d'admission.")),
            class_="ec-bullets",
        )
        + text_tag(
            "p",
            _(
                "Chaque université a son propre portail eCandidat : le compte que vous créez ici ne sert "
                "qu'aux formations proposées sur ce portail."
            ),
        )
        + tag("p", link_tag(_("Se connecter ou créer un compte"), routes.SIGN_IN))
        + tag(
            "p",
            link_tag(_("Toute l'offre de formation, avec les dates de chaque formation"), routes.OFFER),
        )
    )


def register() -> None:
    @page(routes.HOME)
    async def home(q: str = "") -> None:
        institution = get_settings().institution_name
        lang = current_language()
        status_text, markup = await _offer(lang, q)
        with frame(_("Accueil"), h1=_("{institution} : candidater à une formation").format(institution=institution)):
            static_block(_introduction(institution)).mark("introduction")
            search, status = search_box(q, status_text)
            offer = static_block(markup).mark("offer")

            async def searched() -> None:
                status.text, offer.content = await _offer(lang, search.value or "")

            search.on_value_change(searched)
