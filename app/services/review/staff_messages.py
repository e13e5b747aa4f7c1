"""« Envoyer un message »: a manager writes to the candidates of the staff list's selection.

What the sender writes is a mail template (code ``staff_message``: the candidate's ``account``, the ``program`` of
their selected application, the ``link`` to their « Messages » page): its HTML goes through the allow-list before
anything else (scripts, ``on…`` attributes and ``javascript:`` links removed), then the template checks of the editor
(known variables only, the bounded sandbox). Every selected id is re-checked against the sender's scope: one outside
refuses the whole send. One mail per candidate, in their language (the English text when the sender wrote one),
rendered by the same function as the preview, written with the message, its recipients, the sender's audit row and
one history entry per application in the caller's transaction. A cap per sender per hour and a cap on the selection
come from the settings; the dialog's idempotency key makes a second « Envoyer » find the first send.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app import clock
from app.config import get_settings
from app.i18n import DEFAULT_LANGUAGE, N_
from app.models import (
    Account,
    Application,
    Candidate,
    MailTemplate,
    OutboxMail,
    Program,
    StaffMessage,
    StaffMessageRecipient,
)
from app.services.accounts.candidates import mail_context
from app.services.accounts.staff_roles import RoleView, current_role
from app.services.applications.mails import mail_parties, program_mail_context
from app.services.applications.staff_scope import scope_filter
from app.services.mail.html_allowlist import clean_html
from app.services.mail.outbox import enqueue_mail, mails_flushed_together
from app.services.mail.templates import (
    RenderedMail,
    common_variables,
    load_default,
    render_mail,
    validate_template_parts,
)
from app.services.mail.variables import MailCode
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_application, audit_row
from app.services.platform.errors import DomainError, NotFound, passes
from app.services.platform.labels import label_in
from app.services.platform.text_rules import check_text
from app.services.review.staff_rights import READ_ONLY_ROLE, REVIEW_ROLES

SUBJECT_MAX = 200
BODY_MAX = 20_000
# The candidate's page the mail links to (services may not import app/ui; tests/ui/test_links.py checks paths).
MESSAGES_PATH = "/candidat/messages"


@dataclass
class MessageDraft:
    """What the sender wrote: French required, English optional (both parts, or neither)."""

    subject_fr: str
    body_fr: str
    subject_en: str = ""
    body_en: str = ""


@dataclass(frozen=True)
class MessagePreview:
    """The message as one candidate will read it (``content``: the body, through the allow-list)."""

    candidate_name: str
    language: str
    subject: str
    content: str


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    recipients: int
    applications: int
    already_sent: bool = False


def may_send_messages(session: Session, *, actor: Actor) -> bool:
    """Whether the actor's current role may write to candidates (the staff list offers the button then)."""
    return passes(_sender_role, session, actor)


def _sender_role(session: Session, actor: Actor) -> RoleView:
    role = current_role(session, actor=actor)
    if role.role not in REVIEW_ROLES:
        raise DomainError(
            "message_role",
            N_("Votre rôle ne permet pas d'écrire aux candidats : seuls les gestionnaires de composante, la "
               "scolarité centrale et les administrateurs le peuvent."),
        )  # fmt: skip
    if role.read_only or actor.read_only:
        raise DomainError("read_only_role", READ_ONLY_ROLE)
    return role


def _selected(session: Session, role: RoleView, application_ids: set[int] | list[int]) -> list[Application]:
    """The selected live applications, every one in the role's scope; otherwise nothing is sent."""
    ids = set(application_ids)
    if not ids:
        raise DomainError("empty_selection", N_("Sélectionnez d'abord au moins une candidature."))
    limit = get_settings().staff_message_max_recipients
    if len(ids) > limit:
        raise DomainError(
            "message_too_many",
            N_("Un message part vers {max} candidatures au plus : réduisez la sélection ({count})."),
            max=limit,
            count=len(ids),
        )
    rows = session.exec(
        select(Application).where(
            col(Application.id).in_(ids), scope_filter(role), col(Application.cancelled_at).is_(None)
        )
    ).all()
    if len(rows) != len(ids):
        raise DomainError(
            "message_out_of_scope",
            N_("Candidatures de la sélection hors de votre périmètre ou annulées : {count}. Aucun message n'a été "
               "envoyé ; retirez-les de la sélection."),
            count=len(ids) - len(rows),
        )  # fmt: skip
    return sorted(rows, key=lambda row: row.id or 0)


