"""Several committees examine one programme (issue #22 item 1): who reads and writes what (a scope matrix), the
opinions, the decision gate (one entry and a selection), the mails and the letter's signatory."""

import pytest
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import (
    Application,
    AuditEvent,
    CommitteeOpinion,
    DecisionKind,
    OpinionKind,
    OutboxMail,
    ProcessingType,
    Program,
    ProgramCommittee,
    StaffRole,
)
from app.services.accounts.staff_roles import current_role
from app.services.applications.staff_scope import program_scope, require_application_in_scope, scope_filter
from app.services.decisions.letters import letter_committee
from app.services.decisions.opinions import enter_opinion, opinions_view
from app.services.decisions.selection import DecisionEntry, enter_on_selection, plan_entry
from app.services.decisions.staff_decisions import enter_decision, publish_decision
from app.services.platform.errors import DomainError, Forbidden, NotFound
from tests import factories


@pytest.fixture
def world(session: Session, clock) -> dict:
    """A programme decided by its own committee, examined by « examen pédagogique » (required) and « avis du
    directeur » (optional); a programme of another committee of the same centre; staff of each."""
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    centre, other_centre = factories.centre(session), factories.centre(session)
    own = factories.committee(session, centre.id, label_fr="Jury du master")
    teaching = factories.committee(session, centre.id, label_fr="Commission pédagogique", alert_on_transmission=True)
    director = factories.committee(session, centre.id, label_fr="Direction des études", alert_on_transmission=False)
    outsider = factories.committee(session, centre.id, label_fr="Jury de licence")
    program = factories.program(session, centre_id=centre.id, committee_id=own.id)
    elsewhere = factories.program(
        session, centre_id=centre.id, committee_id=outsider.id, campaign_id=program.campaign_id
    )
    session.add(ProgramCommittee(program_id=program.id, committee_id=teaching.id, role_fr="Examen pédagogique",
                                 role_en="Teaching review", required=True, position=0))  # fmt: skip
    session.add(ProgramCommittee(program_id=program.id, committee_id=director.id, role_fr="Avis du directeur",
                                 role_en="Director's opinion", required=False, position=1))  # fmt: skip
    candidates = [factories.complete_candidate(session) for _ in range(3)]
    applications = [factories.application(session, candidate_id=c.id, program=program) for c in candidates]
    other = factories.application(session, candidate_id=candidates[0].id, program=elsewhere)
    member = lambda committee: factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=committee.id)  # noqa: E731
    world = {
        "program": program,
        "applications": applications,
        "other": other,
        "committees": {"own": own, "teaching": teaching, "director": director, "outsider": outsider},
        "own": member(own),
        "teaching": member(teaching),
        "director": member(director),
        "outsider": member(outsider),
        "manager": factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id),
        "other_manager": factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=other_centre.id),
        "central": factories.staff_actor(session, StaffRole.CENTRAL_OFFICE),
        "favorable": factories.decision_type(session, DecisionKind.FAVORABLE),
    }
    session.commit()
    return world


def make_final(session: Session, world: dict, name: str) -> None:
    row = session.exec(
        select(ProgramCommittee).where(ProgramCommittee.committee_id == world["committees"][name].id)
    ).one()
    row.is_final = True
    session.add(row)
    session.commit()


def decide(session: Session, world: dict, who: str, application: Application) -> object:
    return enter_decision(
        session, actor=world[who], application_id=application.id, decision_type_id=world["favorable"].id
    )


READERS = ["own", "teaching", "director", "manager", "central"]
OUTSIDERS = ["outsider", "other_manager"]


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_who_reads_the_applications_of_an_examined_programme(session: Session, world: dict, who: str) -> None:
    application = world["applications"][0]
    role = current_role(session, actor=world[who])
    listed = set(session.exec(select(Application.id).where(scope_filter(role))).all())
    programs = set(session.exec(select(Program.id).where(program_scope(role))).all())
    if who in READERS:
        require_application_in_scope(session, actor=world[who], application_id=application.id)
        assert application.id in listed and world["program"].id in programs
        assert opinions_view(session, actor=world[who], application_id=application.id).lines
    else:
        with pytest.raises(NotFound):
            require_application_in_scope(session, actor=world[who], application_id=application.id)
        assert application.id not in listed and world["program"].id not in programs
    # The examining committees read nothing of the programmes that do not list them.
    if who in ("teaching", "director"):
        assert world["other"].id not in listed


