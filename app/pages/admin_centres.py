"""« Centres de candidature » (/admin/centres): the central office creates, edits, deactivates application centres.

Each centre: code, labels, contact, who receives its alerts, the most applications a candidate may hold in it, its
information page, whether its managers may edit its offer, and the default calendar of its new programmes.
"""

from typing import Any

from nicegui import ui

from app.db import transaction
from app.i18n import _
from app.models import ApplicationCentre
from app.services.admin import centres as admin_centres
from app.services.offer import calendar_rules as cal
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.dossier_form import EntityForm, copy_into
from app.ui.offer_admin import (
    active_text,
    cell,
    form_buttons,
    in_transaction,
    label_of,
    load,
    notice,
    offer_page,
    say,
    submit,
    table,
    yes_no,
)
from app.ui.page import page
from app.ui.text import heading, paragraph


def _copy(centre: ApplicationCentre) -> ApplicationCentre:
    return ApplicationCentre.model_validate(centre.model_dump())  # edits stay off the list until saved


def _fields(form: EntityForm) -> None:
    form.text("code", _("Code"), required=True, upper=True, hint=_("Lettres sans accent, chiffres, - _ ."))
    form.text("label_fr", _("Libellé en français"), required=True)
    form.text("label_en", _("Libellé en anglais"), required=True)
    form.text("contact_email", _("Adresse électronique de contact"), required=True, autocomplete="email")
    form.select(
        "alert_recipients",
        _("Destinataires des alertes"),
        {key: _(label) for key, label in admin_centres.ALERT_LABELS.items()},
        required=True,
    )
    form.number(
        "max_applications",
        _("Nombre maximal de candidatures par candidat"),
        hint=_("Vide : la limite de l'établissement s'applique."),
    )
    form.text("info_url", _("Page d'information (adresse web)"))
    form.checkbox(
        "managers_edit_offer",
        _("Les gestionnaires de la composante peuvent modifier son offre (formations, commissions, pièces, questions)"),
    )
    heading(_("Calendrier proposé aux nouvelles formations"), 3)
    paragraph(_("Ces dates pré-remplissent le calendrier d'une formation créée dans cette composante.")).classes(
        "text-sm"
    )
    for name in cal.CHAIN:
        form.moment(cal.DEFAULT_PREFIX + name, _(cal.LABELS[name]))


async def _page(actor: Actor) -> None:
    centres: list[ApplicationCentre] = []

    async def reload() -> None:
        centres[:] = await in_transaction(lambda session: admin_centres.list_centres(session, actor=actor))

    @ui.refreshable
    def listing() -> None:
        if not centres:
            paragraph(_("Aucune composante pour l'instant.")).mark("no-centre")
            return
        headers = [_("Code"), _("Libellé"), _("Contact"), _("Maximum"), _("Offre modifiable"), _("État"), _("Action")]
        with table(headers, "centres"):
            for centre in centres:
                with ui.element("tr").mark(f"centre-{centre.code}"):
                    cell(centre.code)
                    cell(label_of(centre))
                    cell(centre.contact_email)
                    cell(str(centre.max_applications) if centre.max_applications else "—")
                    cell(yes_no(centre.managers_edit_offer))
                    cell(active_text(centre.is_active))
                    with ui.element("td"):
                        ui.button(_("Modifier"), on_click=lambda c=centre: show(_copy(c))).props(
                            "flat dense no-caps"
                        ).mark(f"edit-{centre.code}").props["aria-label"] = _("Modifier la composante {code}").format(
                            code=centre.code
                        )

    loaded = await load(lambda session: admin_centres.list_centres(session, actor=actor))
    if loaded is None:
        return
    centres.extend(loaded)
    ui.button(_("Nouvelle composante"), on_click=lambda: show(admin_centres.new_centre())).props("no-caps").mark(
        "new-centre"
    )
    listing()
    status = notice()
    holder = ui.element("section").classes("w-full")

    def show(centre: ApplicationCentre) -> None:
        holder.clear()
        with holder:
            title = _("Nouvelle composante") if centre.id is None else _("Modifier « {code} »").format(code=centre.code)
            heading(title, 2).mark("form-title")
            form = EntityForm(centre)
            _fields(form)

            async def save() -> None:
                status.set_visibility(False)

                def act() -> ApplicationCentre:
                    with transaction() as session:
                        return admin_centres.save_centre(session, actor=actor, centre=centre)

                saved = await submit(form, act)
                if saved is None:
                    return
                copy_into(centre, saved)
                form.refresh_values()
                await reload()
                listing.refresh()
                say(status, _("Composante « {code} » enregistrée.").format(code=saved.code))
                show(_copy(saved))

            async def switch(active: bool) -> None:
                def act() -> ApplicationCentre:
                    with transaction() as session:
                        return admin_centres.set_centre_active(
                            session,
                            actor=actor,
                            centre_id=centre.id or 0,
                            expected_version=centre.version,
                            active=active,
                        )

                saved = await submit(form, act)
                if saved is None:
                    return
                await reload()
                listing.refresh()
                say(status, _("Composante réactivée.") if active else _("Composante désactivée."))
                show(_copy(saved))

            form_buttons(centre, save, switch, holder.clear)


def register() -> None:
    @page(routes.ADMIN_CENTRES)
    async def admin_centres_page() -> Any:
        return await offer_page(
            ADMIN,
            _("Centres de candidature"),
            _(
                "Une composante reçoit les candidatures de ses formations. Une composante désactivée disparaît "
                "de l'offre ; ses candidatures restent consultables."
            ),
            _page,
        )
