"""Page latency while the 100,000-row XLSX export is built: in the web process's threads, or by the worker (issue 20).

One run makes a scratch PostgreSQL database (``--pg``, dropped afterwards), migrates it and fills it with the
applications of ``bench/staff_list.py`` (``--n``, 100,000), gives one of their candidates a password, then starts
one web instance (``python main.py``, ``ECANDIDAT_ROLE=web``, the waiting room off, the event-loop probe on). The
candidate signs in with the portal's real flow (``bench/pages_nicegui.py``); a visitor keeps the session cookie of
``/``. Then, in rounds whose order alternates (``none, web, worker`` then ``worker, web, none``), wrk loads ``/``
and ``/candidat/candidatures`` (``--connections``, 10) for ``--duration`` seconds each:

* ``none``: no export running;
* ``web``: while the central office's XLSX export of the whole list is built in the web instance's own export
  threads (``POST /_bench/export/ID`` of ``app/bench_probe.py``: what the list's « Exporter » does in a process of
  role ``all``, ``python main.py``'s default);
* ``worker``: while the same export is built by ``python -m app.worker`` (``ECANDIDAT_ROLE=worker``, started for
  the phase with the job already queued, its scheduler off so that no overdue job runs beside the export).

The load starts once the export is RUNNING; ``export_running_throughout`` says whether it still was when the last
page's load ended (when not, the export was faster than the two loads and the figures mix both states). Each
export's build time (``started_at`` → ``finished_at`` of its ``ExportJob``) is reported, and first one export by
the worker with no page load (``export_alone_by_worker_s``). Figures per mode and page: the medians over the
rounds of req/s, p50, p99 and the instance's event-loop lag p99, then every round's figures. The machine's load
average is printed at start and end: on a shared machine, trust the comparison within one run.

Usage: python bench/export_latency.py [--n 100000] [--rounds 2] [--duration 8] [--connections 10]
       [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--json-out FILE]
Prints one JSON document on stdout (progress on stderr).
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ECANDIDAT_SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bench.pages import ROOT, WRK_SCRIPT, BenchError, Load, Processes, clean_env, database, loop_lag, print_report
from bench.pages_nicegui import BROWSER_HEADERS, check_page, cookie_header, sign_in
from bench.scale import DEFAULT_PG, start_instance

PAGES = {"home": "/", "candidatures": "/candidat/candidatures"}
WORDS = {"home": ["candidater à une formation"], "candidatures": ["Mes candidatures", "Statut du dossier"]}
MODES = ("none", "web", "worker")
PASSWORD = "Bench-latency-2026!"
EXPORT_TIMEOUT_S = 900.0


def log(message: str) -> None:
    print(f"[export_latency {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- The data: migrated, 100,000 applications, one candidate who can sign in, the central office ----------------


def prepare(url: str, data_dir: Path, n: int) -> tuple[Engine, str, Any]:
    """Migrate and fill the database at ``url``; (its engine, the candidate's login, the central office's actor)."""
    os.environ.update(
        ECANDIDAT_DATABASE_URL=url, ECANDIDAT_DATA_DIR=str(data_dir), ECANDIDAT_DEMO="false", ECANDIDAT_ROLE="web"
    )
    from app.config import reset_settings
    from app.database_setup import prepare_database
    from app.db import make_engine, reset_engine

    reset_settings()
    reset_engine()
    prepare_database()  # the migrations, as the instances expect them (no demo campus: ids are the bench's)
    engine = make_engine(url)
    import app.models as m
    from app.services.accounts.passwords import hash_password
    from bench.staff_list import NOW, _actor, populate

    populate(engine, n)
    if engine.dialect.name == "postgresql":  # rows inserted with their ids: the sequences start after them
        with engine.begin() as conn:
            for table in ("campaign", "diplomatype", "applicationcentre", "committee", "program", "account",
                          "candidate", "application"):  # fmt: skip
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")  # planner statistics, as a running server would have them
    with Session(engine) as session:
        candidate_id = session.exec(select(m.Application.candidate_id).order_by(m.Application.candidate_id)).first()
        candidate = session.get(m.Candidate, candidate_id)
        assert candidate is not None
        account = session.get(m.Account, candidate.account_id)
        assert account is not None
        account.password_hash = hash_password(PASSWORD)
        account.activated_at = NOW
        account.campaign_id = candidate.campaign_id
        session.add(account)
        session.commit()
        login = account.email
    return engine, login, _actor(engine, m.StaffRole.CENTRAL_OFFICE)


def queue_export(actor: Any) -> int:
    """The central office's XLSX export of the whole list, queued as the list's button queues it."""
    from app.db import transaction
    from app.services.exports import jobs
    from app.services.exports.tabular import TabularRequest
    from app.services.review.staff_list_columns import DEFAULT_COLUMNS, ListQuery

    request = TabularRequest(query=ListQuery(sort="birth_name"), columns=list(DEFAULT_COLUMNS), extras=[])
    with transaction() as session:
        return jobs.request_list_export(session, actor=actor, kind="xlsx", request=request).id or 0


def job_state(engine: Engine, job_id: int) -> tuple[str, float | None]:
    """(status, build seconds once finished)."""
    import app.models as m

    with Session(engine) as session:
        job = session.get(m.ExportJob, job_id)
        assert job is not None
        seconds = None
        if job.started_at and job.finished_at:
            seconds = round((job.finished_at - job.started_at).total_seconds(), 2)
        return job.status.value, seconds


def wait_for(engine: Engine, job_id: int, wanted: set[str]) -> str:
    deadline = time.monotonic() + EXPORT_TIMEOUT_S
    while time.monotonic() < deadline:
        status, _seconds = job_state(engine, job_id)
        if status in wanted:
            return status
        if status == "failed":
            raise BenchError(f"export {job_id} failed")
        time.sleep(0.1)
    raise BenchError(f"export {job_id} not {sorted(wanted)} within {EXPORT_TIMEOUT_S:.0f} s")


# --- The phases ----------------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, procs: Processes, engine: Engine, actor: Any, url: str, worker_env: dict[str, str]) -> None:
        self.procs, self.engine, self.actor, self.url, self.worker_env = procs, engine, actor, url, worker_env
        self.folder = Path(worker_env["ECANDIDAT_DATA_DIR"]).parent
        self.workers = 0

    def start_export(self, mode: str) -> tuple[int, Any]:
        """Queue the export and have ``mode`` build it; (job id, the worker process or None)."""
        job_id = queue_export(self.actor)
        if mode == "web":
            request = urllib.request.Request(f"{self.url}/_bench/export/{job_id}", method="POST", data=b"")
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            return job_id, None
        self.workers += 1
        process = self.procs.start(f"worker{self.workers}", [sys.executable, "-m", "app.worker"], cwd=ROOT,
                                   env=self.worker_env, log_path=self.folder / f"worker{self.workers}.log")  # fmt: skip
        return job_id, process

    def finish_export(self, job_id: int, process: Any) -> float | None:
        wait_for(self.engine, job_id, {"done"})
        if process is not None:
            self.procs.stop(process)
        return job_state(self.engine, job_id)[1]

    def measure(self, load: Load, cookies: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
        asyncio.run(check_pages(self.url, cookies))  # each page is what it should be, to these cookies
        out: dict[str, Any] = {}
        for page, path in PAGES.items():
            loop_lag(self.url)  # a barrier (the last load drained) and a reset
            headers = BROWSER_HEADERS | {"Cookie": cookies[page]}
            figures = load.run(self.url + path, headers, args.connections, args.duration)
            figures["loop_lag"] = loop_lag(self.url)
            out[page] = figures
        return out

    def phase(self, mode: str, load: Load, cookies: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
        if mode == "none":
            return {"pages": self.measure(load, cookies, args)}
        job_id, process = self.start_export(mode)
        wait_for(self.engine, job_id, {"running", "done"})
        pages = self.measure(load, cookies, args)
        running = job_state(self.engine, job_id)[0] == "running"
        return {"pages": pages, "export_running_throughout": running, "export_s": self.finish_export(job_id, process)}


def _median(values: list[Any]) -> float | None:
    present = [v for v in values if isinstance(v, int | float)]
    return round(statistics.median(present), 1) if present else None


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per mode and page, the medians over the rounds."""
    out: dict[str, Any] = {}
    for mode in MODES:
        phases = [r[mode] for r in rounds if mode in r]
        entry: dict[str, Any] = {}
        for page in PAGES:
            figures = [p["pages"][page] for p in phases]
            entry[page] = {
                "rps": _median([f["rps"] for f in figures]),
                "p50_ms": _median([f["p50_ms"] for f in figures]),
                "p99_ms": _median([f["p99_ms"] for f in figures]),
                "errors": sum(f["errors"] for f in figures),
                "loop_lag_p99_ms": _median([(f.get("loop_lag") or {}).get("p99_ms") for f in figures]),
            }
        if mode != "none":
            entry["export_s"] = _median([p["export_s"] for p in phases])
            entry["export_running_throughout"] = all(p["export_running_throughout"] for p in phases)
        out[mode] = entry
    return out


