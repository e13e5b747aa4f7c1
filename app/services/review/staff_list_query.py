"""The SQL a ``ListQuery`` becomes: the joins its columns need, the WHERE clauses of its filters, search and
scope, the ORDER BY with its stable ``id`` tie-break, and the page bounds (``staff_list`` runs them)."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    ApplicationTag,
    Baccalaureate,
    Campaign,
    Candidate,
    Committee,
    CommitteeOpinion,
    Note,
    Program,
    ProgramCommittee,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import scope_filter
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.text_fold import fold_name, folded
from app.services.platform.text_rules import searchable
from app.services.review.staff_list_columns import (
    ACCOUNT,
    BAC,
    BOOLEAN,
    CAMPAIGN,
    CANDIDATE,
    CENTRE,
    CHOICE,
    COLUMNS,
    COMMITTEE,
    DATE_RANGE,
    DEFAULT_SVA_BASE,
    MAX_PAGE_SIZE,
    NONE,
    NUMBER_RANGE,
    PROGRAM,
    SVA_BASES,
    TEXT,
    ListQuery,
)


def refuse(code: str, message: str, **params: Any) -> DomainError:
    return DomainError(code, message, **params)


# --- Building the query --------------------------------------------------------------------------------------------


# What each table is joined on, in join order, and which columns' tables need it (Account goes through Candidate).
_JOINS: tuple[tuple[frozenset[str], Any, Any], ...] = (
    (frozenset({CANDIDATE, ACCOUNT}), Candidate, col(Candidate.id) == col(Application.candidate_id)),
    (frozenset({ACCOUNT}), Account, col(Account.id) == col(Candidate.account_id)),
    (frozenset({BAC}), Baccalaureate, col(Baccalaureate.candidate_id) == col(Application.candidate_id)),
    (frozenset({PROGRAM}), Program, col(Program.id) == col(Application.program_id)),
    (frozenset({CENTRE}), ApplicationCentre, col(ApplicationCentre.id) == col(Application.centre_id)),
    (frozenset({COMMITTEE}), Committee, col(Committee.id) == col(Application.committee_id)),
    (frozenset({CAMPAIGN}), Campaign, col(Campaign.id) == col(Application.campaign_id)),
)


def join_tables(stmt: Any, tables: set[str]) -> Any:
    """Join only what is needed; each join is 1:1 (Baccalaureate is unique per candidate), so counts hold."""
    for needed_by, model, on in _JOINS:
        if tables & needed_by:
            # A candidate may have no baccalauréat: a LEFT join keeps them.
            stmt = stmt.outerjoin(model, on) if model is Baccalaureate else stmt.join(model, on)
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
        raise refuse("bad_filter", N_("Date invalide : {value}."), value=str(value)) from None


def _as_number(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise refuse("bad_filter", N_("Nombre invalide : {value}."), value=str(value)) from None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(expr: Any, text: str) -> Any:
    return expr.ilike(f"%{_escape_like(text)}%", escape="\\")


def _pair(value: Any) -> tuple[Any, Any]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise refuse("bad_filter", N_("Intervalle invalide."))
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
        raise refuse("bad_sva_base", N_("Date de départ SVA inconnue : {key}."), key=key)
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
            raise refuse("unknown_column", N_("Colonne inconnue : {key}."), key=key)
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
                    raise refuse("bad_filter", N_("Valeur de filtre inconnue : {value}."), value=str(unknown[0]))
            else:
                values = [_as_number(v) for v in values]
            if key == "sva":
                clauses.append(sa.or_(*[_sva_clause(v, now, sva_base) for v in values]))
            elif key == "tags":
                tagged = select(ApplicationTag.application_id).where(col(ApplicationTag.tag_id).in_(values))
                clauses.append(col(Application.id).in_(tagged))
            elif key == "opinions":
                clauses.append(sa.or_(*[_opinions_clause(v) for v in values]))
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


def _opinions_clause(value: str) -> Any:
    """« missing »: a required examining committee has no opinion yet; « complete »: the programme has examining
    committees and none is missing (correlated subqueries on the page's rows, by programme)."""
    listed = select(ProgramCommittee.id).where(col(ProgramCommittee.program_id) == col(Application.program_id))
    given = (
        select(CommitteeOpinion.id)
        .where(
            col(CommitteeOpinion.application_id) == col(Application.id),
            col(CommitteeOpinion.committee_id) == col(ProgramCommittee.committee_id),
        )
        .correlate(Application, ProgramCommittee)  # the list's application, the enclosing committee
    )
    missing = listed.where(col(ProgramCommittee.required), ~given.exists()).exists()
    return missing if value == "missing" else sa.and_(listed.exists(), ~missing)


def _notes_count_expr() -> Any:
    return (
        select(sa.func.count())
        .select_from(Note)
        .where(col(Note.application_id) == col(Application.id))
        .scalar_subquery()
    )


# The searched fields, folded (accents, case, hyphens and apostrophes aside), one per line in each row's
# ``search_text`` (text_fold): a trigram index answers the substring on PostgreSQL, a precomputed column on SQLite.
SEARCH_FIELDS = (col(Candidate.ine), col(Account.dossier_number), col(Account.email))
# Up to this many candidates found, their ids go into the list's query: PostgreSQL then starts from them. (An IN
# (subquery) joined last, after the list's eight tables, read all 100,000 applications first.)
INLINE_CANDIDATES = 2000


def _candidates_matching(folded_word: str, among: set[int] | None = None) -> Any:
    """The ids of the candidates whose names or INE, or whose account's dossier number or e-mail, hold the word
    (only ``among`` these ids, when given)."""
    by_candidate = select(Candidate.id).where(_contains(col(Candidate.search_text), folded_word))
    by_account = (
        select(Candidate.id)
        .join(Account, col(Account.id) == col(Candidate.account_id))
        .where(_contains(col(Account.search_text), folded_word))
    )
    if among is not None:
        by_candidate = by_candidate.where(col(Candidate.id).in_(sorted(among)))
        by_account = by_account.where(col(Candidate.id).in_(sorted(among)))
    return by_candidate.union(by_account)


def _search_clauses(session: Session, text: str) -> tuple[list[Any], set[str]]:
    """Every word must appear in one of the name, dossier number, INE or e-mail fields (control characters dropped).

    The candidates each word finds are read first; when a word finds few, the list filters on their ids (a word
    that finds many only narrows those ids down)."""
    clauses: list[Any] = []
    tables: set[str] = set()
    found: set[int] | None = None
    broad: list[str] = []
    for word in searchable(text).split()[:8]:
        folded_word = fold_name(word)
        if not folded_word.strip():  # punctuation only (« - »): it folds to blanks; looked for as typed
            clauses.append(sa.or_(*[_contains(expr, word) for expr in SEARCH_FIELDS]))
            tables |= {CANDIDATE, ACCOUNT}
            continue
        ids = set(session.execute(_candidates_matching(folded_word).limit(INLINE_CANDIDATES + 1)).scalars())
        if len(ids) > INLINE_CANDIDATES:
            broad.append(folded_word)
        else:
            found = ids if found is None else found & ids
    if found is None:  # only broad words: each row of the list is filtered with them
        searched = (col(Candidate.search_text), col(Account.search_text))
        clauses.extend(sa.or_(*[_contains(expr, word) for expr in searched]) for word in broad)
        return clauses, tables | ({CANDIDATE, ACCOUNT} if broad else set())
    for word in broad:
        found &= set(session.execute(_candidates_matching(word, among=found)).scalars()) if found else set()
    clauses.append(col(Application.candidate_id).in_(sorted(found)))
    return clauses, tables


def where_clauses(session: Session, actor: Actor, query: ListQuery, now: datetime) -> tuple[list[Any], set[str]]:
    role = current_role(session, actor=actor)  # re-read: a withdrawn role lists nothing
    _sva_base(query.sva_base)
    filters, tables = _filter_clauses(query.filters, now, query.sva_base)
    search, search_tables = _search_clauses(session, query.search)
    # The scope is always ANDed: a forged centre or programme filter can only narrow it.
    return [scope_filter(role), col(Application.cancelled_at).is_(None), *filters, *search], tables | search_tables


def order_by(query: ListQuery) -> tuple[list[Any], set[str]]:
    column = COLUMNS.get(query.sort)
    if column is None or not column.sortable:
        raise refuse("unknown_sort", N_("Tri impossible sur : {key}."), key=query.sort)
    descending = query.descending
    if column.key == "days_since_transmission":
        descending = not descending  # more days = an earlier transmission
    shown = column.shown(query.language)
    expr = shown.desc() if descending else shown.asc()
    if column.nullable:
        expr = expr.nulls_last()  # the same on SQLite and PostgreSQL
    tie = col(Application.id).desc() if descending else col(Application.id).asc()
    return [expr, tie], set(column.tables)


def check_page(query: ListQuery) -> None:
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise refuse("bad_page_size", N_("Taille de page invalide (1 à {max})."), max=MAX_PAGE_SIZE)
    if query.page < 1:
        raise refuse("bad_page", N_("Numéro de page invalide."))
