"""« Formations »: the whole offer, open or not, by centre and diploma type, and « Candidater ».

Visitors and staff see the same page for one language: it is built once (``shared_blocks``) as escaped HTML. A
candidate's page has their own « Candidater » buttons: each programme is then one HTML block and its action.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from nicegui import run, ui

from app import clock
from app.db import new_session, transaction
from app.i18n import _, ngettext, use_language
from app.services.applications import PieceInfo, apply_to_program, live_program_ids, pieces_by_program
from app.services.offer import CentreOffer, ProgramOffer, WindowState, count_programs, list_offer
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.candidate_nav import candidate_nav
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.offer_list import (
    offer_html,
    program_body,
    search_box,
    valid_until,
)
from app.ui.page import page
from app.ui.session import actor_of, current_identity, current_language
from app.ui.shared_blocks import shared
from app.ui.text import Text, heading, link_tag, paragraph, static_block, tag, text_tag

PATH = routes.OFFER


@dataclass(frozen=True)
class OfferView:
    """What the page shows, read in one worker thread."""

    offer: list[CentreOffer]
    pieces: dict[int, list[PieceInfo]]
    applied: set[int]
    status: str


def _apply(actor: Actor, program_id: int) -> int:
    """One transaction in a worker thread: the event loop keeps serving while the database works."""
    with transaction() as session:
        application = apply_to_program(session, actor=actor, program_id=program_id)
        return application.id or 0


def _visitor_action(program: ProgramOffer) -> str:
    """A visitor is invited to sign in to apply to an open programme; staff get no action."""
    if program.state != WindowState.OPEN:
        return ""
    return tag(
        "p",
        link_tag(
            _("Se connecter pour candidater"),
            f"{routes.SIGN_IN}?suite={quote(PATH)}",
            data_mark=f"sign-in-{program.code}",
        ),
    )


def _status(offer: list[CentreOffer], query: str) -> str:
    n = count_programs(offer)
    if n:
        return ngettext("{n} formation", "{n} formations", n).format(n=n)
    if query.strip():
        return _("Aucune formation ne correspond à « {query} ».").format(query=query.strip())
    return _("Aucune formation n'est proposée pour le moment.")


def _load(actor: Actor, lang: str, query: str, now: datetime) -> OfferView:
    """Blocking: the offer, its pieces and the candidate's live applications, in one session."""
    with use_language(lang), new_session() as session:
        offer = list_offer(session, now=now, query=query, lang=lang)
        programs = {p.id: centre.id for centre in offer for p in centre.programs}
        pieces = pieces_by_program(session, programs=programs, lang=lang) if programs else {}
        applied = live_program_ids(session, actor=actor)
        return OfferView(offer, pieces, applied, _status(offer, query))


def _shared_page(actor: Actor, lang: str, query: str, now: datetime) -> tuple[tuple[str, str], datetime]:
    """The whole offer as one block, for visitors (``sign-in`` links) or staff (no action)."""
    view = _load(actor, lang, query, now)
    visitor = actor.kind == "anonymous"
    with use_language(lang):
        markup = offer_html(
            view.offer,
            lambda p: tag(
                "li",
                program_body(p, view.pieces.get(p.id, [])) + (_visitor_action(p) if visitor else ""),
                class_="ec-program",
                data_mark=f"program-{p.code}",
            ),
        )
    return (view.status, markup), valid_until(view.offer, now)