@pytest.mark.parametrize(
    ("who", "outcome"),
    [
        ("teaching", None),
        ("director", None),
        ("own", "not_examining"),  # the programme's own committee decides; it gives no opinion
        ("manager", "not_examining"),
        ("central", "not_examining"),
        ("outsider", "not_found"),
        ("other_manager", "not_found"),
    ],
)
def test_only_an_examining_committee_enters_its_opinion(session: Session, world: dict, who: str, outcome) -> None:
    application = world["applications"][0]
    call = lambda: enter_opinion(session, actor=world[who], application_id=application.id, opinion="favourable")  # noqa: E731
    if outcome is None:
        row = call()
        assert row.committee_id == world["committees"][who].id and row.opinion == OpinionKind.FAVOURABLE
    elif outcome == "not_found":
        with pytest.raises(NotFound):
            call()
    else:
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == outcome


def test_an_examining_member_may_not_enter_the_decision_nor_post_its(session: Session, world: dict) -> None:
    application = world["applications"][0]
    with pytest.raises(Forbidden):
        decide(session, world, "teaching", application)
    with pytest.raises(Forbidden):
        require_application_in_scope(session, actor=world["teaching"], application_id=application.id, write=True)


def test_a_read_only_member_of_an_examining_committee_cannot_enter_an_opinion(session: Session, world: dict) -> None:
    committee = world["committees"]["teaching"]
    reader = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=committee.id, read_only=True)
    with pytest.raises(Forbidden):
        enter_opinion(session, actor=reader, application_id=world["applications"][0].id, opinion="favourable")


@pytest.mark.parametrize("who", ["own", "manager", "central"])
def test_the_decision_waits_for_the_required_opinions_naming_them(session: Session, world: dict, who: str) -> None:
    application = world["applications"][0]
    with pytest.raises(DomainError) as refused:
        decide(session, world, who, application)
    assert refused.value.code == "opinions_missing"
    assert "Commission pédagogique" in refused.value.translate(lambda text: text)
    assert "Direction des études" not in refused.value.translate(lambda text: text)  # optional: not awaited
    enter_opinion(session, actor=world["teaching"], application_id=application.id, opinion="reserved")
    assert decide(session, world, who, application) is not None


def test_the_final_committee_decides_without_waiting_and_signs_the_letters(session: Session, world: dict) -> None:
    application = world["applications"][0]
    assert letter_committee(session, application).id == world["committees"]["own"].id
    make_final(session, world, "director")
    assert decide(session, world, "director", application) is not None  # the required opinion is still missing
    assert letter_committee(session, application).id == world["committees"]["director"].id
    with pytest.raises(DomainError):
        decide(session, world, "own", world["applications"][1])  # the own committee still waits


@pytest.mark.parametrize("final", [None, "director"])
def test_the_published_letter_is_signed_by_the_deciding_committee(session: Session, world: dict, final) -> None:
    from app.services.decisions.letters import letter_context

    committees = world["committees"]
    committees["own"].signatory_name, committees["director"].signatory_name = "Jeanne Jury", "Denis Directeur"
    session.add_all([committees["own"], committees["director"]])
    session.commit()
    if final:
        make_final(session, world, final)
    application = world["applications"][0]
    enter_opinion(session, actor=world["teaching"], application_id=application.id, opinion="favourable")
    decision = decide(session, world, "manager", application)
    publish_decision(session, actor=world["manager"], decision_id=decision.id)
    context = letter_context(session, application, decision)
    expected = "Denis Directeur" if final else "Jeanne Jury"
    assert context is not None and context["signatory_name"] == expected
    assert context["committee_lines"][0] == (committees[final or "own"].label_fr)


