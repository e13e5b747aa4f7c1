"""One decision entered, or the entered decisions published, on a selection of the staff list.

Each action comes in two calls with the same rules: ``plan_*`` says which applications will be acted on and why the
others are skipped (the screen shows it before the person confirms), ``*_on_selection`` does it and reports the same
way. The rules are re-checked at execution, under the programme locks, so a plan that went stale meanwhile
(a colleague published, a candidate withdrew) costs nothing but a line in the report.

The selection is a set of ids kept on the server (``staff_list.select_application_ids``); ids outside the actor's
current scope are counted, never named. Running an action twice acts once: a decision entered again with the same
values is left unchanged (``decisions.same_entry``), and a published decision is not pending any more.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import (
    Account,
    AnswerKind,
    Application,
    Candidate,
    Decision,
    DecisionKind,
    DecisionType,
    Program,
    RefusalReason,
    StaffRole,
)
from app.services.accounts.staff_roles import current_role
from app.services.decisions.staff_decisions import (
    CANCELLED,
    CAPACITY_REACHED,
    ENTER_ROLES,
    PUBLISH_ROLES,
    WITHDRAWN,
    check_preselection_moment,
    enter_decision,
    latest_entered,
    lock_programs_of,
    parse_paris_moment,
    publish_decision,
    same_entry,
)
from app.services.decisions.waiting_list import latest_published, live_offer_count
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, Forbidden, NotFound
from app.services.review.staff_scope import scope_filter

RankRule = Literal["after_last", "from"]

PUBLISHED_KEPT = N_("Décision déjà publiée (protégée : cochez « Remplacer les décisions publiées » pour la remplacer)")
UNCHANGED = N_("Cette décision est déjà saisie à l'identique")
NO_WAITING_LIST = N_("La formation n'a pas de liste complémentaire")
NO_PRESELECTION = N_("Ni la décision ni la formation n'indiquent la date et le lieu de convocation")
NOTHING_PENDING = N_("Aucune décision saisie en attente de publication")
EMPTY_SELECTION = N_("La sélection est vide : cochez des candidatures dans la liste.")
CHUNK = 500  # ids per IN (...) clause: well under SQLite's and PostgreSQL's parameter limits


@dataclass
class DecisionEntry:
    """What the bulk form (and the panel) binds its inputs to; checked by the services, not by the screen."""

    decision_type_id: int | None = None
    refusal_reason_id: int | None = None
    comment: str = ""
    rank_rule: RankRule = "after_last"
    rank_start: int | None = 1
    preselection_at: datetime | None = None
    preselection_text: str = ""  # a datetime-local input's value (Paris time), read by ``check_entry``
    preselection_place: str = ""
    overwrite_published: bool = False


@dataclass(frozen=True)
class SelectionRow:
    application_id: int
    label: str  # « T0000012 — DUPONT Jean »: what the person recognises
    program: str
    reason: DomainError | None = None  # None: acted on (or will be)
    rank: int | None = None  # the waiting-list rank given (or to be given)


@dataclass
class SelectionReport:
    rows: list[SelectionRow] = field(default_factory=list)
    out_of_scope: int = 0

    @property
    def acting(self) -> list[SelectionRow]:
        return [row for row in self.rows if row.reason is None]

    @property
    def skipped(self) -> list[SelectionRow]:
        return [row for row in self.rows if row.reason is not None]

    def skipped_by_reason(self) -> list[tuple[DomainError, list[SelectionRow]]]:
        """The skipped rows grouped by reason (message and parameters), most frequent first."""
        groups: dict[tuple[str, str], list[SelectionRow]] = defaultdict(list)
        first: dict[tuple[str, str], DomainError] = {}
        for row in self.skipped:
            assert row.reason is not None
            key = (row.reason.message, repr(sorted(row.reason.params.items())))
            groups[key].append(row)
            first.setdefault(key, row.reason)
        return sorted(((first[key], rows) for key, rows in groups.items()), key=lambda item: -len(item[1]))


def selection_rights(session: Session, *, actor: Actor) -> tuple[bool, bool]:
    """(may enter decisions on a selection, may publish them), for the actor's current role."""
    role = current_role(session, actor=actor)
    writable = not role.read_only and not actor.read_only
    return writable and role.role in ENTER_ROLES, writable and role.role in PUBLISH_ROLES


