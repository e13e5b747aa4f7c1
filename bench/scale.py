"""One web instance against two behind nginx, on one machine: how many more pages does the second instance serve?

One run makes a fresh PostgreSQL database (``--pg``, dropped afterwards; the demo campus seeded by the first
instance), starts two web instances (``python main.py`` with ``ECANDIDAT_ROLE=web``, the waiting room off:
``ECANDIDAT_MAX_ACTIVE_CLIENTS=0``) and the worker (``python -m app.worker``), all on that database and Redis
(``--redis``, where the signed-in state lives), then two of Debian's nginx with the site of ``deploy/nginx``
(``devtools/nginx_proxy.py``, over TLS on loopback): "one" sends every request to the first instance, "two"
spreads them over both. The second instance and the worker run in both setups: "one" differs only by nginx's
upstream.

A demo candidate signs in through nginx with the portal's real sign-in flow (``bench/pages_nicegui.py``); every
page is checked through both proxies, and through "two" on both instances (the session is read from Redis).
``wrk`` then loads each page at each connection count through each proxy in turn (which goes first alternates):

* ``/`` (a visitor's session cookie, as a browser keeps it), ``/candidat/candidatures`` and the candidate's first
  application's page (signed in), the staff list's first page (the central office, signed in);
* the route cookie nginx gives each browser is left out: it pins a browser to one instance, so wrk's one set of
  headers would be one browser; without it nginx spreads the requests as it spreads many browsers;
* per setup, page and connection count: req/s, p50, p99, errors (non-2xx and socket errors), each instance's
  event-loop lag and its share of the requests; the ratio req/s two ÷ one (goal: ≥ 1.6 on this 2-core machine,
  where wrk, nginx, PostgreSQL and Redis share the cores with the instances).

Usage: python bench/scale.py [--duration 10] [--warmup 3] [--connections 10,50]
       [--pages home,candidatures,candidature,staff_list]
       [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]
       [--nginx-workers auto] [--json-out FILE]
Prints one JSON document on stdout (progress on stderr).
"""

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.pages import (
    CANDIDATE_LOGIN,
    ROOT,
    STAFF_LOGIN,
    WRK_SCRIPT,
    BenchError,
    Load,
    Processes,
    Programme,
    clean_env,
    database,
    free_port,
    loop_lag,
    pick_programme,
    print_report,
    wait_ready,
    words_for,
)
from bench.pages_nicegui import BROWSER_HEADERS, check_page, sign_in
from devtools.nginx_proxy import NGINX, Proxy, run_nginx

# The application's id is read from the candidate's list once signed in.
PAGES = {
    "home": "/",
    "candidatures": "/candidat/candidatures",
    "candidature": "/candidat/candidatures/{application_id}",
    "staff_list": "/gestion/candidatures",
}
SETUPS = ("one", "two")
GOAL_RATIO = 1.6
ROUTE_COOKIE = "ecandidat_route"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def log(message: str) -> None:
    print(f"[scale] {message}", file=sys.stderr, flush=True)


@dataclass
class Instance:
    name: str
    url: str  # http://127.0.0.1:port, as nginx reaches it
    process: subprocess.Popen[bytes]

    @property
    def address(self) -> str:
        return self.url.removeprefix("http://")


@dataclass
class Setup:
    name: str
    proxy: Proxy
    instances: list[Instance]


def start_instance(procs: Processes, name: str, shared: dict[str, str], folder: Path) -> Instance:
    port = free_port()
    env = shared | {
        "ECANDIDAT_ROLE": "web",
        "ECANDIDAT_HOST": "127.0.0.1",
        "ECANDIDAT_PORT": str(port),
        "NICEGUI_STORAGE_PATH": str(folder / name / "nicegui"),  # per instance, as the systemd unit gives it
    }
    log_path = folder / f"{name}.log"
    process = procs.start(name, [sys.executable, "main.py"], cwd=ROOT, env=env, log_path=log_path)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, process, log_path)
    return Instance(name, url, process)


def without_route(cookies: httpx.Cookies) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items() if name != ROUTE_COOKIE)


@dataclass
class SignedIn:
    cookies: dict[str, str]  # each page's Cookie header
    paths: dict[str, str]  # each page's path


