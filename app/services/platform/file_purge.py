"""The daily ``purge_files`` job: bytes and ``StoredFile`` rows nothing needs any more.

Three steps, each in short transactions of at most ``BATCH`` files (no transaction spans the job):

1. **Mail attachments.** ``enqueue_mail`` spools raw attachments (letters…) to ``DATA_DIR/mail-attachments`` and
   the ``OutboxMail`` references them by ``spool_key``; there is no ``StoredFile`` kind for them. A spooled file is
   deleted once no mail *holds* it: a mail holds its attachments while PENDING, and once SENT or finally FAILED
   for ``mail_attachment_retention_days`` (counted from its last activity). Spooled files no mail references at
   all (an enqueue whose transaction rolled back: the spool is written before the commit) go too. Either way only
   files older than ``BYTE_GRACE``: a younger one may belong to a transaction still in flight. The mail row is
   kept; its attachment then reads as "not found" (the dev mailbox already says so).
2. **Unreferenced ``StoredFile`` rows** older than ``ROW_GRACE``, of the kinds in ``PURGEABLE_KINDS`` only:

   - ``upload`` / ``merged``: a piece's normalised files and their merge. They are reachable only through
     ``SubmittedDocumentFile`` and ``SubmittedDocument.merged_file_id``;
     ``applications/piece_links.release_files`` already deletes them when the last link goes, so this step is the
     safety net. Files of transmitted applications are never unreferenced (their links are kept), so they are never
     candidates.
   - ``template``: a required piece's blank form, reachable only through ``RequiredDocument.template_file_id``
     (``admin_pieces`` releases a replaced one; same safety net).
   - ``signature``: a committee's signature image, reachable only through ``Committee.signature_file_id``.
     ``committee_signature.set_signature`` leaves the previous image behind. Letters do not reference it: they
     are rendered on demand with the committee's *current* signature, and the copy mailed to the candidate is a
     spooled PDF with the image embedded (step 1), so a replaced signature is safe to delete.

   Not purged here: ``export`` (``export_jobs.purge_old_exports`` owns them with their ``ExportJob``) and
   ``letter`` (no code creates it yet; its lifecycle is unknown). "Referenced" is read from the schema: every
   foreign key to ``storedfile.id`` of every table (so a future table counts without a change here), plus the
   ``file_id`` of the attachments of mails that still hold them (step 1's rule). Each row is deleted by a
   conditional DELETE that repeats the "no reference" test, so a link committed meanwhile wins; its bytes are
   deleted after the commit; each deletion is audited as a system action.
3. **Orphan bytes** in the file store (``file_store_dir/xx/<key>``) without a ``StoredFile`` row, and the
   ``.tmp-`` files of an interrupted ``atomic_write``: a crash between writing the bytes and committing the row.
   Only files older than ``BYTE_GRACE``; ``file_store_dir/tmp`` (exports being built) is left to ``exports_purge``.

Ages of bytes are file modification times compared with the earlier of the job's clock and the wall clock, so a
clock set in the past (tests, a replay) never makes a fresh file look old.
"""

import logging
import re
import time as wall_time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from app.config import get_settings
from app.db import transaction
from app.i18n import N_
from app.models import FileKind, MailStatus, OutboxMail, StoredFile
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.jobs import register_job

log = logging.getLogger(__name__)

BATCH = 500  # files per transaction
BYTE_GRACE = timedelta(days=1)  # bytes younger than this may belong to a transaction in flight
ROW_GRACE = timedelta(days=7)  # unreferenced rows younger than this are left alone
PURGEABLE_KINDS = (FileKind.UPLOAD, FileKind.MERGED, FileKind.TEMPLATE, FileKind.SIGNATURE)

_KEY = re.compile(r"^[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")
_SPOOL_KEY = re.compile(r"^[0-9a-f]{32}\.bin$")
_SHARD = re.compile(r"^[0-9a-f]{2}$")
_TMP_PREFIX = ".tmp-"  # file_store.atomic_write's temporary files


