"""« Types de diplôme » (/admin/types-diplome): the central office lists, creates, edits and deactivates them."""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.models import DiplomaType
from app.services.admin import diploma_types as admin_diploma_types
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.admin_widgets import ListEditor
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import active_text, offer_page
from app.ui.page import page
from app.ui.text import heading


async def _page(actor: Actor) -> None:
    editor: ListEditor[DiplomaType] = ListEditor(
        read=lambda session: admin_diploma_types.list_diploma_types(session, actor=actor),
        draw=lambda row: _form(editor, actor, row),
    )
    if not await editor.load():
        return

    def listing() -> None:
        editor.table(
            [_("Ordre"), _("Code"), _("Libellé en français"), _("Libellé en anglais"), _("État"), _("Action")],
            "diploma-types",
            empty=(_("Aucun type de diplôme pour l'instant."), "no-diploma-type"),
            row_marker=lambda row: f"diploma-type-{row.code}",
            cells=lambda row: [
                str(row.display_order),
                row.code,
                row.label_fr,
                row.label_en,
                active_text(row.is_active),
            ],
            button=lambda row: editor.open_button(
                row, _("Modifier"), _("Modifier {code}").format(code=row.code), f"edit-{row.code}"
            ),
        )

    ui.button(_("Nouveau type de diplôme"), on_click=lambda: editor.show(admin_diploma_types.new_diploma_type())).props(
        "no-caps"
    ).mark("new-diploma-type")
    editor.place(listing)


def _form(editor: ListEditor[DiplomaType], actor: Actor, row: DiplomaType) -> None:
    heading(_("Nouveau type de diplôme") if row.id is None else _("Modifier « {code} »").format(code=row.code), 2)
    form = EntityForm(row)
    form.text("code", _("Code"), required=True, upper=True, hint=_("Lettres sans accent, chiffres, - _ ."))
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    form.number("display_order", _("Ordre d'affichage"), hint=_("Les plus petits nombres d'abord."))

    editor.save_switch_buttons(
        form,
        row,
        save=lambda session: admin_diploma_types.save_diploma_type(session, actor=actor, diploma_type=row),
        switch=lambda session, active: admin_diploma_types.set_diploma_type_active(
            session, actor=actor, diploma_type_id=row.id or 0, expected_version=row.version, active=active
        ),
        saved=lambda saved: _("Type de diplôme « {code} » enregistré.").format(code=saved.code),
        switched=lambda active: _("Type de diplôme réactivé.") if active else _("Type de diplôme désactivé."),
    )


def register() -> None:
    @page(routes.ADMIN_DIPLOMA_TYPES)
    async def admin_diploma_types_page() -> Any:
        return await offer_page(
            ADMIN,
            _("Types de diplôme"),
            _(
                "Les formations de l'offre sont classées par type de diplôme. Un type désactivé ne peut plus être "
                "choisi pour une nouvelle formation ; les formations qui l'utilisent le gardent."
            ),
            _page,
        )
