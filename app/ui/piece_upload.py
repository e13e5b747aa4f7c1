"""The widget for one piece of an application: its files in order, add, remove, reorder, « Non concerné ».

::

    from app.ui.piece_upload import piece_upload

    widget = await piece_upload(document_id, on_change=refresh_transmit_button, piece=loaded_piece)
    ...
    widget.show(piece_loaded_later)  # a live update: the card is redrawn, its upload area and announcements stay

Every action calls one service of ``app.services.documents.pieces`` in its own ``transaction()``, off the event loop
(``run.io_bound``: the sandbox may take seconds), and no session outlives it. The browser's size limits only
spare a useless upload: the upload route's guard and the service check again.

Adding files: a named button opens the file picker of Quasar's uploader (drawn on demand, its own header hidden:
that header's add button had no name, held the file input and printed « 0.0B / 0.00% »). The files chosen
together travel in one request, in the order chosen, and are added one after the other in that order; the list
under the button shows each one's name, size and progress, and a ``role=status`` region announces what became of
each file (added, or why it was refused). The button, the uploader and that region outlive the redraws of the
piece: the keyboard focus stays on the button and the announcements are not lost.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import events, run, ui

from app.db import transaction
from app.i18n import N_, _
from app.models import DocumentStatus
from app.pages.piece_download import piece_url
from app.services.admin import pieces as admin_pieces
from app.services.documents import FILE_TOO_LARGE, WRONG_TYPE
from app.services.documents import pieces as documents
from app.services.platform import Actor, DomainError, parameters
from app.ui.guards import actor_of
from app.ui.session import current_identity, current_language
from app.ui.statuses import SHARED_PIECE, badge_html, piece_look
from app.ui.text import esc, link_tag, paragraph, static_block, tag, text_tag

log = logging.getLogger(__name__)

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
MB = 1024 * 1024

# Why the browser kept a file back (QUploader's ``rejected`` event: ``failedPropValidation``).
_REJECTED = {
    "accept": WRONG_TYPE,
    "max-file-size": FILE_TOO_LARGE,
    "max-total-size": N_("Les fichiers choisis ensemble dépassent {max} Mo : ajoutez celui-ci dans un second temps."),
}
_REJECTED_OTHERWISE = N_("Ce fichier n'a pas été envoyé : choisissez-le à nouveau.")
TRANSFER_TOO_LARGE = N_("L'envoi a été refusé : les fichiers choisis ensemble dépassent {max} Mo.")
TRANSFER_FAILED = N_("L'envoi a échoué : vérifiez votre connexion, puis choisissez ce fichier à nouveau.")
UNEXPECTED = N_("Une erreur est survenue : ce fichier n'a pas été ajouté, choisissez-le à nouveau.")
SENT = N_("Envoyé, vérification en cours")
BUSY = N_("Un envoi est en cours pour cette pièce : attendez son résultat avant d'ajouter d'autres fichiers.")

# The uploader's events carry File objects, which reach the server as ``{}``: these keep what the server needs.
_REJECTED_JS = "(rejected) => emit(rejected.map((r) => ({name: r.file.name, reason: r.failedPropValidation})))"
_FAILED_JS = "(info) => emit({names: info.files.map((f) => f.name), status: info.xhr.status})"
# Each file of a request gets a field name of its own (Quasar's default, the file's name, would let two files of
# the same name in one selection overwrite each other in the form the route reads).
_FIELD_NAME_JS = "(() => { let n = 0; return () => 'file' + n++; })()"


def _size(size: int) -> str:
    if size >= MB:
        return _("{size} Mo").format(size=f"{size / MB:.1f}")
    return _("{size} Ko").format(size=max(1, round(size / 1024)))


def _pages(pages: int) -> str:
    return _("1 page") if pages == 1 else _("{pages} pages").format(pages=pages)


def _file_line(file: documents.PieceFile) -> str:
    return f"{file.name} — {_pages(file.pages)}, {_size(file.size)}"


def _labelled(button: ui.button, label: str) -> ui.button:
    button._props["aria-label"] = label  # set directly: a file name may hold quotes
    button.tooltip(label)
    return button


def _get_piece(actor: Actor, submitted_document_id: int, lang: str) -> documents.Piece:
    with transaction() as session:
        return documents.get_piece(session, actor=actor, submitted_document_id=submitted_document_id, lang=lang)


def _about(name: str, message: str) -> str:
    """One file's outcome, as the status region reads it: « relevé.pdf : Ajouté à la pièce. »"""
    return _("{name} : {message}").format(name=name, message=message)


