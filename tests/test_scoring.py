"""Scoring grids: scores per member, the combined score, who may score, and the grid's administration."""

import pytest
from sqlmodel import Session, select

from app.models import Application, AuditEvent, DecisionKind, ProgramCommittee, Score, ScoringCriterion, StaffRole
from app.services.platform.errors import DomainError, Forbidden, NotFound, StaleEdit
from app.services.review import staff_list
from app.services.review.staff_list_columns import ListQuery
from app.services.scoring.combine import combine, member_total
from app.services.scoring.grid import CriterionIn, add_criterion, delete_criterion, set_score_rule, update_criterion
from app.services.scoring.scores import enter_scores, parse_score, scoring_view
from tests import factories


@pytest.fixture
def grid(session: Session) -> dict:
    """A programme with two criteria (weights 2 and 1, scales 20 and 10) and three applications."""
    program = factories.program(session)
    criteria = [
        factories._add(session, ScoringCriterion(program_id=program.id, label_fr="Dossier", label_en="File",
                                                 weight=2, scale_max=20, position=1)),
        factories._add(session, ScoringCriterion(program_id=program.id, label_fr="Projet", label_en="Project",
                                                 weight=1, scale_max=10, position=2)),
    ]  # fmt: skip
    applications = [
        factories.application(session, candidate_id=factories.candidate(session).id, program=program) for _ in range(3)
    ]
    session.commit()
    return {"program": program, "criteria": criteria, "applications": applications}


def member(session: Session, program, role: StaffRole = StaffRole.COMMITTEE_MEMBER, **kw):
    scope = {"committee_id": program.committee_id} if role == StaffRole.COMMITTEE_MEMBER else {}
    if role == StaffRole.CENTRE_MANAGER:
        scope = {"centre_id": program.centre_id}
    actor = factories.staff_actor(session, role, **scope, **kw)
    session.commit()
    return actor


def score(session: Session, actor, application, first: str | None, second: str | None) -> Application:
    criteria = session.exec(select(ScoringCriterion).order_by(ScoringCriterion.position)).all()
    values = {criteria[0].id: first, criteria[1].id: second}
    found = enter_scores(session, actor=actor, application_id=application.id, values=values)
    session.commit()
    return found


def test_a_member_total_is_weighted_and_brought_to_20(grid: dict) -> None:
    criteria = grid["criteria"]
    # 15/20 weighted 2 and 5/10 weighted 1: (2 × 0.75 + 1 × 0.5) / 3 × 20 = 13.33
    assert member_total(criteria, {criteria[0].id: 150, criteria[1].id: 50}) == pytest.approx(13.333, abs=0.001)
    assert member_total(criteria, {criteria[0].id: 150}) is None  # an incomplete grid does not count
    assert combine("mean", [10.0, 14.0, 18.0]) == 14.0
    assert combine("median", [10.0, 11.0, 18.0]) == 11.0
    assert combine("mean", []) is None


@pytest.mark.parametrize(
    ("typed", "tenths"), [("14", 140), ("14,5", 145), ("14.5", 145), ("0", 0), ("20", 200), ("", None)]
)
def test_typed_scores_are_read_with_one_decimal(grid: dict, typed: str, tenths: int | None) -> None:
    assert parse_score(typed, grid["criteria"][0]) == tenths


@pytest.mark.parametrize("typed", ["20,5", "21", "-1", "14,25", "abc", "1e3"])
def test_a_score_outside_the_scale_is_refused_next_to_its_input(grid: dict, typed: str) -> None:
    criterion = grid["criteria"][0]
    with pytest.raises(DomainError) as refused:
        parse_score(typed, criterion)
    assert refused.value.field == f"criterion-{criterion.id}"
    assert refused.value.params["scale"] == 20


def test_each_member_keeps_their_scores_and_the_mean_is_stored(session: Session, grid: dict) -> None:
    program, application = grid["program"], grid["applications"][0]
    first, second = member(session, program), member(session, program)
    assert score(session, first, application, "15", "5").score == 13.33
    assert score(session, second, application, "20", "10").score == 16.67
    rows = session.exec(select(Score).where(Score.application_id == application.id)).all()
    assert len(rows) == 4 and {row.staff_id for row in rows} == {first.staff_id, second.staff_id}
    # One member's partial grid (the second criterion emptied) leaves only the other's total.
    assert score(session, second, application, "20", "").score == 13.33
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "score.entered")).all()
    assert len(events) == 3 and all(e.application_id == application.id for e in events)


