"""« Liste complémentaire » for staff: the programmes of the role's scope, and one programme's waiting list.

``/gestion/liste-complementaire`` lists the programmes with a waiting list; ``/gestion/liste-complementaire/{id}``
shows the capacity and live offers, the ranked list, the calls made (when, the confirmation deadline, the answer),
and — for the roles that may — « Appeler le candidat suivant ». Every rule is in ``waiting_list_staff``. Both pages
read and act in a worker thread, never on the event loop.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.services.decisions import (
    ListedCandidate,
    WaitingListOverview,
    call_next_candidate,
    programs_with_waiting_list,
    waiting_list_overview,
)
from app.services.platform import Actor, DomainError
from app.services.review import VALUE_LABELS
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import as_staff, read_or_refusal, refusal
from app.ui.latest_read import LatestRead
from app.ui.page import page
from app.ui.program_index import program_links
from app.ui.session import current_language
from app.ui.tables import application_rows, captioned_table
from app.ui.text import Text, heading, live_paragraph, paragraph

INDEX_PATH = routes.WAITING_LISTS
PROGRAM_PATH = routes.WAITING_LIST


def _moment(value: datetime | None) -> str:
    return format_moment(value) if value else "—"


def _answer(row: ListedCandidate) -> str:
    if row.answer is None:
        return _("En attente de réponse")
    label = _(VALUE_LABELS["answer"][row.answer.value])
    return f"{label} ({_moment(row.answer_at)})" if row.answer_at else label


def _table(marker: str, caption: str, headers: list[str], rows: list[tuple[int, list[str]]]) -> None:
    """A plain table: a caption, real column headers, the first cell links to the application."""
    with captioned_table(marker, caption, headers):
        application_rows(marker, rows)


def _summary(view: WaitingListOverview) -> None:
    with ui.element("section").mark("waiting-summary"):
        heading(_("Capacité et propositions"), 2)
        with ui.element("ul").classes("list-disc ml-6"):
            capacity = str(view.capacity) if view.capacity is not None else _("non fixée")
            Text(_("Capacité d'accueil : {capacity}").format(capacity=capacity), "li").mark("capacity")
            Text(_("Propositions en cours : {count}").format(count=view.live_offers), "li").mark("live-offers")
            if view.free_places is not None:
                Text(_("Places libres : {count}").format(count=view.free_places), "li").mark("free-places")
            Text(_("Candidats en attente : {count}").format(count=len(view.waiting)), "li").mark("waiting-count")
            last = str(view.last_called_rank) if view.last_called_rank is not None else _("aucun appel")
            Text(_("Rang du dernier candidat appelé : {rank}").format(rank=last), "li").mark("last-called")
            call_type = view.call_type or _("aucun (les appels sont impossibles)")
            Text(_("Avis donné lors d'un appel : {label}").format(label=call_type), "li")


def _call_action(view: WaitingListOverview, actor: Actor, redraw: Callable[[], Awaitable[None]]) -> None:
    if not view.can_call:
        return
    with ui.element("section").mark("waiting-call"):
        heading(_("Appel manuel"), 2)
        paragraph(
            _(
                "La liste s'appelle d'elle-même à chaque désistement. Quand une place s'est libérée autrement "
                "(capacité augmentée, avis remplacé), appelez ici le candidat suivant : il reçoit l'avis favorable, "
                "une date limite de confirmation et un courriel."
            )
        ).classes("text-sm")
        message = live_paragraph("call-error", alert=True)
        expected = view.next_application_id
        if expected is None:
            paragraph(_("Aucun appel possible : pas de place libre ou personne en attente.")).mark("call-impossible")
            return
        following = next(row for row in view.waiting if row.application_id == expected)

        async def call(button: ui.button) -> None:
            button.disable()  # one click, one call (the service also refuses a stale expectation)
            try:
                await run.io_bound(_call, actor, view.program_id, expected)
            except DomainError as error:
                message.text = error.translate(_)
                ui.notify(message.text, type="warning")
                if error.code == "list_changed":
                    await redraw()
                else:
                    button.enable()
                return
            ui.notify(_("Candidat appelé : {name}").format(name=following.name), type="positive")
            await redraw()

        go = ui.button(
            _("Appeler le candidat suivant : {name} (rang {rank})").format(
                name=following.name, rank=following.displayed_rank or following.entered_rank or "?"
            ),
            on_click=lambda: call(go),
        )
        go.props("color=primary no-caps").mark("call-next")


def _call(actor: Actor, program_id: int, expected: int) -> None:
    with transaction() as session:
        call_next_candidate(session, actor=actor, program_id=program_id, expected_application_id=expected)


def _overview(actor: Actor, program_id: int, lang: str) -> WaitingListOverview | DomainError:
    """The programme's waiting list, or the refusal to show it (a worker thread)."""
    return read_or_refusal(waiting_list_overview, actor=actor, program_id=program_id, lang=lang)


