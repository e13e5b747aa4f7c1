"""The staff application list (issue 8): a column registry, filters, search, sorting and server-side pages.

Built to stay fast with 100,000 applications: every query is ``scope_filter`` AND the filters, joined only to the
tables the filters touch for the ``COUNT(*)``, and read one page at a time with ``LIMIT/OFFSET`` and a stable
``id`` tie-break. Notes and tags are read by a second query for the page's ids only, never for the whole table.
Days since transmission and the SVA colour are computed in Python for the page's rows; their filters become
ranges on the indexed ``transmitted_at`` (so sorting by days is sorting by that date).

Cancelled applications are not listed. The SVA colour counts days since transmission until a decision is
published, like eCandidat's row colours; thresholds are ``sva_orange_days`` and ``sva_red_days`` in settings.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, unquote

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    AnswerKind,
    Application,
    ApplicationCentre,
    ApplicationTag,
    Baccalaureate,
    BacSeries,
    Campaign,
    Candidate,
    Civility,
    Committee,
    DecisionKind,
    DossierStatus,
    Note,
    ProcessingType,
    Program,
    StaffListPreference,
    Tag,
)
from app.services.accounts.staff_roles import current_role
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.text_fold import fold_name, folded
from app.services.platform.text_rules import searchable
from app.services.review.staff_scope import scope_filter

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

TEXT, CHOICE, DATE_RANGE, NUMBER_RANGE, BOOLEAN = "text", "choice", "date_range", "number_range", "boolean"

# Tables a column needs joined to Application (Account goes through Candidate; Baccalaureate is a LEFT join).
CANDIDATE, ACCOUNT, PROGRAM, CENTRE, COMMITTEE, BAC = "candidate", "account", "program", "centre", "committee", "bac"
CAMPAIGN = "campaign"
# A choice filter value meaning "no value" (no decision yet, no answer, no baccalauréat...) on nullable columns.
NONE = "none"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # French msgid
    expr: Any  # what is shown and sorted on; None for computed columns
    kind: str  # filter kind
    tables: frozenset[str] = frozenset()
    sortable: bool = True
    nullable: bool = False
    filter_expr: Any = None  # what the filter compares when it differs from ``expr`` (a programme's id...)
    choices: tuple[str, ...] = ()  # allowed values of an enum choice filter (ids otherwise)
    default: bool = False  # shown until the person chooses
    expr_en: Any = None  # the English label of a referential (programme, centre...) when the screen is in English
    folded: bool = False  # a name, stored as typed: filtered accents and case aside (« eloise » finds « Éloïse »)

    def shown(self, language: str) -> Any:
        return self.expr_en if language == "en" and self.expr_en is not None else self.expr


def _enum(values: type) -> tuple[str, ...]:
    return tuple(m.value for m in values)  # type: ignore[attr-defined]


def _c(key: str, label: str, expr: Any, kind: str, *tables: str, **kw: Any) -> Column:
    return Column(key, label, expr, kind, frozenset(tables), **kw)


COLUMNS: dict[str, Column] = {
    c.key: c
    for c in [
        _c("dossier_number", N_("N° de dossier"), col(Account.dossier_number), TEXT, ACCOUNT, default=True),
        _c("birth_name", N_("Nom"), col(Candidate.birth_name), TEXT, CANDIDATE, default=True, folded=True),
        _c("usage_name", N_("Nom d'usage"), col(Candidate.usage_name), TEXT, CANDIDATE, folded=True),
        _c("first_names", N_("Prénoms"), col(Candidate.first_names), TEXT, CANDIDATE, default=True, folded=True),
        _c("civility", N_("Civilité"), col(Candidate.civility), CHOICE, CANDIDATE, choices=_enum(Civility)),
        _c("birth_date", N_("Date de naissance"), col(Candidate.birth_date), DATE_RANGE, CANDIDATE, nullable=True),
        _c("email", N_("Adresse e-mail"), col(Account.email), TEXT, ACCOUNT),
        _c("ine", N_("INE"), col(Candidate.ine), TEXT, CANDIDATE, nullable=True),
        _c("student_number", N_("N° étudiant"), col(Candidate.student_number), TEXT, CANDIDATE, nullable=True),
        _c("nationality", N_("Nationalité"), col(Candidate.nationality), TEXT, CANDIDATE),
        _c("bac_year", N_("Année du bac"), col(Baccalaureate.year), NUMBER_RANGE, BAC, nullable=True),
        _c(
            "bac_series",
            N_("Série du bac"),
            col(Baccalaureate.series),
            CHOICE,
            BAC,
            nullable=True,
            choices=(*_enum(BacSeries), NONE),
        ),
        _c("program_code", N_("Code formation"), col(Program.code), TEXT, PROGRAM),
        _c(
            "program",
            N_("Formation"),
            col(Program.label_fr),
            CHOICE,
            PROGRAM,
            filter_expr=col(Application.program_id),
            expr_en=col(Program.label_en),
            default=True,
        ),
        _c(
            "centre",
            N_("Centre de candidature"),
            col(ApplicationCentre.label_fr),
            CHOICE,
            CENTRE,
            filter_expr=col(Application.centre_id),
            expr_en=col(ApplicationCentre.label_en),
        ),
        _c(
            "committee",
            N_("Commission"),
            col(Committee.label_fr),
            CHOICE,
            COMMITTEE,
            filter_expr=col(Application.committee_id),
            expr_en=col(Committee.label_en),
        ),
        _c(
            "campaign",
            N_("Campagne"),
            col(Campaign.label_fr),
            CHOICE,
            CAMPAIGN,
            filter_expr=col(Application.campaign_id),
            expr_en=col(Campaign.label_en),
        ),
        _c(
            "dossier_status",
            N_("Statut du dossier"),
            col(Application.dossier_status),
            CHOICE,
            choices=_enum(DossierStatus),
            default=True,
        ),
        _c("dossier_status_at", N_("Date du statut"), col(Application.dossier_status_at), DATE_RANGE),
        _c(
            "processing_type",
            N_("Type de traitement"),
            col(Application.processing_type),
            CHOICE,
            choices=_enum(ProcessingType),
        ),
        _c(
            "last_decision_kind",
            N_("Dernier avis"),
            col(Application.last_decision_kind),
            CHOICE,
            nullable=True,
            choices=(*_enum(DecisionKind), NONE),
            default=True,
        ),
        _c("last_decision_published", N_("Avis publié"), col(Application.last_decision_published), BOOLEAN),
        _c("waiting_list_rank", N_("Rang"), col(Application.waiting_list_rank), NUMBER_RANGE, nullable=True),
        _c(
            "answer",
            N_("Réponse du candidat"),
            col(Application.answer),
            CHOICE,
            nullable=True,
            choices=(*_enum(AnswerKind), NONE),
        ),
        _c("answer_at", N_("Date de la réponse"), col(Application.answer_at), DATE_RANGE, nullable=True),
        _c(
            "confirmation_deadline",
            N_("Date limite de confirmation"),
            col(Application.confirmation_deadline),
            DATE_RANGE,
            nullable=True,
        ),
        _c("created_at", N_("Date de création"), col(Application.created_at), DATE_RANGE),
        _c(
            "transmitted_at",
            N_("Date de transmission"),
            col(Application.transmitted_at),
            DATE_RANGE,
            nullable=True,
            default=True,
        ),
        _c("received_at", N_("Date de réception"), col(Application.received_at), DATE_RANGE, nullable=True),
        _c("complete_at", N_("Date de complétude"), col(Application.complete_at), DATE_RANGE, nullable=True),
        # Computed: days since transmission sorts on transmitted_at (reversed); SVA is shown with days.
        _c(
            "days_since_transmission",
            N_("Jours depuis la transmission"),
            col(Application.transmitted_at),
            NUMBER_RANGE,
            nullable=True,
            default=True,
        ),
        _c(
            "sva",
            N_("Alerte SVA"),
            None,
            CHOICE,
            sortable=False,
            choices=("green", "orange", "red", "none"),
            default=True,
        ),
        _c("tags", N_("Étiquettes"), None, CHOICE, sortable=False),
        _c("notes_count", N_("Nombre de notes"), None, NUMBER_RANGE, sortable=False),
    ]
}

SVA_LABELS = {
    "green": N_("Vert : moins de {orange} jours"),
    "orange": N_("Orange : de {orange} à {red} jours"),
    "red": N_("Rouge : {red} jours ou plus"),
    "none": N_("Sans alerte"),
}
DEFAULT_COLUMNS = [c.key for c in COLUMNS.values() if c.default]

# The date the SVA count starts from, as eCandidat lets each institution choose it (its « date SVA »: creation,
# transmission, reception, completeness…); transmission unless the person chooses another.
SVA_BASES: dict[str, tuple[Any, str]] = {
    "transmitted": (col(Application.transmitted_at), N_("la transmission")),
    "received": (col(Application.received_at), N_("la réception")),
    "complete": (col(Application.complete_at), N_("la complétude")),
    "created": (col(Application.created_at), N_("la création")),
}
DEFAULT_SVA_BASE = "transmitted"
SVA_BASE_KEYS = {"transmitted": "transmitted_at", "received": "received_at", "complete": "complete_at",
                 "created": "created_at"}  # fmt: skip


@dataclass
class ListQuery:
    """What the screen asks for. Filter values: text → str; choice → list of values (ids for programme,
    centre, committee, tags); date range → (from, to) days, inclusive, in Paris; number range → (min, max),
    inclusive; boolean → bool. ``None`` or empty values are ignored. A nullable choice also takes ``NONE``.
    ``language`` chooses the labels of programmes, centres, committees and campaigns (and sorts on them);
    ``sva_base`` the date the SVA colour counts from (a key of ``SVA_BASES``)."""

    filters: dict[str, Any] = field(default_factory=dict)
    search: str = ""
    sort: str = "birth_name"
    descending: bool = False
    page: int = 1  # from 1
    page_size: int = DEFAULT_PAGE_SIZE
    language: str = "fr"
    sva_base: str = DEFAULT_SVA_BASE


@dataclass
class ListPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    page_size: int


def _refuse(code: str, message: str, **params: Any) -> DomainError:
    return DomainError(code, message, **params)


# --- Building the query --------------------------------------------------------------------------------------------


def _join(stmt: Any, tables: set[str]) -> Any:
    """Join only what is needed; each join is 1:1 (Baccalaureate is unique per candidate), so counts hold."""
    if tables & {CANDIDATE, ACCOUNT}:
        stmt = stmt.join(Candidate, col(Candidate.id) == col(Application.candidate_id))
    if ACCOUNT in tables:
        stmt = stmt.join(Account, col(Account.id) == col(Candidate.account_id))
    if BAC in tables:
        stmt = stmt.outerjoin(Baccalaureate, col(Baccalaureate.candidate_id) == col(Application.candidate_id))
    if PROGRAM in tables:
        stmt = stmt.join(Program, col(Program.id) == col(Application.program_id))
    if CENTRE in tables:
        stmt = stmt.join(ApplicationCentre, col(ApplicationCentre.id) == col(Application.centre_id))
    if COMMITTEE in tables:
        stmt = stmt.join(Committee, col(Committee.id) == col(Application.committee_id))
    if CAMPAIGN in tables:
        stmt = stmt.join(Campaign, col(Campaign.id) == col(Application.campaign_id))
    return stmt


def _paris_midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clock.PARIS).astimezone(UTC)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _refuse("bad_filter", N_("Date invalide : {value}."), value=str(value)) from None


def _as_number(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _refuse("bad_filter", N_("Nombre invalide : {value}."), value=str(value)) from None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(expr: Any, text: str) -> Any:
    return expr.ilike(f"%{_escape_like(text)}%", escape="\\")


def _pair(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise _refuse("bad_filter", N_("Intervalle invalide."))
    return value[0], value[1]


def _days_between(low: int | None, high: int | None, now: datetime, moment: Any) -> list[Any]:
    """days = floor((now - moment) / 1 day); low ≤ days ≤ high as ranges on the (indexed) date."""
    clauses = [moment.is_not(None)]
    if low is not None:
        clauses.append(moment <= now - timedelta(days=low))
    if high is not None:
        clauses.append(moment > now - timedelta(days=high + 1))
    return clauses


def _sva_base(key: str) -> Any:
    if key not in SVA_BASES:
        raise _refuse("bad_sva_base", N_("Date de départ SVA inconnue : {key}."), key=key)
    return SVA_BASES[key][0]


def _sva_clause(colour: str, now: datetime, base: str = DEFAULT_SVA_BASE) -> Any:
    """Rows of one SVA colour: the published flag first, then a range on the base date (ix_application_sva)."""
    settings = parameters.effective_settings()
    moment = _sva_base(base)
    published = col(Application.last_decision_published)
    # From transmission, ``= false`` plus the date range use ix_application_sva. From another date there is no
    # such index, and SQLite would walk ix_application_sva on the flag alone (most rows, by random access: 7x
    # slower than a scan at 100,000 rows); ``IS NOT true`` (the same on a NOT NULL column) keeps it off.
    unpublished = published.is_(False) if base == "transmitted" else published.is_not(True)
    undecided = sa.and_(unpublished, moment.is_not(None))
    if colour == "none":
        return sa.not_(undecided)
    bounds = {
        "green": (None, settings.sva_orange_days - 1),
        "orange": (settings.sva_orange_days, settings.sva_red_days - 1),
        "red": (settings.sva_red_days, None),
    }[colour]
    return sa.and_(undecided, *_days_between(*bounds, now, moment))


def _choice_clause(target: Any, values: list[Any]) -> Any:
    """``target IN values``; the ``NONE`` value adds ``OR target IS NULL``."""
    wanted = [v for v in values if v != NONE]
    clauses = [target.in_(wanted)] if wanted else []
    if NONE in values:
        clauses.append(target.is_(None))
    return sa.or_(*clauses) if len(clauses) > 1 else clauses[0]


def _filter_clauses(
    filters: dict[str, Any], now: datetime, sva_base: str = DEFAULT_SVA_BASE
) -> tuple[list[Any], set[str]]:
    clauses: list[Any] = []
    tables: set[str] = set()
    for key, value in filters.items():
        column = COLUMNS.get(key)
        if column is None:
            raise _refuse("unknown_column", N_("Colonne inconnue : {key}."), key=key)
        if value is None or value == "" or value == [] or value == ():
            continue
        target = column.filter_expr if column.filter_expr is not None else column.expr
        if column.filter_expr is None:
            tables |= column.tables
        if column.kind == TEXT:
            text = searchable(str(value)).strip()
            clauses.append(_contains(folded(target), fold_name(text)) if column.folded else _contains(target, text))
        elif column.kind == BOOLEAN:
            clauses.append(target.is_(bool(value)))
        elif column.kind == CHOICE:
            values = list(value) if isinstance(value, (list, tuple, set)) else [value]
            if column.choices:
                unknown = [v for v in values if v not in column.choices]
                if unknown:
                    raise _refuse("bad_filter", N_("Valeur de filtre inconnue : {value}."), value=str(unknown[0]))
            else:
                values = [_as_number(v) for v in values]
            if key == "sva":
                clauses.append(sa.or_(*[_sva_clause(v, now, sva_base) for v in values]))
            elif key == "tags":
                tagged = select(ApplicationTag.application_id).where(col(ApplicationTag.tag_id).in_(values))
                clauses.append(col(Application.id).in_(tagged))
            else:
                clauses.append(_choice_clause(target, values))
        elif column.kind == NUMBER_RANGE:
            low, high = (_as_number(v) for v in _pair(value))
            if low is None and high is None:
                continue
            if key == "days_since_transmission":
                clauses.extend(_days_between(low, high, now, col(Application.transmitted_at)))
                continue
            if key == "notes_count":
                target = _notes_count_expr()  # evaluated only for the rows the other filters keep
            if low is not None:
                clauses.append(target >= low)
            if high is not None:
                clauses.append(target <= high)
        elif column.kind == DATE_RANGE:
            start, end = (_as_date(v) for v in _pair(value))
            is_day = key == "birth_date"  # a calendar date, not a moment
            if start is not None:
                clauses.append(target >= (start if is_day else _paris_midnight_utc(start)))
            if end is not None:
                clauses.append(target <= end if is_day else target < _paris_midnight_utc(end + timedelta(days=1)))
    return clauses, tables


def _notes_count_expr() -> Any:
    return (
        select(sa.func.count())
        .select_from(Note)
        .where(col(Note.application_id) == col(Application.id))
        .scalar_subquery()
    )


# Names are stored as typed: they are compared folded (accents, case, hyphens and apostrophes aside).
NAME_SEARCH_FIELDS = (col(Candidate.birth_name), col(Candidate.usage_name), col(Candidate.first_names))
SEARCH_FIELDS = (
    (col(Candidate.ine), CANDIDATE),
    (col(Account.dossier_number), ACCOUNT),
    (col(Account.email), ACCOUNT),
)


def _word_clause(word: str) -> Any:
    names = [_contains(folded(expr), fold_name(word)) for expr in NAME_SEARCH_FIELDS] if fold_name(word).strip() else []
    return sa.or_(*names, *[_contains(expr, word) for expr, _t in SEARCH_FIELDS])


def _search_clauses(text: str) -> tuple[list[Any], set[str]]:
    """Every word must appear in one of the name, dossier number, INE or e-mail fields (control characters dropped)."""
    words = searchable(text).split()[:8]
    if not words:
        return [], set()
    return [_word_clause(word) for word in words], {CANDIDATE, ACCOUNT}


def _where(session: Session, actor: Actor, query: ListQuery, now: datetime) -> tuple[list[Any], set[str]]:
    role = current_role(session, actor=actor)  # re-read: a withdrawn role lists nothing
    _sva_base(query.sva_base)
    filters, tables = _filter_clauses(query.filters, now, query.sva_base)
    search, search_tables = _search_clauses(query.search)
    # The scope is always ANDed: a forged centre or programme filter can only narrow it.
    return [scope_filter(role), col(Application.cancelled_at).is_(None), *filters, *search], tables | search_tables


def _order_by(query: ListQuery) -> tuple[list[Any], set[str]]:
    column = COLUMNS.get(query.sort)
    if column is None or not column.sortable:
        raise _refuse("unknown_sort", N_("Tri impossible sur : {key}."), key=query.sort)
    descending = query.descending
    if column.key == "days_since_transmission":
        descending = not descending  # more days = an earlier transmission
    shown = column.shown(query.language)
    expr = shown.desc() if descending else shown.asc()
    if column.nullable:
        expr = expr.nulls_last()  # the same on SQLite and PostgreSQL
    tie = col(Application.id).desc() if descending else col(Application.id).asc()
    return [expr, tie], set(column.tables)


def _check_page(query: ListQuery) -> None:
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise _refuse("bad_page_size", N_("Taille de page invalide (1 à {max})."), max=MAX_PAGE_SIZE)
    if query.page < 1:
        raise _refuse("bad_page", N_("Numéro de page invalide."))


# --- The service functions -----------------------------------------------------------------------------------------


def list_applications(session: Session, *, actor: Actor, query: ListQuery) -> ListPage:
    """One page of the applications in the actor's current scope, and the total of the filtered result."""
    _check_page(query)
    now = clock.now()
    where, filter_tables = _where(session, actor, query, now)
    order, sort_tables = _order_by(query)
    total = session.exec(_join(select(sa.func.count()).select_from(Application), filter_tables).where(*where)).one()
    shown = [c for c in COLUMNS.values() if c.expr is not None and c.key != "days_since_transmission"]
    all_tables = {t for c in shown for t in c.tables} | filter_tables | sort_tables
    stmt = _join(
        select(
            col(Application.id).label("id"),
            col(Application.last_decision_published).label("_published"),
            *[c.shown(query.language).label(c.key) for c in shown],
        ).select_from(Application),
        all_tables,
    )
    stmt = stmt.where(*where).order_by(*order).limit(query.page_size).offset((query.page - 1) * query.page_size)
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    _add_computed(session, rows, now, query.sva_base)
    return ListPage(rows=rows, total=int(total), page=query.page, page_size=query.page_size)


