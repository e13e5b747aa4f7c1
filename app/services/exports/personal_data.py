"""« Télécharger mes données » (RGPD right of access and portability): everything held about one candidate.

``collect(session, account_id=..., language=...)`` returns the content of ``donnees.json`` as plain data; its
top-level keys are ``KEYS`` (each documented in the file itself, under ``documentation``, in the candidate's
language). Rows are written column by column (a column added later is exported without a change here), except
``OMITTED_COLUMNS``: secrets and derived search text, which are not data about the person.

Deliberately left out: decisions entered but not yet published (the committee's deliberation in progress; a
published decision is always in), and the staff's internal tags. The staff's post-its appear as the audit records
them (``history``).

``write_zip`` builds the archive: ``donnees.json``, the files of every piece the candidate uploaded
(``pieces/…``) and the dossier PDF of each live application (``dossier/…``), with progress reported per entry.
"""

import json
import zipfile
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app import clock
from app.config import get_settings
from app.db import new_session
from app.i18n import N_, gettext
from app.models import (
    Account,
    Address,
    Application,
    ApplicationCentre,
    AuditEvent,
    Baccalaureate,
    Campaign,
    Candidate,
    CandidateAnswer,
    Decision,
    DecisionType,
    ExternalRecord,
    InternalRecord,
    Internship,
    OutboxMail,
    Program,
    Question,
    QuestionAnswer,
    RefusalReason,
    RequiredDocument,
    StaffMember,
    StaffMessage,
    StaffMessageRecipient,
    StoredFile,
    SubmittedDocument,
    SubmittedDocumentFile,
    WorkExperience,
)
from app.services.documents.dossier_pdf import dossier_pdf_context
from app.services.documents.dossier_pdf_render import dossier_filename
from app.services.exports.builders import Progress, Render, draw_here
from app.services.platform import file_store
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.platform.file_names import ascii_part

FORMAT_VERSION = 1
OMITTED_COLUMNS = frozenset({"password_hash", "search_text", "version", "token_hash"})
DOCUMENTATION: dict[str, str] = {
    "format": N_("Nom et version de ce format, date de création du fichier, établissement."),
    "documentation": N_("Ce que contient chaque clé de ce fichier."),
    "account": N_("Votre compte : numéro de dossier, adresse e-mail, nom, langue, dates de création et de connexion."),
    "dossier": N_(
        "Votre dossier, onglet par onglet : informations personnelles, adresse, baccalauréat, cursus interne et "
        "externe, expériences professionnelles, stages (vide si vous ne l'avez pas encore rempli)."
    ),
    "applications": N_(
        "Vos candidatures (annulées comprises) : formation, statuts et dates, pièces (nom, statut, date, fichiers), "
        "avis publiés, vos réponses aux propositions et aux questions."
    ),
    "mails": N_("Les courriels que le portail vous a envoyés et qu'il conserve encore : objet, texte, dates."),
    "messages": N_(
        "Les messages que les services de scolarité vous ont écrits (page « Messages ») : date, objet, texte."
    ),
    "history": N_(
        "Qui a consulté ou modifié votre dossier et quand (vous, un gestionnaire nommé, ou le système), "
        "avec ce que l'historique enregistre."
    ),
    "files": N_("Les fichiers joints à cette archive : vos pièces justificatives et le PDF de chaque dossier."),
}
KEYS = tuple(DOCUMENTATION)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # dates and times
        return value.isoformat()
    return value


def row(obj: Any) -> dict[str, Any]:
    """Every column of a row but ``OMITTED_COLUMNS``, JSON-ready."""
    table: sa.Table = obj.__table__
    return {c.key: _plain(getattr(obj, c.key)) for c in table.columns if c.key not in OMITTED_COLUMNS}


def _rows(session: Session, model: Any, *where: Any) -> list[dict[str, Any]]:
    return [row(r) for r in session.exec(select(model).where(*where).order_by(col(model.id))).all()]


def _labels(obj: Any) -> dict[str, Any]:
    return {"code": getattr(obj, "code", None), "label_fr": obj.label_fr, "label_en": obj.label_en}


def _dossier(session: Session, candidate: Candidate) -> dict[str, Any]:
    cid = candidate.id
    address = session.exec(select(Address).where(Address.candidate_id == cid)).first()
    bac = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == cid)).first()
    return {
        "personal_information": row(candidate),
        "address": row(address) if address else None,
        "baccalaureate": row(bac) if bac else None,
        "internal_records": _rows(session, InternalRecord, InternalRecord.candidate_id == cid),
        "external_records": _rows(session, ExternalRecord, ExternalRecord.candidate_id == cid),
        "work_experiences": _rows(session, WorkExperience, WorkExperience.candidate_id == cid),
        "internships": _rows(session, Internship, Internship.candidate_id == cid),
    }


