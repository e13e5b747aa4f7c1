"""One process at a time migrates and seeds the database, however many instances start together.

Two web instances and a worker started at once (``compose up``, a reboot) would each run the Alembic upgrade:
on PostgreSQL the second ``CREATE TABLE`` fails and that instance exits. A PostgreSQL advisory lock, held on a
connection of its own for the length of the block, makes the others wait; they then find the schema at head and
the upgrade is a no-op. SQLite needs none: one file means one machine, and its writer lock serialises.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

# Any constant shared by every instance of the portal: "eCandidat" in ASCII, as a bigint.
LOCK_KEY = 0x6543616E646964


@contextmanager
def exclusive_start(database_url: str) -> Iterator[None]:
    """Hold the start-up lock of ``database_url`` for the block (PostgreSQL; nothing to do on SQLite)."""
    if make_url(database_url).get_backend_name() != "postgresql":
        yield
        return
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                connection.commit()
    finally:
        engine.dispose()
