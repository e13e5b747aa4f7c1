"""Parse and normalise one untrusted upload in a child process the server survives, whatever the file.

``normalise(data)`` sniffs the bytes, then has a fresh child process normalise them, one child per file: the child
is forked by a fork server (``python -m app.services.documents.pdf_worker --serve``, see ``fork_server``), started
once per process on first use and stopped at exit, which has already imported the parsers, so a file costs its
parsing, not an interpreter's start. Input, output and result travel through files in a scratch folder (never
through pipes of unbounded size); the server and its children get a cleaned environment (no secrets, no database
URL) and each child these limits, from the settings:

- CPU time (``RLIMIT_CPU``, ``sandbox_cpu_seconds``): the kernel stops a parser that loops;
- address space (``RLIMIT_AS``, ``sandbox_memory_mb``): a decompression bomb ends in MemoryError, not in swap;
- output size (``RLIMIT_FSIZE``): the normalised PDF cannot fill the disk;
- wall clock (``sandbox_wall_seconds``), kept by the parent, which kills the child when it expires.

The child sets the rlimits itself before reading the file, and this process applies them again with ``prlimit`` as
soon as the child exists, so the limits hold even if the child's own code were replaced.

``normalise_batch(uploads, earlier=...)`` does the same for one upload batch (a candidate's selection for one piece)
in one child, which also writes the merged piece: the fork, the protocol and a second parse of the clean files in
this process were two thirds of the PDFs' time (issue #20). Its limits are ``batch_limits``; when it ends without a
result, each file runs again in a child of its own, so only a hostile file is refused.
Every failure becomes a DomainError with a French message saying what to do.
"""

import atexit
import json
import logging
import os
import resource
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.i18n import N_
from app.services.documents.file_sniffing import PDF, WRONG_TYPE, sniff
from app.services.documents.fork_server import ForkServer
from app.services.platform import parameters
from app.services.platform.errors import DomainError

log = logging.getLogger(__name__)

MB = 1024 * 1024
PROJECT_ROOT = Path(__file__).resolve().parents[3]

ENCRYPTED = N_("Ce fichier PDF est protégé par un mot de passe : déposez une version sans protection.")
CORRUPT = N_(
    "Ce fichier est endommagé ou incomplet : ouvrez-le pour le vérifier, enregistrez-le à nouveau, puis déposez-le."
)
BOMB = N_(
    "Ce fichier demande trop de mémoire pour être lu (contenu anormalement compressé) : enregistrez-le à nouveau, "
    "par exemple avec « Imprimer en PDF », puis déposez-le."
)
TOO_MANY_PAGES = N_("Ce document compte trop de pages ({pages}, au plus {max}).")
IMAGE_TOO_LARGE = N_(
    "Cette image est trop grande ({pixels} millions de pixels, au plus {max}) : réduisez sa résolution."
)
TIMEOUT = N_(
    "Ce fichier n'a pas pu être analysé à temps : il est peut-être trop complexe. "
    "Enregistrez-le à nouveau ou allégez-le, puis déposez-le."
)
FILE_TOO_LARGE = N_(
    "Ce fichier dépasse {max} Mo : réduisez-le (numérisation moins fine, compression), puis déposez-le."
)

_MESSAGES = {
    "pdf_encrypted": ENCRYPTED,
    "file_corrupt": CORRUPT,
    "file_bomb": BOMB,
    "too_many_pages": TOO_MANY_PAGES,
    "image_too_large": IMAGE_TOO_LARGE,
    "file_type": WRONG_TYPE,
}


@dataclass(frozen=True)
class NormalisedFile:
    """A clean PDF made from one upload: what the file store keeps (the original bytes are not kept)."""

    pdf: bytes
    page_count: int
    source_media_type: str  # what the upload was, sniffed


@dataclass(frozen=True)
class SandboxLimits:
    cpu_seconds: int
    memory_bytes: int
    wall_seconds: float
    output_bytes: int
    max_pages: int
    max_pixels: int

    @classmethod
    def from_settings(cls) -> "SandboxLimits":
        settings = parameters.effective_settings()
        return cls(
            cpu_seconds=settings.sandbox_cpu_seconds,
            memory_bytes=settings.sandbox_memory_mb * MB,
            wall_seconds=settings.sandbox_wall_seconds,
            # A normalised file may outgrow its source (a JPEG becomes a page); the piece limit bounds it anyway.
            output_bytes=max(settings.max_piece_mb, 2 * settings.max_file_mb) * MB,
            max_pages=settings.max_piece_pages,
            max_pixels=settings.max_image_megapixels * 1_000_000,
        )


def check_size(data: bytes) -> None:
    limit = parameters.current("max_file_mb")
    if len(data) > limit * MB:
        raise DomainError("file_too_large", FILE_TOO_LARGE, max=limit)


