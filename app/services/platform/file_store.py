"""The file store: bytes under generated names in the data directory, written atomically.

Names never come from user input: a key is a random hex name, so no path can be built from a client's
file name. Metadata (original name, sniffed type, hash, owner) lives in ``StoredFile`` rows.
"""

import hashlib
import logging
import os
import re
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.config import get_settings

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


def mail_spool_dir() -> Path:
    """The outbox's folder of attachments (``mail/outbox``), which the purge sweeps too (``file_purge``)."""
    return get_settings().data_dir / "mail-attachments"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the whole file or none of it, even after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_key(suffix: str = "") -> str:
    return f"{uuid.uuid4().hex}{suffix}"


def path_of(key: str, folder: Path | None = None) -> Path:
    """Where the file of ``key`` lives; refuses anything that is not a generated key."""
    if not _KEY.match(key):
        raise FileNotFoundError(f"not a file store key: {key!r}")
    base = folder or get_settings().file_store_dir
    return base / key[:2] / key


def put(data: bytes, *, suffix: str = "", folder: Path | None = None) -> tuple[str, str]:
    """Store ``data``; returns (key, SHA-256 hex digest)."""
    key = new_key(suffix)
    atomic_write(path_of(key, folder), data)
    return key, hashlib.sha256(data).hexdigest()


def read(key: str, folder: Path | None = None) -> bytes:
    return path_of(key, folder).read_bytes()


def delete(key: str, folder: Path | None = None) -> None:
    path_of(key, folder).unlink(missing_ok=True)


# --- Bytes that follow a database transaction --------------------------------------------------------------------
# Rows and bytes cannot commit together: bytes are written before the commit (a reader of the row must find them)
# and deleted after it (a rollback must find them still there). What a rolled-back transaction wrote is deleted
# then; a crash between the two leaves at worst unreferenced bytes, never a row without its file.

_STAGED = "ecandidat.file_store.staged"
_DOOMED = "ecandidat.file_store.doomed"


def put_in_transaction(session: Session, data: bytes, *, suffix: str = "") -> tuple[str, str]:
    """``put`` for a file a row of ``session`` will reference: deleted again if the transaction rolls back."""
    key, digest = put(data, suffix=suffix)
    session.info.setdefault(_STAGED, []).append(key)
    return key, digest


def delete_after_commit(session: Session, key: str) -> None:
    """Delete the bytes of ``key`` once ``session``'s transaction has committed (the row is gone with it)."""
    session.info.setdefault(_DOOMED, []).append(key)


def _unlink_quietly(keys: list[str]) -> None:
    for key in keys:
        try:
            delete(key)
        except OSError:
            log.exception("file store: cannot delete %s", key)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_STAGED, None)
    _unlink_quietly(session.info.pop(_DOOMED, []))


@event.listens_for(Session, "after_transaction_end")
def _after_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None and not transaction.nested:  # the outermost one ended without a commit
        session.info.pop(_DOOMED, None)
        _unlink_quietly(session.info.pop(_STAGED, []))