def _rejection(reason: object) -> str:
    message = _REJECTED.get(str(reason), _REJECTED_OTHERWISE)
    limit = parameters.current("max_piece_mb" if reason == "max-total-size" else "max_file_mb")
    return _(message).format(max=limit)


def _file_list_template() -> str:
    """The uploader's ``list`` slot (a Vue template): per file its name, size, a progress bar and where it stands.

    Texts are escaped here; the file's name is interpolated by Vue, which escapes it too.
    """
    size_mb = esc(_("{size} Mo")).format(size="{{ (file.size / 1048576).toFixed(1) }}")
    size_kb = esc(_("{size} Ko")).format(size="{{ Math.max(1, Math.round(file.size / 1024)) }}")
    percent = esc(_("{percent} %")).format(percent="{{ Math.round(file.__progress * 100) }}")
    failed, sent, waiting = (esc(_(text)) for text in (N_("Échec de l'envoi"), SENT, N_("En attente d'envoi")))
    return (
        '<ul v-if="props.files.length" class="ec-upload-files">'
        '<li v-for="file in props.files" :key="file.__key" class="ec-upload-file">'
        '<span class="ec-upload-name">{{ file.name }}</span>'
        f'<span v-if="file.size >= 1048576">{size_mb}</span><span v-else>{size_kb}</span>'
        '<progress max="100" :value="Math.round(file.__progress * 100)" :aria-label="file.name"></progress>'
        f'<span v-if="file.__status === \'failed\'" class="text-negative">{failed}</span>'
        f"<span v-else-if=\"file.__status === 'uploaded'\">{sent}</span>"
        f"<span v-else-if=\"file.__status === 'uploading'\">{percent}</span>"
        f"<span v-else>{waiting}</span>"
        "</li></ul>"
    )


