"""« Transmettre »: every rule re-checked on the server; all of it or none of it; one transmission per click."""

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from app.db import new_session, transaction
from app.models import (
    Application,
    AuditEvent,
    Campaign,
    DocumentStatus,
    DossierStatus,
    OutboxMail,
    Procedure,
    QuestionAnswer,
    QuestionKind,
)
from app.services.applications.transmission import transmission_readiness, transmit_application
from app.services.mail import outbox as mail
from app.services.platform.actors import Actor
from app.services.platform.errors import DomainError
from tests import factories


def setup(session: Session, *, pieces=(DocumentStatus.SUBMITTED,), **program_kw) -> tuple[Actor, Application]:
    """A candidate's application with ``pieces`` in these statuses; committed, so other sessions see it."""
    campaign = session.exec(select(Campaign).where(col(Campaign.is_active))).first() or factories.campaign(session)
    account = factories.account(session)
    candidate = factories.complete_candidate(session, account_id=account.id)
    program = factories.program(session, campaign_id=campaign.id, **program_kw)
    application = factories.application(session, candidate_id=candidate.id, program=program)
    for n, status in enumerate(pieces):
        required = factories.required_document(session, program_id=program.id, label_fr=f"Pièce {n}")
        factories.submitted_document(
            session, application_id=application.id, required_document_id=required.id, status=status
        )
    session.commit()
    return Actor("candidate", account_id=account.id), application


def refusal(session: Session, actor: Actor, application: Application) -> DomainError:
    with pytest.raises(DomainError) as refused:
        transmit_application(session, actor=actor, application_id=application.id)
    session.rollback()
    return refused.value


def test_refused_with_a_missing_piece(session: Session) -> None:
    actor, application = setup(session, pieces=(DocumentStatus.SUBMITTED, DocumentStatus.PENDING))
    error = refusal(session, actor, application)
    assert (error.code, error.params) == ("pieces_missing", {"pieces": "Pièce 1"})
    readiness = transmission_readiness(session, actor=actor, application_id=application.id)
    assert not readiness.ready and readiness.missing_pieces == ["Pièce 1"]


def test_refused_with_a_refused_piece_and_with_a_piece_added_later(session: Session) -> None:
    actor, application = setup(session, pieces=(DocumentStatus.REFUSED,))
    assert refusal(session, actor, application).code == "pieces_missing"

    actor, application = setup(session, pieces=(DocumentStatus.VALIDATED, DocumentStatus.NOT_APPLICABLE))
    factories.required_document(session, program_id=application.program_id, label_fr="Nouvelle pièce")
    session.commit()  # required after the application was made: it has no row yet, and is missing all the same
    error = refusal(session, actor, application)
    assert error.params == {"pieces": "Nouvelle pièce"}


def test_refused_while_a_dossier_section_is_incomplete_and_every_piece_left_is_listed(session: Session) -> None:
    """Applying needed a complete dossier; transmitting needs it still (an address emptied since is « left to do »),
    and the readiness names each section and each missing piece with its row and whether « Non concerné » fits."""
    from app.models import Address

    actor, application = setup(session, pieces=(DocumentStatus.PENDING,))
    conditional = factories.required_document(
        session, program_id=application.program_id, label_fr="Attestation MDPH", is_conditional=True
    )
    piece = factories.submitted_document(session, application_id=application.id, required_document_id=conditional.id)
    address = session.exec(select(Address).where(Address.candidate_id == application.candidate_id)).one()
    address.line1 = ""
    session.add(address)
    session.commit()
    error = refusal(session, actor, application)
    assert (error.code, error.params) == ("dossier_incomplete", {"sections": "Adresse"})
    readiness = transmission_readiness(session, actor=actor, application_id=application.id)
    assert readiness.left_to_do and readiness.incomplete_sections == ["address"]
    assert [(p.label, p.is_conditional) for p in readiness.pieces_left] == [
        ("Pièce 0", False),
        ("Attestation MDPH", True),
    ]
    assert readiness.pieces_left[1].submitted_document_id == piece.id


def test_refused_with_an_unanswered_mandatory_question(session: Session) -> None:
    actor, application = setup(session)
    question = factories.question(session, program_id=application.program_id, label_fr="Boursier ?")
    factories.question(session, program_id=application.program_id, is_mandatory=False)
    factories.question(session, program_id=application.program_id, is_active=False)
    text = factories.question(session, centre_id=application.centre_id, kind=QuestionKind.TEXT, label_fr="Projet ?")
    session.commit()
    error = refusal(session, actor, application)
    assert (error.code, error.params) == ("questions_unanswered", {"questions": "Projet ?, Boursier ?"})

    session.add(QuestionAnswer(application_id=application.id, question_id=question.id, bool_value=False))
    session.add(QuestionAnswer(application_id=application.id, question_id=text.id, text_value="Devenir ingénieur"))
    session.commit()
    assert transmit_application(session, actor=actor, application_id=application.id).dossier_status == (
        DossierStatus.RECEIVED
    )


