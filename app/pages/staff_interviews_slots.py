"""The timetable on staff's « Entretiens » page: each slot in order (when, where, places, published or not) with
« Publier » / « Retirer de la publication », « Modifier », « Supprimer », and the candidates booked (their dossier,
their number) whose presence or absence staff mark once the interview has started. Each action is one service call
in a worker thread; a refusal (a colleague changed the slot, a rule) is said in the slot's alert line."""

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui
from sqlmodel import Session

from app.db import transaction
from app.i18n import N_, _, ngettext
from app.models import Attendance
from app.pages.staff_interviews_form import slot_form
from app.services.interviews import (
    SlotInput,
    Timetable,
    TimetableSlot,
    mark_attendance,
    remove_slot,
    set_slot_published,
    update_slot,
)
from app.services.platform import Actor, DomainError
from app.ui import routes
from app.ui.dates import format_moment
from app.ui.interview_slots import slot_when, slot_where
from app.ui.tables import scroll_region
from app.ui.text import Text, heading, link_tag, live_paragraph, paragraph, static_block, tag, text_tag

Reload = Callable[[str], Awaitable[None]]
ATTENDANCE = {
    Attendance.EXPECTED: N_("Attendu"),
    Attendance.PRESENT: N_("Présent"),
    Attendance.ABSENT: N_("Absent"),
}


def act(actor: Actor, work: Callable[[Session, Actor], Any]) -> DomainError | None:
    """One staff action in its transaction (a worker thread): its refusal, or None."""
    try:
        with transaction() as session:
            work(session, actor)
    except DomainError as error:
        return error
    return None


def draw_slots(view: Timetable, actor: Actor, reload: Reload) -> None:
    with ui.element("section").mark("interview-timetable"):
        heading(_("Planning des entretiens"), 2)
        if not view.slots:
            paragraph(_("Aucun créneau pour cette formation : ajoutez-en un ci-dessus.")).mark("no-slot")
            return
        for row in view.slots:
            _slot(row, actor, reload, view.can_edit)


def _details_html(row: TimetableSlot) -> str:
    slot = row.slot
    items = [text_tag("li", slot_where(slot))] if slot.place else []
    if slot.video_link:
        items.append(tag("li", link_tag(slot.video_link, slot.video_link)))
    items += [
        text_tag("li", _("Réservés : {booked} sur {capacity}").format(booked=slot.booked, capacity=slot.capacity)),
        text_tag("li", _("Réservations closes le {moment}").format(moment=format_moment(slot.booking_closes_at))),
        text_tag(
            "li",
            _("Publié : visible des candidats présélectionnés")
            if slot.is_published
            else _("Non publié : les candidats ne le voient pas"),
        ),
    ]
    return tag("ul", "".join(items), class_="ec-bullets")


class SlotActions:
    """What a slot's buttons do: run one service call off the loop, then redraw, or say its refusal."""

    def __init__(self, actor: Actor, reload: Reload, alert: Text) -> None:
        self.actor, self.reload, self.alert = actor, reload, alert

    async def attempt(self, work: Callable[[Session, Actor], Any], done: str) -> DomainError | None:
        """The refusal (said by the caller), or None once done and redrawn."""
        refused = await run.io_bound(act, self.actor, work)
        if refused is None:
            await self.reload(done)
        return refused

    async def run(self, work: Callable[[Session, Actor], Any], done: str) -> bool:
        """As ``attempt``, the refusal said in the slot's alert line."""
        refused = await self.attempt(work, done)
        if refused is not None and not self.alert.is_deleted:
            self.alert.text = refused.translate(_)
        return refused is None


def _slot(row: TimetableSlot, actor: Actor, reload: Reload, editable: bool) -> None:
    slot = row.slot
    with ui.element("section").classes("ec-card p-3 my-3").mark(f"slot-{slot.id}"):
        heading(slot_when(slot), 3)
        static_block(_details_html(row))
        alert = live_paragraph(f"slot-{slot.id}-error", alert=True)
        actions = SlotActions(actor, reload, alert)
        if editable:
            _slot_actions(row, actions)
        _candidates(row, actions if editable else None)


def _slot_actions(row: TimetableSlot, actions: SlotActions) -> None:
    slot = row.slot

    async def toggle() -> None:
        publish.disable()

        def work(session: Session, who: Actor) -> None:
            set_slot_published(
                session, actor=who, slot_id=slot.id, version=slot.version, published=not slot.is_published
            )

        if not await actions.run(work, _("Créneau publié.") if not slot.is_published else _("Créneau retiré.")):
            publish.enable()

    with ui.row().classes("gap-2"):
        label = _("Retirer de la publication") if slot.is_published else _("Publier")
        publish = ui.button(label, on_click=toggle).props("outline no-caps").mark(f"slot-{slot.id}-publish")
        ui.button(_("Modifier"), on_click=lambda: _edit_dialog(row, actions).open()).props("outline no-caps").mark(
            f"slot-{slot.id}-edit"
        )
        ui.button(_("Supprimer"), on_click=lambda: _remove_dialog(row, actions).open()).props(
            "outline no-caps color=negative"
        ).mark(f"slot-{slot.id}-remove")