@dataclass(frozen=True)
class PurgeCounts:
    mail_attachments: int = 0
    stored_files: int = 0
    orphan_bytes: int = 0

    @property
    def total(self) -> int:
        return self.mail_attachments + self.stored_files + self.orphan_bytes

    def message(self) -> str:
        return (
            f"Pièces jointes de mail supprimées : {self.mail_attachments} ; "
            f"fichiers sans référence supprimés : {self.stored_files} ; "
            f"fichiers orphelins effacés du stockage : {self.orphan_bytes}."
        )


# --- What mails still hold -----------------------------------------------------------------------------------------


def _holding_mails(now: datetime) -> sa.ColumnElement[bool]:
    """Mails that keep their attachments: pending, or finished less than the retention ago (any activity counts)."""
    cutoff = now - timedelta(days=get_settings().mail_attachment_retention_days)
    return sa.or_(
        col(OutboxMail.status) == MailStatus.PENDING,
        col(OutboxMail.sent_at) >= cutoff,
        col(OutboxMail.next_attempt_at) >= cutoff,  # a failed mail's last attempt
        col(OutboxMail.created_at) >= cutoff,
    )


def held_by_mails(now: datetime) -> tuple[set[str], set[int]]:
    """(spool keys, StoredFile ids) the attachments of holding mails reference."""
    spool_keys: set[str] = set()
    file_ids: set[int] = set()
    with transaction() as session:
        rows = session.exec(select(OutboxMail.attachments).where(_holding_mails(now)).execution_options(yield_per=1000))
        for attachments in rows:
            for ref in attachments or []:
                if not isinstance(ref, dict):
                    continue
                if "spool_key" in ref:
                    spool_keys.add(str(ref["spool_key"]))
                if isinstance(ref.get("file_id"), int):
                    file_ids.add(ref["file_id"])
    return spool_keys, file_ids


# --- Files on disk -------------------------------------------------------------------------------------------------


def _byte_cutoff(now: datetime) -> float:
    """The mtime before which a file is old enough to go (the earlier of the two clocks, minus the grace)."""
    return min(now.timestamp(), wall_time.time()) - BYTE_GRACE.total_seconds()