def normalise(data: bytes, *, limits: SandboxLimits | None = None) -> NormalisedFile:
    """Check ``data`` (size, type from its bytes) and turn it into a clean PDF in the sandbox; or a DomainError."""
    check_size(data)
    media_type = sniff(data)
    limits = limits or SandboxLimits.from_settings()
    with tempfile.TemporaryDirectory(prefix="ecandidat-sandbox-") as scratch:
        folder = Path(scratch)
        source, target, result = folder / "input.bin", folder / "output.pdf", folder / "result.json"
        source.write_bytes(data)
        job = {"input": str(source), "output": str(target), "result": str(result), "media_type": media_type}
        job_file = folder / "job.json"
        job_file.write_text(json.dumps(job | _job_limits(limits)))
        returncode = _run(job_file, limits)
        outcome = _read_result(result)
        if outcome is None:
            raise _failure(returncode, media_type)
        if not outcome.get("ok"):
            raise _refusal(outcome)
        pdf = target.read_bytes()
    return _normalised(pdf, outcome, media_type)


@dataclass(frozen=True)
class NormalisedBatch:
    """One upload batch normalised: per file, in the batch's order, its clean PDF or why it was refused; and the
    merged piece (the earlier files, then the accepted ones) when the batch's child wrote it (None after a fallback:
    the caller merges the clean files itself)."""

    files: list[NormalisedFile | DomainError]
    merged: NormalisedFile | None = None


def normalise_batch(
    uploads: Sequence[bytes],
    *,
    earlier: Sequence[bytes] = (),
    previous: bytes | None = None,
    limits: SandboxLimits | None = None,
) -> NormalisedBatch:
    """``normalise`` for one candidate's upload batch to one piece, in one child that also writes the merged piece
    (``previous``: the piece's merged PDF, which the new pages are appended to when its shape allows; ``earlier``:
    the piece's clean files, merged again before the new ones when there is no ``previous``), so the parent parses
    nothing and forks once.

    The child handles the files one after the other under ``batch_limits``. A file it refuses is refused alone; if
    the child ends without a result (a limit, a crash: a hostile file, or a batch too heavy together), every file
    runs again in a child of its own (``normalise``), so that only the guilty file is refused, with its message.
    """
    limits = limits or SandboxLimits.from_settings()
    files: list[NormalisedFile | DomainError | None] = []
    media_types: list[str] = []
    for data in uploads:  # the cheap checks first, as ``normalise`` does
        try:
            check_size(data)
            media_types.append(sniff(data))
            files.append(None)
        except DomainError as refused:
            media_types.append("")
            files.append(refused)
    todo = [index for index, outcome in enumerate(files) if outcome is None]
    merged, outcome = None, None
    if todo:
        with tempfile.TemporaryDirectory(prefix="ecandidat-sandbox-") as scratch:
            folder = Path(scratch)
            outcome = _run_batch(folder, [(uploads[i], media_types[i]) for i in todo], earlier, previous, limits)
            if outcome is not None:
                for position, index in enumerate(todo):
                    files[index] = _batch_file(folder, position, outcome["files"][position], media_types[index])
                pdf = (folder / "merged.pdf").read_bytes()
                if outcome.get("merged") and pdf.startswith(b"%PDF-"):  # else the caller merges the clean files
                    merged = NormalisedFile(pdf, outcome["pages"], PDF)
    if todo and outcome is None:
        log.info("sandbox batch of %d files ended without a result: one child per file", len(todo))
        for index in todo:
            try:
                files[index] = normalise(uploads[index], limits=limits)
            except DomainError as refused:
                files[index] = refused
    return NormalisedBatch([outcome for outcome in files if outcome is not None], merged)


def _batch_file(folder: Path, position: int, result: object, media_type: str) -> NormalisedFile | DomainError:
    if not isinstance(result, dict) or not result.get("ok"):
        return _refusal(result if isinstance(result, dict) else {})
    try:
        return _normalised((folder / f"{position}.pdf").read_bytes(), result, media_type)
    except DomainError as refused:
        return refused


def batch_limits(limits: SandboxLimits, files: int) -> SandboxLimits:
    """A batch child's limits: the CPU time of one file per file; one file's wall clock (a batch of real files
    takes a hundredth of it; over it, the files run one per child), address space (a file's objects are written out
    before the next file is read) and output size (per file written: the merged piece is bounded like a file)."""
    return replace(limits, cpu_seconds=limits.cpu_seconds * max(files, 1))


