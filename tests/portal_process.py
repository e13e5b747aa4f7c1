"""Start ``python main.py`` as a separate process on a free loopback port, as a user would run it."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Portal:
    url: str
    data_dir: Path
    seconds_to_first_answer: float
    process: subprocess.Popen[bytes]


@contextmanager
def run_portal(data_dir: Path, *, extra_env: dict[str, str] | None = None, timeout: float = 90) -> Iterator[Portal]:
    """A demo portal on a fresh data directory; yields once the home page answers 200."""
    port = free_port()
    # Neither our settings nor pytest's markers leak in (NiceGUI switches to a test mode under pytest).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECANDIDAT_", "PYTEST_", "NICEGUI_"))}
    env |= {"ECANDIDAT_DATA_DIR": str(data_dir), "ECANDIDAT_PORT": str(port), "ECANDIDAT_HOST": "127.0.0.1"}
    env |= extra_env or {}
    log = (data_dir.parent / f"portal-{port}.log").open("wb")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the portal exited with {process.returncode}; see {log.name}")
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"the portal did not answer within {timeout} s; see {log.name}")
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield Portal(url, data_dir, time.monotonic() - started, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def run_worker(log: Path, extra_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m app.worker`` with ``extra_env`` (nothing of this process's settings leaks in); stopped with
    SIGTERM afterwards, as systemd and containers stop it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECANDIDAT_", "PYTEST_", "NICEGUI_"))}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.worker"], cwd=ROOT, env=env | extra_env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
