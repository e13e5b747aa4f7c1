"""The widget for one piece of an application: its files in order, add, remove, reorder, « Non concerné ».

::

    from app.ui.piece_upload import piece_upload

    for document_id in detail_piece_ids:  # SubmittedDocument ids of the application, in display order
        await piece_upload(document_id, on_change=refresh_transmit_button)

Every action calls one service of ``app.services.documents`` in its own ``transaction()``, off the event loop
(``run.io_bound``: the sandbox may take seconds), and no session outlives it. The browser's size limit only
spares a useless upload: the upload route's guard and the service check again.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import events, run, ui

from app.db import transaction
from app.i18n import N_, _
from app.models import DocumentStatus
from app.services import admin_pieces, documents, parameters
from app.services.actors import Actor
from app.services.errors import DomainError
from app.ui.guards import actor_of
from app.ui.session import current_identity, current_language
from app.ui.text import heading, paragraph

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

_STATUS = {
    DocumentStatus.PENDING: N_("En attente"),
    DocumentStatus.SUBMITTED: N_("Transmise"),
    DocumentStatus.VALIDATED: N_("Validée"),
    DocumentStatus.REFUSED: N_("Refusée"),
    DocumentStatus.NOT_APPLICABLE: N_("Non concerné"),
}


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{size} Mo").format(size=f"{size / 1024 / 1024:.1f}")
    return _("{size} Ko").format(size=max(1, round(size / 1024)))


def _pages(pages: int) -> str:
    return _("1 page") if pages == 1 else _("{pages} pages").format(pages=pages)


def _labelled(button: ui.button, label: str) -> ui.button:
    button._props["aria-label"] = label  # set directly: a file name may hold quotes
    button.tooltip(label)
    return button


def _get_piece(actor: Actor, submitted_document_id: int, lang: str) -> documents.Piece:
    with transaction() as session:
        return documents.get_piece(session, actor=actor, submitted_document_id=submitted_document_id, lang=lang)


async def piece_upload(
    submitted_document_id: int,
    *,
    on_change: Callable[[], Any | Awaitable[Any]] | None = None,
    actor: Actor | None = None,
    piece: documents.Piece | None = None,
) -> None:
    """Draw the piece ``submitted_document_id`` of the signed-in candidate's application (``piece``: already
    loaded by the page, which then saves a query)."""
    actor = actor or actor_of(current_identity())
    lang = current_language()
    errors: list[str] = []
    preloaded = [piece] if piece is not None else []

    def call(service: Callable[..., Any], **kwargs: Any) -> None:
        with transaction() as session:
            service(session, actor=actor, submitted_document_id=submitted_document_id, **kwargs)

    async def act(service: Callable[..., Any], *, prefix: str = "", **kwargs: Any) -> None:
        try:
            await run.io_bound(call, service, **kwargs)
        except DomainError as error:
            errors.append(prefix + error.translate(_))
        else:
            if not prefix:  # an upload batch keeps the errors of its other files (cleared when it begins)
                errors.clear()
            if on_change is not None:
                result = on_change()
                if isinstance(result, Awaitable):
                    await result
        body.refresh()  # in the background: the upload being handled must outlive its own handler

    async def uploaded(event: events.UploadEventArguments) -> None:
        data = await event.file.read()
        await act(documents.add_piece_file, prefix=f"{event.file.name} : ", filename=event.file.name, data=data)

    def rejected() -> None:
        errors.append(
            _("Fichier refusé : seuls les PDF, JPEG et PNG de {max} Mo au plus sont acceptés.").format(
                max=parameters.current("max_file_mb")
            )
        )
        body.refresh()

    @ui.refreshable
    async def body() -> None:
        try:
            piece = preloaded.pop() if preloaded else await run.io_bound(_get_piece, actor, submitted_document_id, lang)
        except DomainError as error:
            paragraph(error.translate(_)).classes("text-negative")
            return
        with ui.row().classes("items-center gap-2"):
            heading(piece.label, 4).classes("text-base font-bold m-0")
            ui.badge(_(_STATUS[piece.status])).mark("piece-status")
            if piece.is_shared:
                ui.badge(_("Commune à vos candidatures"), color="grey")
        if piece.help:
            paragraph(piece.help).classes("text-sm")
        if piece.has_template:
            ui.button(
                _("Télécharger le modèle à compléter"),
                icon="download",
                on_click=lambda r=piece.required_document_id: download_template(r),
            ).props("flat dense no-caps").mark("piece-template")
        if piece.status == DocumentStatus.REFUSED and piece.comment:
            paragraph(_("Motif du refus : {comment}").format(comment=piece.comment)).classes("text-negative")
        ids = [f.stored_file_id for f in piece.files]
        if piece.files:
            with ui.element("ol").classes("list-decimal pl-6 w-full").mark("piece-files"):
                for index, file in enumerate(piece.files):
                    with ui.element("li"), ui.row().classes("items-center gap-1"):
                        ui.label(f"{file.name} — {_pages(file.pages)}, {_size(file.size)}")
                        if not piece.editable:
                            continue
                        moved_up = ids[:]
                        if index > 0:
                            moved_up[index - 1], moved_up[index] = moved_up[index], moved_up[index - 1]
                            _labelled(
                                ui.button(
                                    icon="arrow_upward",
                                    on_click=lambda o=moved_up: act(documents.reorder_piece_files, order=o),
                                ).props("flat round dense"),
                                _("Monter {name}").format(name=file.name),
                            )
                        if index < len(ids) - 1:
                            moved_down = ids[:]
                            moved_down[index + 1], moved_down[index] = moved_down[index], moved_down[index + 1]
                            _labelled(
                                ui.button(
                                    icon="arrow_downward",
                                    on_click=lambda o=moved_down: act(documents.reorder_piece_files, order=o),
                                ).props("flat round dense"),
                                _("Descendre {name}").format(name=file.name),
                            )
                        _labelled(
                            ui.button(
                                icon="delete",
                                on_click=lambda i=file.stored_file_id: act(
                                    documents.remove_piece_file, stored_file_id=i
                                ),
                            ).props("flat round dense color=negative"),
                            _("Retirer {name}").format(name=file.name),
                        )
            with ui.row().classes("items-center gap-2"):
                paragraph(
                    _("Document transmis au jury : {pages}, {size}").format(
                        pages=_pages(piece.merged_pages), size=_size(piece.merged_size)
                    )
                ).classes("text-sm").mark("piece-merged")
                ui.button(_("Voir"), on_click=download).props("flat dense")
        if piece.editable and piece.status != DocumentStatus.NOT_APPLICABLE:
            with ui.element("div").classes("w-full") as holder:
                add = ui.button(_("Ajouter des fichiers (PDF, JPEG, PNG)"), icon="upload_file")
                add.props("outline no-caps").mark("piece-add-files")
                add.on_click(lambda h=holder: show_upload(h))
        if piece.is_conditional and piece.editable and not piece.files:
            ui.checkbox(
                _("Non concerné"),
                value=piece.status == DocumentStatus.NOT_APPLICABLE,
                on_change=lambda e: act(documents.mark_not_applicable, not_applicable=bool(e.value)),
            ).mark("piece-not-applicable")
        if errors:
            with ui.element("div").props('role="alert"').classes("text-negative").mark("piece-error"):
                for message in errors:
                    paragraph(message)

    def show_upload(holder: ui.element) -> None:
        """The upload area, drawn when the candidate asks for it: each one registers a route of its own, which was
        most of the cost of an application's page; the file picker opens at once."""
        holder.clear()
        with holder:
            upload = (
                ui.upload(
                    label=_("Ajouter des fichiers (PDF, JPEG, PNG)"),
                    multiple=True,
                    auto_upload=True,
                    max_file_size=parameters.current("max_file_mb") * 1024 * 1024,
                    on_begin_upload=errors.clear,
                    on_upload=uploaded,
                    on_rejected=rejected,
                )
                .props(f'accept="{ACCEPT}" flat bordered')
                .classes("w-full")
                .mark("piece-upload")
            )
        ui.timer(0.05, lambda: upload.run_method("pickFiles"), once=True)  # once the browser has drawn it

    async def download() -> None:
        def read() -> tuple[str, bytes]:
            with transaction() as session:
                return documents.read_merged_pdf(session, actor=actor, submitted_document_id=submitted_document_id)

        try:
            filename, data = await run.io_bound(read)
        except DomainError as error:
            errors.append(error.translate(_))
            await body.refresh()
            return
        ui.download.content(data, filename, "application/pdf")

    async def download_template(required_document_id: int) -> None:
        def read() -> tuple[str, bytes]:
            with transaction() as session:
                return admin_pieces.read_template(session, required_document_id=required_document_id)

        try:
            filename, data = await run.io_bound(read)
        except DomainError as error:
            errors.append(error.translate(_))
            await body.refresh()
            return
        ui.download.content(data, filename, "application/pdf")

    with ui.card().classes("w-full").mark(f"piece-{submitted_document_id}"):
        await body()
