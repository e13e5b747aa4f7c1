"""Spreadsheet exports of the staff list (issue 11): the list's rows, the user's columns, chosen extras.

The rows are exactly those of :mod:`app.services.review.staff_list` for the same filters, search and sort: the ids come
from ``staff_list.ordered_ids`` (one short query), then the rows are read ``BATCH_SIZE`` at a time with
``staff_list.rows_for_ids``, each batch in a session of its own, so 100,000 rows never hold a transaction open.
The extras (address, baccalauréat, records, answers, notes, decision history) are read for each batch's ids only.

Files: XLSX through openpyxl's write-only mode (rows streamed to disk), or CSV in UTF-8 with a BOM and ``;`` as
separator (what French Excel opens directly). Headers are in the requester's language, moments in Paris time, and
text a spreadsheet could take for a formula is neutralised (stored as text in XLSX, a leading apostrophe in CSV).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from app import clock
from app.db import new_session
from app.i18n import N_, _, use_language
from app.models import (
    Address,
    Application,
    Baccalaureate,
    Decision,
    DecisionType,
    ExternalRecord,
    InternalRecord,
    Note,
    Question,
    QuestionAnswer,
    RefusalReason,
    StaffMember,
)
from app.services.documents.pdf_text import RECORD_OUTCOME
from app.services.dossier.referentials import country_name
from app.services.exports.builders import Progress, no_progress
from app.services.exports.spreadsheet_writers import WRITERS
from app.services.exports.tabular_scores import criterion_means, scored_criteria
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.labels import label_in
from app.services.review import staff_list
from app.services.review.staff_list_columns import COLUMNS, ListQuery, value_words

BATCH_SIZE = 2000
Record = TypeVar("Record", InternalRecord, ExternalRecord)
SEPARATOR = " | "  # between the entries of one cell (records, notes, decisions)

EXTRAS: dict[str, str] = {
    "address": N_("Adresse postale"),
    "baccalaureate": N_("Baccalauréat (détails)"),
    "internal_records": N_("Cursus interne"),
    "external_records": N_("Cursus externe"),
    "answers": N_("Réponses aux questions"),
    "notes": N_("Notes (post-it)"),
    "decisions": N_("Historique des avis"),
    "scores": N_("Notes par critère (moyenne des membres)"),
}
SVA_WORDS = {"green": N_("Vert"), "orange": N_("Orange"), "red": N_("Rouge"), "none": N_("Sans alerte")}
YES, NO = N_("Oui"), N_("Non")

# Headers of the extras' columns (French msgids).
ADDRESS_HEADERS = [N_("Adresse"), N_("Code postal"), N_("Ville"), N_("Pays")]
BAC_HEADERS = [
    N_("Bac : série"),
    N_("Bac : précision"),
    N_("Bac : année"),
    N_("Bac : mention"),
    N_("Bac : spécialités"),
    N_("Bac : options"),
    N_("Bac : pays"),
    N_("Bac : établissement"),
]
PUBLISHED_ON = N_("publié le {date}")
NOT_PUBLISHED = N_("non publié")
RANK = N_("rang {rank}")
WAITING_LIST_CALL = N_("appel de la liste complémentaire")


@dataclass(frozen=True)
class TabularRequest:
    """What the list screen sent: its query, the user's columns, the extras and the language of the file."""

    query: ListQuery
    columns: list[str]
    extras: list[str] = field(default_factory=list)
    language: str = "fr"
    only_ids: frozenset[int] | None = None  # « only the selection »: the filtered list ∩ these ids

    def payload(self) -> dict[str, Any]:
        """JSON for ``ExportJob.request``."""
        q = self.query
        return {
            "filters": {k: list(v) if isinstance(v, (tuple, set, frozenset)) else v for k, v in q.filters.items()},
            "search": q.search,
            "sort": q.sort,
            "descending": q.descending,
            "sva_base": q.sva_base,
            "columns": list(self.columns),
            "extras": list(self.extras),
            "language": self.language,
            "only_ids": sorted(self.only_ids) if self.only_ids is not None else None,
        }


