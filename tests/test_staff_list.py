"""The staff application list: rows and totals equal an independent computation over generated data."""

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.models import (
    Account,
    Application,
    ApplicationTag,
    Baccalaureate,
    Candidate,
    DecisionKind,
    DossierStatus,
    Note,
    StaffRole,
)
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.review.staff_list import (
    get_columns,
    list_applications,
    save_columns,
    select_application_ids,
    sva_colour,
)
from app.services.review.staff_list_columns import MAX_PAGE_SIZE, ListQuery
from tests import factories

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def staff(session: Session, role: StaffRole, **scope: int) -> Actor:
    assignment = factories.staff_with_role(session, role, **scope)
    return Actor("staff", staff_id=assignment.staff_id, role_assignment_id=assignment.id)


@pytest.fixture
def world(session: Session, clock: Any) -> dict:
    clock.set(NOW)
    data = factories.list_world(session)
    data["central"] = staff(session, StaffRole.CENTRAL_OFFICE)
    data["manager"] = staff(session, StaffRole.CENTRE_MANAGER, centre_id=data["centres"][0].id)
    session.commit()
    return data


def facts(session: Session) -> list[dict[str, Any]]:
    """Each live application with what the list shows, read row by row (no list code involved)."""
    result = []
    for application in session.exec(select(Application).where(Application.cancelled_at.is_(None))).all():  # type: ignore[union-attr]
        candidate = session.get(Candidate, application.candidate_id)
        assert candidate is not None
        account = session.get(Account, candidate.account_id)
        assert account is not None
        bac = session.exec(select(Baccalaureate).where(Baccalaureate.candidate_id == candidate.id)).first()
        notes = session.exec(select(Note).where(Note.application_id == application.id)).all()
        tags = session.exec(select(ApplicationTag).where(ApplicationTag.application_id == application.id)).all()
        days = (NOW - application.transmitted_at).days if application.transmitted_at else None
        result.append(
            {
                "id": application.id,
                "centre_id": application.centre_id,
                "program_id": application.program_id,
                "status": application.dossier_status,
                "birth_name": candidate.birth_name,
                "ine": candidate.ine,
                "dossier_number": account.dossier_number,
                "email": account.email,
                "bac_year": bac.year if bac else None,
                "days": days,
                "published": application.last_decision_published,
                "notes": len(notes),
                "tag_ids": {t.tag_id for t in tags},
                "sva": sva_colour(days, application.last_decision_published),
            }
        )
    return result


