"""Parse and normalise one untrusted upload in a child process the server survives, whatever the file.

``normalise(data)`` sniffs the bytes, then runs ``python -m app.services.documents.pdf_worker`` in a scratch folder:
input, output and result travel through files there (never through pipes of unbounded size), the child gets a
cleaned environment (no secrets, no database URL) and these limits, from the settings:

- CPU time (``RLIMIT_CPU``, ``sandbox_cpu_seconds``): the kernel stops a parser that loops;
- address space (``RLIMIT_AS``, ``sandbox_memory_mb``): a decompression bomb ends in MemoryError, not in swap;
- output size (``RLIMIT_FSIZE``): the normalised PDF cannot fill the disk;
- wall clock (``sandbox_wall_seconds``), kept by the parent, which kills the child when it expires.

The child sets the rlimits itself before importing any parser, and the parent applies them again with
``prlimit`` as soon as the child exists, so the limits hold even if the child's first lines were replaced.
Every failure becomes a DomainError with a French message saying what to do.
"""

import json
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.i18n import N_
from app.services.documents.file_sniffing import PDF, WRONG_TYPE, sniff
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
        job = {
            "input": str(source),
            "output": str(target),
            "result": str(result),
            "media_type": media_type,
            "max_pages": limits.max_pages,
            "max_pixels": limits.max_pixels,
            "cpu_seconds": limits.cpu_seconds,
            "memory_bytes": limits.memory_bytes,
            "output_bytes": limits.output_bytes,
        }
        job_file = folder / "job.json"
        job_file.write_text(json.dumps(job))
        returncode = _run(worker_command(job_file), folder, limits)
        outcome = _read_result(result)
        if outcome is None:
            raise _failure(returncode, media_type)
        if not outcome.get("ok"):
            code = str(outcome.get("code"))
            raise DomainError(code, _MESSAGES.get(code, CORRUPT), **dict(outcome.get("params") or {}))
        pdf = target.read_bytes()
    if not pdf.startswith(b"%PDF-"):  # our own worker wrote it; a mismatch is a bug, not the candidate's fault
        raise DomainError("file_corrupt", CORRUPT)
    return NormalisedFile(pdf=pdf, page_count=int(outcome["pages"]), source_media_type=media_type)


def worker_command(job_file: Path) -> list[str]:
    """The child's command line (tests replace it to check the limits on a misbehaving child)."""
    return [sys.executable, "-s", "-m", "app.services.documents.pdf_worker", str(job_file)]


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


def _run(command: list[str], folder: Path, limits: SandboxLimits) -> int:
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=_child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # a chatty crash must not fill a pipe nobody reads
        start_new_session=True,  # a signal to the server's process group never reaches it, and vice versa
    )
    _apply_limits(process.pid, limits)
    try:
        return process.wait(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        log.warning("sandbox child %s killed after %.1f s", process.pid, limits.wall_seconds)
        return -signal.SIGKILL
    finally:
        if process.poll() is None:  # an exception in this thread: never leave a parser running
            process.kill()
            process.wait()


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


__all__ = ["PDF", "NormalisedFile", "SandboxLimits", "check_size", "normalise", "worker_command"]
