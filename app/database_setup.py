"""Bring the database to the latest revision and seed the demo campus: the first thing every process does.

Kept apart from ``app.server`` so that the worker (``python -m app.worker``) prepares the database without
importing NiceGUI. Several processes starting together take turns (``app.startup_lock``).
"""

from app.config import get_settings
from app.db import transaction
from app.services.platform import read_only
from app.services.platform.migrations import upgrade_database
from app.startup_lock import exclusive_start


def prepare_database() -> None:
    """Migrate the database, then seed the demo campus into it when demo mode asks for it."""
    settings = get_settings()
    read_only.install()  # web instances and the worker alike refuse writes while the portal is read-only
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with exclusive_start(settings.database_url):
        upgrade_database(settings.database_url)
        if settings.demo:
            from app.services.demo.campus import seed_demo_campus

            with transaction() as session:
                seed_demo_campus(session)
