"""An opened application: the guide's « Informations détaillées », « Statut », questions, decision, « Annuler ».

Everything the page shows is read in one worker thread (``load_page``), then drawn: what only informs as escaped
HTML blocks, what acts (uploads, answers, « Transmettre », « Confirmer », « Se désister », « Annuler ») as
elements. Dialogs are built when their button is first pressed. A committed change of the application (a manager,
another tab) redraws the page from a new load.
"""

from nicegui import run, ui

from app.i18n import _
from app.models import Procedure
from app.pages.applications import LIST_PATH, follow_candidate
from app.pages.applications_detail_answer import answer_section, cancel_section
from app.pages.applications_detail_html import decision_section_html, information_html
from app.pages.applications_detail_interview import interview_section
from app.pages.applications_detail_load import PageData, load_page, load_readiness
from app.pages.applications_detail_transmit import pieces_section, questions_section, transmit_section
from app.services.platform import Actor
from app.ui import routes
from app.ui.candidate_nav import candidate_nav
from app.ui.frame import frame
from app.ui.guards import as_candidate
from app.ui.page import page
from app.ui.piece_upload import PieceWidget, piece_upload
from app.ui.session import current_language
from app.ui.text import Text, link_tag, paragraph, static_block, tag, text_tag


class ApplicationPage:
    """The page's sections, drawn from one load and redrawn after an action or a live update.

    What an action ends with is said outside the redrawn sections: the live update of a committed action (or of an
    earlier one) may clear them, the pressed button and its slot with them, while the handler still runs."""

    def __init__(self, actor: Actor, application_id: int, lang: str) -> None:
        self.actor = actor
        self.application_id = application_id
        self.lang = lang
        self.container: ui.element | None = None
        self.head: ui.element | None = None  # the sections before the uploads…
        self.tail: ui.element | None = None  # …and after them
        self.piece_widgets: dict[int, PieceWidget] = {}
        self.transmit_box: ui.element | None = None
        self.status: Text | None = None

    def draw_status(self) -> None:
        """The status line, empty and in place from the start: a screen reader announces what is later written in
        a live region it already knows (role=status), not one inserted along with its text."""
        self.status = Text("", "div").classes("font-bold").style("color: var(--ec-green)").mark("action-status")
        self.status.props["role"] = "status"

    def announce(self, text: str) -> None:
        """An action is done: written on the status line (announced, and it stays) and shown as a toast, which the
        status line already speaks (the toast's own role=alert would say it twice)."""
        if self.status is None or self.status.is_deleted:  # the page is gone (the candidate left)
            return
        self.status.text = text
        with self.status:  # the page's own slot: the pressed button's may have been deleted by a redraw
            ui.notify(text, type="positive", attrs={"aria-hidden": "true"})

    def refuse(self, text: str) -> None:
        """An action was refused: a toast (role=alert, read out at once); the status line no longer claims success."""
        if self.status is None or self.status.is_deleted:
            return
        self.status.text = ""
        with self.status:
            ui.notify(text, type="negative")

    async def redraw(self) -> None:
        data = await run.io_bound(load_page, self.actor, self.application_id, self.lang)
        assert self.container is not None
        if self.container.is_deleted:
            return
        await self.draw(data)

    async def redraw_transmit(self) -> None:
        """After a piece or an answer changed: only « Transmettre » depends on it."""
        box = self.transmit_box
        if box is None or box.is_deleted:
            return
        readiness = await run.io_bound(load_readiness, self.actor, self.application_id, self.lang)
        box.clear()
        with box:
            transmit_section(self.actor, self.application_id, readiness, self)

    async def draw(self, data: PageData | None) -> None:
        """Draw the sections in ``self.container``, or draw them again. The upload widgets of the same pieces are
        kept and shown their new state: drawn anew, they would take the keyboard focus away from their button and
        lose the outcomes they are announcing (each file added is a committed change, hence a live redraw)."""
        assert self.container is not None
        if data is not None and self.head is not None and self.tail is not None and self._same_uploads(data):
            self.head.clear()
            with self.head:
                self._draw_head(data)
            for piece_id, widget in self.piece_widgets.items():
                if (piece := data.pieces.get(piece_id)) is not None:
                    widget.show(piece)
            self.tail.clear()
            with self.tail:
                self._draw_tail(data)
            return
        self.container.clear()
        self.piece_widgets = {}
        with self.container:
            if data is None:
                static_block(
                    text_tag("p", _("Cette candidature a été annulée."), data_mark="not-found")
                    + tag("p", link_tag(_("Retour à mes candidatures"), LIST_PATH))
                ).mark("not-found")
                return
            with ui.element("div") as self.head:
                self._draw_head(data)
            if self._upload_ids(data):
                await self._draw_uploads(data)
            with ui.element("div") as self.tail:
                self._draw_tail(data)

    def _upload_ids(self, data: PageData) -> list[int]:
        """The pieces the candidate uploads files to on this page, in order (none: no upload section)."""
        detail = data.detail
        if detail.summary.procedure != Procedure.ONLINE or self.actor.read_only:
            return []
        return [piece.id for piece in detail.pieces]

    def _same_uploads(self, data: PageData) -> bool:
        return bool(self.piece_widgets) and list(self.piece_widgets) == self._upload_ids(data)

    def _draw_head(self, data: PageData) -> None:
        detail = data.detail
        if detail.summary.archived:
            paragraph(
                _(
                    "Cette candidature appartient à une campagne terminée : vous pouvez la consulter, "
                    "mais plus la modifier."
                )
            ).classes("ec-notice").mark("archived-notice")
        static_block(information_html(detail), "section").mark("information")
        pieces_section(self.actor, data, self)

    async def _draw_uploads(self, data: PageData) -> None:
        with ui.element("section").mark("uploads"):
            static_block(
                text_tag("h2", _("Déposer les pièces"))
                + text_tag(
                    "p",
                    _(
                        "Déposez un ou plusieurs fichiers par pièce (PDF, JPEG ou PNG) : nous les assemblons en "
                        "un seul PDF, dans l'ordre que vous choisissez."
                    ),
                    class_="ec-muted",
                )
            )
            for piece_id in self._upload_ids(data):
                widget = await piece_upload(
                    piece_id, on_change=self.redraw_transmit, actor=self.actor, piece=data.pieces.get(piece_id)
                )
                if widget is not None:
                    self.piece_widgets[piece_id] = widget

    def _draw_tail(self, data: PageData) -> None:
        actor = self.actor
        detail = data.detail
        questions_section(actor, detail, on_saved=self.redraw_transmit)
        self.transmit_box = None
        if data.readiness is not None and not actor.read_only:
            with ui.element("section").mark("transmit") as self.transmit_box:
                transmit_section(actor, self.application_id, data.readiness, self)
        static_block(decision_section_html(data), "section").mark("decision")
        interview_section(actor, data, self)
        answer_section(actor, data, self)
        cancel_section(actor, detail)


async def _application_page(actor: Actor, application_id: int) -> None:
    lang = current_language()
    data = await run.io_bound(load_page, actor, application_id, lang)
    if data is None:
        with frame(_("Candidature introuvable")):
            paragraph(_("Cette candidature n'existe pas ou ne vous appartient pas.")).mark("not-found")
            ui.link(_("Retour à mes candidatures"), LIST_PATH)
        return
    with frame(_("Candidature : {label}").format(label=data.detail.summary.program_label)):
        candidate_nav("candidatures", actor=actor, program_id=data.detail.summary.program_id)
        view = ApplicationPage(actor, application_id, lang)
        view.draw_status()
        with ui.element("div").classes("w-full") as view.container:
            await view.draw(data)
        follow_candidate(data.detail.summary.candidate_id, view.redraw)


def register() -> None:
    @page(routes.APPLICATION)
    async def my_application(application_id: int):
        return await as_candidate(_application_page, application_id)
