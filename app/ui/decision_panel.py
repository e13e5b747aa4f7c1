"""The staff decision panel: enter one application's decision, then publish it (« Valider »).

Self-contained: ``await decision_panel(application_id, actor)`` reads the panel's data in a worker thread, then
draws a ``<section>`` where it is called; it redraws itself after each action. A page that reads its data in one
worker call reads the panel's there too (:func:`load_panel_view`) and draws it with :func:`draw_decision_panel`;
given the page's ``Drafts``, the panel leaves its redraw to the page (which redraws every section from the
committed change's event) and keeps what was typed in its fields across those redraws.
Every check is in ``app.services.decisions.staff_decisions``; the panel only offers what the actor's role allows
(committee members enter, managers also publish); above it, the examining committees' opinions
(``opinions_panel``), and a member of a committee that only gives its opinion gets no decision form. No query
runs on the event loop.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from nicegui import run, ui

from app.db import transaction
from app.i18n import _
from app.models import DecisionKind
from app.services.decisions import (
    DecisionPanelView,
    decision_panel_view,
    enter_decision,
    parse_paris_moment,
    publish_decision,
)
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.drafts import Drafts
from app.ui.guards import read_or_refusal
from app.ui.latest_read import LatestRead
from app.ui.opinions_panel import draw_opinions
from app.ui.session import current_language
from app.ui.text import heading, live_paragraph, paragraph

WAITING_LIST_PATH = routes.WAITING_LIST


def load_panel_view(actor: Actor, application_id: int, lang: str) -> DecisionPanelView | None:
    """The panel's data (None outside the actor's scope); runs in a worker thread, with its own session."""
    found = read_or_refusal(decision_panel_view, actor=actor, application_id=application_id, lang=lang)
    return None if isinstance(found, DomainError) else found


async def decision_panel(application_id: int, actor: Actor) -> None:
    """Mount with ``await decision_panel(application_id, actor)`` inside a page; it redraws itself after each action."""
    view = await run.io_bound(load_panel_view, actor, application_id, current_language())
    draw_decision_panel(application_id, actor, view)


PANEL_FIELDS = ("type", "reason", "rank", "moment", "place", "comment", "overwrite")


def draw_decision_panel(
    application_id: int, actor: Actor, view: DecisionPanelView | None, *, drafts: Drafts | None = None
) -> None:
    """Draw the panel from ``view`` (read beforehand by :func:`load_panel_view`); after an action it reads again,
    unless it is drawn with the ``drafts`` of a page that redraws it."""
    if drafts is not None:
        _draw(application_id, actor, view, None, drafts)
        return
    lang = current_language()
    state: dict[str, DecisionPanelView | None] = {"view": view}
    reads = LatestRead()

    @ui.refreshable
    def draw() -> None:
        _draw(application_id, actor, state["view"], reload, Drafts())

    async def reload() -> None:
        read = await reads.run(lambda: (load_panel_view(actor, application_id, lang),))  # a tuple: never None
        if read is not None:
            state["view"] = read[0]
            draw.refresh()

    draw()


@dataclass
class _Fields:
    """The panel's inputs; only those of the chosen decision kind are shown."""

    dtype: ui.select
    reason: ui.select
    rank: ui.number
    moment: ui.input
    place: ui.input
    comment: ui.textarea
    overwrite: ui.checkbox

    def entered(self) -> dict[str, Any]:
        """What the fields hold, read here on the event loop; the worker thread only saves it."""
        return {
            "decision_type_id": int(self.dtype.value),
            "refusal_reason_id": self.reason.value,
            "comment": self.comment.value or "",
            "waiting_list_rank": int(self.rank.value) if self.rank.value else None,
            "preselection_at": parse_paris_moment(self.moment.value),  # checked by the service, not here
            "preselection_place": self.place.value or None,
            "overwrite_published": bool(self.overwrite.value),
        }

    def by_service_field(self) -> dict[str, Any]:
        """The inputs a refusal's ``field`` may name."""
        return {
            "decision_type_id": self.dtype,
            "refusal_reason_id": self.reason,
            "waiting_list_rank": self.rank,
            "preselection_at": self.moment,
            "preselection_place": self.place,
        }


def _summary(view: DecisionPanelView) -> None:
    """The published decision, the one awaiting validation, and the way to the programme's waiting list."""
    heading(_("Décision"), 2)
    paragraph(
        _("Décision publiée : {label}").format(label=view.published)
        if view.published
        else _("Aucune décision publiée.")
    ).mark("panel-published")
    if view.pending:
        paragraph(_("À valider : {label}").format(label=view.pending)).mark("panel-pending")
    if view.has_waiting_list:
        ui.link(
            _("Voir la liste complémentaire de la formation"),
            WAITING_LIST_PATH.format(program_id=view.program_id),
        ).mark("panel-waiting-list")


