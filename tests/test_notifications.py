"""Live updates within one instance (app.services.platform.notifications): who is told of a committed change."""

from sqlmodel import Session

from app.db import transaction
from app.services.platform import notifications

CANDIDATE = 7777


def test_a_change_only_staff_see_refreshes_the_staff_pages_and_not_the_candidates(session: Session) -> None:
    calls: list[str] = []

    def candidate_page() -> None:
        calls.append("candidate")

    def staff_page() -> None:
        calls.append("staff")

    notifications.subscribe(CANDIDATE, candidate_page)
    notifications.subscribe(CANDIDATE, staff_page, staff=True)
    try:
        with transaction() as s:  # a post-it, say
            notifications.notify_candidate(s, CANDIDATE, staff_only=True)
        assert calls == ["staff"]
        calls.clear()
        with transaction() as s:  # a post-it and a published decision together: the candidate sees the latter
            notifications.notify_candidate(s, CANDIDATE, staff_only=True)
            notifications.notify_candidate(s, CANDIDATE)
            notifications.notify_candidate(s, CANDIDATE, staff_only=True)
        assert sorted(calls) == ["candidate", "staff"]
    finally:
        notifications.unsubscribe(CANDIDATE, candidate_page)
        notifications.unsubscribe(CANDIDATE, staff_page)
    assert notifications.subscriber_count(CANDIDATE) == 0
