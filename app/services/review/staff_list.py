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
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_, gettext
from app.models import (
    Application,
    ApplicationCentre,
    ApplicationTag,
    Committee,
    CommitteeOpinion,
    Note,
    Program,
    ProgramCommittee,
    StaffListPreference,
    Tag,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import scope_filter
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.review.staff_list_columns import (
    BOOLEAN,
    CHOICE,
    COLUMNS,
    DEFAULT_COLUMNS,
    DEFAULT_PAGE_SIZE,
    DEFAULT_SVA_BASE,
    MAX_PAGE_SIZE,
    SVA_BASE_KEYS,
    VALUE_LABELS,
    ListPage,
    ListQuery,
)
from app.services.review.staff_list_query import check_page, join_tables, order_by, refuse, where_clauses

# --- The service functions -----------------------------------------------------------------------------------------


def list_applications(session: Session, *, actor: Actor, query: ListQuery) -> ListPage:
    """One page of the applications in the actor's current scope, and the total of the filtered result."""
    check_page(query)
    now = clock.now()
    where, filter_tables = where_clauses(session, actor, query, now)
    order, sort_tables = order_by(query)
    total = session.exec(
        join_tables(select(sa.func.count()).select_from(Application), filter_tables).where(*where)
    ).one()
    shown = [c for c in COLUMNS.values() if c.expr is not None and c.key != "days_since_transmission"]
    all_tables = {t for c in shown for t in c.tables} | filter_tables | sort_tables
    stmt = join_tables(
        select(
            col(Application.id).label("id"),
            col(Application.last_decision_published).label("_published"),
            *[c.shown(query.language).label(c.key) for c in shown],
        ).select_from(Application),
        all_tables,
    )
    stmt = stmt.where(*where).order_by(*order).limit(query.page_size).offset((query.page - 1) * query.page_size)
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    _add_computed(session, rows, now, query.sva_base, query.language)
    return ListPage(rows=rows, total=int(total), page=query.page, page_size=query.page_size)


def _add_computed(
    session: Session, rows: list[dict[str, Any]], now: datetime, sva_base: str = DEFAULT_SVA_BASE, lang: str = "fr"
) -> None:
    """Days, SVA colour, tags, notes and opinions for the page's rows only (one query each for tags, notes and
    opinions).

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
    opinions = _opinions(session, ids, lang)
    for row in rows:
        transmitted = row["transmitted_at"]
        row["days_since_transmission"] = (now - transmitted).days if transmitted is not None else None
        base = row[SVA_BASE_KEYS[sva_base]]
        row["sva_days"] = (now - base).days if base is not None else None
        row["sva"] = sva_colour(row["sva_days"], bool(row.pop("_published")))
        row["notes_count"] = notes.get(row["id"], 0)
        row["tags"] = tags.get(row["id"], [])
        row["opinions"] = opinions.get(row["id"], [])


def _opinions(session: Session, ids: list[int], lang: str) -> dict[int, list[str]]:
    """« Examen pédagogique : Favorable » for each opinion given on the page's applications, in the committees'
    order."""
    found: dict[int, list[str]] = {}
    if not ids:
        return found
    for application_id, role_fr, role_en, opinion in session.execute(
        select(
            col(CommitteeOpinion.application_id),
            col(ProgramCommittee.role_fr),
            col(ProgramCommittee.role_en),
            col(CommitteeOpinion.opinion),
        )
        .join(Application, col(Application.id) == col(CommitteeOpinion.application_id))
        .join(
            ProgramCommittee,
            (col(ProgramCommittee.program_id) == col(Application.program_id))
            & (col(ProgramCommittee.committee_id) == col(CommitteeOpinion.committee_id)),
        )
        .where(col(CommitteeOpinion.application_id).in_(ids))
        .order_by(col(ProgramCommittee.position), col(ProgramCommittee.id))
    ):
        role = role_en if lang == "en" and role_en else role_fr
        label = gettext(VALUE_LABELS["opinion"][opinion.value], lang)
        line = gettext("{role} : {opinion}", lang).format(role=role, opinion=label)
        found.setdefault(application_id, []).append(line)
    return found


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
    where, filter_tables = where_clauses(session, actor, query, clock.now())
    stmt = join_tables(select(col(Application.id)).select_from(Application), filter_tables)
    result = session.execute(stmt.where(*where).order_by(col(Application.id)).execution_options(yield_per=5000))
    return [application_id for (application_id,) in result]


def ordered_ids(session: Session, *, actor: Actor, query: ListQuery, now: datetime | None = None) -> list[int]:
    """Every id of the filtered result in the list's order (exports read the rows for them by batches)."""
    now = now or clock.now()
    where, filter_tables = where_clauses(session, actor, query, now)
    order, sort_tables = order_by(query)
    stmt = join_tables(select(col(Application.id)).select_from(Application), filter_tables | sort_tables)
    return [i for (i,) in session.execute(stmt.where(*where).order_by(*order).execution_options(yield_per=5000))]


def rows_for_ids(
    session: Session, *, actor: Actor, query: ListQuery, ids: Sequence[int], now: datetime | None = None
) -> list[dict[str, Any]]:
    """The rows :func:`list_applications` shows for ``ids`` (every column), in the order of ``ids``.

    The scope and the filters are applied again: a row that left them meanwhile is dropped, never shown."""
    if not ids:
        return []
    now = now or clock.now()
    where, filter_tables = where_clauses(session, actor, query, now)
    shown = [c for c in COLUMNS.values() if c.expr is not None and c.key != "days_since_transmission"]
    stmt = join_tables(
        select(
            col(Application.id).label("id"),
            col(Application.last_decision_published).label("_published"),
            *[c.shown(query.language).label(c.key) for c in shown],
        ).select_from(Application),
        {t for c in shown for t in c.tables} | filter_tables,
    )
    found = {r.id: dict(r._mapping) for r in session.execute(stmt.where(col(Application.id).in_(ids), *where))}
    rows = [found[i] for i in ids if i in found]
    _add_computed(session, rows, now, query.sva_base, query.language)
    return rows


def filter_options(session: Session, *, actor: Actor) -> dict[str, list[tuple[int, str, str]]]:
    """(id, French label, English label) of the programmes, centres, committees and tags in the actor's scope."""
    scope = scope_filter(current_role(session, actor=actor))

    def options(kind: str, model: Any, key: Any) -> Any:
        ids = select(key).where(scope).distinct()
        return sa.select(sa.literal(kind).label("kind"), model.id, model.label_fr, model.label_en).where(
            col(model.id).in_(ids)
        )

    parts = sa.union_all(  # the three lists in one round trip, each in its French order
        options("program", Program, col(Application.program_id)),
        options("centre", ApplicationCentre, col(Application.centre_id)),
        options("committee", Committee, col(Application.committee_id)),
    ).subquery()
    result: dict[str, list[tuple[int, str, str]]] = {"program": [], "centre": [], "committee": []}
    for kind, i, fr, en in session.execute(sa.select(parts).order_by(parts.c.kind, parts.c.label_fr)):
        result[kind].append((i, fr, en))
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
            raise refuse("unknown_column", N_("Colonne inconnue : {key}."), key=key)
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
        raise refuse("forbidden", N_("Vous n'avez pas accès à cet élément."))
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
        raise refuse("unknown_column", N_("Colonne inconnue : {key}."), key=unknown[0])
    if not columns:
        raise refuse("no_column", N_("Choisissez au moins une colonne."))
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise refuse("bad_page_size", N_("Taille de page invalide (1 à {max})."), max=MAX_PAGE_SIZE)
    ordered = [key for key in COLUMNS if key in set(columns)]
    preference = session.get(StaffListPreference, staff_id) or StaffListPreference(staff_id=staff_id)
    preference.columns = ordered
    preference.page_size = page_size
    preference.updated_at = clock.now()
    session.add(preference)
    session.flush()
