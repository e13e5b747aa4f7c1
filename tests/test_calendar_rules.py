"""The calendar consistency rule: order of the dates, missing ones skipped, one-of confirmation rules, and what a
change does to a programme that already has applications."""

from datetime import UTC, datetime, timedelta

import pytest

from app.i18n import use_language
from app.services.offer import calendar_rules as cal

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def full() -> dict[str, object]:
    return {
        "window_opens_at": day(0),
        "window_closes_at": day(30),
        "return_by": day(40),
        "jury_on": day(50),
        "publication_on": day(60),
        "confirmation_by": day(70),
    }


def test_a_consistent_calendar_has_no_issue() -> None:
    assert not cal.check_calendar(full(), required=cal.REQUIRED_FOR_PROGRAM)


def test_equal_dates_are_allowed_except_for_the_window() -> None:
    values = full() | {"return_by": day(30), "jury_on": day(30), "publication_on": day(30), "confirmation_by": day(30)}
    assert not cal.check_calendar(values)
    issues = cal.check_calendar(full() | {"window_closes_at": day(0)})
    assert issues.errors == {"window_closes_at": cal.AFTER}
    assert issues.params["window_closes_at"]["moment"] == "01/03/2026 10:00"  # Paris time


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("window_closes_at", "window_opens_at"),
        ("return_by", "window_closes_at"),
        ("jury_on", "return_by"),
        ("publication_on", "jury_on"),
        ("confirmation_by", "publication_on"),
    ],
)
def test_each_pair_out_of_order_is_reported_on_the_later_field(name: str, other: str) -> None:
    values = full()
    values[name] = values[other] - timedelta(hours=1)  # type: ignore[operator]
    issues = cal.check_calendar(values)
    assert list(issues.errors) == [name]
    assert str(issues.params[name]["other"]) == cal.LABELS[other]
    with use_language("en"):
        assert str(issues.params[name]["other"]) != cal.LABELS[other]  # the other date is named in English too


def test_a_missing_optional_date_is_skipped_and_the_previous_present_one_is_used() -> None:
    values = full() | {"return_by": None, "jury_on": None, "publication_on": day(20)}
    issues = cal.check_calendar(values)
    assert list(issues.errors) == ["publication_on"]
    assert issues.params["publication_on"]["other"].msgid == cal.LABELS["window_closes_at"]
    values = {"window_opens_at": day(0), "window_closes_at": day(5), "confirmation_by": day(6)}
    assert not cal.check_calendar(values)


def test_a_date_before_an_earlier_wrong_one_is_compared_with_the_latest() -> None:
    values = full() | {"return_by": day(10), "jury_on": day(20)}  # return before window end; jury too
    issues = cal.check_calendar(values)
    assert set(issues.errors) == {"return_by", "jury_on"}
    assert issues.params["jury_on"]["other"].msgid == cal.LABELS["window_closes_at"]


def test_the_window_is_required_for_a_programme_only() -> None:
    issues = cal.check_calendar({}, required=cal.REQUIRED_FOR_PROGRAM)
    assert issues.errors == {"window_opens_at": cal.REQUIRED, "window_closes_at": cal.REQUIRED}
    assert not cal.check_calendar({})


def test_confirmation_is_a_date_or_a_delay_not_both() -> None:
    assert cal.check_calendar(full() | {"confirmation_by": None, "confirmation_delay_days": 8}).errors == {}
    issues = cal.check_calendar(full() | {"confirmation_delay_days": 8})
    assert issues.errors == {"confirmation_delay_days": cal.ONE_OF}
    issues = cal.check_calendar(
        full() | {"waiting_list_confirmation_by": day(80), "waiting_list_confirmation_delay_days": 3}
    )
    assert issues.errors == {"waiting_list_confirmation_delay_days": cal.ONE_OF}
    assert not cal.check_calendar(full() | {"waiting_list_confirmation_delay_days": 3})


def test_delays_must_be_sensible() -> None:
    issues = cal.check_calendar({"confirmation_delay_days": -1, "waiting_list_confirmation_delay_days": 400})
    assert issues.errors == {
        "confirmation_delay_days": cal.DELAY_RANGE,
        "waiting_list_confirmation_delay_days": cal.DELAY_RANGE,
    }


def test_the_waiting_list_deadline_follows_the_publication_and_a_place_needs_a_moment() -> None:
    issues = cal.check_calendar(full() | {"waiting_list_confirmation_by": day(55)})
    assert issues.errors == {"waiting_list_confirmation_by": cal.NOT_BEFORE}
    issues = cal.check_calendar(full() | {"preselection_place": "Salle 12"})
    assert issues.errors == {"preselection_at": cal.PLACE_WITHOUT_MOMENT}
    assert not cal.check_calendar(full() | {"preselection_place": "Salle 12", "preselection_at": day(45)})


def test_the_centre_default_calendar_reports_on_its_own_fields() -> None:
    issues = cal.check_default_calendar({"default_window_opens_at": day(5), "default_window_closes_at": day(1)})
    assert issues.errors == {"default_window_closes_at": cal.AFTER}
    assert not cal.check_default_calendar({"default_jury_on": day(3)})


# --- Changes to a programme with applications -------------------------------------------------------------------


def test_without_applications_any_change_is_free() -> None:
    issues, warnings = cal.check_change(full(), full() | {"window_opens_at": day(5)}, applications=0, now=day(10))
    assert not issues and warnings == []


def test_a_passed_opening_cannot_move_later_once_applications_exist() -> None:
    issues, _ = cal.check_change(full(), full() | {"window_opens_at": day(5)}, applications=3, now=day(10))
    assert issues.errors == {"window_opens_at": cal.OPENING_PASSED}
    assert issues.params["window_opens_at"]["moment"] == "01/03/2026 10:00"
    earlier, _ = cal.check_change(full(), full() | {"window_opens_at": day(-5)}, applications=3, now=day(10))
    assert not earlier  # moving it earlier is harmless
    future, _ = cal.check_change(full(), full() | {"window_opens_at": day(5)}, applications=3, now=day(-1))
    assert not future  # not yet passed


def test_changes_candidates_feel_are_warned() -> None:
    _, warnings = cal.check_change(full(), full() | {"window_closes_at": day(5)}, applications=2, now=day(10))
    assert [w[0] for w in warnings] == [cal.WARN_CLOSES_NOW]
    _, warnings = cal.check_change(full(), full() | {"window_closes_at": day(20)}, applications=2, now=day(10))
    assert warnings == [(cal.WARN_WINDOW_SHORTENED, {"count": 2})]
    _, warnings = cal.check_change(full(), full() | {"return_by": day(35)}, applications=2, now=day(10))
    assert warnings == [(cal.WARN_RETURN_EARLIER, {"count": 2})]
    _, warnings = cal.check_change(full(), full() | {"jury_on": day(52)}, applications=2, now=day(10))
    assert [w[0] for w in warnings] == [cal.WARN_ANNOUNCED_CHANGED]
    assert warnings[0][1]["moment"] == cal.moment_text(day(50))
    _, warnings = cal.check_change(full(), full() | {"window_closes_at": day(35)}, applications=2, now=day(10))
    assert warnings == []  # lengthening the window is good news
