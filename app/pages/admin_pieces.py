"""« Pièces justificatives » (/admin/pieces): the pieces of the institution, of a centre or of a programme.

``/admin/pieces?cible=KEY`` lists the pieces of one place in their order (move up / down); ``/admin/pieces/ID``
edits one (wording, conditional, shared, template PDF, deactivate or delete); ``/admin/pieces/nouvelle?cible=KEY``
creates one there. Every rule and right is checked by ``app.services.admin.pieces``; the page only hides what
the role may not do.
"""

from nicegui import events, ui
from sqlmodel import Session

from app.i18n import N_, _, ngettext
from app.models import RequiredDocument
from app.services.admin import pieces as admin_pieces
from app.services.platform import Actor, DomainError, label_in
from app.ui import routes
from app.ui.admin_edit import EntityActions, StateTexts
from app.ui.admin_scoped import ItemScreen, ListTexts, register_scoped_pages, scoped_list_page, status_line
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import in_transaction
from app.ui.session import current_language
from app.ui.text import heading, paragraph

PATH = routes.ADMIN_PIECES
NEW = "nouvelle"


def _flags(piece: RequiredDocument, template_name: str) -> str:
    flags = [_("Conditionnelle (« Non concerné » possible)") if piece.is_conditional else _("Obligatoire")]
    if piece.is_shared:
        flags.append(_("Commune à toutes les candidatures"))
    if template_name:
        flags.append(_("Modèle : {name}").format(name=template_name))
    return " ; ".join(flags)


async def _list_page(actor: Actor, key: str) -> None:
    lang = current_language()
    await scoped_list_page(
        actor,
        key,
        SCREEN,
        texts=ListTexts(
            title=_("Pièces justificatives"),
            intro=_(
                "Une candidature demande les pièces de l'établissement, celles de son centre et celles de sa "
                "formation, dans cet ordre. Une pièce déjà fournie par des candidats ne se supprime pas : "
                "désactivez-la."
            ),
            heading=_("Pièces : {place}"),
            add=_("Ajouter une pièce"),
            add_marker="add-piece",
            read_only=_("Lecture seule : votre rôle ne permet pas de modifier ces pièces."),
            empty=_("Aucune pièce pour ce périmètre."),
            empty_marker="no-piece",
        ),
        marker="pieces",
        headers=[_("Code"), _("Libellé"), _("Caractéristiques"), _("État"), _("Candidatures")],
        cells=lambda r: [
            r.piece.code,
            label_in(r.piece, lang),
            _flags(r.piece, r.template_name),
            _("Active") if r.piece.is_active else _("Désactivée"),
            str(r.used_by),
        ],
    )


def _fields(form: EntityForm) -> None:
    form.text("code", _("Code"), required=True, hint=_("Lettres, chiffres, tirets ; unique dans l'établissement"))
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    form.text("help_fr", _("Aide pour le candidat, en français"), textarea=True)
    form.text("help_en", _("Aide pour le candidat, en anglais"), textarea=True)
    form.checkbox("is_conditional", _("Conditionnelle : le candidat peut répondre « Non concerné »"))
    form.checkbox("is_shared", _("Commune : un seul dépôt sert à toutes les candidatures du candidat"))


def _state_texts(used_by: int) -> StateTexts:
    return StateTexts(
        active=_("Active : demandée aux candidats."),
        inactive=_("Désactivée : plus demandée ; ce qui a déjà été fourni reste consultable."),
        used=ngettext(
            "Fournie dans {count} candidature : elle ne peut pas être supprimée.",
            "Fournie dans {count} candidatures : elle ne peut pas être supprimée.",
            used_by,
        ).format(count=used_by),
        used_marker="used-by",
        activated=_("Pièce réactivée."),
        deactivated=_("Pièce désactivée."),
        confirm=_("Supprimer définitivement cette pièce ?"),
    )


