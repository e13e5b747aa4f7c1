"""« Messages aux candidats » (/admin/messages): the information or maintenance banners and their windows."""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.models import Announcement, AnnouncementLevel
from app.services.admin import portal_announcements
from app.services.platform import Actor, announcements
from app.ui import routes
from app.ui.admin_widgets import EditorTexts, RowEditor, institution_page
from app.ui.dates import format_moment
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import active_text, yes_no
from app.ui.page import page
from app.ui.session import current_language


def _period(row: Announcement) -> str:
    start = format_moment(row.starts_at) if row.starts_at else _("dès maintenant")
    end = format_moment(row.ends_at) if row.ends_at else _("sans fin")
    return _("{start} → {end}").format(start=start, end=end)


def _fields(form: EntityForm) -> None:
    levels = {level: _(label) for level, label in announcements.LEVEL_LABELS.items()}
    form.select("level", _("Type de message"), levels, required=True)
    form.text("message_fr", _("Message en français"), required=True, textarea=True, hint=_("1000 caractères au plus."))
    form.text("message_en", _("Message en anglais"), required=True, textarea=True, hint=_("1000 caractères au plus."))
    form.moment("starts_at", _("Début de l'affichage"), hint=_("Heure de Paris. Vide : dès l'enregistrement."))
    form.moment("ends_at", _("Fin de l'affichage"), hint=_("Heure de Paris. Vide : jusqu'à désactivation."))
    form.checkbox("show_to_staff", _("Afficher aussi aux gestionnaires"))
    form.checkbox("is_active", _("Message actif"))


async def _page(actor: Actor, writable: bool) -> None:
    editor: RowEditor[Announcement] = RowEditor(
        actor=actor,
        read=lambda session: portal_announcements.list_announcements(session, actor=actor),
        writable=writable,
        fields=_fields,
        field_names=portal_announcements.EDITABLE_FIELDS,
        id_name="announcement_id",
        save=portal_announcements.save_announcement,
        delete=portal_announcements.delete_announcement,
        texts=EditorTexts(
            new_title=_("Nouveau message"),
            title=_("Message n° {id}"),
            saved=_("Message enregistré."),
            deleted=_("Message supprimé."),
            confirm_delete=_(
                "Supprimer ce message ? Pour le garder sans l'afficher, décochez plutôt « Message actif »."
            ),
        ),
    )

    def listing() -> None:
        english = current_language() == "en"
        editor.table(
            [_("Type"), _("Message"), _("Période d'affichage"), _("Gestionnaires"), _("État"), _("Action")],
            "announcements",
            empty=(_("Aucun message pour l'instant."), "no-announcement"),
            row_marker=lambda row: f"announcement-{row.id}",
            cells=lambda row: [
                _(announcements.LEVEL_LABELS[row.level]),
                row.message_en if english else row.message_fr,
                _period(row),
                yes_no(row.show_to_staff),
                active_text(row.is_active),
            ],
            button=editor.open_row_button,
        )

    if not await editor.load():
        return
    if writable:
        ui.button(
            _("Nouveau message"),
            on_click=lambda: editor.show(
                Announcement(level=AnnouncementLevel.INFORMATION, message_fr="", message_en="", is_active=True)
            ),
        ).props("no-caps").mark("new-announcement")
    editor.place(listing)


def register() -> None:
    @page(routes.ADMIN_MESSAGES)
    async def admin_messages_page() -> Any:
        return await institution_page(
            _("Messages aux candidats"),
            _(
                "Un message actif s'affiche en haut de chaque page des candidats pendant sa période d'affichage "
                "(et des gestionnaires si vous le demandez). Une maintenance est annoncée comme une alerte."
            ),
            _page,
        )
