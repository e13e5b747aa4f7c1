"""The file store: bytes under generated names in the data directory, written atomically.

Names never come from user input: a key is a random hex name, so no path can be built from a client's
file name. Metadata (original name, sniffed type, hash, owner) lives in ``StoredFile`` rows.
"""

import hashlib
import os
import re
import tempfile
import uuid
from pathlib import Path

from app.config import get_settings

_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")


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
