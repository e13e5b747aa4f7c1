"""The form of an interview slot on staff's « Entretiens » page: a day (jj/mm/aaaa), start and end hours (hh:mm, Paris
time), a place and/or a video link, a capacity, an optional closing of the bookings, and « Publier ». Used to add a
slot and, in a dialog, to change one. What is typed is read here; every rule is checked by the service, and its
refusal shown next to its field and in the form's error summary."""

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time

from nicegui import ui

from app.clock import PARIS
from app.i18n import N_, _
from app.services.interviews import SlotInput, SlotView
from app.services.platform import DomainError
from app.ui.dates import UnreadableDay, day_input, parse_typed_day
from app.ui.form_errors import ErrorSummary

HOUR = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
BAD_HOUR = N_("Saisissez une heure au format hh:mm, par exemple 14:30.")
NO_DAY = N_("Saisissez le jour de l'entretien.")
BAD_CAPACITY = N_("Saisissez un nombre entier de places, par exemple 1.")

Save = Callable[[SlotInput, bool], Awaitable[DomainError | None]]  # the typed slot, « Publier »: a refusal or None


def _hour_input(label: str, value: str = "") -> ui.input:
    element = ui.input(label, value=value).props('mask="##:##" inputmode=numeric autocomplete=off outlined')
    element.props["placeholder"] = _("hh:mm")
    return element


def _moment(day: date, text: str, field: str) -> datetime:
    found = HOUR.fullmatch((text or "").strip())
    if found is None:
        raise DomainError("bad_hour", BAD_HOUR, field=field)
    return datetime.combine(day, time(int(found.group(1)), int(found.group(2))), tzinfo=PARIS)


def _day(text: str, field: str, required: bool) -> date | None:
    try:
        day = parse_typed_day(text)
    except UnreadableDay as error:
        raise DomainError("bad_day", error.message, field=field, value=error.value) from None
    if day is None and required:
        raise DomainError("no_day", NO_DAY, field=field)
    return day


class SlotForm:
    """The inputs of one slot; ``read`` turns them into a ``SlotInput`` or refuses next to a field."""

    def __init__(self, slot: SlotView | None = None, marker: str = "slot-form") -> None:
        local = slot.starts_at.astimezone(PARIS) if slot else None
        closes = slot.booking_closes_at.astimezone(PARIS) if slot else None
        with ui.row().classes("items-start gap-4"):
            self.day = day_input(_("Jour de l'entretien"), local.date() if local else None).props("outlined")
            self.start = _hour_input(_("Heure de début"), local.strftime("%H:%M") if local else "")
            end = slot.ends_at.astimezone(PARIS).strftime("%H:%M") if slot else ""
            self.end = _hour_input(_("Heure de fin"), end)
        self.place = ui.input(_("Lieu"), value=slot.place if slot else "").props("outlined maxlength=300")
        self.place.classes("w-full")
        self.link = ui.input(_("Lien de visioconférence (https://…)"), value=slot.video_link if slot else "")
        self.link.props("outlined maxlength=500 type=url").classes("w-full")
        self.capacity = ui.input(_("Nombre de places"), value=str(slot.capacity) if slot else "1")
        self.capacity.props("outlined inputmode=numeric maxlength=3")
        with ui.row().classes("items-start gap-4"):
            self.closes_day = day_input(_("Réservations closes le (facultatif)"), closes.date() if closes else None)
            self.closes_day.props("outlined")
            self.closes_hour = _hour_input(_("à (heure)"), closes.strftime("%H:%M") if closes else "")
        ui.label(_("Sans date de clôture, les réservations ferment 24 heures avant le début du créneau.")).classes(
            "text-sm ec-muted"
        )
        for name, element in (
            ("day", self.day),
            ("start", self.start),
            ("end", self.end),
            ("place", self.place),
            ("link", self.link),
            ("capacity", self.capacity),
            ("closes-day", self.closes_day),
            ("closes-hour", self.closes_hour),
        ):
            element.mark(f"{marker}-{name}")
        self.fields = {
            "starts_at": self.day,
            "start_hour": self.start,
            "ends_at": self.end,
            "place": self.place,
            "video_link": self.link,
            "capacity": self.capacity,
            "booking_closes_at": self.closes_day,
            "closes_hour": self.closes_hour,
        }

    def read(self) -> SlotInput:
        day = _day(self.day.value, "starts_at", True)
        assert day is not None
        starts_at = _moment(day, self.start.value, "start_hour")
        ends_at = _moment(day, self.end.value, "ends_at")
        closes_day = _day(self.closes_day.value, "booking_closes_at", False)
        closes = _moment(closes_day, self.closes_hour.value, "closes_hour") if closes_day else None
        text = str(self.capacity.value or "").strip()
        if not text.isdigit():
            raise DomainError("bad_capacity", BAD_CAPACITY, field="capacity")
        return SlotInput(starts_at, ends_at, self.place.value or "", self.link.value or "", int(text), closes)


def slot_form(save: Save, *, slot: SlotView | None = None, marker: str = "slot-form") -> None:
    """The inputs, the error summary and the buttons; ``save`` runs the service and returns its refusal, if any."""
    with ui.element("div").classes("w-full").mark(marker):
        summary = ErrorSummary(f"{marker}-error")
        form = SlotForm(slot, marker)
        publish = ui.checkbox(_("Publier ce créneau aux candidats"), value=slot.is_published if slot else True)
        if slot is not None:
            publish.set_visibility(False)  # published or withdrawn with its own button

        async def submit() -> None:
            summary.clear(form.fields)
            button.disable()  # a double click saves once
            try:
                data = form.read()
            except DomainError as error:
                summary.show(form.fields, error)
                button.enable()
                return
            refusal = await save(data, bool(publish.value))
            button.enable()
            if refusal is not None:
                summary.show(form.fields, refusal)

        label = _("Enregistrer le créneau") if slot else _("Ajouter le créneau")
        button = ui.button(label, on_click=submit).props("color=primary no-caps").mark(f"{marker}-save")
