"""« Langue préférée »: the candidate chooses the language of their mails; audited; anything else is refused."""

import pytest
from sqlmodel import Session, select

from app.models import Account, AuditEvent
from app.services.accounts.candidates import set_preferred_language
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from tests import factories


def test_the_candidate_sets_the_language_of_their_mails(session: Session) -> None:
    candidate = factories.complete_candidate(session)
    session.commit()
    actor = factories.candidate_actor(session, candidate)
    account = set_preferred_language(session, actor=actor, language="en")
    set_preferred_language(session, actor=actor, language="en")  # unchanged: audited once
    session.commit()
    assert session.get(Account, account.id).language == "en"
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "account.language_changed")).all()
    assert (event.before, event.after) == ({"language": "fr"}, {"language": "en"})
    with pytest.raises(DomainError) as refused:
        set_preferred_language(session, actor=actor, language="de")
    assert (refused.value.code, refused.value.field) == ("unknown_language", "language")


def test_a_read_only_view_or_another_actor_changes_nothing(session: Session) -> None:
    candidate = factories.complete_candidate(session)
    session.commit()
    viewing = Actor("candidate", account_id=candidate.account_id, impersonated_by_staff_id=1)
    with pytest.raises(DomainError):
        set_preferred_language(session, actor=viewing, language="en")
    with pytest.raises(DomainError):
        set_preferred_language(session, actor=Actor.system(), language="en")
    session.rollback()
    assert session.get(Account, candidate.account_id).language == "fr"
