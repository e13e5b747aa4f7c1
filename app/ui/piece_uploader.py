"""Adding files to a piece: the named « Ajouter » button, Quasar's uploader drawn under it on the first click, and the
``role=status`` region that announces what became of each file.

The button opens the file picker of the uploader (its own header hidden: that header's add button had no name,
held the file input and printed « 0.0B / 0.00% »). The files chosen together travel in one request, in the order
chosen, and are added together in that order (one sandbox child, one merge: ``pieces.add_piece_files``); the list
under the button shows each one's name, size and progress, and the status region says what became of each file
(added, or why it was refused). The button, the uploader and the region outlive the redraws of the piece: the
keyboard focus stays on the button and the announcements are not lost.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from nicegui import events, run, ui

from app.i18n import N_, _
from app.services.documents import FILE_TOO_LARGE, WRONG_TYPE
from app.services.platform import DomainError, parameters
from app.ui.buttons import action_button
from app.ui.text import esc, paragraph

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


class PieceUploader:
    """The « Ajouter » button and the status region of one piece, drawn where the card wants them (two elements);
    the uploader itself is drawn under the button on its first click.

    ``add_files([(name, data), ...])`` adds a selection's files (blocking: it runs off the event loop) and says, per
    file, None (added) or why it was refused; ``added()`` is awaited once a selection added at least one file."""

    def __init__(
        self,
        submitted_document_id: int,
        piece_label: str,
        *,
        add_files: Callable[[list[tuple[str, bytes]]], list[DomainError | None]],
        added: Callable[[], Awaitable[None]],
    ) -> None:
        self.submitted_document_id = submitted_document_id
        self.add_files = add_files
        self.added = added
        self.upload: ui.upload | None = None
        self.transferring = False  # the browser is sending files (between the uploader's start and finish)
        self.adding = asyncio.Lock()  # the server is adding a selection's files, one after the other
        label = _("Ajouter des fichiers (PDF, JPEG, PNG)")
        self.button = action_button(label, icon="upload_file", on_click=self.pick)  # one per card: the light one
        self.button._props["outline"] = True
        self.button.classes("mt-2").mark("piece-add-files")
        self.button._props["aria-label"] = _("Ajouter des fichiers (PDF, JPEG, PNG) à la pièce « {piece} »").format(
            piece=piece_label
        )  # set directly: a label may hold quotes; it starts with the visible text (WCAG 2.5.3)
        # In place from the start: a screen reader announces what is later written in a region it already knows.
        self.status = ui.element("div").classes("w-full").mark("piece-upload-status")
        self.status.props("role=status aria-live=polite aria-atomic=false")  # read each line as it is added

    def set_visible(self, visible: bool) -> None:
        """The button and the uploader (the outcomes already announced stay readable)."""
        self.button.set_visibility(visible)
        if self.upload is not None:
            self.upload.set_visibility(visible)

    def announce(self, message: str, *, refused: bool = False) -> None:
        """Add a line to the status region: a screen reader reads what is added, the sighted see it stay."""
        with self.status:
            line = paragraph(message).classes("m-0")
            if refused:
                line.classes("text-negative")

    def pick(self) -> None:
        self.status.clear()  # the outcomes of the previous selection
        if self.transferring or self.adding.locked():
            self.announce(_(BUSY))
            return
        if self.upload is None:
            parent = self.button.parent_slot
            assert parent is not None
            with parent:
                self.upload = self._uploader()
            # Under the button, above the status region: drawn on the first click, not with every page view.
            self.upload.move(target_index=parent.children.index(self.button) + 1)
            upload = self.upload
            ui.timer(0.05, lambda: upload.run_method("pickFiles"), once=True)  # once the browser has drawn it
        else:
            self.upload.run_method("pickFiles")

    def _uploader(self) -> ui.upload:
        """Each uploader registers a route of its own, which was most of the cost of an application's page."""
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
        """Add the selection's files together, in the order chosen (one sandbox child normalises and merges them);
        announce each outcome."""
        async with self.adding:
            try:
                added = await self._add(event.files)
            finally:
                if self.upload is not None:
                    self.upload.reset()  # the list under the button showed the transfer; the status tells the rest
            if added:
                await self.added()

    async def _add(self, files: list[ui.upload.FileUpload]) -> bool:
        selection = [(file.name, await file.read()) for file in files]
        try:
            outcomes = await run.io_bound(self.add_files, selection)
        except DomainError as error:  # the piece itself refused them (closed meanwhile, validated)
            outcomes = [error] * len(selection)
        except Exception:  # nothing was added: the candidate is told to send the files again
            log.exception("adding %d files to piece %s failed", len(selection), self.submitted_document_id)
            for name, _data in selection:
                self.announce(_about(name, _(UNEXPECTED)), refused=True)
            return False
        for (name, _data), refusal in zip(selection, outcomes, strict=True):
            if refusal is None:
                self.announce(_about(name, _("Ajouté à la pièce.")))
            else:
                self.announce(_about(name, refusal.translate(_)), refused=True)
        return None in outcomes