def parse_request(data: dict[str, Any]) -> TabularRequest:
    """A request from its JSON, checked: known columns and extras, at least one column."""
    columns = [str(c) for c in data.get("columns") or []]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise DomainError("unknown_column", N_("Colonne inconnue : {key}."), key=unknown[0])
    if not columns:
        raise DomainError("no_column", N_("Choisissez au moins une colonne."))
    extras = [str(e) for e in data.get("extras") or []]
    bad = [e for e in extras if e not in EXTRAS]
    if bad:
        raise DomainError("unknown_extra", N_("Complément d'export inconnu : {key}."), key=bad[0])
    only = data.get("only_ids")
    query = ListQuery(
        filters=dict(data.get("filters") or {}),
        search=str(data.get("search") or ""),
        sort=str(data.get("sort") or "birth_name"),
        descending=bool(data.get("descending")),
        language=str(data.get("language") or "fr"),  # programme, centre... labels and their sort, as on screen
    )
    if data.get("sva_base"):
        query.sva_base = str(data["sva_base"])
    return TabularRequest(
        query=query,
        columns=[c for c in COLUMNS if c in set(columns)],
        extras=[e for e in EXTRAS if e in set(extras)],
        language=str(data.get("language") or "fr"),
        only_ids=frozenset(int(i) for i in only) if only is not None else None,
    )


# --- Values --------------------------------------------------------------------------------------------------------


def list_value(key: str, value: Any) -> Any:
    """A list column's value as the file holds it: labels translated, moments in Paris (naive), tags joined."""
    if value is None or value == []:
        return None  # an empty cell, not an empty text
    words = value_words(key, value)
    if words is not None:
        return words
    if key == "sva":
        return _(SVA_WORDS.get(value, "")) or str(value)
    if isinstance(value, datetime):
        return paris_naive(value)
    if hasattr(value, "value"):  # an enum without labels
        return str(value.value)
    return value


def paris_naive(moment: datetime) -> datetime:
    """Paris wall-clock time without tzinfo: spreadsheets have no time zones."""
    return clock.paris(moment).replace(tzinfo=None, microsecond=0)


def _day(moment: datetime | None) -> str:
    return clock.paris(moment).strftime("%d/%m/%Y") if moment else ""


def _join(parts: Sequence[Any]) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


def _records(
    session: Session, model: type[Record], candidates: set[int], line: Callable[[Record], str]
) -> tuple[dict[int, list[str]], int]:
    """One cell per candidate: their academic records (internal or external), latest year first, as ``line`` says."""
    rows = session.exec(
        select(model)
        .where(col(model.candidate_id).in_(candidates))
        .order_by(col(model.academic_year).desc(), col(model.id))
    ).all()
    entries: dict[int, list[str]] = {}
    for r in rows:
        entries.setdefault(r.candidate_id, []).append(line(r))
    return {k: [SEPARATOR.join(v)] for k, v in entries.items()}, 1


