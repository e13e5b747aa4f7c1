"""Mail templates edited by the central office: list, open, preview, save (version-checked) and restore the default.

A stored ``MailTemplate`` (code, language) replaces the shipped file when mails are sent (see
``mail._render``); restoring the default deletes the row. A template is checked in the mail sandbox before it is
saved — it must parse, use only its code's variables, read no private name, hold no HTML outside the allow-list
(``<script>``, ``on…=``, ``javascript:``) and render with the sample data within the sandbox's bounds of work and
size — so a refused template is never stored. These checks render the template: pages call preview and save through
``run.io_bound``, never on the event loop. The editor's state "default" is version None; a stored row carries its
version, and any save or restore made against a state that changed meanwhile is refused with ``StaleEdit``.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import clock
from app.i18n import LANGUAGES, N_
from app.models import MailTemplate, StaffMember
from app.services.admin.common import StaleEdit, require_admin, save_entity, snapshot
from app.services.admin.mail_catalogue import MailCodeInfo, code_info, documented_codes
from app.services.mail.templates import SUBJECT_MAX_CHARS, RenderedMail, load_default, validate_template_parts
from app.services.mail.variables import MailCode
from app.services.platform.actors import Actor
from app.services.platform.audit import audit_row
from app.services.platform.errors import NotFound
from app.services.platform.form_checks import REQUIRED, DossierInvalid
from app.services.platform.versions import flush_versioned

BODY_MAX_CHARS = 100_000


@dataclass(frozen=True)
class TemplateStatus:
    """One language of one code as the list shows it."""

    language: str
    customised: bool
    updated_at: datetime | None = None
    updated_by: str = ""


@dataclass(frozen=True)
class TemplateRow:
    info: MailCodeInfo
    statuses: dict[str, TemplateStatus]


@dataclass
class TemplateDraft:
    """What the editor binds its inputs to: the stored template or the shipped default, and its version."""

    code: str
    language: str
    subject: str
    body_html: str
    version: int | None  # None: the shipped default is in use
    updated_at: datetime | None = None
    updated_by: str = ""

    @property
    def customised(self) -> bool:
        return self.version is not None


def _check_code(code: str, language: str) -> MailCode:
    if code not in MailCode._value2member_map_ or language not in LANGUAGES:
        raise NotFound("mail template")
    return MailCode(code)


def _stored(session: Session, code: str, language: str) -> MailTemplate | None:
    return session.exec(
        select(MailTemplate).where(MailTemplate.code == code, MailTemplate.language == language)
    ).first()


def _author(session: Session, staff_id: int | None) -> str:
    member = session.get(StaffMember, staff_id) if staff_id else None
    return member.display_name if member else ""


def list_templates(session: Session, *, actor: Actor) -> list[TemplateRow]:
    """Every mail code with, per language, whether a customised template replaces the default."""
    require_admin(session, actor=actor)
    stored = {(row.code, row.language): row for row in session.exec(select(MailTemplate)).all()}
    rows = []
    for code in documented_codes():
        statuses = {}
        for language in LANGUAGES:
            row = stored.get((code.value, language))
            statuses[language] = (
                TemplateStatus(language, True, row.updated_at, _author(session, row.updated_by_staff_id))
                if row
                else TemplateStatus(language, False)
            )
        rows.append(TemplateRow(code_info(code), statuses))
    return rows


def open_template(session: Session, *, actor: Actor, code: str, language: str) -> TemplateDraft:
    """The template in use for (code, language): the stored one, else the shipped default."""
    require_admin(session, actor=actor)
    mail_code = _check_code(code, language)
    row = _stored(session, mail_code.value, language)
    if row is not None:
        return TemplateDraft(
            code=mail_code.value,
            language=language,
            subject=row.subject,
            body_html=row.body_html,
            version=row.version,
            updated_at=row.updated_at,
            updated_by=_author(session, row.updated_by_staff_id),
        )
    subject, body = load_default(mail_code.value, language) or ("", "")
    return TemplateDraft(code=mail_code.value, language=language, subject=subject, body_html=body, version=None)


def _checked(code: MailCode, language: str, subject: str, body_html: str) -> tuple[str, str, RenderedMail]:
    """The normalised subject and body and their rendering; DossierInvalid / DomainError name the field."""
    subject = " ".join((subject or "").split())
    body_html = (body_html or "").strip("\n")
    errors: dict[str, str] = {}
    params: dict[str, dict[str, int]] = {}
    if not subject:
        errors["subject"] = REQUIRED
    elif len(subject) > SUBJECT_MAX_CHARS:
        errors["subject"] = N_("L'objet ne doit pas dépasser {n} caractères.")
        params["subject"] = {"n": SUBJECT_MAX_CHARS}
    if not body_html.strip():
        errors["body_html"] = REQUIRED
    elif len(body_html) > BODY_MAX_CHARS:
        errors["body_html"] = N_("Le corps du mail ne doit pas dépasser {n} caractères.")
        params["body_html"] = {"n": BODY_MAX_CHARS}
    if errors:
        raise DossierInvalid(errors, params)
    rendered = validate_template_parts(subject, body_html, code=code.value, language=language)
    return subject, body_html, rendered


def preview_template(
    session: Session, *, actor: Actor, code: str, language: str, subject: str, body_html: str
) -> RenderedMail:
    """The mail as a candidate would receive it, rendered in the sandbox with the code's sample data.

    Raises what saving would raise (a field-named DomainError), so the editor shows the same error live.
    """
    require_admin(session, actor=actor)
    mail_code = _check_code(code, language)
    return _checked(mail_code, language, subject, body_html)[2]


def save_template(
    session: Session,
    *,
    actor: Actor,
    code: str,
    language: str,
    subject: str,
    body_html: str,
    expected_version: int | None,
) -> MailTemplate:
    """Store the template of (code, language) once it renders in the sandbox; refused if it changed meanwhile."""
    require_admin(session, actor=actor, write=True)
    mail_code = _check_code(code, language)
    subject, body_html, _rendered = _checked(mail_code, language, subject, body_html)
    row = _stored(session, mail_code.value, language)
    if (row is None) != (expected_version is None):
        raise StaleEdit()  # created, or restored to the default, since the editor opened it
    values = {
        "code": mail_code.value,
        "language": language,
        "subject": subject,
        "body_html": body_html,
        "updated_at": clock.now(),
        "updated_by_staff_id": actor.staff_id,
    }
    try:
        return save_entity(
            session,
            actor=actor,
            model=MailTemplate,
            entity_id=row.id if row else None,
            expected_version=expected_version,
            values=values,
            action="mail_template.saved",
            unique_field=None,
        )
    except IntegrityError:
        raise StaleEdit() from None  # another editor created the same (code, language) at the same moment


def restore_default(session: Session, *, actor: Actor, code: str, language: str, expected_version: int | None) -> None:
    """Delete the stored template: mails of (code, language) use the shipped default again (audited)."""
    require_admin(session, actor=actor, write=True)
    mail_code = _check_code(code, language)
    row = _stored(session, mail_code.value, language)
    if row is None:
        if expected_version is None:
            return  # already the default
        raise StaleEdit()
    if row.version != expected_version:
        raise StaleEdit()
    before = snapshot(row, ("code", "language", "subject", "body_html"))
    session.delete(row)
    flush_versioned(session)
    audit_row(session, actor, "mail_template.default_restored", row, before=before)
