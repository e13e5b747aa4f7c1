"""Scheduled work on offers: the reminder before the confirmation deadline, the automatic withdrawal after it.

Both apply to offers left unanswered and to provisional acceptances (« oui, mais », Mon Master's rule): a
provisional acceptance holds the place only until the deadline, by which the candidate makes it definitive.

Both have the job runner's shape ``(session, now) -> (processed, message)`` and are registered below. The job
runner already refuses a second concurrent run of one job (its JobRun claim); the rows are claimed as well, so
two instances — or a candidate answering at that moment — never act twice on one application: the reminder
claims its rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), the withdrawal takes the programme lock then the
application with SKIP LOCKED and checks again, under the lock, that the offer is still unanswered.
"""

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.i18n import N_
from app.models import Account, AnswerKind, Application, Campaign, Candidate, Decision, DecisionKind
from app.services.decisions.answers import effective_deadline, mail_answer, withdraw_locked
from app.services.decisions.waiting_list import latest_published_column, lock_program
from app.services.platform import parameters
from app.services.platform.actors import Actor
from app.services.platform.jobs import register_job

REMINDER_JOB = "confirmation_reminders"
WITHDRAWAL_JOB = "expired_offers_withdrawal"
# Stored (in French, the reference language) in CandidateAnswer.reason and the committee's alert.
PROVISIONAL_EXPIRED_REASON = N_("Acceptation provisoire non confirmée avant la date limite")


def _deadline() -> Any:
    return sa.func.coalesce(Application.confirmation_by_override, Application.confirmation_deadline)


def _open_offers() -> list[Any]:
    """Offers still waiting for a definitive answer: unanswered, or accepted provisionally only."""
    return [
        col(Application.cancelled_at).is_(None),
        sa.or_(col(Application.answer).is_(None), Application.answer == AnswerKind.PROVISIONAL),
        latest_published_column(Decision.kind) == DecisionKind.FAVORABLE,
    ]


def _reminder_code(application: Application) -> str:
    if application.answer == AnswerKind.PROVISIONAL:
        return "provisional_acceptance_reminder"
    return "confirmation_reminder"


def send_confirmation_reminders(session: Session, now: datetime) -> tuple[int, str]:
    """Mail every open offer whose deadline falls within ``confirmation_reminder_days``, once per deadline.

    A provisional acceptance is reminded in its own words (make it definitive or lose the place); accepting
    provisionally clears the marker, so a candidate reminded to answer is reminded once more to confirm."""
    horizon = now + timedelta(days=parameters.current("confirmation_reminder_days"))
    deadline = _deadline()
    applications = session.exec(
        select(Application)
        .join(Campaign, Campaign.id == Application.campaign_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Account, Account.id == Candidate.account_id)
        .where(
            *_open_offers(),
            col(Account.deleted_at).is_(None),
            deadline > now,
            deadline <= horizon,
            sa.or_(
                col(Application.confirmation_reminder_for).is_(None), Application.confirmation_reminder_for != deadline
            ),
        )
        .order_by(col(Application.id))
        .with_for_update(of=Application, skip_locked=True)  # PostgreSQL: two instances never share a row
    ).all()
    for application in applications:
        mail_answer(session, application, _reminder_code(application))
        application.confirmation_reminder_for = (
            application.confirmation_by_override or application.confirmation_deadline
        )
        session.add(application)
    session.flush()
    return len(applications), f"reminders before the confirmation deadline: {len(applications)}"


def withdraw_expired_offers(session: Session, now: datetime) -> tuple[int, str]:
    """Withdraw every offer left unanswered — or only accepted provisionally — past its deadline, then call the
    waiting lists (same transaction)."""
    rows = session.exec(
        select(Application.program_id, Application.id)
        .where(*_open_offers(), _deadline() < now)
        .order_by(col(Application.program_id), col(Application.id))
    ).all()
    actor = Actor.system()
    done = 0
    for program_id, application_id in rows:  # programmes in ascending id: the lock order
        lock_program(session, program_id)
        application = session.exec(
            select(Application)
            .where(Application.id == application_id)
            .with_for_update(skip_locked=True)  # a candidate answering right now: left to them
            .execution_options(populate_existing=True)
        ).first()
        if application is None or application.cancelled_at is not None:
            continue
        if application.answer not in (None, AnswerKind.PROVISIONAL):
            continue  # answered definitively meanwhile
        deadline = effective_deadline(application)
        if deadline is None or deadline >= now:
            continue  # the deadline was moved meanwhile
        provisional = application.answer == AnswerKind.PROVISIONAL
        withdraw_locked(
            session,
            actor=actor,
            application_id=application_id,
            automatic=True,
            reason=PROVISIONAL_EXPIRED_REASON if provisional else "",
            mail_code="provisional_acceptance_expired" if provisional else None,
        )
        done += 1
    return done, f"offers withdrawn after their confirmation deadline: {done}"


register_job(
    REMINDER_JOB,
    send_confirmation_reminders,
    daily_at=time(7, 30),
    label=N_("Relance avant la date limite de confirmation"),
)
register_job(
    WITHDRAWAL_JOB,
    withdraw_expired_offers,
    every=timedelta(minutes=15),
    label=N_("Désistement automatique après la date limite de confirmation"),
)