def test_the_return_date_and_the_candidates_own_later_date(session: Session, clock) -> None:
    now = clock.set(clock.now().replace(microsecond=0))
    actor, application = setup(session, return_by=now + timedelta(days=15))
    program_return = now + timedelta(days=15)
    clock.set(program_return + timedelta(seconds=1))
    assert refusal(session, actor, application).code == "return_date_passed"

    application = session.get(Application, application.id)
    application.return_by_override = program_return + timedelta(days=3)
    session.add(application)
    session.commit()
    clock.set(application.return_by_override - timedelta(seconds=1))
    assert transmit_application(session, actor=actor, application_id=application.id).dossier_status == (
        DossierStatus.RECEIVED
    )


def test_paper_procedure_and_someone_elses_application_are_refused(session: Session) -> None:
    actor, application = setup(session, procedure=Procedure.PAPER)
    assert refusal(session, actor, application).code == "paper_procedure"
    other, _ = setup(session)
    assert refusal(session, other, application).code == "not_found"
    read_only = Actor("candidate", account_id=actor.account_id, impersonated_by_staff_id=1)
    assert refusal(session, read_only, application).code == "read_only"


def test_success_receives_the_dossier_and_enqueues_both_mails(session: Session, clock) -> None:
    now = clock.set(clock.now())
    actor, application = setup(session, pieces=(DocumentStatus.SUBMITTED, DocumentStatus.NOT_APPLICABLE))
    with transaction() as tx:
        transmit_application(tx, actor=actor, application_id=application.id)
    with new_session() as check:
        stored = check.get(Application, application.id)
        assert stored.dossier_status == DossierStatus.RECEIVED
        assert stored.transmitted_at == stored.received_at == stored.dossier_status_at == now
        mails = check.exec(select(OutboxMail).where(OutboxMail.application_id == application.id)).all()
        assert sorted(m.code for m in mails) == ["committee_transmission", "dossier_received"]
        receipt = next(m for m in mails if m.code == "dossier_received")
        assert receipt.to_address.startswith("candidat")
        # The receipt lists the pieces as received.
        assert "Pièce 0 — Transmise" in receipt.body_text and "Pièce 1 — Non concerné" in receipt.body_text
        events = check.exec(select(AuditEvent).where(AuditEvent.action == "application.transmitted")).all()
        assert len(events) == 1 and events[0].application_id == application.id


def test_no_committee_alert_when_the_committee_does_not_ask(session: Session) -> None:
    committee = factories.committee(session, factories.centre(session).id, alert_on_transmission=False)
    actor, application = setup(session, committee_id=committee.id, centre_id=committee.centre_id)
    transmit_application(session, actor=actor, application_id=application.id)
    session.commit()
    codes = session.exec(select(OutboxMail.code).where(OutboxMail.application_id == application.id)).all()
    assert list(codes) == ["dossier_received"]


@pytest.mark.parametrize("crash_on_call", [1, 2])
def test_a_crash_between_the_steps_leaves_nothing(
    session: Session, monkeypatch: pytest.MonkeyPatch, crash_on_call: int
) -> None:
    """After the status change, at the receipt (1) or at the committee alert (2): nothing is committed."""
    actor, application = setup(session)
    real_enqueue = mail.enqueue_mail
    calls = []

    def crashing(*args, **kwargs):
        calls.append(kwargs["code"])
        if len(calls) == crash_on_call:
            raise RuntimeError("the process dies here")
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(mail, "enqueue_mail", crashing)
    with pytest.raises(RuntimeError), transaction() as tx:
        transmit_application(tx, actor=actor, application_id=application.id)
    assert len(calls) == crash_on_call
    with new_session() as check:
        stored = check.get(Application, application.id)
        assert stored.dossier_status == DossierStatus.PENDING
        assert stored.transmitted_at is None and stored.received_at is None and stored.version == application.version
        assert check.exec(select(OutboxMail)).all() == []
        assert check.exec(select(AuditEvent).where(AuditEvent.action == "application.transmitted")).all() == []

    monkeypatch.setattr(mail, "enqueue_mail", real_enqueue)
    with transaction() as tx:  # the candidate clicks again: it goes through, once
        transmit_application(tx, actor=actor, application_id=application.id)


def test_a_double_click_transmits_once(session: Session) -> None:
    actor, application = setup(session)
    # Two requests load the application before either commits (two tabs, a double click).
    first, second = new_session(), new_session()
    try:
        first.get(Application, application.id)
        second.get(Application, application.id)
        transmit_application(first, actor=actor, application_id=application.id)
        first.commit()
        with pytest.raises(DomainError) as refused:
            transmit_application(second, actor=actor, application_id=application.id)
        assert refused.value.code == "already_transmitted"
        second.rollback()
    finally:
        first.close()
        second.close()
    error = refusal(session, actor, application)  # and a third, later
    assert error.code == "already_transmitted"
    assert error.translate(lambda m: m) == "Cette candidature a déjà été transmise."
    receipts = session.exec(select(OutboxMail).where(OutboxMail.code == "dossier_received")).all()
    assert len(receipts) == 1


def test_an_incomplete_dossier_can_be_transmitted_again(session: Session) -> None:
    actor, application = setup(session)
    application = session.get(Application, application.id)
    application.dossier_status = DossierStatus.INCOMPLETE
    session.add(application)
    session.commit()
    assert transmit_application(session, actor=actor, application_id=application.id).dossier_status == (
        DossierStatus.RECEIVED
    )
