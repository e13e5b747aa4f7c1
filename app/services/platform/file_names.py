"""File names the application gives to what it lets people download: ASCII only, whatever the data says.

Accents are folded (« Éloïse » → « Eloise ») and anything else but letters and digits becomes ``-``, so that a
name survives every browser, mail client, archive tool and file system.
"""

import re
import unicodedata


def _ascii(text: str, keep: str = "") -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c))
    return re.sub(f"[^A-Za-z0-9{keep}]+", "-", bare).strip("-")


def ascii_part(text: str, *, limit: int = 60) -> str:
    """Accents folded, runs of anything but letters and digits turned into one ``-``."""
    return _ascii(text)[:limit].strip("-")


def ascii_filename(*parts: str, suffix: str = ".pdf") -> str:
    """``dossier-A1B2C3D4-M-INFO.pdf``: accents folded, anything but letters, digits, ``-`` and ``_`` dropped."""
    return "-".join(word for word in (_ascii(part, "_-") for part in parts) if word)[:150] + suffix