def _old_files(folder: Path, cutoff: float) -> Iterator[Path]:
    """Regular files directly in ``folder`` last modified before ``cutoff`` (a vanished file is skipped)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        try:
            stat = path.lstat()
        except OSError:
            continue
        if path.is_file() and not path.is_symlink() and stat.st_mtime < cutoff:
            yield path


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        log.exception("file purge: cannot delete %s", path)
        return False
    return True


def _batches(items: Iterator[Path], size: int = BATCH) -> Iterator[list[Path]]:
    batch: list[Path] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- The three steps -----------------------------------------------------------------------------------------------


def purge_mail_attachments(now: datetime) -> int:
    """Step 1: spooled attachments no mail holds any more, older than the byte grace."""
    held, _ = held_by_mails(now)
    removed = 0
    for path in _old_files(file_store.mail_spool_dir(), _byte_cutoff(now)):
        if _SPOOL_KEY.match(path.name) and path.name not in held and _unlink(path):
            removed += 1
    return removed


def _referencing_columns() -> list[sa.Column[Any]]:
    """Every column of the schema with a foreign key to ``storedfile.id``."""
    target = StoredFile.__table__.c.id  # type: ignore[attr-defined]
    return [fk.parent for table in SQLModel.metadata.sorted_tables for fk in table.foreign_keys if fk.column is target]


def _unreferenced() -> list[sa.ColumnElement[bool]]:
    stored_id = col(StoredFile.id)
    return [~sa.exists().where(column == stored_id) for column in _referencing_columns()]


def purge_unreferenced_files(now: datetime) -> int:
    """Step 2: ``StoredFile`` rows of ``PURGEABLE_KINDS`` nothing references, older than ``ROW_GRACE``."""
    _, held_ids = held_by_mails(now)
    not_referenced = _unreferenced()
    actor = Actor.system()
    removed, after_id = 0, 0
    while True:
        with transaction() as session:
            rows = session.exec(
                select(StoredFile)
                .where(
                    col(StoredFile.id) > after_id,
                    col(StoredFile.kind).in_(PURGEABLE_KINDS),
                    col(StoredFile.created_at) < now - ROW_GRACE,
                    *not_referenced,
                )
                .order_by(col(StoredFile.id))
                .limit(BATCH)
            ).all()
            if not rows:
                return removed
            after_id = rows[-1].id or after_id
            for stored in rows:
                if stored.id in held_ids:
                    continue
                # Repeat the test in the DELETE itself: a link committed since the SELECT keeps the file.
                result = session.execute(
                    sa.delete(StoredFile)
                    .where(col(StoredFile.id) == stored.id, *not_referenced)
                    .execution_options(synchronize_session=False)
                )
                if result.rowcount != 1:
                    continue
                file_store.delete_after_commit(session, stored.storage_key)
                audit(
                    session,
                    actor=actor,
                    action="file.purged",
                    entity_type="storedfile",
                    entity_id=stored.id,
                    candidate_id=stored.owner_candidate_id,
                    before={
                        "kind": stored.kind.value,
                        "original_name": stored.original_name,
                        "sha256": stored.sha256,
                        "size": stored.size,
                        "created_at": stored.created_at.isoformat(),
                    },
                )
                removed += 1


def _store_candidates(base: Path, cutoff: float) -> Iterator[Path]:
    if not base.is_dir():
        return
    for shard in sorted(base.iterdir()):
        if shard.is_dir() and not shard.is_symlink() and _SHARD.match(shard.name):
            for path in _old_files(shard, cutoff):
                if _KEY.match(path.name) or path.name.startswith(_TMP_PREFIX):
                    yield path


def purge_orphan_bytes(now: datetime) -> int:
    """Step 3: bytes in the file store without a ``StoredFile`` row, and stale temporary files, older than a day."""
    removed = 0
    for batch in _batches(_store_candidates(get_settings().file_store_dir, _byte_cutoff(now))):
        keys = [p.name for p in batch if _KEY.match(p.name)]
        with transaction() as session:
            known = set(session.exec(select(StoredFile.storage_key).where(col(StoredFile.storage_key).in_(keys))))
        for path in batch:
            if path.name not in known and _unlink(path):
                removed += 1
    return removed


# --- The job -------------------------------------------------------------------------------------------------------


def purge_files(session: Session, now: datetime) -> tuple[int, str]:
    """The daily job: the three steps, each in its own short transactions; a summary audited as a system action."""
    counts = PurgeCounts(
        mail_attachments=purge_mail_attachments(now),
        stored_files=purge_unreferenced_files(now),
        orphan_bytes=purge_orphan_bytes(now),
    )
    if counts.mail_attachments or counts.orphan_bytes:
        # Rows deleted in step 2 are audited one by one; bytes without rows get one summary event.
        audit(
            session,
            actor=Actor.system(),
            action="files.purged",
            entity_type="file_store",
            entity_id=None,
            after={"mail_attachments": counts.mail_attachments, "orphan_bytes": counts.orphan_bytes},
        )
    log.info("purge_files: %s", counts.message())
    return counts.total, counts.message()


register_job("purge_files", purge_files, daily_at=time(4, 30), label=N_("Purge des fichiers inutilisés"))

__all__ = [
    "BYTE_GRACE",
    "PURGEABLE_KINDS",
    "ROW_GRACE",
    "PurgeCounts",
    "held_by_mails",
    "purge_files",
    "purge_mail_attachments",
    "purge_orphan_bytes",
    "purge_unreferenced_files",
]
