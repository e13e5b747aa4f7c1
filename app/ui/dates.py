"""Dates shown in Europe/Paris, worded in the reader's language (Babel); days typed as jj/mm/aaaa."""

import re
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_time
from nicegui import ui

from app.clock import PARIS
from app.i18n import N_, _, current_language

# Babel locales: British English keeps the 24-hour clock French readers expect.
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def _locale() -> str:
    return _LOCALES.get(current_language(), "fr_FR")


def format_day(moment: datetime) -> str:
    """« 15 juin 2026 » / "15 June 2026", the Paris calendar day of ``moment``."""
    return format_date(moment.astimezone(PARIS).date(), "long", locale=_locale())


def format_moment(moment: datetime) -> str:
    """« 15 juin 2026 à 23:59 » / "15 June 2026 at 23:59", in Paris time."""
    local = moment.astimezone(PARIS)
    return _("{date} à {time}").format(
        date=format_date(local.date(), "long", locale=_locale()),
        time=format_time(local.time(), "HH:mm", locale=_locale()),
    )


def typed_moment(text: Any) -> datetime | None:
    """What a ``datetime-local`` input holds, read as Paris time; None when empty or unreadable."""
    try:
        local = datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
    return local.replace(tzinfo=PARIS) if local is not None else None


def format_short_moment(moment: datetime) -> str:
    """« 15/06/2026 23:59 », in Paris time (tables and the dossier's history; the same in both languages)."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


# --- Days typed by the reader -------------------------------------------------------------------------------------
# A native <input type=date> shows the browser's format (mm/dd/yyyy in an American Chromium), whatever the page says:
# days are typed as text, jj/mm/aaaa in both languages, through a mask, and read here.

DAY_MASK = "##/##/####"
DAY_PATTERN = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
BAD_DAY = N_("Saisissez une date au format jj/mm/aaaa, par exemple 15/06/2026 (vous avez saisi « {value} »).")
NO_SUCH_DAY = N_("Cette date n'existe pas : {value}. Vérifiez le jour et le mois (jj/mm/aaaa).")


class UnreadableDay(ValueError):
    """A typed day that is no day: ``message`` (a msgid holding ``{value}``) says why."""

    def __init__(self, message: str, value: str) -> None:
        super().__init__(message)
        self.message = message
        self.value = value


def typed_day(day: date | None) -> str:
    """« 15/06/2026 », as a day input shows it; empty for no day."""
    return day.strftime("%d/%m/%Y") if day else ""


def parse_typed_day(text: str | None) -> date | None:
    """The day typed as jj/mm/aaaa; None when nothing is typed; UnreadableDay otherwise."""
    value = (text or "").strip()
    if not value:
        return None
    found = DAY_PATTERN.fullmatch(value)
    if found is None:
        raise UnreadableDay(BAD_DAY, value)
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise UnreadableDay(NO_SUCH_DAY, value) from None


def day_input(label: str, day: date | None = None) -> ui.input:
    """A text box for a day, jj/mm/aaaa whatever the browser's language, digits only (the slashes are written in)."""
    element = ui.input(label, value=typed_day(day)).props(f'mask="{DAY_MASK}" inputmode=numeric autocomplete=off')
    element.props["placeholder"] = _("jj/mm/aaaa")
    return element