def _run_batch(
    folder: Path,
    uploads: list[tuple[bytes, str]],
    earlier: Sequence[bytes],
    previous: bytes | None,
    limits: SandboxLimits,
) -> dict[str, Any] | None:
    """Run one batch child in ``folder``; its result, or None when it ended without one (or a malformed one)."""
    items = []
    for position, (data, media_type) in enumerate(uploads):
        source = folder / f"{position}.bin"
        source.write_bytes(data)
        items.append({"input": str(source), "output": str(folder / f"{position}.pdf"), "media_type": media_type})
    clean = []
    for position, data in enumerate(earlier):
        (folder / f"earlier-{position}.pdf").write_bytes(data)
        clean.append(str(folder / f"earlier-{position}.pdf"))
    job: dict[str, Any] = {
        "files": items,
        "earlier": clean,
        "merged": str(folder / "merged.pdf"),
        "result": str(folder / "result.json"),
    }
    if previous is not None:
        (folder / "previous.pdf").write_bytes(previous)
        job["previous"] = str(folder / "previous.pdf")
    scaled = batch_limits(limits, len(uploads) + (1 if earlier or previous else 0))
    job_file = folder / "job.json"
    job_file.write_text(json.dumps(job | _job_limits(scaled)))
    returncode = _run(job_file, scaled)
    outcome = _read_result(folder / "result.json")
    files = outcome.get("files") if outcome is not None else None
    if not isinstance(files, list) or len(files) != len(uploads) or not isinstance(outcome.get("pages"), int):
        log.info("sandbox batch child ended with %s without a result", returncode)
        return None
    return outcome


_JOB_LIMITS = ("max_pages", "max_pixels", "cpu_seconds", "memory_bytes", "output_bytes")  # the worker sets them


def _job_limits(limits: SandboxLimits) -> dict[str, int]:
    return {name: int(getattr(limits, name)) for name in _JOB_LIMITS}


def _refusal(outcome: dict[str, Any]) -> DomainError:
    code = str(outcome.get("code"))
    return DomainError(code, _MESSAGES.get(code, CORRUPT), **dict(outcome.get("params") or {}))


def _normalised(pdf: bytes, outcome: dict[str, Any], media_type: str) -> NormalisedFile:
    if not pdf.startswith(b"%PDF-"):  # our own worker wrote it; a mismatch is a bug, not the candidate's fault
        raise DomainError("file_corrupt", CORRUPT)
    return NormalisedFile(pdf=pdf, page_count=int(outcome["pages"]), source_media_type=media_type)


def server_command() -> list[str]:
    """The fork server's command line (tests replace it to check the limits on misbehaving children)."""
    return [sys.executable, "-s", "-m", "app.services.documents.pdf_worker", "--serve"]


_server: ForkServer | None = None
_server_owner = 0  # the pid that started it: a forked copy of this process starts its own
_server_lock = threading.Lock()


def _fork_server() -> ForkServer:
    """This process's fork server, started on first use (in the caller's thread: pages call through run.io_bound),
    and again if it died."""
    global _server, _server_owner
    with _server_lock:
        if _server is None or _server_owner != os.getpid() or not _server.alive():
            if _server is not None and _server_owner == os.getpid():
                _server.close(timeout=0)
            _server = ForkServer(server_command(), cwd=PROJECT_ROOT, env=_child_env())
            _server_owner = os.getpid()
        return _server


def shutdown() -> None:
    """Stop the fork server and its children (at exit; tests, to start one with another command)."""
    global _server
    with _server_lock:
        server, _server = _server, None
    if server is not None and _server_owner == os.getpid():
        server.close()


atexit.register(shutdown)


def _child_env() -> dict[str, str]:
    # Nothing of the server's environment: no secret key, no database URL, no SMTP password.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}


def _apply_limits(pid: int, limits: SandboxLimits) -> None:
    prlimit = getattr(resource, "prlimit", None)
    if prlimit is None:  # not Linux: the child's own setrlimit still holds
        return
    try:
        prlimit(pid, resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        prlimit(pid, resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        prlimit(pid, resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes))
    except (ProcessLookupError, PermissionError, ValueError, OSError):
        pass  # the child already ended, or lowered its limits below ours (raising them back is refused)


def _run(job_file: Path, limits: SandboxLimits) -> int:
    """The return code of the child that ran ``job_file`` (negative: the signal that ended it)."""
    return _fork_server().run(
        job_file, wall_seconds=limits.wall_seconds, started=lambda pid: _apply_limits(pid, limits)
    )


def _read_result(path: Path) -> dict[str, Any] | None:
    try:
        outcome = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return outcome if isinstance(outcome, dict) and "ok" in outcome else None


def _failure(returncode: int, media_type: str) -> DomainError:
    """The child ended without a result: read why from how it ended."""
    if returncode in (-signal.SIGKILL, -signal.SIGXCPU):
        return DomainError("file_timeout", TIMEOUT)
    if returncode == -signal.SIGXFSZ:
        return DomainError("file_bomb", BOMB)
    log.warning("sandbox child ended with %s on a %s without a result", returncode, media_type)
    # A parser crash (SIGSEGV, abort, MemoryError before the handler) on a hostile file: refuse it as broken.
    return DomainError("file_corrupt", CORRUPT)


__all__ = [
    "PDF",
    "NormalisedBatch",
    "NormalisedFile",
    "SandboxLimits",
    "batch_limits",
    "check_size",
    "normalise",
    "normalise_batch",
    "server_command",
    "shutdown",
]
