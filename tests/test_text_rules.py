"""The one text rule at every boundary: control characters refused with a message (no database error, on SQLite and
PostgreSQL alike), invisible characters refused in names and address lines, searches that drop them, and texts
longer than their field refused rather than cut."""

from datetime import date

import pytest
from sqlmodel import Session, select

from app.db import new_session, transaction
from app.i18n import _, use_language
from app.models import (
    Account,
    Address,
    Candidate,
    DecisionKind,
    DocumentStatus,
    ExternalRecord,
    Note,
    OutboxMail,
    QuestionAnswer,
    QuestionKind,
    RecordOutcome,
    StaffRole,
)
from app.services.accounts import candidates as accounts
from app.services.accounts.assistance import send_assistance_request
from app.services.applications.question_answers import answer_question
from app.services.decisions.staff_decisions import enter_decision
from app.services.dossier import entries as dossier_entries
from app.services.dossier import tabs as dossier
from app.services.dossier.schemas import DossierInvalid
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from app.services.review import staff_view as staff_review
from app.services.review.staff_list import list_applications
from app.services.review.staff_list_columns import ListQuery
from tests import factories

INVALID = "caractère invisible ou de contrôle"  # in the refusal message
NUL = "\x00"
RLO = "\u202e"  # right-to-left override: « Dupont‮tnemucod » reads as another name
ZWSP = "\u200b"  # zero-width space
LINES = "Points :\n\t- motivé\r\n- sérieux"


@pytest.fixture
def world(session: Session) -> dict:
    """One application of a complete candidate, a centre manager of its centre, a text question and a piece."""
    campaign = factories.campaign(session)
    centre = factories.centre(session)
    committee = factories.committee(session, centre.id)
    program = factories.program(session, campaign_id=campaign.id, centre_id=centre.id, committee_id=committee.id)
    candidate = factories.complete_candidate(session, birth_name="DUPONT", first_names="JEANNE")
    application = factories.application(session, candidate_id=candidate.id, program=program)
    question = factories.question(session, kind=QuestionKind.TEXT, max_length=5000)
    piece = factories.submitted_document(
        session,
        application_id=application.id,
        required_document_id=factories.required_document(session).id,
        status=DocumentStatus.SUBMITTED,
    )
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id)
    session.commit()
    return {
        "application": application,
        "candidate": candidate,
        "candidate_actor": Actor("candidate", account_id=candidate.account_id),
        "manager": manager,
        "question": question,
        "piece": piece,
    }


def refused(call, *, code: str = "text_invalid_character") -> DomainError:
    """Run ``call`` in a unit of work; it must refuse with ``code`` (a database error fails the test)."""
    with pytest.raises(DomainError) as error, transaction() as s:
        call(s)
    if isinstance(error.value, DossierInvalid):
        assert code in ("text_invalid_character", "text_too_long")
        return error.value
    assert error.value.code == code, error.value
    return error.value


# --- Control and invisible characters -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [NUL, "\x07", "\x1b[31m", "\ud800"])
def test_a_control_character_in_a_sign_up_name_is_refused_next_to_the_field(session: Session, bad: str) -> None:
    def create(s: Session) -> None:
        accounts.create_account(
            s,
            actor=Actor.anonymous(),
            last_name=f"Du{bad}pont",
            first_name="Jeanne",
            email="jeanne.dupont@mail.example",
            email_confirm="jeanne.dupont@mail.example",
            password="Un-mot-de-passe-solide-42",
            password_confirm="Un-mot-de-passe-solide-42",
        )

    assert refused(create).field == "last_name"
    assert session.exec(select(Account)).all() == []


@pytest.mark.parametrize("invisible", [RLO, ZWSP, "\u2066", "\ufeff"])
def test_bidi_overrides_and_zero_width_characters_are_refused_in_names(session: Session, invisible: str) -> None:
    def create(s: Session) -> None:
        accounts.create_account(
            s,
            actor=Actor.anonymous(),
            last_name="Dupont",
            first_name=f"Jea{invisible}nne",
            email="jeanne.dupont@mail.example",
            email_confirm="jeanne.dupont@mail.example",
            password="Un-mot-de-passe-solide-42",
            password_confirm="Un-mot-de-passe-solide-42",
        )

    assert refused(create).field == "first_name"