def _pieces(session: Session, application_id: int) -> list[dict[str, Any]]:
    pieces = []
    submitted_rows = session.exec(
        select(SubmittedDocument, RequiredDocument)
        .join(RequiredDocument, col(RequiredDocument.id) == SubmittedDocument.required_document_id)
        .where(SubmittedDocument.application_id == application_id)
        .order_by(col(SubmittedDocument.id))
    ).all()
    for submitted, required in submitted_rows:
        files = session.exec(
            select(StoredFile)
            .join(SubmittedDocumentFile, col(SubmittedDocumentFile.stored_file_id) == StoredFile.id)
            .where(SubmittedDocumentFile.submitted_document_id == submitted.id)
            .order_by(col(SubmittedDocumentFile.position))
        ).all()
        pieces.append(
            {
                "piece": _labels(required),
                "status": submitted.status.value,
                "status_at": _plain(submitted.status_at),
                "comment": submitted.comment,
                "files": [_file_entry(stored, required.code) for stored in files],
            }
        )
    return pieces


def _file_entry(stored: StoredFile, piece_code: str) -> dict[str, Any]:
    name = ascii_part(Path(stored.original_name).stem, limit=60) or "fichier"
    return {
        "name": stored.original_name,
        "media_type": stored.media_type,
        "size": stored.size,
        "uploaded_at": _plain(stored.created_at),
        "archive_path": f"pieces/{ascii_part(piece_code, limit=30) or 'piece'}/{stored.id}_{name}.pdf",
        "storage_key": stored.storage_key,  # dropped from the JSON once the file is written (see write_zip)
    }


def _decisions(session: Session, application_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Decision, DecisionType, RefusalReason)
        .join(DecisionType, col(DecisionType.id) == Decision.decision_type_id)
        .outerjoin(RefusalReason, col(RefusalReason.id) == Decision.refusal_reason_id)
        .where(Decision.application_id == application_id, col(Decision.published_at).is_not(None))
        .order_by(col(Decision.published_at))
    ).all()
    return [
        {
            "kind": decision.kind.value,
            "type": _labels(kind),
            "refusal_reason": _labels(reason) if reason else None,
            "comment": decision.comment,
            "waiting_list_rank": decision.waiting_list_rank,
            "preselection_at": _plain(decision.preselection_at),
            "preselection_place": decision.preselection_place,
            "published_at": _plain(decision.published_at),
            "confirmation_deadline": _plain(decision.confirmation_deadline),
        }
        for decision, kind, reason in rows
    ]


def _question_answers(session: Session, application_id: int) -> list[dict[str, Any]]:
    rows = session.exec(
        select(QuestionAnswer, Question)
        .join(Question, col(Question.id) == QuestionAnswer.question_id)
        .where(QuestionAnswer.application_id == application_id)
        .order_by(col(QuestionAnswer.id))
    ).all()
    return [
        {"question": _labels(question), "text": answer.text_value, "yes_no": answer.bool_value}
        | {"answered_at": _plain(answer.answered_at)}
        for answer, question in rows
    ]


def _applications(session: Session, candidate_id: int) -> list[dict[str, Any]]:
    result = []
    rows = session.exec(
        select(Application, Program, ApplicationCentre, Campaign)
        .join(Program, col(Program.id) == Application.program_id)
        .join(ApplicationCentre, col(ApplicationCentre.id) == Application.centre_id)
        .join(Campaign, col(Campaign.id) == Application.campaign_id)
        .where(Application.candidate_id == candidate_id)
        .order_by(col(Application.id))
    ).all()
    for application, program, centre, campaign in rows:
        app_id = application.id or 0
        result.append(
            {
                "application": row(application),
                "campaign": _labels(campaign),
                "program": _labels(program),
                "centre": _labels(centre),
                "pieces": _pieces(session, app_id),
                "decisions": _decisions(session, app_id),
                "answers": _rows(session, CandidateAnswer, CandidateAnswer.application_id == app_id),
                "question_answers": _question_answers(session, app_id),
            }
        )
    return result