def test_a_direct_admission_is_not_held_by_the_opinions(session: Session, world: dict) -> None:
    application = world["applications"][0]
    application.processing_type = ProcessingType.DIRECT_ADMISSION
    session.add(application)
    session.commit()
    assert decide(session, world, "manager", application) is not None


def test_a_selection_enters_the_decision_where_the_opinions_are_in_and_says_why_not_elsewhere(
    session: Session, world: dict
) -> None:
    ready, waiting, _third = world["applications"]
    enter_opinion(session, actor=world["teaching"], application_id=ready.id, opinion="favourable")
    entry = DecisionEntry(decision_type_id=world["favorable"].id)
    ids = [ready.id, waiting.id]
    plan = plan_entry(session, actor=world["manager"], application_ids=ids, entry=entry)
    assert [row.application_id for row in plan.acting] == [ready.id]
    report = enter_on_selection(session, actor=world["manager"], application_ids=ids, entry=entry)
    assert [row.application_id for row in report.acting] == [ready.id]
    [(reason, rows)] = report.skipped_by_reason()
    assert reason.code == "opinions_missing" and [row.application_id for row in rows] == [waiting.id]


def test_a_selection_by_an_examining_member_enters_no_decision(session: Session, world: dict) -> None:
    application = world["applications"][0]
    entry = DecisionEntry(decision_type_id=world["favorable"].id)
    report = enter_on_selection(session, actor=world["teaching"], application_ids=[application.id], entry=entry)
    assert report.acting == [] and report.skipped[0].reason.code == "opinion_only"


def test_an_opinion_changes_until_a_decision_is_published_each_change_in_the_history(
    session: Session, world: dict
) -> None:
    application = world["applications"][0]
    first = enter_opinion(session, actor=world["teaching"], application_id=application.id, opinion="reserved")
    changed = enter_opinion(
        session,
        actor=world["teaching"],
        application_id=application.id,
        opinion="favourable",
        comment="Projet clarifié.",
        expected_version=first.version,
    )
    assert changed.opinion == OpinionKind.FAVOURABLE and changed.comment == "Projet clarifié."
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.application_id == application.id).order_by(AuditEvent.id)
    ).all()
    assert [a for a in actions if a.startswith("opinion.")] == ["opinion.entered", "opinion.changed"]
    decision = decide(session, world, "manager", application)
    publish_decision(session, actor=world["manager"], decision_id=decision.id)
    with pytest.raises(DomainError) as refused:
        enter_opinion(
            session,
            actor=world["teaching"],
            application_id=application.id,
            opinion="unfavourable",
            expected_version=changed.version,
        )
    assert refused.value.code == "opinion_closed"


def test_two_members_of_one_committee_the_second_is_told_and_a_double_click_saves_once(
    session: Session, world: dict
) -> None:
    application = world["applications"][0]
    colleague = factories.staff_actor(
        session, StaffRole.COMMITTEE_MEMBER, committee_id=world["committees"]["teaching"].id
    )
    enter_opinion(session, actor=world["teaching"], application_id=application.id, opinion="reserved")
    again = enter_opinion(session, actor=world["teaching"], application_id=application.id, opinion="reserved")
    assert again.version == 1  # the same values from the same stale page: once is enough
    with pytest.raises(DomainError) as refused:
        enter_opinion(session, actor=colleague, application_id=application.id, opinion="unfavourable")
    assert refused.value.code == "stale"
    assert len(session.exec(select(CommitteeOpinion)).all()) == 1


def test_an_unknown_opinion_is_refused_next_to_its_field(session: Session, world: dict) -> None:
    with pytest.raises(DomainError) as refused:
        enter_opinion(session, actor=world["teaching"], application_id=world["applications"][0].id, opinion="maybe")
    assert refused.value.field == "opinion"


