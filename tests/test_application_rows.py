"""The candidate's application page reads the application's rows once: its pieces' cards and what « Transmettre »
waits for, drawn from them, say what their own reads say, in fewer queries."""

from dataclasses import replace

from sqlalchemy import event
from sqlmodel import Session

from app.db import get_engine
from app.models import DocumentStatus, QuestionAnswer
from app.services.applications.transmission import transmission_readiness
from app.services.applications.views import get_my_application, read_my_application
from app.services.documents import pieces as documents
from tests import factories
from tests.test_transmission import setup


def counted(session: Session, read) -> tuple[object, int]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("")

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        return read(), len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_pages_views_drawn_from_the_rows_read_once_are_those_read_apart(session: Session) -> None:
    actor, application = setup(session, pieces=(DocumentStatus.SUBMITTED, DocumentStatus.PENDING))
    conditional = factories.required_document(
        session, program_id=application.program_id, label_fr="Attestation MDPH", is_conditional=True
    )
    factories.submitted_document(session, application_id=application.id, required_document_id=conditional.id)
    factories.required_document(session, program_id=application.program_id, label_fr="Ajoutée après")  # no row
    asked = factories.question(session, program_id=application.program_id, label_fr="Boursier ?")
    answered = factories.question(session, program_id=application.program_id, label_fr="Alternance ?")
    session.add(QuestionAnswer(application_id=application.id, question_id=answered.id, bool_value=False))
    session.commit()
    ids = {"actor": actor, "application_id": application.id, "lang": "fr"}

    session.expunge_all()
    apart, apart_count = counted(
        session,
        lambda: (
            get_my_application(session, **ids),
            documents.list_pieces(session, **ids),
            transmission_readiness(session, **ids),
        ),
    )
    session.expunge_all()
    session.info.clear()

    def once():  # type: ignore[no-untyped-def]
        detail, rows = read_my_application(session, **ids)
        return (
            detail,
            documents.list_pieces(session, **ids, rows=rows),
            transmission_readiness(session, **ids, rows=rows),
        )

    shared, shared_count = counted(session, once)
    assert shared[:2] == apart[:2]
    readiness, alone = shared[2], apart[2]
    assert replace(readiness, refusal=None) == replace(alone, refusal=None)  # an error is equal only to itself
    assert readiness.refusal is not None and alone.refusal is not None
    assert (readiness.refusal.code, readiness.refusal.params) == (alone.refusal.code, alone.refusal.params)
    assert readiness.missing_pieces == ["Pièce 1", "Attestation MDPH", "Ajoutée après"]
    assert readiness.unanswered_questions == ["Boursier ?"] and asked.id is not None
    # Read apart, the services still share the application row (own_application) but read the pieces, questions
    # and answers again: four statements more.
    assert shared_count <= apart_count - 4