def ids_of(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


def test_first_page_and_total_of_the_whole_institution(session: Session, world: dict) -> None:
    expected = sorted(facts(session), key=lambda f: (f["birth_name"], f["id"]))
    page = list_applications(session, actor=world["central"], query=ListQuery(page_size=25))
    assert page.total == len(expected)
    assert ids_of(page.rows) == ids_of(expected[:25])
    row = page.rows[0]
    fact = expected[0]
    assert (row["dossier_number"], row["notes_count"], row["days_since_transmission"], row["sva"]) == (
        fact["dossier_number"],
        fact["notes"],
        fact["days"],
        fact["sva"],
    )


@pytest.mark.parametrize(
    ("filters", "search", "sort", "descending", "keep", "order"),
    [
        ({"dossier_status": ["complete", "received"]}, "", "birth_name", False,
         lambda f, w: f["status"] in {DossierStatus.COMPLETE, DossierStatus.RECEIVED},
         lambda f: (f["birth_name"], f["id"])),
        ({"bac_year": [2021, None]}, "", "bac_year", True,
         lambda f, w: f["bac_year"] is not None and f["bac_year"] >= 2021,
         lambda f: (-(f["bac_year"] or 0), -f["id"])),
        ({"days_since_transmission": [10, 40]}, "", "days_since_transmission", True,
         lambda f, w: f["days"] is not None and 10 <= f["days"] <= 40, None),
        ({"sva": ["red", "orange"]}, "", "birth_name", False,
         lambda f, w: f["sva"] in {"red", "orange"}, lambda f: (f["birth_name"], f["id"])),
        ({"notes_count": [2, None]}, "", "birth_name", False,
         lambda f, w: f["notes"] >= 2, lambda f: (f["birth_name"], f["id"])),
        ({"last_decision_published": True}, "nom01", "birth_name", False,
         lambda f, w: f["published"] and "NOM01" in f["birth_name"], lambda f: (f["birth_name"], f["id"])),
        ({}, "@MAIL.example l00", "dossier_number", False,
         lambda f, w: "L00" in f["dossier_number"], lambda f: (f["dossier_number"], f["id"])),
    ],
)  # fmt: skip
def test_filters_search_and_sorts_match_an_independent_computation(
    session: Session, world: dict, filters, search, sort, descending, keep, order
) -> None:
    expected = [f for f in facts(session) if keep(f, world)]
    if order is None:  # most days first = earliest transmission first
        transmitted = {a.id: a.transmitted_at for a in world["applications"]}
        expected.sort(key=lambda f: (transmitted[f["id"]], f["id"]))
    else:
        expected.sort(key=order)
    query = ListQuery(filters=filters, search=search, sort=sort, descending=descending, page_size=MAX_PAGE_SIZE)
    page = list_applications(session, actor=world["central"], query=query)
    assert page.total == len(expected) > 0
    assert ids_of(page.rows) == ids_of(expected[:MAX_PAGE_SIZE])


def test_programme_and_tag_filters(session: Session, world: dict) -> None:
    program = world["programs"][1]
    tag = world["tags"][0]
    query = ListQuery(filters={"program": [program.id], "tags": [tag.id]}, page_size=200)
    page = list_applications(session, actor=world["central"], query=query)
    expected = [f for f in facts(session) if f["program_id"] == program.id and tag.id in f["tag_ids"]]
    assert page.total == len(expected)
    assert set(ids_of(page.rows)) == set(ids_of(expected))
    assert all(tag.label in row["tags"] for row in page.rows)


def test_pagination_boundaries(session: Session, world: dict) -> None:
    expected = ids_of(sorted(facts(session), key=lambda f: (f["birth_name"], f["id"])))
    size = 40
    pages = []
    for number in range(1, len(expected) // size + 2):
        page = list_applications(session, actor=world["central"], query=ListQuery(page=number, page_size=size))
        pages += ids_of(page.rows)
        assert len(page.rows) == min(size, len(expected) - (number - 1) * size)
    assert pages == expected  # every row once, in order, the last page partial
    beyond = list_applications(session, actor=world["central"], query=ListQuery(page=99, page_size=size))
    assert beyond.rows == [] and beyond.total == len(expected)
    for bad in (ListQuery(page_size=MAX_PAGE_SIZE + 1), ListQuery(page=0)):
        with pytest.raises(DomainError):
            list_applications(session, actor=world["central"], query=bad)


def test_a_centre_manager_never_sees_another_centre_even_with_a_forged_filter(session: Session, world: dict) -> None:
    own, other = world["centres"]
    mine = [f for f in facts(session) if f["centre_id"] == own.id]
    page = list_applications(session, actor=world["manager"], query=ListQuery(page_size=200))
    assert page.total == len(mine)
    assert {row["centre"] for row in page.rows} == {own.label_fr}
    forged = ListQuery(filters={"centre": [other.id]}, page_size=200)
    assert list_applications(session, actor=world["manager"], query=forged).total == 0
    forged_program = ListQuery(filters={"program": [world["programs"][2].id]})
    assert select_application_ids(session, actor=world["manager"], query=forged_program) == []


def test_select_ids_returns_every_filtered_id_beyond_200(session: Session, world: dict) -> None:
    expected = sorted(facts(session), key=lambda f: (f["birth_name"], f["id"]))
    ids = select_application_ids(session, actor=world["central"], query=ListQuery(page_size=10))
    assert len(ids) == len(expected) > 200
    assert ids == sorted(ids_of(expected))
    filtered = ListQuery(filters={"dossier_status": ["pending"]})
    assert set(select_application_ids(session, actor=world["central"], query=filtered)) == {
        f["id"] for f in expected if f["status"] == DossierStatus.PENDING
    }


def test_unknown_column_sort_or_value_is_refused(session: Session, world: dict) -> None:
    for query in (
        ListQuery(filters={"password_hash": "x"}),
        ListQuery(sort="password_hash"),
        ListQuery(sort="tags"),
        ListQuery(filters={"dossier_status": ["lost"]}),
        ListQuery(filters={"bac_year": [1, 2, 3]}),
    ):
        with pytest.raises(DomainError):
            list_applications(session, actor=world["central"], query=query)


def test_column_preferences_are_saved_and_read_back(session: Session, world: dict) -> None:
    actor = world["manager"]
    columns, size = get_columns(session, actor=actor)
    assert "birth_name" in columns and size == 50
    save_columns(session, actor=actor, columns=["sva", "ine", "dossier_number"], page_size=100)
    session.commit()
    assert get_columns(session, actor=actor) == (["dossier_number", "ine", "sva"], 100)
    save_columns(session, actor=actor, columns=["ine"], page_size=20)
    session.commit()
    assert get_columns(session, actor=actor) == (["ine"], 20)
    with pytest.raises(DomainError):
        save_columns(session, actor=actor, columns=["ine", "secret"])
    with pytest.raises(DomainError):
        save_columns(session, actor=Actor("candidate", account_id=1), columns=["ine"])


def test_days_filter_bounds_are_inclusive(session: Session, world: dict) -> None:
    just_30 = NOW - timedelta(days=30, seconds=1)
    application = world["applications"][0]
    application.transmitted_at = just_30
    session.add(application)
    session.commit()
    query = ListQuery(filters={"days_since_transmission": [30, 30]}, page_size=200)
    ids = ids_of(list_applications(session, actor=world["central"], query=query).rows)
    assert application.id in ids or application.cancelled_at is not None


# --- Labels in the reader's language, campaigns, "no value", every column, the SVA base, links -------------------


def test_referential_labels_follow_the_language_and_sort_on_it(session: Session, world: dict) -> None:
    for index, program in enumerate(world["programs"]):
        program.label_en = f"{'ZYXW'[index]} programme"  # English order reverses the French one
        session.add(program)
    session.commit()
    query = ListQuery(sort="program", page_size=MAX_PAGE_SIZE, language="en")
    page = list_applications(session, actor=world["central"], query=query)
    english = {p.id: p.label_en for p in world["programs"]}
    centres = {c.id: c.label_en for c in world["centres"]}
    apps = {a.id: a for a in world["applications"]}
    labels = [row["program"] for row in page.rows]
    assert labels == sorted(labels) and labels[0] == "W programme"
    for row in page.rows:
        assert row["program"] == english[apps[row["id"]].program_id]
        assert row["centre"] == centres[apps[row["id"]].centre_id]
        assert row["committee"].startswith("Committee") and row["campaign"].startswith("Campaign")
    french = list_applications(session, actor=world["central"], query=ListQuery(page_size=5))
    assert all(row["program"].startswith("Formation") for row in french.rows)


def test_campaign_filter_reads_an_archived_campaign(session: Session, world: dict) -> None:
    old = factories.campaign(session, is_active=False, archived_at=NOW - timedelta(days=300))
    program = factories.program(session, campaign_id=old.id, centre_id=world["centres"][0].id)
    ids = {
        factories.application(session, candidate_id=factories.candidate(session).id, program=program).id
        for _ in range(3)
    }
    session.commit()
    active = world["programs"][0].campaign_id
    everything = list_applications(session, actor=world["central"], query=ListQuery(page_size=10)).total
    current = list_applications(
        session, actor=world["central"], query=ListQuery(filters={"campaign": [active]}, page_size=10)
    )
    archived = list_applications(
        session, actor=world["central"], query=ListQuery(filters={"campaign": [old.id]}, page_size=10)
    )
    assert current.total == len(facts(session)) - 3 and everything == current.total + 3
    assert {row["id"] for row in archived.rows} == ids
    assert {row["campaign"] for row in archived.rows} == {old.label_fr}
    assert (
        list_applications(session, actor=world["manager"], query=ListQuery(filters={"campaign": [old.id]})).total == 3
    )  # the manager's centre holds them


def test_none_value_filters_rows_without_a_value(session: Session, world: dict) -> None:
    apps = [a for a in world["applications"] if a.cancelled_at is None]
    query = ListQuery(filters={"last_decision_kind": ["none", "favorable"]}, page_size=MAX_PAGE_SIZE)
    page = list_applications(session, actor=world["central"], query=query)
    assert page.total == len([a for a in apps if a.last_decision_kind in (None, DecisionKind.FAVORABLE)])
    no_bac = ListQuery(filters={"bac_series": ["none"]}, page_size=MAX_PAGE_SIZE)
    expected = [f for f in facts(session) if f["bac_year"] is None]  # no baccalauréat row (or series "none")
    got = list_applications(session, actor=world["central"], query=no_bac)
    assert got.total >= len(expected) > 0
    assert {f["id"] for f in expected} <= {r["id"] for r in got.rows}


@pytest.mark.parametrize("base", ["transmitted", "received", "complete", "created"])
def test_sva_counts_from_the_chosen_date(session: Session, world: dict, base: str) -> None:
    rng = random.Random(3)
    for application in world["applications"]:
        application.received_at = NOW - timedelta(days=rng.randrange(80)) if rng.random() < 0.6 else None
        application.complete_at = NOW - timedelta(days=rng.randrange(80)) if rng.random() < 0.4 else None
        application.created_at = NOW - timedelta(days=rng.randrange(100))
        session.add(application)
    session.commit()
    column = {"transmitted": "transmitted_at", "received": "received_at", "complete": "complete_at"}.get(
        base, "created_at"
    )
    expected: dict[str, set[int]] = {}
    for application in world["applications"]:
        if application.cancelled_at is not None:
            continue
        moment = getattr(application, column)
        days = (NOW - moment).days if moment is not None else None
        expected.setdefault(sva_colour(days, application.last_decision_published), set()).add(application.id)
    for colour, ids in expected.items():
        query = ListQuery(filters={"sva": [colour]}, sva_base=base, page_size=MAX_PAGE_SIZE)
        assert set(select_application_ids(session, actor=world["central"], query=query)) == ids, colour
    page = list_applications(session, actor=world["central"], query=ListQuery(sva_base=base, page_size=50))
    for row in page.rows:
        assert row["id"] in expected[row["sva"]]
    with pytest.raises(DomainError):
        list_applications(session, actor=world["central"], query=ListQuery(sva_base="birthday"))


SAMPLE = {"text": "a", "choice": None, "date_range": ("2026-01-01", None), "number_range": (0, None), "boolean": True}


def test_every_column_is_filterable(session: Session, world: dict) -> None:
    from app.services.review.staff_list_columns import COLUMNS

    assert len(COLUMNS) >= 33
    options = {"program": world["programs"][0].id, "centre": world["centres"][0].id, "tags": world["tags"][0].id}
    options["committee"] = world["programs"][0].committee_id
    options["campaign"] = world["programs"][0].campaign_id
    total = len(facts(session))
    for key, column in COLUMNS.items():
        value = SAMPLE[column.kind]
        if column.kind == "choice":
            value = [column.choices[0] if column.choices else options[key]]
        page = list_applications(session, actor=world["central"], query=ListQuery(filters={key: value}))
        assert page.total <= total, key


def test_filters_travel_in_a_link(session: Session, world: dict) -> None:
    from app.services.review.staff_list import filters_from_params, list_link

    filters = {"dossier_status": ["received", "complete"], "last_decision_published": False, "campaign": [4]}
    link = list_link(filters)
    assert link.startswith("/gestion/candidatures?")
    params = dict(part.split("=") for part in link.split("?")[1].split("&"))
    assert filters_from_params(params) == filters
    junk = {"dossier_status": "lost,complete", "password_hash": "x", "campaign": "1;DROP", "birth_name": "A"}
    assert filters_from_params(junk) == {"dossier_status": ["complete"]}
    with pytest.raises(DomainError):
        list_link({"birth_name": "A"})


# Names as candidates typed them (accents kept for display): (birth name, first names, usage name).
TYPED_NAMES = [("LEFÈVRE", "Éloïse", "D'ARC-ŒILLET"), ("LEFEVRE", "Zoé", ""), ("ÉMERY", "Anne-Marie", "")]


def typed_name_rows(session: Session, world: dict) -> dict[int, str]:
    """One application per typed name: application id -> birth name."""
    rows = {}
    for birth_name, first_names, usage_name in TYPED_NAMES:
        candidate = factories.candidate(session, birth_name=birth_name, first_names=first_names, usage_name=usage_name)
        application = factories.application(session, candidate_id=candidate.id, program=world["programs"][0])
        rows[application.id] = birth_name
    session.commit()
    return rows


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("lefevre", {"LEFÈVRE", "LEFEVRE"}),
        ("Lefèvre", {"LEFÈVRE", "LEFEVRE"}),
        ("ELOISE", {"LEFÈVRE"}),
        ("éloïse LEFEVRE", {"LEFÈVRE"}),
        ("oeillet", {"LEFÈVRE"}),
        ("d'arc", {"LEFÈVRE"}),
        ("emery", {"ÉMERY"}),
        ("anne-marie", {"ÉMERY"}),
        ("Zoe", {"LEFEVRE"}),
    ],
)
def test_names_stored_as_typed_are_searched_accents_case_and_hyphens_aside(
    session: Session, world: dict, search: str, found: set[str]
) -> None:
    rows = typed_name_rows(session, world)
    page = list_applications(session, actor=world["central"], query=ListQuery(search=search, page_size=MAX_PAGE_SIZE))
    assert {rows[i] for i in ids_of(page.rows) if i in rows} == found
    assert all(i in rows for i in ids_of(page.rows))  # the generated NOMxxx / PRENOMxxx rows do not match