async def sign_in_everyone(proxy: Proxy, programme: Programme) -> SignedIn:
    """A visitor's session for ``/``, a candidate and a staff member signed in through nginx for their pages."""
    async with httpx.AsyncClient(base_url=proxy.url, timeout=60, verify=False) as client:
        (await client.get("/", headers=BROWSER_HEADERS)).raise_for_status()
        visitor = without_route(client.cookies)
    signed_in = []
    for who, page in ((CANDIDATE_LOGIN, "candidatures"), (STAFF_LOGIN, "staff_list")):
        landing_words = words_for(page, programme)
        cookies = await sign_in(proxy.url, who.login, who.password, landing=PAGES[page], landing_words=landing_words,
                                verify=False)  # fmt: skip
        signed_in.append(without_route(cookies))
    candidate, staff = signed_in
    async with httpx.AsyncClient(base_url=proxy.url, timeout=60, verify=False) as client:
        listing = await client.get(PAGES["candidatures"], headers=BROWSER_HEADERS | {"Cookie": candidate})
    found = re.search(r"/candidat/candidatures/(\d+)", listing.text)
    if not found:
        raise BenchError("the candidate's list links to no application")
    cookies = {"home": visitor, "candidatures": candidate, "candidature": candidate, "staff_list": staff}
    return SignedIn(cookies, {page: path.format(application_id=found.group(1)) for page, path in PAGES.items()})


async def check_setup(setup: Setup, signed: SignedIn, programme: Programme, pages: list[str]) -> None:
    """Every page answers what it should through this proxy, from each of its instances (several tries each)."""
    before = len(setup.proxy.upstreams())
    async with httpx.AsyncClient(base_url=setup.proxy.url, timeout=60, verify=False) as client:
        for page in pages:
            for _ in range(8 * len(setup.instances)):
                client.cookies.clear()  # only the given cookies, as wrk sends them
                path = signed.paths[page]
                response = await client.get(path, headers=BROWSER_HEADERS | {"Cookie": signed.cookies[page]})
                check_page(path, response, words_for(page, programme), who=f"setup {setup.name} {page}")
    served_by = {row[0] for row in setup.proxy.upstreams()[before:]}
    expected = {i.address for i in setup.instances}
    if served_by != expected:
        raise BenchError(f"setup {setup.name}: nginx sent the checks to {sorted(served_by)}, not {sorted(expected)}")


def measure(setup: Setup, path: str, cookie: str, load: Load, connections: int, seconds: float) -> dict[str, Any]:
    for instance in setup.instances:
        loop_lag(instance.url)  # a barrier (the last load's queue drained) and a reset
    before = len(setup.proxy.upstreams())
    headers = BROWSER_HEADERS | ({"Cookie": cookie} if cookie else {})
    figures = load.run(setup.proxy.url + path, headers, connections, seconds)
    answered = Counter(row[0] for row in setup.proxy.upstreams()[before:])
    total = sum(answered.values()) or 1
    figures["instances"] = {
        i.name: {"share": round(answered[i.address] / total, 3), "loop_lag": loop_lag(i.url)} for i in setup.instances
    }
    return figures


def measure_all(setups: dict[str, Setup], signed: SignedIn, load: Load, args: argparse.Namespace) -> Any:
    results: dict[str, Any] = {name: {} for name in SETUPS}
    point = 0
    for page in args.pages:
        log(f"{page}: warm-up {args.warmup:g} s per setup")
        for setup in setups.values():
            measure(setup, signed.paths[page], signed.cookies[page], load, min(args.connections), args.warmup)
        for connections in args.connections:
            order = list(SETUPS) if point % 2 == 0 else list(reversed(SETUPS))  # who goes first alternates
            point += 1
            for name in order:
                figures = measure(setups[name], signed.paths[page], signed.cookies[page], load, connections,
                                  args.duration)  # fmt: skip
                results[name].setdefault(page, {})[str(connections)] = figures
                log(f"  {page} @{connections} {name}: {figures['rps']} req/s, p99 {figures['p99_ms']} ms, "
                    f"{figures['errors']} errors")  # fmt: skip
    return results