class Extras:
    """The extra columns: their headers (known before the first row) and their values for a batch of rows."""

    def __init__(self, chosen: Sequence[str], language: str) -> None:
        self.chosen = list(chosen)
        self.language = language
        self.questions: list[tuple[int, str]] = []  # (id, label) of every question answered in the result

    def prepare(self, session: Session, ids: Sequence[int]) -> None:
        """Find the questions answered by the exported applications and their grids' criteria: one column each."""
        self.criteria: list[tuple[int, str]] = scored_criteria(session, ids, self.language, "scores" in self.chosen)
        if "answers" not in self.chosen:
            return
        found: set[int] = set()
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            found |= set(
                session.exec(
                    select(QuestionAnswer.question_id).where(col(QuestionAnswer.application_id).in_(chunk)).distinct()
                ).all()
            )
        if found:
            questions = session.exec(
                select(Question)
                .where(col(Question.id).in_(found))
                .order_by(col(Question.display_order), col(Question.id))
            ).all()
            self.questions = [(q.id or 0, label_in(q, self.language)) for q in questions]

    def headers(self) -> list[str]:
        headers: list[str] = []
        for extra in self.chosen:
            if extra == "address":
                headers += [_(h) for h in ADDRESS_HEADERS]
            elif extra == "baccalaureate":
                headers += [_(h) for h in BAC_HEADERS]
            elif extra in ("answers", "scores"):
                headers += [label for _id, label in (self.questions if extra == "answers" else self.criteria)]
            else:
                headers.append(_(EXTRAS[extra]))
        return headers

    def load(self, session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
        """The extra cells of each application of ``ids`` (read for these ids only)."""
        if not self.chosen or not ids:
            return {i: [] for i in ids}
        candidate_of = dict(
            session.exec(select(Application.id, Application.candidate_id).where(col(Application.id).in_(ids))).all()
        )
        candidates = set(candidate_of.values())
        per_extra = {extra: getattr(self, f"_{extra}")(session, ids, candidates) for extra in self.chosen}
        result: dict[int, list[Any]] = {}
        for application_id in ids:
            cells: list[Any] = []
            candidate_id = candidate_of.get(application_id)
            for extra in self.chosen:
                by_candidate = extra in ("address", "baccalaureate", "internal_records", "external_records")
                values, width = per_extra[extra]
                cells += values.get(candidate_id if by_candidate else application_id, [None] * width)
            result[application_id] = cells
        return result

    # Each loader returns ({candidate or application id: cells}, width) for one extra.

    def _address(self, session: Session, _ids: Sequence[int], candidates: set[int]) -> tuple[dict, int]:
        rows = session.exec(select(Address).where(col(Address.candidate_id).in_(candidates))).all()
        return {
            a.candidate_id: [
                ", ".join(p for p in (a.line1, a.line2, a.line3) if p),
                a.postcode,
                a.city,
                country_name(a.country, self.language),
            ]
            for a in rows
        }, 4

    def _baccalaureate(self, session: Session, _ids: Sequence[int], candidates: set[int]) -> tuple[dict, int]:
        rows = session.exec(select(Baccalaureate).where(col(Baccalaureate.candidate_id).in_(candidates))).all()
        return {
            b.candidate_id: [
                list_value("bac_series", b.series.value),
                b.series_detail,
                b.year,
                b.mention,
                ", ".join(b.specialities or []),
                b.options,
                country_name(b.country, self.language),
                b.establishment_label,
            ]
            for b in rows
        }, 8

    def _internal_records(self, session: Session, _ids: Sequence[int], candidates: set[int]) -> tuple[dict, int]:
        def line(r: InternalRecord) -> str:
            mark = "" if r.mark is None else f"{r.mark.normalize():f}"
            return _join([r.academic_year, r.program_code, r.program_label, r.result, mark, r.mention])

        return _records(session, InternalRecord, candidates, line)

    def _external_records(self, session: Session, _ids: Sequence[int], candidates: set[int]) -> tuple[dict, int]:
        def line(r: ExternalRecord) -> str:
            place = f"{r.establishment_label} ({country_name(r.country, self.language)})"
            outcome = _(RECORD_OUTCOME.get(r.outcome.value, r.outcome.value))
            return _join([r.academic_year, place, r.diploma_type, r.label, outcome, r.mention])

        return _records(session, ExternalRecord, candidates, line)

    def _answers(self, session: Session, ids: Sequence[int], _candidates: set[int]) -> tuple[dict, int]:
        position = {qid: index for index, (qid, _label) in enumerate(self.questions)}
        result: dict[int, list[Any]] = {}
        rows = session.exec(select(QuestionAnswer).where(col(QuestionAnswer.application_id).in_(ids))).all()
        for answer in rows:
            if answer.question_id not in position:
                continue  # answered after the headers were written
            cells = result.setdefault(answer.application_id, [None] * len(self.questions))
            if answer.bool_value is not None:
                cells[position[answer.question_id]] = _(YES) if answer.bool_value else _(NO)
            else:
                cells[position[answer.question_id]] = answer.text_value
        return result, len(self.questions)

    def _scores(self, session: Session, ids: Sequence[int], _candidates: set[int]) -> tuple[dict, int]:
        return criterion_means(session, ids, self.criteria)

    def _notes(self, session: Session, ids: Sequence[int], _candidates: set[int]) -> tuple[dict, int]:
        rows = session.exec(
            select(Note, StaffMember.display_name)
            .join(StaffMember, col(StaffMember.id) == col(Note.author_staff_id))
            .where(col(Note.application_id).in_(ids))
            .order_by(col(Note.created_at), col(Note.id))
        ).all()
        entries: dict[int, list[str]] = {}
        for note, author in rows:
            when = paris_naive(note.created_at).strftime("%d/%m/%Y %H:%M")
            entry = _("{moment} · {author} : {note}").format(moment=when, author=author, note=note.body)
            entries.setdefault(note.application_id, []).append(entry)
        return {k: [SEPARATOR.join(v)] for k, v in entries.items()}, 1

    def _decisions(self, session: Session, ids: Sequence[int], _candidates: set[int]) -> tuple[dict, int]:
        rows = session.exec(
            select(Decision, DecisionType, RefusalReason)
            .join(DecisionType, col(DecisionType.id) == col(Decision.decision_type_id))
            .outerjoin(RefusalReason, col(RefusalReason.id) == col(Decision.refusal_reason_id))
            .where(col(Decision.application_id).in_(ids))
            .order_by(col(Decision.entered_at), col(Decision.id))
        ).all()
        entries: dict[int, list[str]] = {}
        for decision, dtype, reason in rows:
            published = (
                _(PUBLISHED_ON).format(date=_day(decision.published_at)) if decision.published_at else _(NOT_PUBLISHED)
            )
            entries.setdefault(decision.application_id, []).append(
                _join(
                    [
                        _day(decision.entered_at),
                        label_in(dtype, self.language),
                        published,
                        label_in(reason, self.language) if reason else "",
                        _(RANK).format(rank=decision.waiting_list_rank) if decision.waiting_list_rank else "",
                        _(WAITING_LIST_CALL) if decision.is_waiting_list_call else "",
                        decision.comment,
                    ]
                )
            )
        return {k: [SEPARATOR.join(v)] for k, v in entries.items()}, 1


# --- Building ------------------------------------------------------------------------------------------------------


def build_tabular(
    *, actor: Actor, request: TabularRequest, kind: str, path: Path, progress: Progress | None = None
) -> int:
    """Write the export of ``request`` to ``path`` (``kind`` "xlsx" or "csv"); returns the number of rows.

    Each read is a short session of its own; the actor's current role is re-read by every batch, so its scope
    applies throughout (a role withdrawn meanwhile stops the export with a refusal)."""
    report = progress or no_progress
    with use_language(request.language):
        now = clock.now()
        extras = Extras(request.extras, request.language)
        with new_session() as session:
            ids = staff_list.ordered_ids(session, actor=actor, query=request.query, now=now)
            if request.only_ids is not None:
                ids = [i for i in ids if i in request.only_ids]
            extras.prepare(session, ids)
        report(0, len(ids))
        writer = WRITERS[kind](path)
        written = 0
        try:
            writer.write([_(COLUMNS[key].label) for key in request.columns] + extras.headers())
            for start in range(0, len(ids), BATCH_SIZE):
                batch = ids[start : start + BATCH_SIZE]
                with new_session() as session:
                    rows = staff_list.rows_for_ids(session, actor=actor, query=request.query, ids=batch, now=now)
                    extra_cells = extras.load(session, [r["id"] for r in rows])
                for row in rows:
                    values = [list_value(key, row.get(key)) for key in request.columns]
                    writer.write(values + extra_cells[row["id"]])
                written += len(rows)
                report(min(start + len(batch), len(ids)), len(ids))
        finally:
            writer.close()
    return written


def export_filename(kind: str, moment: datetime) -> str:
    return f"candidatures-{clock.paris(moment).strftime('%Y%m%d-%H%M')}{WRITERS[kind].suffix}"
