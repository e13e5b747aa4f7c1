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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nicegui import run, ui

from app.db import new_session
from app.i18n import _, ngettext
from app.models import DecisionKind
from app.services.decisions import (
    EMPTY_SELECTION,
    DecisionEntry,
    SelectionReport,
    decision_choices,
    enter_selection_in_batches,
    plan_entry,
    plan_publication,
    publish_selection_in_batches,
    selection_rights,
)
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.dossier_form import EntityForm
from app.ui.session import current_language
from app.ui.text import Text, heading, list_item, paragraph

WAITING_LISTS_PATH = routes.WAITING_LISTS
SHOWN_PER_GROUP = 20  # names listed under each reason; the count says the rest

Selection = Callable[[], set[int]]
OnDone = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class BulkChoices:
    """What the bar offers the actor's role: the two rights, and the choices of the entry form."""

    can_enter: bool
    can_publish: bool
    types: dict[int, str] = field(default_factory=dict)
    kinds: dict[int, DecisionKind] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)


def load_bulk(actor: Actor, lang: str) -> BulkChoices | None:
    """The rights and the entry form's choices for the actor's role, None without a role (a worker thread)."""
    try:
        with new_session() as session:
            can_enter, can_publish = selection_rights(session, actor=actor)
            if not can_enter:
                return BulkChoices(can_enter, can_publish)
            types, kinds, reasons = decision_choices(session, lang=lang)
    except DomainError:
        return None
    return BulkChoices(can_enter, can_publish, types, kinds, reasons)


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
                on_click=lambda: _publication_dialog(actor, selection, on_done),
            ).props("outline no-caps").mark("bulk-publish-open")
        ui.link(_("Listes complémentaires"), WAITING_LISTS_PATH).mark("waiting-lists-link")


# --- What a report looks like --------------------------------------------------------------------------------------


def _names(rows: list[Any], *, with_rank: bool = False) -> None:
    with ui.element("ul").classes("list-disc ml-6"):
        for row in rows[:SHOWN_PER_GROUP]:
            text = row.label + (" — " + _("rang {rank}").format(rank=row.rank) if with_rank and row.rank else "")
            list_item(f"{text} ({row.program})")
        if len(rows) > SHOWN_PER_GROUP:
            more = len(rows) - SHOWN_PER_GROUP
            list_item(ngettext("… et {count} autre", "… et {count} autres", more).format(count=more))


def _report(report: SelectionReport, *, headline: Callable[[int], str], skipped_title: Callable[[int], str]) -> None:
    """The counts first (announced), then the names under each reason; each title is worded for its count."""
    acting = report.acting
    with ui.element("div").mark("bulk-report") as box:
        box.props["role"] = "status"
        paragraph(headline(len(acting)).format(count=len(acting))).classes("font-bold").mark("bulk-acting")
        if acting:
            _names(acting, with_rank=any(row.rank for row in acting))
        skipped = report.skipped_by_reason()
        if skipped or report.out_of_scope:
            skipped_count = len(report.skipped) + report.out_of_scope
            heading(skipped_title(skipped_count).format(count=skipped_count), 3).mark("bulk-skipped")
        if report.out_of_scope:
            paragraph(_("Hors de votre périmètre (ou supprimées) : {count}").format(count=report.out_of_scope)).mark(
                "bulk-out-of-scope"
            )
        for reason, rows in skipped:
            paragraph(_("{reason} : {count}").format(reason=reason.translate(_), count=len(rows)))
            _names(rows)


def _ignored(count: int) -> str:
    return ngettext("{count} candidature sera ignorée", "{count} candidatures seront ignorées", count)


# --- Entering one decision on the selection ------------------------------------------------------------------------


def _page_level() -> Any:
    """Dialogs live at the page's level: the list redraws its rows (and this bar) without closing them."""
    return ui.context.client.content


def _nothing_selected(ids: set[int]) -> bool:
    if not ids:
        ui.notify(_(EMPTY_SELECTION), type="warning")
    return not ids


def _entry_dialog(actor: Actor, bulk: BulkChoices, selection: Selection, on_done: OnDone) -> None:
    ids = set(selection())
    if _nothing_selected(ids):
        return
    lang = current_language()
    entry = DecisionEntry()
    state: dict[str, Any] = {"planned": None, "busy": False, "done": False}
    with (
        _page_level(),
        ui.dialog().props("persistent") as dialog,
        ui.card().classes("w-full max-w-3xl").mark("bulk-enter-dialog"),
    ):
        heading(
            ngettext(
                "Saisir une décision pour {count} candidature sélectionnée",
                "Saisir une décision pour {count} candidatures sélectionnées",
                len(ids),
            ).format(count=len(ids)),
            2,
        )
        paragraph(
            _("La décision est saisie, pas publiée : les candidats ne la voient qu'après « Valider (publier) ».")
        ).classes("text-sm")
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
                form.show(_field_of(error))
                return
            state["snapshot"] = snapshot
            outcome.refresh()
            buttons.refresh()

        async def confirm(button: ui.button) -> None:
            await _act_once(
                state,
                button,
                lambda error: form.show(_field_of(error)),
                [outcome, buttons],
                _enter,
                actor,
                ids,
                state["snapshot"],
                lang,
            )

        close = _closer(dialog, state, on_done)

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
        _report(
            planned,
            headline=lambda n: ngettext(
                "Décision saisie pour {count} candidature.", "Décision saisie pour {count} candidatures.", n
            ),
            skipped_title=lambda n: ngettext(
                "{count} candidature laissée telle quelle", "{count} candidatures laissées telles quelles", n
            ),
        )
    else:
        _report(
            planned,
            headline=lambda n: ngettext(
                "{count} candidature recevra cette décision.",
                "{count} candidatures recevront cette décision.",
                n,
            ),
            skipped_title=_ignored,
        )


