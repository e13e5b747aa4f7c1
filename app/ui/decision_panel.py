"""The staff decision panel: enter one application's decision, then publish it (« Valider »).

Self-contained: ``decision_panel(application_id, actor)`` draws a ``<section>`` where it is called (the staff
dossier screen mounts it) and redraws itself after each action. Every check is in ``app.services.decisions``;
the panel only offers what the actor's role allows (committee members enter, managers also publish).
"""

from collections.abc import Callable
from typing import Any

from nicegui import run, ui

from app.db import new_session, transaction
from app.i18n import _
from app.models import DecisionKind
from app.services.actors import Actor
from app.services.decisions import (
    DecisionPanelView,
    decision_panel_view,
    enter_decision,
    parse_paris_moment,
    publish_decision,
)
from app.services.errors import DomainError
from app.ui.session import current_language
from app.ui.text import Text, heading, paragraph

WAITING_LIST_PATH = "/gestion/liste-complementaire/{program_id}"


def _view(actor: Actor, application_id: int) -> DecisionPanelView | None:
    try:
        with new_session() as session:
            return decision_panel_view(session, actor=actor, application_id=application_id, lang=current_language())
    except DomainError:
        return None


def decision_panel(application_id: int, actor: Actor) -> None:
    """Mount with ``decision_panel(application_id, actor)`` inside a page; it redraws itself after each action."""

    @ui.refreshable
    def draw() -> None:
        _draw(application_id, actor, draw.refresh)

    draw()


def _draw(application_id: int, actor: Actor, redraw: Callable[[], None]) -> None:
    view = _view(actor, application_id)
    if view is None:
        return
    with ui.element("section").mark("decision-panel"):
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
        if actor.read_only:
            return
        error = Text("", "p").classes("text-negative").mark("panel-error")
        error.props["role"] = "alert"
        kind_of = view.type_kinds
        dtype = ui.select(view.types, label=_("Type de décision")).classes("w-full").mark("panel-type")
        reason = ui.select(view.reasons, label=_("Motif de refus")).classes("w-full").mark("panel-reason")
        rank = ui.number(_("Rang sur la liste complémentaire"), min=1, step=1, format="%d").mark("panel-rank")
        moment = (
            ui.input(_("Date et heure de convocation")).props("type=datetime-local stack-label").mark("panel-moment")
        )
        moment.props["hint"] = _("Heure de Paris")
        place = ui.input(_("Lieu de convocation")).props("maxlength=300").mark("panel-place")
        comment = ui.textarea(_("Commentaire")).props("outlined maxlength=2000").classes("w-full").mark("panel-comment")
        overwrite = ui.checkbox(_("Remplacer la décision publiée")).mark("panel-overwrite")
        # Only the fields of the chosen kind are shown.
        reason.bind_visibility_from(dtype, "value", backward=lambda v: kind_of.get(v) == DecisionKind.UNFAVORABLE)
        rank.bind_visibility_from(dtype, "value", backward=lambda v: kind_of.get(v) == DecisionKind.WAITING_LIST)
        for field in (moment, place):
            field.bind_visibility_from(dtype, "value", backward=lambda v: kind_of.get(v) == DecisionKind.PRESELECTION)
        overwrite.set_visibility(view.published is not None)

        def enter_now() -> None:
            with transaction() as session:
                enter_decision(
                    session,
                    actor=actor,
                    application_id=application_id,
                    decision_type_id=int(dtype.value),
                    refusal_reason_id=reason.value,
                    comment=comment.value or "",
                    waiting_list_rank=int(rank.value) if rank.value else None,
                    preselection_at=parse_paris_moment(moment.value),  # checked by the service, not here
                    preselection_place=place.value or None,
                    overwrite_published=bool(overwrite.value),
                )

        def publish_now(decision_id: int) -> None:
            with transaction() as session:
                publish_decision(session, actor=actor, decision_id=decision_id)

        fields: dict[str, Any] = {
            "decision_type_id": dtype,
            "refusal_reason_id": reason,
            "waiting_list_rank": rank,
            "preselection_at": moment,
            "preselection_place": place,
        }

        async def act(button: ui.button, work: Callable[..., None], *args: Any) -> None:
            for element in fields.values():
                element.error = None
            error.text = ""
            if work is enter_now and dtype.value is None:
                dtype.error = error.text = _("Choisissez un type de décision.")
                return
            button.disable()  # a double click acts once
            try:
                await run.io_bound(work, *args)
            except DomainError as exc:
                error.text = exc.translate(_)
                if exc.field in fields:  # also next to its field (Quasar's error slot is announced)
                    fields[exc.field].error = error.text
                button.enable()
                return
            ui.notify(_("Enregistré."), type="positive")
            redraw()

        with ui.row():
            save = ui.button(_("Enregistrer la décision"), on_click=lambda: act(save, enter_now))
            save.props("color=primary no-caps").mark("panel-enter")
            if view.pending_id is not None and view.can_publish:
                pending_id = view.pending_id
                publish = ui.button(_("Valider (publier)"), on_click=lambda: act(publish, publish_now, pending_id))
                publish.props("outline").mark("panel-publish")
