"""A fork server: one pre-started process that forks a fresh child for each job, and the client that drives it.

Starting a Python child per upload costs ~0.2-0.3 s of CPU (the interpreter, then pypdf, cryptography and Pillow),
ten times the work on a typical file. The fork server pays for that once: it imports the parsers (``preload``),
then forks one child per job, which handles that one file and exits. Each file still gets its own process, its
own limits and its own wall clock, and a hostile file can only take its own child down, as with one ``python``
per file; what a child inherits is the server's state right after the imports (it never parses anything itself),
so no file's leftovers reach another upload's. A pool of pre-started single-use children would keep the import cost
per file (a pool only hides the latency until the pool runs dry: ten files in a row need ten starts). A job may
hold one upload batch (``pdf_worker.run_batch``): the files one candidate chose together for one piece, which end
up merged into one PDF anyway; when that child fails, the client runs each file in a child of its own
(``pdf_sandbox.normalise_batch``), so a hostile file still takes down only itself and its own batch.

Protocol, one ASCII line each way: ``run TOKEN JOB_PATH`` and ``kill TOKEN`` on the server's standard input;
``started TOKEN PID`` and ``ended TOKEN RETURNCODE`` (negative: the signal) on its standard output. The server
loads no application code (only the standard library here): ``serve`` is run by ``pdf_worker --serve``.
"""

import contextlib
import gc
import itertools
import json
import logging
import os
import selectors
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KILLED = -signal.SIGKILL
KILL_GRACE_SECONDS = 5.0  # how long a killed child may take to be reported before the server itself is ended
START_SECONDS = 30.0  # how long a job may wait for its child: the server's own start (imports) comes first

Handler = Callable[[dict[str, Any]], None]


# --- The server (the sandbox process) -------------------------------------------------------------------------------


def serve(handle: Handler, *, preload: Callable[[], None] | None = None) -> None:
    """Fork a child running ``handle(job)`` for each ``run`` request, until standard input closes; then end them."""
    if preload is not None:
        preload()
    _load_prctl()  # once here, not in each child: importing ctypes and opening libc took ~1.7 ms of every file
    # The modules' objects go to the permanent generation: a child's collections skip them instead of touching
    # (and so copying) the server's pages.
    gc.freeze()
    wake_read, wake_write = os.pipe()
    for fd in (wake_read, wake_write):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake_write)  # SIGCHLD wakes the select below: a child's end is reported at once
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    children: dict[int, str] = {}  # pid → token
    pending = b""
    reading = True
    while reading or children:
        for key, _events in selector.select(timeout=1.0):
            if key.fd == wake_read:
                while _read_some(wake_read):
                    pass
                continue
            chunk = os.read(0, 65536)
            if not chunk:  # the client closed (or died): nothing may outlive it
                reading = False
                selector.unregister(0)
                for pid in children:
                    _kill(pid)
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                verb, token, *rest = line.decode().split(" ", 2)
                if verb == "run" and rest:
                    pid = _fork(handle, Path(rest[0]), (wake_read, wake_write, selector.fileno()))
                    children[pid] = token
                    _reply(f"started {token} {pid}")
                elif verb == "kill":
                    for pid in [pid for pid, owner in children.items() if owner == token]:
                        _kill(pid)
        for pid, returncode in _reap():
            token = children.pop(pid, None)
            if token is not None:
                _reply(f"ended {token} {returncode}")


def _fork(handle: Handler, job_path: Path, inherited: Sequence[int]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1  # any exception (MemoryError before the handler's own, a bug): ended without a result
    try:
        os.setsid()  # its own session and group: a signal to "its group" reaches neither the server nor a sibling
        _die_with_parent()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in inherited:
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # the protocol's pipes are the server's alone
        os.dup2(devnull, 1)
        handle(json.loads(job_path.read_text()))
        code = 0
    finally:
        os._exit(code)  # never back into the server's loop


_prctl: Callable[..., int] | None = None


def _load_prctl() -> Callable[..., int] | None:
    global _prctl
    try:
        import ctypes

        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        _prctl = None
    return _prctl


def _die_with_parent() -> None:
    """Linux: the kernel kills this child if the server dies (no orphan parser outlives its wall clock)."""
    prctl = _prctl or _load_prctl()
    if prctl is None:
        return
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the server died before the call
        os._exit(1)


def _read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)  # not reaped yet: the pid is still this child's


