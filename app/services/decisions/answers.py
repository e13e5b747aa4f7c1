"""The candidate's answer to an offer: « Confirmer » or « Se désister », and what the « Répondre » section shows.

Both actions lock the candidate row, then (withdrawal) the programme row, then the application row — the lock
order of ``waiting_list``. A second identical answer (a double click) finds the answer recorded and returns
the application unchanged: one CandidateAnswer, one mail. A withdrawal is irreversible, possible after
confirming and after the deadline; a confirmation is refused after the deadline. Withdrawing an offer calls
the programme's waiting list in the same transaction.

Campaign option ``definitive_acceptance`` (Mon Master's rule, off by default): a definitive confirmation
withdraws the candidate's other live applications; a provisional acceptance (« accepter en attendant mieux »)
replaces the previous provisional one, so at most one is held at a time. A provisional acceptance holds the
place only until the offer's confirmation deadline: the candidate makes it definitive (« Confirmer ») before
then, is reminded before it, and is withdrawn automatically after it (``decision_jobs``).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import clock
from app.i18n import N_
from app.models import (
    AnswerKind,
    Application,
    Campaign,
    CandidateAnswer,
    Decision,
    DecisionKind,
)
from app.services.applications.actions import (
    days_left,
    own_application,
    own_candidate,
)
from app.services.applications.mails import alert_committees, candidate_link, mail_candidate, mail_parties
from app.services.decisions.answer_status import move_answer
from app.services.decisions.published import latest_published
from app.services.decisions.waiting_list import (
    call_waiting_list,
    lock_application,
    lock_program,
    recompute_ranks,
    waiting_list_position,
)
from app.services.handoff.enrolment import follow_answer
from app.services.platform import read_only
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.lifecycle import By
from app.services.platform.notifications import notify_candidate
from app.services.platform.text_rules import check_text, column_limit

NO_OFFER = N_("Aucune proposition d'admission n'attend votre réponse pour cette candidature.")
DEADLINE_PASSED = N_("La date limite de confirmation est dépassée : vous ne pouvez plus confirmer.")
ALREADY_WITHDRAWN = N_("Vous vous êtes désisté de cette candidature : ce choix est définitif.")
NOT_ON_WAITING_LIST = N_("Cette candidature n'est plus sur la liste complémentaire : il n'y a rien à quitter.")
NO_PROVISIONAL = N_("L'acceptation provisoire n'est pas proposée pour cette campagne.")
OTHER_APPLICATION_REASON = N_("Acceptation définitive d'une autre proposition")
PROVISIONAL_REPLACED_REASON = N_("Acceptation d'une autre proposition")


def effective_deadline(application: Application) -> datetime | None:
    return application.confirmation_by_override or application.confirmation_deadline


def _holds_offer(session: Session, application: Application) -> bool:
    decision = latest_published(session, application.id or 0)
    return decision is not None and decision.kind == DecisionKind.FAVORABLE


def _on_waiting_list(application: Application, latest: Decision | None) -> bool:
    """Still waiting on a published list (``latest``: its latest published decision), the complementary list
    (ranked) or the waiting list (« liste d'attente », unranked): neither called, nor answered, nor cancelled."""
    if application.answer is not None or application.cancelled_at is not None:
        return False
    if application.called_from_waiting_list_at is not None:
        return False
    return latest is not None and latest.kind in (DecisionKind.WAITING_LIST, DecisionKind.ON_HOLD)


def mail_answer(
    session: Session, application: Application, code: str, *, reason: str = "", alert: bool = False
) -> None:
    parties = mail_parties(session, application)
    context: dict[str, Any] = {}
    if code == "application_withdrawn_automatically":
        context["deadline"] = effective_deadline(application)
    if code == "application_confirmed":
        context["provisional"] = application.answer == AnswerKind.PROVISIONAL
        context["deadline"] = effective_deadline(application)
    if code in ("confirmation_reminder", "provisional_acceptance_reminder", "provisional_acceptance_expired"):
        context["deadline"] = effective_deadline(application)
    if code in ("confirmation_reminder", "provisional_acceptance_reminder"):
        context["link"] = candidate_link(application)
    on_hold = application.last_decision_kind == DecisionKind.ON_HOLD  # the list left: « liste d'attente »
    if code == "waiting_list_left":
        context["on_hold"] = on_hold
    mail_candidate(session, parties, code, context)
    if alert:
        context = {"reason": reason, "from_waiting_list": code == "waiting_list_left", "on_hold": on_hold}
        alert_committees(session, parties, "alert_on_withdrawal", "committee_withdrawal", context)


def _record(
    session: Session, application: Application, kind: AnswerKind, actor: Actor, *, reason: str, automatic: bool
) -> None:
    now = clock.now()
    session.add(
        CandidateAnswer(
            application_id=application.id or 0,
            kind=kind,
            at=now,
            by_account_id=actor.account_id if actor.kind == "candidate" else None,
            by_staff_id=actor.staff_id if actor.kind == "staff" else None,
            automatic=automatic,
            reason=reason[:1000],
        )
    )
    before = move_answer(application, kind, by=By.of(actor), now=now)
    if kind == AnswerKind.WITHDRAWN:
        application.waiting_list_rank = None
    session.add(application)
    session.flush()
    follow_answer(session, application)  # the enrolment hand-off follows the answer (eCandidat's #117)
    audit_application(
        session,
        actor,
        application,
        f"application.answer.{kind.value}",
        before={"answer": before.value if before else None},
        after={"answer": kind.value, "automatic": automatic, "reason": reason[:200]},
    )
    notify_candidate(session, application.candidate_id)


def withdraw_locked(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    reason: str = "",
    automatic: bool = False,
    mail_code: str | None = None,
) -> Application:
    """Withdraw one application (programme lock, then application lock), then call its waiting list if it held an
    offer. Shared by the candidate, the definitive acceptance and the deadline job; no rights checked here.
    ``mail_code`` replaces the candidate's usual withdrawal mail (an expired provisional acceptance)."""
    program_id = session.exec(select(Application.program_id).where(Application.id == application_id)).one()
    lock_program(session, program_id)
    application = lock_application(session, application_id)
    if application.answer == AnswerKind.WITHDRAWN:
        return application  # already withdrawn (a double click, or the job and the candidate at once)
    held_offer = _holds_offer(session, application)
    _record(session, application, AnswerKind.WITHDRAWN, actor, reason=reason, automatic=automatic)
    code = mail_code or ("application_withdrawn_automatically" if automatic else "application_withdrawn")
    mail_answer(session, application, code, reason=reason, alert=True)
    if held_offer:
        call_waiting_list(session, program_id, actor=actor)
    else:
        recompute_ranks(session, program_id)  # it may have left the waiting list
    return application


def withdraw(session: Session, *, actor: Actor, application_id: int, reason: str = "") -> Application:
    """« Se désister » of an offer: irreversible; possible after confirming, and after the deadline."""
    read_only.allow(session, "answer")  # never refused on results day (app.services.platform.read_only)
    reason = check_text((reason or "").strip(), field="reason", max_length=column_limit(CandidateAnswer, "reason"))
    own_candidate(session, actor, write=True, lock=True)  # one candidate's answers one at a time
    _, application = own_application(session, actor, application_id, write=True)
    if application.answer == AnswerKind.WITHDRAWN:
        return application
    if not _holds_offer(session, application):
        raise DomainError("no_offer", NO_OFFER)
    return withdraw_locked(session, actor=actor, application_id=application_id, reason=reason)


def leave_waiting_list(session: Session, *, actor: Actor, application_id: int, reason: str = "") -> Application:
    """« Me retirer de la liste complémentaire »: the candidate gives up their place on the waiting list. The same
    irreversible answer as a withdrawal (Désisté, no answer → Désisté in ``answer_status``), its own mail; the
    committee is alerted as for a withdrawal and the ranks of those still waiting move up."""
    read_only.allow(session, "answer")  # never refused on results day (app.services.platform.read_only)
    reason = check_text((reason or "").strip(), field="reason", max_length=column_limit(CandidateAnswer, "reason"))
    own_candidate(session, actor, write=True, lock=True)
    _, application = own_application(session, actor, application_id, write=True)
    if application.answer == AnswerKind.WITHDRAWN:
        return application  # a double click: left once
    lock_program(session, application.program_id)  # a call cannot turn the place into an offer meanwhile
    application = lock_application(session, application_id)
    if not _on_waiting_list(application, latest_published(session, application_id)):
        raise DomainError("not_on_waiting_list", NOT_ON_WAITING_LIST)
    return withdraw_locked(
        session, actor=actor, application_id=application_id, reason=reason, mail_code="waiting_list_left"
    )


def confirm_offer(session: Session, *, actor: Actor, application_id: int, provisional: bool = False) -> Application:
    """« Confirmer » an offer before its deadline (``provisional``: accept while waiting for better offers)."""
    read_only.allow(session, "answer")  # never refused on results day (app.services.platform.read_only)
    candidate, application = own_application(session, actor, application_id, write=True)
    own_candidate(session, actor, write=True, lock=True)
    application = lock_application(session, application.id or 0)
    if application.cancelled_at is not None:
        raise NotFound("application")
    if application.answer == AnswerKind.WITHDRAWN:
        raise DomainError("already_withdrawn", ALREADY_WITHDRAWN)
    wanted = AnswerKind.PROVISIONAL if provisional else AnswerKind.CONFIRMED
    if application.answer == AnswerKind.CONFIRMED or application.answer == wanted:
        return application  # answered already (a double click): once is enough
    if not _holds_offer(session, application):
        raise DomainError("no_offer", NO_OFFER)
    deadline = effective_deadline(application)
    if deadline is not None and clock.now() > deadline:
        raise DomainError("deadline_passed", DEADLINE_PASSED)
    campaign = session.get(Campaign, application.campaign_id)
    option = bool(campaign and campaign.definitive_acceptance)
    if provisional and not option:
        raise DomainError("no_provisional", NO_PROVISIONAL)
    _record(session, application, wanted, actor, reason="", automatic=False)
    if provisional:
        # A provisional acceptance still has to be made definitive before the deadline: the reminder job tells
        # the candidate once more, in those words, even if it already reminded them to answer at all.
        application.confirmation_reminder_for = None
        session.add(application)
    mail_answer(session, application, "application_confirmed")
    if option:
        others = select(Application.id).where(
            Application.candidate_id == candidate.id,
            Application.id != application.id,
            col(Application.cancelled_at).is_(None),
        )
        if provisional:  # at most one provisional acceptance: the previous one is released
            others = others.where(Application.answer == AnswerKind.PROVISIONAL)
            reason = PROVISIONAL_REPLACED_REASON
        else:
            others = others.where(col(Application.answer).is_(None) | (Application.answer != AnswerKind.WITHDRAWN))
            reason = OTHER_APPLICATION_REASON
        for other_id in sorted(session.exec(others).all()):
            withdraw_locked(session, actor=actor, application_id=other_id, reason=reason)
    return application


# --- What the « Répondre » section shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerView:
    answer: AnswerKind | None
    has_offer: bool
    deadline: datetime | None
    days_left: int | None
    can_confirm: bool
    can_withdraw: bool
    can_leave_waiting_list: bool  # still waiting on a published list (``leave_waiting_list``)
    on_hold: bool  # that list is the unranked « liste d'attente », not the « liste complémentaire »
    provisional_allowed: bool
    waiting_rank: int | None  # displayed rank on the waiting list (None when not on it): see ``displayed_rank``
    called_count: int  # candidates the programme has called from its waiting list so far
    is_waiting_list_call: bool


def answer_view(session: Session, *, actor: Actor, application_id: int) -> AnswerView:
    _, application = own_application(session, actor, application_id)
    decision = latest_published(session, application_id)
    has_offer = decision is not None and decision.kind == DecisionKind.FAVORABLE
    deadline = effective_deadline(application) if has_offer else None
    now = clock.now()
    open_ = deadline is None or now <= deadline
    campaign = session.get(Campaign, application.campaign_id)
    rank, called = waiting_list_position(session, application, decision.kind if decision else None)
    return AnswerView(
        answer=application.answer,
        has_offer=has_offer,
        deadline=deadline,
        days_left=days_left(deadline, now),
        can_confirm=has_offer and open_ and application.answer in (None, AnswerKind.PROVISIONAL),
        can_withdraw=has_offer and application.answer != AnswerKind.WITHDRAWN,
        can_leave_waiting_list=_on_waiting_list(application, decision),
        on_hold=bool(decision and decision.kind == DecisionKind.ON_HOLD),
        provisional_allowed=bool(campaign and campaign.definitive_acceptance) and application.answer is None,
        waiting_rank=rank,
        called_count=called,
        is_waiting_list_call=bool(decision and decision.is_waiting_list_call),
    )