def test_a_nul_in_an_e_mail_address_typed_to_find_an_account_is_refused(session: Session) -> None:
    for call in (
        lambda s: accounts.resend_activation(s, actor=Actor.anonymous(), email=f"a{NUL}@mail.example"),
        lambda s: accounts.send_dossier_number_reminder(s, actor=Actor.anonymous(), email=f"a{NUL}@mail.example"),
    ):
        assert refused(call).field == "email"


@pytest.mark.parametrize("field", ["line1", "line2", "city"])
@pytest.mark.parametrize("bad", [NUL, RLO, ZWSP])
def test_control_and_invisible_characters_in_an_address_line_are_refused_next_to_it(
    session: Session, world: dict, field: str, bad: str
) -> None:
    with new_session() as s:
        address = s.exec(select(Address).where(Address.candidate_id == world["candidate"].id)).one()
    address.country, address.postcode, address.commune_insee, address.city = "SN", "", None, "Dakar"
    setattr(address, field, f"12 rue{bad} des Carmes")
    error = refused(lambda s: dossier.save_address(s, actor=world["candidate_actor"], address=address))
    assert isinstance(error, DossierInvalid) and list(error.errors) == [field]
    assert INVALID in error.field_message(field, _)
    session.expire_all()
    assert session.exec(select(Address.line1).where(Address.candidate_id == world["candidate"].id)).one() == (
        "1 rue de Bourgogne"
    )


def test_a_nul_in_the_dossiers_identity_or_entries_is_refused_next_to_the_field(session: Session, world: dict) -> None:
    with new_session() as s:
        candidate = s.get(Candidate, world["candidate"].id)
    candidate.birth_name, candidate.birth_date = f"DU{NUL}PONT", date(2003, 5, 17)
    error = refused(lambda s: dossier.save_personal_information(s, actor=world["candidate_actor"], candidate=candidate))
    assert INVALID in error.field_message("birth_name", _)
    entry = ExternalRecord(
        candidate_id=world["candidate"].id,
        academic_year=2024,
        establishment_label="Université de Genève",
        country="CH",
        diploma_type="Licence",
        label=f"Histoire{NUL}",
        outcome=RecordOutcome.OBTAINED,
    )
    error = refused(lambda s: dossier_entries.save_entry(s, actor=world["candidate_actor"], entry=entry))
    assert list(error.errors) == ["label"] and INVALID in error.field_message("label", _)


def test_a_nul_in_an_assistance_request_is_refused_and_nothing_is_sent(session: Session, world: dict) -> None:
    actor = world["candidate_actor"]
    subject = refused(lambda s: send_assistance_request(s, actor=actor, subject=f"Aide{NUL}", message="Bonjour"))
    message = refused(lambda s: send_assistance_request(s, actor=actor, subject="Aide", message=f"Bonjour{NUL}"))
    assert (subject.field, message.field) == ("subject", "message")
    assert session.exec(select(OutboxMail)).all() == []


def test_a_nul_in_a_question_answer_is_refused_next_to_the_question(session: Session, world: dict) -> None:
    question_id = world["question"].id
    error = refused(
        lambda s: answer_question(
            s,
            actor=world["candidate_actor"],
            application_id=world["application"].id,
            question_id=question_id,
            value=f"Parce que{NUL}",
        )
    )
    assert error.field == f"question-{question_id}"
    assert session.exec(select(QuestionAnswer)).all() == []


def test_a_nul_in_a_staff_note_or_a_piece_comment_is_refused(session: Session, world: dict) -> None:
    manager, application_id = world["manager"], world["application"].id
    note = refused(lambda s: staff_review.add_note(s, actor=manager, application_id=application_id, body=f"Vu{NUL}"))
    comment = refused(
        lambda s: staff_review.review_piece(
            s,
            actor=manager,
            submitted_document_id=world["piece"].id,
            status=DocumentStatus.REFUSED,
            comment=f"Illisible{NUL}",
        )
    )
    assert (note.field, comment.field) == ("body", "comment")
    assert session.exec(select(Note)).all() == []
    with transaction() as s:  # line breaks and tabs are no control characters to refuse
        kept = staff_review.add_note(s, actor=manager, application_id=application_id, body=LINES)
    assert kept.body == LINES