def _field_of(error: DomainError) -> DomainError:
    if error.field == "preselection_at":
        error.field = "preselection_text"  # the input holding it
    return error


async def _act_once(
    state: dict[str, Any],
    button: ui.button,
    refused: Callable[[DomainError], None],
    views: list[Any],
    work: Callable[..., SelectionReport],
    *args: Any,
) -> None:
    """Run the confirmed act once, off the event loop; its report replaces the plan and ``views`` are redrawn.

    A second click while the first works, or after it succeeded, does nothing; a refusal re-enables the button.
    """
    if state["busy"] or state["done"]:
        return
    state["busy"] = True
    button.disable()
    try:
        state["planned"] = await run.io_bound(work, *args)
    except DomainError as error:
        state["busy"] = False
        refused(error)
        button.enable()
        return
    state["busy"], state["done"] = False, True
    for view in views:
        view.refresh()


def _closer(dialog: ui.dialog, state: dict[str, Any], on_done: OnDone) -> Callable[[], Awaitable[None]]:
    """The dialog's « Fermer »: the dialog goes away, and the page is refreshed if the act was done."""

    async def close() -> None:
        dialog.close()
        dialog.delete()  # one dialog per opening: none is left behind
        if state["done"]:
            await on_done()

    return close


def _plan_entry(actor: Actor, ids: set[int], entry: DecisionEntry, lang: str) -> SelectionReport:
    with new_session() as session:
        return plan_entry(session, actor=actor, application_ids=ids, entry=entry, lang=lang)


def _enter(actor: Actor, ids: set[int], entry: DecisionEntry, lang: str) -> SelectionReport:
    # One transaction per batch of the selection (services/decisions/selection_batches.py).
    return enter_selection_in_batches(actor=actor, application_ids=ids, entry=entry, lang=lang)


# --- Publishing the entered decisions of the selection -------------------------------------------------------------


def _plan_publication(actor: Actor, ids: set[int], lang: str) -> SelectionReport:
    with new_session() as session:
        return plan_publication(session, actor=actor, application_ids=ids, lang=lang)


async def _publication_dialog(actor: Actor, selection: Selection, on_done: OnDone) -> None:
    ids = set(selection())
    if _nothing_selected(ids):
        return
    lang = current_language()
    state: dict[str, Any] = {"busy": False, "done": False}
    try:
        state["planned"] = await run.io_bound(_plan_publication, actor, ids, lang)
    except DomainError as error:
        ui.notify(error.translate(_), type="negative")
        return
    with (
        _page_level(),
        ui.dialog().props("persistent") as dialog,
        ui.card().classes("w-full max-w-3xl").mark("bulk-publish-dialog"),
    ):
        heading(
            ngettext(
                "Publier la décision de {count} candidature sélectionnée",
                "Publier les décisions de {count} candidatures sélectionnées",
                len(ids),
            ).format(count=len(ids)),
            2,
        )
        paragraph(
            _("Chaque candidat concerné voit sa décision et reçoit un courriel ; la publication est définitive.")
        ).classes("text-sm")
        error_text = Text("", "p").classes("text-negative").mark("bulk-publish-error")
        error_text.props["role"] = "alert"

        @ui.refreshable
        def outcome() -> None:
            _publication_outcome(state)

        outcome()

        def refused(error: DomainError) -> None:
            error_text.text = error.translate(_)

        async def confirm(button: ui.button) -> None:
            await _act_once(state, button, refused, [outcome, buttons], _publish, actor, ids, lang)

        close = _closer(dialog, state, on_done)

        @ui.refreshable
        def buttons() -> None:
            with ui.row():
                if not state["done"] and state["planned"].acting:
                    go = ui.button(_("Confirmer la publication"), on_click=lambda: confirm(go))
                    go.props("color=primary no-caps").mark("bulk-publish-confirm")
                ui.button(_("Fermer"), on_click=close).props("flat no-caps").mark("bulk-publish-close")

        buttons()
    dialog.open()


def _publish(actor: Actor, ids: set[int], lang: str) -> SelectionReport:
    return publish_selection_in_batches(actor=actor, application_ids=ids, lang=lang)  # one transaction per batch


def _publication_outcome(state: dict[str, Any]) -> None:
    """What will be published and what is left aside, then what was published."""
    if state["done"]:
        _report(
            state["planned"],
            headline=lambda n: ngettext("{count} décision publiée.", "{count} décisions publiées.", n),
            skipped_title=lambda n: ngettext("{count} candidature non publiée", "{count} candidatures non publiées", n),
        )
    else:
        _report(
            state["planned"],
            headline=lambda n: ngettext("{count} décision sera publiée.", "{count} décisions seront publiées.", n),
            skipped_title=_ignored,
        )