def _add_computed(
    session: Session, rows: list[dict[str, Any]], now: datetime, sva_base: str = DEFAULT_SVA_BASE
) -> None:
    """Days, SVA colour, tags and notes for the page's rows only (one query each for tags and notes).

    ``sva_days`` counts from the chosen SVA base date; ``days_since_transmission`` always from transmission."""
    ids = [r["id"] for r in rows]
    notes: dict[int, int] = {}
    tags: dict[int, list[str]] = {}
    if ids:
        notes = dict(
            session.execute(
                select(col(Note.application_id), sa.func.count())
                .where(col(Note.application_id).in_(ids))
                .group_by(col(Note.application_id))
            ).all()
        )
        for application_id, label in session.execute(
            select(col(ApplicationTag.application_id), col(Tag.label))
            .join(Tag, col(Tag.id) == col(ApplicationTag.tag_id))
            .where(col(ApplicationTag.application_id).in_(ids))
            .order_by(col(Tag.label))
        ):
            tags.setdefault(application_id, []).append(label)
    for row in rows:
        transmitted = row["transmitted_at"]
        row["days_since_transmission"] = (now - transmitted).days if transmitted is not None else None
        base = row[SVA_BASE_KEYS[sva_base]]
        row["sva_days"] = (now - base).days if base is not None else None
        row["sva"] = sva_colour(row["sva_days"], bool(row.pop("_published")))
        row["notes_count"] = notes.get(row["id"], 0)
        row["tags"] = tags.get(row["id"], [])


