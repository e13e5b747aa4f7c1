"""Staff decisions ("avis"): entered one by one or on a selection (``selection``), then published (« Valider »).

Committee members, centre managers, the central office and administrators enter decisions in their scope, once the
committees examining the programme have given their required opinions (``opinions``);
only centre managers, the central office and administrators publish them. Only published decisions reach the
candidate (``applications_views``). A published decision is replaced only when the staff member says so
(``overwrite_published``): a bulk entry skips it. Publishing takes the programme row lock and refuses a
favourable decision that would make the live offers exceed the capacity (see ``waiting_list``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    AnswerKind,
    Application,
    Decision,
    DecisionKind,
    DecisionType,
    Program,
    RefusalReason,
    StaffRole,
)
from app.services.applications.staff_scope import require_application_in_scope, require_row_in_scope
from app.services.decisions.answer_status import move_answer
from app.services.decisions.confirmation_delays import confirmation_deadline
from app.services.decisions.decision_status import enter, publish
from app.services.decisions.opinions import require_opinions_in
from app.services.decisions.published import CHUNK, latest_by_application
from app.services.decisions.waiting_list import (
    letter_attachments,
    live_offer_count,
    lock_application,
    lock_program,
    mail_decision,
    recompute_ranks,
)
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text, column_limit

ENTER_ROLES = (
    StaffRole.ADMINISTRATOR,
    StaffRole.CENTRAL_OFFICE,
    StaffRole.CENTRE_MANAGER,
    StaffRole.COMMITTEE_MEMBER,
)
PUBLISH_ROLES = (StaffRole.ADMINISTRATOR, StaffRole.CENTRAL_OFFICE, StaffRole.CENTRE_MANAGER)

PUBLISHED_EXISTS = N_("Une décision publiée existe déjà pour cette candidature : confirmez son remplacement.")
CAPACITY_REACHED = N_("La capacité d'accueil de la formation ({capacity}) est atteinte : avis favorable refusé.")
WITHDRAWN = N_("Le candidat s'est désisté de cette candidature : aucune décision ne peut plus être saisie.")
CANCELLED = N_("Cette candidature a été annulée.")
PRESELECTION_INVALID = N_("Date et heure de convocation invalides : choisissez-les dans le calendrier.")
PRESELECTION_PAST = N_("La date de convocation est déjà passée : choisissez une date à venir.")
PRESELECTION_FAR = N_("La date de convocation est à plus de deux ans : vérifiez l'année.")
PRESELECTION_HORIZON_DAYS = 730


@dataclass(frozen=True)
class EntryFields:
    """What one decision carries beside its type, as entered (one form, or one row of a bulk entry)."""

    refusal_reason_id: int | None = None
    comment: str = ""
    waiting_list_rank: int | None = None
    preselection_at: datetime | None = None
    preselection_place: str | None = None
    overwrite_published: bool = False


def _check_fields(
    session: Session, decision_type: DecisionType, program: Program, fields: EntryFields
) -> dict[str, Any]:
    """The kind-specific fields, checked; what the Decision row receives."""
    kind = decision_type.kind
    values: dict[str, Any] = {
        "refusal_reason_id": None,
        "waiting_list_rank": None,
        "preselection_at": None,
        "preselection_place": None,
    }
    if kind == DecisionKind.UNFAVORABLE:
        reason = session.get(RefusalReason, fields.refusal_reason_id) if fields.refusal_reason_id else None
        if reason is None or not reason.is_active:
            raise DomainError("reason_required", N_("Choisissez un motif de refus."), field="refusal_reason_id")
        values["refusal_reason_id"] = reason.id
    elif kind == DecisionKind.WAITING_LIST:
        if fields.waiting_list_rank is None or fields.waiting_list_rank < 1:
            raise DomainError("rank_required", N_("Indiquez un rang (1 ou plus)."), field="waiting_list_rank")
        if not program.has_waiting_list:
            raise DomainError("no_waiting_list", N_("Cette formation n'a pas de liste complémentaire."))
        values["waiting_list_rank"] = fields.waiting_list_rank
    elif kind == DecisionKind.PRESELECTION:
        at = fields.preselection_at or program.preselection_at
        place = (fields.preselection_place or program.preselection_place or "").strip()
        if at is None or not place:
            raise DomainError(
                "preselection_required",
                N_("Indiquez la date, l'heure et le lieu de la convocation."),
                field="preselection_at" if at is None else "preselection_place",
            )
        check_preselection_moment(at)
        check_text(place, field="preselection_place", max_length=column_limit(Decision, "preselection_place"))
        values["preselection_at"], values["preselection_place"] = at, place
    return values


def parse_paris_moment(text: str | None) -> datetime | None:
    """« 2026-06-10T09:30 » (a datetime-local input) read in Paris time; None when empty.

    The browser's input only sends this format, but the value is checked here: a forged or mistyped one gets a
    message next to the field rather than an error page."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        raise DomainError("preselection_invalid", PRESELECTION_INVALID, field="preselection_at") from None
    if local.tzinfo is not None:
        return local
    return local.replace(tzinfo=clock.PARIS)


