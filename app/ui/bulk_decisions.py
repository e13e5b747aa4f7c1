"""Bulk decisions on the staff list's selection: enter one decision for all, or publish what was entered.

Mounted by ``/gestion/candidatures`` under its selection bar with one call, what it offers (the role's rights, the
decision types and refusal reasons) read beforehand with the list, in a worker thread (:func:`load_bulk`)::

    bulk_decisions(actor, bulk, lambda: state.selected, reload)

Each button opens a dialog that first shows what will happen — how many applications are acted on, which are
skipped and why — then acts only when the person confirms, and reports the outcome. The dialog confirms what it
showed: changing a field hides the confirmation until « Vérifier » is pressed again. A double click acts once (the
button is disabled while working and the dialog then only offers « Fermer »; the services are idempotent too).
Every read and write runs in a worker thread (``run.io_bound``), never on the event loop.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui
from sqlmodel import Session

from app.db import new_session
from app.i18n import _, ngettext
from app.models import DecisionKind
from app.services.decisions import (
    DecisionEntry,
    SelectionReport,
    decision_choices,
    enter_selection_in_batches,
    plan_entry,
    selection_rights,
)
from app.services.platform import Actor, DomainError
from app.services.review import may_send_messages
from app.ui import routes
from app.ui.bulk_dialog import OnDone, Selection, act_once, closer, dialog_card, ignored, nothing_selected, show_report
from app.ui.bulk_publication import publication_dialog
from app.ui.dossier_form import EntityForm
from app.ui.session import current_language

WAITING_LISTS_PATH = routes.WAITING_LISTS


@dataclass(frozen=True)
class BulkChoices:
    """What the bar offers the actor's role: the two rights, and the choices of the entry form."""

    can_enter: bool
    can_publish: bool
    types: dict[int, str] = field(default_factory=dict)
    kinds: dict[int, DecisionKind] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)
    can_message: bool = False  # « Envoyer un message » (app/ui/bulk_message.py)


def load_bulk(actor: Actor, lang: str, session: Session | None = None) -> BulkChoices | None:
    """The rights and the entry form's choices for the actor's role, None without a role (a worker thread); in
    ``session`` when given (the list's own: its role is read once), else in a session of its own."""
    if session is None:
        with new_session() as own:
            return load_bulk(actor, lang, own)
    try:
        can_enter, can_publish = selection_rights(session, actor=actor)
        can_message = may_send_messages(session, actor=actor)
        if not can_enter:
            return BulkChoices(can_enter, can_publish, can_message=can_message)
        types, kinds, reasons = decision_choices(session, lang=lang)
    except DomainError:
        return None
    return BulkChoices(can_enter, can_publish, types, kinds, reasons, can_message)


def bulk_decisions(actor: Actor, bulk: BulkChoices | None, selection: Selection, on_done: OnDone) -> None:
    """The two buttons, offered to the roles that may use them (``bulk`` from :func:`load_bulk`); each opens its
    dialog."""
    if bulk is None or not (bulk.can_enter or bulk.can_publish):
        return
    with ui.element("div").classes("flex flex-wrap gap-2 items-center").mark("bulk-decisions"):
        if bulk.can_enter:
            ui.button(
                _("Saisir une décision pour la sélection"),
                on_click=lambda: _entry_dialog(actor, bulk, selection, on_done),
            ).props("outline no-caps").mark("bulk-enter-open")
        if bulk.can_publish:
            ui.button(
                _("Publier les décisions de la sélection"),
                on_click=lambda: publication_dialog(actor, selection, on_done),
            ).props("outline no-caps").mark("bulk-publish-open")
        ui.link(_("Listes complémentaires"), WAITING_LISTS_PATH).mark("waiting-lists-link")


# --- Entering one decision on the selection ------------------------------------------------------------------------


def _entry_title(count: int) -> str:
    return ngettext(
        "Saisir une décision pour {count} candidature sélectionnée",
        "Saisir une décision pour {count} candidatures sélectionnées",
        count,
    ).format(count=count)


