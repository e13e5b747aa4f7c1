"""Start-up: settings, migrations, demo campus, pages, background workers, then NiceGUI."""

import logging
import os
from typing import Any

from nicegui import app, run, ui

from app import database_setup, session_store
from app.config import Settings, get_settings
from app.db import get_engine
from app.roles import runs_background_work

log = logging.getLogger(__name__)


def prepare_database() -> None:
    """Migrate the database, then seed the demo campus into it when demo mode asks for it (one process at a time)."""
    database_setup.prepare_database()


def build_app() -> None:
    """Register pages, middleware and workers on NiceGUI's app (again after each test reset)."""
    from app.api import install as install_api
    from app.head_requests import HeadAsGet
    from app.pages import register_pages
    from app.plain_middleware import install as install_plain_middleware
    from app.security_headers import SecurityHeaders
    from app.services.platform.notifications_relay import install_redis_relay
    from app.ui.response_tuning import install as install_response_tuning
    from app.ui.runtime_tuning import install as install_runtime_tuning
    from app.ui.session import install_language_resolver
    from app.ui.statuses import BRAND_COLOURS
    from app.upload_guard import install as install_upload_guard
    from app.waiting_room import install as install_waiting_room

    install_language_resolver()  # _() follows the language each visitor chose
    # Quasar's colours, once for the application: its defaults are too pale behind white text (Bleu France and the
    # status colours of app/ui/statuses.py pass AA contrast); ui.colors would add an element to every page.
    app.colors(primary="#000091", **BRAND_COLOURS)
    # Buttons read in sentence case, as their labels are written: Quasar would upper-case every one.
    ui.button.default_props("no-caps")
    install_runtime_tuning()  # cheaper page views: see the module's docstring for each lever and its figures
    install_response_tuning()  # cheaper responses: the page's JSON escaped by replaces, built views' outbox quiet
    install_waiting_room(app)  # new visitors wait past ECANDIDAT_MAX_ACTIVE_CLIENTS; inside SecurityHeaders
    app.add_middleware(SecurityHeaders)  # CSP, nosniff, Referrer-Policy, HSTS on pages, API and files
    app.add_middleware(HeadAsGet)  # HEAD answered as GET without its body (pages and API register GET only)
    install_upload_guard(app)  # 413 for oversized uploads before NiceGUI's route buffers them
    install_plain_middleware(app)  # NiceGUI's BaseHTTPMiddleware layers as plain ASGI, when the stack is built
    register_pages()
    install_api(app)  # the REST API for integration accounts (/api/v1, described at /api/v1/docs)
    _start_background_work()
    install_redis_relay(app)  # live updates across instances, only with ECANDIDAT_REDIS_URL
    app.on_shutdown(lambda: get_engine().dispose())
    if os.environ.get("ECANDIDAT_BENCH_PROBE") == "1":  # bench/pages.py only: the event loop's lag
        from app.bench_probe import install as install_bench_probe

        install_bench_probe()


def _start_background_work() -> None:
    """Mail delivery and the job scheduler run with the pages in one process (``ECANDIDAT_ROLE=all``, the default);
    a web instance (``web``) leaves them, and the exports, to ``python -m app.worker`` (``app.roles``)."""
    if runs_background_work():
        _start_mail_worker()
        _start_job_scheduler()


def _start_mail_worker() -> None:
    """Deliver the outbox from this process when the settings ask for it (SMTP host, or the demo mailbox).

    Without an SMTP host outside demo mode no worker runs (mails wait in the outbox), so tests and
    unconfigured instances never loop on connection errors; ``ECANDIDAT_MAIL_WORKER_ENABLED=false`` leaves
    delivery to ``python -m app.services.mail.delivery``.
    """
    from app.services.mail.delivery import MailWorker

    worker = MailWorker.from_settings()
    if worker is not None:
        app.on_startup(worker.start)
        app.on_shutdown(worker.stop)


def _start_job_scheduler() -> None:
    """Run due jobs from this process (``ECANDIDAT_JOBS_ENABLED``; on by default, off under pytest).

    Several instances and workers may all run it: each run is claimed through the database, so none runs twice.
    """
    from app.services.platform.jobs import JobScheduler

    scheduler = JobScheduler.from_settings()
    if scheduler is not None:
        app.on_startup(scheduler.start)
        app.on_shutdown(scheduler.stop)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # PDF rendering runs in NiceGUI's process pool; forking while a thread holds xhtml2pdf's lock would deadlock.
    run.process_pool_start_method = "spawn"
    from app.ui.response_tuning import gzip_middleware

    settings = get_settings()
    if settings.role == "worker":  # the same command line as the web instances, background work only
        from app.worker import main as worker_main

        raise SystemExit(worker_main([]))
    if not settings.demo and (left := settings.demo_identity_left()):
        log.warning("The legal pages name the demo campus: set %s for your institution.", ", ".join(left))
    prepare_database()
    session_store.use_settings(settings)  # the signed-in state in Redis, shared by the instances, when set
    build_app()
    ui.run(
        host=settings.host,
        port=settings.port,
        title="eCandidat",
        language="fr",
        storage_secret=settings.secret_key,
        session_middleware_kwargs=session_cookie_options(settings),
        reload=False,
        show=False,
        favicon="🎓",
        show_welcome_message=True,
        gzip_middleware_factory=gzip_middleware,  # level 6, large pages compressed off the event loop
        **proxy_options(settings),
    )


def session_cookie_options(settings: Settings) -> dict[str, Any]:
    """The session cookie (it only carries the id of the browser's server-side storage): ``Secure`` on an HTTPS
    portal, ``SameSite=Lax``, and kept no longer than a session may last (``session_max_hours``; Starlette also
    refuses a cookie signed longer ago), instead of Starlette's 14 days."""
    return {"max_age": settings.session_max_hours * 3600, "same_site": "lax", "https_only": settings.uses_https}


def proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn believes X-Forwarded-For and X-Forwarded-Proto only from ``ECANDIDAT_TRUSTED_PROXIES``; with none
    configured, not at all (uvicorn's default would believe any peer on 127.0.0.1)."""
    proxies = ",".join(p.strip() for p in settings.trusted_proxies.split(",") if p.strip())
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": proxies}