def sva_colour(days: int | None, published: bool) -> str:
    """« green », « orange », « red » by days since transmission while no decision is published; else « none »."""
    if days is None or published:
        return "none"
    settings = parameters.effective_settings()
    if days >= settings.sva_red_days:
        return "red"
    return "orange" if days >= settings.sva_orange_days else "green"


def select_application_ids(session: Session, *, actor: Actor, query: ListQuery) -> list[int]:
    """Every id of the filtered result, by id, for bulk actions: no cap, ids only, streamed.

    Not in the list's order: a bulk action needs the set, and skipping the sort's joins keeps it fast."""
    where, filter_tables = _where(session, actor, query, clock.now())
    stmt = _join(select(col(Application.id)).select_from(Application), filter_tables)
    result = session.execute(stmt.where(*where).order_by(col(Application.id)).execution_options(yield_per=5000))
    return [application_id for (application_id,) in result]


def ordered_ids(session: Session, *, actor: Actor, query: ListQuery, now: datetime | None = None) -> list[int]:
    """Every id of the filtered result in the list's order (exports read the rows for them by batches)."""
    now = now or clock.now()
    where, filter_tables = _where(session, actor, query, now)
    order, sort_tables = _order_by(query)
    stmt = _join(select(col(Application.id)).select_from(Application), filter_tables | sort_tables)
    return [i for (i,) in session.execute(stmt.where(*where).order_by(*order).execution_options(yield_per=5000))]


