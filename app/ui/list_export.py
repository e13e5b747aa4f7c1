"""« Exporter » on the staff list: a spreadsheet of the list as shown, a ZIP of the selection's dossiers or piece, or
one PDF of the selection's dossiers (« Télécharger un PDF unique »).

Each button asks one service for an export job (its own transaction), hands the job to the export threads and
says where to follow it (« Mes exports »); the file is built in the background, never on this page's event loop.
The list's state (filters, sort, columns, selection) is read when the button is pressed, so the export is the list
the person is looking at. The job is asked for in a worker thread, and the page reads the piece choices there too
(:func:`load_piece_choices`): no query runs on the event loop.
"""

import copy
from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from sqlmodel import Session

from app.db import transaction
from app.i18n import _
from app.roles import runs_background_work
from app.services.documents import render_dossier_pdf
from app.services.exports import EXTRAS, TabularRequest
from app.services.exports import archive as exports_zip
from app.services.exports import jobs as export_jobs
from app.services.platform import Actor, DomainError, in_language
from app.services.review import ListQuery
from app.ui import routes
from app.ui.lazy_panel import lazy_panel
from app.ui.session import current_language
from app.ui.text import heading, paragraph

EXPORTS_PATH = routes.EXPORTS


def render_in_pool(context: dict[str, Any], language: str) -> bytes:
    """Dossier PDFs drawn in NiceGUI's process pool when there is one (xhtml2pdf holds the GIL and a lock)."""
    pool = run.process_pool
    if pool is None:
        return render_dossier_pdf(context, language=language)
    return pool.submit(render_dossier_pdf, context, language=language).result()


async def queue_export(ask: Callable[..., int], *args: Any, render: Any = None) -> DomainError | None:
    """``ask(*args)`` (it queues an export job) in a worker thread; the job is started here unless the worker process
    runs it (a web-only instance). Returns the refusal, if any."""
    try:
        job_id = await run.io_bound(ask, *args)
    except DomainError as error:
        return error
    if runs_background_work():  # a web-only instance leaves the queued export to python -m app.worker
        export_jobs.start(job_id or 0, render=render)
    return None


def load_piece_choices(actor: Actor, session: Session | None = None) -> list[tuple[int, str, str]]:
    """The pieces a ZIP may gather, for :func:`export_panel` (a worker thread): in ``session`` when given (the
    page's own: its role is read once), else in a transaction of its own."""
    if session is None:
        with transaction() as own:
            return load_piece_choices(actor, own)
    try:
        return exports_zip.piece_choices(session, actor=actor)
    except DomainError:
        return []


def _request_list(actor: Actor, kind: str, request: TabularRequest) -> int:
    with transaction() as session:
        job = export_jobs.request_list_export(session, actor=actor, kind=kind, request=request)
    return job.id or 0


def _request_dossiers(actor: Actor, ids: list[int], language: str) -> int:
    with transaction() as session:
        job = export_jobs.request_dossiers_zip(session, actor=actor, ids=ids, language=language)
    return job.id or 0


def _request_combined(actor: Actor, ids: list[int], language: str) -> int:
    with transaction() as session:
        job = export_jobs.request_combined_pdf(session, actor=actor, ids=ids, language=language)
    return job.id or 0


def _request_piece(actor: Actor, ids: list[int], required_document_id: int, language: str) -> int:
    with transaction() as session:
        job = export_jobs.request_piece_zip(
            session, actor=actor, ids=ids, required_document_id=required_document_id, language=language
        )
    return job.id or 0


class _Status:
    """The panel's one line of news: an export asked for (role=status), or why not (role=alert)."""

    def __init__(self) -> None:
        self.line = paragraph("").mark("export-status")
        self.line.props["role"] = "status"

    def refuse(self, text: str) -> None:
        self.line.props["role"] = "alert"
        self.line.set_text(text)

    async def request(self, ask: Callable[..., int], *args: Any, render: Any = None) -> None:
        """:func:`queue_export`, its refusal or its news said on the line."""
        refusal = await queue_export(ask, *args, render=render)
        if refusal is not None:
            self.refuse(refusal.translate(_))
            return
        self.line.props["role"] = "status"
        self.line.set_text(_("Export demandé : il se prépare en arrière-plan. Suivez-le dans « Mes exports »."))