SCREEN = ItemScreen(
    path=PATH,
    new=NEW,
    title=N_("Pièce justificative"),
    new_title=N_("Nouvelle pièce justificative"),
    back=N_("← Liste des pièces de ce périmètre"),
    read_only=N_("Lecture seule : votre rôle ne permet pas de modifier cette pièce."),
    rows=admin_pieces.list_pieces,
    move=admin_pieces.move_piece,
    new_row=lambda target: admin_pieces.PieceRow(admin_pieces.new_piece(target), 0, ""),
    get=lambda session, actor, piece_id: admin_pieces.get_piece(session, actor=actor, piece_id=piece_id),
    item=lambda row: row.piece,
    used=lambda row: row.used_by,
    fields=_fields,
    field_names=admin_pieces.FIELDS,
    actions=EntityActions(
        "piece_id", admin_pieces.save_piece, admin_pieces.set_piece_active, admin_pieces.delete_piece
    ),
    state_texts=_state_texts,
    after_form=lambda actor, row, editable: _template_section(actor, row.piece, row.template_name, editable),
)


def _template_section(actor: Actor, piece: RequiredDocument, name: str, editable: bool) -> None:
    with ui.element("section").classes("w-full mt-6").mark("template-section"):
        heading(_("Modèle à télécharger"), 2)
        paragraph(
            _("Un document PDF que le candidat télécharge, complète et dépose (par exemple un formulaire).")
        ).classes("text-sm")
        section = _TemplateSection(actor, piece, name, editable)
        section.current()
        if editable:
            ui.upload(
                label=_("Déposer un modèle (PDF)"),
                auto_upload=True,
                on_begin_upload=lambda: section.error.set_text(""),
                on_upload=section.uploaded,
            ).props('accept=".pdf,application/pdf" flat bordered').classes("w-full max-w-lg").mark("template-upload")


class _TemplateSection:
    """The piece's template: its name, « Télécharger », « Retirer le modèle » and the upload's outcome."""

    def __init__(self, actor: Actor, piece: RequiredDocument, name: str, editable: bool) -> None:
        self.actor, self.piece, self.name, self.editable = actor, piece, name, editable
        self.error = ui.label("").classes("text-negative").mark("template-error")
        self.error.props["role"] = "alert"
        self.notice = status_line("", "template-notice")
        self.current = ui.refreshable(self._current)

    def _current(self) -> None:
        if not self.name:
            paragraph(_("Aucun modèle.")).mark("no-template")
            return
        with ui.row().classes("items-center gap-2"):
            paragraph(_("Modèle actuel : {name}").format(name=self.name)).mark("template-name")
            ui.button(_("Télécharger"), on_click=self.download).props("flat dense").mark("template-download")
            if self.editable:
                ui.button(_("Retirer le modèle"), on_click=self.remove).props("flat dense color=negative").mark(
                    "template-remove"
                )

    async def download(self) -> None:
        piece_id = self.piece.id or 0
        try:
            filename, data = await in_transaction(
                lambda session: admin_pieces.read_template(session, required_document_id=piece_id)
            )
        except DomainError as refusal:
            self.error.text = refusal.translate(_)
            return
        ui.download.content(data, filename, "application/pdf")

    def changed(self, saved: RequiredDocument, new_name: str, message: str) -> None:
        self.piece.version, self.piece.template_file_id = saved.version, saved.template_file_id
        self.name = new_name
        self.error.text = ""
        self.notice.text = message
        self.current.refresh()

    async def remove(self) -> None:
        piece, actor = self.piece, self.actor
        try:
            saved = await in_transaction(
                lambda session: admin_pieces.remove_template(
                    session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version
                )
            )
        except DomainError as refusal:
            self.error.text = refusal.translate(_)
            return
        self.changed(saved, "", _("Modèle retiré."))

    async def uploaded(self, event: events.UploadEventArguments) -> None:
        data = await event.file.read()
        filename = event.file.name
        piece, actor = self.piece, self.actor

        def store(session: Session) -> tuple[RequiredDocument, str]:
            saved = admin_pieces.set_template(
                session,
                actor=actor,
                piece_id=piece.id or 0,
                expected_version=piece.version,
                filename=filename,
                data=data,
            )
            return saved, admin_pieces.get_piece(session, actor=actor, piece_id=piece.id or 0).template_name

        try:
            saved, new_name = await in_transaction(store)
        except DomainError as refusal:
            self.error.text = _("{name} : {message}").format(name=filename, message=refusal.translate(_))
            self.notice.text = ""
            return
        self.changed(saved, new_name, _("Modèle enregistré."))


def register() -> None:
    register_scoped_pages(N_("Pièces justificatives"), _list_page, SCREEN)
