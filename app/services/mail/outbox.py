"""The outbox: services enqueue mails in their own transaction; the worker (``mail_delivery``) sends them.

``enqueue_mail`` renders the template now (so the mail says what was true when the change was made) and adds
an ``OutboxMail`` to the caller's session without committing: if the caller's transaction rolls back, the mail
is gone with it. Attachments are referenced, never stored in the database: a ``StoredFile`` of the file
store, or bytes written to a spool folder (``DATA_DIR/mail-attachments``) under a generated name.
"""

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from email.utils import parseaddr
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from app import clock
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.models import MailStatus, MailTemplate, OutboxMail, StoredFile
from app.services.mail.templates import RenderedMail, common_variables, load_default, render_mail
from app.services.mail.variables import MailCode
from app.services.platform import file_store
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.file_store import mail_spool_dir as spool_dir

__all__ = [
    "MailAttachment",
    "MailCode",
    "attachment_bytes",
    "enqueue_mail",
    "list_outbox_mails",
    "read_attachment",
]

log = logging.getLogger(__name__)

_SPOOL_KEY = re.compile(r"^[0-9a-f]{32}\.bin$")
_PLAIN_SCALARS = (str, int, float, bool, Decimal, datetime, date, time, timedelta, type(None))


@dataclass(frozen=True)
class MailAttachment:
    """A file joined to a mail: a ``StoredFile`` (``file_id``) or raw ``data`` (spooled to disk at enqueue)."""

    filename: str
    media_type: str = "application/pdf"
    file_id: int | None = None
    data: bytes | None = None

    def __post_init__(self) -> None:
        if (self.file_id is None) == (self.data is None):
            raise ValueError("a MailAttachment takes exactly one of file_id or data")


def _safe_filename(name: str) -> str:
    # The name is shown to the recipient only; keep it one clean line without any path.
    name = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", name).strip(" .") or "piece-jointe"
    return name[:150]


def _spool(data: bytes) -> str:
    """Write ``data`` under a generated name, atomically (a reader never sees half a file)."""
    key = f"{file_store.new_key()}.bin"
    file_store.atomic_write(spool_dir() / key, data)
    return key


def _attachment_ref(attachment: MailAttachment) -> dict[str, Any]:
    ref: dict[str, Any] = {"filename": _safe_filename(attachment.filename), "media_type": attachment.media_type}
    if attachment.file_id is not None:
        ref["file_id"] = attachment.file_id
    else:
        assert attachment.data is not None
        ref["spool_key"] = _spool(attachment.data)
    return ref


def attachment_bytes(session: Session, ref: dict[str, Any]) -> bytes:
    """The content of one attachment reference of an ``OutboxMail``."""
    if "file_id" in ref:
        stored = session.get(StoredFile, ref["file_id"])
        if stored is None:
            raise FileNotFoundError(f"stored file {ref['file_id']} not found")
        return file_store.read(stored.storage_key)
    key = str(ref.get("spool_key", ""))
    if not _SPOOL_KEY.match(key):
        raise FileNotFoundError(f"invalid attachment reference {ref!r}")
    return (spool_dir() / key).read_bytes()


def _check_address(address: str) -> str:
    address = address.strip()
    _, parsed = parseaddr(address)
    if not parsed or parsed != address or "@" not in address or len(address) > 254:
        raise ValueError(f"not a mail address: {address!r}")
    return address