def _fields(view: DecisionPanelView, drafts: Drafts) -> _Fields:
    kind_of = view.type_kinds
    dtype = drafts.keep(ui.select(view.types, label=_("Type de décision")), "panel-type")
    dtype.classes("w-full").mark("panel-type")
    reason = drafts.keep(ui.select(view.reasons, label=_("Motif de refus")), "panel-reason")
    reason.classes("w-full").mark("panel-reason")
    rank = drafts.keep(ui.number(_("Rang sur la liste complémentaire"), min=1, step=1, format="%d"), "panel-rank").mark(
        "panel-rank"
    )
    moment = drafts.keep(ui.input(_("Date et heure de convocation")), "panel-moment")
    moment.props("type=datetime-local stack-label").mark("panel-moment")
    moment.props["hint"] = _("Heure de Paris")
    place = drafts.keep(ui.input(_("Lieu de convocation")), "panel-place").props("maxlength=300").mark("panel-place")
    comment = drafts.keep(ui.textarea(_("Commentaire")), "panel-comment")
    comment.props("outlined maxlength=2000").classes("w-full").mark("panel-comment")
    overwrite = drafts.keep(ui.checkbox(_("Remplacer la décision publiée")), "panel-overwrite")
    overwrite.mark("panel-overwrite")
    # Only the fields of the chosen kind are shown.
    reason.bind_visibility_from(dtype, "value", backward=lambda v: kind_of.get(v) == DecisionKind.UNFAVORABLE)
    rank.bind_visibility_from(dtype, "value", backward=lambda v: kind_of.get(v) == DecisionKind.WAITING_LIST)
    for field in (moment, place):
        field.bind_visibility_from(dtype, "value", backward=lambda v: kind_of.get(v) == DecisionKind.PRESELECTION)
    overwrite.set_visibility(view.published is not None)
    return _Fields(dtype, reason, rank, moment, place, comment, overwrite)


def _enter_now(actor: Actor, application_id: int, values: dict[str, Any]) -> None:
    with transaction() as session:
        enter_decision(session, actor=actor, application_id=application_id, **values)


def _publish_now(actor: Actor, decision_id: int) -> None:
    with transaction() as session:
        publish_decision(session, actor=actor, decision_id=decision_id)


def _draw(
    application_id: int,
    actor: Actor,
    view: DecisionPanelView | None,
    redraw: Callable[[], Awaitable[None]] | None,
    drafts: Drafts,
) -> None:
    if view is None:
        return
    draw_opinions(application_id, actor, view.opinions, drafts)
    with ui.element("section").mark("decision-panel"):
        _summary(view)
        if actor.read_only or not view.may_decide:
            return
        error = live_paragraph("panel-error", alert=True)
        inputs = _fields(view, drafts)
        fields = inputs.by_service_field()

        enter_now = partial(_enter_now, actor, application_id)
        publish_now = partial(_publish_now, actor)

        async def act(button: ui.button, work: Callable[..., None], arguments: Callable[[], tuple[Any, ...]]) -> None:
            for element in fields.values():
                element.error = None
            error.text = ""
            if work is enter_now and inputs.dtype.value is None:
                inputs.dtype.error = error.text = _("Choisissez un type de décision.")
                return
            button.disable()  # a double click acts once
            try:
                await run.io_bound(work, *arguments())
            except DomainError as exc:
                error.text = exc.translate(_)
                if exc.field in fields:  # also next to its field (Quasar's error slot is announced)
                    fields[exc.field].error = error.text
                button.enable()
                return
            ui.notify(_("Enregistré."), type="positive")
            if work is enter_now:  # what was typed is saved: the redraw shows the fields empty again
                drafts.forget(*(f"panel-{name}" for name in PANEL_FIELDS))
            if redraw is not None:
                await redraw()
            else:  # the page redraws from the committed change's event; a no-op entry commits none
                button.enable()

        with ui.row():
            save = ui.button(
                _("Enregistrer la décision"), on_click=lambda: act(save, enter_now, lambda: (inputs.entered(),))
            )
            save.props("color=primary no-caps").mark("panel-enter")
            if view.pending_id is not None and view.can_publish:
                pending_id = view.pending_id
                publish = ui.button(
                    _("Valider (publier)"), on_click=lambda: act(publish, publish_now, lambda: (pending_id,))
                )
                publish.props("outline").mark("panel-publish")
