"""Home page: what eCandidat is for, and the programmes open to applications (by centre and diploma type)."""

from nicegui import ui

from app.config import get_settings
from app.db import new_session
from app.i18n import _, ngettext
from app.services.offer import CentreOffer, ProgramOffer, WindowState, count_programs, keep_states, list_offer
from app.ui.dates import format_day, format_moment
from app.ui.frame import frame
from app.ui.offer_list import days_left_text, info_link, program_facts
from app.ui.page import page
from app.ui.session import current_language
from app.ui.text import Text, heading, list_item, paragraph


def _open_program(program: ProgramOffer) -> None:
    with ui.element("li").classes("ec-program").mark(f"program-{program.code}"):
        heading(program.label, 4)
        paragraph(program_facts(program)).classes("ec-muted")
        with ui.element("p"):
            Text(_("Candidatures jusqu'au {moment}").format(moment=format_moment(program.window_closes_at)), "span")
            Text(days_left_text(program), "strong").classes("ec-days-left ml-2")
        info_link(program)


def _open_offer(offer: list[CentreOffer]) -> None:
    for centre in offer:
        with ui.element("section").mark(f"centre-{centre.code}"):
            heading(centre.label, 2)
            for diploma_type in centre.diploma_types:
                heading(diploma_type.label, 3)
                with ui.element("ul").classes("ec-program-list"):
                    for program in diploma_type.programs:
                        _open_program(program)


def _upcoming_offer(offer: list[CentreOffer]) -> None:
    entries = sorted(
        ((p, centre.label, dt.label) for centre in offer for dt in centre.diploma_types for p in dt.programs),
        key=lambda entry: (entry[0].window_opens_at, entry[0].label),
    )
    with ui.element("section").mark("upcoming"):
        heading(_("Prochainement"), 2)
        paragraph(_("Ces formations ouvriront bientôt aux candidatures."))
        with ui.element("ul").classes("ec-program-list"):
            for program, centre_label, type_label in entries:
                with ui.element("li").classes("ec-program").mark(f"upcoming-{program.code}"):
                    heading(program.label, 3)
                    paragraph(f"{centre_label} · {type_label}").classes("ec-muted")
                    paragraph(program_facts(program)).classes("ec-muted")
                    paragraph(_("Ouverture le {day}").format(day=format_day(program.window_opens_at)))
                    info_link(program)


def register() -> None:
    @page("/")
    def home(q: str = "") -> None:
        institution = get_settings().institution_name
        with frame(_("Accueil"), h1=_("{institution} : candidater à une formation").format(institution=institution)):
            paragraph(
                _(
                    "{institution} reçoit sur ce portail les candidatures à ses formations sélectives et à capacité "
                    "limitée. eCandidat vous permet de :"
                ).format(institution=institution)
            )
            with ui.element("ul").classes("ec-bullets"):
                list_item(_("candidater à une ou plusieurs formations ;"))
                list_item(_("suivre l'évolution de votre candidature ;"))
                list_item(_("confirmer votre inscription ou vous désister en cas d'admission."))
            paragraph(
                _(
                    "Chaque université a son propre portail eCandidat : le compte que vous créez ici ne sert "
                    "qu'aux formations proposées sur ce portail."
                )
            )
            with ui.element("p"):
                ui.link(_("Se connecter ou créer un compte"), "/connexion")
            with ui.element("p"):
                ui.link(_("Toute l'offre de formation, avec les dates de chaque formation"), "/formations").mark(
                    "whole-offer"
                )

            with ui.element("div").classes("w-full max-w-xl mt-4").props("role=search"):
                search = (
                    ui.input(_("Rechercher une formation"), value=q)
                    .props("outlined clearable debounce=300 type=search")
                    .classes("w-full")
                    .mark("search")
                )
                search.props["hint"] = _("Intitulé, code ou mot-clé, par exemple « master chimie »")
            # A live region that stays on the page, so screen readers hear the new count after each search.
            status = Text("", "p").classes("ec-muted mt-2").mark("offer-count")
            status.props["role"] = "status"

            @ui.refreshable
            def offer_view() -> None:
                query = search.value or ""
                with new_session() as session:
                    offer = list_offer(
                        session, query=query, lang=current_language(), states={WindowState.OPEN, WindowState.UPCOMING}
                    )
                open_offer = keep_states(offer, {WindowState.OPEN})
                upcoming = keep_states(offer, {WindowState.UPCOMING})
                n = count_programs(open_offer)
                if n:
                    status.text = ngettext(
                        "{n} formation ouverte aux candidatures", "{n} formations ouvertes aux candidatures", n
                    ).format(n=n)
                elif query.strip():
                    status.text = _("Aucune formation ouverte ne correspond à « {query} ».").format(query=query.strip())
                else:
                    status.text = _("Aucune formation n'est ouverte aux candidatures en ce moment.")
                _open_offer(open_offer)
                if upcoming:
                    _upcoming_offer(upcoming)

            offer_view()
            search.on_value_change(offer_view.refresh)
