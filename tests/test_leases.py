"""Editing leases: one holder at a time, expiry and take-over, renewal by the holder's page only, release."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.models import ActorKind, EditLease
from app.services.platform import leases

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
RESOURCE = "candidate:42"
MANAGER = leases.Holder(ActorKind.STAFF, 7, "H. Benali", "page-manager")
CANDIDATE = leases.Holder(ActorKind.CANDIDATE, 3, "Léa", "page-candidate")


@pytest.fixture(autouse=True)
def at_now(clock):
    clock.set(NOW)
    return clock


def test_a_second_person_is_refused_and_told_who_holds_it(session: Session) -> None:
    assert leases.acquire(session, resource=RESOURCE, holder=MANAGER).held
    session.commit()
    state = leases.acquire(session, resource=RESOURCE, holder=CANDIDATE)
    assert not state.held and state.holder_kind == ActorKind.STAFF
    with pytest.raises(leases.LeaseHeld) as error:
        leases.require_free_for(session, resource=RESOURCE, kind=ActorKind.CANDIDATE, holder_id=3)
    assert "gestionnaire" in error.value.message
    leases.require_free_for(session, resource=RESOURCE, kind=ActorKind.STAFF, holder_id=7)  # the holder may save


def test_an_expired_lease_is_taken_over(session: Session, clock) -> None:
    leases.acquire(session, resource=RESOURCE, holder=MANAGER)
    session.commit()
    clock.set(NOW + timedelta(seconds=121))
    assert leases.who_holds(session, resource=RESOURCE) is None
    state = leases.acquire(session, resource=RESOURCE, holder=CANDIDATE)
    session.commit()
    assert state.held and leases.who_holds(session, resource=RESOURCE).holder_kind == ActorKind.CANDIDATE
    assert not leases.renew(session, resource=RESOURCE, holder=MANAGER)  # the old holder lost it


def test_only_the_holders_page_renews(session: Session, clock) -> None:
    leases.acquire(session, resource=RESOURCE, holder=MANAGER)
    session.commit()
    clock.set(NOW + timedelta(seconds=100))
    other_page = leases.Holder(ActorKind.STAFF, 7, "H. Benali", "another-page")
    assert not leases.renew(session, resource=RESOURCE, holder=other_page)
    assert not leases.renew(session, resource=RESOURCE, holder=CANDIDATE)
    assert leases.renew(session, resource=RESOURCE, holder=MANAGER)
    session.commit()
    clock.set(NOW + timedelta(seconds=200))  # past the first expiry, within the renewed one
    assert leases.who_holds(session, resource=RESOURCE).client_id == "page-manager"


def test_the_same_person_in_another_page_takes_it_over(session: Session) -> None:
    leases.acquire(session, resource=RESOURCE, holder=CANDIDATE)
    second = leases.Holder(ActorKind.CANDIDATE, 3, "Léa", "second-tab")
    assert leases.acquire(session, resource=RESOURCE, holder=second).held
    assert leases.who_holds(session, resource=RESOURCE).client_id == "second-tab"


def test_release_by_the_page_and_on_disconnect(session: Session) -> None:
    leases.acquire(session, resource=RESOURCE, holder=MANAGER)
    leases.acquire(session, resource="candidate:43", holder=MANAGER)
    session.commit()
    leases.release(session, resource=RESOURCE, client_id="someone-else")
    assert leases.who_holds(session, resource=RESOURCE) is not None
    leases.release(session, resource=RESOURCE, client_id="page-manager")
    assert leases.who_holds(session, resource=RESOURCE) is None
    leases.release(session, resource="candidate:43", client_id="page-manager")  # what the page does on disconnect
    assert leases.who_holds(session, resource="candidate:43") is None


def test_two_rows_for_one_resource_are_impossible(session: Session) -> None:
    from sqlalchemy.exc import IntegrityError

    leases.acquire(session, resource=RESOURCE, holder=MANAGER)
    session.commit()
    session.add(
        EditLease(
            resource=RESOURCE,
            holder_kind=ActorKind.CANDIDATE,
            holder_id=3,
            holder_label="x",
            client_id="y",
            expires_at=NOW + timedelta(minutes=5),
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_purge_removes_only_expired_leases(session: Session, clock) -> None:
    leases.acquire(session, resource=RESOURCE, holder=MANAGER)
    session.commit()
    clock.set(NOW + timedelta(minutes=1))
    leases.acquire(session, resource="candidate:43", holder=CANDIDATE)
    session.commit()
    clock.set(NOW + timedelta(seconds=150))
    assert leases.purge_expired(session) == 1


@pytest.mark.parametrize(("lease_seconds", "beat"), [(120, 40.0), (3600, 1200.0), (20, 10.0)])
def test_an_open_page_beats_three_times_per_lease_never_more_often_than_every_ten_seconds(
    monkeypatch: pytest.MonkeyPatch, lease_seconds: int, beat: float
) -> None:
    monkeypatch.setattr(leases.parameters, "current", lambda name: {"edit_lease_seconds": lease_seconds}[name])
    assert leases.heartbeat_seconds() == beat


def test_the_heartbeat_keeps_the_pages_lease_and_never_takes_a_live_one(session: Session, clock) -> None:
    assert leases.heartbeat(session, resource=RESOURCE, holder=MANAGER).held
    session.commit()
    clock.set(NOW + timedelta(seconds=100))
    assert not leases.heartbeat(session, resource=RESOURCE, holder=CANDIDATE).held
    assert leases.heartbeat(session, resource=RESOURCE, holder=MANAGER).held
    session.commit()
    clock.set(NOW + timedelta(seconds=200))  # past the first expiry, within the renewed one
    assert leases.who_holds(session, resource=RESOURCE).client_id == "page-manager"