def rows_for_ids(
    session: Session, *, actor: Actor, query: ListQuery, ids: Sequence[int], now: datetime | None = None
) -> list[dict[str, Any]]:
    """The rows :func:`list_applications` shows for ``ids`` (every column), in the order of ``ids``.

    The scope and the filters are applied again: a row that left them meanwhile is dropped, never shown."""
    if not ids:
        return []
    now = now or clock.now()
    where, filter_tables = _where(session, actor, query, now)
    shown = [c for c in COLUMNS.values() if c.expr is not None and c.key != "days_since_transmission"]
    stmt = _join(
        select(
            col(Application.id).label("id"),
            col(Application.last_decision_published).label("_published"),
            *[c.shown(query.language).label(c.key) for c in shown],
        ).select_from(Application),
        {t for c in shown for t in c.tables} | filter_tables,
    )
    found = {r.id: dict(r._mapping) for r in session.execute(stmt.where(col(Application.id).in_(ids), *where))}
    rows = [found[i] for i in ids if i in found]
    _add_computed(session, rows, now, query.sva_base)
    return rows


def filter_options(session: Session, *, actor: Actor) -> dict[str, list[tuple[int, str, str]]]:
    """(id, French label, English label) of the programmes, centres, committees and tags in the actor's scope."""
    scope = scope_filter(current_role(session, actor=actor))

    def options(model: Any, key: Any, fr: Any, en: Any) -> list[tuple[int, str, str]]:
        ids = select(key).where(scope).distinct()
        rows = session.execute(select(model.id, fr, en).where(col(model.id).in_(ids)).order_by(fr))
        return [(i, f, e) for i, f, e in rows]

    result = {
        "program": options(Program, col(Application.program_id), col(Program.label_fr), col(Program.label_en)),
        "centre": options(
            ApplicationCentre,
            col(Application.centre_id),
            col(ApplicationCentre.label_fr),
            col(ApplicationCentre.label_en),
        ),
        "committee": options(
            Committee, col(Application.committee_id), col(Committee.label_fr), col(Committee.label_en)
        ),
    }
    centres = [i for i, _f, _e in result["centre"]]
    tag_rows = session.execute(
        select(Tag.id, Tag.label).where(sa.or_(col(Tag.centre_id).is_(None), col(Tag.centre_id).in_(centres)))
    )
    result["tags"] = [(i, label, label) for i, label in tag_rows]
    return result