def _checked_part(subject: str | None, body: str | None, lang: str, suffix: str) -> tuple[str, str]:
    subject = " ".join(check_text(subject or "", field=f"subject{suffix}", max_length=SUBJECT_MAX).split())
    body = clean_html(check_text(body or "", field=f"body{suffix}", max_length=BODY_MAX)).strip()
    if not subject:
        raise DomainError("subject_required", N_("Indiquez l'objet du message."), field=f"subject{suffix}")
    if not body:
        raise DomainError("message_required", N_("Écrivez le message."), field=f"body{suffix}")
    try:
        validate_template_parts(subject, body, code=MailCode.STAFF_MESSAGE, language=lang)
    except DomainError as error:
        error.field = f"subject{suffix}" if error.field == "subject" else f"body{suffix}"
        raise
    return subject, body


def checked_draft(draft: MessageDraft) -> MessageDraft:
    """The draft as it will be stored and sent: one-line subjects, bodies through the allow-list, templates checked."""
    subject_fr, body_fr = _checked_part(draft.subject_fr, draft.body_fr, "fr", "_fr")
    if not ((draft.subject_en or "").strip() or (draft.body_en or "").strip()):
        return MessageDraft(subject_fr, body_fr)
    subject_en, body_en = _checked_part(draft.subject_en, draft.body_en, "en", "_en")
    return MessageDraft(subject_fr, body_fr, subject_en, body_en)


def _compose(session: Session, draft: MessageDraft, application: Application, account: Account) -> RenderedMail:
    """The message for one candidate: the English text for an English reader when there is one, else the French."""
    lang = "en" if account.language == "en" and draft.subject_en else DEFAULT_LANGUAGE
    subject, body = (draft.subject_en, draft.body_en) if lang == "en" else (draft.subject_fr, draft.body_fr)
    parties = mail_parties(session, application, account)
    context: dict[str, Any] = {
        **common_variables(lang),
        "account": mail_context(account),
        "program": program_mail_context(application, parties.program, parties.centre, lang),
        "link": get_settings().base_url + MESSAGES_PATH,
    }
    return render_mail(subject, body, context, language=lang)


def _accounts(session: Session, applications: list[Application]) -> dict[int, Account]:
    candidate_ids = {application.candidate_id for application in applications}
    rows = session.exec(
        select(Candidate.id, Account)
        .join(Account, col(Account.id) == Candidate.account_id)
        .where(col(Candidate.id).in_(candidate_ids))
    ).all()
    return {candidate_id or 0: account for candidate_id, account in rows}


def preview_message(
    session: Session, *, actor: Actor, application_ids: set[int], application_id: int, draft: MessageDraft
) -> MessagePreview:
    """The message exactly as the candidate of ``application_id`` (one of the selection) would receive it."""
    applications = _selected(session, _sender_role(session, actor), application_ids)
    draft = checked_draft(draft)
    application = next((row for row in applications if row.id == application_id), None)
    if application is None:
        raise NotFound("application")
    account = _accounts(session, [application])[application.candidate_id]
    rendered = _compose(session, draft, application, account)
    name = f"{account.first_name} {account.last_name}"
    return MessagePreview(name, rendered.language, rendered.subject, rendered.content)


def message_recipients(
    session: Session, *, actor: Actor, application_ids: set[int], lang: str, limit: int = 50
) -> list[tuple[int, str]]:
    """(application id, « NAME First name — programme ») of the first ``limit`` selected applications, for the
    preview's choice; the selection is checked as a send checks it (rights, scope, size)."""
    applications = _selected(session, _sender_role(session, actor), application_ids)[:limit]
    accounts = _accounts(session, applications)
    programs = {
        p.id: p for p in session.exec(select(Program).where(col(Program.id).in_({a.program_id for a in applications})))
    }
    return [
        (a.id or 0, f"{accounts[a.candidate_id].last_name} {accounts[a.candidate_id].first_name} — "
                    f"{label_in(programs[a.program_id], lang)}")
        for a in applications
    ]  # fmt: skip


def _refuse_a_flood(session: Session, staff_id: int) -> None:
    since = clock.now() - timedelta(hours=1)
    sent = session.exec(
        select(func.count())
        .select_from(StaffMessage)
        .where(StaffMessage.author_staff_id == staff_id, col(StaffMessage.sent_at) >= since)
    ).one()
    limit = get_settings().staff_messages_per_hour
    if sent >= limit:
        raise DomainError(
            "message_throttled",
            N_("Vous avez déjà envoyé {max} messages dans l'heure : réessayez plus tard."),
            max=limit,
        )


