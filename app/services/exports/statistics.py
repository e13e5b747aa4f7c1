"""Statistics of the applications (issue 11, eCandidat's « Statistiques »), within the current role's scope.

Each figure is one ``SUM(CASE …)`` of a single ``GROUP BY`` query over ``Application``, one group per programme
(with its committee, centre and campaign); those few rows are then added up into the chosen grouping. No
application row is loaded into Python, so the page holds at 100,000 applications (about 0.35 s on SQLite, see
``bench/staff_statistics.py``). Capacities come from the programmes, so a programme without any application
still counts.

Definitions (shown on the page, kept here as the one reference):

- *applications*: every application created, cancelled ones included; *cancelled*: cancelled by the candidate or
  by staff; every other figure counts the *live* (not cancelled) applications only;
- *per dossier status* and *per decision kind*: the live applications by their current dossier status and by the
  kind of their latest decision (entered, published or not); *no decision*: none entered yet;
- *published* / *not published*: whether that latest decision has been published to the candidate;
- *confirmed*, *provisionally accepted*, *withdrawn*: the candidate's current answer;
- *called from the waiting list*: offers made by calling the waiting list;
- *places taken*: the live offers, as the capacity check counts them when a favourable decision is published
  (``waiting_list.live_offer_count``): live applications whose latest *published* decision is favourable and
  whose candidate has not withdrawn — confirmed, provisionally accepted or still to answer;
- *capacity*: the sum of the capacities of the group's programmes that have one (``None`` when none has);
- *fill rate* = places taken in the programmes that have a capacity ÷ that capacity (``None`` without capacity;
  it may exceed 100 % only if a capacity was lowered after offers were made).

The daily curve counts applications created and transmitted per calendar day in Paris: the database groups by
UTC hour (the same SQL on SQLite and PostgreSQL) and each hour is put into its Paris day here, so a day of a
daylight-saving change holds its 23 or 25 hours.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    AnswerKind,
    Application,
    ApplicationCentre,
    Campaign,
    Committee,
    Decision,
    DecisionKind,
    DossierStatus,
    Program,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import program_scope, scope_filter
from app.services.decisions.published import latest_published_column
from app.services.offer.campaigns import active_campaign_id as active_campaign_id
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError

GROUPINGS: dict[str, str] = {
    "program": N_("Formation"),
    "committee": N_("Commission"),
    "centre": N_("Centre de candidature"),
    "campaign": N_("Campagne"),
}
# The table holding a group's code and labels.
_DIMENSIONS: dict[str, Any] = {
    "program": Program,
    "committee": Committee,
    "centre": ApplicationCentre,
    "campaign": Campaign,
}

STATUSES = tuple(DossierStatus)
KINDS = tuple(DecisionKind)
# The counted figures, in the order of the page's table; each is a SUM(CASE) of the query below.
COUNTS: tuple[str, ...] = (
    "applications",
    "cancelled",
    "live",
    "transmitted",
    *(f"status_{s.value}" for s in STATUSES),
    "no_decision",
    *(f"decision_{k.value}" for k in KINDS),
    "published",
    "unpublished",
    "confirmed",
    "provisional",
    "withdrawn",
    "called_from_waiting_list",
    "places_taken",
    "places_taken_capped",  # within programmes that have a capacity: the fill rate's numerator
)
SQL_COUNTS = COUNTS[:-1]  # places_taken_capped adds the per-programme places_taken of programmes with a capacity


@dataclass
class StatRow:
    """The figures of one group (a programme, committee, centre or campaign), or of the whole selection."""

    key: int | None
    code: str
    label_fr: str
    label_en: str
    counts: dict[str, int] = field(default_factory=dict)
    capacity: int | None = None

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr

    @property
    def fill_rate(self) -> float | None:
        """Places taken in the programmes that have a capacity ÷ their capacity (see the module docstring)."""
        if not self.capacity:
            return None
        return self.counts.get("places_taken_capped", 0) / self.capacity


@dataclass
class Statistics:
    grouping: str
    campaign_id: int | None
    rows: list[StatRow]
    total: StatRow


@dataclass(frozen=True)
class DayCount:
    day: date  # a calendar day in Paris
    created: int
    transmitted: int


def _refuse(code: str, message: str, **params: Any) -> DomainError:
    return DomainError(code, message, **params)


def _count(condition: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _aggregates() -> list[Any]:
    """The COUNTS as labelled SUM(CASE) expressions over Application joined to Program."""
    live = col(Application.cancelled_at).is_(None)
    kind = col(Application.last_decision_kind)
    answer = col(Application.answer)
    not_withdrawn = sa.or_(answer.is_(None), answer != AnswerKind.WITHDRAWN)
    # When the latest decision entered is published, it is the latest published one: the mirror columns answer.
    # Otherwise an older published decision may still be an offer: only those rows run the correlated subquery
    # (CASE evaluates lazily), a fraction of the table.
    published = col(Application.last_decision_published).is_(True)
    offer = sa.case(
        (sa.not_(sa.and_(live, not_withdrawn, kind.is_not(None))), 0),
        (published, sa.case((kind == DecisionKind.FAVORABLE, 1), else_=0)),
        (latest_published_column(Decision.kind) == DecisionKind.FAVORABLE.value, 1),
        else_=0,
    )
    expressions: dict[str, Any] = {
        "applications": sa.func.count(),
        "cancelled": _count(col(Application.cancelled_at).is_not(None)),
        "live": _count(live),
        "transmitted": _count(sa.and_(live, col(Application.transmitted_at).is_not(None))),
        **{f"status_{s.value}": _count(sa.and_(live, col(Application.dossier_status) == s)) for s in STATUSES},
        "no_decision": _count(sa.and_(live, kind.is_(None))),
        **{f"decision_{k.value}": _count(sa.and_(live, kind == k)) for k in KINDS},
        "published": _count(sa.and_(live, kind.is_not(None), col(Application.last_decision_published).is_(True))),
        "unpublished": _count(sa.and_(live, kind.is_not(None), col(Application.last_decision_published).is_(False))),
        "confirmed": _count(sa.and_(live, answer == AnswerKind.CONFIRMED)),
        "provisional": _count(sa.and_(live, answer == AnswerKind.PROVISIONAL)),
        "withdrawn": _count(sa.and_(live, answer == AnswerKind.WITHDRAWN)),
        "called_from_waiting_list": _count(sa.and_(live, col(Application.called_from_waiting_list_at).is_not(None))),
        "places_taken": sa.func.coalesce(sa.func.sum(offer), 0),
    }
    return [expressions[name].label(name) for name in SQL_COUNTS]


def _check(grouping: str) -> None:
    if grouping not in GROUPINGS:
        raise _refuse("bad_grouping", N_("Regroupement inconnu : {grouping}."), grouping=grouping)


def compute_statistics(
    session: Session, *, actor: Actor, grouping: str = "program", campaign_id: int | None = None
) -> Statistics:
    """The figures per ``grouping`` in the actor's scope, for one campaign (``None``: every campaign).

    Groups are those with applications or with programmes in the scope; the total adds every group."""
    _check(grouping)
    role = current_role(session, actor=actor)  # re-read: a withdrawn role sees nothing
    app_where = [scope_filter(role)]
    program_where = [program_scope(role)]
    if campaign_id is not None:
        app_where.append(col(Application.campaign_id) == campaign_id)
        program_where.append(col(Program.campaign_id) == campaign_id)
    counted, programs = _programme_rows(session, app_where, program_where)
    figures, capacity = _add_up(counted, programs, grouping)
    rows = _stat_rows(session, _DIMENSIONS[grouping], figures, capacity)
    rows.sort(key=lambda r: (r.label_fr.casefold(), r.code, r.key or 0))
    total = StatRow(key=None, code="", label_fr="Total", label_en="Total")
    total.counts = {name: sum(r.counts[name] for r in rows) for name in COUNTS}
    known = [r.capacity for r in rows if r.capacity is not None]
    total.capacity = sum(known) if known else None
    return Statistics(grouping=grouping, campaign_id=campaign_id, rows=rows, total=total)


def _programme_rows(session: Session, app_where: list[Any], program_where: list[Any]) -> tuple[list[Any], list[Any]]:
    """The counts per programme of the applications in scope, and the programmes in scope with their capacity."""
    # One GROUP BY per programme (its committee, centre and campaign are copies on the application, so the
    # groups are the programmes), then the few programme rows are added up into the chosen grouping.
    # ``program_id + 0``: every row is read anyway, and SQLite would otherwise walk an index on programme and
    # fetch each row by random access (2-3x slower than a scan at 100,000 rows).
    keys = [
        (col(Application.program_id) + 0).label("program"),
        col(Application.committee_id).label("committee"),
        col(Application.centre_id).label("centre"),
        col(Application.campaign_id).label("campaign"),
    ]
    counted = session.execute(select(*keys, *_aggregates()).where(*app_where).group_by(*keys)).all()
    programs = session.execute(
        select(
            col(Program.id).label("program"),
            col(Program.committee_id).label("committee"),
            col(Program.centre_id).label("centre"),
            col(Program.campaign_id).label("campaign"),
            col(Program.capacity),
        ).where(*program_where)
    ).all()
    return list(counted), list(programs)


def _add_up(
    counted: list[Any], programs: list[Any], grouping: str
) -> tuple[dict[int, dict[str, int]], dict[int, int | None]]:
    """The programmes' counts and capacities added up per group (a group's capacity: the sum of the capacities
    its programmes have, None when none has one)."""
    program_capacity = {row.program: row.capacity for row in programs}
    figures: dict[int, dict[str, int]] = {}
    for row in counted:  # one row per programme, never per application
        counts = figures.setdefault(getattr(row, grouping), dict.fromkeys(COUNTS, 0))
        for name in SQL_COUNTS:
            counts[name] += int(getattr(row, name))
        if program_capacity.get(row.program) is not None:
            counts["places_taken_capped"] += int(row.places_taken)
    capacity: dict[int, int | None] = {}
    for row in programs:
        key = getattr(row, grouping)
        if row.capacity is not None:
            capacity[key] = (capacity.get(key) or 0) + row.capacity
        else:
            capacity.setdefault(key, None)
    return figures, capacity


def _stat_rows(
    session: Session, table: Any, figures: dict[int, dict[str, int]], capacity: dict[int, int | None]
) -> list[StatRow]:
    """One row per group seen, labelled from its table (« ? » for a group whose row is gone)."""
    keys_seen = set(figures) | set(capacity)
    labels = {
        key: (code, fr, en)
        for key, code, fr, en in session.execute(
            select(table.id, table.code, table.label_fr, table.label_en).where(col(table.id).in_(keys_seen))
        )
    }
    return [
        StatRow(
            key=key,
            code=labels.get(key, ("", "?", "?"))[0],
            label_fr=labels.get(key, ("", "?", "?"))[1],
            label_en=labels.get(key, ("", "?", "?"))[2],
            counts=figures.get(key, dict.fromkeys(COUNTS, 0)),
            capacity=capacity.get(key),
        )
        for key in keys_seen
    ]


# --- The daily curve -------------------------------------------------------------------------------------------------


def _utc_hour(session: Session, column: Any) -> Any:
    """'YYYY-MM-DD HH' of a UTC moment, on both databases (SQLite stores naive UTC text)."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m-%d %H", column)
    return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD HH24")