class PieceWidget:
    """One piece's card. ``top`` and ``bottom`` are redrawn after every change (``show``: the page hands over the
    piece it loaded for a live update; ``redraw``: the widget loads it); the upload area between them (button,
    uploader, status region) is drawn once."""

    def __init__(
        self,
        submitted_document_id: int,
        actor: Actor,
        lang: str,
        on_change: Callable[[], Any | Awaitable[Any]] | None,
    ) -> None:
        self.submitted_document_id = submitted_document_id
        self.actor = actor
        self.lang = lang
        self.on_change = on_change
        self.errors: list[str] = []  # refusals of the other actions, shown in a role=alert block
        self.upload: ui.upload | None = None
        self.transferring = False  # the browser is sending files (between the uploader's start and finish)
        self.adding = asyncio.Lock()  # the server is adding a selection's files, one after the other
        self.viewing = False  # the merged PDF is shown in the card (« Voir »), and stays shown across redraws
        self.area: ui.element | None = None  # the upload area, drawn once the piece may take files
        self.viewer_box: ui.element | None = None  # the merged PDF under the piece, while « Voir » shows it
        self.bottom: ui.element | None = None  # « Non concerné » and the refusals, drawn when there are some

    # --- Drawing ---------------------------------------------------------------------------------------------------

    def draw(self, piece: documents.Piece) -> None:
        with ui.card().classes("w-full").mark(f"piece-{self.submitted_document_id}") as self.card:
            self.top = ui.element("div").classes("w-full flex flex-col gap-2")
        self.show(piece)

    def show(self, piece: documents.Piece | DomainError) -> None:
        self.top.clear()
        if self.bottom is not None:
            self.bottom.clear()
        if isinstance(piece, DomainError):
            if self.area is not None:
                self.area.set_visibility(False)
            with self.top:
                paragraph(piece.translate(_)).classes("text-negative")
            return
        uploadable = piece.editable and piece.status != DocumentStatus.NOT_APPLICABLE
        if uploadable and self.area is None:
            self._upload_area(piece)
        if self.area is not None:
            self.area.set_visibility(uploadable)
        with self.top:
            self._header(piece)
            if piece.files:
                self._files(piece)
        needs_bottom = (piece.is_conditional and piece.editable and not piece.files) or self.errors
        if needs_bottom and self.bottom is None:
            with self.card:
                self.bottom = ui.element("div").classes("w-full flex flex-col gap-2")
        if needs_bottom:
            with self.bottom:
                self._bottom(piece)

    def _upload_area(self, piece: documents.Piece) -> None:
        """Only for a piece the candidate may still fill (drawn when it first is): the button, the uploader's place
        and the status region that announces each file's outcome; it stays for the redraws that follow."""
        with self.card:
            with ui.element("div").classes("w-full flex flex-col gap-2") as self.area:
                label = _("Ajouter des fichiers (PDF, JPEG, PNG)")
                add = ui.button(label, icon="upload_file", on_click=self.pick)
                add.props("outline no-caps").mark("piece-add-files")
                add._props["aria-label"] = _("Ajouter des fichiers (PDF, JPEG, PNG) à la pièce « {piece} »").format(
                    piece=piece.label
                )  # set directly: a label may hold quotes; it starts with the visible text (WCAG 2.5.3)
            self.status = ui.element("div").classes("w-full").mark("piece-upload-status")
            self.status.props("role=status aria-live=polite aria-atomic=false")  # read each line as it is added
        self.area.move(self.card, target_index=1)  # under the piece's text, whatever was drawn after it
        self.status.move(self.card, target_index=2)

    def _bottom(self, piece: documents.Piece) -> None:
        if piece.is_conditional and piece.editable and not piece.files:
            ui.checkbox(
                _("Non concerné"),
                value=piece.status == DocumentStatus.NOT_APPLICABLE,
                on_change=lambda e: self.act(documents.mark_not_applicable, not_applicable=bool(e.value)),
            ).mark("piece-not-applicable")
        if self.errors:
            with ui.element("div").props('role="alert"').classes("text-negative").mark("piece-error"):
                for message in self.errors:
                    paragraph(message)

    def _header(self, piece: documents.Piece) -> None:
        """The piece's words in one HTML block (its files too, once they can no longer change): every element of
        the card stays in memory while the page is open, and on results day every piece is transmitted."""
        badges = badge_html(piece_look(piece.status, piece.awaiting_transmission), data_mark="piece-status")
        if piece.is_shared:
            badges += badge_html(SHARED_PIECE)
        markup = tag(
            "div",
            text_tag("h4", piece.label, class_="text-base font-bold m-0") + badges,
            class_="flex flex-wrap items-center gap-2",
        )
        if piece.help:
            markup += text_tag("p", piece.help, class_="text-sm")
        if piece.status == DocumentStatus.REFUSED and piece.comment:
            refusal = _("Motif du refus : {comment}").format(comment=piece.comment)
            markup += text_tag("p", refusal, class_="text-negative")
        if piece.files and not piece.editable:
            items = "".join(text_tag("li", _file_line(file)) for file in piece.files)
            markup += tag("ol", items, class_="list-decimal pl-6 w-full", data_mark="piece-files")
            markup += self._merged_html(piece)
        static_block(markup)
        if piece.has_template:
            ui.button(
                _("Télécharger le modèle à compléter"),
                icon="download",
                on_click=lambda r=piece.required_document_id: self.download_template(r),
            ).props("flat dense no-caps").mark("piece-template")

    def _files(self, piece: documents.Piece) -> None:
        if piece.editable:  # the list with its buttons; otherwise the header block lists the files
            ids = [f.stored_file_id for f in piece.files]
            with ui.element("ol").classes("list-decimal pl-6 w-full").mark("piece-files"):
                for index, file in enumerate(piece.files):
                    with ui.element("li"), ui.row().classes("items-center gap-1"):
                        ui.label(_file_line(file))
                        self._file_buttons(ids, index, file)
            with ui.element("div").classes("flex flex-wrap items-center gap-x-3 gap-y-1"):
                static_block(self._merged_html(piece)).classes("contents")
                self._view_button(piece)
        else:
            self._view_button(piece)
        self.viewer_box = None
        if self.viewing:
            self._open_viewer(piece)

    def _merged_html(self, piece: documents.Piece) -> str:
        """What the committee reads (or will read) of the piece, and the link to download it."""
        merged = (
            _("Document qui sera transmis au jury : {pages}, {size}")
            if piece.awaiting_transmission
            else _("Document transmis au jury : {pages}, {size}")
        )
        line = text_tag("span", merged.format(pages=_pages(piece.merged_pages), size=_size(piece.merged_size)))
        download = link_tag(
            _("Télécharger"),
            piece_url(self.submitted_document_id, download=True),
            aria_label=_("Télécharger la pièce « {piece} » (PDF)").format(piece=piece.label),
            data_mark="piece-download",
        )
        return tag("p", line + " " + download, class_="text-sm m-0 flex flex-wrap gap-x-3", data_mark="piece-merged")

    def _view_button(self, piece: documents.Piece) -> None:
        view = ui.button(_("Voir"), icon="visibility").props("flat dense no-caps").mark("piece-view")
        view.on_click(lambda _event, b=view, p=piece: self.toggle_viewer(b, p))
        view._props["aria-label"] = _("Voir la pièce « {piece} »").format(piece=piece.label)  # quotes: directly
        view._props["aria-expanded"] = "true" if self.viewing else "false"

    def _open_viewer(self, piece: documents.Piece) -> None:
        with self.top:
            self.viewer_box = ui.element("div").classes("w-full")
        self._viewer(piece)

    def _viewer(self, piece: documents.Piece) -> None:
        """The merged PDF inside the card, under its line: what the committee will read, without leaving the page."""
        with self.viewer_box:
            viewer = ui.element("iframe").classes("w-full").style("height: 70vh; border: 1px solid #ccc")
            viewer.props["src"] = piece_url(self.submitted_document_id, version=piece.merged_file_id)
            viewer.props["title"] = _("Aperçu de la pièce « {piece} »").format(piece=piece.label)
            viewer.mark("piece-viewer")

    def toggle_viewer(self, button: ui.button, piece: documents.Piece) -> None:
        """« Voir » opens the viewer under the piece, or closes it; the button keeps the keyboard focus."""
        self.viewing = not self.viewing
        button._props["aria-expanded"] = "true" if self.viewing else "false"
        button.update()
        if self.viewer_box is not None:
            self.viewer_box.delete()
            self.viewer_box = None
        if self.viewing:
            self._open_viewer(piece)

    def _file_buttons(self, ids: list[int], index: int, file: documents.PieceFile) -> None:
        if index > 0:
            moved_up = ids[:]
            moved_up[index - 1], moved_up[index] = moved_up[index], moved_up[index - 1]
            _labelled(
                ui.button(
                    icon="arrow_upward", on_click=lambda o=moved_up: self.act(documents.reorder_piece_files, order=o)
                ).props("flat round dense"),
                _("Monter {name}").format(name=file.name),
            )
        if index < len(ids) - 1:
            moved_down = ids[:]
            moved_down[index + 1], moved_down[index] = moved_down[index], moved_down[index + 1]
            _labelled(
                ui.button(
                    icon="arrow_downward",
                    on_click=lambda o=moved_down: self.act(documents.reorder_piece_files, order=o),
                ).props("flat round dense"),
                _("Descendre {name}").format(name=file.name),
            )
        _labelled(
            ui.button(
                icon="delete",
                on_click=lambda i=file.stored_file_id: self.act(documents.remove_piece_file, stored_file_id=i),
            ).props("flat round dense color=negative"),
            _("Retirer {name}").format(name=file.name),
        )

    async def redraw(self) -> None:
        try:
            piece = await run.io_bound(_get_piece, self.actor, self.submitted_document_id, self.lang)
        except DomainError as error:
            self.show(error)
        else:
            self.show(piece)

    async def changed(self) -> None:
        if self.on_change is not None:
            result = self.on_change()
            if isinstance(result, Awaitable):
                await result
        await self.redraw()

    # --- The actions on the files listed ---------------------------------------------------------------------------

    def call(self, service: Callable[..., Any], **kwargs: Any) -> None:
        with transaction() as session:
            service(session, actor=self.actor, submitted_document_id=self.submitted_document_id, **kwargs)

    async def act(self, service: Callable[..., Any], **kwargs: Any) -> None:
        try:
            await run.io_bound(self.call, service, **kwargs)
        except DomainError as error:
            self.errors.append(error.translate(_))
            await self.redraw()
        else:
            self.errors.clear()
            await self.changed()

    # --- Adding files ----------------------------------------------------------------------------------------------

    def announce(self, message: str, *, refused: bool = False) -> None:
        """Add a line to the status region: a screen reader reads what is added, the sighted see it stay."""
        with self.status:
            line = paragraph(message).classes("m-0")
            if refused:
                line.classes("text-negative")

    def pick(self) -> None:
        if self.transferring or self.adding.locked():
            self.status.clear()
            self.announce(_(BUSY))
            return
        self.status.clear()  # the outcomes of the previous selection
        if self.upload is None:
            assert self.area is not None  # the button that calls this is in it
            with self.area:  # under the button
                self.upload = self._uploader()
            upload = self.upload
            ui.timer(0.05, lambda: upload.run_method("pickFiles"), once=True)  # once the browser has drawn it
        else:
            self.upload.run_method("pickFiles")

    def _uploader(self) -> ui.upload:
        """Drawn on the first click only: each uploader registers a route of its own, which was most of the cost of
        an application's page."""
        upload = ui.upload(
            multiple=True,
            auto_upload=True,
            max_file_size=parameters.current("max_file_mb") * MB,
            max_total_size=parameters.current("max_piece_mb") * MB,
            on_multi_upload=self.uploaded,  # with ``multiple``: the selection in one request, in its order
        )
        upload.props(f'accept="{ACCEPT}" flat').classes("ec-upload w-full").mark("piece-upload")
        upload._props[":field-name"] = _FIELD_NAME_JS
        upload.add_slot("list", _file_list_template())
        upload.on("rejected", self.rejected, js_handler=_REJECTED_JS)
        upload.on("failed", self.failed, js_handler=_FAILED_JS)
        upload.on("start", lambda: setattr(self, "transferring", True), args=[])
        upload.on("finish", lambda: setattr(self, "transferring", False), args=[])
        return upload

    def rejected(self, event: events.GenericEventArguments) -> None:
        for item in event.args if isinstance(event.args, list) else []:
            self.announce(_about(str(item.get("name", "")), _rejection(item.get("reason"))), refused=True)

    def failed(self, event: events.GenericEventArguments) -> None:
        info = event.args if isinstance(event.args, dict) else {}
        if info.get("status") == 413:  # the upload route's guard
            message = _(TRANSFER_TOO_LARGE).format(max=parameters.current("max_piece_mb"))
        else:
            message = _(TRANSFER_FAILED)
        for name in info.get("names") or []:
            self.announce(_about(str(name), message), refused=True)
        if self.upload is not None:
            self.upload.reset()  # failed files would otherwise be sent again with the next selection

    async def uploaded(self, event: events.MultiUploadEventArguments) -> None:
        """Add the selection's files one after the other, in the order chosen; announce each outcome."""
        async with self.adding:
            added = False
            try:
                for file in event.files:
                    added = await self._add(file) or added
            finally:
                if self.upload is not None:
                    self.upload.reset()  # the list under the button showed the transfer; the status tells the rest
            if added:
                self.errors.clear()
                await self.changed()

    async def _add(self, file: ui.upload.FileUpload) -> bool:
        try:
            data = await file.read()
            await run.io_bound(self.call, documents.add_piece_file, filename=file.name, data=data)
        except DomainError as error:
            self.announce(_about(file.name, error.translate(_)), refused=True)
            return False
        except Exception:  # the next files are still added; the candidate is told which one to send again
            log.exception("adding %r to piece %s failed", file.name, self.submitted_document_id)
            self.announce(_about(file.name, _(UNEXPECTED)), refused=True)
            return False
        self.announce(_about(file.name, _("Ajouté à la pièce.")))
        return True

    # --- Downloads -------------------------------------------------------------------------------------------------

    async def download_template(self, required_document_id: int) -> None:
        def read() -> tuple[str, bytes]:
            with transaction() as session:
                return admin_pieces.read_template(session, required_document_id=required_document_id)

        try:
            filename, data = await run.io_bound(read)
        except DomainError as error:
            self.errors.append(error.translate(_))
            await self.redraw()
            return
        ui.download.content(data, filename, "application/pdf")


async def piece_upload(
    submitted_document_id: int,
    *,
    on_change: Callable[[], Any | Awaitable[Any]] | None = None,
    actor: Actor | None = None,
    piece: documents.Piece | None = None,
) -> PieceWidget | None:
    """Draw the piece ``submitted_document_id`` of the signed-in candidate's application (``piece``: already
    loaded by the page, which then saves a query); the widget, to ``show`` it a piece loaded later (None: the piece
    could not be read, the reason is drawn instead)."""
    actor = actor or actor_of(current_identity())
    lang = current_language()
    if piece is None:
        try:
            piece = await run.io_bound(_get_piece, actor, submitted_document_id, lang)
        except DomainError as error:
            with ui.card().classes("w-full").mark(f"piece-{submitted_document_id}"):
                paragraph(error.translate(_)).classes("text-negative")
            return None
    widget = PieceWidget(submitted_document_id, actor, lang, on_change)
    widget.draw(piece)
    return widget
