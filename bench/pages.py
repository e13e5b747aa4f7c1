"""Throughput, latency, event-loop lag and memory of the portal's main pages, beside a bare Starlette reference.

One run starts the portal (``python main.py`` on a fresh temporary data dir: SQLite migrated and demo-seeded; with
``--pg URL`` a fresh PostgreSQL database instead) and ``bench/pages_reference.py`` (the same pages' data, read through
the same engine and services, rendered as plain HTML with Jinja2), signs in a demo candidate and a demo staff member
through the portal's real sign-in flow, checks that every page answers what it should (a marker in the body; the
sign-in page instead fails the run), then loads the portal and the reference alternately with the same generator
(``wrk`` when installed, else an async ``httpx`` client) at each connection count:

* ``/``, ``/formations``, a programme (``/formations?q=CODE``: the offer has no page of its own per programme, the
  search narrows it to one), ``/candidat/candidatures`` and one application's status page (as the candidate), the
  staff list's first page (as the central office);
* req/s, p50, p99, errors (non-2xx answers and socket errors), the ratio bare req/s ÷ portal req/s (how many times
  the portal is slower than the bare app for the same data), and the portal's event-loop lag during the load
  (``app/bench_probe.py``, switched on by ``ECANDIDAT_BENCH_PROBE=1``; null for a revision without it).

Before each page's load points, its cost per request measured alone (``bench/pages_costs.py``, portal and reference):
SQL statements, their time and the pool's checkouts, CPU of the process and of the portal's event-loop thread: figures
that other processes on the machine do not move, unlike req/s. The pages share one portal, in the order given, unless
``--portal-per-page`` starts a fresh one for each (``portal_per_page`` in the JSON says which).

A second phase restarts the portal on the same data and opens ``--clients`` real NiceGUI pages (page + socket.io
websocket, ``python-socketio``'s async client) on the candidate's applications page: the server's RSS before and
after, per connected page, and whether any connection dropped while they are held open.

``--before REV`` measures an earlier commit too (a temporary ``git worktree``, removed afterwards) with the same
reference process and the same generator; the reference keeps reading the current revision's database.

Usage: python bench/pages.py [--duration 10] [--connections 10,50] [--pages home,candidatures] [--clients 200]
       [--hold 30] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--before REV] [--json-out FILE]
       [--portal-per-page]
Prints one JSON document on stdout (progress on stderr).
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session

from app.services.demo.data import DEMO_IDENTITIES
from app.services.offer.browse import WindowState, list_offer
from bench.pages_costs import per_request
from bench.pages_nicegui import (
    BROWSER_HEADERS,
    BenchError,
    check_page,
    cookie_header,
    open_pages,
    sign_in,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["home", "formations", "programme", "candidatures", "candidature", "staff_list"]
CANDIDATE_PAGES = ["home", "formations", "programme", "candidatures", "candidature"]
CANDIDATE_LOGIN = next(d for d in DEMO_IDENTITIES if d.kind == "candidate")  # applications in progress
STAFF_LOGIN = next(d for d in DEMO_IDENTITIES if d.login == "nperrin")  # the central office: every application
Programme = tuple[str, str, int]  # code, label, id
SECRET = "bench-pages-secret-key-that-is-long-enough-0123456789"
GOALS = {
    "ratio_max": 3.0,
    "p99_max_ms_at_50": 1000.0,
    "loop_lag_p99_max_ms_at_50": 50.0,
    "kb_per_connected_page_max": 150.0,
    "connected_pages_without_drop": 1000,
}
GOALS_TEXT = {
    "ratio": "bare req/s ÷ portal req/s ≤ 3 for every candidate page (home, formations, programme, candidatures, "
    "candidature)",
    "p99": "p99 < 1 s at 50 connections",
    "loop_lag": "event-loop lag p99 < 50 ms under the 50-connection load",
    "memory": "≤ 150 KB of server RSS per connected candidate page",
    "connections": "1,000 connected pages with no drop (this run: --clients)",
}
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d}\\n',
    summary.requests, summary.duration, bad, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def log(message: str) -> None:
    print(f"[pages {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- Processes: every one started here is stopped at the end, also on Ctrl-C, SIGTERM or an error ----------------


class Processes:
    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, args: list[str], *, cwd: Path, env: dict[str, str], log_path: Path) -> Any:
        with log_path.open("wb") as out:  # the child keeps its own handle
            process = subprocess.Popen(
                args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append((name, process))
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.running = [(n, p) for n, p in self.running if p is not process]

    def stop_all(self) -> None:
        for _name, process in reversed(list(self.running)):
            with contextlib.suppress(Exception):
                self.stop(process)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict[str, str]:
    """Neither our settings nor test markers leak in (NiceGUI switches to a test mode under pytest)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("ECANDIDAT_", "PYTEST_", "NICEGUI_"))}


def wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path, timeout: float = 180) -> float:
    started = time.monotonic()
    while True:
        if process.poll() is not None:
            raise BenchError(f"{url}: the process exited with {process.returncode}:\n{tail(log_path)}")
        if time.monotonic() - started > timeout:
            raise BenchError(f"{url}: no answer within {timeout} s:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.2)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchError(f"no VmRSS for process {pid}")


# --- Databases and revisions ---------------------------------------------------------------------------------------


@dataclass
class Database:
    """Where one target's portal keeps its data: the env for the portal and the reference, and its URL."""

    url: str
    env: dict[str, str]
    data_dir: Path
    drop: str | None = None  # a scratch PostgreSQL database to drop afterwards (its admin URL)
    name: str = ""


@contextlib.contextmanager
def database(kind_pg: str, folder: Path) -> Iterator[Database]:
    data_dir = folder / "var"
    data_dir.mkdir(parents=True)
    env = {"ECANDIDAT_DATA_DIR": str(data_dir), "ECANDIDAT_SECRET_KEY": SECRET}
    if not kind_pg:
        yield Database(f"sqlite:///{(data_dir / 'ecandidat.db').as_posix()}", env, data_dir)
        return
    name = f"bench_pages_{uuid.uuid4().hex[:8]}"
    admin = create_engine(kind_pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(kind_pg).set(database=name).render_as_string(hide_password=False)
    try:
        yield Database(url, env | {"ECANDIDAT_DATABASE_URL": url, "ECANDIDAT_DEMO": "true"}, data_dir, name=name)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


@contextlib.contextmanager
def worktree(rev: str) -> Iterator[Path]:
    path = Path(tempfile.gettempdir()) / f"ecandidat-bench-pages-{uuid.uuid4().hex[:8]}"
    git("worktree", "add", "--detach", str(path), rev)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, capture_output=True)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


# --- Load generation -----------------------------------------------------------------------------------------------


@dataclass
class Load:
    generator: str
    script: Path | None = None

    def run(self, url: str, headers: dict[str, str], connections: int, seconds: float) -> dict[str, Any]:
        if self.script is not None:
            return self._wrk(url, headers, connections, seconds)
        return asyncio.run(_httpx_load(url, headers, connections, seconds))

    def _wrk(self, url: str, headers: dict[str, str], connections: int, seconds: float) -> dict[str, Any]:
        args = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
        args += ["-s", str(self.script)]
        for name, value in headers.items():
            args += ["-H", f"{name}: {value}"]
        done = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 90)
        line = next((x for x in done.stdout.splitlines() if x.startswith("WRKJSON ")), None)
        if line is None:
            raise BenchError(f"wrk gave no result for {url}: {done.stdout[-500:]} {done.stderr[-500:]}")
        raw = json.loads(line[len("WRKJSON ") :])
        socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
        return _figures(raw["requests"], raw["duration_us"] / 1e6, raw["p50_us"], raw["p99_us"], raw["non2xx"],
                        socket_errors)  # fmt: skip


def _figures(requests: int, seconds: float, p50_us: float, p99_us: float, non2xx: int, sockets: int) -> dict[str, Any]:
    return {
        "requests": requests,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(p50_us / 1000, 1),
        "p99_ms": round(p99_us / 1000, 1),
        "errors": non2xx + sockets,
        "non_2xx": non2xx,
        "socket_errors": sockets,
    }