def check_preselection_moment(at: datetime) -> None:
    """A convocation is for later, and within a reasonable horizon (a typo in the year is caught)."""
    if at.tzinfo is None:
        raise ValueError("preselection_at must be timezone-aware")
    now = clock.now()
    if at <= now:
        raise DomainError("preselection_past", PRESELECTION_PAST, field="preselection_at")
    if at > now + timedelta(days=PRESELECTION_HORIZON_DAYS):
        raise DomainError("preselection_far", PRESELECTION_FAR, field="preselection_at")


def same_entry(latest: Decision | None, decision_type_id: int, comment: str, values: dict[str, Any]) -> bool:
    """Whether ``latest`` is an unpublished decision with exactly these values (entering it again changes nothing)."""
    if latest is None or latest.published_at is not None:
        return False
    if latest.decision_type_id != decision_type_id or latest.comment != (comment or "").strip():
        return False
    return all(getattr(latest, name) == value for name, value in values.items())


def latest_entered(session: Session, application_id: int) -> Decision | None:
    return session.exec(
        select(Decision)
        .where(Decision.application_id == application_id)
        .order_by(col(Decision.entered_at).desc(), col(Decision.id).desc())
        .limit(1)
    ).first()


def latest_entered_by_application(session: Session, application_ids: list[int]) -> dict[int, Decision]:
    """``latest_entered`` of many applications (those without a decision are absent), re-read: a colleague may have
    published meanwhile."""
    return latest_by_application(session, application_ids, Decision.entered_at, reread=True)


def check_enterable(application: Application, latest: Decision | None, *, overwrite_published: bool) -> None:
    """A decision may be entered on a live application, over a published one only when told."""
    if application.cancelled_at is not None:
        raise DomainError("cancelled", CANCELLED)
    if application.answer == AnswerKind.WITHDRAWN:
        raise DomainError("withdrawn", WITHDRAWN)
    if latest is not None and latest.published_at is not None and not overwrite_published:
        raise DomainError("published_exists", PUBLISHED_EXISTS)


def enter_decision(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    decision_type_id: int,
    refusal_reason_id: int | None = None,
    comment: str = "",
    waiting_list_rank: int | None = None,
    preselection_at: datetime | None = None,
    preselection_place: str | None = None,
    overwrite_published: bool = False,
) -> Decision:
    """Enter (or replace the unpublished) decision of one application; it stays invisible until published."""
    application, _role = require_application_in_scope(
        session, actor=actor, application_id=application_id, write=True, roles=ENTER_ROLES
    )
    application = lock_application(session, application_id)
    latest = latest_entered(session, application_id)
    check_enterable(application, latest, overwrite_published=overwrite_published)
    require_opinions_in(session, actor=actor, application=application)  # the examining committees' opinions
    decision_type = session.get(DecisionType, decision_type_id)
    if decision_type is None or not decision_type.is_active:
        raise NotFound("decision_type")
    program = session.get(Program, application.program_id)
    assert program is not None
    fields = EntryFields(
        refusal_reason_id, comment, waiting_list_rank, preselection_at, preselection_place, overwrite_published
    )
    decision = stage_entry(
        session,
        actor=actor,
        application=application,
        latest=latest,
        decision_type=decision_type,
        program=program,
        fields=fields,
    )
    if decision is None:
        assert latest is not None
        return latest  # entered already with these values (a double click, a bulk entry run twice): once is enough
    session.flush()
    audit_entry(session, actor=actor, application=application, decision=decision, decision_type=decision_type)
    return decision


def stage_entry(
    session: Session,
    *,
    actor: Actor,
    application: Application,
    latest: Decision | None,
    decision_type: DecisionType,
    program: Program,
    fields: EntryFields,
) -> Decision | None:
    """Check and add the decision of a locked application (not flushed, not audited); None when unchanged.

    Every check runs before the first write, so a refusal leaves the session as it was (a bulk entry goes on)."""
    check_enterable(application, latest, overwrite_published=fields.overwrite_published)
    values = _check_fields(session, decision_type, program, fields)
    comment = check_text((fields.comment or "").strip(), field="comment", max_length=column_limit(Decision, "comment"))
    if same_entry(latest, decision_type.id or 0, comment, values):
        return None
    decision = latest if latest is not None and latest.published_at is None else None
    decision = decision or Decision(application_id=application.id or 0)
    decision.decision_type_id = decision_type.id or 0
    decision.kind = decision_type.kind
    decision.comment = comment
    decision.entered_by_staff_id = actor.staff_id
    decision.entered_at = clock.now()
    for name, value in values.items():
        setattr(decision, name, value)
    enter(decision, application, by=By.STAFF)
    session.add(decision)
    session.add(application)
    return decision


