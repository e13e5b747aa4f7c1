"""French typography, applied once where French text leaves the translation layer (``gettext``/``ngettext``).

French puts a space before « : ; ? ! » and inside « », and that space must not break: a line never starts with
« : » or « ? », and « » never end a line alone. The space used is U+00A0 (no-break space) everywhere. The
Imprimerie nationale prefers the narrow U+202F before « ; ? ! », but the standard PDF fonts of letters and dossiers
(WinAnsi) have no glyph for it, and one character everywhere keeps the rule simple.

Only the message itself is changed, before its placeholders are filled: values put in later (e-mail addresses,
times such as 10:00, URLs, names) are never touched. Inside the message, a sign is only moved away from a word by a
space that was already there, or for « ? » and « ! » when a word ends right before them and a space or the end
follows: « 10:00 », « https://… », « ?q= », « {x}: » and « &amp; » are left as they are.
"""

import re
from functools import lru_cache

NBSP = "\u00a0"

# A space (plain or already no-break) before « : ; ? ! » or before « », or after «.
_SPACE_BEFORE = re.compile(r"[ \u00a0\u202f]+([:;?!»])")
_SPACE_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
# « ? » or « ! » glued to a word, closing the sentence.
_GLUED = re.compile(r"(?<=\w)([?!])(?=\s|$)")


@lru_cache(maxsize=8192)
def french_spacing(text: str) -> str:
    """``text`` with no-break spaces before « : ; ? ! » and inside « »."""
    if not any(sign in text for sign in ":;?!«»"):
        return text
    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    text = _SPACE_AFTER_OPENING.sub("«" + NBSP, text)
    text = re.sub(r"(?<![ \u00a0\u202f])»", NBSP + "»", text)
    return _GLUED.sub(NBSP + r"\1", text)
