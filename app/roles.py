"""What one process of the portal runs (``ECANDIDAT_ROLE``): pages, background work, or both.

- ``all`` (the default, ``python main.py``): one process serves the pages and also delivers mail, runs the
  scheduled jobs and builds the exports, as a single-machine installation always did.
- ``web``: pages only. Mail waits in the outbox, exports stay queued and jobs stay due until a worker takes them,
  so page views never compete for the interpreter with a ZIP of a thousand PDFs.
- ``worker`` (``python -m app.worker``): background work only, no pages.

Every piece of background work is claimed through the database (mails, job runs, exports), so any number of
``all`` and ``worker`` processes may run side by side without doing one thing twice.
"""

from app.config import Settings, get_settings


def runs_background_work(settings: Settings | None = None) -> bool:
    """Whether this process delivers mail, runs scheduled jobs and builds exports."""
    return (settings or get_settings()).role in ("all", "worker")


def serves_pages(settings: Settings | None = None) -> bool:
    return (settings or get_settings()).role in ("all", "web")