def _earlier_send(session: Session, actor: Actor, key: str) -> SentMessage | None:
    message = session.exec(select(StaffMessage).where(StaffMessage.idempotency_key == key)).first()
    if message is None:
        return None
    if message.author_staff_id != actor.staff_id:
        raise NotFound("message")
    return SentMessage(message.id or 0, message.recipients, 0, already_sent=True)


def _new_message(session: Session, actor: Actor, role: RoleView, draft: MessageDraft, key: str) -> StaffMessage:
    assert actor.staff_id is not None
    message = StaffMessage(
        author_staff_id=actor.staff_id, role=role.role.value, idempotency_key=key, sent_at=clock.now(),
        subject_fr=draft.subject_fr, body_fr=draft.body_fr, subject_en=draft.subject_en, body_en=draft.body_en,
    )  # fmt: skip
    try:
        with session.begin_nested():  # the same dialog sending twice at once: the unique key lets one through
            session.add(message)
            session.flush()
    except IntegrityError as error:
        raise DomainError("message_already_sent", N_("Ce message a déjà été envoyé.")) from error
    return message


def send_message(
    session: Session, *, actor: Actor, application_ids: set[int], draft: MessageDraft, idempotency_key: str
) -> SentMessage:
    """Send ``draft`` to the candidates of the selected applications (all in scope), one mail each, and record it."""
    if not 8 <= len(idempotency_key) <= 64:
        raise ValueError("an idempotency key of 8 to 64 characters")
    earlier = _earlier_send(session, actor, idempotency_key)
    if earlier is not None:
        return earlier
    role = _sender_role(session, actor)
    draft = checked_draft(draft)
    applications = _selected(session, role, application_ids)
    assert actor.staff_id is not None
    _refuse_a_flood(session, actor.staff_id)
    message = _new_message(session, actor, role, draft, idempotency_key)
    message.recipients = _deliver(session, actor, message, draft, applications)
    audit_row(
        session,
        actor,
        "message.sent_to_selection",
        message,
        after={"recipients": message.recipients, "applications": len(applications), "subject": draft.subject_fr},
    )
    session.flush()
    return SentMessage(message.id or 0, message.recipients, len(applications))


def _deliver(
    session: Session, actor: Actor, message: StaffMessage, draft: MessageDraft, applications: list[Application]
) -> int:
    """One mail and one recipient row per candidate, one history entry per application; the number of candidates."""
    by_candidate: dict[int, list[Application]] = defaultdict(list)
    for application in applications:
        by_candidate[application.candidate_id].append(application)
    accounts = _accounts(session, applications)
    sent: list[tuple[StaffMessageRecipient, OutboxMail]] = []
    with mails_flushed_together(session):
        for candidate_id, own in by_candidate.items():
            account = accounts[candidate_id]
            rendered = _compose(session, draft, own[0], account)
            mail = enqueue_mail(
                session, code=MailCode.STAFF_MESSAGE, to=account.email, context={}, language=rendered.language,
                account_id=account.id, application_id=own[0].id, rendered=rendered,
            )  # fmt: skip
            recipient = StaffMessageRecipient(
                message_id=message.id or 0, candidate_id=candidate_id, application_ids=[a.id or 0 for a in own],
                language=rendered.language, subject=rendered.subject, content_html=rendered.content,
            )  # fmt: skip
            sent.append((recipient, mail))
            for application in own:
                audit_application(
                    session, actor, application, "message.sent", after={"subject": rendered.subject},
                    entity=("staffmessage", message.id),
                )  # fmt: skip
    for recipient, mail in sent:  # the mails have their ids once flushed together
        recipient.outbox_mail_id = mail.id
        session.add(recipient)
    return len(sent)


def message_start(session: Session) -> MessageDraft:
    """The text the dialog starts from: the institution's ``staff_message`` templates, else the shipped ones."""
    parts: dict[str, tuple[str, str]] = {}
    for lang in ("fr", "en"):
        stored = session.exec(
            select(MailTemplate).where(MailTemplate.code == MailCode.STAFF_MESSAGE, MailTemplate.language == lang)
        ).first()
        parts[lang] = (
            (stored.subject, stored.body_html) if stored else load_default(MailCode.STAFF_MESSAGE, lang) or ("", "")
        )
    return MessageDraft(*parts["fr"], *parts["en"])