async def cookies_for(url: str, login: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        (await client.get("/", headers=BROWSER_HEADERS)).raise_for_status()
        visitor = cookie_header(client.cookies)
    candidate = await sign_in(url, login, PASSWORD, landing=PAGES["candidatures"], landing_words=["Mes candidatures"])
    return {"home": visitor, "candidatures": cookie_header(candidate)}


async def check_pages(url: str, cookies: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for page, path in PAGES.items():
            client.cookies.clear()  # only the given cookies, as wrk sends them
            response = await client.get(path, headers=BROWSER_HEADERS | {"Cookie": cookies[page]})
            check_page(path, response, WORDS[page], who=f"export_latency {page}")


def run(args: argparse.Namespace, procs: Processes) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise BenchError("bench/export_latency.py needs wrk (apt-get install wrk)")
    report: dict[str, Any] = {
        "bench": "export_latency",
        "n": args.n,
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": args.rounds,
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
    }
    with tempfile.TemporaryDirectory(prefix="bench-export-latency-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        db = stack.enter_context(database(args.pg, folder))
        report["database"] = "postgresql" if args.pg else "sqlite"
        stack.callback(procs.stop_all)  # unwound before the database is dropped
        log(f"database {db.name or db.url}: migrating and filling {args.n} applications")
        engine, login, actor = prepare(db.url, db.data_dir, args.n)
        shared = {**clean_env(), **db.env, "ECANDIDAT_DATABASE_URL": db.url, "ECANDIDAT_DEMO": "false"}
        shared |= {"ECANDIDAT_MAX_ACTIVE_CLIENTS": "0", "ECANDIDAT_BENCH_PROBE": "1"}  # every view served; the probe
        (folder / "web").mkdir()  # NiceGUI makes only the last folder of its storage path: the sessions' files
        web = start_instance(procs, "web", shared, folder)
        script = folder / "count.lua"
        script.write_text(WRK_SCRIPT)
        load = Load("wrk", script)
        cookies = asyncio.run(cookies_for(web.url, login))
        asyncio.run(check_pages(web.url, cookies))
        bench = Bench(
            procs, engine, actor, web.url, shared | {"ECANDIDAT_ROLE": "worker", "ECANDIDAT_JOBS_ENABLED": "false"}
        )
        log("one export by the worker alone")
        job_id, process = bench.start_export("worker")
        report["export_alone_by_worker_s"] = bench.finish_export(job_id, process)
        rounds: list[dict[str, Any]] = []
        for number in range(args.rounds):
            order = MODES if number % 2 == 0 else tuple(reversed(MODES))
            rounds.append({})
            for mode in order:
                rounds[-1][mode] = bench.phase(mode, load, cookies, args)
                figures = rounds[-1][mode]["pages"]
                log(f"round {number} {mode}: " + ", ".join(f"{p} p99 {f['p99_ms']} ms" for p, f in figures.items()))
        if web.process.poll() is not None:
            raise BenchError(f"the web instance exited with {web.process.returncode} during the run")
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["summary"] = summarise(rounds)
    report["rounds_detail"] = rounds
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="applications (default 100000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the three modes, order alternating")
    parser.add_argument("--duration", type=float, default=8, help="seconds of load per page and phase (default 8)")
    parser.add_argument("--connections", type=int, default=10, help="wrk's connections (default 10)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="PostgreSQL admin URL ('' for SQLite): a scratch database")
    parser.add_argument("--json-out", default="", help="also write the JSON document to this file")
    args = parser.parse_args()
    print_report(lambda procs: run(args, procs), args.json_out)


if __name__ == "__main__":
    main()