def decision_choices(
    session: Session, *, lang: str = "fr"
) -> tuple[dict[int, str], dict[int, DecisionKind], dict[int, str]]:
    """The active decision types (label, kind) and refusal reasons the bulk form offers."""

    def label(row: Any) -> str:
        return (row.label_en or row.label_fr) if lang == "en" else row.label_fr

    types = session.exec(select(DecisionType).where(col(DecisionType.is_active)).order_by(col(DecisionType.id))).all()
    reasons = session.exec(
        select(RefusalReason).where(col(RefusalReason.is_active)).order_by(col(RefusalReason.id))
    ).all()
    return (
        {row.id or 0: label(row) for row in types},
        {row.id or 0: row.kind for row in types},
        {row.id or 0: label(row) for row in reasons},
    )


# --- Reading the selection -------------------------------------------------------------------------------------------


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _require(session: Session, actor: Actor, roles: Iterable[StaffRole]) -> Any:
    role = current_role(session, actor=actor)
    if role.role not in set(roles) or role.read_only or actor.read_only:
        raise Forbidden()
    return role


def _in_scope(
    session: Session, actor: Actor, application_ids: Iterable[int], roles: Iterable[StaffRole], lang: str
) -> tuple[list[tuple[Application, str, str]], int]:
    """(application, label, programme label) of the selected ids the role covers, by id; and the others' count."""
    role = _require(session, actor, roles)
    wanted = sorted({int(i) for i in application_ids})
    if not wanted:
        raise DomainError("empty_selection", EMPTY_SELECTION)
    found: list[tuple[Application, str, str]] = []
    for chunk in _chunks(wanted):
        rows = session.exec(
            select(Application, Account.dossier_number, Candidate.birth_name, Candidate.first_names, Program)
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Account, col(Account.id) == col(Candidate.account_id))
            .join(Program, col(Program.id) == col(Application.program_id))
            .where(col(Application.id).in_(chunk), scope_filter(role))
            .order_by(col(Application.id))
        ).all()
        for application, number, birth_name, first_names, program in rows:
            label = f"{number} — {birth_name} {first_names}".strip()
            title = (program.label_en or program.label_fr) if lang == "en" else program.label_fr
            found.append((application, label, title))
    return found, len(wanted) - len(found)


def _answer_refusal(application: Application) -> DomainError | None:
    if application.cancelled_at is not None:
        return DomainError("cancelled", CANCELLED)
    if application.answer == AnswerKind.WITHDRAWN:
        return DomainError("withdrawn", WITHDRAWN)
    return None


# --- Entering one decision on a selection ---------------------------------------------------------------------------


def check_entry(session: Session, entry: DecisionEntry) -> DecisionType:
    """The fields that do not depend on the application, each refused next to its input."""
    decision_type = session.get(DecisionType, entry.decision_type_id) if entry.decision_type_id else None
    if decision_type is None or not decision_type.is_active:
        raise DomainError("type_required", N_("Choisissez un type de décision."), field="decision_type_id")
    if decision_type.kind == DecisionKind.UNFAVORABLE:
        reason = session.get(RefusalReason, entry.refusal_reason_id) if entry.refusal_reason_id else None
        if reason is None or not reason.is_active:
            raise DomainError("reason_required", N_("Choisissez un motif de refus."), field="refusal_reason_id")
    waiting = decision_type.kind == DecisionKind.WAITING_LIST and entry.rank_rule == "from"
    if waiting and (entry.rank_start is None or int(entry.rank_start) < 1):
        raise DomainError("rank_required", N_("Indiquez un rang (1 ou plus)."), field="rank_start")
    if decision_type.kind == DecisionKind.PRESELECTION:
        if entry.preselection_text:
            entry.preselection_at = parse_paris_moment(entry.preselection_text)
        if entry.preselection_at is not None:
            check_preselection_moment(entry.preselection_at)
    if len(entry.comment or "") > 2000:
        raise DomainError("comment_too_long", N_("Le commentaire dépasse 2000 caractères."), field="comment")
    return decision_type


def _last_entered_rank(session: Session, program_id: int, excluding: set[int]) -> int:
    """The highest waiting-list rank among the latest decisions of the programme's other live applications."""
    rows = session.exec(
        select(Decision.application_id, Decision.kind, Decision.waiting_list_rank)
        .join(Application, col(Application.id) == col(Decision.application_id))
        .where(Application.program_id == program_id, col(Application.cancelled_at).is_(None))
        .order_by(col(Decision.application_id), col(Decision.entered_at).desc(), col(Decision.id).desc())
    ).all()
    best, seen = 0, set()
    for application_id, kind, rank in rows:
        if application_id in seen:
            continue
        seen.add(application_id)  # the first row of an application is its latest decision
        if application_id not in excluding and kind == DecisionKind.WAITING_LIST and rank:
            best = max(best, rank)
    return best


