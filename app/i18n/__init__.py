"""Translations: French is the reference language (msgids are French), English is complete.

Catalogues are gettext ``.po`` files read with Babel at first use, so no compile step is needed.
The screen layer registers a resolver that tells the current user's language; mails and jobs
choose a language explicitly with :func:`use_language`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from app.i18n.typography import french_spacing

LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"
CATALOG_DIR = Path(__file__).parent

_override: ContextVar[str | None] = ContextVar("language_override", default=None)
_resolver: Callable[[], str | None] | None = None


@cache
def _catalog(lang: str) -> dict[str, str | tuple[str, ...]]:
    path = CATALOG_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): m.string for m in catalog if m.id and m.string and not m.fuzzy
    }


def set_language_resolver(resolver: Callable[[], str | None]) -> None:
    """Register how to find the language of the person being served (the screen layer does this)."""
    global _resolver
    _resolver = resolver


def current_language() -> str:
    lang = _override.get()
    if lang is None and _resolver is not None:
        try:
            lang = _resolver()
        except RuntimeError:  # outside a request or page context
            lang = None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def use_language(lang: str | None) -> Iterator[None]:
    token = _override.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _override.reset(token)


def gettext(message: str, lang: str | None = None) -> str:
    lang = lang or current_language()
    if lang == DEFAULT_LANGUAGE:
        return french_spacing(message)  # no-break spaces before « : ; ? ! » (app/i18n/typography.py)
    translated = _catalog(lang).get(message)
    return translated if isinstance(translated, str) and translated else message


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """``singular`` or ``plural`` for ``n``, translated: French keeps the singular for 0 and 1, English for 1 only."""
    lang = lang or current_language()
    if lang == DEFAULT_LANGUAGE:
        return french_spacing(singular if n in (0, 1) else plural)
    translated = _catalog(lang).get(singular)
    if isinstance(translated, tuple) and all(translated):
        return translated[0] if n == 1 else translated[1]
    return singular if n in (0, 1) else plural


def N_(message: str) -> str:
    """Mark a message for extraction without translating it now (it is translated where shown)."""
    return message


_ = gettext