def _draw(view: WaitingListOverview | DomainError | None, actor: Actor, redraw: Callable[[], Awaitable[None]]) -> None:
    if isinstance(view, DomainError):
        refusal(view)
        return
    assert view is not None
    paragraph(f"{view.program} — {view.centre}").classes("font-bold").mark("waiting-program")
    if not view.has_waiting_list:
        paragraph(_("Cette formation n'a pas de liste complémentaire.")).mark("no-waiting-list")
    _summary(view)
    _call_action(view, actor, redraw)
    _listing(
        "waiting",
        _("Liste complémentaire"),
        _("Personne n'attend sur la liste complémentaire."),
        _("Candidats en attente, dans l'ordre d'appel"),
        [_("Candidat"), _("N° de dossier"), _("Rang affiché"), _("Rang donné par la commission")],
        [
            (r.application_id, [r.name, r.dossier_number, str(r.displayed_rank or "—"), str(r.entered_rank)])
            for r in view.waiting
        ],
    )
    _listing(
        "called",
        _("Candidats appelés"),
        _("Aucun candidat n'a encore été appelé."),
        _("Appels depuis la liste complémentaire, du plus ancien au plus récent"),
        [_("Candidat"), _("Rang"), _("Appelé le"), _("Date limite de confirmation"), _("Réponse")],
        [
            (
                r.application_id,
                [r.name, str(r.entered_rank or "—"), _moment(r.called_at), _moment(r.deadline), _answer(r)],
            )
            for r in view.called
        ],
    )
    origin = {True: _("Liste complémentaire"), False: _("Liste principale")}
    _listing(
        "offers",
        _("Propositions en cours"),
        _("Aucune proposition en cours."),
        _("Candidats tenant une proposition d'admission"),
        [_("Candidat"), _("Origine"), _("Date limite de confirmation"), _("Réponse")],
        [(r.application_id, [r.name, origin[bool(r.called_at)], _moment(r.deadline), _answer(r)]) for r in view.offers],
    )


def _listing(
    name: str, title: str, empty: str, caption: str, headers: list[str], rows: list[tuple[int, list[str]]]
) -> None:
    """One of the page's lists in its section under its heading, or the sentence that says it is empty."""
    with ui.element("section").mark(f"{name}-section"):
        heading(title, 2)
        if not rows:
            paragraph(empty).mark(f"{name}-empty")
        else:
            _table(name, caption, headers, rows)


def _programs(actor: Actor, lang: str) -> list[tuple[int, str, int]] | DomainError:
    """The programmes of the scope with a waiting list, or the refusal to list them (a worker thread)."""
    return read_or_refusal(programs_with_waiting_list, actor=actor, lang=lang)


def _index(programs: list[tuple[int, str, int]] | DomainError | None) -> None:
    if isinstance(programs, DomainError):
        refusal(programs)
        return
    links = [
        (program_id, _("{program} — {count} en attente").format(program=label, count=waiting))
        for program_id, label, waiting in programs or []
    ]
    empty = _("Aucune formation de votre périmètre n'a de liste complémentaire.")
    program_links(links, PROGRAM_PATH, "waiting-programs", empty)


async def _staff_waiting_lists(actor: Actor) -> None:
    programs = await run.io_bound(_programs, actor, current_language())
    with frame(_("Listes complémentaires")):
        _index(programs)


async def _staff_waiting_list(actor: Actor, program_id: int) -> None:
    lang = current_language()
    shown = {"view": await run.io_bound(_overview, actor, program_id, lang)}
    reads = LatestRead()
    with frame(_("Liste complémentaire")):
        ui.link(_("Toutes les listes complémentaires"), INDEX_PATH).mark("all-waiting-lists")

        @ui.refreshable
        def content() -> None:
            _draw(shown["view"], actor, reload)

        async def reload() -> None:
            view = await reads.run(_overview, actor, program_id, lang)
            if view is not None:
                shown["view"] = view
                content.refresh()

        content()


def register() -> None:
    @page(INDEX_PATH)
    async def staff_waiting_lists() -> Any:
        return await as_staff(_staff_waiting_lists)

    @page(PROGRAM_PATH)
    async def staff_waiting_list(program_id: int) -> Any:
        return await as_staff(_staff_waiting_list, program_id)