def _entry_dialog(actor: Actor, bulk: BulkChoices, selection: Selection, on_done: OnDone) -> None:
    ids = set(selection())
    if nothing_selected(ids):
        return
    lang = current_language()
    entry = DecisionEntry()
    state: dict[str, Any] = {"planned": None, "busy": False, "done": False}
    note = _("La décision est saisie, pas publiée : les candidats ne la voient qu'après « Valider (publier) ».")
    with dialog_card(ui.context.client.content, "bulk-enter-dialog", _entry_title(len(ids)), note) as dialog:
        form = EntityForm(entry)
        _entry_fields(form, entry, bulk)

        @ui.refreshable
        def outcome() -> None:
            _entry_outcome(state)

        outcome()

        def forget_plan() -> None:
            if state["planned"] is not None and not state["done"] and not state["busy"]:
                state["planned"] = None
                outcome.refresh()
                buttons.refresh()

        for element in form.fields.values():
            element.on_value_change(forget_plan)

        async def check() -> None:
            form.clear_errors()
            snapshot = dataclasses.replace(entry)
            try:
                state["planned"] = await run.io_bound(_plan_entry, actor, ids, snapshot, lang)
            except DomainError as error:
                refused(error)
                return
            state["snapshot"] = snapshot
            outcome.refresh()
            buttons.refresh()

        def refused(error: DomainError) -> None:
            form.show(_field_of(error))

        async def confirm(button: ui.button) -> None:
            await act_once(state, button, refused, [outcome, buttons], _enter, actor, ids, state["snapshot"], lang)

        close = closer(dialog, state, on_done)

        @ui.refreshable
        def buttons() -> None:
            with ui.row():
                if not state["done"]:
                    ui.button(_("Vérifier"), on_click=check).props("no-caps").mark("bulk-enter-check")
                    planned = state["planned"]
                    if planned is not None and planned.acting:
                        go = ui.button(_("Confirmer la saisie"), on_click=lambda: confirm(go))
                        go.props("color=primary no-caps").mark("bulk-enter-confirm")
                ui.button(_("Fermer"), on_click=close).props("flat no-caps").mark("bulk-enter-close")

        buttons()
    dialog.open()


def _entry_fields(form: EntityForm, entry: DecisionEntry, bulk: BulkChoices) -> None:
    """The decision's inputs, each shown only for the kinds of decision it belongs to."""
    kinds = bulk.kinds
    dtype = form.select("decision_type_id", _("Type de décision"), bulk.types, required=True)
    reason = form.select("refusal_reason_id", _("Motif de refus"), bulk.reasons, required=True)
    rule = form.select(
        "rank_rule",
        _("Rangs sur la liste complémentaire"),
        {
            "after_last": _("À la suite des rangs déjà attribués, par date de transmission"),
            "from": _("À partir d'un rang donné, par date de transmission"),
        },
    )
    start = form.number("rank_start", _("Premier rang"), hint=_("Les rangs sont attribués par formation."))
    moment = form.text(
        "preselection_text",
        _("Date et heure de convocation"),
        hint=_("Heure de Paris. Vide : celle de la formation."),
    )
    moment.props("type=datetime-local stack-label")
    place = form.text("preselection_place", _("Lieu de convocation"), hint=_("Vide : celui de la formation."))
    form.text("comment", _("Commentaire"), textarea=True).props("maxlength=2000")
    form.checkbox("overwrite_published", _("Remplacer les décisions publiées"))

    def kind_is(kind: DecisionKind) -> Callable[[Any], bool]:
        return lambda value: kinds.get(value) == kind

    reason.bind_visibility_from(dtype, "value", backward=kind_is(DecisionKind.UNFAVORABLE))
    rule.bind_visibility_from(dtype, "value", backward=kind_is(DecisionKind.WAITING_LIST))
    start.bind_visibility_from(
        dtype, "value", backward=lambda v: kinds.get(v) == DecisionKind.WAITING_LIST and entry.rank_rule == "from"
    )
    rule.on_value_change(lambda: start.set_visibility(entry.rank_rule == "from"))
    for element in (moment, place):
        element.bind_visibility_from(dtype, "value", backward=kind_is(DecisionKind.PRESELECTION))


def _entry_outcome(state: dict[str, Any]) -> None:
    """What « Vérifier » found (who will get the decision, who is left aside), then what the entry did."""
    planned: SelectionReport | None = state["planned"]
    if planned is None:
        return
    if state["done"]:
        show_report(
            planned,
            headline=lambda n: ngettext(
                "Décision saisie pour {count} candidature.", "Décision saisie pour {count} candidatures.", n
            ),
            skipped_title=lambda n: ngettext(
                "{count} candidature laissée telle quelle", "{count} candidatures laissées telles quelles", n
            ),
        )
    else:
        show_report(
            planned,
            headline=lambda n: ngettext(
                "{count} candidature recevra cette décision.",
                "{count} candidatures recevront cette décision.",
                n,
            ),
            skipped_title=ignored,
        )


def _field_of(error: DomainError) -> DomainError:
    if error.field == "preselection_at":
        error.field = "preselection_text"  # the input holding it
    return error


def _plan_entry(actor: Actor, ids: set[int], entry: DecisionEntry, lang: str) -> SelectionReport:
    with new_session() as session:
        return plan_entry(session, actor=actor, application_ids=ids, entry=entry, lang=lang)


def _enter(actor: Actor, ids: set[int], entry: DecisionEntry, lang: str) -> SelectionReport:
    # One transaction per batch of the selection (services/decisions/selection_batches.py).
    return enter_selection_in_batches(actor=actor, application_ids=ids, entry=entry, lang=lang)
