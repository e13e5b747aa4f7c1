"""Erasing a candidate's personal data (RGPD, issue 21), keeping anonymised what the statistics read.

The anonymised shape: **rows stay, their personal content goes.** The statistics (``exports/statistics.py``) count
``Application`` rows by programme, committee, centre and campaign, with their dossier status, latest decision,
answer and dates; those rows are kept whole, so a campaign's figures read the same before and after.

- ``anonymise_applications``: what an application holds of the person goes — answers to questions, pieces (their
  files through the file store, so the bytes really go once the transaction commits), staff notes, tags and scores
  (and the combined score), the free texts of decisions and answers, the mails about it, the values and client
  addresses of its audit events; the row is stamped ``anonymised_at``.
- ``erase_candidates``: every application of the candidates, as above, then the dossier: address, records, work
  experience and internships are deleted; the ``Candidate`` row keeps its nationality and the baccalauréat row its
  series, year, mention and country (what the statistics group by), every other column is blanked or replaced by
  ``ANONYMOUS_NAME``; the ``Account`` is closed (``deleted_at``) with its e-mail, names, password and SSO link
  replaced, its tokens and mails deleted, its audit events' values blanked. The audit rows stay (the audit of actions
  is kept as long as the portal): who did what and when, never to whom by name.

Each function works in the caller's transaction on the ids it is given, with set-based statements (no per-row
round trip), and is idempotent: run twice, it changes nothing more.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.models import (
    Account,
    AccountToken,
    ActorKind,
    Address,
    Application,
    ApplicationTag,
    AuditEvent,
    Baccalaureate,
    Candidate,
    CandidateAnswer,
    Civility,
    Decision,
    EnrolmentHandoff,
    ErasureRequest,
    ExternalRecord,
    FileKind,
    InternalRecord,
    Internship,
    Note,
    OutboxMail,
    QuestionAnswer,
    Score,
    StaffMessageRecipient,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
    WorkExperience,
)
from app.services.platform import file_store

# What an erased candidate's name reads everywhere (names are stored upper-case without accents).
ANONYMOUS_NAME = "CANDIDAT ANONYMISE"
ANONYMOUS_DOMAIN = "anonyme.invalid"  # RFC 2606: never delivered
# The rows of the person alone; messages staff sent them keep their rendered text (first name included).
_DOSSIER_TABLES = (Address, InternalRecord, ExternalRecord, WorkExperience, Internship, StaffMessageRecipient)
_FILE_KINDS = (FileKind.UPLOAD, FileKind.MERGED, FileKind.LETTER)  # a candidate's own files (not exports, templates)


def _run(session: Session, statement: sa.Executable) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return getattr(result, "rowcount", 0) or 0


def _blank_audit(session: Session, *conditions: sa.ColumnElement[bool]) -> None:
    """Blank the values and the candidate's client address of the events matching any condition (one statement
    each, so that each uses its index); the action, actor and date stay."""
    for matching in conditions:
        _run(session, sa.update(AuditEvent).where(matching).values(before={}, after={}))
        _run(
            session,
            sa.update(AuditEvent)
            .where(matching, col(AuditEvent.actor_kind) == ActorKind.CANDIDATE)
            .values(client_address=None),
        )


def anonymise_applications(session: Session, application_ids: list[int], now: datetime) -> int:
    """Erase the personal content of these applications (see the module docstring); returns how many were not
    anonymised yet."""
    if not application_ids:
        return 0
    in_ids = col(Application.id).in_(application_ids)
    documents = select(SubmittedDocument.id).where(col(SubmittedDocument.application_id).in_(application_ids))
    file_ids = set(
        session.exec(
            select(SubmittedDocumentFile.stored_file_id).where(
                col(SubmittedDocumentFile.submitted_document_id).in_(documents)
            )
        ).all()
    )
    file_ids |= {
        file_id
        for file_id in session.exec(
            select(SubmittedDocument.merged_file_id).where(col(SubmittedDocument.application_id).in_(application_ids))
        ).all()
        if file_id is not None
    }
    _run(
        session, sa.delete(SubmittedDocumentFile).where(col(SubmittedDocumentFile.submitted_document_id).in_(documents))
    )
    for table in (SubmittedDocument, QuestionAnswer, Note, ApplicationTag, OutboxMail, Score):
        _run(session, sa.delete(table).where(col(table.application_id).in_(application_ids)))
    _run(
        session,
        sa.update(Decision)
        .where(col(Decision.application_id).in_(application_ids))
        .values(comment="", preselection_place=None),
    )
    _run(
        session,
        sa.update(CandidateAnswer).where(col(CandidateAnswer.application_id).in_(application_ids)).values(reason=""),
    )
    _run(
        session,
        sa.update(EnrolmentHandoff)
        .where(col(EnrolmentHandoff.application_id).in_(application_ids))
        .values(last_error=""),
    )
    _blank_audit(session, col(AuditEvent.application_id).in_(application_ids))
    stamped = _run(
        session,
        sa.update(Application)
        .where(in_ids, col(Application.anonymised_at).is_(None))
        .values(anonymised_at=now, score=None),
    )
    release_unreferenced_files(session, file_ids)
    return stamped


def release_unreferenced_files(session: Session, file_ids: set[int]) -> int:
    """Delete the candidate files among ``file_ids`` that no piece references any more (a newer campaign's piece
    may share them); their bytes go once the transaction commits."""
    if not file_ids:
        return 0
    # IN lists on the indexed columns rather than correlated NOT EXISTS: with every merged_file_id NULL, SQLite's
    # statistics make it scan the pieces once per file. The links were read after this transaction's first write,
    # which on SQLite holds every other writer back; on PostgreSQL only the erased candidate could link these files.
    ids = list(file_ids)
    used = set(
        session.exec(
            select(SubmittedDocumentFile.stored_file_id).where(col(SubmittedDocumentFile.stored_file_id).in_(ids))
        ).all()
    )
    used |= set(
        session.exec(
            select(SubmittedDocument.merged_file_id).where(col(SubmittedDocument.merged_file_id).in_(ids))
        ).all()
    )
    free = [i for i in ids if i not in used]
    rows = session.exec(
        select(StoredFile.id, StoredFile.storage_key).where(
            col(StoredFile.id).in_(free), col(StoredFile.kind).in_(_FILE_KINDS)
        )
    ).all()
    if not rows:
        return 0
    _run(session, sa.delete(StoredFile).where(col(StoredFile.id).in_([row[0] for row in rows])))
    for _id, key in rows:
        file_store.delete_after_commit(session, key)
    return len(rows)


def erase_candidates(session: Session, candidate_ids: list[int], now: datetime) -> int:
    """Erase everything these candidates' rows hold of the person (applications, dossier, account); returns how
    many were not erased yet."""
    if not candidate_ids:
        return 0
    applications = session.exec(select(Application.id).where(col(Application.candidate_id).in_(candidate_ids))).all()
    anonymise_applications(session, [i for i in applications if i is not None], now)
    owned = session.exec(select(StoredFile.id).where(col(StoredFile.owner_candidate_id).in_(candidate_ids))).all()
    release_unreferenced_files(session, {i for i in owned if i is not None})
    for table in _DOSSIER_TABLES:
        _run(session, sa.delete(table).where(col(table.candidate_id).in_(candidate_ids)))
    _run(
        session,
        sa.update(Baccalaureate)
        .where(col(Baccalaureate.candidate_id).in_(candidate_ids))
        .values(options="", establishment_uai=None, establishment_label="", department=None),
    )
    _blank_audit(session, col(AuditEvent.candidate_id).in_(candidate_ids))
    erased = _run(
        session,
        sa.update(Candidate)
        .where(col(Candidate.id).in_(candidate_ids), col(Candidate.anonymised_at).is_(None))
        .values(**_ANONYMOUS_CANDIDATE, anonymised_at=now, updated_at=now),
    )
    accounts = session.exec(select(Candidate.account_id).where(col(Candidate.id).in_(candidate_ids))).all()
    close_accounts(session, list(accounts), now)
    return erased


_ANONYMOUS_CANDIDATE = {
    "civility": Civility.UNSPECIFIED,
    "birth_name": ANONYMOUS_NAME,
    "usage_name": "",
    "first_names": "",
    "birth_date": None,
    "birth_country": "",
    "birth_department": None,
    "birth_commune_insee": None,
    "birth_place": "",
    "phone": "",
    "mobile": "",
    "ine": None,
    "student_number": None,
    "locked_fields": [],
    "search_text": "",
}


def close_accounts(session: Session, account_ids: list[int], now: datetime) -> None:
    """Close these accounts: identity replaced, sign-in impossible, tokens and mails deleted, audit values blanked;
    their pending erasure requests are done."""
    if not account_ids:
        return
    in_ids = col(Account.id).in_(account_ids)
    _run(session, sa.delete(AccountToken).where(col(AccountToken.account_id).in_(account_ids)))
    _run(session, sa.delete(OutboxMail).where(col(OutboxMail.account_id).in_(account_ids)))
    addresses = select(Account.email).where(col(Account.id).in_(account_ids), col(Account.deleted_at).is_(None))
    _run(session, sa.delete(OutboxMail).where(col(OutboxMail.to_address).in_(addresses)))  # unlinked ones too
    _blank_audit(
        session,
        col(AuditEvent.actor_account_id).in_(account_ids),
        sa.and_(col(AuditEvent.entity_type) == "account", col(AuditEvent.entity_id).in_(account_ids)),
    )
    anonymous = sa.literal("anon-") + sa.cast(col(Account.id), sa.String)
    _run(
        session,
        sa.update(Account)
        .where(in_ids, col(Account.deleted_at).is_(None))
        .values(
            dossier_number=anonymous,
            email=anonymous + sa.literal(f"@{ANONYMOUS_DOMAIN}"),
            last_name=ANONYMOUS_NAME,
            first_name="",
            password_hash=None,
            sso_provider=None,
            sso_subject=None,
            student_number=None,
            throttled_until=None,
            failed_sign_ins=0,
            search_text="",
            email_bounced_at=None,  # the server's refusal quotes the address
            email_bounce_reason="",
            deleted_at=now,
        ),
    )
    _run(
        session,
        sa.update(ErasureRequest)
        .where(col(ErasureRequest.account_id).in_(account_ids), col(ErasureRequest.done_at).is_(None))
        .values(done_at=now),
    )


__all__ = [
    "ANONYMOUS_NAME",
    "anonymise_applications",
    "close_accounts",
    "erase_candidates",
    "release_unreferenced_files",
]
