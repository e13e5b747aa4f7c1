"""What the staff decision panel of one application shows: its published and pending decisions, what to choose from.

Read-only; the panel's actions are ``staff_decisions.enter_decision`` and ``publish_decision``.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.models import AnswerKind, Decision, DecisionKind, DecisionType, Program, RefusalReason
from app.services.applications.staff_scope import require_application_in_scope
from app.services.decisions.opinions import OpinionsView, decision_refusal, opinions_view
from app.services.decisions.published import latest_published
from app.services.decisions.staff_decisions import PUBLISH_ROLES, latest_entered
from app.services.platform.actors import Actor
from app.services.platform.labels import label_in


def unpublished_decision(session: Session, application_id: int) -> Decision | None:
    """The decision entered and awaiting publication, if any (for the staff panel)."""
    latest = latest_entered(session, application_id)
    return latest if latest is not None and latest.published_at is None else None


@dataclass(frozen=True)
class DecisionPanelView:
    published: str | None  # label of the latest published decision
    published_kind: DecisionKind | None
    pending_id: int | None  # the decision entered and awaiting « Valider »
    pending: str | None
    types: dict[int, str]  # active decision types: id -> label
    type_kinds: dict[int, DecisionKind]
    reasons: dict[int, str]  # active refusal reasons
    can_publish: bool
    answer: AnswerKind | None
    program_id: int
    has_waiting_list: bool  # the panel links to the programme's waiting list
    pending_kind: DecisionKind | None = None
    opinions: OpinionsView | None = None  # the examining committees' opinions (no lines: none examines it)
    may_decide: bool = True  # False for a member of a committee that only gives its opinion


def decision_panel_view(session: Session, *, actor: Actor, application_id: int, lang: str = "fr") -> DecisionPanelView:
    """The decisions of one application in the actor's scope, and what they may choose from."""
    application, role = require_application_in_scope(session, actor=actor, application_id=application_id)

    published = latest_published(session, application_id)
    pending = unpublished_decision(session, application_id)
    types = session.exec(select(DecisionType).where(col(DecisionType.is_active)).order_by(col(DecisionType.id))).all()
    reasons = session.exec(
        select(RefusalReason).where(col(RefusalReason.is_active)).order_by(col(RefusalReason.id))
    ).all()
    type_labels = {row.id: label_in(row, lang) for row in session.exec(select(DecisionType)).all()}
    program = session.get(Program, application.program_id)
    return DecisionPanelView(
        published=type_labels.get(published.decision_type_id) if published else None,
        published_kind=published.kind if published else None,
        pending_id=pending.id if pending else None,
        pending=type_labels.get(pending.decision_type_id) if pending else None,
        types={row.id or 0: label_in(row, lang) for row in types},
        type_kinds={row.id or 0: row.kind for row in types},
        reasons={row.id or 0: label_in(row, lang) for row in reasons},
        can_publish=role.role in PUBLISH_ROLES and not role.read_only,
        answer=application.answer,
        program_id=application.program_id,
        has_waiting_list=bool(program and program.has_waiting_list),
        pending_kind=pending.kind if pending else None,
        opinions=opinions_view(session, actor=actor, application_id=application_id, lang=lang),
        may_decide=getattr(decision_refusal(session, role, application), "code", None) != "opinion_only",
    )
