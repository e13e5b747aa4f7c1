"""The account desk's merge of duplicate accounts (#22 item 5): the preview says what moves and what is dropped, the
merge does exactly that in one transaction and disables the duplicate; the refusals say why."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import (
    Account,
    AccountToken,
    Address,
    Application,
    AuditEvent,
    Candidate,
    OutboxMail,
    StaffRole,
)
from app.services.accounts import desk_merge
from app.services.accounts.candidates import send_activation
from app.services.platform.errors import DomainError, Forbidden
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
BORN = date(2004, 9, 12)


def _person(session: Session, **kw: Any) -> Candidate:
    values = {"birth_name": "NGUYEN", "first_names": "THI LAN", "birth_date": BORN} | kw
    return factories.candidate(session, **values)


@pytest.fixture
def pair(session: Session, clock: Any) -> dict[str, Any]:
    """One person with two accounts: the kept one applied to A, the duplicate to B with a file, an address, mails."""
    clock.set(NOW)
    kept = _person(session, ine="1234567890A")
    dropped = _person(session, birth_name="Nguyên", first_names="Thi-Lan")  # same person, typed otherwise
    a = factories.program(session, code="PA")
    b = factories.program(session, code="PB", campaign_id=a.campaign_id)
    factories.application(session, candidate_id=kept.id, program=a)
    factories.application(session, candidate_id=dropped.id, program=b, transmitted_at=NOW)
    factories.stored_file(session, b"%PDF-1.4 x", owner_candidate_id=dropped.id)
    session.add(Address(candidate_id=dropped.id, line1="1 rue X", postcode="45000", city="ORLEANS"))
    dropped_account = session.get(Account, dropped.account_id)
    assert dropped_account is not None
    send_activation(session, dropped_account, code="activation_resent")  # a mail and an unused link
    actor = factories.staff_actor(session, StaffRole.ACCOUNT_DESK)
    session.commit()
    return {"kept": kept, "dropped": dropped, "a": a, "b": b, "actor": actor}


def _merge(session: Session, pair: dict[str, Any], **kw: Any) -> Any:
    ids = {"kept_id": pair["kept"].account_id, "dropped_id": pair["dropped"].account_id} | kw
    return desk_merge.merge_accounts(session, actor=pair["actor"], **ids)


def _preview(session: Session, pair: dict[str, Any]) -> Any:
    return desk_merge.preview_merge(
        session, actor=pair["actor"], kept_id=pair["kept"].account_id, dropped_id=pair["dropped"].account_id
    )


def _counts_on(session: Session, candidate: Candidate) -> dict[str, int]:
    return {
        label: desk_merge.count_rows(session, column, value)
        for label, column, value in [(n, c, candidate.id) for n, c in desk_merge.CANDIDATE_ROWS]
        + [(n, c, candidate.account_id) for n, c in desk_merge.ACCOUNT_ROWS]
        + [(n, c, candidate.id) for n, c in desk_merge.SINGLE_ROWS]
    }


def test_preview_lists_what_moves_and_what_is_dropped_and_the_merge_moves_exactly_that(
    session: Session, pair: dict[str, Any]
) -> None:
    preview = _preview(session, pair)
    assert preview.refusals == []
    moved = {line.label: line.count for line in preview.moved}
    assert moved[desk_merge.CANDIDATE_ROWS[0][0]] == 1  # the application to B
    assert moved["Fichiers déposés"] == 1 and moved["Adresse postale"] == 1 and moved["Mails envoyés"] == 1
    assert {line.label for line in preview.dropped_rows} == {desk_merge.IDENTITY, desk_merge.TOKENS}
    before = _counts_on(session, pair["kept"])
    result = _merge(session, pair)
    session.commit()
    after = _counts_on(session, pair["kept"])
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == moved
    assert result == preview
    assert all(v == 0 for v in _counts_on(session, pair["dropped"]).values())
    dropped = session.get(Account, pair["dropped"].account_id)
    assert dropped is not None and dropped.deleted_at is not None  # disabled, not deleted
    unused = select(AccountToken).where(AccountToken.account_id == dropped.id, AccountToken.used_at.is_(None))  # type: ignore[union-attr]
    assert session.exec(unused).all() == []
    actions = set(session.exec(select(AuditEvent.action)).all())
    assert {"desk.accounts_merged", "desk.account_disabled"} <= actions


def test_a_kept_address_stays_and_the_duplicates_is_dropped(session: Session, pair: dict[str, Any]) -> None:
    session.add(Address(candidate_id=pair["kept"].id, line1="9 rue Y", postcode="45000", city="ORLEANS"))
    session.commit()
    preview = _preview(session, pair)
    assert "Adresse postale" in {line.label for line in preview.dropped_rows}
    _merge(session, pair)
    session.commit()
    address = session.exec(select(Address).where(Address.candidate_id == pair["kept"].id)).one()
    assert address.line1 == "9 rue Y"


def test_a_second_click_on_fusionner_is_refused_and_moves_nothing_more(session: Session, pair: dict[str, Any]) -> None:
    _merge(session, pair)
    session.commit()
    with pytest.raises(DomainError):
        _merge(session, pair)
    session.rollback()
    assert len(session.exec(select(Application).where(Application.candidate_id == pair["kept"].id)).all()) == 2
    merged = session.exec(select(AuditEvent).where(AuditEvent.action == "desk.accounts_merged")).all()
    assert len(merged) == 1


def test_merge_refused_when_both_applied_to_one_programme(session: Session, pair: dict[str, Any]) -> None:
    factories.application(session, candidate_id=pair["dropped"].id, program=pair["a"])
    session.commit()
    assert [r.code for r in _preview(session, pair).refusals] == ["same_program"]
    with pytest.raises(DomainError) as refused:
        _merge(session, pair)
    assert refused.value.code == "same_program" and "PA" in refused.value.translate(lambda s: s)


def test_merge_refused_for_two_different_people(session: Session, pair: dict[str, Any]) -> None:
    stranger = _person(session, birth_name="DUPONT", first_names="MARC")
    other_ine = _person(session, ine="9876543210B")
    session.commit()
    for candidate, code in ((stranger, "not_duplicates"), (other_ine, "ine_differ")):
        with pytest.raises(DomainError) as refused:
            _merge(session, pair, dropped_id=candidate.account_id)
        assert refused.value.code == code
    with pytest.raises(DomainError) as same:
        _merge(session, pair, dropped_id=pair["kept"].account_id)
    assert same.value.code == "same_account"


def test_merge_refused_when_both_transmitted_under_different_birth_dates(
    session: Session, pair: dict[str, Any]
) -> None:
    twin = _person(session, ine="1234567890A", birth_date=date(2004, 9, 13), campaign_id=None)
    factories.application(session, candidate_id=twin.id, program=pair["b"], transmitted_at=NOW)
    kept_app = session.exec(select(Application).where(Application.candidate_id == pair["kept"].id)).one()
    kept_app.transmitted_at = NOW
    session.add(kept_app)
    session.commit()
    with pytest.raises(DomainError) as refused:
        _merge(session, pair, dropped_id=twin.account_id)
    assert refused.value.code == "transmitted_conflict"


def test_only_the_desk_central_office_and_administrators_merge(session: Session, pair: dict[str, Any]) -> None:
    program = pair["a"]
    for role, scope in (
        (StaffRole.CENTRE_MANAGER, {"centre_id": program.centre_id}),
        (StaffRole.COMMITTEE_MEMBER, {"committee_id": program.committee_id}),
    ):
        actor = factories.staff_actor(session, role, **scope)
        with pytest.raises(Forbidden):
            desk_merge.preview_merge(
                session, actor=actor, kept_id=pair["kept"].account_id, dropped_id=pair["dropped"].account_id
            )
    central = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    _merge(session, pair | {"actor": central})
    session.commit()
    assert session.exec(select(OutboxMail).where(OutboxMail.account_id == pair["dropped"].account_id)).all() == []
    tokens = select(AccountToken).where(AccountToken.account_id == pair["dropped"].account_id)
    assert [t.purpose for t in session.exec(tokens).all()] == []  # the unused activation link mailed to it is dropped


def test_the_duplicates_ine_goes_to_a_kept_dossier_without_one(session: Session, pair: dict[str, Any]) -> None:
    """Kept the other way round: the kept dossier has no INE, the duplicate's is carried over."""
    ids = {"kept_id": pair["dropped"].account_id, "dropped_id": pair["kept"].account_id}
    preview = desk_merge.preview_merge(session, actor=pair["actor"], **ids)
    assert desk_merge.INE in {line.label for line in preview.moved}
    desk_merge.merge_accounts(session, actor=pair["actor"], **ids)
    session.commit()
    kept = session.exec(select(Candidate).where(Candidate.account_id == pair["dropped"].account_id)).one()
    dropped = session.exec(select(Candidate).where(Candidate.account_id == pair["kept"].account_id)).one()
    assert (kept.ine, dropped.ine) == ("1234567890A", None)
