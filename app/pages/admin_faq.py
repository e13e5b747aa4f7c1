"""« Foire aux questions » (/admin/faq): the questions and answers of the candidates' FAQ, in both languages."""

from typing import Any

from nicegui import ui

from app.i18n import _
from app.models import FaqEntry
from app.services.offer import faq
from app.services.platform import Actor
from app.ui import routes
from app.ui.admin_widgets import EditorTexts, RowEditor, institution_page
from app.ui.dossier_form import EntityForm
from app.ui.offer_admin import in_transaction, yes_no
from app.ui.page import page
from app.ui.session import current_language


def _fields(form: EntityForm) -> None:
    form.text("question_fr", _("Question en français"), required=True)
    form.text("answer_fr", _("Réponse en français"), required=True, textarea=True)
    form.text("question_en", _("Question en anglais"), required=True)
    form.text("answer_en", _("Réponse en anglais"), required=True, textarea=True)
    form.number(
        "display_order",
        _("Ordre d'affichage"),
        hint=_("Les questions s'affichent de la plus petite valeur à la plus grande."),
    )
    form.checkbox("is_active", _("Affichée aux candidats"))


async def _page(actor: Actor, writable: bool) -> None:
    editor: RowEditor[FaqEntry] = RowEditor(
        actor=actor,
        read=lambda session: faq.list_entries(session, actor=actor),
        writable=writable,
        fields=_fields,
        field_names=faq.EDITABLE_FIELDS,
        id_name="entry_id",
        save=faq.save_entry,
        delete=faq.delete_entry,
        texts=EditorTexts(
            new_title=_("Nouvelle question"),
            title=_("Question n° {id}"),
            saved=_("Question enregistrée."),
            deleted=_("Question supprimée."),
            confirm_delete=_(
                "Supprimer cette question ? Pour la garder sans l'afficher, décochez plutôt « Affichée aux candidats »."
            ),
        ),
    )

    def listing() -> None:
        english = current_language() == "en"
        editor.table(
            [_("Ordre"), _("Question"), _("Affichée"), _("Action")],
            "faq-entries",
            empty=(_("Aucune question pour l'instant."), "no-faq"),
            row_marker=lambda row: f"faq-{row.id}",
            cells=lambda row: [
                str(row.display_order),
                row.question_en if english else row.question_fr,
                yes_no(row.is_active),
            ],
            button=editor.open_row_button,
        )

    if not await editor.load():
        return

    async def new_entry() -> None:
        order = await in_transaction(faq.next_order)
        editor.show(FaqEntry(question_fr="", question_en="", answer_fr="", answer_en="", display_order=order))

    if writable:
        ui.button(_("Nouvelle question"), on_click=new_entry).props("no-caps").mark("new-faq")
    ui.link(_("Voir la page publique"), routes.FAQ).mark("public-faq")
    editor.place(listing)


def register() -> None:
    @page(routes.ADMIN_FAQ)
    async def admin_faq_page() -> Any:
        return await institution_page(
            _("Foire aux questions"),
            _("Les questions actives s'affichent aux candidats sur la page « Foire aux questions », dans leur langue."),
            _page,
        )
