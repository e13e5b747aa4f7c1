"""« Formations »: the whole offer, open or not, by centre and diploma type, and « Candidater »."""

from urllib.parse import quote

from nicegui import run, ui

from app.db import new_session, transaction
from app.i18n import _, ngettext
from app.services.actors import Actor
from app.services.applications import apply_to_program
from app.services.applications_views import PieceInfo, live_program_ids, pieces_by_program
from app.services.errors import DomainError
from app.services.offer import CentreOffer, ProgramOffer, WindowState, count_programs, list_offer
from app.ui.candidate_nav import candidate_nav
from app.ui.dates import format_day, format_moment
from app.ui.frame import frame
from app.ui.guards import actor_of
from app.ui.offer_list import days_left_text, info_link, program_facts
from app.ui.page import page
from app.ui.session import current_identity, current_language
from app.ui.text import Text, heading, list_item, paragraph

PATH = "/formations"


def _apply(actor: Actor, program_id: int) -> int:
    """One transaction in a worker thread: the event loop keeps serving while the database works."""
    with transaction() as session:
        application = apply_to_program(session, actor=actor, program_id=program_id)
        return application.id or 0


def _window_text(program: ProgramOffer) -> str:
    if program.state == WindowState.UPCOMING:
        return _("Candidatures du {opens} au {closes} : pas encore ouvertes.").format(
            opens=format_moment(program.window_opens_at), closes=format_moment(program.window_closes_at)
        )
    if program.state == WindowState.CLOSED:
        return _("Candidatures closes depuis le {moment}.").format(moment=format_moment(program.window_closes_at))
    return _("Candidatures ouvertes jusqu'au {moment} ({left}).").format(
        moment=format_moment(program.window_closes_at), left=days_left_text(program)
    )


def _calendar(program: ProgramOffer) -> None:
    with ui.element("ul").classes("ec-bullets"):
        list_item(_window_text(program)).mark(f"window-{program.code}")
        if program.return_by:
            list_item(_("Date limite de retour du dossier : {moment}").format(moment=format_moment(program.return_by)))
        if program.jury_on:
            list_item(_("Jury : {day}").format(day=format_day(program.jury_on)))
        if program.publication_on:
            list_item(_("Publication des résultats : {day}").format(day=format_day(program.publication_on)))


def _pieces(pieces: list[PieceInfo]) -> None:
    if not pieces:
        paragraph(_("Aucune pièce justificative demandée."))
        return
    with ui.element("details"):
        Text(
            ngettext("{n} pièce justificative", "{n} pièces justificatives", len(pieces)).format(n=len(pieces)),
            "summary",
        )
        with ui.element("ul").classes("ec-bullets"):
            for piece in pieces:
                list_item(piece.label + (" " + _("(si vous êtes concerné)") if piece.is_conditional else ""))


class OfferPage:
    """The page's state: who reads it, the search box, and the list redrawn after each search or application."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.search: ui.input | None = None
        self.status: Text | None = None

    def _action(self, program: ProgramOffer, applied: set[int]) -> None:
        if program.state != WindowState.OPEN:
            return
        if self.actor.kind == "anonymous":
            ui.link(_("Se connecter pour candidater"), f"/connexion?suite={quote(PATH)}").mark(
                f"sign-in-{program.code}"
            )
        elif self.actor.kind != "candidate":
            return
        elif program.id in applied:
            with ui.element("p"):
                Text(_("Candidature déposée."), "strong").mark(f"applied-{program.code}")
                ui.link(_("Voir mes candidatures"), "/candidat/candidatures").classes("ml-2")
        elif not self.actor.read_only:
            button = ui.button(_("Candidater")).mark(f"apply-{program.code}")
            button.props["aria-label"] = _("Candidater : {label}").format(label=program.label)
            button.on_click(lambda _event, b=button, p=program: self.apply(b, p))

    async def apply(self, button: ui.button, program: ProgramOffer) -> None:
        # A second click while the first runs finds the button disabled; the database index backs this up.
        if not button.enabled:
            return
        button.disable()
        try:
            await run.io_bound(_apply, self.actor, program.id)
        except DomainError as error:
            from app.pages.applications import error_text

            ui.notify(error_text(error), type="negative", multi_line=True)
            if not button.is_deleted:
                button.enable()
            return
        ui.notify(
            _("Votre candidature à « {label} » est enregistrée. Un courriel de confirmation vous a été envoyé.").format(
                label=program.label
            ),
            type="positive",
        )
        self.view.refresh()

    def _program(self, program: ProgramOffer, pieces: list[PieceInfo], applied: set[int]) -> None:
        with ui.element("li").classes("ec-program").mark(f"program-{program.code}"):
            heading(program.label, 4)
            paragraph(program_facts(program)).classes("ec-muted")
            _calendar(program)
            _pieces(pieces)
            info_link(program)
            self._action(program, applied)

    @ui.refreshable_method
    def view(self) -> None:
        query = (self.search.value if self.search else "") or ""
        with new_session() as session:
            offer: list[CentreOffer] = list_offer(session, query=query, lang=current_language())
            programs = {p.id: centre.id for centre in offer for p in centre.programs}
            pieces = pieces_by_program(session, programs=programs, lang=current_language()) if programs else {}
            applied = live_program_ids(session, actor=self.actor)
        n = count_programs(offer)
        if self.status is not None:
            if n:
                self.status.text = ngettext("{n} formation", "{n} formations", n).format(n=n)
            elif query.strip():
                self.status.text = _("Aucune formation ne correspond à « {query} ».").format(query=query.strip())
            else:
                self.status.text = _("Aucune formation n'est proposée pour le moment.")
        for centre in offer:
            with ui.element("section").mark(f"centre-{centre.code}"):
                heading(centre.label, 2)
                for diploma_type in centre.diploma_types:
                    heading(diploma_type.label, 3)
                    with ui.element("ul").classes("ec-program-list"):
                        for program in diploma_type.programs:
                            self._program(program, pieces.get(program.id, []), applied)


def register() -> None:
    @page(PATH)
    def offer_page(q: str = "") -> None:
        actor = actor_of(current_identity())
        page = OfferPage(actor)
        with frame(_("Offre de formation")):
            paragraph(
                _(
                    "Choisissez votre formation selon la composante qui la dispense et le type de diplôme. Les "
                    "périodes de candidature diffèrent d'une formation à l'autre : soyez attentif aux dates."
                )
            )
            if actor.kind == "candidate":
                candidate_nav(None, actor=actor)
            with ui.element("div").classes("w-full max-w-xl mt-4").props("role=search"):
                page.search = (
                    ui.input(_("Rechercher une formation"), value=q)
                    .props("outlined clearable debounce=300 type=search")
                    .classes("w-full")
                    .mark("search")
                )
                page.search.props["hint"] = _("Intitulé, code ou mot-clé, par exemple « master chimie »")
            page.status = Text("", "p").classes("ec-muted mt-2").mark("offer-count")
            page.status.props["role"] = "status"
            page.view()
            page.search.on_value_change(page.view.refresh)
