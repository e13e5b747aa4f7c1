"""An interview slot in words, the same on the candidate's and the staff's screens: its Paris day and hours, where
it takes place, its places."""

from babel.dates import format_date, format_time

from app.clock import PARIS
from app.i18n import _, current_language, ngettext
from app.services.interviews import SlotView
from app.ui.dates import format_moment

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def slot_when(slot: SlotView) -> str:
    """« lundi 11 mai 2026, 10:00 – 10:30 (heure de Paris) »."""
    locale = _LOCALES.get(current_language(), "fr_FR")
    start, end = slot.starts_at.astimezone(PARIS), slot.ends_at.astimezone(PARIS)
    return _("{day}, {start} – {end} (heure de Paris)").format(
        day=format_date(start.date(), "full", locale=locale),
        start=format_time(start.time(), "HH:mm", locale=locale),
        end=format_time(end.time(), "HH:mm", locale=locale),
    )


def slot_where(slot: SlotView) -> str:
    """« Bâtiment IIIA, salle E08 — visioconférence » (the link itself is shown apart, as a link)."""
    parts = [slot.place] if slot.place else []
    if slot.video_link:
        parts.append(_("visioconférence"))
    return " — ".join(parts)


def places_left(slot: SlotView) -> str:
    return ngettext("{n} place restante", "{n} places restantes", slot.places_left).format(n=slot.places_left)


def slot_choice(slot: SlotView) -> str:
    """One option of the candidate's choice: when, where, places left."""
    return f"{slot_when(slot)} — {slot_where(slot)} — {places_left(slot)}"


def closes_text(slot: SlotView) -> str:
    return _("Réservation, changement ou annulation possibles jusqu'au {moment}.").format(
        moment=format_moment(slot.booking_closes_at)
    )