def _per_paris_day(session: Session, column: Any, where: list[Any]) -> dict[date, int]:
    hour = _utc_hour(session, column)
    rows = session.execute(
        select(hour.label("hour"), sa.func.count()).where(*where, column.is_not(None)).group_by(hour)
    ).all()
    days: dict[date, int] = {}
    for text, count in rows:  # at most 24 buckets a day, never one per application
        moment = datetime.strptime(text, "%Y-%m-%d %H").replace(tzinfo=UTC)
        day = moment.astimezone(clock.PARIS).date()
        days[day] = days.get(day, 0) + int(count)
    return days


def daily_activity(session: Session, *, actor: Actor, campaign_id: int | None = None) -> list[DayCount]:
    """Applications created and transmitted per Paris day in the actor's scope, every day from the first to
    the last with activity (days without any count as zero, so the curve's axis is regular)."""
    role = current_role(session, actor=actor)
    where = [scope_filter(role)]
    if campaign_id is not None:
        where.append(col(Application.campaign_id) == campaign_id)
    created = _per_paris_day(session, col(Application.created_at), where)
    transmitted = _per_paris_day(session, col(Application.transmitted_at), where)
    seen = set(created) | set(transmitted)
    if not seen:
        return []
    day, last = min(seen), max(seen)
    result = []
    while day <= last:
        result.append(DayCount(day=day, created=created.get(day, 0), transmitted=transmitted.get(day, 0)))
        day += timedelta(days=1)
    return result


