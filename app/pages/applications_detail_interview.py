"""« Entretien » on a shortlisted application's page: the booked slot (day, Paris hours, place or link, until when it
may change), the published slots with places left as a radio group with labels (keyboard and screen reader: one
tab stop, arrows between slots), « Réserver ce créneau » / « Changer pour ce créneau » and « Annuler ma
réservation ». Every rule is in ``services/interviews/booking``; the actions run off the event loop."""

from nicegui import run, ui

from app.db import transaction
from app.i18n import N_, _
from app.pages.applications_detail_load import PageActions, PageData, act
from app.services.interviews import InterviewView, book_slot, cancel_booking
from app.services.platform import Actor, DomainError
from app.ui.interview_slots import closes_text, slot_choice, slot_when
from app.ui.text import Text, link_tag, live_paragraph, static_block, tag, text_tag

ATTENDANCE = {"present": N_("Présence notée par la commission."), "absent": N_("Absence notée par la commission.")}


def _book_now(actor: Actor, application_id: int, slot_id: int) -> None:
    with transaction() as session:
        book_slot(session, actor=actor, application_id=application_id, slot_id=slot_id)


def _cancel_now(actor: Actor, application_id: int) -> None:
    with transaction() as session:
        cancel_booking(session, actor=actor, application_id=application_id)


def booked_html(view: InterviewView) -> str:
    """The booked slot, or what the candidate has to do."""
    parts = [text_tag("h2", _("Entretien"), id="interview-title")]
    booked = view.booked
    if booked is None:
        if not view.offered:
            parts.append(
                text_tag(
                    "p",
                    _("Aucun créneau d'entretien n'est ouvert à la réservation pour le moment."),
                    data_mark="interview-none",
                )
            )
        else:
            parts.append(text_tag("p", _("Choisissez votre créneau d'entretien ci-dessous.")))
        return "".join(parts)
    lines = [
        text_tag("li", slot_when(booked)),
        *([text_tag("li", _("Lieu : {place}").format(place=booked.place))] if booked.place else []),
    ]
    if booked.video_link:
        lines.append(
            tag("li", text_tag("span", _("Visioconférence :") + " ") + link_tag(booked.video_link, booked.video_link))
        )
    parts += [
        text_tag("p", _("Votre créneau réservé :"), class_="font-bold"),
        tag("ul", "".join(lines), class_="ec-bullets", data_mark="interview-booked"),
        text_tag("p", closes_text(booked) if view.can_change else _("Ce créneau ne peut plus être changé.")),
    ]
    if view.attendance in ATTENDANCE:
        parts.append(text_tag("p", _(ATTENDANCE[view.attendance]), data_mark="interview-attendance"))
    return "".join(parts)


def interview_section(actor: Actor, data: PageData, page: PageActions) -> None:
    view = data.interview
    if view is None:
        return
    with ui.element("section").mark("interview"):
        static_block(booked_html(view))
        if actor.read_only:
            return
        if view.can_book:
            _choice(actor, view, page)
        if view.booked is not None and view.can_change:
            _cancel_button(actor, view, page)


def _choice(actor: Actor, view: InterviewView, page: PageActions) -> None:
    title = _("Changer de créneau") if view.booked else _("Réserver un créneau")
    Text(title, "h3").props("id=interview-choice-title").classes("text-lg")
    options = {slot.id: slot_choice(slot) for slot in view.offered}
    choice = ui.radio(options).mark("interview-slots")
    choice.props["role"] = "radiogroup"
    choice.props["aria-labelledby"] = "interview-choice-title"
    error = live_paragraph("interview-error", alert=True)
    label = _("Changer pour ce créneau") if view.booked else _("Réserver ce créneau")

    async def book() -> None:
        if choice.value is None:
            error.text = _("Choisissez un créneau dans la liste, puis validez.")
            return
        button.disable()  # a double click books once; the service returns the booking made anyway
        error.text = ""
        try:
            await run.io_bound(_book_now, actor, view.application_id, int(choice.value))
        except DomainError as refused:
            error.text = refused.translate(_)
            page.refuse(error.text)
            button.enable()
            return
        page.announce(_("Votre créneau d'entretien est réservé. Un courriel de confirmation vous a été envoyé."))
        await page.redraw()

    button = ui.button(label, on_click=book).props("color=primary no-caps").mark("interview-book")


def _cancel_button(actor: Actor, view: InterviewView, page: PageActions) -> None:
    async def cancel() -> None:
        await act(
            page, button, _cancel_now, actor, view.application_id, done=_("Votre réservation d'entretien est annulée.")
        )

    button = ui.button(_("Annuler ma réservation"), on_click=cancel).props("outline color=negative no-caps")
    button.mark("interview-cancel")
