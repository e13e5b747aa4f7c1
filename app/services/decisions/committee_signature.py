"""The signature image a committee's letters carry (stamped by :mod:`app.services.decisions.letters`).

Only PNG or JPEG, decided from the bytes (:func:`app.services.documents.file_sniffing.sniff`, which also refuses files
that are another format as well); small, with sensible dimensions read from the image header without decoding it. The
bytes go to the file store under a generated name with a ``StoredFile`` row of kind ``signature``; the committee then
points to it (versioned save: a concurrent edit of the committee refuses the change). A replaced image stays in the file
store: letters already sent were signed with it and the audit trail names it.
"""

import struct

from sqlmodel import Session

from app.i18n import N_
from app.models import Committee, FileKind, StoredFile
from app.services.admin.common import save_entity
from app.services.documents.file_sniffing import JPEG, PNG, sniff
from app.services.offer.rights import readable, writable
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError

MAX_BYTES = 1024 * 1024
MAX_SIDE = 4000
MIN_SIDE = 20

NOT_AN_IMAGE = N_("La signature doit être une image PNG ou JPEG.")
TOO_LARGE = N_("L'image de signature dépasse 1 Mo : réduisez-la, puis déposez-la à nouveau.")
BAD_SIZE = N_(
    "Les dimensions de cette image ne conviennent pas (entre {min} et {max} pixels de côté) : recadrez-la ou "
    "réduisez-la, puis déposez-la à nouveau."
)
UNREADABLE = N_("Cette image est endommagée ou incomplète : enregistrez-la à nouveau, puis déposez-la.")


def _png_size(data: bytes) -> tuple[int, int] | None:
    # The first chunk of a PNG is IHDR: width and height, big-endian, right after its type.
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    # Walk the segments up to a start-of-frame marker, which holds height then width.
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:
            index += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    return None


def check_signature_image(data: bytes) -> str:
    """The media type of an acceptable signature image, or a DomainError saying what to do."""
    if len(data) > MAX_BYTES:
        raise DomainError("signature_too_large", TOO_LARGE)
    try:
        media_type = sniff(data)  # empty and polyglot files are refused here, with their own message
    except DomainError as error:
        if error.code == "file_type":  # the sniffer's message lists PDF too: say what a signature may be
            raise DomainError("signature_type", NOT_AN_IMAGE) from None
        raise
    if media_type not in (PNG, JPEG):
        raise DomainError("signature_type", NOT_AN_IMAGE)
    size = _png_size(data) if media_type == PNG else _jpeg_size(data)
    if size is None:
        raise DomainError("signature_unreadable", UNREADABLE)
    if not all(MIN_SIDE <= side <= MAX_SIDE for side in size):
        raise DomainError("signature_size", BAD_SIZE, min=MIN_SIDE, max=MAX_SIDE)
    return media_type


def _point_to(
    session: Session, actor: Actor, committee_id: int, expected_version: int | None, file_id: int | None, action: str
) -> Committee:
    """The committee's letters are signed with ``file_id`` from now on (versioned, audited save)."""
    return save_entity(
        session,
        actor=actor,
        model=Committee,
        entity_id=committee_id,
        expected_version=expected_version,
        values={"signature_file_id": file_id},
        action=action,
        unique_field=None,
    )


def set_signature(
    session: Session, *, actor: Actor, committee_id: int, expected_version: int | None, filename: str, data: bytes
) -> Committee:
    """Store ``data`` as the committee's signature image (replacing the previous one)."""
    writable(session, actor=actor, model=Committee, entity_id=committee_id, what="committee")
    media_type = check_signature_image(data)
    key, digest = file_store.put_in_transaction(session, data, suffix=".png" if media_type == PNG else ".jpg")
    stored = StoredFile(
        storage_key=key,
        sha256=digest,
        size=len(data),
        media_type=media_type,
        original_name=(filename or "").replace("/", "_").replace("\\", "_")[-255:],
        kind=FileKind.SIGNATURE,
    )
    session.add(stored)
    session.flush()
    return _point_to(session, actor, committee_id, expected_version, stored.id, "committee.signature_set")


def remove_signature(session: Session, *, actor: Actor, committee_id: int, expected_version: int | None) -> Committee:
    """Letters of this committee are no longer signed with an image (the signatory's name stays)."""
    writable(session, actor=actor, model=Committee, entity_id=committee_id, what="committee")
    return _point_to(session, actor, committee_id, expected_version, None, "committee.signature_removed")


def read_signature(session: Session, *, actor: Actor, committee_id: int) -> tuple[str, bytes] | None:
    """(media type, bytes) of the committee's signature image for the preview, or None."""
    committee = readable(session, actor=actor, model=Committee, entity_id=committee_id, what="committee")
    stored = session.get(StoredFile, committee.signature_file_id) if committee.signature_file_id else None
    if stored is None:
        return None
    try:
        return stored.media_type, file_store.read(stored.storage_key)
    except OSError:
        return None