# --- Campaigns and the committee's pending counts --------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignOption:
    id: int
    label_fr: str
    label_en: str
    is_active: bool
    archived: bool

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_fr


def campaign_options(session: Session, *, actor: Actor) -> list[CampaignOption]:
    """Every campaign, the active one first, then the most recent (staff read old campaigns' figures)."""
    current_role(session, actor=actor)
    rows = session.exec(
        select(Campaign).order_by(col(Campaign.is_active).desc(), col(Campaign.starts_on).desc(), col(Campaign.id))
    ).all()
    return [CampaignOption(c.id or 0, c.label_fr, c.label_en, c.is_active, c.archived_at is not None) for c in rows]


@dataclass(frozen=True)
class PendingCounts:
    """What is left to do in the role's scope, in the active campaign (eCandidat's #64)."""

    campaign_id: int | None
    awaiting_decision: int  # received (or further) dossiers with no decision entered
    unpublished: int  # a decision entered but not yet published


# Filters of the staff list (``staff_list.ListQuery.filters``) that show the applications each count counts.
AWAITING_FILTERS: dict[str, Any] = {
    "dossier_status": [DossierStatus.RECEIVED.value, DossierStatus.INCOMPLETE.value, DossierStatus.COMPLETE.value],
    "last_decision_kind": ["none"],
}
UNPUBLISHED_FILTERS: dict[str, Any] = {
    "last_decision_kind": [k.value for k in KINDS],
    "last_decision_published": False,
}


def pending_counts(session: Session, *, actor: Actor) -> PendingCounts:
    """Live applications of the active campaign in the scope awaiting a decision, and those whose decision
    awaits publication; the same sets as the staff list with ``AWAITING_FILTERS`` / ``UNPUBLISHED_FILTERS``."""
    role = current_role(session, actor=actor)
    campaign_id = active_campaign_id(session)
    kind = col(Application.last_decision_kind)
    row = session.execute(
        select(
            _count(sa.and_(kind.is_(None), col(Application.dossier_status) != DossierStatus.PENDING)),
            _count(sa.and_(kind.is_not(None), col(Application.last_decision_published).is_(False))),
        ).where(
            scope_filter(role),
            col(Application.cancelled_at).is_(None),
            col(Application.campaign_id) == campaign_id,
        )
    ).one()
    return PendingCounts(campaign_id=campaign_id, awaiting_decision=int(row[0]), unpublished=int(row[1]))
