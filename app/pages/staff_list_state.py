"""What the staff list (/gestion/candidatures) keeps between two drawings of one page view, shared by the page and
its parts (filter bar, table)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.config import Settings
from app.services.review import ListPage, ListQuery
from app.ui.bulk_decisions import BulkChoices
from app.ui.latest_read import LatestRead

Reload = Callable[[], Awaitable[None]]  # reads the list again in a worker thread, then redraws it


@dataclass
class ListState:
    query: ListQuery
    columns: list[str]
    selected: set[int] = field(default_factory=set)
    page: ListPage | None = None
    error: str = ""
    settings: Settings | None = None  # the effective parameters (SVA thresholds), read with the list
    bulk: BulkChoices | None = None  # what the bulk decisions offer the role (None: nothing)
    reads: LatestRead = field(default_factory=LatestRead)  # overlapping reads: only the latest one is drawn