def test_the_median_rule_and_a_weight_change_recompute_every_score(session: Session, grid: dict) -> None:
    program, application = grid["program"], grid["applications"][0]
    admin = member(session, program, StaffRole.CENTRAL_OFFICE)
    for typed in ("10", "12", "20"):
        score(session, member(session, program), application, typed, typed[:1])
    mean_score = session.get(Application, application.id).score
    session.refresh(program)
    set_score_rule(session, actor=admin, program_id=program.id, rule="median", expected_version=program.version)
    session.commit()
    median_score = session.get(Application, application.id).score
    assert median_score != mean_score
    criterion = grid["criteria"][1]
    data = CriterionIn("Projet", "Project", weight=5, scale_max=10, position=2)
    update_criterion(session, actor=admin, criterion_id=criterion.id, expected_version=criterion.version, data=data)
    session.commit()
    assert session.get(Application, application.id).score != median_score


def test_a_score_does_not_make_the_application_stale(session: Session, grid: dict) -> None:
    application = grid["applications"][0]
    version = application.version
    score(session, member(session, grid["program"]), application, "10", "5")
    session.refresh(application)
    assert application.version == version  # a colleague's open page stays saveable


def test_scores_are_refused_once_the_decision_is_published(session: Session, grid: dict) -> None:
    application = grid["applications"][0]
    factories.published_decision(session, application=application, kind=DecisionKind.FAVORABLE)
    session.commit()
    with pytest.raises(DomainError) as refused:
        score(session, member(session, grid["program"]), application, "10", "5")
    assert refused.value.code == "published"


@pytest.mark.parametrize(
    ("role", "scoped", "allowed"),
    [
        (StaffRole.ADMINISTRATOR, True, True),
        (StaffRole.CENTRAL_OFFICE, True, True),
        (StaffRole.CENTRE_MANAGER, True, True),
        (StaffRole.CENTRE_MANAGER, False, False),
        (StaffRole.COMMITTEE_MEMBER, True, True),
        (StaffRole.COMMITTEE_MEMBER, False, False),
        (StaffRole.ACCOUNT_DESK, True, False),
    ],
)
def test_who_may_score(session: Session, grid: dict, role: StaffRole, scoped: bool, allowed: bool) -> None:
    program = grid["program"]
    if scoped:
        actor = member(session, program, role)
    else:  # the same role over another centre or committee
        other = factories.program(session, campaign_id=program.campaign_id)
        actor = member(session, other, role)
    if allowed:
        assert score(session, actor, grid["applications"][0], "10", "5").score == 10.0
    else:
        with pytest.raises((NotFound, Forbidden)):
            score(session, actor, grid["applications"][0], "10", "5")


def test_a_read_only_role_may_read_but_not_score(session: Session, grid: dict) -> None:
    actor = member(session, grid["program"], read_only=True)
    view = scoring_view(session, actor=actor, application_id=grid["applications"][0].id)
    assert view is not None and not view.may_score and view.refusal.code == "read_only"
    with pytest.raises(Forbidden):
        score(session, actor, grid["applications"][0], "10", "5")


def test_committee_members_see_their_own_scores_managers_see_all(session: Session, grid: dict) -> None:
    program, application = grid["program"], grid["applications"][0]
    first, second = member(session, program), member(session, program)
    score(session, first, application, "15", "5")
    score(session, second, application, "10", "10")
    own = scoring_view(session, actor=first, application_id=application.id)
    assert own.own == {grid["criteria"][0].id: "15", grid["criteria"][1].id: "5"} and own.others == []
    assert own.combined is None and not own.sees_all
    manager = member(session, program, StaffRole.CENTRE_MANAGER)
    full = scoring_view(session, actor=manager, application_id=application.id)
    assert len(full.others) == 2 and full.combined == application.score


def test_scale_change_and_deletion_are_refused_once_scored(session: Session, grid: dict) -> None:
    program, application = grid["program"], grid["applications"][0]
    admin = member(session, program, StaffRole.CENTRAL_OFFICE)
    score(session, member(session, program), application, "15", "5")
    criterion = grid["criteria"][0]
    session.refresh(criterion)
    with pytest.raises(DomainError) as refused:
        update_criterion(session, actor=admin, criterion_id=criterion.id, expected_version=criterion.version,
                         data=CriterionIn("Dossier", "File", weight=2, scale_max=10))  # fmt: skip
    assert refused.value.code == "scale_locked"
    session.rollback()
    with pytest.raises(DomainError) as refused:
        delete_criterion(session, actor=admin, criterion_id=criterion.id, expected_version=criterion.version)
    assert refused.value.code == "delete_locked"
    session.rollback()
    # Deactivated instead: its values stay stored, the total counts the other criterion only (5/10 → 10/20).
    update_criterion(session, actor=admin, criterion_id=criterion.id, expected_version=criterion.version,
                     data=CriterionIn("Dossier", "File", weight=2, scale_max=20, is_active=False))  # fmt: skip
    session.commit()
    assert session.get(Application, application.id).score == 10.0
    assert len(session.exec(select(Score).where(Score.criterion_id == criterion.id)).all()) == 1