async def _httpx_load(url: str, headers: dict[str, str], connections: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    non2xx = sockets = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal non2xx, sockets
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    response = await client.get(url)
                    await response.aread()
                    if not 200 <= response.status_code < 300:
                        non2xx += 1
                except httpx.HTTPError:
                    sockets += 1
                    continue
                latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6  # noqa: E731
    return _figures(len(latencies) + non2xx, elapsed, pick(0.5), pick(0.99), non2xx, sockets)


# --- One target: a portal revision with its data ------------------------------------------------------------------


@dataclass
class Site:
    """A server under test and what a visitor sends it for each page."""

    base: str
    pid: int  # its process: CPU read from /proc (bench/pages_costs.py)
    urls: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)  # page -> Cookie header

    def headers(self, page: str) -> dict[str, str]:
        cookie = self.cookies.get(page, "")
        return BROWSER_HEADERS | ({"Cookie": cookie} if cookie else {})


def words_for(page: str, programme: Programme) -> list[str]:
    code, label, _id = programme
    return {
        "home": ["candidater à une formation", "Toute l'offre de formation"],
        "formations": ["Offre de formation", "Rechercher une formation", label],
        "programme": [label, f"Code : {code}"],
        "candidatures": ["Mes candidatures", "Suivre l'avancement", "Statut du dossier"],
        "candidature": ["Informations détaillées", "Candidature créée le"],
        "staff_list": ["candidature", "Page 1 sur"],  # « 45 candidatures » (« candidature(s) » before plurals)
    }[page]


# ``@page(X)`` on a handler, or ``page(X)(handler)`` in ``register()``.
_PAGE_ROUTE = re.compile(r"(?<![\w.])@?(?:ui\.)?page\(([^)]*)\)")
_CONSTANT = re.compile(r'^([A-Z_]+)\s*=\s*"([^"]*)"', re.M)


def programme_path(tree: Path, programme: Programme) -> str:
    """A programme's own page if ``app/pages/offer.py`` of this tree routes one (``/…/{code}`` or ``{…id}``), else the
    offer narrowed to it by its search (``/formations?q=CODE``)."""
    code, _label, program_id = programme
    source = (tree / "app" / "pages" / "offer.py").read_text()
    constants = dict(_CONSTANT.findall(source))
    routes = tree / "app" / "ui" / "routes.py"  # since #18 item 5 pages name their paths ``routes.X``
    if routes.exists():
        constants |= {f"routes.{name}": value for name, value in _CONSTANT.findall(routes.read_text())}
    for expression in _PAGE_ROUTE.findall(source):
        parts = [constants.get(p.strip(), p.strip().strip("f").strip('"')) for p in expression.split(",")[0].split("+")]
        route = "".join(parts)
        params = re.findall(r"\{(\w+)(?::\w+)?\}", route)
        if len(params) == 1:
            value = str(program_id) if params[0].endswith("id") else code
            return re.sub(r"\{\w+(?::\w+)?\}", value, route)
    return f"/formations?q={code}"


def pick_programme(url: str) -> Programme:
    """An open programme of the seeded offer (code, label, id), the same for every target."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            offer = list_offer(session, lang="fr", states={WindowState.OPEN})
    finally:
        engine.dispose()
    programmes = sorted((p.code, p.label, p.id) for centre in offer for p in centre.programs)
    if not programmes:
        raise BenchError("the demo offer has no open programme")
    return programmes[0]


async def prepare_site(site: Site, *, portal: bool, programme: Programme, programme_url: str) -> None:
    """Sign in (the portal's real flow; the reference's bench route), find the URLs, check every page's words."""
    async with httpx.AsyncClient(base_url=site.base, timeout=60) as client:
        await client.get("/", headers=BROWSER_HEADERS)  # a visitor's session cookie, as a browser keeps it
        anonymous_cookie = cookie_header(client.cookies) if portal else ""
        if portal:
            candidate = await sign_in(
                site.base,
                CANDIDATE_LOGIN.login,
                CANDIDATE_LOGIN.password,
                landing="/candidat/candidatures",
                landing_words=words_for("candidatures", programme),
            )
            staff = await sign_in(
                site.base,
                STAFF_LOGIN.login,
                STAFF_LOGIN.password,
                landing="/gestion/candidatures",
                landing_words=words_for("staff_list", programme),
            )
            candidate_cookie, staff_cookie = cookie_header(candidate), cookie_header(staff)
        else:
            cookies = []
            for login in (CANDIDATE_LOGIN.login, STAFF_LOGIN.login):
                async with httpx.AsyncClient(base_url=site.base, timeout=60) as own:
                    (await own.get("/_bench/sign-in", params={"login": login})).raise_for_status()
                    cookies.append(cookie_header(own.cookies))
            candidate_cookie, staff_cookie = cookies
        listing = await client.get("/candidat/candidatures", headers=BROWSER_HEADERS | {"Cookie": candidate_cookie})
        found = re.search(r"/candidat/candidatures/(\d+)", listing.text)
        if not found:
            raise BenchError(f"{site.base}: the candidate's list links to no application")
        site.urls = {
            "home": "/",
            "formations": "/formations",
            "programme": programme_url,
            "candidatures": "/candidat/candidatures",
            "candidature": f"/candidat/candidatures/{found.group(1)}",
            "staff_list": "/gestion/candidatures",
        }
        site.cookies = {
            "home": anonymous_cookie,
            "formations": anonymous_cookie,
            "programme": anonymous_cookie,
            "candidatures": candidate_cookie,
            "candidature": candidate_cookie,
            "staff_list": staff_cookie,
        }
    await check_site(site, programme, who="portal" if portal else "bare reference")


