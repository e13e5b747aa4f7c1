"""The one clock of the application: timezone-aware UTC, settable by tests."""

from datetime import UTC, date, datetime, timedelta
from typing import overload
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """Current time in UTC, aware."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today_paris() -> date:
    return now().astimezone(PARIS).date()


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware), or let it run again with ``None``."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock takes timezone-aware datetimes only")
    _frozen = moment.astimezone(UTC) if moment is not None else None


def paris(moment: datetime) -> datetime:
    """``moment`` as seen in Europe/Paris, for display."""
    return moment.astimezone(PARIS)


def paris_datetime(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A wall-clock time in Paris, as aware UTC (calendar dates are set in Paris time)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS).astimezone(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A typed moment as aware UTC: a naive one is a Paris wall-clock time (what the forms' inputs give)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=PARIS)).astimezone(UTC)