def audit_entry(
    session: Session, *, actor: Actor, application: Application, decision: Decision, decision_type: DecisionType
) -> None:
    """The audit event of an entered (flushed) decision; staff pages are told, the candidate's are not."""
    audit_application(
        session,
        actor,
        application,
        "decision.entered",
        after={"kind": decision.kind.value, "type": decision_type.code, "rank": decision.waiting_list_rank},
        entity=("decision", decision.id),
    )
    notify_candidate(session, application.candidate_id, staff_only=True)  # not published: staff pages only


def lock_programs_of(session: Session, application_ids: list[int]) -> dict[int, Program]:
    """The programmes of a selection, locked in ascending id before any application (the lock order), by id.

    On SQLite this also begins the transaction with a write (a SAVEPOINT opening the transaction would commit on
    RELEASE).
    """
    program_ids = set()
    for start in range(0, len(application_ids), CHUNK):
        chunk = application_ids[start : start + CHUNK]
        program_ids.update(session.exec(select(Application.program_id).where(col(Application.id).in_(chunk))).all())
    return {program_id: lock_program(session, program_id) for program_id in sorted(program_ids)}


def publish_decision(session: Session, *, actor: Actor, decision_id: int) -> Decision:
    """« Valider »: the candidate sees the decision and is mailed; a favourable one gets its deadline."""
    _found, application = require_row_in_scope(
        session, actor=actor, model=Decision, row_id=decision_id, missing="decision", write=True, roles=PUBLISH_ROLES
    )
    program = lock_program(session, application.program_id)  # lock order: programme, then application
    application = lock_application(session, application.id or 0)
    decision = session.exec(
        select(Decision).where(Decision.id == decision_id).execution_options(populate_existing=True)
    ).one()
    if decision.published_at is not None:
        return decision  # published meanwhile (a double click, a colleague): once is enough
    offers = 0
    if decision.kind == DecisionKind.FAVORABLE and program.capacity is not None:
        offers = live_offer_count(session, program.id or 0, excluding=application.id)
    stage_publication(session, actor=actor, program=program, application=application, decision=decision, offers=offers)
    session.flush()
    mail_publication(session, application=application, decision=decision)
    recompute_ranks(session, program.id or 0)
    audit_publication(session, actor=actor, application=application, decision=decision)
    return decision


def stage_publication(
    session: Session, *, actor: Actor, program: Program, application: Application, decision: Decision, offers: int
) -> None:
    """Check and publish the entered decision of a locked application under its programme's lock (not flushed).

    ``offers``: the programme's live offers other than this application's. The waiting list's displayed ranks are
    the caller's to recompute (once per programme). Every check runs before the first write."""
    if application.cancelled_at is not None:
        raise DomainError("cancelled", CANCELLED)
    if application.answer == AnswerKind.WITHDRAWN:
        raise DomainError("withdrawn", WITHDRAWN)
    if decision.kind == DecisionKind.FAVORABLE and program.capacity is not None and offers >= program.capacity:
        raise DomainError("capacity_reached", CAPACITY_REACHED, capacity=program.capacity)
    now = clock.now()
    publish(decision, application, by=By.STAFF, now=now, staff_id=actor.staff_id)
    if decision.kind == DecisionKind.FAVORABLE:
        decision.confirmation_deadline = confirmation_deadline(session, application, program, now)
    session.add(decision)
    application.confirmation_deadline = decision.confirmation_deadline
    application.waiting_list_rank = None  # set by recompute_ranks for a waiting-list decision
    if decision.kind != DecisionKind.FAVORABLE and application.answer is not None:
        move_answer(application, None, by=By.STAFF, now=now)  # the answer belonged to an offer now replaced
    session.add(application)


def mail_publication(session: Session, *, application: Application, decision: Decision) -> None:
    mail_decision(session, application, decision, attachments=letter_attachments(session, application, decision))


def audit_publication(session: Session, *, actor: Actor, application: Application, decision: Decision) -> None:
    """The audit event of a published decision; the candidate's pages are told."""
    audit_application(
        session,
        actor,
        application,
        "decision.published",
        after={"kind": decision.kind.value, "deadline": str(decision.confirmation_deadline)},
        entity=("decision", decision.id),
    )
    notify_candidate(session, application.candidate_id)
