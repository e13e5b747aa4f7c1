"""« Étiquettes » (/admin/etiquettes): the central office lists, creates, edits and deactivates the tags staff put on
applications, the institution's and each centre's."""

from typing import Any

from nicegui import run, ui
from sqlmodel import Session

from app.db import new_session
from app.i18n import _
from app.models import Tag
from app.services.admin import tags as admin_tags
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.admin_widgets import ListEditor
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import active_text, offer_page
from app.ui.page import page
from app.ui.text import heading

INSTITUTION = 0  # the select's value for « Établissement (toutes les composantes) »


def _scopes(actor: Actor) -> dict[int, str]:
    with new_session() as session:
        return admin_tags.tag_scopes(session, actor=actor)


async def _page(actor: Actor) -> None:
    scopes = await run.io_bound(_scopes, actor)
    institution = _("Établissement (toutes les composantes)")
    editor: ListEditor[Tag] = ListEditor(
        read=lambda session: admin_tags.list_tags(session, actor=actor),
        draw=lambda row: _form(editor, actor, row, {INSTITUTION: institution, **scopes}),
    )
    if not await editor.load():
        return

    def listing() -> None:
        editor.table(
            [_("Étiquette"), _("Couleur"), _("Portée"), _("État"), _("Action")],
            "tags",
            empty=(_("Aucune étiquette pour l'instant."), "no-tag"),
            row_marker=lambda row: f"tag-{row.id}",
            cells=lambda row: [
                row.label,
                row.colour,
                scopes.get(row.centre_id, "") if row.centre_id else institution,
                active_text(row.is_active),
            ],
            button=lambda row: editor.open_button(
                row, _("Modifier"), _("Modifier {label}").format(label=row.label), f"edit-tag-{row.id}"
            ),
        )

    ui.button(_("Nouvelle étiquette"), on_click=lambda: editor.show(admin_tags.new_tag())).props("no-caps").mark(
        "new-tag"
    )
    editor.place(listing)


def _form(editor: ListEditor[Tag], actor: Actor, row: Tag, scopes: dict[int, str]) -> None:
    heading(_("Nouvelle étiquette") if row.id is None else _("Modifier « {label} »").format(label=row.label), 2)
    row.centre_id = row.centre_id or INSTITUTION  # the select shows the institution for no centre
    form = EntityForm(row)
    form.text("label", _("Étiquette"), required=True, hint=_("50 caractères au plus."))
    form.text("colour", _("Couleur"), required=True, hint=_("Au format #RRVVBB, par exemple #3949ab."))
    form.select("centre_id", _("Portée"), scopes, required=True)

    def save(session: Session) -> Tag:
        edited = Tag(
            id=row.id, label=row.label, colour=row.colour, centre_id=row.centre_id or None, version=row.version
        )  # the institution is no centre; the form keeps its own values if the save is refused
        return admin_tags.save_tag(session, actor=actor, tag=edited)

    editor.save_switch_buttons(
        form,
        row,
        save=save,
        switch=lambda session, active: admin_tags.set_tag_active(
            session, actor=actor, tag_id=row.id or 0, expected_version=row.version, active=active
        ),
        saved=lambda saved: _("Étiquette « {label} » enregistrée.").format(label=saved.label),
        switched=lambda active: _("Étiquette réactivée.") if active else _("Étiquette désactivée."),
    )


def register() -> None:
    @page(routes.ADMIN_TAGS)
    async def admin_tags_page() -> Any:
        return await offer_page(
            ADMIN,
            _("Étiquettes"),
            _(
                "Les gestionnaires posent ces étiquettes sur les candidatures. Celles de l'établissement sont "
                "proposées sur toutes les candidatures, celles d'une composante sur les siennes. Une étiquette "
                "désactivée n'est plus proposée ; les candidatures qui la portent la gardent."
            ),
            _page,
        )
