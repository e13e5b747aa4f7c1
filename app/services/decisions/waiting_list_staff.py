"""The staff view of a programme's waiting list, and calling its next candidate by hand.

The list calls itself when an offer is withdrawn (``waiting_list.call_waiting_list``). A place can also free up
without a withdrawal — the capacity was raised, an offer was replaced by another decision — and some centres
prefer to call by hand: managers of the programme's centre, the central office and administrators may then
call the next candidate, one at a time, under the programme lock, never beyond the capacity. Committee members
of the programme's committee see the list; nobody else learns that it exists.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import (
    Account,
    AnswerKind,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    Decision,
    DecisionKind,
    DecisionType,
    Program,
    StaffRole,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import program_scope, require_program_in_scope
from app.services.decisions.published import latest_published_column
from app.services.decisions.waiting_list import (
    call_waiting_list,
    last_called_rank,
    live_offer_count,
    lock_program,
    waiting_ids,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit
from app.services.platform.errors import DomainError
from app.services.platform.labels import label_in

CALL_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.CENTRE_MANAGER)
NO_LIST = N_("Cette formation n'a pas de liste complémentaire.")
NO_CAPACITY = N_("La capacité d'accueil de la formation n'est pas fixée : renseignez-la avant d'appeler la liste.")
FULL = N_(
    "Aucune place libre : la capacité d'accueil ({capacity}) est atteinte par les propositions en cours ({offers})."
)
NOBODY = N_("Personne n'attend sur la liste complémentaire.")
NO_CALL_TYPE = N_("Aucun type d'avis favorable n'est défini pour les appels de cette formation.")
CHANGED = N_("La liste complémentaire a changé entre-temps : la page a été mise à jour, vérifiez avant d'appeler.")


@dataclass(frozen=True)
class ListedCandidate:
    application_id: int
    dossier_number: str
    name: str
    entered_rank: int | None  # the rank the committee gave
    displayed_rank: int | None  # the rank the candidate sees (never goes back up)
    called_at: datetime | None
    deadline: datetime | None
    answer: AnswerKind | None
    answer_at: datetime | None


@dataclass(frozen=True)
class WaitingListOverview:
    program_id: int
    program: str
    centre: str
    capacity: int | None
    live_offers: int
    free_places: int | None
    has_waiting_list: bool
    call_type: str | None
    last_called_rank: int | None
    waiting: list[ListedCandidate]
    called: list[ListedCandidate]
    offers: list[ListedCandidate]  # live offers (main list and calls), their deadlines and answers
    can_call: bool  # the actor's role may call by hand
    next_application_id: int | None  # who a manual call would reach now (None: nobody, or no free place)


def _people(session: Session, where: list[Any], order: list[Any]) -> list[tuple[Application, str, str, str]]:
    return [
        (application, number, birth, first)
        for application, number, birth, first in session.exec(
            select(Application, Account.dossier_number, Candidate.birth_name, Candidate.first_names)
            .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
            .join(Account, col(Account.id) == col(Candidate.account_id))
            .where(*where)
            .order_by(*order)
        ).all()
    ]


def _entered_ranks(session: Session, application_ids: list[int]) -> dict[int, int]:
    """The latest published waiting-list rank of each application (kept after a call)."""
    if not application_ids:
        return {}
    ranks: dict[int, int] = {}
    for application_id, rank in session.exec(
        select(Decision.application_id, Decision.waiting_list_rank)
        .where(
            col(Decision.application_id).in_(application_ids),
            Decision.kind == DecisionKind.WAITING_LIST,
            col(Decision.published_at).is_not(None),
        )
        .order_by(col(Decision.published_at), col(Decision.id))
    ).all():
        if rank is not None:
            ranks[application_id] = rank  # later rows overwrite: the latest wins
    return ranks


def _listed(row: tuple[Application, str, str, str], ranks: dict[int, int]) -> ListedCandidate:
    application, number, birth, first = row
    return ListedCandidate(
        application_id=application.id or 0,
        dossier_number=number,
        name=f"{birth} {first}".strip(),
        entered_rank=ranks.get(application.id or 0),
        displayed_rank=application.waiting_list_rank,
        called_at=application.called_from_waiting_list_at,
        deadline=application.confirmation_by_override or application.confirmation_deadline,
        answer=application.answer,
        answer_at=application.answer_at,
    )


def waiting_list_overview(session: Session, *, actor: Actor, program_id: int, lang: str = "fr") -> WaitingListOverview:
    """The ranked list, the calls made (when, deadline, answer), the capacity and the live offers of a programme."""
    program, role = require_program_in_scope(session, actor=actor, program_id=program_id)
    centre = session.get(ApplicationCentre, program.centre_id)
    waiting = waiting_ids(session, program_id)
    order = {application_id: index for index, application_id in enumerate(waiting)}
    waiting_rows = sorted(
        _people(session, [col(Application.id).in_(waiting)], [col(Application.id)]) if waiting else [],
        key=lambda row: order[row[0].id or 0],
    )
    called_rows = _people(
        session,
        [Application.program_id == program_id, col(Application.called_from_waiting_list_at).is_not(None)],
        [col(Application.called_from_waiting_list_at), col(Application.id)],
    )
    offer_rows = _people(
        session,
        [
            Application.program_id == program_id,
            col(Application.cancelled_at).is_(None),
            sa.or_(col(Application.answer).is_(None), Application.answer != AnswerKind.WITHDRAWN),
            latest_published_column(Decision.kind) == DecisionKind.FAVORABLE,
        ],
        [col(Application.confirmation_deadline), col(Application.id)],
    )
    ranks = _entered_ranks(session, [row[0].id or 0 for row in waiting_rows + called_rows])
    offers = live_offer_count(session, program_id)
    free = None if program.capacity is None else max(0, program.capacity - offers)
    call_type_id = program.waiting_list_call_decision_type_id or program.favorable_decision_type_id
    call_type = session.get(DecisionType, call_type_id) if call_type_id else None
    can_call = role.role in CALL_ROLES and not role.read_only and not actor.read_only
    callable_now = bool(program.has_waiting_list and free and call_type and waiting)
    return WaitingListOverview(
        program_id=program_id,
        program=label_in(program, lang),
        centre=label_in(centre, lang) if centre else "",
        capacity=program.capacity,
        live_offers=offers,
        free_places=free,
        has_waiting_list=program.has_waiting_list,
        call_type=label_in(call_type, lang) if call_type else None,
        last_called_rank=last_called_rank(session, program_id),
        waiting=[_listed(row, ranks) for row in waiting_rows],
        called=[_listed(row, ranks) for row in called_rows],
        offers=[_listed(row, ranks) for row in offer_rows],
        can_call=can_call,
        next_application_id=waiting[0] if callable_now else None,
    )


def call_next_candidate(session: Session, *, actor: Actor, program_id: int, expected_application_id: int) -> int:
    """Call the best-ranked waiting candidate by hand; ``expected_application_id`` is who the screen showed.

    A second click (or a colleague's call, or an automatic one) changes who is next: the call is then refused
    and the screen reloads, so one click never calls two candidates.
    """
    program, _role = require_program_in_scope(session, actor=actor, program_id=program_id, roles=CALL_ROLES, write=True)
    program = lock_program(session, program_id)
    if not program.has_waiting_list:
        raise DomainError("no_waiting_list", NO_LIST)
    if program.capacity is None:
        raise DomainError("no_capacity", NO_CAPACITY)
    offers = live_offer_count(session, program_id)
    if offers >= program.capacity:
        raise DomainError("capacity_reached", FULL, offers=offers, capacity=program.capacity)
    if (program.waiting_list_call_decision_type_id or program.favorable_decision_type_id) is None:
        raise DomainError("no_call_type", NO_CALL_TYPE)
    waiting = waiting_ids(session, program_id)
    if not waiting:
        raise DomainError("nobody_waiting", NOBODY)
    if waiting[0] != expected_application_id:
        raise DomainError("list_changed", CHANGED)
    called = call_waiting_list(session, program_id, actor=actor, limit=1)
    if not called:
        raise DomainError("list_changed", CHANGED)
    audit(
        session,
        actor=actor,
        action="waiting_list.called_by_hand",
        entity_type="program",
        entity_id=program_id,
        application_id=called[0],
        after={"application_id": called[0], "live_offers_before": offers, "capacity": program.capacity},
    )
    return called[0]


def programs_with_waiting_list(session: Session, *, actor: Actor, lang: str = "fr") -> list[tuple[int, str, int]]:
    """(id, label, number waiting) of the programmes with a waiting list that the actor's role covers."""
    role = current_role(session, actor=actor)
    statement = (
        select(Program)
        .join(Campaign, col(Campaign.id) == col(Program.campaign_id))
        .where(col(Program.has_waiting_list), col(Campaign.is_active), program_scope(role))
    )
    result = []
    for program in session.exec(statement.order_by(col(Program.label_fr))).all():
        result.append((program.id or 0, label_in(program, lang), len(waiting_ids(session, program.id or 0))))
    return result
