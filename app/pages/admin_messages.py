"""« Messages aux candidats » (/admin/messages): the information or maintenance banners and their windows."""

from typing import Any

from nicegui import ui

from app.db import transaction
from app.i18n import _
from app.models import Announcement, AnnouncementLevel
from app.services import announcements, staff
from app.services.actors import Actor
from app.ui.admin_nav import ADMIN, back_to_admin
from app.ui.dates import format_moment
from app.ui.dossier_form import EntityForm, copy_into
from app.ui.frame import frame
from app.ui.guards import require_staff
from app.ui.offer_admin import active_text, cell, load, notice, say, table, yes_no
from app.ui.session import current_language
from app.ui.text import heading, paragraph


def _copy(row: Announcement) -> Announcement:
    return Announcement.model_validate(row.model_dump())  # edits stay off the list until saved


def _values(row: Announcement) -> dict[str, Any]:
    return {name: getattr(row, name) for name in announcements.EDITABLE_FIELDS}


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


def _page(actor: Actor, writable: bool) -> None:
    rows: list[Announcement] = []

    def reload() -> None:
        with transaction() as session:
            rows[:] = announcements.list_announcements(session, actor=actor)

    @ui.refreshable
    def listing() -> None:
        if not rows:
            paragraph(_("Aucun message pour l'instant.")).mark("no-announcement")
            return
        english = current_language() == "en"
        headers = [_("Type"), _("Message"), _("Période d'affichage"), _("Gestionnaires"), _("État"), _("Action")]
        with table(headers, "announcements"):
            for row in rows:
                with ui.element("tr").mark(f"announcement-{row.id}"):
                    cell(_(announcements.LEVEL_LABELS[row.level]))
                    cell(row.message_en if english else row.message_fr)
                    cell(_period(row))
                    cell(yes_no(row.show_to_staff))
                    cell(active_text(row.is_active))
                    with ui.element("td"):
                        ui.button(
                            _("Modifier") if writable else _("Ouvrir"), on_click=lambda r=row: show(_copy(r))
                        ).props("flat dense no-caps").mark(f"edit-{row.id}").props(
                            f'aria-label="{_("Message n° {id}").format(id=row.id)}"'
                        )

    loaded = load(lambda session: announcements.list_announcements(session, actor=actor))
    if loaded is None:
        return
    rows.extend(loaded)
    if writable:
        ui.button(
            _("Nouveau message"),
            on_click=lambda: show(
                Announcement(level=AnnouncementLevel.INFORMATION, message_fr="", message_en="", is_active=True)
            ),
        ).props("no-caps").mark("new-announcement")
    listing()
    status = notice()
    holder = ui.element("section").classes("w-full")

    def show(row: Announcement) -> None:
        holder.clear()
        with holder:
            heading(_("Nouveau message") if row.id is None else _("Message n° {id}").format(id=row.id), 2).mark(
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

                def act() -> Announcement:
                    with transaction() as session:
                        return announcements.save_announcement(
                            session, actor=actor, announcement_id=row.id, expected_version=version, values=_values(row)
                        )

                saved = form.run(act)
                if saved is None:
                    return
                copy_into(row, saved)
                done(_("Message enregistré."))
                show(_copy(saved))

            def delete() -> None:
                confirm.close()

                def act() -> bool:
                    with transaction() as session:
                        announcements.delete_announcement(
                            session, actor=actor, announcement_id=row.id or 0, expected_version=version
                        )
                    return True

                if form.run(act):
                    holder.clear()
                    done(_("Message supprimé."))

            with ui.dialog() as confirm, ui.card():
                paragraph(
                    _("Supprimer ce message ? Pour le garder sans l'afficher, décochez plutôt « Message actif ».")
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
    @ui.page("/admin/messages")
    def admin_messages_page() -> Any:
        gate = require_staff(*ADMIN)
        if gate.refused:
            return gate.response
        assert gate.actor is not None
        with transaction() as session:
            writable = not staff.current_role(session, actor=gate.actor).read_only
        with frame(_("Messages aux candidats")):
            back_to_admin()
            paragraph(
                _(
                    "Un message actif s'affiche en haut de chaque page des candidats pendant sa période d'affichage "
                    "(et des gestionnaires si vous le demandez). Une maintenance est annoncée comme une alerte."
                )
            )
            if not writable:
                paragraph(_("Votre rôle est en lecture seule : vous pouvez consulter, pas modifier.")).mark("read-only")
            _page(gate.actor, writable)
        return None
