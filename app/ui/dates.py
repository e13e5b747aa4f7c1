"""Dates shown in Europe/Paris, worded in the reader's language (Babel)."""

from datetime import datetime

from babel.dates import format_date, format_time

from app.clock import PARIS
from app.i18n import _, current_language

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


def format_short_moment(moment: datetime) -> str:
    """« 15/06/2026 23:59 », in Paris time (tables and the dossier's history; the same in both languages)."""
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")