def _entry_values(entry: DecisionEntry, kind: DecisionKind, program: Program, rank: int | None) -> dict[str, Any]:
    """The kind-specific values a Decision row would receive (as ``decisions._check_fields`` sets them)."""
    at = entry.preselection_at or program.preselection_at
    place = ((entry.preselection_place or "").strip() or (program.preselection_place or "").strip())[:300]
    return {
        "refusal_reason_id": entry.refusal_reason_id if kind == DecisionKind.UNFAVORABLE else None,
        "waiting_list_rank": rank if kind == DecisionKind.WAITING_LIST else None,
        "preselection_at": at if kind == DecisionKind.PRESELECTION else None,
        "preselection_place": place if kind == DecisionKind.PRESELECTION else None,
    }


def _plan_entry_rows(
    session: Session, found: list[tuple[Application, str, str]], entry: DecisionEntry, decision_type: DecisionType
) -> list[SelectionRow]:
    kind = decision_type.kind
    programs: dict[int, Program] = {}
    eligible: dict[int, list[Application]] = defaultdict(list)
    reasons: dict[int, DomainError | None] = {}
    for application, _label, _program in found:
        program = programs.setdefault(application.program_id, session.get(Program, application.program_id))  # type: ignore[arg-type]
        latest = latest_entered(session, application.id or 0)
        reason = _answer_refusal(application)
        if reason is None and latest is not None and latest.published_at is not None and not entry.overwrite_published:
            reason = DomainError("published_exists", PUBLISHED_KEPT)
        if reason is None and kind == DecisionKind.WAITING_LIST and not program.has_waiting_list:
            reason = DomainError("no_waiting_list", NO_WAITING_LIST)
        if reason is None and kind == DecisionKind.PRESELECTION:
            values = _entry_values(entry, kind, program, None)
            if values["preselection_at"] is None or not values["preselection_place"]:
                reason = DomainError("preselection_required", NO_PRESELECTION)
        reasons[application.id or 0] = reason
        if reason is None:
            eligible[application.program_id].append(application)
    ranks: dict[int, int] = {}
    if kind == DecisionKind.WAITING_LIST:  # per programme, in order of transmission (then of id)
        selected = {application.id or 0 for application, _l, _p in found}
        for program_id, applications in eligible.items():
            start = (
                int(entry.rank_start or 1)
                if entry.rank_rule == "from"
                else _last_entered_rank(session, program_id, selected) + 1
            )
            ordered = sorted(applications, key=lambda a: (a.transmitted_at is None, a.transmitted_at or 0, a.id or 0))
            for offset, application in enumerate(ordered):
                ranks[application.id or 0] = start + offset
    rows = []
    for application, label, program_label in found:
        application_id = application.id or 0
        reason, rank = reasons[application_id], ranks.get(application_id)
        if reason is None:
            values = _entry_values(entry, kind, programs[application.program_id], rank)
            if same_entry(latest_entered(session, application_id), decision_type.id or 0, entry.comment, values):
                reason = DomainError("unchanged", UNCHANGED)
        rows.append(SelectionRow(application_id, label, program_label, reason, rank))
    return rows


def plan_entry(
    session: Session, *, actor: Actor, application_ids: Iterable[int], entry: DecisionEntry, lang: str = "fr"
) -> SelectionReport:
    """What entering ``entry`` on the selection would do, row by row (nothing is written)."""
    decision_type = check_entry(session, entry)
    found, others = _in_scope(session, actor, application_ids, ENTER_ROLES, lang)
    return SelectionReport(_plan_entry_rows(session, found, entry, decision_type), others)