def _list_controls() -> tuple[ui.select, ui.select, ui.checkbox, ui.element]:
    """The list's format, its extra columns, « only the selection », and where its button goes."""
    heading(_("Exporter la liste"), 2)
    with ui.element("div").classes("flex flex-wrap gap-2 items-end"):
        kind = ui.select(
            {"xlsx": _("Tableur Excel (XLSX)"), "csv": _("Fichier CSV (Excel)")}, label=_("Format"), value="xlsx"
        ).mark("export-format")
        extras = (
            ui.select({k: _(v) for k, v in EXTRAS.items()}, label=_("Compléments"), multiple=True, value=[])
            .props("use-chips")
            .classes("min-w-[16rem]")
            .mark("export-extras")
        )
        only = ui.checkbox(_("Seulement les candidatures sélectionnées")).mark("export-only-selection")
        list_buttons = ui.element("div")
    paragraph(_("Les colonnes, les filtres et le tri de la liste sont repris.")).classes("text-sm")
    return kind, extras, only, list_buttons


def _zip_controls(pieces: list[tuple[int, str, str]], lang: str) -> tuple[ui.select, ui.element]:
    """The piece a ZIP gathers, and where the two ZIP buttons go."""
    heading(_("Téléchargements groupés de la sélection"), 2)
    with ui.element("div").classes("flex flex-wrap gap-2 items-end"):
        piece = (
            ui.select({i: in_language(fr, en, lang) for i, fr, en in pieces}, label=_("Pièce justificative"))
            .classes("min-w-[16rem]")
            .mark("export-piece-choice")
        )
        zip_buttons = ui.element("div").classes("flex flex-wrap gap-2")
    return piece, zip_buttons


def export_panel(state: Any, actor: Actor, pieces: list[tuple[int, str, str]]) -> None:
    """The export controls under the list's filters; ``state`` is the list page's state (query, columns, selected),
    ``pieces`` what :func:`load_piece_choices` read."""

    def draw() -> None:
        kind, extras, only, list_buttons = _list_controls()
        piece, zip_buttons = _zip_controls(pieces, current_language())
        status = _Status()
        ui.link(_("Suivre mes exports"), EXPORTS_PATH).mark("exports-link")

        async def export_list() -> None:
            query: ListQuery = copy.deepcopy(state.query)
            request = TabularRequest(
                query=query,
                columns=list(state.columns),
                extras=list(extras.value or []),
                language=current_language(),
                only_ids=frozenset(state.selected) if only.value else None,
            )
            if only.value and not state.selected:
                status.refuse(_("Sélectionnez au moins une candidature dans la liste."))
                return
            await status.request(_request_list, actor, kind.value, request)

        async def export_dossiers() -> None:
            await status.request(
                _request_dossiers, actor, sorted(state.selected), current_language(), render=render_in_pool
            )

        async def export_combined() -> None:
            await status.request(
                _request_combined, actor, sorted(state.selected), current_language(), render=render_in_pool
            )

        async def export_piece() -> None:
            if not piece.value:
                status.refuse(_("Choisissez la pièce à télécharger."))
                return
            await status.request(_request_piece, actor, sorted(state.selected), int(piece.value), current_language())

        with list_buttons:
            ui.button(_("Exporter la liste"), on_click=export_list).props("no-caps").mark("export-list")
        with zip_buttons:
            ui.button(_("Dossiers de la sélection (ZIP)"), on_click=export_dossiers).props("no-caps outline").mark(
                "export-dossiers"
            )
            ui.button(_("Pièce pour la sélection (ZIP)"), on_click=export_piece).props("no-caps outline").mark(
                "export-piece"
            )
            combined = ui.button(_("Télécharger un PDF unique"), on_click=export_combined).props("no-caps outline")
            combined.props["aria-label"] = _("Télécharger un PDF unique des dossiers de la sélection")
            combined.mark("export-combined-pdf")

    lazy_panel(_("Exporter"), draw).classes("w-full").mark("export-panel")  # drawn when opened (app/ui/lazy_panel)