def _reap() -> list[tuple[int, int]]:
    ended = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        ended.append((pid, os.waitstatus_to_exitcode(status)))
    return ended


def _reply(line: str) -> None:
    os.write(1, line.encode() + b"\n")  # a short line (< PIPE_BUF) is written whole


# --- The client (the application) ---------------------------------------------------------------------------------


@dataclass
class _Job:
    started: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    pid: int | None = None
    returncode: int = KILLED


class ForkServer:
    """The running fork server of ``command``; ``run`` is safe from any number of threads."""

    def __init__(self, command: Sequence[str], *, cwd: Path, env: dict[str, str]) -> None:
        self._process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a chatty crash must not fill a pipe nobody reads
            start_new_session=True,  # a signal to the application's process group never reaches it, and vice versa
        )
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._tokens = itertools.count(1)
        self._closed = False
        threading.Thread(target=self._read_replies, name=f"fork-server-{self.pid}", daemon=True).start()

    @property
    def pid(self) -> int:
        return self._process.pid

    def alive(self) -> bool:
        return not self._closed and self._process.poll() is None

    def run(self, job_file: Path, *, wall_seconds: float, started: Callable[[int], None]) -> int:
        """Run ``job_file`` in a new child: its return code (negative: the signal), ``KILLED`` past the wall clock.

        ``started(pid)`` is called as soon as the child exists (the caller lowers its limits from outside); the wall
        clock runs from then, so the server's start (first job only) is not the file's time.
        """
        job = _Job()
        with self._lock:
            token = str(next(self._tokens))
            self._jobs[token] = job
        if not self._send(f"run {token} {job_file}"):
            with self._lock:
                self._jobs.pop(token, None)
            return KILLED
        try:
            if not job.started.wait(START_SECONDS):  # the server is stuck: end it, the next job starts another
                log.warning("sandbox server %s started no child in %.0f s", self.pid, START_SECONDS)
                self.close(timeout=0)
                return KILLED
            if job.pid is not None:
                started(job.pid)
            if job.ended.wait(wall_seconds):
                return job.returncode
        except BaseException:  # an exception in this thread: never leave a parser running unwatched
            self._send(f"kill {token}")
            raise
        log.warning("sandbox child %s killed after %.1f s", job.pid, wall_seconds)
        self._send(f"kill {token}")
        if not job.ended.wait(KILL_GRACE_SECONDS):  # the server does not answer: end it, its children die with it
            self.close(timeout=0)
        return KILLED

    def close(self, *, timeout: float = 2.0) -> None:
        """Close its input (it kills its children and exits); kill it if it is still there after ``timeout``."""
        with self._lock:
            self._closed = True
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
            except OSError:
                pass
        try:
            self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _send(self, line: str) -> bool:
        with self._lock:
            stdin = self._process.stdin
            if self._closed or stdin is None:
                return False
            try:
                stdin.write(line.encode() + b"\n")
                stdin.flush()
            except (OSError, ValueError):  # the server is gone: the reader fails every job waiting
                return False
        return True

    def _read_replies(self) -> None:
        assert self._process.stdout is not None
        for raw in self._process.stdout:
            verb, token, value = raw.decode().split()
            with self._lock:
                job = self._jobs.pop(token, None) if verb == "ended" else self._jobs.get(token)
            if job is None:
                continue
            if verb == "started":
                job.pid = int(value)
            else:
                job.returncode = int(value)
                job.ended.set()
            job.started.set()
        with self._lock:  # the server ended: its children died with it (PR_SET_PDEATHSIG), their jobs fail
            self._closed = True
            orphans = list(self._jobs.values())
            self._jobs.clear()
        for job in orphans:
            job.started.set()
            job.ended.set()
        self._process.wait()