@pytest.mark.parametrize(
    "search",
    ["Zx0000042", "zx000004", "0123456789ü", "ÉLISE.ZORRO@univ", "elise.zorro@UNIV.example", "Zörro"],
)
def test_each_searched_field_is_found_accents_and_case_aside(session: Session, world: dict, search: str) -> None:
    """The dossier number, the INE and the e-mail, like the names, are searched folded (accents and case aside)."""
    account = factories.account(session, dossier_number="ZX0000042", email="elise.zorro@univ.example")
    candidate = factories.candidate(session, account_id=account.id, ine="0123456789U", usage_name="ZORRO")
    application = factories.application(session, candidate_id=candidate.id, program=world["programs"][0])
    session.commit()
    page = list_applications(session, actor=world["central"], query=ListQuery(search=search, page_size=MAX_PAGE_SIZE))
    assert ids_of(page.rows) == [application.id]


def test_the_search_follows_every_write_of_the_searched_fields(session: Session, world: dict) -> None:
    """The folded search columns are written again with the fields: an old name or address finds nothing."""
    account = factories.account(session, dossier_number="ZX0000043", email="ancien@univ.example")
    candidate = factories.candidate(session, account_id=account.id, birth_name="ANCIEN")
    application = factories.application(session, candidate_id=candidate.id, program=world["programs"][0])
    session.commit()
    candidate.birth_name, account.email = "NOUVÈAU", "nouvelle@univ.example"
    session.add_all([candidate, account])
    session.commit()

    def found(search: str) -> list[int]:
        query = ListQuery(search=search, page_size=MAX_PAGE_SIZE)
        return ids_of(list_applications(session, actor=world["central"], query=query).rows)

    assert (found("nouveau"), found("NOUVELLE@"), found("ancien")) == ([application.id], [application.id], [])


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"birth_name": "Émery"}, {"ÉMERY"}),
        ({"birth_name": "lefevre"}, {"LEFÈVRE", "LEFEVRE"}),
        ({"first_names": "ELOISE"}, {"LEFÈVRE"}),
        ({"usage_name": "arc oeillet"}, {"LEFÈVRE"}),
    ],
)
def test_name_column_filters_ignore_accents_and_case(
    session: Session, world: dict, filters: dict, found: set[str]
) -> None:
    rows = typed_name_rows(session, world)
    page = list_applications(session, actor=world["central"], query=ListQuery(filters=filters, page_size=MAX_PAGE_SIZE))
    assert {rows[i] for i in ids_of(page.rows) if i in rows} == found
    assert all(i in rows for i in ids_of(page.rows))


def test_filter_options_are_the_scopes_programmes_centres_and_committees_in_french_order(
    session: Session, world: dict
) -> None:
    from app.models import ApplicationCentre, Committee, Program
    from app.services.review.staff_list import filter_options

    def expected(model: Any, key: str, centre_ids: set[int]) -> list[tuple[int, str, str]]:
        ids = {getattr(a, key) for a in session.exec(select(Application)).all() if a.centre_id in centre_ids}
        rows = [session.get(model, i) for i in ids]
        return sorted(((r.id, r.label_fr, r.label_en) for r in rows), key=lambda row: row[1])

    everywhere = {c.id for c in world["centres"]}
    for actor, centres in ((world["central"], everywhere), (world["manager"], {world["centres"][0].id})):
        options = filter_options(session, actor=actor)
        assert options["program"] == expected(Program, "program_id", centres)
        assert options["centre"] == expected(ApplicationCentre, "centre_id", centres)
        assert options["committee"] == expected(Committee, "committee_id", centres)
    assert len(filter_options(session, actor=world["manager"])["program"]) == 2  # the other centre's are not offered