def test_the_staff_list_search_and_text_filters_drop_control_characters(session: Session, world: dict) -> None:
    manager = world["manager"]
    for query in (ListQuery(search=f"DU{NUL}PONT {ZWSP}"), ListQuery(filters={"birth_name": f"DUP{NUL}ONT"})):
        with new_session() as s:
            page = list_applications(s, actor=manager, query=query)
        assert [row["id"] for row in page.rows] == [world["application"].id]
    from app.services.platform.text_rules import searchable

    assert searchable(f"a{NUL}b\x1f{RLO}c{ZWSP}\td") == "abc\td"


def test_the_refusal_reads_in_french_and_in_english() -> None:
    from app.services.platform.text_rules import check_text

    with pytest.raises(DomainError) as error:
        check_text(f"x{NUL}", field="body")
    with use_language("fr"):
        assert INVALID in error.value.translate(_)
    with use_language("en"):
        assert error.value.translate(_).startswith("This text contains an invisible or control character")


# --- Length: refused with the limit, never cut --------------------------------------------------------------------


def test_a_staff_note_longer_than_5000_characters_is_refused_not_cut(session: Session, world: dict) -> None:
    manager, application_id = world["manager"], world["application"].id
    error = refused(
        lambda s: staff_review.add_note(s, actor=manager, application_id=application_id, body="a" * 5001),
        code="text_too_long",
    )
    assert (error.field, error.params) == ("body", {"max": 5000})
    assert session.exec(select(Note)).all() == []
    with transaction() as s:
        assert len(staff_review.add_note(s, actor=manager, application_id=application_id, body="a" * 5000).body) == 5000


def test_a_piece_comment_longer_than_2000_characters_is_refused_not_cut(session: Session, world: dict) -> None:
    error = refused(
        lambda s: staff_review.review_piece(
            s,
            actor=world["manager"],
            submitted_document_id=world["piece"].id,
            status=DocumentStatus.REFUSED,
            comment="b" * 2001,
        ),
        code="text_too_long",
    )
    assert (error.field, error.params) == ("comment", {"max": 2000})


def test_a_decision_comment_longer_than_2000_characters_is_refused_not_cut(session: Session, world: dict) -> None:
    dtype = factories.decision_type(session, DecisionKind.FAVORABLE)
    session.commit()
    error = refused(
        lambda s: enter_decision(
            s,
            actor=world["manager"],
            application_id=world["application"].id,
            decision_type_id=dtype.id,
            comment="c" * 2001,
        ),
        code="text_too_long",
    )
    assert (error.field, error.params) == ("comment", {"max": 2000})


def test_a_dossier_text_longer_than_its_column_is_refused_with_the_limit_not_cut(session: Session, world: dict) -> None:
    with new_session() as s:
        address = s.exec(select(Address).where(Address.candidate_id == world["candidate"].id)).one()
    address.line1 = "1 " + "rue " * 30  # 122 characters for a 100-character line
    error = refused(lambda s: dossier.save_address(s, actor=world["candidate_actor"], address=address))
    assert error.errors == {"line1": "{max} caractères au maximum."} and error.params_of["line1"] == {"max": 100}
    assert error.field_message("line1", _) == "100 caractères au maximum."
    entry = ExternalRecord(
        candidate_id=world["candidate"].id,
        academic_year=2024,
        establishment_label="Université de Genève",
        country="CH",
        diploma_type="Diplôme " * 15,  # 119 characters for a 100-character column
        label="Histoire",
        outcome=RecordOutcome.OBTAINED,
    )
    error = refused(lambda s: dossier_entries.save_entry(s, actor=world["candidate_actor"], entry=entry))
    assert error.errors == {"diploma_type": "{max} caractères au maximum."}
    assert session.exec(select(ExternalRecord)).all() == []
