"""A combined score as a person reads it: « 14,5 » in French, « 14.5 » in English, two decimals at most."""

from babel.numbers import format_decimal

from app.i18n import current_language

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def score_text(value: float | None, empty: str = "—") -> str:
    if value is None:
        return empty
    return format_decimal(value, format="0.##", locale=_LOCALES.get(current_language(), "fr_FR"))