async def check_site(site: Site, programme: Programme, *, who: str, pages: list[str] | None = None) -> None:
    async with httpx.AsyncClient(base_url=site.base, timeout=60) as client:
        for page in pages or PAGES:
            response = await client.get(site.urls[page], headers=site.headers(page), follow_redirects=True)
            check_page(site.urls[page], response, words_for(page, programme), who=f"{who} {page}")


def loop_lag(base: str) -> dict[str, Any] | None:
    """The portal's event-loop lag since the last call (and reset); None when the revision has no probe.

    Also a barrier: it answers once the event loop has worked through the pages still queued from the last load,
    so the next measurement does not share the machine with them.
    """
    try:
        with urllib.request.urlopen(base + "/_bench/loop-lag?reset=1", timeout=600) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError:
        return None
    except OSError as error:
        return {"error": f"no answer: {error}"}


@dataclass
class Options:
    pages: list[str]
    connections: list[int]
    duration: float
    warmup: float
    clients: int
    hold: float
    pg: str
    portal_per_page: bool = False


def measure_pages(portal: Site, bare: Site, load: Load, opts: Options, programme: Programme) -> dict[str, Any]:
    results: dict[str, Any] = {}
    point = 0
    for page in opts.pages:
        asyncio.run(check_site(portal, programme, who="portal", pages=[page]))
        asyncio.run(check_site(bare, programme, who="bare reference", pages=[page]))
        log(f"  {page}: warm-up {opts.warmup:g} s each")
        load.run(portal.base + portal.urls[page], portal.headers(page), min(opts.connections), opts.warmup)
        loop_lag(portal.base)  # once the warm-up's queue is drained
        load.run(bare.base + bare.urls[page], bare.headers(page), min(opts.connections), opts.warmup)
        by_connections: dict[str, Any] = {"url": portal.urls[page]}
        by_connections["per_request"] = {
            "portal": per_request(portal.base, portal.urls[page], portal.headers(page), portal.pid, loop_thread=True),
            "bare": per_request(bare.base, bare.urls[page], bare.headers(page), bare.pid, loop_thread=False),
        }
        log(f"  {page}: per request {by_connections['per_request']}")
        for connections in opts.connections:
            figures: dict[str, Any] = {}
            order = [("portal", portal), ("bare", bare)]
            for name, site in order if point % 2 == 0 else reversed(order):  # alternate who goes first
                if name == "portal":
                    loop_lag(portal.base)  # reset: the lag of this load alone
                figures[name] = load.run(site.base + site.urls[page], site.headers(page), connections, opts.duration)
                if name == "portal":
                    figures["portal_loop_lag"] = loop_lag(portal.base)
            point += 1
            portal_rps, bare_rps = figures["portal"]["rps"], figures["bare"]["rps"]
            figures["ratio"] = round(bare_rps / portal_rps, 2) if portal_rps else None
            log(
                f"  {page} @{connections}: portal {portal_rps} req/s p99 {figures['portal']['p99_ms']} ms, "
                f"bare {bare_rps} req/s, ratio {figures['ratio']}, lag {figures['portal_loop_lag']}"
            )
            by_connections[str(connections)] = figures
        results[page] = by_connections
    return results


