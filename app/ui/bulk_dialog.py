"""What the two bulk-decision dialogs share (app/ui/bulk_decisions.py, app/ui/bulk_publication.py): the report of
who is acted on and who is skipped and why, the act run once on confirmation, and the dialog's « Fermer »."""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from nicegui import run, ui

from app.i18n import _, ngettext
from app.services.decisions import EMPTY_SELECTION, SelectionReport
from app.services.platform import DomainError
from app.ui.text import heading, list_item, paragraph

SHOWN_PER_GROUP = 20  # names listed under each reason; the count says the rest

Selection = Callable[[], set[int]]
OnDone = Callable[[], Awaitable[None]]


def _names(rows: list[Any], *, with_rank: bool = False) -> None:
    with ui.element("ul").classes("list-disc ml-6"):
        for row in rows[:SHOWN_PER_GROUP]:
            text = row.label + (" — " + _("rang {rank}").format(rank=row.rank) if with_rank and row.rank else "")
            list_item(f"{text} ({row.program})")
        if len(rows) > SHOWN_PER_GROUP:
            more = len(rows) - SHOWN_PER_GROUP
            list_item(ngettext("… et {count} autre", "… et {count} autres", more).format(count=more))


def show_report(
    report: SelectionReport, *, headline: Callable[[int], str], skipped_title: Callable[[int], str]
) -> None:
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


def ignored(count: int) -> str:
    return ngettext("{count} candidature sera ignorée", "{count} candidatures seront ignorées", count)


@contextmanager
def dialog_card(page: ui.element, mark: str, title: str, note: str) -> Iterator[ui.dialog]:
    """A persistent dialog with its title and a note under it, in ``page`` (the client's content, taken when the
    button was pressed, before any wait). Dialogs live at the page's level: the list redraws its rows (and the bar
    that opens them) without closing them."""
    with (
        page,
        ui.dialog().props("persistent") as dialog,
        ui.card().classes("w-full max-w-3xl").mark(mark),
    ):
        heading(title, 2)
        paragraph(note).classes("text-sm")
        yield dialog


def nothing_selected(ids: set[int]) -> bool:
    if not ids:
        ui.notify(_(EMPTY_SELECTION), type="warning")
    return not ids


async def act_once(
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


def closer(dialog: ui.dialog, state: dict[str, Any], on_done: OnDone) -> Callable[[], Awaitable[None]]:
    """The dialog's « Fermer »: the dialog goes away, and the page is refreshed if the act was done."""

    async def close() -> None:
        dialog.close()
        dialog.delete()  # one dialog per opening: none is left behind
        if state["done"]:
            await on_done()

    return close
