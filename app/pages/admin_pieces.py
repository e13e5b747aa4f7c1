"""« Pièces justificatives » (/admin/pieces): the pieces of the institution, of a centre or of a programme.

``/admin/pieces?cible=KEY`` lists the pieces of one place in their order (move up / down); ``/admin/pieces/ID``
edits one (wording, conditional, shared, template PDF, deactivate or delete); ``/admin/pieces/nouvelle?cible=KEY``
creates one there. Every rule and right is checked by ``app.services.admin.pieces``; the page only hides what
the role may not do.
"""

from typing import Any

from nicegui import events, run, ui

from app.db import transaction
from app.i18n import N_, _, ngettext
from app.models import RequiredDocument
from app.services.admin import Target, target_of
from app.services.admin import pieces as admin_pieces
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.admin_edit import StateTexts, refusal_page, save_button, state_section
from app.ui.admin_scoped import ListTexts, edit_header, open_item, register_scoped_pages, scoped_list_page, status_line
from app.ui.dossier_form import EntityForm
from app.ui.frame import frame
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


def _label(piece: RequiredDocument, lang: str) -> str:
    return piece.label_en if lang == "en" else piece.label_fr


async def _list_page(actor: Actor, key: str) -> None:
    lang = current_language()
    await scoped_list_page(
        actor,
        key,
        path=PATH,
        new=NEW,
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
        load=lambda session, target: admin_pieces.list_pieces(session, actor=actor, target=target),
        move=lambda session, row, offset: admin_pieces.move_piece(
            session, actor=actor, piece_id=row.piece.id or 0, offset=offset
        ),
        cells=lambda r: [
            r.piece.code,
            _label(r.piece, lang),
            _flags(r.piece, r.template_name),
            _("Active") if r.piece.is_active else _("Désactivée"),
            str(r.used_by),
        ],
        label=lambda r: _label(r.piece, lang),
        edit_path=lambda r: f"{PATH}/{r.piece.id}",
    )


async def _edit_page(actor: Actor, key: str, cible: str) -> None:
    creating = key == NEW
    try:
        opened = await open_item(
            actor,
            key,
            cible,
            creating=creating,
            new=lambda target: admin_pieces.PieceRow(admin_pieces.new_piece(target), 0, ""),
            get=lambda session, piece_id: admin_pieces.get_piece(session, actor=actor, piece_id=piece_id),
            target_of_row=lambda row: target_of(row.piece),
        )
    except DomainError as refusal:
        refusal_page(_("Pièce justificative"), refusal)
        return
    row: admin_pieces.PieceRow = opened.row
    piece, target, editable = row.piece, opened.target, opened.editable
    with frame(_("Nouvelle pièce justificative") if creating else _("Pièce justificative")):
        edit_header(
            PATH,
            opened,
            back=_("← Liste des pièces de ce périmètre"),
            read_only=_("Lecture seule : votre rôle ne permet pas de modifier cette pièce."),
        )
        form = EntityForm(piece, read_only=not editable)
        form.text("code", _("Code"), required=True, hint=_("Lettres, chiffres, tirets ; unique dans l'établissement"))
        form.text("label_fr", _("Libellé en français"), required=True)
        form.text("label_en", _("Libellé en anglais"), required=True)
        form.text("help_fr", _("Aide pour le candidat, en français"), textarea=True)
        form.text("help_en", _("Aide pour le candidat, en anglais"), textarea=True)
        form.checkbox("is_conditional", _("Conditionnelle : le candidat peut répondre « Non concerné »"))
        form.checkbox("is_shared", _("Commune : un seul dépôt sert à toutes les candidatures du candidat"))
        save_button(
            form,
            piece,
            admin_pieces.FIELDS,
            lambda session, values: admin_pieces.save_piece(
                session,
                actor=actor,
                piece_id=None if creating else piece.id,
                expected_version=None if creating else piece.version,
                values=values,
                target=target,
            ),
            creating=creating,
            created_path=lambda: f"{PATH}/{piece.id}",
            editable=editable,
        )
        if not creating:
            _template_section(actor, piece, row.template_name, editable)
            _state_section(actor, piece, row.used_by, editable, target)


def _template_section(actor: Actor, piece: RequiredDocument, name: str, editable: bool) -> None:
    state: dict[str, Any] = {"name": name}
    with ui.element("section").classes("w-full mt-6").mark("template-section"):
        heading(_("Modèle à télécharger"), 2)
        paragraph(
            _("Un document PDF que le candidat télécharge, complète et dépose (par exemple un formulaire).")
        ).classes("text-sm")
        error = ui.label("").classes("text-negative").mark("template-error")
        error.props["role"] = "alert"
        notice = status_line("", "template-notice")

        @ui.refreshable
        def current() -> None:
            if not state["name"]:
                paragraph(_("Aucun modèle.")).mark("no-template")
                return
            with ui.row().classes("items-center gap-2"):
                paragraph(_("Modèle actuel : {name}").format(name=state["name"])).mark("template-name")
                ui.button(_("Télécharger"), on_click=download).props("flat dense").mark("template-download")
                if editable:
                    ui.button(_("Retirer le modèle"), on_click=remove).props("flat dense color=negative").mark(
                        "template-remove"
                    )

        async def download() -> None:
            def read() -> tuple[str, bytes]:
                with transaction() as session:
                    return admin_pieces.read_template(session, required_document_id=piece.id or 0)

            try:
                filename, data = await run.io_bound(read)
            except DomainError as refusal:
                error.text = refusal.translate(_)
                return
            ui.download.content(data, filename, "application/pdf")

        def changed(saved: RequiredDocument, new_name: str, message: str) -> None:
            piece.version, piece.template_file_id = saved.version, saved.template_file_id
            state["name"] = new_name
            error.text = ""
            notice.text = message
            current.refresh()

        async def remove() -> None:
            try:
                saved = await in_transaction(
                    lambda session: admin_pieces.remove_template(
                        session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version
                    )
                )
            except DomainError as refusal:
                error.text = refusal.translate(_)
                return
            changed(saved, "", _("Modèle retiré."))

        async def uploaded(event: events.UploadEventArguments) -> None:
            data = await event.file.read()
            filename = event.file.name

            def store() -> tuple[RequiredDocument, str]:
                with transaction() as session:
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
                saved, new_name = await run.io_bound(store)
            except DomainError as refusal:
                error.text = _("{name} : {message}").format(name=filename, message=refusal.translate(_))
                notice.text = ""
                return
            changed(saved, new_name, _("Modèle enregistré."))

        current()
        if editable:
            ui.upload(
                label=_("Déposer un modèle (PDF)"),
                auto_upload=True,
                on_begin_upload=lambda: error.set_text(""),
                on_upload=uploaded,
            ).props('accept=".pdf,application/pdf" flat bordered').classes("w-full max-w-lg").mark("template-upload")


def _state_section(actor: Actor, piece: RequiredDocument, used_by: int, editable: bool, target: Target) -> None:
    def toggle(active: bool) -> RequiredDocument:
        with transaction() as session:
            return admin_pieces.set_piece_active(
                session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version, active=active
            )

    def delete() -> None:
        with transaction() as session:
            admin_pieces.delete_piece(session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version)

    state_section(
        piece,
        StateTexts(
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
        ),
        used=used_by,
        editable=editable,
        toggle=toggle,
        delete=delete,
        after_delete=f"{PATH}?cible={target.key}",
    )


def register() -> None:
    register_scoped_pages(PATH, N_("Pièces justificatives"), _list_page, _edit_page)
