"""Publishing the entered decisions of the staff list's selection: the dialog shows what will be published and
what is left aside, publishes on confirmation, then reports what was published (app/ui/bulk_decisions.py)."""

from typing import Any

from nicegui import run, ui

from app.db import new_session
from app.i18n import _, ngettext
from app.services.decisions import SelectionReport, plan_publication, publish_selection_in_batches
from app.services.platform import Actor, DomainError
from app.ui.bulk_dialog import OnDone, Selection, act_once, closer, dialog_card, ignored, nothing_selected, show_report
from app.ui.session import current_language
from app.ui.text import live_paragraph


def _plan_publication(actor: Actor, ids: set[int], lang: str) -> SelectionReport:
    with new_session() as session:
        return plan_publication(session, actor=actor, application_ids=ids, lang=lang)


async def publication_dialog(actor: Actor, selection: Selection, on_done: OnDone) -> None:
    ids = set(selection())
    if nothing_selected(ids):
        return
    lang = current_language()
    page = ui.context.client.content  # taken now: the list may redraw the bar that was clicked while the plan is read
    state: dict[str, Any] = {"busy": False, "done": False}
    try:
        state["planned"] = await run.io_bound(_plan_publication, actor, ids, lang)
    except DomainError as error:
        ui.notify(error.translate(_), type="negative")
        return
    title = ngettext(
        "Publier la décision de {count} candidature sélectionnée",
        "Publier les décisions de {count} candidatures sélectionnées",
        len(ids),
    ).format(count=len(ids))
    note = _("Chaque candidat concerné voit sa décision et reçoit un courriel ; la publication est définitive.")
    with dialog_card(page, "bulk-publish-dialog", title, note) as dialog:
        error_text = live_paragraph("bulk-publish-error", alert=True)

        @ui.refreshable
        def outcome() -> None:
            _publication_outcome(state)

        outcome()

        def refused(error: DomainError) -> None:
            error_text.text = error.translate(_)

        async def confirm(button: ui.button) -> None:
            await act_once(state, button, refused, [outcome, buttons], _publish, actor, ids, lang)

        close = closer(dialog, state, on_done)

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
    # One transaction per batch of the selection (services/decisions/selection_batches.py).
    return publish_selection_in_batches(actor=actor, application_ids=ids, lang=lang)


def _publication_outcome(state: dict[str, Any]) -> None:
    """What will be published and what is left aside, then what was published."""
    if state["done"]:
        show_report(
            state["planned"],
            headline=lambda n: ngettext("{count} décision publiée.", "{count} décisions publiées.", n),
            skipped_title=lambda n: ngettext("{count} candidature non publiée", "{count} candidatures non publiées", n),
        )
    else:
        show_report(
            state["planned"],
            headline=lambda n: ngettext("{count} décision sera publiée.", "{count} décisions seront publiées.", n),
            skipped_title=ignored,
        )
