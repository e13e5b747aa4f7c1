"""« Classements »: the programmes with a scoring grid, and one programme's ranking by combined score.

``/gestion/classements/{id}`` shows the capacity, the favourable decisions already there and the free places, the
ranking (unscored last), and « Proposer »: a preview of favourable decisions up to the free places then the waiting
list in rank order, where a row can be excluded (the next one moves up); « Saisir les avis » enters them, unpublished,
in one step (``scoring.enter_proposal``, through the bulk decision entry). Publication stays on the list of
applications. Every read and write runs in a worker thread.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui

from app.db import new_session, transaction
from app.i18n import _, ngettext
from app.services.platform import Actor, DomainError
from app.services.review import VALUE_LABELS
from app.services.scoring import (
    FAVORABLE,
    EntryResult,
    Proposal,
    Ranking,
    enter_proposal,
    program_ranking,
    programs_to_rank,
    propose,
)
from app.ui import routes
from app.ui.frame import frame
from app.ui.guards import as_staff, read_or_refusal, refusal
from app.ui.page import page
from app.ui.program_index import program_links
from app.ui.scores import score_text
from app.ui.session import current_language
from app.ui.tables import application_rows, captioned_table
from app.ui.text import Text, heading, live_paragraph, paragraph


@dataclass
class _State:
    view: Ranking | DomainError | None = None
    waiting: int = 0
    excluded: set[int] = field(default_factory=set)
    proposal: Proposal | None = None
    result: EntryResult | None = None
    entering: bool = False


def _load(actor: Actor, program_id: int, lang: str) -> Ranking | DomainError:
    return read_or_refusal(program_ranking, actor=actor, program_id=program_id, lang=lang)


def _propose(actor: Actor, program_id: int, waiting: int, excluded: set[int], lang: str) -> Proposal:
    with new_session() as session:
        return propose(
            session, actor=actor, program_id=program_id, waiting_places=waiting, excluded=excluded, lang=lang
        )


def _enter(actor: Actor, program_id: int, state: _State, lang: str) -> EntryResult:
    assert state.proposal is not None
    with transaction() as session:
        return enter_proposal(session, actor=actor, program_id=program_id, rows=state.proposal.rows,
                              waiting_places=state.waiting, excluded=set(state.excluded), lang=lang)  # fmt: skip


def _decision_text(row: Any) -> str:
    if row.decision is None and row.awaiting:  # not proposed until the required opinions are in
        return _("Avis des commissions attendus : {committees}").format(committees=", ".join(row.awaiting))
    if row.decision is None:
        return _("Aucun avis")
    label = _(VALUE_LABELS["last_decision_kind"].get(row.decision.value, row.decision.value))
    return label + " — " + (_("publié") if row.published else _("non publié"))


def _summary(view: Ranking) -> None:
    with ui.element("section").mark("ranking-summary"):
        heading(_("Capacité et avis favorables"), 2)
        with ui.element("ul").classes("list-disc ml-6"):
            capacity = str(view.capacity) if view.capacity is not None else _("non fixée")
            Text(_("Capacité d'accueil : {capacity}").format(capacity=capacity), "li").mark("capacity")
            Text(_("Avis favorables déjà saisis ou publiés : {count}").format(count=view.favourable), "li").mark(
                "favourable"
            )
            if view.free_places is not None:
                Text(_("Places libres : {count}").format(count=view.free_places), "li").mark("free-places")


def _ranking_table(view: Ranking) -> None:
    with ui.element("section").mark("ranking-section"):
        heading(_("Classement"), 2)
        paragraph(
            _(
                "Par note combinée décroissante ; à note égale, la candidature transmise la première passe devant "
                "(puis la plus ancienne). Les candidatures non notées sont à la fin, sans rang."
            )
        ).classes("text-sm")
        if not view.rows:
            paragraph(_("Aucune candidature pour cette formation.")).mark("ranking-empty")
            return
        rows = [
            (
                r.application_id,
                [str(r.position or "—"), r.label, score_text(r.score, _("non notée")), _decision_text(r)],
            )
            for r in view.rows
        ]
        headers = [_("Rang"), _("Candidat"), _("Note sur 20"), _("Avis")]
        with captioned_table("ranking", _("Candidatures classées"), headers):
            application_rows("ranking", rows, link_column=1)


Redraw = Callable[[], Awaitable[None]]


def _proposal_form(view: Ranking, state: _State, actor: Actor, redraw: Redraw) -> None:
    with ui.element("section").mark("proposal-section"):
        heading(_("Proposer des avis"), 2)
        paragraph(
            _(
                "Les avis favorables vont aux premières candidatures notées et sans avis, à hauteur des places "
                "libres ; les suivantes vont en liste complémentaire, dans l'ordre du classement. Rien n'est saisi "
                "avant « Saisir les avis », et rien n'est publié : la publication reste une étape à part."
            )
        ).classes("text-sm")
        error = live_paragraph("proposal-error", alert=True)
        waiting = None
        if view.has_waiting_list:
            waiting = ui.number(_("Places à proposer en liste complémentaire"), value=state.waiting, min=0, precision=0)
            waiting.classes("min-w-[18rem]").mark("waiting-places")

        async def preview() -> None:
            count = int(waiting.value or 0) if waiting is not None else 0
            if count < 0:
                error.text = _("Nombre de places en liste complémentaire invalide.")
                return
            try:
                proposal = await run.io_bound(
                    _propose, actor, view.program_id, count, state.excluded, current_language()
                )
            except DomainError as refused:
                error.text = refused.translate(_)
                return
            state.waiting, state.proposal, state.result = count, proposal, None
            await redraw()

        ui.button(_("Proposer"), on_click=preview).props("no-caps color=primary").mark("propose")


def _preview(view: Ranking, state: _State, actor: Actor, redraw: Redraw) -> None:
    proposal = state.proposal
    if proposal is None:
        return
    with ui.element("section").mark("preview-section"):
        heading(_("Aperçu des avis proposés"), 2)
        favourable = sum(row.kind == FAVORABLE for row in proposal.rows)
        paragraph(
            _("Favorables : {favourable} ; en liste complémentaire : {waiting}. Aucun avis n'est publié.").format(
                favourable=favourable, waiting=len(proposal.rows) - favourable
            )
        ).mark("preview-counts")
        if proposal.excluded:
            paragraph(
                ngettext(
                    "{n} candidature exclue de la proposition.",
                    "{n} candidatures exclues de la proposition.",
                    len(proposal.excluded),
                ).format(n=len(proposal.excluded))
            ).mark("preview-excluded")
        headers = [_("Candidat"), _("Note sur 20"), _("Avis proposé"), _("Ajuster")]
        with captioned_table("preview", _("Avis proposés, dans l'ordre du classement"), headers):
            for row in proposal.rows:
                _preview_row(view, row, state, actor, redraw)
        _enter_button(view, state, actor, redraw)


def _preview_row(view: Ranking, row: Any, state: _State, actor: Actor, redraw: Redraw) -> None:
    kind = (
        _("Favorable")
        if row.kind == FAVORABLE
        else _("Liste complémentaire, rang {rank}").format(rank=row.waiting_rank)
    )

    async def exclude() -> None:
        state.excluded.add(row.application_id)
        try:
            state.proposal = await run.io_bound(
                _propose, actor, view.program_id, state.waiting, state.excluded, current_language()
            )
        except DomainError as refused:
            state.proposal = None
            ui.notify(refused.translate(_), type="warning")
        await redraw()

    with ui.element("tr").mark(f"preview-{row.application_id}"):
        Text(row.label, "td")
        Text(score_text(row.score), "td")
        Text(kind, "td")
        with ui.element("td"):
            button = ui.button(_("Exclure"), on_click=exclude).props("flat dense no-caps")
            button.props["aria-label"] = _("Exclure {name} de la proposition").format(name=row.label)
            button.mark(f"exclude-{row.application_id}")


def _enter_button(view: Ranking, state: _State, actor: Actor, redraw: Redraw) -> None:
    async def enter() -> None:
        if state.proposal is None or state.entering:
            return  # a second click of the same preview: it is being entered, or was (the service would refuse it)
        state.entering = True
        button.disable()
        try:
            state.result = await run.io_bound(_enter, actor, view.program_id, state, current_language())
        except DomainError as refused:
            state.result = EntryResult(refused=[("", refused)])
        finally:
            state.entering = False
        if not state.result.refused:
            state.proposal, state.excluded = None, set()
            state.view = await run.io_bound(_load, actor, view.program_id, current_language())
        await redraw()

    button = ui.button(_("Saisir les avis"), on_click=enter).props("no-caps color=positive").mark("enter-proposal")


def _result(state: _State) -> None:
    result = state.result
    if result is None:
        return
    box = ui.element("div").classes("border p-2").mark("proposal-result")
    box.props["role"] = "alert" if result.refused else "status"
    with box:
        if not result.refused:
            paragraph(
                _("Avis saisis, non publiés. Favorables : {favourable} ; en liste complémentaire : {waiting}.").format(
                    favourable=result.favourable, waiting=result.waiting
                )
            )
            ui.link(_("Publier depuis la liste des candidatures"), routes.STAFF_APPLICATIONS).mark("to-publish")
            return
        paragraph(_("Rien n'a été saisi :")).classes("font-bold")
        with ui.element("ul").classes("ec-bullets"):
            for label, reason in result.refused:
                text = reason.translate(_)
                Text(_("{name} : {message}").format(name=label, message=text) if label else text, "li")


def _draw(state: _State, actor: Actor, redraw: Redraw) -> None:
    view = state.view
    if isinstance(view, DomainError):
        refusal(view)
        return
    assert view is not None
    paragraph(view.program).classes("font-bold").mark("ranking-program")
    _summary(view)
    _result(state)
    _proposal_form(view, state, actor, redraw)
    _preview(view, state, actor, redraw)
    _ranking_table(view)


def _programs(actor: Actor, lang: str) -> list[tuple[int, str, int, int]]:
    with new_session() as session:
        return programs_to_rank(session, actor=actor, lang=lang)


def _index(programs: list[tuple[int, str, int, int]]) -> None:
    text = _("{program} — candidatures notées : {scored} sur {total}")
    links = [
        (program_id, text.format(program=label, scored=scored, total=total))
        for program_id, label, scored, total in programs
    ]
    empty = _("Aucune formation de votre périmètre n'a de grille d'évaluation.")
    program_links(links, routes.RANKING, "ranking-programs", empty)


async def _index_page(actor: Actor) -> None:
    programs = await run.io_bound(_programs, actor, current_language())
    with frame(_("Classements")):
        _index(programs)


async def _ranking_page(actor: Actor, program_id: int) -> None:
    state = _State(view=await run.io_bound(_load, actor, program_id, current_language()))
    with frame(_("Classement")):
        ui.link(_("Tous les classements"), routes.RANKINGS).mark("all-rankings")

        @ui.refreshable
        def content() -> None:
            _draw(state, actor, redraw)

        async def redraw() -> None:
            content.refresh()

        content()


def register() -> None:
    @page(routes.RANKINGS)
    async def staff_rankings() -> Any:
        return await as_staff(_index_page)

    @page(routes.RANKING)
    async def staff_ranking(program_id: int) -> Any:
        return await as_staff(_ranking_page, program_id)
