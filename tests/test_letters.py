"""Admission and refusal letters: their text (read back with pypdf), the signature, the mail attachment."""

import io

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from app import clock as app_clock
from app.models import DecisionKind, FileKind, OutboxMail, Program, StaffRole
from app.services.decisions.letters import (
    letter_available,
    letter_context,
    letter_filename,
    my_letter_context,
    render_letter,
)
from app.services.decisions.staff_decisions import enter_decision, publish_decision
from app.services.platform.errors import NotFound
from tests import factories


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(session: Session, clock) -> dict:
    clock.set(app_clock.paris_datetime(2026, 6, 1, 10))
    centre = factories.centre(session)
    signature = factories.stored_file(
        session, factories.image_bytes("PNG", (200, 80)), media_type="image/png", kind=FileKind.SIGNATURE
    )
    committee = factories.committee(
        session,
        centre.id,
        signatory_name="Marie Curie",
        signatory_title="Présidente du jury",
        signature_file_id=signature.id,
        letters_attached_to_mail=True,
    )
    program = factories.program(
        session, centre_id=centre.id, committee_id=committee.id, label_fr="Master Chimie", confirmation_delay_days=7
    )
    candidate = factories.complete_candidate(session)
    application = factories.application(session, candidate_id=candidate.id, program=program)
    session.commit()
    return {
        "application": application,
        "candidate": candidate,
        "manager": factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centre.id),
        "committee": committee,
    }


def publish(session: Session, world: dict, kind: DecisionKind, **fields) -> object:
    dtype = factories.decision_type(session, kind, label_fr="Avis favorable" if kind == "favorable" else "Refus")
    decision = enter_decision(
        session, actor=world["manager"], application_id=world["application"].id, decision_type_id=dtype.id, **fields
    )
    published = publish_decision(session, actor=world["manager"], decision_id=decision.id)
    session.commit()
    return published


def test_the_admission_letter_says_the_decision_the_deadline_and_is_signed(session: Session, world: dict) -> None:
    decision = publish(session, world, DecisionKind.FAVORABLE, comment="Excellent dossier.")
    context = letter_context(session, world["application"], decision)
    assert context is not None and context["signature"]
    pdf = render_letter(context)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the signature, stamped in its frame
    text = text_of(pdf)
    for expected in (
        "Lettre d'admission",
        "Master Chimie",
        "Avis favorable",
        "Excellent dossier.",
        "avant le 8 juin 2026 à 23:59",
        "Présidente du jury",
        "Marie Curie",
    ):
        assert expected in text, expected
    assert "recours" not in text
    [mail] = session.exec(select(OutboxMail).where(OutboxMail.code == "decision_favorable")).all()
    assert len(mail.attachments) == 1 and mail.attachments[0]["filename"].startswith("admission-")


def test_the_refusal_letter_gives_the_reason_and_the_routes_of_appeal(session: Session, world: dict) -> None:
    reason = factories.refusal_reason(session, label_fr="Capacité d'accueil atteinte")
    decision = publish(session, world, DecisionKind.UNFAVORABLE, refusal_reason_id=reason.id, comment="Dossier juste.")
    text = text_of(render_letter(letter_context(session, world["application"], decision)))
    for expected in (
        "Lettre de refus",
        "Motif : Capacité d'accueil atteinte",
        "Dossier juste.",
        "recours gracieux auprès du président de l'université",
        "tribunal administratif",
    ):
        assert expected in text, expected
    assert "confirmer" not in text.lower().split("voies de recours")[0]


def test_the_candidate_gets_the_letter_of_a_published_decision_only(session: Session, world: dict) -> None:
    actor = factories.candidate_actor(session, world["candidate"])
    application_id = world["application"].id
    assert not letter_available(session, actor=actor, application_id=application_id)
    with pytest.raises(NotFound):
        my_letter_context(session, actor=actor, application_id=application_id)
    publish(session, world, DecisionKind.FAVORABLE)
    assert letter_available(session, actor=actor, application_id=application_id)
    assert my_letter_context(session, actor=actor, application_id=application_id)["kind"] == "favorable"
    world["committee"].letters_downloadable = False
    session.add(world["committee"])
    session.commit()
    with pytest.raises(NotFound):
        my_letter_context(session, actor=actor, application_id=application_id)


def test_the_waiting_list_letter_gives_the_rank_and_is_signed(session: Session, world: dict) -> None:
    decision = publish(session, world, DecisionKind.WAITING_LIST, waiting_list_rank=3)
    context = letter_context(session, world["application"], decision)
    assert letter_filename(context).startswith("liste-complementaire-")
    text = text_of(render_letter(context))
    for expected in ("Inscription sur liste complémentaire", "Master Chimie", "au rang 3", "Marie Curie"):
        assert expected in text, expected
    assert "recours" not in text and "avant le" not in text
    [mail] = session.exec(select(OutboxMail).where(OutboxMail.code == "decision_waiting_list")).all()
    assert mail.attachments[0]["filename"].startswith("liste-complementaire-")


def test_the_convocation_letter_gives_the_date_time_and_place(session: Session, world: dict) -> None:
    decision = publish(
        session,
        world,
        DecisionKind.PRESELECTION,
        preselection_at=app_clock.paris_datetime(2026, 6, 10, 9, 30),
        preselection_place="Bâtiment IIIA, salle E08",
    )
    context = letter_context(session, world["application"], decision)
    assert letter_filename(context).startswith("convocation-")
    text = text_of(render_letter(context))
    for expected in ("Convocation", "10 juin 2026 à 09:30", "Lieu : Bâtiment IIIA, salle E08", "Présidente du jury"):
        assert expected in text, expected


def test_a_waiting_list_call_mails_its_letter(session: Session, world: dict) -> None:
    from app.services.decisions.answers import withdraw
    from app.services.decisions.waiting_list import latest_published

    program = session.get(Program, world["application"].program_id)
    program.capacity, program.waiting_list_call_decision_type_id = 1, factories.decision_type(session).id
    session.add(program)
    publish(session, world, DecisionKind.FAVORABLE)
    waiting = factories.application(session, candidate_id=factories.complete_candidate(session).id, program=program)
    factories.published_decision(session, application=waiting, kind=DecisionKind.WAITING_LIST, rank=1)
    session.commit()
    withdraw(
        session, actor=factories.candidate_actor(session, world["candidate"]), application_id=world["application"].id
    )
    session.commit()
    [mail] = session.exec(select(OutboxMail).where(OutboxMail.code == "decision_waiting_list_call")).all()
    assert mail.attachments[0]["filename"].startswith("admission-")
    text = text_of(render_letter(letter_context(session, waiting, latest_published(session, waiting.id))))
    assert "Une place s'est libérée" in text and "Lettre d'admission" in text


def test_a_two_thousand_character_word_wraps_inside_the_letter(session: Session, world: dict) -> None:
    decision = publish(session, world, DecisionKind.FAVORABLE, comment="W" * 2000)
    pdf = render_letter(letter_context(session, world["application"], decision))
    lines = [
        line for page in PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().splitlines() if "WW" in line
    ]
    assert sum(line.count("W") for line in lines) == 2000  # every character is printed…
    assert max(len(line) for line in lines) < 100  # …on lines that fit the page, not one line running off it
