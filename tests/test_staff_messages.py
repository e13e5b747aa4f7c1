"""« Envoyer un message »: a manager writes to the candidates of a selection, within their scope only, sanitised,
rate-limited, one mail per candidate in their language, kept in the history and on the candidate's « Messages »."""

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.config import reset_settings
from app.models import AuditEvent, OutboxMail, StaffMessage, StaffMessageRecipient, StaffRole
from app.services.platform.errors import DomainError, NotFound
from app.services.review.candidate_messages import list_my_messages
from app.services.review.staff_messages import (
    MessageDraft,
    may_send_messages,
    message_start,
    preview_message,
    send_message,
)
from tests import factories

DRAFT = MessageDraft(
    "Réunion d'information",
    "<p>Bonjour {{ account.first_name }}, une réunion sur {{ program.title }} a lieu jeudi.</p>",
    "Information meeting",
    "<p>Dear {{ account.first_name }}, a meeting about {{ program.title }} is on Thursday.</p>",
)


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    campaign = factories.campaign(session)
    centres = [factories.centre(session), factories.centre(session)]
    committees = [factories.committee(session, centre.id) for centre in centres]
    programs = [
        factories.program(session, campaign_id=campaign.id, centre_id=c.centre_id, committee_id=c.id)
        for c in committees
    ]
    french = factories.candidate(session)
    english = factories.candidate(session, account_id=factories.account(session, language="en").id)
    applications = [
        factories.application(session, candidate_id=french.id, program=programs[0]),
        factories.application(session, candidate_id=english.id, program=programs[0]),
        factories.application(session, candidate_id=french.id, program=programs[1]),  # the other centre
    ]
    manager = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=centres[0].id)
    session.commit()
    return {
        "centres": centres,
        "committees": committees,
        "apps": [a.id for a in applications],
        "french": french,
        "english": english,
        "manager": manager,
    }


def _send(session: Session, actor: Any, ids: set[int], key: str = "key-00000001", draft: MessageDraft = DRAFT):
    return send_message(session, actor=actor, application_ids=ids, draft=draft, idempotency_key=key)


def test_a_centre_manager_sends_one_mail_per_candidate_in_their_language(session: Session, world: dict) -> None:
    first, second, _other = world["apps"]
    sent = _send(session, world["manager"], {first, second})
    session.commit()
    assert (sent.recipients, sent.applications) == (2, 2)
    mails = session.exec(select(OutboxMail).where(OutboxMail.code == "staff_message")).all()
    by_language = {mail.language: mail for mail in mails}
    assert sorted(by_language) == ["en", "fr"]
    assert by_language["fr"].subject == "Réunion d'information"
    assert "Bonjour Prénom" in by_language["fr"].body_html and "Dear" not in by_language["fr"].body_html
    assert by_language["en"].subject == "Information meeting"
    assert "Dear Prénom" in by_language["en"].body_html
    recipients = session.exec(select(StaffMessageRecipient)).all()
    assert {r.outbox_mail_id for r in recipients} == {mail.id for mail in mails}
    message = session.exec(select(StaffMessage)).one()
    author = world["manager"].staff_id
    assert (message.recipients, message.role, message.author_staff_id) == (2, "centre_manager", author)


def test_a_candidate_with_two_selected_applications_gets_one_mail(session: Session, world: dict) -> None:
    admin = factories.staff_actor(session, StaffRole.CENTRAL_OFFICE)
    first, _second, other = world["apps"]
    sent = _send(session, admin, {first, other})
    session.commit()
    assert (sent.recipients, sent.applications) == (1, 2)
    assert len(session.exec(select(OutboxMail).where(OutboxMail.code == "staff_message")).all()) == 1
    history = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent")).all()
    assert sorted(event.application_id for event in history) == sorted([first, other])
    assert all(event.after == {"subject": "Réunion d'information"} for event in history)
    selection_rows = session.exec(select(AuditEvent).where(AuditEvent.action == "message.sent_to_selection")).all()
    assert len(selection_rows) == 1 and selection_rows[0].after["recipients"] == 1


def test_one_application_outside_the_scope_refuses_the_whole_send(session: Session, world: dict) -> None:
    first, second, other = world["apps"]
    with pytest.raises(DomainError) as refused:
        _send(session, world["manager"], {first, second, other})
    assert refused.value.code == "message_out_of_scope" and refused.value.params["count"] == 1
    session.rollback()
    assert session.exec(select(OutboxMail)).all() == []
    assert session.exec(select(StaffMessage)).all() == []


def test_a_committee_member_may_not_write_to_candidates(session: Session, world: dict) -> None:
    member = factories.staff_actor(session, StaffRole.COMMITTEE_MEMBER, committee_id=world["committees"][0].id)
    session.commit()
    assert not may_send_messages(session, actor=member)
    assert may_send_messages(session, actor=world["manager"])
    with pytest.raises(DomainError) as refused:
        _send(session, member, {world["apps"][0]})
    assert refused.value.code == "message_role"


def test_a_read_only_manager_may_not_send(session: Session, world: dict) -> None:
    reader = factories.staff_actor(session, StaffRole.CENTRE_MANAGER, centre_id=world["centres"][0].id, read_only=True)
    session.commit()
    with pytest.raises(DomainError) as refused:
        _send(session, reader, {world["apps"][0]})
    assert refused.value.code == "read_only_role"


def test_a_cancelled_application_is_refused_like_one_outside_the_scope(session: Session, world: dict) -> None:
    from app import clock
    from app.models import Application

    application = session.get(Application, world["apps"][1])
    application.cancelled_at = clock.now()
    session.commit()
    with pytest.raises(DomainError) as refused:
        _send(session, world["manager"], {world["apps"][0], world["apps"][1]})
    assert refused.value.code == "message_out_of_scope"