class OfferPage:
    """A candidate's page: the search box, and the list redrawn after each search or application."""

    def __init__(self, actor: Actor, lang: str) -> None:
        self.actor = actor
        self.lang = lang
        self.search: ui.input | None = None
        self.status: Text | None = None
        self.container: ui.element | None = None
        self.program_code: str | None = None  # set on a programme's own page
        self.dialog: ui.dialog | None = None  # « Candidater ? », built on the first press
        self.dialog_card: ui.card | None = None

    def action(self, program: ProgramOffer, applied: set[int]) -> None:
        if program.state != WindowState.OPEN:
            return
        if program.id in applied:
            with ui.element("p"):
                Text(_("Candidature déposée."), "strong").mark(f"applied-{program.code}")
                ui.link(_("Voir mes candidatures"), routes.APPLICATIONS).classes("ml-2")
        elif not self.actor.read_only:
            button = ui.button(_("Candidater")).mark(f"apply-{program.code}")
            button.props["aria-label"] = _("Candidater : {label}").format(label=program.label)
            button.on_click(lambda _event, p=program: self.ask(p))

    def ask(self, program: ProgramOffer) -> None:
        """« Candidater » asks first, naming the programme and its closing date: one dialog per page, built on the
        first press (in the page's own slot: the list it was pressed in is redrawn by searches and applications)."""
        if self.dialog is None:
            assert self.container is not None
            with self.container.parent_slot or self.container, ui.dialog() as self.dialog:
                self.dialog.props["aria-labelledby"] = "apply-title"
                self.dialog_card = ui.card().mark("apply-dialog")
        assert self.dialog_card is not None
        self.dialog_card.clear()
        with self.dialog_card:
            self._ask_body(program)
        self.dialog.open()

    def _ask_body(self, program: ProgramOffer) -> None:
        title = _("Candidater à « {label} » ?").format(label=program.label)
        closes = _("Les candidatures à cette formation sont ouvertes jusqu'au {moment}.").format(
            moment=format_moment(program.window_closes_at)
        )
        # The dialog is drawn outside ``main``: its paragraphs get their spacing here.
        lines = text_tag("h2", title, id="apply-title", class_="text-xl mb-2") + text_tag("p", closes, class_="mb-2")
        if program.return_by is not None:
            lines += text_tag(
                "p",
                _("Vous pourrez ensuite déposer vos pièces et transmettre votre candidature jusqu'au {moment}.").format(
                    moment=format_moment(program.return_by)
                ),
                class_="mb-2",
            )
        static_block(lines).mark("apply-dialog-text")
        with ui.row().classes("justify-end w-full"):
            # The harmless choice takes the focus: Enter on the opened dialog never applies by accident.
            ui.button(_("Non, revenir"), on_click=self.close).props("flat autofocus").mark("apply-keep")
            confirm = ui.button(_("Oui, candidater")).props("color=primary").mark("apply-confirm")
            confirm.on_click(lambda _event, b=confirm, p=program: self.apply(b, p))

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

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
        self.close()
        ui.notify(
            _("Votre candidature à « {label} » est enregistrée. Un courriel de confirmation vous a été envoyé.").format(
                label=program.label
            ),
            type="positive",
        )
        await self.redraw()

    async def redraw(self) -> None:
        if self.program_code is not None:  # a programme's own page: only its action changes
            view = await run.io_bound(_load_program, self.actor, self.lang, self.program_code, clock.now())
            assert self.container is not None
            self.container.clear()
            if view.program is not None:
                with self.container:
                    self.action(view.program, view.applied)
            return
        query = (self.search.value if self.search else "") or ""
        view = await run.io_bound(_load, self.actor, self.lang, query, clock.now())
        if self.status is not None:
            self.status.text = view.status
        assert self.container is not None
        self.container.clear()
        with self.container:
            self.draw(view)

    def draw(self, view: OfferView) -> None:
        for centre in view.offer:
            with ui.element("section").mark(f"centre-{centre.code}"):
                heading(centre.label, 2)
                for diploma_type in centre.diploma_types:
                    heading(diploma_type.label, 3)
                    with ui.element("ul").classes("ec-program-list"):
                        for program in diploma_type.programs:
                            with ui.element("li").classes("ec-program").mark(f"program-{program.code}"):
                                static_block(program_body(program, view.pieces.get(program.id, [])))
                                self.action(program, view.applied)


async def _shared_offer(actor: Actor, lang: str, query: str) -> tuple[str, str]:
    if query.strip():
        (status, markup), _until = await run.io_bound(_shared_page, actor, lang, query, clock.now())
        return status, markup
    return await shared(("formations", lang, actor.kind), lambda now: _shared_page(actor, lang, "", now))


@dataclass(frozen=True)
class ProgramView:
    """One programme's page: where it sits in the offer, its pieces, whether the candidate applied."""

    program: ProgramOffer | None
    centre_label: str
    type_label: str
    pieces: list[PieceInfo]
    applied: set[int]


