"""A programme's ranking by combined score, and the decisions it proposes: favourable up to the free places, then
the waiting list in rank order, previewed, then entered in one step through the bulk entry of ``decisions.selection``.

Order: combined score, best first; ties by earlier transmission, then by application id (both fixed once the
dossier is transmitted, so the order never depends on the database). Unscored applications come last, unranked,
and are never proposed; nor is an application that already has a decision, entered or published, nor one still
awaiting a required opinion of the programme's examining committees (its decision could not be entered). The entry is
unpublished: publication stays the existing separate step. Centre managers, the central office and administrators
over the programme (``require_program_in_scope``) rank and enter. A row that changed since the preview (a decision
entered meanwhile, a new score, a withdrawal) refuses the whole entry with each row's reason: nothing is entered
on a stale preview, and a second click finds the decisions already there.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import (
    Account,
    AnswerKind,
    Application,
    Campaign,
    Candidate,
    DecisionKind,
    DecisionType,
    Program,
    ScoringCriterion,
    StaffRole,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import require_program_in_scope
from app.services.decisions.opinions import awaited_opinions
from app.services.decisions.selection import DecisionEntry, SelectionReport, audit_bulk, enter_batch
from app.services.decisions.selection_ranks import RankCarry, last_entered_rank
from app.services.decisions.staff_decisions import PUBLISH_ROLES
from app.services.decisions.waiting_list import lock_applications, lock_program
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.labels import label_in

RANK_ROLES = PUBLISH_ROLES
FAVORABLE, WAITING = DecisionKind.FAVORABLE.value, DecisionKind.WAITING_LIST.value
NO_CAPACITY = N_("La capacité d'accueil de la formation n'est pas fixée : renseignez-la avant de proposer des avis.")
NO_TYPE = N_("Aucun type d'avis « {kind} » n'est actif : créez-le avant de proposer des avis.")
NO_PLACE = N_("Aucune place libre, et aucune place demandée en liste complémentaire : rien à proposer.")
NOTHING = N_("Aucune candidature notée et sans avis à proposer.")
CHANGED_DECISION = N_("Un avis a été saisi entre-temps")
CHANGED_SCORE = N_("La note a changé depuis l'aperçu ({before} → {after})")
GONE = N_("Candidature annulée ou désistée entre-temps")
FULL = N_("Les places libres ont changé depuis l'aperçu : {free} au lieu de {wanted}.")
RANKED = N_("Classée depuis l'aperçu parmi les avis proposés (une note a changé)")
STALE = N_("Des candidatures ont changé depuis l'aperçu : rien n'a été saisi. Vérifiez et proposez à nouveau.")


@dataclass(frozen=True)
class RankedRow:
    application_id: int
    label: str  # « T0000012 — DUPONT Jean »
    score: float | None
    position: int | None  # 1, 2… among the scored; None unscored
    decision: DecisionKind | None  # the latest decision's kind, entered or published
    published: bool
    awaiting: tuple[str, ...] = ()  # required examining committees whose opinion is still missing: not proposed


@dataclass
class Ranking:
    program_id: int
    program: str
    capacity: int | None
    has_waiting_list: bool
    favourable: int  # live applications whose latest decision is favourable, entered or published
    rows: list[RankedRow]

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.favourable, 0)


@dataclass(frozen=True)
class ProposedRow:
    application_id: int
    label: str
    score: float
    kind: str  # FAVORABLE or WAITING
    waiting_rank: int | None = None


@dataclass
class Proposal:
    rows: list[ProposedRow] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)


def _live(program_id: int) -> list:
    withdrawn = sa.and_(col(Application.answer).is_not(None), Application.answer == AnswerKind.WITHDRAWN)
    return [Application.program_id == program_id, col(Application.cancelled_at).is_(None), sa.not_(withdrawn)]


def program_ranking(session: Session, *, actor: Actor, program_id: int, lang: str = "fr") -> Ranking:
    program, _role = require_program_in_scope(session, actor=actor, program_id=program_id, roles=RANK_ROLES)
    found = session.exec(
        select(Application, Account.dossier_number, Candidate.birth_name, Candidate.first_names)
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .join(Account, col(Account.id) == col(Candidate.account_id))
        .where(*_live(program_id))
        .order_by(
            col(Application.score).desc().nulls_last(),
            col(Application.transmitted_at).asc().nulls_last(),
            col(Application.id),
        )
    ).all()
    rows, favourable = [], 0
    awaited = awaited_opinions(session, [application for application, *_names in found], lang)
    for index, (application, number, birth_name, first_names) in enumerate(found, start=1):
        favourable += application.last_decision_kind == DecisionKind.FAVORABLE
        rows.append(
            RankedRow(
                application.id or 0,
                f"{number} — {birth_name} {first_names}".strip(),
                application.score,
                index if application.score is not None else None,
                application.last_decision_kind,
                application.last_decision_published,
                tuple(awaited.get(application.id or 0, ())),
            )
        )
    title = label_in(program, lang)
    return Ranking(program_id, title, program.capacity, program.has_waiting_list, favourable, rows)


def propose(
    session: Session, *, actor: Actor, program_id: int, waiting_places: int, excluded: set[int], lang: str = "fr"
) -> Proposal:
    """The preview: favourable up to the free places, then ``waiting_places`` on the waiting list (nothing written)."""
    view = program_ranking(session, actor=actor, program_id=program_id, lang=lang)
    if view.free_places is None:
        raise DomainError("no_capacity", NO_CAPACITY)
    if waiting_places < 0 or (waiting_places and not view.has_waiting_list):
        raise DomainError("bad_places", N_("Nombre de places en liste complémentaire invalide."), field="waiting")
    # The decision could not be entered while a required opinion is missing (decisions/opinions.py): not proposed.
    eligible = [r for r in view.rows if r.score is not None and r.decision is None and not r.awaiting]
    proposal = Proposal(excluded=sorted(r.application_id for r in eligible if r.application_id in excluded))
    eligible = [r for r in eligible if r.application_id not in excluded]
    if not eligible:
        raise DomainError("nothing", NOTHING)
    free = view.free_places
    next_rank = last_entered_rank(session, program_id, {r.application_id for r in eligible}) + 1
    for row in eligible[: free + waiting_places]:
        assert row.score is not None
        if len(proposal.rows) < free:
            proposal.rows.append(ProposedRow(row.application_id, row.label, row.score, FAVORABLE))
        else:
            proposal.rows.append(ProposedRow(row.application_id, row.label, row.score, WAITING, next_rank))
            next_rank += 1
    if not proposal.rows:
        raise DomainError("no_place", NO_PLACE)
    return proposal


@dataclass
class EntryResult:
    favourable: int = 0
    waiting: int = 0
    refused: list[tuple[str, DomainError]] = field(default_factory=list)  # (label, reason): nothing was entered


def _type_of(session: Session, program: Program, kind: DecisionKind, label: str) -> int:
    if kind == DecisionKind.FAVORABLE and program.favorable_decision_type_id:
        return program.favorable_decision_type_id
    found = session.exec(
        select(DecisionType.id).where(DecisionType.kind == kind, col(DecisionType.is_active)).order_by(DecisionType.id)
    ).first()
    if found is None:
        raise DomainError("no_decision_type", NO_TYPE, kind=label)
    return found


def _stale(application: Application | None, row: ProposedRow, program_id: int) -> DomainError | None:
    """Why ``row`` no longer holds as previewed (None: unchanged)."""
    if application is None or application.program_id != program_id or application.cancelled_at is not None:
        return DomainError("gone", GONE)
    if application.answer == AnswerKind.WITHDRAWN:
        return DomainError("gone", GONE)
    if application.last_decision_kind is not None:
        return DomainError("decided", CHANGED_DECISION)
    if application.score != row.score:
        return DomainError("score_changed", CHANGED_SCORE, before=row.score, after=application.score or "—")
    return None


def _refusals(
    session: Session, actor: Actor, program_id: int, rows: list[ProposedRow], asked: tuple[int, set[int]], lang: str
) -> list[tuple[str, DomainError]]:
    """Each previewed row that changed, then each application the same proposal would now take instead."""
    locked = lock_applications(session, [row.application_id for row in rows])
    refused = []
    for row in rows:
        reason = _stale(locked.get(row.application_id), row, program_id)
        if reason is not None:
            refused.append((row.label, reason))
    if refused:
        return refused
    fresh = propose(session, actor=actor, program_id=program_id, waiting_places=asked[0], excluded=asked[1], lang=lang)
    previewed = {(row.application_id, row.kind) for row in rows}
    return [
        (row.label, DomainError("ranked", RANKED))
        for row in fresh.rows
        if (row.application_id, row.kind) not in previewed
    ]


def enter_proposal(
    session: Session,
    *,
    actor: Actor,
    program_id: int,
    rows: list[ProposedRow],
    waiting_places: int,
    excluded: set[int],
    lang: str = "fr",
) -> EntryResult:
    """Enter the previewed decisions in the caller's transaction, all of them or, if one row changed, none.

    ``waiting_places`` and ``excluded`` are what the preview was asked with: the same proposal made again now must
    give the same rows (a score raised outside the preview moves the ranking too)."""
    require_program_in_scope(session, actor=actor, program_id=program_id, roles=RANK_ROLES, write=True)
    if not rows:
        raise DomainError("nothing", NOTHING)
    program = lock_program(session, program_id)
    result = EntryResult(refused=_refusals(session, actor, program_id, rows, (waiting_places, excluded), lang))
    if result.refused:
        return result
    favourable = [row.application_id for row in rows if row.kind == FAVORABLE]
    waiting = [row.application_id for row in rows if row.kind == WAITING]
    if favourable:
        kind_id = _type_of(session, program, DecisionKind.FAVORABLE, N_("Favorable"))
        report = enter_batch(session, actor=actor, application_ids=favourable,
                             entry=DecisionEntry(decision_type_id=kind_id), lang=lang)  # fmt: skip
        result.favourable = _all_done(report, "decision.ranking_entered", session, actor, kind_id)
    if waiting:
        kind_id = _type_of(session, program, DecisionKind.WAITING_LIST, N_("Liste complémentaire"))
        carry = RankCarry(selected=set(waiting), order={app_id: index for index, app_id in enumerate(waiting)})
        report = enter_batch(session, actor=actor, application_ids=waiting, lang=lang, carry=carry,
                             entry=DecisionEntry(decision_type_id=kind_id, rank_rule="after_last"))  # fmt: skip
        result.waiting = _all_done(report, "decision.ranking_entered", session, actor, kind_id)
    return result


def _all_done(report: SelectionReport, action: str, session: Session, actor: Actor, kind_id: int) -> int:
    """Every row was entered, or the whole step rolls back with the first row's reason (one step, all or none)."""
    if report.skipped or report.out_of_scope:
        first = report.skipped[0].reason if report.skipped else None
        raise first or DomainError("stale", STALE)
    audit_bulk(session, actor, action, report, decision_type_id=kind_id, source="ranking")
    return len(report.acting)


def programs_to_rank(session: Session, *, actor: Actor, lang: str = "fr") -> list[tuple[int, str, int, int]]:
    """(id, label, scored, live applications) of the active campaign's programmes with a grid the role may rank."""
    role = current_role(session, actor=actor)
    if role.role not in RANK_ROLES:
        return []
    graded = select(ScoringCriterion.program_id).where(col(ScoringCriterion.is_active))
    statement = (
        select(Program)
        .join(Campaign, col(Campaign.id) == col(Program.campaign_id))
        .where(col(Campaign.is_active), col(Program.id).in_(graded))
    )
    if role.role == StaffRole.CENTRE_MANAGER:
        statement = statement.where(Program.centre_id == role.centre_id)
    programs = session.exec(statement.order_by(col(Program.label_fr), col(Program.id))).all()
    counts = {
        program_id: (scored, total)
        for program_id, scored, total in session.exec(
            select(Application.program_id, sa.func.count(col(Application.score)), sa.func.count())
            .where(col(Application.program_id).in_([p.id for p in programs]), col(Application.cancelled_at).is_(None))
            .group_by(col(Application.program_id))
        ).all()
    }
    return [(p.id or 0, label_in(p, lang), *counts.get(p.id or 0, (0, 0))) for p in programs]
