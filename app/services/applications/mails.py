"""The mails about one application: who receives them and what each says of the candidate and the programme.

Every service that mails about an application (applying, cancelling, « Transmettre », the return-date reminder,
the dossier status, the processing type, decisions, answers) loads the same rows and builds the same
``account`` and ``program`` variables: :func:`mail_parties` loads them once, :func:`mail_candidate` mails the
candidate in their language, :func:`mail_committee` alerts the committee in French, with copies to whom the centre
and the committee's members asked (:func:`alert_addresses`); :func:`alert_committees` alerts the programme's own
committee and the committees examining it, each as its settings ask. Everything is enqueued in the caller's transaction.
"""

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, select

from app.config import get_settings
from app.models import (
    Account,
    AlertRecipients,
    Application,
    ApplicationCentre,
    Candidate,
    Committee,
    Program,
    StaffMember,
    StaffRole,
    StaffRoleAssignment,
)
from app.services.accounts.candidates import mail_context
from app.services.applications.dossier_status import effective_return_by
from app.services.offer.examining import examining_committees
from app.services.platform.labels import label_in

# Paths of the screens mails link to (services may not import app/ui; tests/ui/test_links.py checks them against
# app/ui/routes.py).
CANDIDATE_APPLICATION_PATH = "/candidat/candidatures/{id}"
STAFF_APPLICATION_PATH = "/gestion/candidatures/{id}"


@dataclass(frozen=True)
class MailParties:
    """The rows an application's mails read (``committee`` is None where no committee is mailed)."""

    application: Application
    program: Program
    centre: ApplicationCentre
    committee: Committee | None
    account: Account


def program_mail_context(
    application: Application, program: Program, centre: ApplicationCentre, lang: str
) -> dict[str, Any]:
    return {
        "title": label_in(program, lang),
        "centre_name": label_in(centre, lang),
        "return_by": effective_return_by(application, program),
        "confirmation_by": application.confirmation_by_override or program.confirmation_by,
    }


def mail_parties(session: Session, application: Application, account: Account | None = None) -> MailParties:
    """The programme, centre, committee and (unless given) the candidate's account of ``application``."""
    program = session.get(Program, application.program_id)
    centre = session.get(ApplicationCentre, application.centre_id)
    committee = session.get(Committee, application.committee_id)
    if account is None:
        candidate = session.get(Candidate, application.candidate_id)
        account = session.get(Account, candidate.account_id) if candidate else None
    assert program is not None and centre is not None and committee is not None and account is not None
    return MailParties(application, program, centre, committee, account)


def candidate_link(application: Application) -> str:
    return get_settings().base_url + CANDIDATE_APPLICATION_PATH.format(id=application.id)


def staff_link(application: Application) -> str:
    return get_settings().base_url + STAFF_APPLICATION_PATH.format(id=application.id)


def mail_candidate(
    session: Session,
    parties: MailParties,
    code: str,
    extra: dict[str, Any] | None = None,
    *,
    attachments: list[Any] | None = None,
) -> None:
    """Mail ``code`` to the candidate, in their language: ``account`` and ``program``, then ``extra``."""
    from app.services.mail.outbox import enqueue_mail  # the outbox module is loaded on demand

    application, account = parties.application, parties.account
    context = {
        "account": mail_context(account),
        "program": program_mail_context(application, parties.program, parties.centre, account.language),
    }
    enqueue_mail(
        session,
        code=code,
        to=account.email,
        context=context | (extra or {}),
        language=account.language,
        attachments=attachments,
        account_id=account.id,
        application_id=application.id,
    )


def _staff_emails(session: Session, role: StaffRole, **scope: Any) -> list[str]:
    """The addresses of the active staff holding ``role`` on this centre or committee (``scope``), by id."""
    query = (
        select(StaffMember.email)
        .join(StaffRoleAssignment, col(StaffRoleAssignment.staff_id) == StaffMember.id)
        .where(StaffRoleAssignment.role == role, col(StaffMember.is_active))
        .order_by(col(StaffMember.id))
    )
    for name, value in scope.items():
        query = query.where(getattr(StaffRoleAssignment, name) == value)
    return list(session.exec(query).all())


def alert_addresses(session: Session, parties: MailParties, *, with_centre: bool = True) -> list[str]:
    """Who receives a committee's alert, each address once: the committee's contact address, then the centre's
    recipients as its « Destinataires des alertes » says (nobody, its contact address, or all its managers; not
    ``with_centre``: they had the programme's own committee's alert), then the committee members who asked for
    copies."""
    committee, centre = parties.committee, parties.centre
    addresses = [committee.contact_email] if committee is not None else []
    if with_centre and centre.alert_recipients == AlertRecipients.CONTACT:
        addresses.append(centre.contact_email)
    elif with_centre and centre.alert_recipients == AlertRecipients.MANAGERS:
        addresses += _staff_emails(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    if committee is not None:
        addresses += _staff_emails(session, StaffRole.COMMITTEE_MEMBER, committee_id=committee.id, receives_alerts=True)
    return list(dict.fromkeys(address.strip().lower() for address in addresses if address and address.strip()))


def alert_committees(
    session: Session,
    parties: MailParties,
    alert: str,
    code: str,
    extra: dict[str, Any] | None = None,
    *,
    active_only: bool = True,
) -> None:
    """Mail the alert ``code`` to the programme's own committee, then to each committee examining the programme
    (``ProgramCommittee``), each when its setting ``alert`` (``alert_on_transmission``…) asks for it (and it is
    active, when ``active_only``). The centre's recipients receive the first alert only."""
    own = parties.committee
    if own is not None and getattr(own, alert) and (own.is_active or not active_only):
        mail_committee(session, parties, code, extra)
    for listed in examining_committees(session, parties.program.id or 0):
        committee = session.get(Committee, listed.committee_id)
        if committee is not None and getattr(committee, alert) and (committee.is_active or not active_only):
            mail_committee(session, replace(parties, committee=committee), code, extra, with_centre=False)


def mail_committee(
    session: Session, parties: MailParties, code: str, extra: dict[str, Any] | None = None, *, with_centre: bool = True
) -> None:
    """Mail the alert ``code`` in French to :func:`alert_addresses` (the first, the others in copy): ``committee``,
    ``account``, ``program``, then ``extra``. Nobody to tell: no mail."""
    from app.services.mail.outbox import enqueue_mail  # the outbox module is loaded on demand

    committee, application = parties.committee, parties.application
    assert committee is not None
    addresses = alert_addresses(session, parties, with_centre=with_centre)
    if not addresses:
        return
    context = {
        "committee": {"name": committee.label_fr},
        "account": mail_context(parties.account),
        "program": program_mail_context(application, parties.program, parties.centre, "fr"),
    }
    enqueue_mail(
        session,
        code=code,
        to=addresses[0],
        cc=addresses[1:],
        context=context | (extra or {}),
        language="fr",
        application_id=application.id,
    )
