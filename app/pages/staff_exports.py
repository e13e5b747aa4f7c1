"""/gestion/exports: the staff member's own exports, their progress, and the download of finished files.

The table redraws every few seconds while an export is queued or running (a real progress bar: ``role=progressbar``
with its values and a text percentage, so no one depends on the bar alone). ``GET /gestion/exports/{id}/fichier``
streams a finished file to the staff member who asked for it; anyone else gets a 404. The exports are read in a
worker thread, never on the event loop.
"""

from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import FileResponse, RedirectResponse
from nicegui import app, run, ui

from app.config import get_settings
from app.db import transaction
from app.i18n import _, ngettext
from app.models import ExportStatus
from app.services.exports import jobs as export_jobs
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.frame import frame
from app.ui.guards import as_staff, done_or_refusal, refusal
from app.ui.latest_read import LatestRead
from app.ui.list_export import EXPORTS_PATH
from app.ui.page import page
from app.ui.session import actor_of, current_identity
from app.ui.text import Text, heading, paragraph

FILE_PATH = routes.EXPORT_FILE
REFRESH_SECONDS = 2.0


def file_url(job_id: int) -> str:
    return FILE_PATH.format(job_id=job_id)


def _progress(view: export_jobs.ExportView) -> None:
    label = _("Progression de l'export {id}").format(id=view.id)
    with ui.element("div").classes("flex items-center gap-2"):
        bar = ui.element("div").classes("h-3 w-40 rounded bg-gray-200 overflow-hidden").mark(f"progress-{view.id}")
        bar.props["role"] = "progressbar"
        bar.props["aria-valuemin"] = "0"
        bar.props["aria-valuemax"] = "100"
        bar.props["aria-valuenow"] = str(view.percent)
        bar.props["aria-label"] = label
        with bar:
            ui.element("div").classes("h-3 bg-primary").style(f"width: {view.percent}%")
        text = _("{percent} % ({done} sur {total})").format(percent=view.percent, done=view.done, total=view.total)
        ui.label(text).mark(f"progress-text-{view.id}")


def _row(view: export_jobs.ExportView) -> None:
    with ui.element("tr").mark(f"export-{view.id}"):
        Text(_(view.kind_label), "td")
        Text(format_moment(view.created_at), "td")
        Text(_(view.status_label), "td").mark(f"status-{view.id}")
        with ui.element("td"):
            if view.active:
                _progress(view)
            elif view.status == ExportStatus.DONE:
                ui.link(_("Télécharger {name}").format(name=view.filename), file_url(view.id)).mark(
                    f"download-{view.id}"
                )
            else:
                error = paragraph(view.error).classes("text-negative").mark(f"error-{view.id}")
                error.props["role"] = "alert"


def _my_exports(actor: Actor) -> list[export_jobs.ExportView] | DomainError:
    """The staff member's exports, or the refusal to list them (a worker thread)."""
    return done_or_refusal(export_jobs.my_exports, actor=actor)


async def _page(actor: Actor) -> None:
    shown = {"views": await run.io_bound(_my_exports, actor)}
    with frame(_("Mes exports")):
        paragraph(_("Les fichiers se préparent en arrière-plan : vous pouvez quitter cette page et revenir plus tard."))
        paragraph(_("Ils sont conservés {days} jours.").format(days=get_settings().export_retention_days))

        @ui.refreshable
        def table() -> None:
            views = shown["views"]
            if isinstance(views, DomainError):
                refusal(views)
                return
            views = views or []
            if not views:
                paragraph(_("Aucun export pour le moment : lancez-en un depuis la liste des candidatures.")).mark(
                    "no-export"
                )
                return
            heading(ngettext("{count} export", "{count} exports", len(views)).format(count=len(views)), 2)
            with ui.element("table").classes("ec-table").mark("exports"):
                with ui.element("thead"), ui.element("tr"):
                    for title in (_("Export"), _("Demandé le"), _("État"), _("Fichier ou progression")):
                        Text(title, "th").props('scope="col"')
                with ui.element("tbody"):
                    for view in views:
                        _row(view)
            timer.active = any(view.active for view in views)

        reads = LatestRead()

        async def reload() -> None:
            views = await reads.run(_my_exports, actor)
            if views is not None:
                shown["views"] = views
                table.refresh()

        timer = ui.timer(REFRESH_SECONDS, reload, active=False)
        table()
        ui.link(_("Retour à la liste des candidatures"), routes.STAFF_APPLICATIONS).classes("mt-6")


def register() -> None:
    @page(EXPORTS_PATH)
    async def staff_exports():
        return await as_staff(_page)

    @app.get(FILE_PATH, include_in_schema=False)
    def export_download(request: Request, job_id: int) -> Response:
        identity = current_identity()
        if identity is None:
            return RedirectResponse(f"{routes.SIGN_IN}?suite={quote(request.url.path)}", status_code=303)
        if identity.kind != "staff":
            return Response(status_code=403)
        try:
            with transaction() as session:
                path, filename, media_type = export_jobs.export_file(session, actor=actor_of(identity), job_id=job_id)
        except DomainError:
            return Response(status_code=404)  # another's export, or none: nothing to reveal
        if not path.exists():
            return Response(status_code=404)
        return FileResponse(
            path,
            media_type=media_type,
            filename=filename,
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )
