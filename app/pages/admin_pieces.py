"""« Pièces justificatives » (/admin/pieces): the pieces of the institution, of a centre or of a programme.

``/admin/pieces?cible=KEY`` lists the pieces of one place in their order (move up / down); ``/admin/pieces/ID``
edits one (wording, conditional, shared, template PDF, deactivate or delete); ``/admin/pieces/nouvelle?cible=KEY``
creates one there. Every rule and right is checked by ``app.services.admin_pieces``; the page only hides what
the role may not do.
"""

from typing import Any

from nicegui import events, run, ui

from app.db import transaction
from app.i18n import _
from app.models import RequiredDocument
from app.services import admin_pieces, admin_scoped
from app.services.actors import Actor
from app.services.admin_scoped import INSTITUTION, Target, target_of
from app.services.errors import DomainError, NotFound
from app.ui.admin_nav import back_to_admin
from app.ui.admin_scoped import option_label, ordered_table, status_line, target_picker
from app.ui.dossier_form import EntityForm, copy_into, saved_notice
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.session import current_language
from app.ui.text import heading, paragraph

PATH = "/admin/pieces"
NEW = "nouvelle"


def _flags(piece: RequiredDocument, template_name: str) -> str:
    flags = [_("Conditionnelle (« Non concerné » possible)") if piece.is_conditional else _("Obligatoire")]
    if piece.is_shared:
        flags.append(_("Commune à toutes les candidatures"))
    if template_name:
        flags.append(_("Modèle : {name}").format(name=template_name))
    return " ; ".join(flags)


def _list_page(actor: Actor, key: str) -> None:
    lang = current_language()
    with transaction() as session:
        options = admin_scoped.target_options(session, actor=actor)
    if not key:  # first visit: the first place the role may edit (a centre manager's own centre)
        key = next((o.key for o in options if o.editable), INSTITUTION.key)
    target = Target.parse(key) or INSTITUTION
    option = next((o for o in options if o.key == target.key), None)
    with frame(_("Pièces justificatives")):
        back_to_admin()
        paragraph(
            _(
                "Une candidature demande les pièces de l'établissement, celles de son centre et celles de sa "
                "formation, dans cet ordre. Une pièce déjà fournie par des candidats ne se supprime pas : "
                "désactivez-la."
            )
        )
        target_picker(options, target.key, PATH, lang)
        if option is None:
            paragraph(_("Vous n'avez pas accès à ce périmètre.")).mark("refusal")
            return
        heading(_("Pièces : {place}").format(place=option_label(option, lang).lstrip("— ")), 2)
        if option.editable:
            ui.link(_("Ajouter une pièce"), f"{PATH}/{NEW}?cible={target.key}").mark("add-piece")
        else:
            paragraph(_("Lecture seule : votre rôle ne permet pas de modifier ces pièces.")).mark("read-only")
        notice = status_line("", "list-notice")
        error = ui.label("").classes("text-negative").mark("list-error")
        error.props["role"] = "alert"

        @ui.refreshable
        def table() -> None:
            try:
                with transaction() as session:
                    rows = admin_pieces.list_pieces(session, actor=actor, target=target)
            except DomainError as refusal:
                paragraph(refusal.translate(_)).mark("refusal")
                return
            if not rows:
                paragraph(_("Aucune pièce pour ce périmètre.")).mark("no-piece")
                return

            def move(row: admin_pieces.PieceRow, offset: int) -> None:
                try:
                    with transaction() as session:
                        admin_pieces.move_piece(session, actor=actor, piece_id=row.piece.id or 0, offset=offset)
                except DomainError as refusal:
                    error.text = refusal.translate(_)
                    return
                error.text = ""
                notice.text = _("Ordre enregistré.")
                table.refresh()

            ordered_table(
                "pieces",
                [_("Code"), _("Libellé"), _("Caractéristiques"), _("État"), _("Candidatures")],
                rows,
                cells=lambda r: [
                    r.piece.code,
                    r.piece.label_en if lang == "en" else r.piece.label_fr,
                    _flags(r.piece, r.template_name),
                    _("Active") if r.piece.is_active else _("Désactivée"),
                    str(r.used_by),
                ],
                label=lambda r: r.piece.label_en if lang == "en" else r.piece.label_fr,
                edit_path=lambda r: f"{PATH}/{r.piece.id}",
                on_move=move if option.editable else None,
            )

        table()


def _edit_page(actor: Actor, key: str, cible: str) -> None:
    lang = current_language()
    creating = key == NEW
    try:
        with transaction() as session:
            if creating:
                target = Target.parse(cible)
                if target is None:
                    raise NotFound("target")
                admin_scoped.require_target(session, actor=actor, target=target, write=True)
                row = admin_pieces.PieceRow(admin_pieces.new_piece(target), 0, "")
            else:
                row = admin_pieces.get_piece(session, actor=actor, piece_id=int(key) if key.isdigit() else 0)
                target = target_of(row.piece)
            place = admin_scoped.describe(session, target, lang)
            editable = admin_scoped.can_edit(session, actor=actor, target=target)
    except DomainError as refusal:
        with frame(_("Pièce justificative")):
            back_to_admin()
            paragraph(refusal.translate(_)).mark("refusal")
        return
    piece = row.piece
    with frame(_("Nouvelle pièce justificative") if creating else _("Pièce justificative")):
        back_to_admin()
        ui.link(_("← Liste des pièces de ce périmètre"), f"{PATH}?cible={target.key}").mark("back-to-list")
        paragraph(_("Périmètre : {place}").format(place=place or _("Établissement (toutes les formations)"))).mark(
            "place"
        )
        if not editable:
            paragraph(_("Lecture seule : votre rôle ne permet pas de modifier cette pièce.")).mark("read-only")
        form = EntityForm(piece, read_only=not editable)
        form.text("code", _("Code"), required=True, hint=_("Lettres, chiffres, tirets ; unique dans l'établissement"))
        form.text("label_fr", _("Libellé en français"), required=True)
        form.text("label_en", _("Libellé en anglais"), required=True)
        form.text("help_fr", _("Aide pour le candidat, en français"), textarea=True)
        form.text("help_en", _("Aide pour le candidat, en anglais"), textarea=True)
        form.checkbox("is_conditional", _("Conditionnelle : le candidat peut répondre « Non concerné »"))
        form.checkbox("is_shared", _("Commune : un seul dépôt sert à toutes les candidatures du candidat"))
        notice = saved_notice(_("Enregistré."))

        def save() -> bool:
            values = {name: getattr(piece, name) for name in admin_pieces.FIELDS}
            with transaction() as session:
                saved = admin_pieces.save_piece(
                    session,
                    actor=actor,
                    piece_id=None if creating else piece.id,
                    expected_version=None if creating else piece.version,
                    values=values,
                    target=target,
                )
            copy_into(piece, saved)
            return True

        def on_save() -> None:
            notice.set_visibility(False)
            if not form.run(save):
                return
            if creating:
                ui.navigate.to(f"{PATH}/{piece.id}")
                return
            form.refresh_values()
            notice.set_visibility(True)

        if editable:
            ui.button(_("Enregistrer"), on_click=on_save).props("color=primary").mark("save")
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

        def remove() -> None:
            try:
                with transaction() as session:
                    saved = admin_pieces.remove_template(
                        session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version
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
                error.text = f"{filename} : {refusal.translate(_)}"
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
    with ui.element("section").classes("w-full mt-6").mark("state-section"):
        heading(_("Disponibilité"), 2)
        error = ui.label("").classes("text-negative").mark("state-error")
        error.props["role"] = "alert"

        @ui.refreshable
        def body() -> None:
            paragraph(
                _("Active : demandée aux candidats.")
                if piece.is_active
                else _("Désactivée : plus demandée ; ce qui a déjà été fourni reste consultable.")
            ).mark("state")
            if used_by:
                paragraph(
                    _("Fournie dans {count} candidature(s) : elle ne peut pas être supprimée.").format(count=used_by)
                ).mark("used-by")
            if not editable:
                return
            with ui.row():
                if piece.is_active:
                    ui.button(_("Désactiver"), on_click=lambda: toggle(False)).props("outline").mark("deactivate")
                else:
                    ui.button(_("Réactiver"), on_click=lambda: toggle(True)).props("outline").mark("activate")
                if not used_by:
                    ui.button(_("Supprimer"), on_click=confirm_delete).props("outline color=negative").mark("delete")

        def toggle(active: bool) -> None:
            try:
                with transaction() as session:
                    saved = admin_pieces.set_piece_active(
                        session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version, active=active
                    )
            except DomainError as refusal:
                error.text = refusal.translate(_)
                return
            piece.version, piece.is_active = saved.version, saved.is_active
            error.text = ""
            ui.notify(_("Pièce réactivée.") if active else _("Pièce désactivée."), type="positive")
            body.refresh()

        def delete() -> None:
            try:
                with transaction() as session:
                    admin_pieces.delete_piece(
                        session, actor=actor, piece_id=piece.id or 0, expected_version=piece.version
                    )
            except DomainError as refusal:
                error.text = refusal.translate(_)
                dialog.close()
                return
            ui.navigate.to(f"{PATH}?cible={target.key}")

        with ui.dialog() as dialog, ui.card():
            paragraph(_("Supprimer définitivement cette pièce ?"))
            with ui.row():
                ui.button(_("Supprimer"), on_click=delete).props("color=negative").mark("confirm-delete")
                ui.button(_("Annuler"), on_click=dialog.close).props("flat")

        def confirm_delete() -> None:
            dialog.open()

        body()


def register() -> None:
    @ui.page(PATH)
    def admin_pieces_list(cible: str = "") -> Any:
        gate = require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        try:
            _list_page(gate.actor, cible)
        except DomainError as refusal:
            with frame(_("Pièces justificatives")):
                back_to_admin()
                paragraph(refusal.translate(_)).mark("refusal")
        return None

    @ui.page(PATH + "/{key}")
    def admin_piece_edit(key: str, cible: str = "") -> Any:
        gate = require_staff()
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        _edit_page(gate.actor, key, cible)
        return None
