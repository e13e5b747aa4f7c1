"""The offer candidates browse: window states by the clock, grouping and order, search, what is left out."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.clock import paris_datetime
from app.db import get_engine
from app.models import Procedure
from app.services.offer.browse import WindowState, count_programs, fold, keep_states, list_offer, window_state
from tests import factories

OPENS = paris_datetime(2026, 3, 2, 9, 0)  # 08:00 UTC (winter time)
CLOSES = paris_datetime(2026, 6, 15, 23, 59, 59)  # 21:59:59 UTC (summer time)


@pytest.fixture
def program_id(session: Session, clock) -> int:
    clock.set(datetime(2026, 1, 10, tzinfo=UTC))
    program = factories.program(session, window_opens_at=OPENS, window_closes_at=CLOSES, return_by=None)
    session.commit()
    return program.id


def _only_program(session: Session, now: datetime):
    offer = list_offer(session, now=now)
    assert len(offer) == 1 and len(offer[0].programs) == 1
    return offer[0].programs[0]


def test_calendar_moments_are_paris_wall_clock_times_stored_in_utc() -> None:
    assert datetime(2026, 3, 2, 8, 0, tzinfo=UTC) == OPENS
    assert datetime(2026, 6, 15, 21, 59, 59, tzinfo=UTC) == CLOSES


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (OPENS - timedelta(seconds=1), WindowState.UPCOMING),
        (OPENS, WindowState.OPEN),
        (CLOSES, WindowState.OPEN),
        (CLOSES + timedelta(seconds=1), WindowState.CLOSED),
        # 09:00 UTC on 15 June is still the closing day in Paris, 22:30 UTC is already 16 June there.
        (datetime(2026, 6, 15, 21, 0, tzinfo=UTC), WindowState.OPEN),
        (datetime(2026, 6, 15, 22, 30, tzinfo=UTC), WindowState.CLOSED),
    ],
)
def test_window_state_at_the_edges(session: Session, program_id: int, now: datetime, state: WindowState) -> None:
    assert window_state(OPENS, CLOSES, now) == state
    assert _only_program(session, now).state == state


def test_days_left_count_paris_calendar_days(session: Session, program_id: int) -> None:
    # 22:30 UTC on 14 June is 00:30 on 15 June in Paris: the last day, although UTC still says the 14th.
    assert _only_program(session, datetime(2026, 6, 14, 22, 30, tzinfo=UTC)).days_left == 0
    assert _only_program(session, datetime(2026, 6, 14, 21, 30, tzinfo=UTC)).days_left == 1
    assert _only_program(session, datetime(2026, 6, 5, 12, 0, tzinfo=UTC)).days_left == 10
    upcoming = _only_program(session, datetime(2026, 2, 28, 12, 0, tzinfo=UTC))
    assert upcoming.days_until_open == 2 and upcoming.days_left is not None
    assert _only_program(session, CLOSES + timedelta(seconds=1)).days_left is None


def test_states_filter_and_split(session: Session, clock) -> None:
    now = clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    campaign = factories.campaign(session)
    centre = factories.centre(session)
    common = dict(campaign_id=campaign.id, centre_id=centre.id)
    factories.program(session, code="OPEN", **common)
    factories.program(
        session,
        code="SOON",
        window_opens_at=now + timedelta(days=3),
        window_closes_at=now + timedelta(days=30),
        return_by=None,
        **common,
    )
    factories.program(
        session,
        code="PAST",
        window_opens_at=now - timedelta(days=30),
        window_closes_at=now - timedelta(days=1),
        return_by=None,
        **common,
    )
    session.commit()

    everything = list_offer(session)
    assert sorted(p.code for c in everything for p in c.programs) == ["OPEN", "PAST", "SOON"]
    assert [p.code for c in list_offer(session, states={WindowState.OPEN}) for p in c.programs] == ["OPEN"]
    upcoming = keep_states(everything, {WindowState.UPCOMING})
    assert [p.code for c in upcoming for p in c.programs] == ["SOON"]
    assert count_programs(keep_states(everything, {WindowState.OPEN, WindowState.CLOSED})) == 2
    assert keep_states(everything, set()) == []


def test_grouped_by_centre_then_diploma_type_in_display_order(session: Session, clock) -> None:
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    campaign = factories.campaign(session)
    sciences = factories.centre(session, label_fr="UFR Sciences et Techniques", label_en="Faculty of Science")
    law = factories.centre(session, label_fr="Faculté de Droit", label_en="Law School")
    master = factories.diploma_type(session, label_fr="Master", label_en="Master's degree", display_order=1)
    licence_pro = factories.diploma_type(
        session, label_fr="Licence professionnelle", label_en="Professional bachelor", display_order=2
    )
    for centre, diploma_type, code, label_fr, label_en in [
        (sciences, licence_pro, "LP1", "Chimie industrielle", "Industrial chemistry"),
        (sciences, master, "M3", "Informatique", "Computer science"),
        (sciences, master, "M1", "Économie de l'environnement", "Environmental economics"),
        (sciences, master, "M2", "Droit du numérique", "Digital law"),
        (law, master, "M4", "Droit des affaires", "Business law"),
    ]:
        factories.program(
            session,
            campaign_id=campaign.id,
            centre_id=centre.id,
            diploma_type_id=diploma_type.id,
            code=code,
            label_fr=label_fr,
            label_en=label_en,
        )
    session.commit()

    offer = list_offer(session)
    assert [c.label for c in offer] == ["Faculté de Droit", "UFR Sciences et Techniques"]
    assert [dt.label for dt in offer[1].diploma_types] == ["Master", "Licence professionnelle"]
    # Accents do not push « Économie » after « Informatique ».
    assert [p.label for p in offer[1].diploma_types[0].programs] == [
        "Droit du numérique",
        "Économie de l'environnement",
        "Informatique",
    ]

    english = list_offer(session, lang="en")
    assert [c.label for c in english] == ["Faculty of Science", "Law School"]
    assert [p.label for p in english[0].diploma_types[0].programs] == [
        "Computer science",
        "Digital law",
        "Environmental economics",
    ]


def test_search_ignores_case_and_accents_and_needs_every_word(session: Session, clock) -> None:
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    campaign = factories.campaign(session)
    centre = factories.centre(session, label_fr="Polytech Orléans", label_en="Polytech Orleans")
    master = factories.diploma_type(session, label_fr="Master", label_en="Master's degree")
    common = dict(campaign_id=campaign.id, centre_id=centre.id, diploma_type_id=master.id)
    factories.program(
        session, code="M2GC", label_fr="Génie civil", label_en="Civil engineering", keywords="BTP bâtiment", **common
    )
    factories.program(
        session, code="M1INFO", label_fr="Ingénierie logicielle", label_en="Software engineering", **common
    )
    session.commit()

    def codes(query: str) -> list[str]:
        return [p.code for c in list_offer(session, query=query) for p in c.programs]

    assert codes("ingenierie") == ["M1INFO"]
    assert codes("GÉNIE CIVIL") == ["M2GC"]
    assert codes("génie") == ["M2GC", "M1INFO"]  # « Ingénierie » contains it too
    assert codes("batiment") == ["M2GC"]  # keyword, accent-free
    assert codes("m1info") == ["M1INFO"]  # code
    assert codes("engineering software") == ["M1INFO"]  # English label, words in any order
    assert codes("orleans master") == ["M2GC", "M1INFO"]  # centre and diploma type labels
    assert codes("civil logicielle") == []  # every word must match
    assert codes("   ") == ["M2GC", "M1INFO"]
    assert fold("Ingénierie ÉCONOMIE") == "ingenierie economie"


def test_inactive_programme_centre_and_campaign_are_left_out(session: Session, clock) -> None:
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    active = factories.campaign(session)
    archived = factories.campaign(session, is_active=False)
    closed_centre = factories.centre(session, is_active=False)
    factories.program(session, campaign_id=active.id, code="KEPT")
    factories.program(session, campaign_id=active.id, code="HIDDEN", is_active=False)
    factories.program(session, campaign_id=archived.id, code="OLD")
    factories.program(session, campaign_id=active.id, centre_id=closed_centre.id, code="GONE")
    session.commit()

    assert [p.code for c in list_offer(session) for p in c.programs] == ["KEPT"]

    active.is_active = False
    session.commit()
    assert list_offer(session) == []


def test_programme_details_and_one_query(session: Session, clock) -> None:
    clock.set(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    campaign = factories.campaign(session)
    for n in range(3):
        factories.program(
            session,
            campaign_id=campaign.id,
            procedure=Procedure.PAPER,
            capacity=25,
            has_waiting_list=False,
            info_url=f"https://formations.univ.example/p{n}",
            jury_on=paris_datetime(2026, 7, 1),
            publication_on=paris_datetime(2026, 7, 3),
        )
    session.commit()

    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        offer = list_offer(session)
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
    assert len(statements) == 1, statements
    assert len(offer) == 3
    program = offer[0].programs[0]
    assert program.procedure == Procedure.PAPER
    assert program.capacity == 25 and program.has_waiting_list is False
    assert program.info_url and program.info_url.startswith("https://formations.univ.example/")
    assert program.jury_on == paris_datetime(2026, 7, 1)
    assert program.publication_on == paris_datetime(2026, 7, 3)
    assert program.return_by is not None
