"""The waiting room under load: at 3× the capacity, served pages stay fast and the others get the waiting page.

Starts the portal (``python main.py``, demo SQLite on a fresh data dir, the helpers of ``bench/pages.py``) with
``ECANDIDAT_MAX_ACTIVE_CLIENTS=CAPACITY`` and lets ``--factor × CAPACITY`` visitors ask for a page at once for
``--duration`` seconds (an asyncio generator of plain keep-alive HTTP/1.1 connections: the latency of each answer
is kept by status, which ``wrk`` cannot do):

* newcomers: every request comes from a new browser (no cookie), the visitors the waiting room may hold back; a
  refused one waits ``--refused-pause`` seconds (a browser would wait ``Retry-After``, 10–20 s) and asks again;
* ``--insiders`` browsers that keep their cookies: once served a page they are "already in", and must never get the
  waiting page afterwards.

The portal's event-loop lag during the load (``app/bench_probe.py``) tells a stall of the server from a busy
machine (the generator shares it). Then the same load with the waiting room off (``ECANDIDAT_MAX_ACTIVE_CLIENTS=0``),
for comparison.

Usage: python bench/waiting_room.py [--capacity 12] [--factor 3] [--duration 20] [--page /] [--insiders 5]
Prints one JSON document on stdout (progress on stderr): per run, served, waiting-page and error counts, timeouts,
p50/p99 of the served pages and of the waiting pages, insiders refused after being served, and ``goal_checks``:
served pages' p99 < 1 s (bench/pages.py's goal), no timeout, no error, and with the room on some visitors got the
waiting page and no insider was refused once served.
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pages import GOALS, ROOT, SECRET, Processes, clean_env, free_port, log, loop_lag, wait_ready
from bench.pages_nicegui import BROWSER_HEADERS

TIMEOUT_SECONDS = 30.0  # as bench/pages.py's wrk: an answer later than this is a timeout


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


class Browser:
    """One visitor's keep-alive HTTP/1.1 connection, written by hand: httpx cost a millisecond of the generator's
    CPU per request, and the generator shares the machine with the portal (its own delays land in the latencies)."""

    def __init__(self, host: str, port: int, keeps_cookies: bool) -> None:
        self.host, self.port, self.keeps_cookies = host, port, keeps_cookies
        self.cookie = ""
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, dict[str, str]]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in BROWSER_HEADERS.items()]
        if self.keeps_cookies and self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(head[0].split()[1])
            headers: dict[str, str] = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "set-cookie":
                    self.cookie = value.strip().split(";")[0]
                headers[name.lower()] = value.strip()
            if headers.get("transfer-encoding") == "chunked":
                while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                    await reader.readexactly(size + 2)
                await reader.readuntil(b"\r\n")
            else:
                await reader.readexactly(int(headers.get("content-length", "0")))
            if headers.get("connection") == "close":
                self.close()
            return status, headers
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def load(url: str, newcomers: int, insiders: int, seconds: float, refused_pause: float) -> dict[str, Any]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    served: list[float] = []
    waiting: list[float] = []
    counts = {"errors": 0, "timeouts": 0, "insiders_refused_after_served": 0, "insiders_refused_before": 0}
    deadline = time.perf_counter() + seconds

    async def visitor(keeps_cookies: bool) -> None:
        browser = Browser(parts.hostname or "127.0.0.1", parts.port or 80, keeps_cookies)  # newcomers: no cookie
        inside = False
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, headers = await asyncio.wait_for(browser.get(path), TIMEOUT_SECONDS)
            except TimeoutError:
                counts["timeouts"] += 1
                continue
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                counts["errors"] += 1
                continue
            elapsed = time.perf_counter() - started
            if status == 200:
                served.append(elapsed)
                inside = True
            elif status == 503 and "retry-after" in headers:
                waiting.append(elapsed)
                if keeps_cookies:
                    counts["insiders_refused_after_served" if inside else "insiders_refused_before"] += 1
                await asyncio.sleep(refused_pause)
            else:
                counts["errors"] += 1
        browser.close()

    started = time.perf_counter()
    await asyncio.gather(*[visitor(False) for _ in range(newcomers)], *[visitor(True) for _ in range(insiders)])
    elapsed = time.perf_counter() - started
    return {
        "served": len(served),
        "served_per_s": round(len(served) / elapsed, 1),
        "waiting_pages": len(waiting),
        **counts,
        "served_p50_ms": percentile(served, 0.5),
        "served_p99_ms": percentile(served, 0.99),
        "served_max_ms": round(max(served) * 1000, 1) if served else None,
        "waiting_p99_ms": percentile(waiting, 0.99),
    }


def run_once(procs: Processes, folder: Path, capacity: int, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    env = clean_env() | {
        "ECANDIDAT_DATA_DIR": str(folder / "var"),
        "ECANDIDAT_SECRET_KEY": SECRET,
        "ECANDIDAT_PORT": str(port),
        "ECANDIDAT_HOST": "127.0.0.1",
        "ECANDIDAT_MAX_ACTIVE_CLIENTS": str(capacity),
        "NICEGUI_STORAGE_PATH": str(folder / "nicegui"),
        "ECANDIDAT_BENCH_PROBE": "1",  # the event loop's lag (app/bench_probe.py)
    }
    log_path = folder / f"portal-{capacity}.log"
    process = procs.start("portal", [sys.executable, "main.py"], cwd=ROOT, env=env, log_path=log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, log_path)
        visitors = args.factor * args.capacity
        asyncio.run(load(url + args.page, min(visitors, 10), 0, 3, args.refused_pause))  # warm-up
        log(f"waiting room {'at ' + str(capacity) if capacity else 'off'}: {visitors} visitors for {args.duration} s")
        loop_lag(url)  # reset
        figures = asyncio.run(
            load(url + args.page, visitors - args.insiders, args.insiders, args.duration, args.refused_pause)
        )
        figures["portal_loop_lag"] = loop_lag(url)
    finally:
        procs.stop(process)
    figures["goal_checks"] = goal_checks(figures, capacity)
    figures["goal_met"] = all(figures["goal_checks"].values())
    return figures


def goal_checks(figures: dict[str, Any], capacity: int) -> dict[str, bool]:
    """The issue's claim, one check each: served pages under the p99 goal, the others the waiting page (with the
    room on: some did wait), no timeout, no other answer, and no browser refused once it was in."""
    p99 = figures["served_p99_ms"]
    checks = {
        "served_p99_lt_1s": p99 is not None and p99 < GOALS["p99_max_ms_at_50"],
        "no_timeout": figures["timeouts"] == 0,
        "no_error": figures["errors"] == 0,
    }
    if capacity:
        checks["others_got_the_waiting_page"] = figures["waiting_pages"] > 0
        checks["insiders_never_refused_once_served"] = figures["insiders_refused_after_served"] == 0
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--capacity", type=int, default=12, help="ECANDIDAT_MAX_ACTIVE_CLIENTS (default 12)")
    parser.add_argument("--factor", type=int, default=3, help="visitors = factor × capacity (default 3)")
    parser.add_argument("--duration", type=float, default=20, help="seconds of load per run (default 20)")
    parser.add_argument("--page", default="/", help="the page asked for (default /)")
    parser.add_argument("--insiders", type=int, default=5, help="browsers keeping their cookies (default 5)")
    parser.add_argument("--refused-pause", type=float, default=1.0, help="seconds a refused visitor waits")
    parser.add_argument("--no-compare", action="store_true", help="skip the run with the waiting room off")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    procs = Processes()
    report: dict[str, Any] = {
        "bench": "waiting_room",
        "page": args.page,
        "capacity": args.capacity,
        "visitors": args.factor * args.capacity,
        "insiders": args.insiders,
        "duration_s": args.duration,
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "goal": "at factor × capacity: served pages p99 < 1 s, the others the waiting page, no timeout nor error; "
        "insiders never refused once served (goal_checks of waiting_room_on)",
    }
    try:
        with tempfile.TemporaryDirectory(prefix="bench-waiting-") as tmp:
            folder = Path(tmp)
            report["waiting_room_on"] = run_once(procs, folder, args.capacity, args)
            if not args.no_compare:
                report["waiting_room_off"] = run_once(procs, folder, 0, args)
    finally:
        procs.stop_all()
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
