"""The one rule every typed text follows before it is stored or searched: no control character, and a length limit.

A NUL (``\\x00``) cannot be stored by PostgreSQL and other control characters have no place in a form; bidi overrides
and zero-width characters make a name or an address line read differently from what is stored. They are refused at
the boundary with one message, on every database alike (:func:`check_text`), except in a search, where they are
dropped (:func:`searchable`). Text longer than its column is refused with its limit, never cut.

Services call :func:`check_text` on each text input; the dossier's schemas call it from their validators (it raises
a ``ValueError`` too, so pydantic reports it next to its field).
"""

import re
import unicodedata
from typing import Any

from app.i18n import N_
from app.services.platform.errors import DomainError

INVALID_CHARACTER = N_(
    "Ce texte contient un caractère invisible ou de contrôle qui n'est pas accepté : "
    "retirez-le (retapez le texte plutôt que de le coller)."
)
TOO_LONG = N_("{max} caractères au maximum.")

# Allowed everywhere they make sense: tab and line breaks (single-line fields fold them into spaces).
_ALLOWED_CONTROLS = frozenset("\t\n\r")
# Invisible characters refused in names and address lines: bidi marks, embeddings, overrides and isolates,
# zero-width space, joiners, word joiner, byte order mark, Mongolian vowel separator, soft hyphen.
_INVISIBLE = frozenset(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)


class TextRefused(DomainError, ValueError):
    """A text input breaks the rule; a ``ValueError`` as well, so a pydantic validator may raise it."""


def _refused(character: str, *, names: bool) -> bool:
    category = unicodedata.category(character)
    if category == "Cc":
        return character not in _ALLOWED_CONTROLS
    if category == "Cs":  # a lone surrogate: no database can encode it
        return True
    return names and character in _INVISIBLE


def has_refused_character(value: str, *, names: bool = False) -> bool:
    return any(_refused(c, names=names) for c in value)


def check_text(value: str, *, field: str | None = None, max_length: int | None = None, names: bool = False) -> str:
    """``value`` unchanged if it holds no refused character and fits ``max_length``; else :class:`TextRefused`.

    ``names``: a name or an address line, where invisible characters are refused as well."""
    if has_refused_character(value, names=names):
        raise TextRefused("text_invalid_character", INVALID_CHARACTER, field=field)
    if max_length is not None and len(value) > max_length:
        raise TextRefused("text_too_long", TOO_LONG, field=field, max=max_length)
    return value


def check_optional_text(value: Any, **kw: Any) -> Any:
    """:func:`check_text` on a string; anything else (None, a number) unchanged."""
    return check_text(value, **kw) if isinstance(value, str) else value


_SEARCH_DROPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|[" + "".join(_INVISIBLE) + "]")


def searchable(value: str) -> str:
    """A search or filter text without the characters :func:`check_text` refuses (a search never errors on them)."""
    return _SEARCH_DROPPED.sub("", value)


def column_limit(model: type[Any], name: str) -> int | None:
    """The ``max_length`` of a table column (None for unbounded text or a column that does not exist)."""
    table = getattr(model, "__table__", None)
    column = table.columns.get(name) if table is not None else None
    return getattr(column.type, "length", None) if column is not None else None