def enter_on_selection(
    session: Session, *, actor: Actor, application_ids: Iterable[int], entry: DecisionEntry, lang: str = "fr"
) -> SelectionReport:
    """Enter ``entry`` on every eligible application of the selection, each in its own savepoint."""
    decision_type = check_entry(session, entry)
    found, others = _in_scope(session, actor, application_ids, ENTER_ROLES, lang)
    lock_programs_of(session, [application.id or 0 for application, _l, _p in found])
    for application, _label, _program in found:
        session.refresh(application)  # re-read under the locks: the plan may be stale
    report = SelectionReport(out_of_scope=others)
    for row in _plan_entry_rows(session, found, entry, decision_type):
        if row.reason is not None:
            report.rows.append(row)
            continue
        try:
            with session.begin_nested():
                enter_decision(
                    session,
                    actor=actor,
                    application_id=row.application_id,
                    decision_type_id=decision_type.id or 0,
                    refusal_reason_id=entry.refusal_reason_id,
                    comment=entry.comment or "",
                    waiting_list_rank=row.rank,
                    preselection_at=entry.preselection_at,
                    preselection_place=(entry.preselection_place or "").strip() or None,
                    overwrite_published=entry.overwrite_published,
                )
        except DomainError as error:
            report.rows.append(SelectionRow(row.application_id, row.label, row.program, error, row.rank))
        else:
            report.rows.append(row)
    _audit_bulk(session, actor, "decision.bulk_entered", report, decision_type=decision_type.code)
    return report


def _audit_bulk(session: Session, actor: Actor, action: str, report: SelectionReport, **extra: Any) -> None:
    """One event for the whole action (each decision also has its own): what was asked, done and skipped."""
    skipped: dict[str, int] = defaultdict(int)
    for row in report.skipped:
        assert row.reason is not None
        skipped[row.reason.code] += 1
    audit(
        session,
        actor=actor,
        action=action,
        entity_type="application_selection",
        entity_id=None,
        after={
            **extra,
            "done": [row.application_id for row in report.acting][:1000],
            "done_count": len(report.acting),
            "skipped": dict(skipped),
            "out_of_scope": report.out_of_scope,
        },
    )


# --- Publishing the entered decisions of a selection ----------------------------------------------------------------


def _plan_publication_rows(session: Session, found: list[tuple[Application, str, str]]) -> list[SelectionRow]:
    """Pending decisions to publish; favourable ones beyond a programme's free places are skipped (by id order)."""
    free: dict[int, int | None] = {}
    rows = []
    for application, label, program_label in found:
        application_id = application.id or 0
        pending = latest_entered(session, application_id)
        reason = _answer_refusal(application)
        if reason is None and (pending is None or pending.published_at is not None):
            reason = DomainError("nothing_pending", NOTHING_PENDING)
        if reason is None and pending is not None and pending.kind == DecisionKind.FAVORABLE:
            program = session.get(Program, application.program_id)
            assert program is not None
            if program.capacity is not None:
                if application.program_id not in free:
                    free[application.program_id] = program.capacity - live_offer_count(session, program.id or 0)
                current = latest_published(session, application_id)
                holds_offer = current is not None and current.kind == DecisionKind.FAVORABLE
                if not holds_offer:  # replacing one's own offer takes no new place
                    places = free[application.program_id] or 0
                    if places <= 0:
                        reason = DomainError("capacity_reached", CAPACITY_REACHED, capacity=program.capacity)
                    else:
                        free[application.program_id] = places - 1
        rows.append(SelectionRow(application_id, label, program_label, reason))
    return rows


def plan_publication(
    session: Session, *, actor: Actor, application_ids: Iterable[int], lang: str = "fr"
) -> SelectionReport:
    """What « Valider » on the selection would publish, row by row (nothing is written)."""
    found, others = _in_scope(session, actor, application_ids, PUBLISH_ROLES, lang)
    return SelectionReport(_plan_publication_rows(session, found), others)


def publish_on_selection(
    session: Session, *, actor: Actor, application_ids: Iterable[int], lang: str = "fr"
) -> SelectionReport:
    """Publish the entered decisions of the selection, each in its own savepoint (mails, deadlines, ranks)."""
    found, others = _in_scope(session, actor, application_ids, PUBLISH_ROLES, lang)
    lock_programs_of(session, [application.id or 0 for application, _l, _p in found])
    for application, _label, _program in found:
        session.refresh(application)
    report = SelectionReport(out_of_scope=others)
    for row in _plan_publication_rows(session, found):
        if row.reason is not None:
            report.rows.append(row)
            continue
        pending = latest_entered(session, row.application_id)
        try:
            if pending is None:
                raise NotFound("decision")
            with session.begin_nested():
                publish_decision(session, actor=actor, decision_id=pending.id or 0)
        except DomainError as error:
            report.rows.append(SelectionRow(row.application_id, row.label, row.program, error))
        else:
            report.rows.append(row)
    _audit_bulk(session, actor, "decision.bulk_published", report)
    return report