async def hold_pages(portal: subprocess.Popen[bytes], base: str, cookie: str, opts: Options) -> dict[str, Any]:
    path = "/candidat/candidatures"
    # Warm-up: a few pages opened and closed, so first-use costs (imports, caches) are not counted per page.
    warm, _ = await open_pages(base, path, cookie, min(10, opts.clients))
    await asyncio.gather(*(s.close() for s in warm))
    await asyncio.sleep(6)  # NiceGUI deletes a disconnected page after its reconnect timeout (3 s)
    before = rss_kb(portal.pid)
    sockets, held = await open_pages(base, path, cookie, opts.clients)
    await asyncio.sleep(3)
    after = rss_kb(portal.pid)
    log(f"  {held.connected}/{opts.clients} pages connected in {held.connect_s} s; holding {opts.hold:g} s")
    start = time.monotonic()
    while time.monotonic() - start < opts.hold:
        await asyncio.sleep(1)
    dropped = sum(1 for s in sockets if s.dropped_at is not None or not s.sio.connected)
    at_end = rss_kb(portal.pid)
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)
    await asyncio.sleep(6)
    closed = rss_kb(portal.pid)
    per_page = (after - before) / held.connected if held.connected else None
    return {
        "path": path,
        "clients": opts.clients,
        "connected": held.connected,
        "failed_to_connect": len(held.failed),
        "failures": sorted(set(held.failed))[:3],
        "connect_s": held.connect_s,
        "rss_before_mb": round(before / 1024, 1),
        "rss_after_mb": round(after / 1024, 1),
        "kb_per_connected_page": round(per_page, 1) if per_page is not None else None,
        "hold_s": opts.hold,
        "dropped_during_hold": dropped,
        "rss_end_of_hold_mb": round(at_end / 1024, 1),
        "rss_after_close_mb": round(closed / 1024, 1),
    }


@dataclass
class Target:
    name: str
    tree: Path
    rev: str


def start_portal(
    procs: Processes, target: Target, db: Database, folder: Path, label: str, *, probe: bool
) -> tuple[subprocess.Popen[bytes], str, float]:
    port = free_port()
    env = clean_env() | db.env | {"ECANDIDAT_PORT": str(port), "ECANDIDAT_HOST": "127.0.0.1"}
    env["NICEGUI_STORAGE_PATH"] = str(folder / "nicegui")  # NiceGUI's per-browser storage, not ./.nicegui
    if probe:
        env["ECANDIDAT_BENCH_PROBE"] = "1"
    env["ECANDIDAT_MAX_ACTIVE_CLIENTS"] = "0"  # every page view served: this bench measures pages, not admission
    log_path = folder / f"portal-{label}.log"
    process = procs.start(f"portal {target.name}", [sys.executable, "main.py"], cwd=target.tree, env=env,
                          log_path=log_path)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    seconds = wait_ready(url, process, log_path)
    return process, url, seconds


def run_target(
    procs: Processes, target: Target, db: Database, folder: Path, bare: Site, load: Load, opts: Options,
    programme: Programme,
) -> dict[str, Any]:  # fmt: skip
    result: dict[str, Any] = {"rev": target.rev}
    # One portal for every page, or one per page (--portal-per-page): a shared portal carries into a page's figures
    # what the pages before it left (never-connected views until pruned, garbage, grown caches).
    batches = [[page] for page in opts.pages] if opts.portal_per_page else [opts.pages]
    result["portal_per_page"] = opts.portal_per_page
    result["pages"] = {}
    for batch in batches if opts.pages else []:
        log(f"{target.name} ({target.rev}): starting the portal on {db.url.split('@')[-1]} for {', '.join(batch)}")
        process, url, _seconds = start_portal(procs, target, db, folder, "load", probe=True)
        portal = Site(url, process.pid)
        own_page = programme_path(target.tree, programme)
        asyncio.run(prepare_site(portal, portal=True, programme=programme, programme_url=own_page))
        result["urls"] = portal.urls
        result["pages"] |= measure_pages(portal, bare, load, replace(opts, pages=batch), programme)
        procs.stop(process)
    if opts.clients:
        log(f"{target.name}: restarting the portal for {opts.clients} connected pages")
        process, url, _seconds = start_portal(procs, target, db, folder, "clients", probe=False)
        candidate = asyncio.run(
            sign_in(
                url,
                CANDIDATE_LOGIN.login,
                CANDIDATE_LOGIN.password,
                landing="/candidat/candidatures",
                landing_words=words_for("candidatures", programme),
            )
        )
        result["connected_pages"] = asyncio.run(hold_pages(process, url, cookie_header(candidate), opts))
        procs.stop(process)
    result["goals_met"] = goals_met(result, opts)
    return result


