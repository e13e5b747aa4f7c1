"""The widget for one piece of an application: its files in order, add, remove, reorder, « Non concerné ».

::

    from app.ui.piece_upload import piece_upload

    widget = await piece_upload(document_id, on_change=refresh_transmit_button, piece=loaded_piece)
    ...
    widget.show(piece_loaded_later)  # a live update: the card is redrawn, its button and announcements stay

Every action calls one service of ``app.services.documents.pieces`` in its own ``transaction()``, off the event loop
(``run.io_bound``: the sandbox may take seconds), and no session outlives it. The browser's size limits only
spare a useless upload: the upload route's guard and the service check again. Adding files is
``app.ui.piece_uploader``'s; the card's words are one HTML block (``app.ui.piece_card_html``).

A card is flat, few elements for a page that shows several: the words, then what acts on the files (only when
there are some, or a template), the « Ajouter » button and its status region (only while files may be added), then
« Non concerné » and the refusals. A page view draws them in that order; a redraw keeps the button and the region
(the keyboard focus, the outcomes announced) and draws the rest around them.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui
from nicegui.element import Element

from app.db import transaction
from app.i18n import _
from app.models import DocumentStatus
from app.services.admin import pieces as admin_pieces
from app.services.documents import pieces as documents
from app.services.platform import Actor, DomainError
from app.ui.piece_card_html import file_line, header_html, merged_html, piece_url
from app.ui.piece_uploader import PieceUploader
from app.ui.session import actor_of, current_identity, current_language
from app.ui.text import paragraph, static_block, text_tag

__all__ = ["PieceWidget", "piece_upload"]


def _labelled(button: ui.button, label: str) -> ui.button:
    button._props["aria-label"] = label  # set directly: a file name may hold quotes
    button.tooltip(label)
    return button


def _get_piece(actor: Actor, submitted_document_id: int, lang: str) -> documents.Piece:
    with transaction() as session:
        return documents.get_piece(session, actor=actor, submitted_document_id=submitted_document_id, lang=lang)


class PieceWidget:
    """One piece's card: ``show`` draws it again for the piece given (the page hands over the piece it loaded for a
    live update; ``redraw`` loads it)."""

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
        self.viewing = False  # the merged PDF is shown in the card (« Voir »), and stays shown across redraws
        self.card: ui.card | None = None
        self.head: ui.html | None = None  # the piece's words
        self.parts: list[Element] = []  # between the words and « Ajouter »: the files and what acts on them
        self.uploader: PieceUploader | None = None  # « Ajouter » and its status region, once files may be added
        self.tail: list[Element] = []  # after them: « Non concerné », the refusals
        self.viewer_box: ui.element | None = None  # the merged PDF under the piece, while « Voir » shows it

    # --- Drawing ---------------------------------------------------------------------------------------------------

    def draw(self, piece: documents.Piece) -> None:
        with ui.card().classes("w-full items-stretch gap-2").mark(f"piece-{self.submitted_document_id}") as card:
            self.card = card
            self.head = static_block(header_html(piece))
        self.show(piece, drawn=True)

    def show(self, piece: documents.Piece | DomainError, *, drawn: bool = False) -> None:
        assert self.card is not None and self.head is not None
        for element in (*self.parts, *self.tail):
            element.delete()
        self.parts, self.tail, self.viewer_box = [], [], None
        if isinstance(piece, DomainError):
            self.head.set_content(text_tag("p", piece.translate(_), class_="text-negative"))
            if self.uploader is not None:
                self.uploader.set_visible(False)
            return
        if not drawn:
            self.head.set_content(header_html(piece))
        uploadable = piece.editable and piece.status != DocumentStatus.NOT_APPLICABLE
        with self.card:
            self.parts = self._parts(piece)
            if uploadable and self.uploader is None:  # after the parts: no need to place them
                self.uploader = PieceUploader(
                    self.submitted_document_id, piece.label, add_files=self.add_files, added=self.added
                )
            else:
                self._before_uploader(self.parts)
            if self.uploader is not None:
                self.uploader.set_visible(uploadable)
            self.tail = self._tail(piece)

    def _before_uploader(self, elements: list[Element]) -> None:
        """Place elements just drawn (at the card's end) before « Ajouter », which a redraw keeps: the keyboard focus
        stays on it. A page view draws everything in order and moves nothing."""
        if self.uploader is None or not elements:
            return
        slot = self.uploader.button.parent_slot
        assert slot is not None
        index = slot.children.index(self.uploader.button)
        for offset, element in enumerate(elements):
            element.move(target_index=index + offset)

    def _parts(self, piece: documents.Piece) -> list[Element]:
        """The template to download and the files with what acts on them (the header block lists fixed files)."""
        parts: list[Element] = []
        if piece.has_template:
            parts.append(
                ui.button(
                    _("Télécharger le modèle à compléter"),
                    icon="download",
                    on_click=lambda r=piece.required_document_id: self.download_template(r),
                )
                .props("flat dense no-caps")
                .mark("piece-template")
            )
        if not piece.files:
            return parts
        if piece.editable:
            parts.append(self._file_list(piece))
            with ui.element("div").classes("flex flex-wrap items-center gap-x-3 gap-y-1") as line:
                static_block(merged_html(piece)).classes("contents")
                self._view_button(piece)
            parts.append(line)
        else:
            parts.append(self._view_button(piece))
        if self.viewing:
            parts.append(self._viewer(piece))
        return parts

    def _tail(self, piece: documents.Piece) -> list[Element]:
        tail: list[Element] = []
        if piece.is_conditional and piece.editable and not piece.files:
            tail.append(
                ui.checkbox(
                    _("Non concerné"),
                    value=piece.status == DocumentStatus.NOT_APPLICABLE,
                    on_change=lambda e: self.act(documents.mark_not_applicable, not_applicable=bool(e.value)),
                )
                .classes("mt-2")
                .mark("piece-not-applicable")
            )
        if self.errors:
            with ui.element("div").props('role="alert"').classes("text-negative").mark("piece-error") as alert:
                for message in self.errors:
                    paragraph(message)
            tail.append(alert)
        return tail

    def _file_list(self, piece: documents.Piece) -> ui.element:
        ids = [f.stored_file_id for f in piece.files]
        with ui.element("ol").classes("list-decimal pl-6 w-full").mark("piece-files") as listed:
            for index, file in enumerate(piece.files):
                with ui.element("li"), ui.row().classes("items-center gap-1"):
                    ui.label(file_line(file))
                    self._file_buttons(ids, index, file)
        return listed

    def _view_button(self, piece: documents.Piece) -> ui.button:
        view = ui.button(_("Voir"), icon="visibility").props("flat dense no-caps").mark("piece-view")
        view.on_click(lambda _event, b=view, p=piece: self.toggle_viewer(b, p))
        view._props["aria-label"] = _("Voir la pièce « {piece} »").format(piece=piece.label)  # quotes: directly
        view._props["aria-expanded"] = "true" if self.viewing else "false"
        return view

    def _viewer(self, piece: documents.Piece) -> ui.element:
        """The merged PDF inside the card, under its line: what the committee will read, without leaving the page."""
        with ui.element("div").classes("w-full") as self.viewer_box:
            viewer = ui.element("iframe").classes("w-full").style("height: 70vh; border: 1px solid #ccc")
            viewer.props["src"] = piece_url(self.submitted_document_id, version=piece.merged_file_id)
            viewer.props["title"] = _("Aperçu de la pièce « {piece} »").format(piece=piece.label)
            viewer.mark("piece-viewer")
        return self.viewer_box

    def toggle_viewer(self, button: ui.button, piece: documents.Piece) -> None:
        """« Voir » opens the viewer under the piece, or closes it; the button keeps the keyboard focus."""
        assert self.card is not None
        self.viewing = not self.viewing
        button._props["aria-expanded"] = "true" if self.viewing else "false"
        button.update()
        if self.viewer_box is not None:
            self.parts.remove(self.viewer_box)
            self.viewer_box.delete()
            self.viewer_box = None
        if not self.viewing:
            return
        with self.card:
            box = self._viewer(piece)
        # Right after the files' part: before « Ajouter » when there is one, else before « Non concerné » and the rest.
        slot = self.card.default_slot
        anchor = self.uploader.button if self.uploader is not None else (self.tail[0] if self.tail else None)
        if anchor is not None:
            box.move(target_index=slot.children.index(anchor))
        self.parts.append(box)

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

    # --- The actions -----------------------------------------------------------------------------------------------

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

    def add_files(self, files: list[tuple[str, bytes]]) -> list[DomainError | None]:
        """Blocking: a selection's files (name, bytes) checked, normalised and added at the end of the piece in one
        transaction; per file None (added) or its refusal."""
        with transaction() as session:
            return documents.add_piece_files(
                session, actor=self.actor, submitted_document_id=self.submitted_document_id, files=files
            )

    async def added(self) -> None:
        self.errors.clear()
        await self.changed()

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
