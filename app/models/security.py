"""Failed sign-in counters shared by every instance: one row per client address, staff member or unknown login."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import utc_field


class SignInThrottle(SQLModel, table=True):
    """Failures of one key (``address:…``, ``staff:…``, ``login:…``) in the current window, and any block.

    Candidate accounts keep their own counter on ``Account``; the purge job deletes rows gone quiet.
    """

    key: str = Field(primary_key=True, max_length=120)
    failures: int = Field(default=0)
    window_started_at: datetime = utc_field(default_now=True)
    blocked_until: datetime | None = utc_field()