def _lag_met(lag: dict[str, Any] | None) -> bool | None:
    if not lag or lag.get("p99_ms") is None:
        return None  # no probe in this revision, or no answer
    return lag["p99_ms"] < GOALS["loop_lag_p99_max_ms_at_50"]


def goals_met(result: dict[str, Any], opts: Options) -> dict[str, Any]:
    met: dict[str, Any] = {}
    pages = result.get("pages", {})
    top = str(max(opts.connections))
    ratios = {p: max((f[str(c)]["ratio"] or 1e9) for c in opts.connections) for p, f in pages.items()}
    met["ratio_le_3_every_candidate_page"] = {
        p: r <= GOALS["ratio_max"] for p, r in ratios.items() if p in CANDIDATE_PAGES
    }
    if "50" in {str(c) for c in opts.connections}:
        at_50 = {p: f["50"] for p, f in pages.items()}
        met["p99_lt_1s_at_50"] = {
            p: f["portal"]["requests"] > 0 and f["portal"]["p99_ms"] < GOALS["p99_max_ms_at_50"]
            for p, f in at_50.items()
        }
        met["loop_lag_p99_lt_50ms_at_50"] = {p: _lag_met(f["portal_loop_lag"]) for p, f in at_50.items()}
    else:
        met["note"] = f"50 connections not measured; the highest was {top}"
    held = result.get("connected_pages")
    if held:
        per_page = held["kb_per_connected_page"]
        met["kb_per_connected_page_le_150"] = per_page is not None and per_page <= GOALS["kb_per_connected_page_max"]
        met["no_drop"] = held["connected"] == held["clients"] and held["dropped_during_hold"] == 0
        met["clients_tested"] = held["clients"]
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per load point (default 10)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per page (default: min(3, d))")
    parser.add_argument("--connections", default="10,50", help="comma-separated (default 10,50)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"subset of {','.join(PAGES)} (empty: none)")
    parser.add_argument("--clients", type=int, default=200, help="connected NiceGUI pages (0: skip the phase)")
    parser.add_argument("--hold", type=float, default=30, help="seconds the connected pages are held open")
    parser.add_argument("--pg", default="", help="PostgreSQL admin URL: a fresh database is created and dropped")
    parser.add_argument("--before", default="", help="also measure this earlier revision (git worktree)")
    parser.add_argument("--json-out", default="", help="also write the JSON document to this file")
    parser.add_argument("--generator", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument(
        "--portal-per-page",
        action="store_true",
        help="start a fresh portal for each page (default: one portal for every page, in the order given)",
    )
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; choose among {PAGES}")
    opts = Options(
        pages=pages,
        connections=[int(c) for c in args.connections.split(",") if c],
        duration=args.duration,
        warmup=args.warmup if args.warmup is not None else min(3.0, args.duration),
        clients=args.clients,
        hold=args.hold,
        pg=args.pg,
        portal_per_page=args.portal_per_page,
    )
    print_report(lambda procs: run(args, opts, procs), args.json_out)


def print_report(produce: Callable[[Processes], dict[str, Any]], json_out: str = "") -> None:
    """Print the JSON document ``produce`` makes (also into ``json_out``), or ``{"error": …}`` and exit 1 when it
    fails: every process it started is stopped first, also on SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # finally blocks stop every process
    procs = Processes()
    report: dict[str, Any] = {}
    try:
        report = produce(procs)
    except BenchError as error:
        log(f"FAILED: {error}")
        report = {"error": str(error)}
    except Exception as error:  # still one JSON document, after every process is stopped
        log(f"FAILED:\n{traceback.format_exc()}")
        report = {"error": f"{type(error).__name__}: {error}"}
    finally:
        procs.stop_all()
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if json_out:
        Path(json_out).write_text(text + "\n")
    print(text)
    if "error" in report:
        sys.exit(1)


def run(args: argparse.Namespace, opts: Options, procs: Processes) -> dict[str, Any]:
    use_wrk = args.generator == "wrk" or (args.generator == "auto" and shutil.which("wrk"))
    report: dict[str, Any] = {
        "bench": "pages",
        "database": "postgresql" if opts.pg else "sqlite",
        "generator": "wrk" if use_wrk else "httpx",
        "duration_s": opts.duration,
        "warmup_s": opts.warmup,
        "connections": opts.connections,
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "goals": GOALS_TEXT,
        "ratio": "bare req/s ÷ portal req/s: how many times slower the portal serves the same data (goal ≤ 3)",
    }
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    current = Target("current", ROOT, git("rev-parse", "--short", "HEAD") + ("+working-tree" if dirty else ""))
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        script = None
        if use_wrk:
            script = folder / "count.lua"
            script.write_text(WRK_SCRIPT)
        load = Load(report["generator"], script)
        targets = [current]
        if args.before:
            rev = git("rev-parse", "--short", args.before)
            targets.append(Target("before", stack.enter_context(worktree(rev)), rev))
        dbs = {t.name: stack.enter_context(database(opts.pg, folder / t.name)) for t in targets}
        stack.callback(procs.stop_all)  # unwound first: processes stop before their databases and trees go

        # The current revision seeds its data first; the reference reads that database for every target.
        first_folder = folder / current.name
        process, _url, _seconds = start_portal(procs, current, dbs["current"], first_folder, "seed", probe=False)
        programme = pick_programme(dbs["current"].url)
        procs.stop(process)
        bare_port = free_port()
        bare_env = clean_env() | dbs["current"].env
        bare_log = folder / "reference.log"
        bare_process = procs.start("reference", [sys.executable, "-m", "bench.pages_reference", "--port",
                                   str(bare_port)], cwd=ROOT, env=bare_env, log_path=bare_log)  # fmt: skip
        bare = Site(f"http://127.0.0.1:{bare_port}", bare_process.pid)
        wait_ready(bare.base, bare_process, bare_log)
        bare_programme = f"/formations?q={programme[0]}"
        asyncio.run(prepare_site(bare, portal=False, programme=programme, programme_url=bare_programme))
        report["programme"] = {"code": programme[0], "label": programme[1]}
        report["bare_urls"] = bare.urls
        report["targets"] = {}
        for target in targets:
            report["targets"][target.name] = run_target(
                procs, target, dbs[target.name], folder / target.name, bare, load, opts, programme
            )
        procs.stop(bare_process)
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.before and "before" in report["targets"]:
        report["before_after"] = compare(report["targets"]["before"], report["targets"]["current"])
    return report


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Portal req/s and p99, before → after, per page and connection count."""
    out: dict[str, Any] = {}
    for page, figures in after.get("pages", {}).items():
        old = before.get("pages", {}).get(page)
        if not old:
            continue
        costs = {"per_request": {"before": old.get("per_request"), "after": figures.get("per_request")}}
        out[page] = costs | {
            c: {
                "portal_rps": {"before": old[c]["portal"]["rps"], "after": f["portal"]["rps"]},
                "portal_p99_ms": {"before": old[c]["portal"]["p99_ms"], "after": f["portal"]["p99_ms"]},
                "ratio": {"before": old[c]["ratio"], "after": f["ratio"]},
                "loop_lag_p99_ms": {
                    "before": (old[c]["portal_loop_lag"] or {}).get("p99_ms"),
                    "after": (f["portal_loop_lag"] or {}).get("p99_ms"),
                },
            }
            for c, f in figures.items()
            if c not in ("url", "per_request") and c in old
        }
    held_before, held_after = before.get("connected_pages"), after.get("connected_pages")
    if held_before and held_after:
        out["kb_per_connected_page"] = {
            "before": held_before["kb_per_connected_page"],
            "after": held_after["kb_per_connected_page"],
        }
    return out


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: every process started was stopped")
        sys.exit(130)
