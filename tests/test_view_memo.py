"""A session that only reads keeps an application's latest published decision for the rest of it (a page's load
asks for it in three services); any other session reads it every time (app/services/platform/transaction_memo.py)."""

from sqlmodel import Session

from app.models import DecisionKind, DocumentStatus
from app.services.decisions.published import latest_published
from app.services.platform.transaction_memo import LATEST_PUBLISHED, only_reads, view_memo
from tests import factories
from tests.test_transmission import setup


def test_a_session_that_may_write_reads_the_latest_decision_again(session: Session) -> None:
    _actor, application = setup(session, pieces=(DocumentStatus.VALIDATED,))
    assert application.id is not None
    first = factories.published_decision(session, application=application, kind=DecisionKind.WAITING_LIST)
    assert latest_published(session, application.id) == first
    second = factories.published_decision(session, application=application, kind=DecisionKind.FAVORABLE)
    assert latest_published(session, application.id) == second  # published in the same session: seen
    assert view_memo(session, LATEST_PUBLISHED) is None


def test_a_session_that_only_reads_keeps_what_it_read_until_it_leaves_that_state(session: Session) -> None:
    _actor, application = setup(session, pieces=(DocumentStatus.VALIDATED,))
    assert application.id is not None
    first = factories.published_decision(session, application=application, kind=DecisionKind.WAITING_LIST)
    session.commit()
    with only_reads(session):
        assert latest_published(session, application.id) == first
        factories.published_decision(session, application=application, kind=DecisionKind.FAVORABLE)
        assert latest_published(session, application.id) == first  # kept: a reading session writes nothing
    latest = latest_published(session, application.id)
    assert latest is not None and latest.kind == DecisionKind.FAVORABLE  # outside, read again
    assert view_memo(session, LATEST_PUBLISHED) is None