def test_the_deciding_committee_is_mailed_once_when_the_last_required_opinion_is_in(
    session: Session, world: dict
) -> None:
    application = world["applications"][0]
    enter_opinion(session, actor=world["director"], application_id=application.id, opinion="favourable")
    assert session.exec(select(OutboxMail).where(OutboxMail.code == "committee_opinions_complete")).all() == []
    first = enter_opinion(session, actor=world["teaching"], application_id=application.id, opinion="reserved")
    enter_opinion(
        session, actor=world["teaching"], application_id=application.id, opinion="favourable", expected_version=1
    )
    assert first is not None
    [mail] = session.exec(select(OutboxMail).where(OutboxMail.code == "committee_opinions_complete")).all()
    assert mail.to_address == world["committees"]["own"].contact_email
    assert "Examen pédagogique" in mail.body_html and "Avis du directeur" in mail.body_html


def test_each_examining_committee_gets_the_alerts_its_settings_ask_for(session: Session, world: dict) -> None:
    from app.services.applications import mails

    application = world["applications"][2]
    parties = mails.mail_parties(session, application)
    link = {"link": mails.staff_link(application)}
    mails.alert_committees(session, parties, "alert_on_transmission", "committee_transmission", link)
    sent = session.exec(select(OutboxMail).where(OutboxMail.code == "committee_transmission")).all()
    by_address = {mail.to_address: mail for mail in sent}
    committees = world["committees"]
    assert set(by_address) == {committees["own"].contact_email, committees["teaching"].contact_email}
    assert "Commission pédagogique" in by_address[committees["teaching"].contact_email].body_html
    # The centre's recipients are copied on the programme's own committee's alert only.
    assert by_address[committees["teaching"].contact_email].cc_addresses == []


def test_the_staff_list_filters_on_the_opinions_and_shows_them(session: Session, world: dict) -> None:
    from app.services.review.staff_list import list_applications
    from app.services.review.staff_list_columns import ListQuery

    ready, waiting, _third = world["applications"]
    enter_opinion(session, actor=world["teaching"], application_id=ready.id, opinion="favourable")
    enter_opinion(session, actor=world["director"], application_id=waiting.id, opinion="reserved")  # optional only

    def ids(value: str) -> list[int]:
        page = list_applications(session, actor=world["manager"], query=ListQuery(filters={"opinions": [value]}))
        return sorted(row["id"] for row in page.rows)

    assert ids("complete") == [ready.id]
    assert ids("missing") == sorted(a.id for a in world["applications"][1:])
    page = list_applications(session, actor=world["manager"], query=ListQuery(filters={"opinions": ["complete"]}))
    assert page.rows[0]["opinions"] == ["Examen pédagogique\u00a0: Favorable"]
    english = list_applications(
        session, actor=world["manager"], query=ListQuery(filters={"opinions": ["complete"]}, language="en")
    )
    assert english.rows[0]["opinions"] == ["Teaching review: Favourable"]


def test_the_statistics_count_each_committees_opinions_per_programme(session: Session, world: dict) -> None:
    from app.services.exports.opinion_statistics import opinions_by_committee

    first, second, _third = world["applications"]
    enter_opinion(session, actor=world["teaching"], application_id=first.id, opinion="favourable")
    enter_opinion(session, actor=world["teaching"], application_id=second.id, opinion="unfavourable")
    enter_opinion(session, actor=world["director"], application_id=first.id, opinion="reserved")
    rows = opinions_by_committee(session, actor=world["manager"])
    assert [(row.role_fr, row.counts) for row in rows] == [
        ("Examen pédagogique", {"favourable": 1, "reserved": 0, "unfavourable": 1, "awaited": 1}),
        ("Avis du directeur", {"favourable": 0, "reserved": 1, "unfavourable": 0, "awaited": 2}),
    ]
    assert opinions_by_committee(session, actor=world["other_manager"]) == []  # outside their scope
    assert [row.role_fr for row in opinions_by_committee(session, actor=world["teaching"])] == [
        "Examen pédagogique",
        "Avis du directeur",
    ]