def _edit_dialog(row: TimetableSlot, actions: SlotActions) -> ui.dialog:
    slot = row.slot
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-2xl"):
        dialog.props["aria-labelledby"] = f"slot-{slot.id}-edit-title"
        Text(_("Modifier le créneau"), "h2").props(f"id=slot-{slot.id}-edit-title").classes("text-xl")

        async def save(data: SlotInput, _publish: bool) -> DomainError | None:
            def work(session: Session, who: Actor) -> None:
                update_slot(session, actor=who, slot_id=slot.id, version=slot.version, data=data)

            dialog.close()  # closed first: a saved slot redraws the page, the dialog with it
            refused = await actions.attempt(work, _("Créneau enregistré."))
            if refused is not None:
                dialog.open()
            return refused

        slot_form(save, slot=slot, marker=f"slot-{slot.id}-form")
        ui.button(_("Fermer"), on_click=dialog.close).props("flat no-caps")
    return dialog


def _remove_dialog(row: TimetableSlot, actions: SlotActions) -> ui.dialog:
    slot = row.slot
    with ui.dialog() as dialog, ui.card().mark(f"slot-{slot.id}-remove-dialog"):
        dialog.props["aria-labelledby"] = f"slot-{slot.id}-remove-title"
        Text(_("Supprimer ce créneau ?"), "h2").props(f"id=slot-{slot.id}-remove-title").classes("text-xl")
        if slot.booked:
            paragraph(
                ngettext(
                    "{n} candidat a réservé ce créneau : il sera annulé, le candidat recevra un courriel et pourra "
                    "réserver un autre créneau.",
                    "{n} candidats ont réservé ce créneau : il sera annulé, chacun recevra un courriel et pourra "
                    "réserver un autre créneau.",
                    slot.booked,
                ).format(n=slot.booked)
            )
        else:
            paragraph(_("Personne n'a réservé ce créneau : il sera supprimé."))

        async def confirm() -> None:
            yes.disable()

            def work(session: Session, who: Actor) -> None:
                remove_slot(session, actor=who, slot_id=slot.id, version=slot.version)

            dialog.close()
            await actions.run(work, _("Créneau supprimé."))

        with ui.row().classes("justify-end w-full"):
            ui.button(_("Non, le garder"), on_click=dialog.close).props("flat autofocus no-caps")
            yes = ui.button(_("Oui, supprimer"), on_click=confirm).props("color=negative no-caps")
            yes.mark(f"slot-{slot.id}-remove-confirm")
    return dialog


def _candidates(row: TimetableSlot, actions: SlotActions | None) -> None:
    if not row.candidates:
        paragraph(_("Aucune réservation.")).classes("ec-muted")
        return
    caption = _("Candidats ayant réservé ce créneau")
    with scroll_region(caption), ui.element("table").classes("ec-table").mark(f"slot-{row.slot.id}-candidates"):
        Text(caption, "caption").classes("text-left font-bold")
        with ui.element("thead"), ui.element("tr"):
            for header in (_("Candidat"), _("N° de dossier"), _("Présence")):
                Text(header, "th").props('scope="col"')
        with ui.element("tbody"):
            for person in row.candidates:
                with ui.element("tr").mark(f"booking-{person.booking_id}"):
                    with ui.element("td"):
                        ui.link(person.name, routes.STAFF_APPLICATION.format(application_id=person.application_id))
                    Text(person.dossier_number, "td")
                    with ui.element("td"):
                        _attendance(person, row.started, actions)


def _attendance(person: Any, started: bool, actions: SlotActions | None) -> None:
    ui.label(_(ATTENDANCE[person.attendance])).mark(f"booking-{person.booking_id}-attendance")
    if not started or actions is None:
        return
    for value, label in ((Attendance.PRESENT, _("Marquer présent")), (Attendance.ABSENT, _("Marquer absent"))):
        if value == person.attendance:
            continue

        async def mark(target: Attendance = value) -> None:
            def work(session: Session, who: Actor) -> None:
                mark_attendance(
                    session, actor=who, booking_id=person.booking_id, version=person.version, attendance=target
                )

            await actions.run(work, _("Présence enregistrée : {name}.").format(name=person.name))

        ui.button(label, on_click=mark).props("flat dense no-caps").props(f'aria-label="{label} : {person.name}"').mark(
            f"booking-{person.booking_id}-{value.value}"
        )
