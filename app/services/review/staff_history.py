"""The « Historique » of an application as staff read it: its audit events and the candidate's dossier events,
their ids and codes resolved to labels and names."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from app.models import (
    ActorKind,
    Application,
    AuditEvent,
    DecisionType,
    Question,
    RequiredDocument,
    StoredFile,
    SubmittedDocument,
    Tag,
)
from app.services.dossier.lycees import lycee_names
from app.services.platform.labels import label_in


@dataclass(frozen=True)
class StaffAuditLine:
    """One event of the « Historique », its references resolved: tag ids, file ids and decision type codes are
    replaced by their labels and names (None where the row is gone), ``subject`` names the piece or question."""

    at: datetime
    actor_kind: ActorKind
    actor_name: str  # the staff member's name when staff acted ("" otherwise, or for a deleted member)
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    subject: str = ""  # the piece or the question the event is about, in the reader's language


def application_history(
    session: Session, application: Application, candidate_id: int, names: dict[int, str], lang: str
) -> list[StaffAuditLine]:
    """This application's events and the candidate's dossier events, newest first (the last 200)."""
    rows = session.exec(
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.application_id == application.id,
                (col(AuditEvent.candidate_id) == candidate_id) & col(AuditEvent.application_id).is_(None),
            )
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(200)
    ).all()
    refs = _HistoryRefs.read(session, rows, lang)
    return [
        StaffAuditLine(
            e.at,
            e.actor_kind,
            names.get(e.actor_staff_id or 0, "") if e.actor_kind == ActorKind.STAFF else "",
            e.action,
            refs.resolve(e.before),
            refs.resolve(e.after),
            refs.subject(e),
        )
        for e in rows
    ]


_PIECE_ENTITIES = ("submitteddocument", "submitted_document")  # both spellings are in the trail


@dataclass
class _HistoryRefs:
    """The labels and names the history's events refer to by id or code, read in one query per kind."""

    pieces: dict[int, str]
    questions: dict[int, str]
    tags: dict[int, str]
    types: dict[str, str]
    files: dict[int, str]
    lycees: dict[str, str] = field(default_factory=dict)  # a baccalauréat's lycée by UAI (app/data has the others)

    @classmethod
    def read(cls, session: Session, rows: Any, lang: str) -> "_HistoryRefs":
        values = [values for e in rows for values in (e.before, e.after)]
        piece_ids = {e.entity_id for e in rows if e.entity_type in _PIECE_ENTITIES and e.entity_id is not None}
        question_ids = {e.entity_id for e in rows if e.entity_type == "question" and e.entity_id is not None}
        tag_ids = {i for v in values if isinstance(v.get("tags"), list) for i in v["tags"] if isinstance(i, int)}
        file_ids = {i for v in values if isinstance(v.get("files"), list) for i in v["files"] if isinstance(i, int)}
        codes = {v["type"] for v in values if isinstance(v.get("type"), str)}
        refs = cls({}, {}, {}, {}, {})
        uais = {v["establishment_uai"] for v in values if isinstance(v.get("establishment_uai"), str)}
        refs.lycees = lycee_names(session, uais)
        if piece_ids:
            for piece_id, required in session.exec(
                select(SubmittedDocument.id, RequiredDocument)
                .join(RequiredDocument, col(RequiredDocument.id) == SubmittedDocument.required_document_id)
                .where(col(SubmittedDocument.id).in_(piece_ids))
            ).all():
                refs.pieces[piece_id or 0] = label_in(required, lang)
        if question_ids:
            for question in session.exec(select(Question).where(col(Question.id).in_(question_ids))).all():
                refs.questions[question.id or 0] = label_in(question, lang)
        if tag_ids:
            refs.tags = {t.id or 0: t.label for t in session.exec(select(Tag).where(col(Tag.id).in_(tag_ids))).all()}
        if codes:
            for dtype in session.exec(select(DecisionType).where(col(DecisionType.code).in_(codes))).all():
                refs.types[dtype.code] = label_in(dtype, lang)
        if file_ids:
            stored = select(StoredFile.id, StoredFile.original_name).where(col(StoredFile.id).in_(file_ids))
            refs.files = {file_id or 0: name for file_id, name in session.exec(stored).all()}
        return refs

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        resolved = dict(values)
        if isinstance(values.get("tags"), list):
            resolved["tags"] = [self.tags.get(i) for i in values["tags"]]
        if isinstance(values.get("files"), list):
            resolved["files"] = [self.files.get(i) for i in values["files"]]
        if isinstance(values.get("type"), str):
            resolved["type"] = self.types.get(values["type"], values["type"])
        if values.get("establishment_uai") in self.lycees:
            resolved["establishment_uai"] = self.lycees[values["establishment_uai"]]
        return resolved

    def subject(self, event: AuditEvent) -> str:
        if event.entity_type in _PIECE_ENTITIES:
            return self.pieces.get(event.entity_id or 0, "")
        if event.entity_type == "question":
            return self.questions.get(event.entity_id or 0, "")
        return ""