def test_grid_edits_are_version_checked_and_need_the_offer_right(session: Session, grid: dict) -> None:
    program = grid["program"]
    admin = member(session, program, StaffRole.CENTRAL_OFFICE)
    added = add_criterion(session, actor=admin, program_id=program.id, data=CriterionIn("Oral", "Interview", 1, 20))
    session.commit()
    assert added.position == 3
    with pytest.raises(StaleEdit):
        update_criterion(session, actor=admin, criterion_id=added.id, expected_version=added.version - 1,
                         data=CriterionIn("Oral", "Interview", 1, 20))  # fmt: skip
    session.rollback()
    committee = member(session, program)
    with pytest.raises((Forbidden, NotFound)):
        add_criterion(session, actor=committee, program_id=program.id, data=CriterionIn("X", "X", 1, 20))
    session.rollback()
    with pytest.raises(DomainError) as refused:
        add_criterion(session, actor=admin, program_id=program.id, data=CriterionIn("X", "X", 0, 20))
    assert refused.value.field == "weight"
    session.rollback()
    delete_criterion(session, actor=admin, criterion_id=added.id, expected_version=added.version)
    session.commit()
    assert session.get(ScoringCriterion, added.id) is None


def test_the_staff_list_sorts_by_score_and_filters_scored(session: Session, grid: dict) -> None:
    program, (low, high, unscored) = grid["program"], grid["applications"]
    actor = member(session, program)
    score(session, actor, low, "8", "4")
    score(session, actor, high, "18", "9")
    query = ListQuery(sort="score", descending=True, filters={"program": [program.id]})
    page = staff_list.list_applications(session, actor=actor, query=query)
    assert [row["id"] for row in page.rows] == [high.id, low.id, unscored.id]  # unscored last
    scored = ListQuery(sort="score", filters={"scored": True})
    assert [row["id"] for row in staff_list.list_applications(session, actor=actor, query=scored).rows] == [
        low.id,
        high.id,
    ]
    unscored_only = ListQuery(filters={"scored": False})
    assert [row["id"] for row in staff_list.list_applications(session, actor=actor, query=unscored_only).rows] == [
        unscored.id
    ]


def test_exports_hold_the_combined_score_and_each_criterion_mean(session: Session, grid: dict, tmp_path) -> None:
    from app.services.exports.tabular import TabularRequest
    from tests.test_exports import export_csv

    program, (first, second, _third) = grid["program"], grid["applications"]
    score(session, member(session, program), first, "15", "5")
    score(session, member(session, program), first, "12,5", "8")
    central = member(session, program, StaffRole.CENTRAL_OFFICE)
    request = TabularRequest(
        query=ListQuery(sort="score", descending=True), columns=["dossier_number", "score"], extras=["scores"]
    )
    header, *lines = export_csv(tmp_path, central, request)
    code = program.code
    assert header[1:] == ["Note", f"Dossier ({code}), moyenne sur 20", f"Projet ({code}), moyenne sur 10"]
    assert lines[0][1:] == [str(session.get(Application, first.id).score), "13.75", "6.5"]
    assert lines[1][1:] == ["", "", ""] and second.id  # unscored: empty cells


def test_an_anonymised_application_loses_its_scores(session: Session, grid: dict, clock) -> None:
    from app.services.accounts.erasure import anonymise_applications

    application = grid["applications"][0]
    score(session, member(session, grid["program"]), application, "15", "5")
    anonymise_applications(session, [application.id], clock.now())
    session.commit()
    session.expire_all()
    assert session.exec(select(Score).where(Score.application_id == application.id)).all() == []
    assert session.get(Application, application.id).score is None


def test_an_examining_committee_scores_and_an_unrelated_one_may_not(session: Session, grid: dict) -> None:
    """Issue #22 items 1 and 2 together: a committee listed to examine the programme scores its applications (its
    members only read them otherwise); a committee that neither decides nor examines it does not even see them."""
    program = grid["program"]
    examining = factories.committee(session, program.centre_id, label_fr="Commission pédagogique")
    unrelated = factories.committee(session, program.centre_id, label_fr="Jury de licence")
    session.add(ProgramCommittee(program_id=program.id, committee_id=examining.id, role_fr="Examen pédagogique",
                                 role_en="Teaching review", required=True, position=0))  # fmt: skip
    teacher = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=examining.id)
    outsider = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=unrelated.id)
    session.commit()
    application = grid["applications"][0]
    view = scoring_view(session, actor=teacher, application_id=application.id)
    assert view is not None and view.may_score
    assert score(session, teacher, application, "12", "6").score == 12.0
    with pytest.raises(NotFound):
        score(session, outsider, application, "10", "5")
