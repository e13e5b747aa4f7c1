"""Scheduled work on applications: the reminder before a programme's return date.

``send_return_date_reminders(session, now)`` has the job runner's shape ``(session, now) -> (processed, message)``;
it is registered with the job runner (``app.services.platform.jobs``) as a daily job at 07:00 Paris time.
"""

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.config import get_settings
from app.i18n import N_
from app.models import (
    Account,
    Application,
    ApplicationCentre,
    Campaign,
    Candidate,
    DossierStatus,
    Program,
    RequiredDocument,
    SubmittedDocument,
)
from app.services.applications.actions import (
    CANDIDATE_APPLICATION_PATH,
    MISSING_STATUSES,
    account_mail_context,
    program_mail_context,
)
from app.services.platform import parameters
from app.services.platform.jobs import register_job

RETURN_REMINDER_JOB = "return_date_reminders"


def send_return_date_reminders(session: Session, now: datetime) -> tuple[int, str]:
    """Mail every live, untransmitted application whose return date falls within ``return_reminder_days``.

    Untransmitted = dossier still En attente and never transmitted (a paper dossier received by staff is no
    longer En attente). ``Application.return_reminder_for`` records the return date announced, so a run
    repeated, or two runs, mail an application once per return date; a later date granted by staff
    (``return_by_override``) earns a new reminder.
    """
    from app.services.mail.outbox import enqueue_mail  # the outbox module is loaded on demand

    return_by = sa.func.coalesce(Application.return_by_override, Program.return_by)
    horizon = now + timedelta(days=parameters.current("return_reminder_days"))
    rows = session.exec(
        select(Application, Program, ApplicationCentre, Account)
        .join(Program, Program.id == Application.program_id)
        .join(Campaign, Campaign.id == Application.campaign_id)
        .join(ApplicationCentre, ApplicationCentre.id == Application.centre_id)
        .join(Candidate, Candidate.id == Application.candidate_id)
        .join(Account, Account.id == Candidate.account_id)
        .where(
            col(Application.cancelled_at).is_(None),
            col(Application.transmitted_at).is_(None),
            Application.dossier_status == DossierStatus.PENDING,
            col(Campaign.is_active),
            col(Account.deleted_at).is_(None),
            return_by > now,
            return_by <= horizon,
            sa.or_(col(Application.return_reminder_for).is_(None), Application.return_reminder_for != return_by),
        )
        .order_by(col(Application.id))
        .with_for_update(of=Application, skip_locked=True)  # PostgreSQL: two instances never share a row
    ).all()
    ids = [application.id for application, *_ in rows]
    missing: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for submitted, required in session.exec(
            select(SubmittedDocument, RequiredDocument)
            .join(RequiredDocument, RequiredDocument.id == SubmittedDocument.required_document_id)
            .where(col(SubmittedDocument.application_id).in_(ids), col(SubmittedDocument.status).in_(MISSING_STATUSES))
            .order_by(col(RequiredDocument.display_order), col(RequiredDocument.id))
        ).all():
            missing.setdefault(submitted.application_id, [])
            missing[submitted.application_id].append(
                {"title": required.label_fr, "comment": submitted.comment, "_en": required.label_en}
            )
    for application, program, centre, account in rows:
        lang = account.language
        documents = [
            {"title": (doc["_en"] or doc["title"]) if lang == "en" else doc["title"], "comment": doc["comment"]}
            for doc in missing.get(application.id or 0, [])
        ]
        enqueue_mail(
            session,
            code="return_date_reminder",
            to=account.email,
            context={
                "account": account_mail_context(account),
                "program": program_mail_context(application, program, centre, lang),
                "link": get_settings().base_url + CANDIDATE_APPLICATION_PATH.format(id=application.id),
                "missing_documents": documents,
            },
            language=lang,
            account_id=account.id,
            application_id=application.id,
        )
        application.return_reminder_for = application.return_by_override or program.return_by
        session.add(application)
    session.flush()
    return len(rows), f"reminders before the return date: {len(rows)}"


register_job(
    RETURN_REMINDER_JOB,
    send_return_date_reminders,
    daily_at=time(7, 0),
    label=N_("Relance avant la date de retour des dossiers"),
)
