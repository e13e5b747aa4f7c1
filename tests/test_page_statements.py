"""What the busiest pages send to the database per view (#16, results day): a bounded number of statements,
whatever the size of what they show, so that an N+1 or a role read again for every service fails here."""

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import event
from sqlmodel import Session, col, func, select

from app.db import get_engine, new_session, transaction
from app.models import Application, DocumentStatus, StaffRole, StaffRoleAssignment
from app.pages.applications_detail_load import load_page
from app.pages.staff_applications import _list, _open
from app.services.accounts import current_role, list_roles
from app.services.platform.actors import Actor
from app.services.platform.errors import Forbidden
from app.services.review.staff_list_columns import ListQuery
from tests import factories
from tests.test_transmission import setup

T = TypeVar("T")
APPLICATION_PAGE_STATEMENTS = 10  # candidate, application with its programme/centre/campaign/committee, pieces,
# decisions, acted on, questions, answers, files, required pieces, address and baccalauréat
STAFF_LIST_SESSIONS = 3  # the header's roles (the guard takes its current role), the frame's reads, the rows
STAFF_LIST_STATEMENTS = 17  # with the examining committees' opinions of the page's rows (issue #22 item 1)


def statements_of(read: Callable[[], T]) -> tuple[T, list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        return read(), statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_application_page_reads_in_a_fixed_number_of_statements_whatever_its_pieces(session: Session) -> None:
    one = setup(session, pieces=(DocumentStatus.SUBMITTED,))
    six = setup(session, pieces=(DocumentStatus.SUBMITTED, DocumentStatus.PENDING, DocumentStatus.REFUSED) * 2)
    for _ in range(3):
        factories.question(session, program_id=six[1].program_id, is_mandatory=True)
    session.commit()
    counts = []
    for actor, application in (one, six):
        data, statements = statements_of(lambda a=actor, i=application.id: load_page(a, i, "fr"))
        assert data is not None and data.readiness is not None  # everything the page can show was read
        assert len(data.pieces) == len(data.detail.pieces)
        counts.append(len(statements))
    assert counts == [APPLICATION_PAGE_STATEMENTS, APPLICATION_PAGE_STATEMENTS]


def test_a_decided_applications_page_reads_its_committee_and_campaign_once(session: Session) -> None:
    """Results day: « Répondre » and the letter read the committee and the campaign the page read already."""
    actor, application = setup(session, pieces=(DocumentStatus.VALIDATED,))
    factories.published_decision(session, application=application)
    session.commit()
    data, statements = statements_of(lambda: load_page(actor, application.id, "fr"))
    assert data is not None and data.detail.summary.decision is not None and data.answer is not None
    assert not [s for s in statements if "FROM committee" in s or "FROM campaign" in s]  # joined to the application
    # « Répondre » and the letter take the latest published decision the page read (no decision read again)
    assert len([s for s in statements if s.startswith("SELECT decision.id")]) == 1
    # The 10 of any application, the letter's signing committee (a final examining committee signs: issue #22
    # item 1) and the interview booking.
    assert len(statements) == APPLICATION_PAGE_STATEMENTS + 2


def _first_page(actor: Actor) -> Any:
    with transaction() as own:  # the header's role list (app.ui.account_menu.load_roles), the guard's role too
        list_roles(own, actor=actor)
    _role, _columns, page_size, _options, _campaigns, active, _pieces = _open(actor)
    query = ListQuery(page_size=page_size, filters={"campaign": [active]}, language="fr")
    return _list(actor, query)


@pytest.mark.parametrize("per_centre", [5, 40])
def test_the_staff_lists_first_page_reads_the_role_once_a_session_and_its_rows_in_fixed_statements(
    session: Session, per_centre: int
) -> None:
    factories.list_world(session, per_centre=per_centre)
    assignment = factories.staff_with_role(session, StaffRole.CENTRAL_OFFICE)
    session.commit()
    actor = Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)
    listed, statements = statements_of(lambda: _first_page(actor))
    live = session.exec(select(func.count()).select_from(Application).where(col(Application.cancelled_at).is_(None)))
    assert listed.page is not None and listed.page.total == live.one() and listed.bulk is not None
    assert len(listed.page.rows) == min(listed.page.total, listed.page.page_size)
    role_reads = [s for s in statements if "FROM staffmember" in s]
    assert len(role_reads) == STAFF_LIST_SESSIONS  # one per session, however many services check the role
    assert len(statements) == STAFF_LIST_STATEMENTS


def test_a_role_withdrawn_is_refused_in_the_session_that_withdrew_it_and_in_the_next(session: Session) -> None:
    assignment = factories.staff_with_role(session, StaffRole.CENTRAL_OFFICE)
    kept = factories.staff_with_role(session, StaffRole.ADMINISTRATOR)
    session.commit()
    actor = Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)
    with new_session() as first:
        assert current_role(first, actor=actor).role == StaffRole.CENTRAL_OFFICE
        first.delete(first.exec(select(StaffRoleAssignment).where(StaffRoleAssignment.id == assignment.id)).one())
        first.flush()
        with pytest.raises(Forbidden):
            current_role(first, actor=actor)  # the pair this session kept is not served once deleted
        first.commit()
    with new_session() as second, pytest.raises(Forbidden):
        current_role(second, actor=actor)
    other = Actor("staff", staff_id=kept.staff_id, role_assignment_id=kept.id)
    with new_session() as third:
        assert current_role(third, actor=other).role == StaffRole.ADMINISTRATOR
        assert current_role(third, actor=other).role == StaffRole.ADMINISTRATOR  # from the session's pair
