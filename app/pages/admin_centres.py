"""« Centres de candidature » (/admin/centres): the central office creates, edits, deactivates application centres.

Each centre: code, labels, contact, who receives its alerts, the most applications a candidate may hold in it, its
information page, whether its managers may edit its offer, and the default calendar of its new programmes.
"""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.models import ApplicationCentre
from app.services.admin import centres as admin_centres
from app.services.offer import calendar_rules as cal
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_nav import ADMIN
from app.ui.admin_widgets import ListEditor
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import active_text, label_of, offer_page, yes_no
from app.ui.page import page
from app.ui.text import heading, paragraph


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
        hint=_(
            "Reçoivent en copie les alertes des commissions de la composante, pour les événements que chaque "
            "commission a choisis."
        ),
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
    editor: ListEditor[ApplicationCentre] = ListEditor(
        read=lambda session: admin_centres.list_centres(session, actor=actor),
        draw=lambda row: _form(editor, actor, row),
    )
    if not await editor.load():
        return
    ui.button(_("Nouvelle composante"), on_click=lambda: editor.show(admin_centres.new_centre())).props("no-caps").mark(
        "new-centre"
    )

    def listing() -> None:
        editor.table(
            [_("Code"), _("Libellé"), _("Contact"), _("Maximum"), _("Offre modifiable"), _("État"), _("Action")],
            "centres",
            empty=(_("Aucune composante pour l'instant."), "no-centre"),
            row_marker=lambda centre: f"centre-{centre.code}",
            cells=lambda centre: [
                centre.code,
                label_of(centre),
                centre.contact_email,
                str(centre.max_applications) if centre.max_applications else "—",
                yes_no(centre.managers_edit_offer),
                active_text(centre.is_active),
            ],
            button=lambda centre: editor.open_button(
                centre,
                _("Modifier"),
                _("Modifier la composante {code}").format(code=centre.code),
                f"edit-{centre.code}",
            ),
        )

    editor.place(listing)


def _form(editor: ListEditor[ApplicationCentre], actor: Actor, centre: ApplicationCentre) -> None:
    title = _("Nouvelle composante") if centre.id is None else _("Modifier « {code} »").format(code=centre.code)
    heading(title, 2).mark("form-title")
    form = EntityForm(centre)
    _fields(form)

    editor.save_switch_buttons(
        form,
        centre,
        save=lambda session: admin_centres.save_centre(session, actor=actor, centre=centre),
        switch=lambda session, active: admin_centres.set_centre_active(
            session, actor=actor, centre_id=centre.id or 0, expected_version=centre.version, active=active
        ),
        saved=lambda saved: _("Composante « {code} » enregistrée.").format(code=saved.code),
        switched=lambda active: _("Composante réactivée.") if active else _("Composante désactivée."),
    )


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