# --- Filters in a link (the home page's pending counts open the list already filtered) -----------------------------

LIST_PATH = "/gestion/candidatures"


def list_link(filters: dict[str, Any]) -> str:
    """The list's address with ``filters`` (choice and boolean filters only) in its query string."""
    parts = []
    for key, value in filters.items():
        column = COLUMNS.get(key)
        if column is None or column.kind not in (CHOICE, BOOLEAN):
            raise _refuse("unknown_column", N_("Colonne inconnue : {key}."), key=key)
        if column.kind == BOOLEAN:
            parts.append(f"{key}={'oui' if value else 'non'}")
        else:
            parts.append(f"{key}={','.join(quote(str(v), safe='') for v in value)}")
    return LIST_PATH + ("?" + "&".join(parts) if parts else "")


def filters_from_params(params: Any) -> dict[str, Any]:
    """The choice and boolean filters of a query string (``list_link``'s); anything else is ignored, and a value
    the filters would refuse is dropped here rather than showing an error for a hand-edited address."""
    filters: dict[str, Any] = {}
    for key, raw in dict(params).items():
        column = COLUMNS.get(key)
        if column is None or not raw:
            continue
        if column.kind == BOOLEAN and raw in ("oui", "non"):
            filters[key] = raw == "oui"
        elif column.kind == CHOICE:
            values = [unquote(v) for v in str(raw).split(",") if v]
            if column.choices:
                values = [v for v in values if v in column.choices]
            else:
                values = [int(v) for v in values if v.isdigit()]
            if values:
                filters[key] = values
    return filters


