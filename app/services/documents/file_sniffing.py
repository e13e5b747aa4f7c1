"""What an uploaded file really is, decided from its bytes alone.

The client's file name and declared type are never consulted: a PNG named ``.pdf`` is a PNG, a ZIP named
``.pdf`` is refused. Besides the magic bytes, two cheap polyglot checks refuse files that are also something
else a browser or an archive tool would open: HTML markup near the start or the end (browsers sniff the first
bytes), or a ZIP end-of-central-directory record in the tail (a PDF or an image with an archive appended).
The sandbox then re-writes every accepted file, so whatever hides elsewhere never reaches the file store.
"""

from app.i18n import N_
from app.services.platform.errors import DomainError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED = (PDF, PNG, JPEG)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
_HTML_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<iframe", b"<svg", b"<?xml-stylesheet", b"<head")
_HTML_WINDOW = 1024
_ZIP_EOCD = b"PK\x05\x06"
_ZIP_TAIL = 65_535 + 22  # an end-of-central-directory record lies within this many bytes of the end

EMPTY = N_("Ce fichier est vide.")
WRONG_TYPE = N_("Seuls les fichiers PDF, JPEG et PNG sont acceptés.")
POLYGLOT = N_(
    "Ce fichier contient, en plus du document, des données d'un autre type : "
    "enregistrez-le à nouveau en PDF, JPEG ou PNG, puis déposez-le."
)


def sniff(data: bytes) -> str:
    """The media type of ``data`` (``application/pdf``, ``image/png`` or ``image/jpeg``), or a DomainError."""
    if not data:
        raise DomainError("file_empty", EMPTY)
    media_type = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if media_type is None:
        raise DomainError("file_type", WRONG_TYPE)
    if is_polyglot(data):
        raise DomainError("file_polyglot", POLYGLOT)
    return media_type


def is_polyglot(data: bytes) -> bool:
    """Whether ``data`` also reads as HTML or as a ZIP archive (head and tail only: cheap, few false alarms)."""
    head = data[:_HTML_WINDOW].lower()
    tail = data[-_HTML_WINDOW:].lower()
    if any(marker in head or marker in tail for marker in _HTML_MARKERS):
        return True
    return _ZIP_EOCD in data[-_ZIP_TAIL:]
