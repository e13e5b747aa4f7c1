"""« Types de diplôme » (/admin/types-diplome): the central office lists, creates, edits and deactivates them."""

from typing import Any

from nicegui import ui

from app.db import transaction
from app.i18n import _
from app.models import DiplomaType
from app.services.admin import diploma_types as admin_diploma_types
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import (
    active_text,
    cell,
    form_buttons,
    in_transaction,
    load,
    notice,
    offer_page,
    say,
    submit,
    table,
)
from app.ui.page import page
from app.ui.text import heading, paragraph


def _copy(row: DiplomaType) -> DiplomaType:
    return DiplomaType.model_validate(row.model_dump())


async def _page(actor: Actor) -> None:
    loaded = await load(lambda session: admin_diploma_types.list_diploma_types(session, actor=actor))
    if loaded is None:
        return
    rows: list[DiplomaType] = list(loaded)

    async def reload() -> None:
        rows[:] = await in_transaction(lambda session: admin_diploma_types.list_diploma_types(session, actor=actor))
        listing.refresh()

    @ui.refreshable
    def listing() -> None:
        if not rows:
            paragraph(_("Aucun type de diplôme pour l'instant.")).mark("no-diploma-type")
            return
        headers = [_("Ordre"), _("Code"), _("Libellé en français"), _("Libellé en anglais"), _("État"), _("Action")]
        with table(headers, "diploma-types"):
            for row in rows:
                with ui.element("tr").mark(f"diploma-type-{row.code}"):
                    cell(str(row.display_order))
                    cell(row.code)
                    cell(row.label_fr)
                    cell(row.label_en)
                    cell(active_text(row.is_active))
                    with ui.element("td"):
                        edit = ui.button(_("Modifier"), on_click=lambda r=row: show(_copy(r))).props(
                            "flat dense no-caps"
                        )
                        edit.mark(f"edit-{row.code}").props["aria-label"] = _("Modifier {code}").format(code=row.code)

    ui.button(_("Nouveau type de diplôme"), on_click=lambda: show(admin_diploma_types.new_diploma_type())).props(
        "no-caps"
    ).mark("new-diploma-type")
    listing()
    status = notice()
    holder = ui.element("section").classes("w-full")

    def show(row: DiplomaType) -> None:
        holder.clear()
        with holder:
            heading(
                _("Nouveau type de diplôme") if row.id is None else _("Modifier « {code} »").format(code=row.code), 2
            )
            form = EntityForm(row)
            form.text("code", _("Code"), required=True, upper=True, hint=_("Lettres sans accent, chiffres, - _ ."))
            form.text("label_fr", _("Libellé en français"), required=True)
            form.text("label_en", _("Libellé en anglais"), required=True)
            form.number("display_order", _("Ordre d'affichage"), hint=_("Les plus petits nombres d'abord."))

            async def done(saved: DiplomaType | None, text: str) -> None:
                if saved is None:
                    return
                await reload()
                say(status, text)
                show(_copy(saved))

            async def save() -> None:
                def act() -> DiplomaType:
                    with transaction() as session:
                        return admin_diploma_types.save_diploma_type(session, actor=actor, diploma_type=row)

                saved = await submit(form, act)
                await done(saved, _("Type de diplôme « {code} » enregistré.").format(code=saved.code) if saved else "")

            async def switch(active: bool) -> None:
                def act() -> DiplomaType:
                    with transaction() as session:
                        return admin_diploma_types.set_diploma_type_active(
                            session,
                            actor=actor,
                            diploma_type_id=row.id or 0,
                            expected_version=row.version,
                            active=active,
                        )

                saved = await submit(form, act)
                await done(saved, _("Type de diplôme réactivé.") if active else _("Type de diplôme désactivé."))

            form_buttons(row, save, switch, holder.clear)


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
