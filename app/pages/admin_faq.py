"""« Foire aux questions » (/admin/faq): the questions and answers of the candidates' FAQ, in both languages."""

from typing import Any

from nicegui import ui

from app.db import transaction
from app.i18n import _
from app.models import FaqEntry
from app.services import faq, staff
from app.services.actors import Actor
from app.ui.admin_nav import ADMIN, back_to_admin
from app.ui.dossier_form import EntityForm, copy_into
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.offer_admin import cell, load, notice, say, table, yes_no
from app.ui.session import current_language
from app.ui.text import heading, paragraph


def _copy(row: FaqEntry) -> FaqEntry:
    return FaqEntry.model_validate(row.model_dump())  # edits stay off the list until saved


def _values(row: FaqEntry) -> dict[str, Any]:
    return {name: getattr(row, name) for name in faq.EDITABLE_FIELDS}


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


def _page(actor: Actor, writable: bool) -> None:
    rows: list[FaqEntry] = []

    def reload() -> None:
        with transaction() as session:
            rows[:] = faq.list_entries(session, actor=actor)

    @ui.refreshable
    def listing() -> None:
        if not rows:
            paragraph(_("Aucune question pour l'instant.")).mark("no-faq")
            return
        english = current_language() == "en"
        with table([_("Ordre"), _("Question"), _("Affichée"), _("Action")], "faq-entries"):
            for row in rows:
                with ui.element("tr").mark(f"faq-{row.id}"):
                    cell(str(row.display_order))
                    cell(row.question_en if english else row.question_fr)
                    cell(yes_no(row.is_active))
                    with ui.element("td"):
                        ui.button(
                            _("Modifier") if writable else _("Ouvrir"), on_click=lambda r=row: show(_copy(r))
                        ).props("flat dense no-caps").mark(f"edit-{row.id}").props(
                            f'aria-label="{_("Question n° {id}").format(id=row.id)}"'
                        )

    loaded = load(lambda session: faq.list_entries(session, actor=actor))
    if loaded is None:
        return
    rows.extend(loaded)

    def new_entry() -> None:
        with transaction() as session:
            order = faq.next_order(session)
        show(FaqEntry(question_fr="", question_en="", answer_fr="", answer_en="", display_order=order))

    if writable:
        ui.button(_("Nouvelle question"), on_click=new_entry).props("no-caps").mark("new-faq")
    ui.link(_("Voir la page publique"), "/faq").mark("public-faq")
    listing()
    status = notice()
    holder = ui.element("section").classes("w-full")

    def show(row: FaqEntry) -> None:
        holder.clear()
        with holder:
            heading(_("Nouvelle question") if row.id is None else _("Question n° {id}").format(id=row.id), 2).mark(
                "form-title"
            )
            form = EntityForm(row, read_only=not writable)
            _fields(form)
            version = row.version if row.id is not None else None

            def done(message: str) -> None:
                reload()
                listing.refresh()
                say(status, message)

            def save() -> None:
                status.set_visibility(False)

                def act() -> FaqEntry:
                    with transaction() as session:
                        return faq.save_entry(
                            session, actor=actor, entry_id=row.id, expected_version=version, values=_values(row)
                        )

                saved = form.run(act)
                if saved is None:
                    return
                copy_into(row, saved)
                done(_("Question enregistrée."))
                show(_copy(saved))

            def delete() -> None:
                confirm.close()

                def act() -> bool:
                    with transaction() as session:
                        faq.delete_entry(session, actor=actor, entry_id=row.id or 0, expected_version=version)
                    return True

                if form.run(act):
                    holder.clear()
                    done(_("Question supprimée."))

            with ui.dialog() as confirm, ui.card():
                paragraph(
                    _(
                        "Supprimer cette question ? Pour la garder sans l'afficher, "
                        "décochez plutôt « Affichée aux candidats »."
                    )
                )
                with ui.row():
                    ui.button(_("Supprimer"), on_click=delete).props("no-caps color=negative").mark("confirm-delete")
                    ui.button(_("Annuler"), on_click=confirm.close).props("flat no-caps")
            if writable:
                with ui.row().classes("gap-2 mt-2"):
                    ui.button(_("Enregistrer"), on_click=save).props("no-caps").mark("save")
                    if row.id is not None:
                        ui.button(_("Supprimer…"), on_click=confirm.open).props("no-caps outline color=negative").mark(
                            "delete"
                        )
                    ui.button(_("Fermer"), on_click=holder.clear).props("flat no-caps").mark("cancel")


def register() -> None:
    @ui.page("/admin/faq")
    def admin_faq_page() -> Any:
        gate = require_staff(*ADMIN)
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        with transaction() as session:
            writable = not staff.current_role(session, actor=gate.actor).read_only
        with frame(_("Foire aux questions")):
            back_to_admin()
            paragraph(
                _(
                    "Les questions actives s'affichent aux candidats sur la page « Foire aux questions », "
                    "dans leur langue."
                )
            )
            if not writable:
                paragraph(_("Votre rôle est en lecture seule : vous pouvez consulter, pas modifier.")).mark("read-only")
            _page(gate.actor, writable)
        return None