def ratios(results: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for page, by_connections in results["two"].items():
        for connections, two in by_connections.items():
            one = results["one"][page][connections]["rps"]
            out.setdefault(page, {})[connections] = round(two["rps"] / one, 2) if one else None
    return out


def summary(results: dict[str, Any]) -> dict[str, Any]:
    """The figures the issue asks for, per page and connection count, side by side."""
    keep = ("rps", "p50_ms", "p99_ms", "errors")
    return {
        page: {
            connections: {name: {k: results[name][page][connections][k] for k in keep} for name in SETUPS}
            for connections in by_connections
        }
        for page, by_connections in results["one"].items()
    }


def run(args: argparse.Namespace, procs: Processes) -> dict[str, Any]:
    if NGINX is None or shutil.which("wrk") is None:
        raise BenchError("bench/scale.py needs nginx and wrk (apt-get install nginx wrk)")
    report: dict[str, Any] = {
        "bench": "scale",
        "database": "postgresql",
        "generator": "wrk",
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "nginx_workers": args.nginx_workers,
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "goal": f"req/s with two instances ≥ {GOAL_RATIO} × req/s with one, for every page and connection count",
    }
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        db = stack.enter_context(database(args.pg, folder))
        stack.callback(procs.stop_all)  # unwound before the database is dropped
        script = folder / "count.lua"
        script.write_text(WRK_SCRIPT)
        load = Load("wrk", script)
        ports = {name: free_port() for name in SETUPS}
        shared = {
            **clean_env(),
            **db.env,
            "ECANDIDAT_REDIS_URL": args.redis,
            "ECANDIDAT_BASE_URL": f"https://127.0.0.1:{ports['two']}",  # where the candidate signs in
            "ECANDIDAT_TRUSTED_PROXIES": "127.0.0.1",
            "ECANDIDAT_MAX_ACTIVE_CLIENTS": "0",  # every page view served: this bench measures pages, not admission
            "ECANDIDAT_BENCH_PROBE": "1",  # each instance's event-loop lag (app/bench_probe.py)
        }
        log(f"database {db.name}; starting web1 (it seeds the demo campus), web2 and the worker")
        web = [start_instance(procs, name, shared, folder) for name in ("web1", "web2")]
        worker = procs.start("worker", [sys.executable, "-m", "app.worker"], cwd=ROOT,
                             env=shared | {"ECANDIDAT_ROLE": "worker"}, log_path=folder / "worker.log")  # fmt: skip
        setups: dict[str, Setup] = {}
        for name, instances in (("one", web[:1]), ("two", web)):
            (folder / f"nginx-{name}").mkdir()
            proxy = stack.enter_context(
                run_nginx(folder / f"nginx-{name}", [i.address for i in instances], ports[name],
                          workers=args.nginx_workers)
            )  # fmt: skip
            setups[name] = Setup(name, proxy, instances)
        programme = pick_programme(db.url)
        signed = asyncio.run(sign_in_everyone(setups["two"].proxy, programme))
        for setup in setups.values():
            asyncio.run(check_setup(setup, signed, programme, args.pages))
        log("every page checked through both proxies; the candidate and the staff member are signed in on both")
        results = measure_all(setups, signed, load, args)
        if worker.poll() is not None:
            raise BenchError(f"the worker exited with {worker.returncode} during the run")
        report["worker_ran_throughout"] = True
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["summary"] = summary(results)
    report["ratio_two_over_one"] = ratios(results)
    report["goal_met"] = {
        page: {c: r is not None and r >= GOAL_RATIO for c, r in by_c.items()}
        for page, by_c in report["ratio_two_over_one"].items()
    }
    report["setups"] = results
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per load point (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per page and setup (default 3)")
    parser.add_argument("--connections", default="10,50", help="comma-separated (default 10,50)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"subset of {','.join(PAGES)}")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL admin URL: a fresh database is made and dropped")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="Redis URL shared by the instances (never flushed)")
    parser.add_argument("--nginx-workers", default="auto", help="nginx's worker_processes (Debian's: auto)")
    parser.add_argument("--json-out", default="", help="also write the JSON document to this file")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",") if c]
    args.pages = [p for p in args.pages.split(",") if p]
    if unknown := set(args.pages) - set(PAGES):
        parser.error(f"unknown pages {sorted(unknown)}; choose among {list(PAGES)}")
    print_report(lambda procs: run(args, procs), args.json_out)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: every process started was stopped")
        sys.exit(130)
