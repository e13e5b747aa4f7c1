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
from typing import Any

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
from app.services.accounts.staff_roles import RoleView, current_role
from app.services.applications.staff_scope import scope_filter
from app.services.decisions.opinions import decision_refusal
from app.services.decisions.published import CHUNK
from app.services.decisions.selection_loads import campaign_refusals
from app.services.decisions.selection_ranks import RankCarry, RankRule, waiting_ranks
from app.services.decisions.staff_decisions import (
    CANCELLED,
    ENTER_ROLES,
    PUBLISH_ROLES,
    WITHDRAWN,
    EntryFields,
    audit_entry,
    check_preselection_moment,
    latest_entered_by_application,
    lock_programs_of,
    parse_paris_moment,
    same_entry,
    stage_entry,
)
from app.services.decisions.waiting_list import lock_applications
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError, Forbidden
from app.services.platform.labels import label_in

PUBLISHED_KEPT = N_("Décision déjà publiée (protégée : cochez « Remplacer les décisions publiées » pour la remplacer)")
UNCHANGED = N_("Cette décision est déjà saisie à l'identique")
NO_WAITING_LIST = N_("La formation n'a pas de liste complémentaire")
NO_PRESELECTION = N_("Ni la décision ni la formation n'indiquent la date et le lieu de convocation")
NOTHING_PENDING = N_("Aucune décision saisie en attente de publication")
EMPTY_SELECTION = N_("La sélection est vide : cochez des candidatures dans la liste.")


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

    def fields(self, rank: int | None) -> EntryFields:
        """What one row of the selection is entered with (``rank``: its waiting-list rank, if any)."""
        place = (self.preselection_place or "").strip() or None
        return EntryFields(
            self.refusal_reason_id, self.comment or "", rank, self.preselection_at, place, self.overwrite_published
        )


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

    types = session.exec(select(DecisionType).where(col(DecisionType.is_active)).order_by(col(DecisionType.id))).all()
    reasons = session.exec(
        select(RefusalReason).where(col(RefusalReason.is_active)).order_by(col(RefusalReason.id))
    ).all()
    return (
        {row.id or 0: label_in(row, lang) for row in types},
        {row.id or 0: row.kind for row in types},
        {row.id or 0: label_in(row, lang) for row in reasons},
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


def rows_in_scope(
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
            title = label_in(program, lang)
            found.append((application, label, title))
    return found, len(wanted) - len(found)


def answer_refusal(application: Application) -> DomainError | None:
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


def _entry_refusal(
    application: Application, latest: Decision | None, entry: DecisionEntry, kind: DecisionKind, program: Program
) -> DomainError | None:
    reason = answer_refusal(application)
    if reason is None and latest is not None and latest.published_at is not None and not entry.overwrite_published:
        reason = DomainError("published_exists", PUBLISHED_KEPT)
    if reason is None and kind == DecisionKind.WAITING_LIST and not program.has_waiting_list:
        reason = DomainError("no_waiting_list", NO_WAITING_LIST)
    if reason is None and kind == DecisionKind.PRESELECTION:
        values = _entry_values(entry, kind, program, None)
        if values["preselection_at"] is None or not values["preselection_place"]:
            reason = DomainError("preselection_required", NO_PRESELECTION)
    return reason


def _plan_entry_rows(
    session: Session,
    found: list[tuple[Application, str, str]],
    entry: DecisionEntry,
    decision_type: DecisionType,
    carry: RankCarry | None = None,
    *,
    role: RoleView,
) -> tuple[list[SelectionRow], dict[int, Decision]]:
    """The rows of the plan, and the latest decision of each application (what the entry replaces)."""
    kind = decision_type.kind
    latest = latest_entered_by_application(session, [application.id or 0 for application, _l, _p in found])
    eligible: dict[int, list[Application]] = defaultdict(list)
    reasons: dict[int, DomainError | None] = {}
    for application, _label, _program in found:
        program = session.get(Program, application.program_id)  # the identity map answers after the first
        assert program is not None
        reason = _entry_refusal(application, latest.get(application.id or 0), entry, kind, program)
        reason = reason or decision_refusal(session, role, application)  # the examining committees' opinions
        reasons[application.id or 0] = reason
        if reason is None:
            eligible[application.program_id].append(application)
    carry = carry or RankCarry(selected={application.id or 0 for application, _l, _p in found})
    ranks: dict[int, int] = {}
    if kind == DecisionKind.WAITING_LIST:
        ranks = waiting_ranks(session, eligible, rank_rule=entry.rank_rule, rank_start=entry.rank_start, carry=carry)
    rows = []
    for application, label, program_label in found:
        application_id = application.id or 0
        reason, rank = reasons[application_id], ranks.get(application_id)
        if reason is None:
            program = session.get(Program, application.program_id)
            assert program is not None
            values = _entry_values(entry, kind, program, rank)
            if same_entry(latest.get(application_id), decision_type.id or 0, entry.comment, values):
                reason = DomainError("unchanged", UNCHANGED)
        rows.append(SelectionRow(application_id, label, program_label, reason, rank))
    return rows, latest


def plan_entry(
    session: Session, *, actor: Actor, application_ids: Iterable[int], entry: DecisionEntry, lang: str = "fr"
) -> SelectionReport:
    """What entering ``entry`` on the selection would do, row by row (nothing is written)."""
    decision_type = check_entry(session, entry)
    found, others = rows_in_scope(session, actor, application_ids, ENTER_ROLES, lang)
    role = current_role(session, actor=actor)
    return SelectionReport(_plan_entry_rows(session, found, entry, decision_type, role=role)[0], others)


def enter_on_selection(
    session: Session, *, actor: Actor, application_ids: Iterable[int], entry: DecisionEntry, lang: str = "fr"
) -> SelectionReport:
    """Enter ``entry`` on every eligible application of the selection; a refused one is skipped with its reason."""
    decision_type = check_entry(session, entry)
    report = enter_batch(session, actor=actor, application_ids=application_ids, entry=entry, lang=lang)
    audit_bulk(session, actor, "decision.bulk_entered", report, decision_type=decision_type.code)
    return report


def enter_batch(
    session: Session,
    *,
    actor: Actor,
    application_ids: Iterable[int],
    entry: DecisionEntry,
    lang: str = "fr",
    carry: RankCarry | None = None,
) -> SelectionReport:
    """``enter_on_selection`` without its summary event: one batch of a selection (``carry``: its ranks so far).

    The programmes, then the applications are locked and re-read (the plan may be stale); what each decision
    needs is loaded in a few queries, the rows are written in one flush, then audited."""
    decision_type = check_entry(session, entry)
    found, others = rows_in_scope(session, actor, application_ids, ENTER_ROLES, lang)
    ids = [application.id or 0 for application, _l, _p in found]
    programs = lock_programs_of(session, ids)
    locked = lock_applications(session, ids)
    found = [(locked[application.id or 0], label, title) for application, label, title in found]
    refusals = campaign_refusals(session, [application for application, _l, _p in found])
    planned, latest = _plan_entry_rows(
        session, found, entry, decision_type, carry, role=current_role(session, actor=actor)
    )
    report, staged = SelectionReport(out_of_scope=others), []
    held = [session.get(RefusalReason, entry.refusal_reason_id)] if entry.refusal_reason_id else []  # read per row
    for row in planned:
        application = locked[row.application_id]
        reason = row.reason or refusals.get(application.campaign_id)
        if reason is None:
            try:
                decision = stage_entry(
                    session,
                    actor=actor,
                    application=application,
                    latest=latest.get(row.application_id),
                    decision_type=decision_type,
                    program=programs[application.program_id],
                    fields=entry.fields(row.rank),
                )
            except DomainError as error:
                reason = error
            else:
                staged += [(application, decision)] if decision is not None else []
        report.rows.append(SelectionRow(row.application_id, row.label, row.program, reason, row.rank))
    del held  # the identity map keeps rows weakly: held until every row was checked
    session.flush()  # the new rows get their ids in one statement per table
    for application, decision in staged:
        audit_entry(session, actor=actor, application=application, decision=decision, decision_type=decision_type)
    return report


def audit_bulk(session: Session, actor: Actor, action: str, report: SelectionReport, **extra: Any) -> None:
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
