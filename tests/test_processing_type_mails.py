"""A change of processing type mails the new type's own mail (eCandidat's TYPE_TRAIT_AC / AD / ATT) and, where
the central office asks it, sets the dossier back to En attente through the dossier's state machine."""

import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, Decision, DecisionKind, DossierStatus, OutboxMail, ProcessingType, StaffRole
from app.services.admin import portal_parameters
from app.services.platform.form_checks import DossierInvalid
from app.services.review import staff_view as staff_review
from tests import factories


@pytest.fixture
def world(session: Session) -> dict:
    program = factories.program(session)
    application = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    actor = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=program.centre_id)
    session.commit()
    return {"application": application, "actor": actor}


def _to_complete(session: Session, actor, application_id: int) -> None:
    for status in (DossierStatus.RECEIVED, DossierStatus.COMPLETE):
        staff_review.set_dossier_status(
            session, actor=actor, application_id=application_id, status=status, expected_version=None
        )
    session.commit()


def codes(session: Session, application_id: int) -> list[str]:
    return [
        mail.code
        for mail in session.exec(
            select(OutboxMail).where(OutboxMail.application_id == application_id).order_by(OutboxMail.id)
        )
    ]


def change(session: Session, actor, application_id: int, processing_type: ProcessingType) -> None:
    staff_review.set_processing_type(
        session, actor=actor, application_id=application_id, processing_type=processing_type, expected_version=None
    )
    session.commit()


def test_each_processing_type_has_its_own_mail(session: Session, world: dict) -> None:
    actor = world["actor"]
    application = world["application"]
    for processing_type in (ProcessingType.UNDECIDED, ProcessingType.DIRECT_ADMISSION, ProcessingType.COMMITTEE):
        change(session, actor, application.id, processing_type)
    change(session, actor, application.id, ProcessingType.COMMITTEE)  # unchanged: no mail
    assert codes(session, application.id) == [
        "processing_type_undecided",
        "processing_type_direct_admission",
        "processing_type_committee",
    ]
    mail = session.exec(select(OutboxMail).where(OutboxMail.code == "processing_type_direct_admission")).one()
    assert "admission de droit" in mail.body_html  # the candidate's language: French here
    session.refresh(application)
    assert application.dossier_status == DossierStatus.PENDING  # the parameter is off by default


def save_reset(session: Session, value: int) -> None:
    admin = factories.staff_actor(session, StaffRole.ADMINISTRATOR)
    portal_parameters.save_parameter(
        session, actor=admin, name="processing_type_change_resets_dossier", value=value, expected_version=0
    )
    session.commit()


def test_where_asked_the_change_sets_the_dossier_back_to_pending(session: Session, world: dict) -> None:
    actor = world["actor"]
    factories.decision_type(session, DecisionKind.FAVORABLE)
    session.commit()
    application = world["application"]
    _to_complete(session, actor, application.id)
    save_reset(session, 1)
    before = len(codes(session, application.id))
    change(session, actor, application.id, ProcessingType.DIRECT_ADMISSION)
    session.refresh(application)
    assert application.dossier_status == DossierStatus.PENDING
    assert codes(session, application.id)[before:] == ["processing_type_direct_admission", "dossier_pending"]
    # The dossier is no longer complete: direct admission waits for it to be validated again.
    assert session.exec(select(Decision)).all() == []
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "application.processing_type_changed")).one()
    assert event.before == {"processing_type": "committee", "dossier_status": "complete"}
    assert event.after == {"processing_type": "direct_admission", "dossier_status": "pending"}
    _to_complete(session, actor, application.id)
    assert session.exec(select(Decision).where(Decision.application_id == application.id)).one()


def test_a_pending_dossier_is_left_as_it_is(session: Session, world: dict) -> None:
    actor = world["actor"]
    save_reset(session, 1)
    application = world["application"]
    change(session, actor, application.id, ProcessingType.UNDECIDED)
    assert codes(session, application.id) == ["processing_type_undecided"]


@pytest.mark.parametrize("value", [2, -1])
def test_the_parameter_is_yes_or_no(session: Session, world: dict, value: int) -> None:
    with pytest.raises(DossierInvalid) as refused:
        save_reset(session, value)
    assert refused.value.errors == {
        "processing_type_change_resets_dossier": "Indiquez une valeur entre {min} et {max}."
    }
