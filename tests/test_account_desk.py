"""The account desk (« Gestionnaire de candidats », #22 item 5): search by each key, one account's view, resend
activation, a corrected e-mail confirmed by the new address, unlock, and who may do it (the scope matrix)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import Account, AccountToken, AuditEvent, OutboxMail, SignInThrottle, StaffRole, TokenPurpose
from app.services.accounts import credentials, desk
from app.services.applications.staff_scope import require_application_in_scope
from app.services.platform.errors import DomainError, Forbidden, NotFound
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def people(session: Session, clock: Any) -> dict[str, Any]:
    clock.set(NOW)
    eloise = factories.candidate(
        session,
        account_id=factories.account(session, email="eloise.lefevre@mail.example", dossier_number="D2600001").id,
        birth_name="LEFÈVRE",
        first_names="ÉLOÏSE",
        birth_date=date(2005, 3, 1),
        ine="1234567890A",
    )
    other = factories.candidate(session, birth_name="MARTIN", first_names="PAUL")
    bare = factories.account(session, last_name="Œillet", first_name="Zoé", activated_at=None)
    centre = factories.centre(session)
    program = factories.program(session, centre_id=centre.id)
    application = factories.application(session, candidate_id=eloise.id, program=program)
    session.commit()
    return {"eloise": eloise, "other": other, "bare": bare, "program": program, "application": application}


def _desk(session: Session) -> Any:
    actor = factories.staff_actor(session, StaffRole.ACCOUNT_DESK)
    session.commit()
    return actor


def _found(session: Session, actor: Any, text: str) -> list[str]:
    return [row.dossier_number for row in desk.search_accounts(session, actor=actor, text=text).rows]


@pytest.mark.parametrize(
    "text",
    ["lefevre", "LEFÈVRE", "Éloïse lefèvre", "eloise.lefevre@MAIL", "d2600001", "1234567890a"],
    ids=["name", "accents", "two-words", "email", "dossier", "ine"],
)
def test_search_finds_the_account_by_each_key_whatever_accents_and_case(
    session: Session, people: dict[str, Any], text: str
) -> None:
    assert _found(session, _desk(session), text) == ["D2600001"]


def test_search_finds_an_account_without_dossier_by_its_account_names(session: Session, people: dict[str, Any]) -> None:
    assert _found(session, _desk(session), "oeillet zoe") == [people["bare"].dossier_number]


def test_search_is_paginated_and_refuses_an_empty_query(session: Session, people: dict[str, Any]) -> None:
    actor = _desk(session)
    for n in range(desk.PAGE_SIZE + 3):
        factories.candidate(session, birth_name="DURAND", first_names=f"ANNE{n:02d}")
    session.commit()
    first = desk.search_accounts(session, actor=actor, text="durand")
    second = desk.search_accounts(session, actor=actor, text="durand", page=2)
    assert (first.total, len(first.rows), len(second.rows)) == (desk.PAGE_SIZE + 3, desk.PAGE_SIZE, 3)
    assert not {r.account_id for r in first.rows} & {r.account_id for r in second.rows}
    with pytest.raises(DomainError) as refused:
        desk.search_accounts(session, actor=actor, text="  - ")
    assert refused.value.code == "search_empty"


def test_account_view_lists_applications_across_centres_and_the_block(session: Session, people: dict[str, Any]) -> None:
    actor = _desk(session)
    account = session.get(Account, people["eloise"].account_id)
    assert account is not None
    account.throttled_until, account.failed_sign_ins = NOW + timedelta(minutes=10), 2
    session.add(account)
    session.commit()
    view = desk.open_account(session, actor=actor, account_id=account.id or 0)
    assert [line.program_code for line in view.applications] == [people["program"].code]
    assert view.throttled_until == NOW + timedelta(minutes=10)
    assert view.row.ine == "1234567890A" and view.row.activated


def test_resend_activation_only_for_an_unactivated_account_and_rate_limited(
    session: Session, people: dict[str, Any]
) -> None:
    actor = _desk(session)
    with pytest.raises(DomainError) as refused:
        desk.resend_activation_for(session, actor=actor, account_id=people["eloise"].account_id)
    assert refused.value.code == "already_activated"
    bare_id = people["bare"].id
    for _ in range(desk.RESENDS_PER_HOUR):
        desk.resend_activation_for(session, actor=actor, account_id=bare_id)
    with pytest.raises(DomainError) as throttled:
        desk.resend_activation_for(session, actor=actor, account_id=bare_id)
    assert throttled.value.code == "resend_throttled"
    sent = session.exec(select(OutboxMail).where(OutboxMail.account_id == bare_id)).all()
    assert [m.code for m in sent] == ["activation_resent"] * desk.RESENDS_PER_HOUR


def test_email_fix_applies_only_when_the_new_address_confirms(session: Session, people: dict[str, Any]) -> None:
    actor = _desk(session)
    account_id = people["eloise"].account_id
    desk.request_email_fix(
        session,
        actor=actor,
        account_id=account_id,
        new_email="Eloise@New.example",
        new_email_confirm="eloise@new.example",
    )
    session.commit()
    account = session.get(Account, account_id)
    assert account is not None and account.email == "eloise.lefevre@mail.example"  # not yet
    mail = session.exec(select(OutboxMail).where(OutboxMail.code == "email_change_new_address")).one()
    assert mail.to_address == "eloise@new.example"
    token = session.exec(select(AccountToken).where(AccountToken.purpose == TokenPurpose.EMAIL_CHANGE)).one()
    assert token.new_email == "eloise@new.example"
    secret = _secret_in(mail.body_text)
    credentials.confirm_email_change(session, actor=actor, token=secret)
    session.commit()
    session.refresh(account)
    assert account.email == "eloise@new.example"


def _secret_in(body: str) -> str:
    return body.split("/compte/email/")[1].split()[0].strip(").,")


def test_email_fix_refuses_a_taken_or_unchanged_or_mismatched_address(session: Session, people: dict[str, Any]) -> None:
    actor = _desk(session)
    taken = session.get(Account, people["other"].account_id)
    assert taken is not None
    cases = [(taken.email, taken.email, "email_taken"), ("eloise.lefevre@mail.example",) * 2 + ("email_unchanged",)]
    for new, confirm, code in cases:
        with pytest.raises(DomainError) as refused:
            desk.request_email_fix(
                session, actor=actor, account_id=people["eloise"].account_id, new_email=new, new_email_confirm=confirm
            )
        assert refused.value.code == code
    with pytest.raises(DomainError):
        desk.request_email_fix(
            session,
            actor=actor,
            account_id=people["eloise"].account_id,
            new_email="a@b.example",
            new_email_confirm="c@b.example",
        )
    assert session.exec(select(OutboxMail)).all() == []


def test_unlock_clears_the_block_and_the_login_counters(session: Session, people: dict[str, Any]) -> None:
    actor = _desk(session)
    account = session.get(Account, people["eloise"].account_id)
    assert account is not None
    account.throttled_until, account.failed_sign_ins = NOW + timedelta(minutes=10), 4
    session.add(account)
    for key in ("login:eloise.lefevre@mail.example", "login:d2600001", "address:192.0.2.1"):
        session.add(
            SignInThrottle(key=key, failures=5, window_started_at=NOW, blocked_until=NOW + timedelta(minutes=9))
        )
    session.commit()
    desk.unlock_account(session, actor=actor, account_id=account.id or 0)
    session.commit()
    session.refresh(account)
    assert (account.throttled_until, account.failed_sign_ins) == (None, 0)
    assert [r.key for r in session.exec(select(SignInThrottle)).all()] == ["address:192.0.2.1"]
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "desk.account_unlocked")).one()


ALLOWED = [
    (StaffRole.ACCOUNT_DESK, {}),
    (StaffRole.CENTRAL_OFFICE, {}),
    (StaffRole.ADMINISTRATOR, {}),
]


def _scoped_roles(session: Session, people: dict[str, Any]) -> list[tuple[StaffRole, dict[str, int]]]:
    program = people["program"]
    return [
        (StaffRole.CENTRE_MANAGER, {"centre_id": program.centre_id}),
        (StaffRole.COMMITTEE_MEMBER, {"committee_id": program.committee_id}),
    ]


def test_scope_matrix_desk_and_central_office_act_programme_manager_and_committee_member_refused(
    session: Session, people: dict[str, Any]
) -> None:
    account_id = people["bare"].id
    acts = [
        lambda s, a: desk.search_accounts(s, actor=a, text="oeillet"),
        lambda s, a: desk.open_account(s, actor=a, account_id=account_id),
        lambda s, a: desk.unlock_account(s, actor=a, account_id=account_id),
        lambda s, a: desk.resend_activation_for(s, actor=a, account_id=account_id),
    ]
    for role, scope in ALLOWED:
        actor = factories.staff_actor(session, role, **scope)
        for act in acts[:3]:
            act(session, actor)
    for role, scope in _scoped_roles(session, people):
        actor = factories.staff_actor(session, role, **scope)
        for act in acts:
            with pytest.raises(Forbidden):
                act(session, actor)
    read_only = factories.staff_actor(session, StaffRole.ACCOUNT_DESK, read_only=True)
    desk.open_account(session, actor=read_only, account_id=account_id)
    with pytest.raises(Forbidden):
        desk.unlock_account(session, actor=read_only, account_id=account_id)


def test_the_desk_has_no_right_on_applications(session: Session, people: dict[str, Any]) -> None:
    actor = _desk(session)
    with pytest.raises(NotFound):
        require_application_in_scope(session, actor=actor, application_id=people["application"].id)