# --- Column preferences --------------------------------------------------------------------------------------------


def _staff_id(actor: Actor) -> int:
    current = actor.staff_id
    if actor.kind != "staff" or current is None:
        raise _refuse("forbidden", N_("Vous n'avez pas accès à cet élément."))
    return current


def get_columns(session: Session, *, actor: Actor) -> tuple[list[str], int]:
    """The actor's chosen columns (registry order) and page size; the defaults until they choose."""
    preference = session.get(StaffListPreference, _staff_id(actor))
    if preference is None:
        return list(DEFAULT_COLUMNS), DEFAULT_PAGE_SIZE
    chosen = [key for key in preference.columns if key in COLUMNS]  # a column removed since is dropped
    return chosen or list(DEFAULT_COLUMNS), preference.page_size


def save_columns(session: Session, *, actor: Actor, columns: Sequence[str], page_size: int = DEFAULT_PAGE_SIZE) -> None:
    """Remember the actor's columns and page size (a preference: not audited)."""
    staff_id = _staff_id(actor)
    current_role(session, actor=actor)  # still a staff member with a role
    unknown = [key for key in columns if key not in COLUMNS]
    if unknown:
        raise _refuse("unknown_column", N_("Colonne inconnue : {key}."), key=unknown[0])
    if not columns:
        raise _refuse("no_column", N_("Choisissez au moins une colonne."))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise _refuse("bad_page_size", N_("Taille de page invalide (1 à {max})."), max=MAX_PAGE_SIZE)
    ordered = [key for key in COLUMNS if key in set(columns)]
    preference = session.get(StaffListPreference, staff_id) or StaffListPreference(staff_id=staff_id)
    preference.columns = ordered
    preference.page_size = page_size
    preference.updated_at = clock.now()
    session.add(preference)
    session.flush()


# French msgids of the stored enum values, for the screen (and a future export).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "dossier_status": {
        "pending": N_("En attente"),
        "received": N_("Réceptionné"),
        "incomplete": N_("Incomplet"),
        "complete": N_("Complet"),
    },
    "processing_type": {
        "committee": N_("Examen par la commission"),
        "direct_admission": N_("Accès de droit"),
        "undecided": N_("À définir"),
    },
    "last_decision_kind": {
        "favorable": N_("Favorable"),
        "unfavorable": N_("Défavorable"),
        "waiting_list": N_("Liste complémentaire"),
        "preselection": N_("Présélection"),
    },
    "answer": {"confirmed": N_("Confirmé"), "provisional": N_("Accepté provisoirement"), "withdrawn": N_("Désisté")},
    "civility": {"mr": N_("Monsieur"), "ms": N_("Madame"), "unspecified": N_("Non précisée")},
    "bac_series": {
        "general": N_("Baccalauréat général"),
        "technological": N_("Baccalauréat technologique"),
        "professional": N_("Baccalauréat professionnel"),
        "foreign": N_("Diplôme étranger"),
        "equivalence": N_("Équivalence (DAEU, validation…)"),
        "none": N_("Sans baccalauréat"),
    },
}