def _check_plain(value: Any, path: str = "context") -> None:
    """Templates only see plain data: a model object would expose every column (a password hash…)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: mail context keys must be strings")
            _check_plain(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_plain(item, f"{path}[{index}]")
    elif not isinstance(value, _PLAIN_SCALARS):
        raise TypeError(f"{path}: a mail context holds plain data (dict, list, str, numbers, dates), not {value!r}")


# The staff's templates read by the transaction in progress: a bulk publication mails a thousand candidates with
# one template; reading it once per transaction, not once per mail, still sees a template saved before it began.
_TEMPLATES: "WeakKeyDictionary[SessionTransaction, dict[tuple[MailCode, str], MailTemplate | None]]" = (
    WeakKeyDictionary()
)


def _template(session: Session, code: MailCode, language: str) -> MailTemplate | None:
    session.connection()  # the transaction begins now if it has not yet: it keys what it read
    transaction = session.get_transaction()
    read = _TEMPLATES.setdefault(transaction, {}) if transaction is not None else {}
    if (code, language) not in read:
        statement = select(MailTemplate).where(MailTemplate.code == code, MailTemplate.language == language)
        read[code, language] = session.exec(statement).first()
    return read[code, language]


def _render(session: Session, code: MailCode, language: str, context: dict[str, Any]) -> RenderedMail:
    languages = [language] if language == DEFAULT_LANGUAGE else [language, DEFAULT_LANGUAGE]
    for lang in languages:
        ctx = {**common_variables(lang), **context}
        row = _template(session, code, lang)
        if row is not None:
            try:
                return render_mail(row.subject, row.body_html, ctx, language=lang)
            except DomainError as exc:
                # A template saved before a rule changed must not block the business action: send the default.
                log.error("mail template %s/%s cannot be rendered, shipped default used: %s", code, lang, exc)
        default = load_default(code, lang)
        if default is not None:
            return render_mail(*default, ctx, language=lang)
    raise LookupError(f"no template for mail {code} in {languages}")


def enqueue_mail(
    session: Session,
    *,
    code: str,
    to: str,
    context: dict[str, Any],
    language: str = "fr",
    cc: list[str] | None = None,
    attachments: list[MailAttachment] | None = None,
    account_id: int | None = None,
    application_id: int | None = None,
    rendered: RenderedMail | None = None,
) -> OutboxMail:
    """Render mail ``code`` for ``to`` and add it to the outbox in the caller's transaction (not committed).

    ``context`` holds the variables documented for ``code`` in ``MAIL_VARIABLES`` (plain data only); the common
    variables are added. The template is the staff's ``MailTemplate`` for (code, language) if any, else the
    shipped default; a language without a template falls back to French. ``rendered``: the mail already rendered
    from what a staff member wrote for this send (a message to a selection), the template of ``code`` unused.
    """
    mail_code = MailCode(code)
    to = _check_address(to)
    cc_addresses = [_check_address(address) for address in cc or []]
    _check_plain(context)
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    if rendered is None:
        rendered = _render(session, mail_code, lang, context)
    now = clock.now()
    mail = OutboxMail(
        code=mail_code.value,
        language=rendered.language,
        to_address=to,
        cc_addresses=cc_addresses,
        subject=rendered.subject,
        body_html=rendered.html,
        body_text=rendered.text,
        attachments=[_attachment_ref(attachment) for attachment in attachments or []],
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        account_id=account_id,
        application_id=application_id,
    )
    session.add(mail)
    if not session.info.get(_FLUSH_LATER):
        session.flush()  # an id now, and constraint errors raised in the caller's action
    return mail


_FLUSH_LATER = "ecandidat.mails_flushed_together"


@contextmanager
def mails_flushed_together(session: Session) -> Iterator[None]:
    """The mails enqueued inside are written by one flush at the end, the unit of work batching their INSERTs (a bulk
    publication's thousand mails were a thousand round trips); nothing inside may need a mail's id, and no query
    inside flushes them early (``no_autoflush``)."""
    session.info[_FLUSH_LATER] = True
    try:
        with session.no_autoflush:
            yield
    finally:
        session.info.pop(_FLUSH_LATER, None)
    session.flush()


def list_outbox_mails(session: Session, *, limit: int = 200) -> list[OutboxMail]:
    """The latest mails of the outbox, newest first (the development mailbox shows them)."""
    statement = select(OutboxMail).order_by(col(OutboxMail.created_at).desc(), col(OutboxMail.id).desc()).limit(limit)
    return list(session.exec(statement).all())


def read_attachment(session: Session, *, mail_id: int, index: int) -> tuple[str, str, bytes]:
    """(filename, media type, content) of attachment ``index`` of mail ``mail_id``."""
    mail = session.get(OutboxMail, mail_id)
    if mail is None or not 0 <= index < len(mail.attachments):
        raise NotFound("attachment")
    ref = mail.attachments[index]
    try:
        content = attachment_bytes(session, ref)
    except OSError as exc:
        raise NotFound("attachment") from exc
    return ref["filename"], ref.get("media_type") or "application/octet-stream", content