def _mails(session: Session, account: Account) -> list[dict[str, Any]]:
    mails = session.exec(
        select(OutboxMail).where(OutboxMail.account_id == account.id).order_by(col(OutboxMail.id))
    ).all()
    keep = ("code", "language", "to_address", "subject", "body_text", "status", "created_at", "sent_at")
    return [{key: _plain(getattr(mail, key)) for key in keep} for mail in mails]


def _messages(session: Session, candidate_id: int | None) -> list[dict[str, Any]]:
    rows = session.exec(
        select(StaffMessage.sent_at, StaffMessageRecipient)
        .join(StaffMessage, col(StaffMessage.id) == StaffMessageRecipient.message_id)
        .where(StaffMessageRecipient.candidate_id == (candidate_id or 0))
        .order_by(col(StaffMessage.sent_at), col(StaffMessage.id))
    ).all()
    return [
        {"sent_at": _plain(sent_at), "language": r.language, "subject": r.subject, "content_html": r.content_html}
        for sent_at, r in rows
    ]


def _history(session: Session, account: Account, candidate_id: int | None) -> list[dict[str, Any]]:
    mine = col(AuditEvent.actor_account_id) == account.id
    if candidate_id is not None:
        mine = sa.or_(mine, col(AuditEvent.candidate_id) == candidate_id)
    rows = session.exec(
        select(AuditEvent, StaffMember)
        .outerjoin(StaffMember, col(StaffMember.id) == AuditEvent.actor_staff_id)
        .where(mine)
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    ).all()
    return [
        {
            "at": _plain(event.at),
            "action": event.action,
            "actor": {"kind": event.actor_kind.value, "staff_name": staff.display_name if staff else None},
            "entity_type": event.entity_type,
            "entity_id": event.entity_id,
            "application_id": event.application_id,
            "before": event.before,
            "after": event.after,
        }
        for event, staff in rows
    ]


def collect(session: Session, *, account_id: int, language: str) -> dict[str, Any]:
    """The content of ``donnees.json`` for ``account_id`` (the caller has checked who asks)."""
    account = session.get(Account, account_id)
    if account is None:
        raise DomainError("account_gone", N_("Ce compte n'existe plus."))
    candidate = session.exec(select(Candidate).where(Candidate.account_id == account_id)).first()
    applications = _applications(session, candidate.id or 0) if candidate else []
    return {
        "format": {
            "name": "ecandidat-donnees-personnelles",
            "version": FORMAT_VERSION,
            "generated_at": clock.now().isoformat(),
            "institution": get_settings().institution_name,
            "language": language,
        },
        "documentation": {key: gettext(text, language) for key, text in DOCUMENTATION.items()},
        "account": row(account),
        "dossier": _dossier(session, candidate) if candidate else None,
        "applications": applications,
        "mails": _mails(session, account),
        "messages": _messages(session, candidate.id if candidate else None),
        "history": _history(session, account, candidate.id if candidate else None),
        "files": [],
    }


def _live_application_ids(data: dict[str, Any]) -> list[int]:
    return [a["application"]["id"] for a in data["applications"] if a["application"]["cancelled_at"] is None]


def write_zip(
    *, account_id: int, language: str, path: Path, progress: Progress, render: Render | None = None
) -> dict[str, Any]:
    """Write the candidate's archive to ``path``; returns the JSON written (for the tests)."""
    draw = render or draw_here
    actor = Actor("candidate", account_id=account_id)
    with new_session() as session:  # one short read; the files and PDFs are written after it
        data = collect(session, account_id=account_id, language=language)
        contexts = [dossier_pdf_context(session, actor=actor, application_id=i) for i in _live_application_ids(data)]
    files = {f["archive_path"]: f for a in data["applications"] for p in a["pieces"] for f in p["files"]}
    total, done = len(files) + len(contexts) + 1, 0
    progress(0, total)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, entry in files.items():
            source = file_store.path_of(entry["storage_key"])
            if source.exists():  # a file the purge took meanwhile is listed, not attached
                archive.write(source, name, compress_type=zipfile.ZIP_STORED)
                data["files"].append({"path": name, "what": "piece"})
            done += 1
            progress(done, total)
        for context in contexts:
            name = f"dossier/{dossier_filename(context)}"
            archive.writestr(name, draw(context, language), compress_type=zipfile.ZIP_STORED)
            data["files"].append({"path": name, "what": "dossier_pdf"})
            done += 1
            progress(done, total)
        for application in data["applications"]:  # the store's internal names say nothing about the person
            for piece in application["pieces"]:
                for entry in piece["files"]:
                    entry.pop("storage_key", None)
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
    progress(total, total)
    return data