def _load_program(actor: Actor, lang: str, code: str, now: datetime) -> ProgramView:
    """Blocking: the programme ``code`` of the active campaign (None when there is none)."""
    with use_language(lang), new_session() as session:
        for centre in list_offer(session, now=now, lang=lang):
            for diploma_type in centre.diploma_types:
                for program in diploma_type.programs:
                    if program.code == code:
                        pieces = pieces_by_program(session, programs={program.id: centre.id}, lang=lang)
                        applied = live_program_ids(session, actor=actor)
                        return ProgramView(
                            program, centre.label, diploma_type.label, pieces.get(program.id, []), applied
                        )
    return ProgramView(None, "", "", [], set())


def _program_page_html(view: ProgramView, visitor: bool) -> str:
    program = view.program
    assert program is not None
    return (
        text_tag("p", f"{view.centre_label} · {view.type_label}", class_="ec-muted", data_mark="program-place")
        + program_body(program, view.pieces, title=False)
        + (_visitor_action(program) if visitor else "")
    )


def _shared_programs(actor: Actor, lang: str, now: datetime) -> tuple[dict[str, tuple[str, str]], datetime]:
    """Every programme's page (its label and HTML) by code, for visitors or staff, from one load of the offer: an
    unknown code is answered from memory, and no address someone makes up fills the cache."""
    view = _load(actor, lang, "", now)
    visitor = actor.kind == "anonymous"
    with use_language(lang):
        pages = {
            program.code: (
                program.label,
                _program_page_html(
                    ProgramView(program, centre.label, diploma_type.label, view.pieces.get(program.id, []), set()),
                    visitor,
                ),
            )
            for centre in view.offer
            for diploma_type in centre.diploma_types
            for program in diploma_type.programs
        }
    return pages, valid_until(view.offer, now)


async def _program_page(code: str) -> None:
    """One programme's page: drawn for a candidate (with « Candidater »), shared by every other visitor."""
    actor = actor_of(current_identity())
    lang = current_language()
    if actor.kind == "candidate":
        view = await run.io_bound(_load_program, actor, lang, code, clock.now())
        label = view.program.label if view.program else ""
    else:
        view = None
        pages = await shared(("programmes", lang, actor.kind), lambda now: _shared_programs(actor, lang, now))
        label, markup = pages.get(code, ("", ""))
    if not label:
        with frame(_("Formation introuvable")):
            paragraph(_("Aucune formation ne porte ce code dans la campagne en cours.")).mark("not-found")
            static_block(tag("p", link_tag(_("Toute l'offre de formation"), PATH)))
        return
    with frame(label):
        if view is None:
            static_block(markup).mark("program")
        else:
            assert view.program is not None
            offer_page = OfferPage(actor, lang)
            offer_page.program_code = code
            static_block(_program_page_html(view, visitor=False)).mark("program")
            with ui.element("div") as offer_page.container:
                offer_page.action(view.program, view.applied)
        static_block(tag("p", link_tag(_("Toute l'offre de formation"), PATH)))


async def _offer_page(q: str = "") -> None:
    """The whole offer with its search box: drawn for a candidate, shared by every other visitor."""
    actor = actor_of(current_identity())
    lang = current_language()
    candidate = actor.kind == "candidate"
    if candidate:
        view = await run.io_bound(_load, actor, lang, q, clock.now())
        status_text, markup = view.status, ""
    else:
        status_text, markup = await _shared_offer(actor, lang, q)
    with frame(_("Offre de formation")):
        static_block(
            text_tag(
                "p",
                _(
                    "Choisissez votre formation selon la composante qui la dispense et le type de diplôme. Les "
                    "périodes de candidature diffèrent d'une formation à l'autre : soyez attentif aux dates."
                ),
            )
        )
        if candidate:
            candidate_nav("offre", actor=actor)
        search, status = search_box(q, status_text)
        if candidate:
            offer_page = OfferPage(actor, lang)
            offer_page.search, offer_page.status = search, status
            with ui.element("div") as offer_page.container:
                offer_page.draw(view)
            search.on_value_change(offer_page.redraw)
        else:
            block = static_block(markup).mark("offer")

            async def searched() -> None:
                status.text, block.content = await _shared_offer(actor, lang, search.value or "")

            search.on_value_change(searched)


def register() -> None:
    page(routes.OFFER_PROGRAM)(_program_page)
    page(PATH)(_offer_page)