def test_scripts_event_attributes_and_javascript_links_are_removed(session: Session, world: dict) -> None:
    draft = MessageDraft(
        "Info",
        '<p onclick="steal()">Bonjour</p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">ici</a> <a href="https://example.org/x">là</a>',
    )
    _send(session, world["manager"], {world["apps"][0]}, draft=draft)
    session.commit()
    stored = session.exec(select(StaffMessage)).one()
    recipient = session.exec(select(StaffMessageRecipient)).one()
    mail = session.exec(select(OutboxMail).where(OutboxMail.code == "staff_message")).one()
    for html in (stored.body_fr, recipient.content_html, mail.body_html):
        assert "<script" not in html and "alert(1)" not in html
        assert "javascript:" not in html and "onclick" not in html
        assert 'href="https://example.org/x"' in html


def test_unknown_variables_and_bad_lengths_are_refused_with_the_field(session: Session, world: dict) -> None:
    one = {world["apps"][0]}
    cases = [
        (MessageDraft("Info", "<p>{{ account.password_hash }}{{ secret }}</p>"), "body_fr"),
        (MessageDraft("", "<p>x</p>"), "subject_fr"),
        (MessageDraft("x" * 201, "<p>x</p>"), "subject_fr"),
        (MessageDraft("Info", "x" * 20_001), "body_fr"),
        (MessageDraft("Info", "<p>x</p>", "Info", ""), "body_en"),
        (MessageDraft("Info", "<p>{% for %}</p>"), "body_fr"),
    ]
    for draft, field in cases:
        with pytest.raises(DomainError) as refused:
            _send(session, world["manager"], one, draft=draft)
        assert refused.value.field == field, (draft, refused.value.code)
    assert session.exec(select(OutboxMail)).all() == []


def test_the_preview_is_what_the_candidate_receives(session: Session, world: dict) -> None:
    first, second, _other = world["apps"]
    preview = preview_message(
        session, actor=world["manager"], application_ids={first, second}, application_id=second, draft=DRAFT
    )
    assert preview.language == "en" and preview.subject == "Information meeting"
    _send(session, world["manager"], {first, second})
    session.commit()
    received = session.exec(
        select(StaffMessageRecipient).where(StaffMessageRecipient.candidate_id == world["english"].id)
    ).one()
    assert (received.subject, received.content_html) == (preview.subject, preview.content)
    with pytest.raises(NotFound):  # a candidate outside the selection is not previewed
        preview_message(session, actor=world["manager"], application_ids={first}, application_id=second, draft=DRAFT)


def test_a_second_click_with_the_same_key_sends_nothing_more(session: Session, world: dict) -> None:
    first = world["apps"][0]
    once = _send(session, world["manager"], {first})
    session.commit()
    twice = _send(session, world["manager"], {first})
    session.commit()
    assert twice.already_sent and twice.message_id == once.message_id
    assert len(session.exec(select(OutboxMail)).all()) == 1


def test_the_hourly_cap_and_the_selection_cap_refuse_clearly(
    session: Session, world: dict, clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECANDIDAT_STAFF_MESSAGES_PER_HOUR", "2")
    monkeypatch.setenv("ECANDIDAT_STAFF_MESSAGE_MAX_RECIPIENTS", "1")
    reset_settings()
    first, second, _other = world["apps"]
    with pytest.raises(DomainError) as too_many:
        _send(session, world["manager"], {first, second})
    assert too_many.value.code == "message_too_many" and too_many.value.params == {"max": 1, "count": 2}
    _send(session, world["manager"], {first}, key="key-00000001")
    _send(session, world["manager"], {first}, key="key-00000002")
    session.commit()
    with pytest.raises(DomainError) as throttled:
        _send(session, world["manager"], {first}, key="key-00000003")
    assert throttled.value.code == "message_throttled"
    session.rollback()
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    _send(session, world["manager"], {first}, key="key-00000003")  # an hour later, allowed again
    session.commit()
    assert len(session.exec(select(StaffMessage)).all()) == 3


def test_the_candidate_reads_only_their_own_messages_newest_first(session: Session, world: dict, clock: Any) -> None:
    first, second, _other = world["apps"]
    _send(session, world["manager"], {first, second}, key="key-00000001")
    session.commit()
    clock.set(clock.now() + timedelta(minutes=5))
    later = MessageDraft("Rappel", "<p>Pensez à transmettre.</p>")
    _send(session, world["manager"], {first}, key="key-00000002", draft=later)
    session.commit()
    french = list_my_messages(session, actor=factories.candidate_actor(session, world["french"]))
    english = list_my_messages(session, actor=factories.candidate_actor(session, world["english"]))
    assert [m.subject for m in french] == ["Rappel", "Réunion d'information"]
    assert [m.subject for m in english] == ["Information meeting"]
    assert "Pensez à transmettre." in french[0].content


def test_the_dialog_starts_from_the_shipped_template_in_both_languages(session: Session) -> None:
    start = message_start(session)
    assert "{{ account.first_name }}" in start.body_fr and "{{ account.first_name }}" in start.body_en
    assert start.subject_fr and start.subject_en


def test_the_copy_of_a_candidates_data_holds_their_messages_only(session: Session, world: dict) -> None:
    from app.services.exports import personal_data

    _send(session, world["manager"], {world["apps"][0]})
    session.commit()
    mine = personal_data.collect(session, account_id=world["french"].account_id, language="fr")
    assert [m["subject"] for m in mine["messages"]] == ["Réunion d'information"]
    assert "Bonjour Prénom" in mine["messages"][0]["content_html"]
    assert personal_data.collect(session, account_id=world["english"].account_id, language="en")["messages"] == []
